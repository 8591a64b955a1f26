// med.h: MED, attachments (targets with capability `media`): the attachment vectors,
// tampered files, fresh media keys, and round trips of every type and size.
#pragma once

#include "harness/runner/check.h"

namespace parity::suites {

// register_med_checks adds MED-1.vectors, MED-2.vectors, MED-2.tamper, MED-3.fresh_keys
// and MED-4.round_trip; each needs capability "media".
void register_med_checks(harness::Registry& registry);

}  // namespace parity::suites
