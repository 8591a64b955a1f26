// dos.h: DOS-1..3, resource bounds: far-ahead counters, retained keys, malformed input.
#pragma once

#include "harness/runner/check.h"

namespace parity::suites {

// register_dos_checks adds the DOS checks; each also runs on the baseline.
void register_dos_checks(harness::Registry& registry);

}  // namespace parity::suites
