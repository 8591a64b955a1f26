#include "reference/session_policy.h"

#include "reference/crypto/xeddsa.h"
#include "reference/ratchet.h"
#include "reference/wire/public_key.h"

namespace parity::signal {

bool SessionHooks::signed_prekey_valid(const wire::Bundle& bundle) const {
  return xeddsa_verify(bundle.identity_key, wire::serialize_key(bundle.signed_prekey_public),
                       bundle.signed_prekey_signature);
}

bool SessionHooks::mac_matches(const MacValue& computed, const MacValue& received) const {
  return ct_equal(computed, received);
}

std::optional<KeyPair> SessionHooks::next_ratchet_key(const SessionState& state, const RatchetKeySource& keys) const {
  (void)state;
  return keys.next();
}

std::shared_ptr<const SessionHooks> signal_hooks() {
  static const auto hooks = std::make_shared<const SessionHooks>();
  return hooks;
}

}  // namespace parity::signal
