#include "reference/x3dh.h"

#include <algorithm>
#include <cstdlib>

#include "reference/crypto/hash.h"
#include "reference/keys/kdf_labels.h"

namespace parity::signal {

namespace {

// append_dh appends X25519(ours, pub) to the secret.
void append_dh(Bytes& secret, const KeyPair& ours, const Key32& pub) {
  Key32 dh = x25519(ours, pub);
  secret.insert(secret.end(), dh.begin(), dh.end());
  secure_wipe(dh.data(), dh.size());
}

}  // namespace

RootStep derive_initial_keys(ByteView dh_concat, const KdfConstants& kdf) {
  auto okm = hkdf_sha256(dh_concat, {}, label_bytes(kdf.session_info), 64);
  if (!okm.ok()) std::abort();
  RootStep step;
  std::copy_n(okm->begin(), 32, step.root.key.begin());
  std::copy_n(okm->begin() + 32, 32, step.chain.key.begin());
  secure_wipe(okm->data(), okm->size());
  return step;
}

SessionState initialize_alice(const AliceParameters& p, const KdfConstants& kdf) {
  Bytes secret(32, kDiscontinuityByte);
  append_dh(secret, p.our_identity, p.their_signed_prekey);
  append_dh(secret, p.our_base_key, p.their_identity);
  append_dh(secret, p.our_base_key, p.their_signed_prekey);
  if (p.their_onetime_prekey) append_dh(secret, p.our_base_key, *p.their_onetime_prekey);
  RootStep derived = derive_initial_keys(secret, kdf);
  secure_wipe(secret.data(), secret.size());

  RootStep sending = derived.root.create_chain(p.their_signed_prekey, p.our_ratchet_key, kdf);
  SessionState s;
  s.version = kCiphertextVersion;
  s.local_identity = p.our_identity.public_key;
  s.remote_identity = p.their_identity;
  s.add_receiver_chain(p.their_signed_prekey, derived.chain);
  s.sender_ratchet = p.our_ratchet_key;
  s.sender_chain = sending.chain;
  s.root = sending.root;
  return s;
}

SessionState initialize_bob(const BobParameters& p, const KdfConstants& kdf) {
  Bytes secret(32, kDiscontinuityByte);
  append_dh(secret, p.our_signed_prekey, p.their_identity);
  append_dh(secret, p.our_identity, p.their_base_key);
  append_dh(secret, p.our_signed_prekey, p.their_base_key);
  if (p.our_onetime_prekey) append_dh(secret, *p.our_onetime_prekey, p.their_base_key);
  RootStep derived = derive_initial_keys(secret, kdf);
  secure_wipe(secret.data(), secret.size());

  SessionState s;
  s.version = kCiphertextVersion;
  s.local_identity = p.our_identity.public_key;
  s.remote_identity = p.their_identity;
  s.sender_ratchet = p.our_signed_prekey;
  s.sender_chain = derived.chain;
  s.root = derived.root;
  return s;
}

}  // namespace parity::signal
