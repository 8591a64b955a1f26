#include "cli/checks.h"

// Every suite exposes, in suites/<group>/<group>.h,
// `void parity::suites::register_<group>_checks(harness::Registry&)`.
#include "suites/ake/ake.h"
#include "suites/dos/dos.h"
#include "suites/fs/fs.h"
#include "suites/grp/grp.h"
#include "suites/kat/kat.h"
#include "suites/key/key.h"
#include "suites/med/med.h"
#include "suites/msg/msg.h"
#include "suites/ord/ord.h"
#include "suites/pcs/pcs.h"
#include "suites/sig/sig.h"
#include "suites/stz/stz.h"

namespace parity::harness {

void register_all_checks(Registry& registry) {
  parity::suites::register_kat_checks(registry);
  parity::suites::register_sig_checks(registry);
  parity::suites::register_ake_checks(registry);
  parity::suites::register_msg_checks(registry);
  parity::suites::register_fs_checks(registry);
  parity::suites::register_pcs_checks(registry);
  parity::suites::register_ord_checks(registry);
  parity::suites::register_dos_checks(registry);
  parity::suites::register_key_checks(registry);
  parity::suites::register_stz_checks(registry);
  parity::suites::register_med_checks(registry);
  parity::suites::register_grp_checks(registry);
}

}  // namespace parity::harness
