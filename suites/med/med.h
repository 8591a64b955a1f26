// med.h: MED, attachments (targets with capability `media`): the attachment vectors,
// tampered files, fresh media keys, and round trips of every type and size.
#pragma once

#include "harness/runner/check.h"

namespace parity::suites {

// register_med_checks adds MED-1.vectors, MED-2.vectors, MED-2.tamper, MED-2.files,
// MED-3.fresh-keys and MED-4.round-trip; each needs capability "media" (MED-2.files also
// "media_file"). MED-4 also sends attachments of up to 64 MiB through files when the
// target declares "media_file", and is not-tested when it does not (lines alone carry 6 MiB).
void register_med_checks(harness::Registry& registry);

}  // namespace parity::suites
