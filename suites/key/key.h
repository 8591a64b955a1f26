// key.h: KEY-1..3, key hygiene: fresh keys, small-order keys, plaintexts in exports.
#pragma once

#include "harness/runner/check.h"

namespace parity::suites {

// register_key_checks adds the KEY checks; each also runs on the baseline.
void register_key_checks(harness::Registry& registry);

}  // namespace parity::suites
