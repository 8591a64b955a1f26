// kat.h: KAT-1 and KAT-2, the known-answer vectors of vectors/ sent through PTP `primitive`.
#pragma once

#include "harness/runner/check.h"

namespace parity::suites {

// register_kat_checks adds one check per vector file (per primitive name).
void register_kat_checks(harness::Registry& registry);

}  // namespace parity::suites
