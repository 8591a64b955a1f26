#include "reference/session_policy.h"

#include "reference/crypto/aes.h"
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

Result<Bytes> MessageScheme::seal(wire::SignalMessage& message_, const MessageKeys& keys, const Key32& sender,
                                  const Key32& receiver, ByteView plaintext) const {
  PARITY_ASSIGN(message_.ciphertext, aes256_cbc_encrypt(keys.cipher_key, keys.iv, plaintext));
  Bytes out = message_.body();
  message_.mac = wire::compute_mac(keys.mac_key, sender, receiver, out);
  out.insert(out.end(), message_.mac.begin(), message_.mac.end());
  return out;
}

Result<Bytes> MessageScheme::open(const wire::SignalMessage& message, ByteView raw, const MessageKeys& keys,
                                  const Key32& sender, const Key32& receiver, const SessionHooks& hooks) const {
  if (raw.size() < kMacLength) return make_error(Errc::malformed, "message shorter than its MAC");
  auto mac = wire::compute_mac(keys.mac_key, sender, receiver, raw.first(raw.size() - kMacLength));
  if (!hooks.mac_matches(mac, message.mac)) return make_error(Errc::bad_mac, "MAC does not verify");
  return aes256_cbc_decrypt(keys.cipher_key, keys.iv, message.ciphertext);
}

std::shared_ptr<const MessageScheme> signal_scheme() {
  static const auto scheme = std::make_shared<const MessageScheme>();
  return scheme;
}

}  // namespace parity::signal
