// x3dh.h: session establishment (X3DH as libsignal-protocol-c's ratcheting_session).
#pragma once

#include <optional>

#include "reference/crypto/x25519.h"
#include "reference/keys/kdf_labels.h"
#include "reference/session/session_state.h"

namespace parity::signal {

// AliceParameters are the initiator's inputs: its identity and base key, the peer's
// identity, signed prekey and optional one-time prekey, and the first sending ratchet key.
struct AliceParameters {
  KeyPair our_identity;
  KeyPair our_base_key;
  KeyPair our_ratchet_key;
  Key32 their_identity{};
  Key32 their_signed_prekey{};
  std::optional<Key32> their_onetime_prekey;
};

// BobParameters are the responder's inputs; its signed prekey is also its first ratchet key.
struct BobParameters {
  KeyPair our_identity;
  KeyPair our_signed_prekey;
  std::optional<KeyPair> our_onetime_prekey;
  Key32 their_identity{};
  Key32 their_base_key{};
};

// derive_initial_keys is HKDF-SHA256(0xFF*32 || dh1 || dh2 || dh3 [|| dh4], zero salt,
// "WhisperText" (kdf.session_info), 64) split into root key and chain key.
RootStep derive_initial_keys(ByteView dh_concat, const KdfConstants& kdf = kSignalKdf);

// initialize_alice builds the initiator's session: the derived chain receives from the
// peer's signed prekey, and a root step with our ratchet key makes the sending chain.
SessionState initialize_alice(const AliceParameters& p, const KdfConstants& kdf = kSignalKdf);

// initialize_bob builds the responder's session: the derived chain sends under its
// signed prekey.
SessionState initialize_bob(const BobParameters& p, const KdfConstants& kdf = kSignalKdf);

}  // namespace parity::signal
