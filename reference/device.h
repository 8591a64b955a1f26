// device.h: a party of the Signal baseline: its identity, published prekeys, trusted
// identities and one session record per peer, as libsignal-protocol-c's stores hold them.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "reference/crypto/random.h"
#include "reference/crypto/x25519.h"
#include "reference/group/group_state.h"
#include "reference/session/session_record.h"
#include "reference/session_policy.h"
#include "reference/wire/bundle.h"

#include "base/bytes.h"

namespace parity::signal {

// MessageKind is the PTP `kind` of a ciphertext.
enum class MessageKind { prekey, message };

// Ciphertext is a serialised SignalMessage (kind message) or PreKeySignalMessage.
struct Ciphertext {
  MessageKind kind = MessageKind::message;
  Bytes bytes;
};

// BundleOptions fixes the keys and ids of a bundle (PTP `inject`); unset fields are
// drawn from the generator.
struct BundleOptions {
  std::optional<Key32> signed_prekey_private;
  std::optional<uint32_t> signed_prekey_id;
  std::optional<Key32> onetime_prekey_private;
  std::optional<uint32_t> prekey_id;
  bool with_onetime_prekey = true;
};

// SignedPrekey is a signed prekey the device holds.
struct SignedPrekey {
  KeyPair key;
  Signature64 signature{};
  bool operator==(const SignedPrekey&) const = default;
};

// Device is one party. Every operation that can fail is atomic: on error the device is
// exactly as it was (the generator's position excepted).
class Device {
 public:
  // create makes a device with a fresh or given identity key and registration id.
  static Device create(Rng& rng, std::optional<Key32> identity_private = std::nullopt,
                       std::optional<uint32_t> registration_id = std::nullopt);

  const KeyPair& identity() const { return identity_; }
  uint32_t registration_id() const { return registration_id_; }

  // bundle publishes a new one-time prekey (unless disabled) and returns a bundle with
  // the current signed prekey; a given signed prekey private key becomes current.
  Result<wire::Bundle> bundle(Rng& rng, const BundleOptions& options = {});

  // initiate starts an outgoing session with `peer` from its bundle (X3DH as Alice).
  // The bundle's signature must verify, and its identity must match a trusted one.
  Status initiate(const std::string& peer, const wire::Bundle& bundle, Rng& rng,
                  std::optional<Key32> base_private = std::nullopt,
                  std::optional<Key32> ratchet_private = std::nullopt);

  // encrypt encrypts for `peer` with the current session; a prekey message until the
  // peer has answered.
  Result<Ciphertext> encrypt(const std::string& peer, ByteView plaintext);

  // decrypt decrypts a message from `peer`; a prekey message may create the session.
  Result<Bytes> decrypt(const std::string& peer, const Ciphertext& ciphertext, Rng& rng,
                        std::optional<Key32> ratchet_private = std::nullopt);

  // has_session tells whether a session with `peer` exists.
  bool has_session(const std::string& peer) const;
  const SessionRecord* session(const std::string& peer) const;

  // PeerSnapshot is what decrypt may change for one peer (its session, its trusted
  // identity, the one-time prekeys), so a caller that refuses the plaintext afterwards
  // (a group control delivery for another group) can undo the decrypt.
  struct PeerSnapshot {
    std::string peer;
    std::optional<SessionRecord> session;
    std::optional<Key32> trusted;
    std::map<uint32_t, KeyPair> onetime_prekeys;
  };
  PeerSnapshot snapshot(const std::string& peer) const;
  void restore(PeerSnapshot snapshot);

  // groups are the party's group states by group name (reference/group/group_member.h
  // applies the rules); they are part of the serialised device.
  std::map<std::string, group::GroupState>& groups() { return groups_; }
  const std::map<std::string, group::GroupState>& groups() const { return groups_; }

  // serialize writes the whole device (keys, prekeys, trust, sessions, groups); deserialize
  // reads it back, strictly. deserialize(serialize(d)) behaves exactly as d.
  Bytes serialize() const;
  static Result<Device> deserialize(ByteView data);

  // set_policy sets the rules and steps the device runs (session_policy.h; Signal's by
  // default). The policy is not part of the serialised state.
  void set_policy(SessionPolicy policy) { policy_ = std::move(policy); }
  const SessionPolicy& policy() const { return policy_; }

  bool operator==(const Device&) const = default;

 private:
  KeyPair identity_;
  uint32_t registration_id_ = 0;
  uint32_t next_prekey_id_ = 1;
  uint32_t next_signed_prekey_id_ = 1;
  std::optional<uint32_t> current_signed_prekey_;
  std::map<uint32_t, SignedPrekey> signed_prekeys_;
  std::map<uint32_t, KeyPair> onetime_prekeys_;
  std::map<std::string, Key32> trusted_;  // peer -> identity public key
  std::map<std::string, SessionRecord> sessions_;
  std::map<std::string, group::GroupState> groups_;
  SessionPolicy policy_;
};

}  // namespace parity::signal
