// grp_more.h: GRP-7..12 (groups.md), the group checks that attack the group's secrets and
// agreement, each played with the suite as the group's server (group_world.h).
#pragma once

#include "harness/runner/check.h"

namespace parity::suites {

// register_grp_secrecy_checks adds GRP-7 (forward secrecy) and GRP-9 (binding).
void register_grp_secrecy_checks(harness::Registry& registry);
// register_grp_bounds_checks adds GRP-8 (bounds).
void register_grp_bounds_checks(harness::Registry& registry);
// register_grp_info_checks adds GRP-10 (healing) and GRP-11 (membership agreement).
void register_grp_info_checks(harness::Registry& registry);
// register_grp_wire_checks adds GRP-12 (Sender Keys on the wire, signal only).
void register_grp_wire_checks(harness::Registry& registry);

// register_grp_more_checks adds all of the above (called by register_grp_checks).
inline void register_grp_more_checks(harness::Registry& registry) {
  register_grp_secrecy_checks(registry);
  register_grp_bounds_checks(registry);
  register_grp_info_checks(registry);
  register_grp_wire_checks(registry);
}

}  // namespace parity::suites
