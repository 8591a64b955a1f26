// sig.h: SIG-1..4, Signal wire interoperability of a signal-v3 target with the reference.
#pragma once

#include "harness/runner/check.h"

namespace parity::suites {

// register_sig_checks adds the SIG checks; each runs the reference as a second process.
void register_sig_checks(harness::Registry& registry);

}  // namespace parity::suites
