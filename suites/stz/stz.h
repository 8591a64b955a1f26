// stz.h: STZ, stanzas (targets with capability `stanza`; stanzas.md): what the target
// writes validates and decrypts, it reads the valid corpus and refuses the invalid one,
// and hostile XML is refused.
#pragma once

#include "harness/runner/check.h"

namespace parity::suites {

// register_stz_checks adds STZ-1.wrap, STZ-2.valid-corpus, STZ-2.invalid-corpus and
// STZ-3.hostile; each needs capability "stanza".
void register_stz_checks(harness::Registry& registry);

}  // namespace parity::suites
