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
#include <string>

#include "base/bytes.h"
#include "reference/crypto/random.h"
#include "reference/device.h"
#include "base/result.h"

namespace parity::olm {

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

  // serialize pickles the account and every session (under kPickleKey) together with the
  // trusted identities; deserialize reads that back strictly.
  Result<Bytes> serialize() const;
  static Result<Device> deserialize(ByteView data);

 private:
  struct OlmObject;  // an olm object in its own wiped buffer
  Device();

  Status load_identity_keys();

  std::unique_ptr<OlmObject> account_;
  std::map<std::string, std::unique_ptr<OlmObject>> sessions_;
  std::map<std::string, Key32> trusted_;  // peer -> curve25519 identity
  Key32 identity_curve25519_{};
  Key32 identity_ed25519_{};
};

}  // namespace parity::olm
