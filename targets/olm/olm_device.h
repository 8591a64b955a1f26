// olm_device.h: a party of the olm-v1 target, wrapping libolm's Account and Session.
//
// The device mirrors parity::signal::Device so the suite and the benchmark drive both the
// same way; randomness for every olm call is drawn from the Rng passed in (libolm takes
// random bytes as arguments), so a SeededRng makes a device fully deterministic.
//
// Encodings (olm-v1 profile of PTP):
// - Ciphertexts are olm's binary messages (the base64 that libolm speaks, decoded):
//   kind prekey is an olm PRE_KEY message (type 0), kind message a MESSAGE (type 1).
// - A bundle is 161 bytes, see kBundle* below: version 0x01, the curve25519 identity,
//   the ed25519 identity, one fresh one-time key and an ed25519 signature by the account.
//   The signature covers the label "parity-olm-bundle-v1", the curve25519 identity and the
//   one-time key: olm itself signs one-time keys only, but binding the identity too lets a
//   tampered identity in a bundle be refused instead of yielding a session nobody can use.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "reference/crypto/random.h"
#include "reference/device.h"

#include "base/bytes.h"
#include "base/result.h"

namespace parity::olm {

namespace detail {
struct Reader;
}  // namespace detail

// kBundleVersion is the first byte of every bundle this target writes.
inline constexpr uint8_t kBundleVersion = 0x01;
// kBundleSize is the exact size of a bundle.
inline constexpr size_t kBundleSize = 1 + 32 + 32 + 32 + 64;

// BundleRange is a half-open byte range [first, second) of a serialised bundle.
using BundleRange = std::pair<size_t, size_t>;
// kBundleIdentity covers both identity keys (curve25519 then ed25519).
inline constexpr BundleRange kBundleIdentity{1, 65};
// kBundleOnetimeKey covers the one-time key (PTP `layout` name: signed_prekey).
inline constexpr BundleRange kBundleOnetimeKey{65, 97};
// kBundleSignature covers the ed25519 signature.
inline constexpr BundleRange kBundleSignature{97, 161};

// OlmBundle is a decoded bundle.
struct OlmBundle {
  Key32 identity_curve25519{};
  Key32 identity_ed25519{};
  Key32 onetime_key{};
  std::array<uint8_t, 64> signature{};

  Bytes serialize() const;
  bool operator==(const OlmBundle&) const = default;
};

// decode_bundle parses a bundle strictly (exact size, known version). It does not
// verify the signature; Device::initiate does.
Result<OlmBundle> decode_bundle(ByteView data);

// kPickleKey is the key libolm's pickles are encrypted under in serialize(). It is not
// a secret: serialize() is what stealing the device yields (PTP `export`), so the state
// is meant to be readable by whoever holds it; the key exists only because libolm's
// pickle format requires one.
inline constexpr std::string_view kPickleKey = "parity-olm-export-not-a-secret";

// Megolm groups (PTP 1.3 capability `group`, roster "server", docs/findings.md "libolm
// Megolm: groups"). Envelopes, all self-describing by their first byte:
// - control (a room key, as Matrix's m.room_key over Olm): kGroupControlTag || olm
//   message type (0x00 prekey, 0x01 message) || the Olm message, pairwise from the sender
//   to the recipient, whose plaintext is the RoomKey below.
// - application: kGroupApplicationTag || the Megolm session id (its Ed25519 public key,
//   32 bytes, as Matrix's `session_id`) || the Megolm message (version 0x03, index,
//   AES-CBC ciphertext, 8-byte MAC, Ed25519 signature), whose plaintext is
//   u32 length || group name || the PTP plaintext (Matrix puts room_id in the payload too).
inline constexpr uint8_t kGroupControlTag = 0x4b;      // 'K': a room key
inline constexpr uint8_t kGroupApplicationTag = 0x4d;  // 'M': a Megolm message
// RoomKey plaintext: kRoomKeyVersion || u32 length || group || u32 length || sender ||
// u32 length || recipient || the Megolm session sharing format (229 bytes: version 0x02,
// index, ratchet, Ed25519 key, signature); exactly that, nothing after. Sender and
// recipient bind the key as Matrix's Olm payload does (`sender`, `recipient`); the
// receiver still files it under the pairwise session's peer, never under `sender`.
inline constexpr uint8_t kRoomKeyVersion = 0x01;
inline constexpr size_t kMegolmSessionKeySize = 229;

// GroupDeliveryKind is what a group envelope carries.
enum class GroupDeliveryKind { control, application };

// GroupDelivery is one envelope for one member, in the order the server should route it.
struct GroupDelivery {
  std::string to;
  Bytes envelope;
  GroupDeliveryKind kind = GroupDeliveryKind::application;
};

// GroupReceived is what group_receive read: a room key filed, or a plaintext.
struct GroupReceived {
  GroupDeliveryKind kind = GroupDeliveryKind::application;
  Bytes plaintext;
};

// GroupView is a member's view of a group (PTP group_info).
struct GroupView {
  std::vector<std::string> members;
  bool removed = false;
};

// Device is one olm party: an olm Account and at most one current Session per peer,
// plus the curve25519 identity first seen for each peer (trust on first use).
// Operations that fail leave the device as it was (the generator's position excepted).
// Devices move but do not copy (they own libolm's object buffers).
class Device {
 public:
  // create makes a device with a fresh olm account drawn from rng.
  static Result<Device> create(Rng& rng);

  Device(Device&&) noexcept;
  Device& operator=(Device&&) noexcept;
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;
  ~Device();

  // identity_curve25519 is the account's long-term Diffie-Hellman key (raw 32 bytes).
  const Key32& identity_curve25519() const { return identity_curve25519_; }
  // identity_ed25519 is the account's long-term signing key (raw 32 bytes).
  const Key32& identity_ed25519() const { return identity_ed25519_; }

  // bundle generates and publishes one fresh one-time key and returns a serialised
  // OlmBundle carrying it, signed by the account. libolm keeps at most 100 unspent
  // one-time keys; a 101st bundle makes the oldest key unusable.
  Result<Bytes> bundle(Rng& rng);

  // initiate starts an outgoing session with `peer` from its bundle. The signature must
  // verify (bad_signature) and the identity must match the one trusted for `peer`
  // (untrusted_identity). A new session replaces the current one.
  Status initiate(const std::string& peer, ByteView bundle, Rng& rng);

  // encrypt encrypts for `peer` with the current session: kind prekey until the peer
  // has answered, then kind message.
  Result<signal::Ciphertext> encrypt(const std::string& peer, ByteView plaintext, Rng& rng);

  // decrypt decrypts a message from `peer`. A prekey message that does not belong to the
  // current session creates a new inbound session (replacing the current one on success)
  // and removes the one-time key it used. rng is unused (olm decrypts without
  // randomness); it is taken to keep the signature of the other devices.
  Result<Bytes> decrypt(const std::string& peer, const signal::Ciphertext& ciphertext, Rng& rng);

  // has_session tells whether a current session with `peer` exists.
  bool has_session(const std::string& peer) const;

  // --- Megolm groups (roster "server"). Errors: invalid_argument (PTP bad_request) for an
  // unknown group, a removed member acting, a control delivery from outside the roster;
  // a failing operation leaves the device as it was.

  // group_create makes `group` with this party (`self`) and `others`; group_roster is a
  // roster announcement (the whole roster); group_add and group_remove are this party's
  // own roster changes, applied as an announcement. A removal forgets the removed member's
  // inbound sessions and makes the own outbound session rotate before the next send; a
  // roster without this party drops its outbound session and stops its sending. They
  // answer no deliveries: room keys go out with the next send, as Matrix clients share
  // them just before sending.
  Result<std::vector<GroupDelivery>> group_create(const std::string& self, const std::string& group,
                                                  const std::vector<std::string>& others);
  Result<std::vector<GroupDelivery>> group_roster(const std::string& self, const std::string& group,
                                                  const std::vector<std::string>& members);
  Result<std::vector<GroupDelivery>> group_add(const std::string& group, const std::string& member);
  Result<std::vector<GroupDelivery>> group_remove(const std::string& group, const std::string& member);
  // group_encrypt starts an outbound Megolm session if there is none or a rotation is
  // pending, sends its room key (at the current index) to every member not yet sent it
  // (no_session, before any change, without a pairwise session), then the Megolm message
  // to every other member, in roster order.
  Result<std::vector<GroupDelivery>> group_encrypt(const std::string& group, ByteView plaintext, Rng& rng);
  // group_update makes the outbound session rotate before the next send.
  Result<std::vector<GroupDelivery>> group_update(const std::string& group);
  // group_receive reads an envelope from `from`. A room key opens with the pairwise
  // session of `from` and is filed under `from`; a key for a session already held is
  // accepted without effect unless it starts earlier (matrix-js-sdk keeps the session
  // with the lower first known index; the indices seen stay). A Megolm message is read
  // with the inbound session of `from` named by its session id, once per (session,
  // index): a second time is duplicate_message, as matrix-js-sdk refuses replays.
  Result<GroupReceived> group_receive(const std::string& group, const std::string& from, ByteView envelope);
  Result<GroupView> group_info(const std::string& group) const;

  // serialize pickles the account and every session (under kPickleKey) together with the
  // trusted identities and every group's state; deserialize reads that back strictly.
  Result<Bytes> serialize() const;
  static Result<Device> deserialize(ByteView data);

  // OlmObject is an olm object in its own wiped buffer; GroupState one group's state
  // (both defined in olm_internal.h, for this target's own files).
  struct OlmObject;
  struct GroupState;

 private:
  Device();

  Status load_identity_keys();
  struct PendingDecrypt;
  enum class Attempt { in_place, on_copy };
  // decrypt_pending decrypts a pairwise message from `peer`: with on_copy, on a copy of
  // its session (or a new inbound one) and changing nothing; commit installs that
  // session and spends a one-time key. decrypt is the two in place; group_receive uses a
  // copy and commits only once the room key is accepted, so a refused control delivery
  // changes nothing.
  Result<PendingDecrypt> decrypt_pending(const std::string& peer, const signal::Ciphertext& ciphertext,
                                         Attempt attempt);
  Status commit(const std::string& peer, PendingDecrypt& pending);
  Result<GroupState*> known_group(const std::string& group);
  Result<GroupState*> acting_group(const std::string& group);
  void apply_roster(GroupState& g, const std::vector<std::string>& members);
  Status serialize_groups(Bytes& out_) const;
  Status deserialize_groups(detail::Reader& r);

  std::unique_ptr<OlmObject> account_;
  std::map<std::string, std::unique_ptr<OlmObject>> sessions_;
  std::map<std::string, Key32> trusted_;  // peer -> curve25519 identity
  Key32 identity_curve25519_{};
  Key32 identity_ed25519_{};
  std::map<std::string, std::unique_ptr<GroupState>> groups_;
};

}  // namespace parity::olm
