// fs.h: FS-1..4, forward secrecy and bounded retention, measured on the target and on
// the Signal baseline in the same run.
#pragma once

#include "harness/runner/check.h"

namespace parity::suites {

// register_fs_checks adds the FS checks; each runs the reference as a second process.
void register_fs_checks(harness::Registry& registry);

}  // namespace parity::suites
