// ratchet.h: the Double Ratchet over a SessionState (libsignal's session_cipher).
#pragma once

#include <optional>

#include "reference/crypto/random.h"
#include "reference/session/session_record.h"
#include "reference/session_policy.h"
#include "reference/wire/signal_message.h"

namespace parity::signal {

// kMaxPlaintextSize bounds what encrypt accepts, so every ciphertext fits the decoder's bound.
inline constexpr size_t kMaxPlaintextSize = wire::kMaxMessageSize - 1024;

// EncryptedMessage is a serialised SignalMessage or PreKeySignalMessage.
struct EncryptedMessage {
  bool prekey = false;
  Bytes bytes;
};

// encrypt_with_state encrypts under the sending chain and advances it; while the
// state has a pending prekey the result is a PreKeySignalMessage.
Result<EncryptedMessage> encrypt_with_state(SessionState& state_, ByteView plaintext,
                                            const SessionPolicy& policy = SessionPolicy{});

// RatchetKeySource gives the key pair of a DH ratchet step: the injected private key
// when there is one, otherwise a fresh pair from the generator.
struct RatchetKeySource {
  Rng* rng = nullptr;
  std::optional<Key32> injected;
  KeyPair next() const;
};

// decrypt_with_state decrypts `message` (whose serialised form is `raw`) in place; on
// error the state may be half-changed, so callers work on a copy.
Result<Bytes> decrypt_with_state(SessionState& state_, const wire::SignalMessage& message, ByteView raw,
                                 const RatchetKeySource& keys, const SessionPolicy& policy = SessionPolicy{});

// decrypt_with_record tries the current state and then each archived one, each on a
// copy; the state that decrypts becomes current. On error the record is unchanged.
Result<Bytes> decrypt_with_record(SessionRecord& record_, const wire::SignalMessage& message, ByteView raw,
                                  const RatchetKeySource& keys, const SessionPolicy& policy = SessionPolicy{});

}  // namespace parity::signal
