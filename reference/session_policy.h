// session_policy.h: what a party's protocol steps may leave to a variant of the
// baseline: the bounds its sessions keep (RatchetRules), the labels and constants of its
// key schedule (KdfConstants, keys/kdf_labels.h), how a message is encrypted,
// authenticated and framed (MessageScheme) and the steps themselves (SessionHooks). The
// defaults are Signal as libsignal-protocol-c does it, exactly; a Device without a
// policy of its own runs them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include "reference/crypto/x25519.h"
#include "reference/keys/kdf_labels.h"
#include "reference/keys/message_keys.h"
#include "reference/session/session_state.h"
#include "reference/wire/bundle.h"
#include "reference/wire/signal_message.h"

#include "base/bytes.h"

namespace parity::signal {

struct RatchetKeySource;

// RatchetRules are the bounds of a session; nullopt means no bound.
struct RatchetRules {
  std::optional<uint32_t> max_skip = kMaxSkip;               // largest counter jump within a receiving chain
  std::optional<size_t> max_message_keys = kMaxMessageKeys;  // skipped message keys kept per receiving chain
  size_t max_receiver_chains = kMaxReceiverChains;           // receiving chains a state keeps
  bool operator==(const RatchetRules&) const = default;
};

// MacValue is the truncated MAC a SignalMessage carries.
using MacValue = std::array<uint8_t, kMacLength>;

// SessionHooks are the protocol steps a variant may do otherwise, one virtual per step;
// every default is Signal's step. Implementations hold no per-session data: what a
// session remembers is in its SessionState.
class SessionHooks {
 public:
  virtual ~SessionHooks() = default;

  // X3DH, initiator: whether the bundle's signed prekey signature verifies under its
  // identity key (XEdDSA).
  virtual bool signed_prekey_valid(const wire::Bundle& bundle) const;

  // Message authentication: the identity keys the MAC covers, sender's then receiver's.
  virtual std::pair<Key32, Key32> mac_identities(const Key32& sender, const Key32& receiver) const {
    return {sender, receiver};
  }
  // Message authentication: whether the received MAC matches the computed one
  // (constant-time comparison).
  virtual bool mac_matches(const MacValue& computed, const MacValue& received) const;

  // DH ratchet step, on a new peer ratchet key: the key pair of our next sending chain,
  // or nullopt to keep sending on the current chain (no step of our own). Signal draws a
  // fresh pair from `keys`.
  virtual std::optional<KeyPair> next_ratchet_key(const SessionState& state, const RatchetKeySource& keys) const;

  // Message keys: whether a message key stays in the receiving chain after it has
  // decrypted its message. Signal deletes it.
  virtual bool keeps_used_message_key() const { return false; }

  // Refusal: `refused_` is the state after the receiving chain moved to a message whose
  // MAC did not verify, `before` the stored one. Returning true stores `refused_` in its
  // place (after the hook has changed it as it likes). Signal returns false: a refused
  // message changes nothing.
  virtual bool keeps_refused_state(SessionState& refused_, const SessionState& before,
                                   const Key32& their_ratchet) const {
    (void)refused_;
    (void)before;
    (void)their_ratchet;
    return false;
  }

  // Session record: when an archived state decrypts a message it becomes current; whether
  // the current state it displaces is archived in turn. Signal archives it, so the newer
  // session's messages still decrypt after a late message of an older one.
  virtual bool archives_displaced_state() const { return true; }

  // Session lookup: whether a message that no session with its claimed sender decrypts
  // is tried against the sessions with other peers. Signal does not: a message is
  // bound to the sender's session.
  virtual bool tries_other_peers() const { return false; }
};

// signal_hooks are Signal's steps (the defaults above).
std::shared_ptr<const SessionHooks> signal_hooks();

// MessageScheme is how a message is encrypted under its message keys, authenticated and
// framed on the wire. Every default is Signal's: AES-256-CBC, then the truncated
// HMAC-SHA256 over both identities and the serialised message, version byte 0x33.
// `sender` and `receiver` are the identities the session binds (after
// SessionHooks::mac_identities). Implementations hold no per-session data.
class MessageScheme {
 public:
  virtual ~MessageScheme() = default;

  // wire_format is the framing of the messages this scheme writes and reads.
  virtual wire::WireFormat wire_format() const { return wire::WireFormat{}; }

  // seal encrypts `plaintext` into `message_` (whose header fields are set) and returns
  // the serialised message.
  virtual Result<Bytes> seal(wire::SignalMessage& message_, const MessageKeys& keys, const Key32& sender,
                             const Key32& receiver, ByteView plaintext) const;

  // open authenticates `message` (received as `raw`) and decrypts it; a message that
  // does not authenticate is Errc::bad_mac. Signal's MAC comparison is hooks.mac_matches.
  virtual Result<Bytes> open(const wire::SignalMessage& message, ByteView raw, const MessageKeys& keys,
                             const Key32& sender, const Key32& receiver, const SessionHooks& hooks) const;
};

// signal_scheme is Signal's scheme (the defaults above).
std::shared_ptr<const MessageScheme> signal_scheme();

// SessionPolicy is the rules, key schedule, message scheme and steps a Device runs. The
// default is Signal.
struct SessionPolicy {
  RatchetRules rules;
  KdfConstants kdf;
  std::shared_ptr<const MessageScheme> scheme = signal_scheme();
  std::shared_ptr<const SessionHooks> hooks = signal_hooks();
  bool operator==(const SessionPolicy&) const = default;
};

}  // namespace parity::signal
