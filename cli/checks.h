// checks.h: the one place where the checks of every suite are registered.
#pragma once

#include "harness/runner/check.h"

namespace parity::harness {

// register_all_checks adds the checks of every suite built into this parity.
void register_all_checks(Registry& registry);

}  // namespace parity::harness
