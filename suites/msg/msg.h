// msg.h: MSG-1..5, confidentiality and integrity of each message: round trips of every
// size, no repeated ciphertexts, every modification refused, refusals change nothing,
// messages bound to their direction.
#pragma once

#include "harness/runner/check.h"

namespace parity::suites {

// register_msg_checks adds the MSG checks; each runs its scenario on the target and on
// the Signal baseline and shows both figures.
void register_msg_checks(harness::Registry& registry);

}  // namespace parity::suites
