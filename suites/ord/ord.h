// ord.h: ORD-1..4, delivery order, loss and replay, judged within the target's declared
// bounds and beside the Signal baseline.
#pragma once

#include "harness/runner/check.h"

namespace parity::suites {

// register_ord_checks adds the ORD checks; each also runs on the baseline.
void register_ord_checks(harness::Registry& registry);

}  // namespace parity::suites
