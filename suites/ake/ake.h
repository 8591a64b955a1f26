// ake.h: AKE-1..7, session establishment: asynchronous start, authenticated bundles,
// identity binding, replayed first messages, independent sessions, one-time prekeys,
// replaced sessions.
#pragma once

#include "harness/runner/check.h"

namespace parity::suites {

// register_ake_checks adds the AKE checks; each runs its scenario on the target and on
// the Signal baseline and shows both figures.
void register_ake_checks(harness::Registry& registry);

}  // namespace parity::suites
