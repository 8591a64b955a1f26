// grp_attacks.h: GRP-2..6, the group checks where the suite attacks as the server or as
// a member: integrity, sender authentication, replay and rollback, removal, joining.
#pragma once

#include "harness/runner/check.h"

namespace parity::suites {

// register_grp_attack_checks adds GRP-2..6 (called by register_grp_checks).
void register_grp_attack_checks(harness::Registry& registry);

}  // namespace parity::suites
