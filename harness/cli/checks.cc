#include "harness/cli/checks.h"

// Each suite is included only when its library exists in this build
// (harness/cli/CMakeLists.txt defines PARITY_HAVE_SUITE_<GROUP>), so the CLI builds
// before every suite has landed. A suite exposes, in suites/<group>/<group>.h,
// `void parity::suites::register_<group>_checks(harness::Registry&)`.
#ifdef PARITY_HAVE_SUITE_KAT
#include "suites/kat/kat.h"
#endif
#ifdef PARITY_HAVE_SUITE_SIG
#include "suites/sig/sig.h"
#endif
#ifdef PARITY_HAVE_SUITE_AKE
#include "suites/ake/ake.h"
#endif
#ifdef PARITY_HAVE_SUITE_MSG
#include "suites/msg/msg.h"
#endif
#ifdef PARITY_HAVE_SUITE_FS
#include "suites/fs/fs.h"
#endif
#ifdef PARITY_HAVE_SUITE_PCS
#include "suites/pcs/pcs.h"
#endif
#ifdef PARITY_HAVE_SUITE_ORD
#include "suites/ord/ord.h"
#endif
#ifdef PARITY_HAVE_SUITE_DOS
#include "suites/dos/dos.h"
#endif
#ifdef PARITY_HAVE_SUITE_KEY
#include "suites/key/key.h"
#endif
#ifdef PARITY_HAVE_SUITE_STZ
#include "suites/stz/stz.h"
#endif
#ifdef PARITY_HAVE_SUITE_MED
#include "suites/med/med.h"
#endif

namespace parity::harness {

void register_all_checks(Registry& registry) {
  (void)registry;
#ifdef PARITY_HAVE_SUITE_KAT
  parity::suites::register_kat_checks(registry);
#endif
#ifdef PARITY_HAVE_SUITE_SIG
  parity::suites::register_sig_checks(registry);
#endif
#ifdef PARITY_HAVE_SUITE_AKE
  parity::suites::register_ake_checks(registry);
#endif
#ifdef PARITY_HAVE_SUITE_MSG
  parity::suites::register_msg_checks(registry);
#endif
#ifdef PARITY_HAVE_SUITE_FS
  parity::suites::register_fs_checks(registry);
#endif
#ifdef PARITY_HAVE_SUITE_PCS
  parity::suites::register_pcs_checks(registry);
#endif
#ifdef PARITY_HAVE_SUITE_ORD
  parity::suites::register_ord_checks(registry);
#endif
#ifdef PARITY_HAVE_SUITE_DOS
  parity::suites::register_dos_checks(registry);
#endif
#ifdef PARITY_HAVE_SUITE_KEY
  parity::suites::register_key_checks(registry);
#endif
#ifdef PARITY_HAVE_SUITE_STZ
  parity::suites::register_stz_checks(registry);
#endif
#ifdef PARITY_HAVE_SUITE_MED
  parity::suites::register_med_checks(registry);
#endif
}

}  // namespace parity::harness
