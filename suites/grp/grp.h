// grp.h: GRP-1..6, group chats (groups.md): delivery, integrity, sender authentication,
// replay and rollback, removal and joining, each played with the suite as the group's
// server (group_world.h) on the target and on the baseline.
#pragma once

#include "harness/runner/check.h"

namespace parity::suites {

// register_grp_checks adds the GRP checks; each also runs on the baseline.
void register_grp_checks(harness::Registry& registry);

}  // namespace parity::suites
