// pcs.h: PCS-1..4, post-compromise security (healing), measured on the target and on
// the Signal baseline in the same run.
#pragma once

#include "harness/runner/check.h"

namespace parity::suites {

// register_pcs_checks adds the PCS checks; each runs the reference as a second process.
void register_pcs_checks(harness::Registry& registry);

}  // namespace parity::suites
