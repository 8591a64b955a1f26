// libsignal_device.h: a party of the Signal Protocol played by libsignal-protocol-c
// 2.3.3, with the same shape as parity::signal::Device, so the suite can run the same
// conversation through both and compare them byte for byte.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "reference/crypto/random.h"
#include "reference/device.h"
#include "reference/wire/bundle.h"

#include "base/bytes.h"
#include "base/result.h"

namespace parity::libsignal {

using signal::BundleOptions;
using signal::Ciphertext;
using signal::MessageKind;

// SenderKeyOptions are the injected keys of a new sender key (PTP group_encrypt with
// inject): the chain key at iteration 0, the signing private key (clamped by libsignal)
// and the key id.
struct SenderKeyOptions {
  std::optional<Key32> chain_key;
  std::optional<Key32> signing_private;
  std::optional<uint32_t> chain_id;
};

struct Stores;

// Checkpoint is an opaque copy of a device's stores (Device::checkpoint).
class Checkpoint {
 public:
  Checkpoint(Checkpoint&& other) noexcept;
  Checkpoint& operator=(Checkpoint&& other) noexcept;
  ~Checkpoint();

 private:
  friend class Device;
  explicit Checkpoint(std::unique_ptr<Stores> stores);
  std::unique_ptr<Stores> stores_;
};

// Device is one party backed by libsignal-protocol-c: its own signal_context, a crypto
// provider on OpenSSL 3 whose randomness comes from the Rng given at creation, and
// in-memory stores (identity, prekeys, signed prekeys, sessions, sender keys).
//
// Key injection: libsignal makes every key pair inside the library
// (curve_generate_private_key draws 32 bytes from the random callback and clamps
// them), so an injected private key is handed to it through the random callback: the
// bytes are queued and served before the Rng is drawn from. initiate queues the base
// key and then the first ratchet key (the order session_builder_process_pre_key_bundle
// and ratcheting_session_alice_initialize generate them in); decrypt serves its
// ratchet_private to every 32-byte draw of that request, because libsignal tries each
// stored session state in turn and each attempt that ratchets makes a new key pair.
//
// Groups (Sender Keys, group_session_builder / group_cipher): a sender key is filed
// under libsignal's sender_key_name {group id, {party name, device 1}}, the device's own
// under its own name. A new sender key draws, in group_session_builder_create_session's
// order, the key id (4 bytes read as an int32, & 0x7fffffff, % INT32_MAX:
// key_helper.c signal_protocol_key_helper_generate_sender_key_id), the 32-byte chain key
// and the signing key (curve_generate_key_pair, which clamps); injected ones are queued
// in that order.
//
// Every operation that can fail is atomic: the stores are restored on error (the Rng's
// position excepted).
class Device {
 public:
  // create makes a device with a fresh or given identity key and registration id. The
  // device keeps `rng` (by reference) for all its randomness; it must outlive it.
  static Result<Device> create(Rng& rng, std::optional<Key32> identity_private = std::nullopt,
                               std::optional<uint32_t> registration_id = std::nullopt);

  Device(Device&& other) noexcept;
  Device& operator=(Device&& other) noexcept;
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;
  ~Device();

  // identity is the raw 32-byte public identity key (the wire form is 0x05 || it).
  Key32 identity() const;
  uint32_t registration_id() const;

  // bundle publishes a new one-time prekey (unless options disable it) and returns a
  // bundle with the current signed prekey. A signed prekey is made (by
  // signal_protocol_key_helper_generate_signed_pre_key) and made current when there is
  // none yet or options give its private key or id. A one-time prekey id must lie in
  // 1..0xfffffe (invalid_argument otherwise), as in the reference.
  Result<wire::Bundle> bundle(const BundleOptions& options = {});

  // initiate starts an outgoing session with `peer` from its bundle
  // (session_builder_process_pre_key_bundle): the signature must verify, the identity
  // must be trusted (trust on first use).
  Status initiate(const std::string& peer, const wire::Bundle& bundle, std::optional<Key32> base_private = std::nullopt,
                  std::optional<Key32> ratchet_private = std::nullopt);

  // encrypt encrypts for `peer` with the current session; a prekey message until the
  // peer has answered.
  Result<Ciphertext> encrypt(const std::string& peer, ByteView plaintext);

  // decrypt decrypts a message from `peer`; a prekey message may create the session.
  Result<Bytes> decrypt(const std::string& peer, const Ciphertext& ciphertext,
                        std::optional<Key32> ratchet_private = std::nullopt);

  // --- groups (Sender Keys) ---------------------------------------------------------

  // new_sender_key drops `self`'s sender key for `group`, if any, and makes a fresh one
  // (group_session_builder_create_session on an empty record) from the injected keys
  // where given. chain_id must be below 2^31 - 1: libsignal reduces the drawn id modulo
  // INT32_MAX, so 0x7fffffff cannot be made (invalid_argument).
  Status new_sender_key(const std::string& group, const std::string& self, const SenderKeyOptions& options = {});

  // sender_key_distribution returns the SenderKeyDistributionMessage (0x33 || protobuf) of
  // `self`'s current sender key for `group` at its current iteration (no_session if none).
  Result<Bytes> sender_key_distribution(const std::string& group, const std::string& self);

  // group_encrypt encrypts with `self`'s sender key (group_cipher_encrypt) and returns the
  // SenderKeyMessage (0x33 || protobuf || 64-byte signature); no_session without a key.
  Result<Bytes> group_encrypt(const std::string& group, const std::string& self, ByteView plaintext);

  // process_distribution files a SenderKeyDistributionMessage under `sender`
  // (group_session_builder_process_session), as libsignal does: it always adds a state.
  Status process_distribution(const std::string& group, const std::string& sender, ByteView distribution);

  // group_decrypt decrypts a SenderKeyMessage with `sender`'s key (group_cipher_decrypt).
  // Errors: no_session (no key, or no state of the message's key id), duplicate_message
  // (behind the chain, no skipped key), counter_too_far (more than 2000 ahead), malformed
  // or bad_mac (decoding, signature, padding).
  Result<Bytes> group_decrypt(const std::string& group, const std::string& sender, ByteView message);

  // forget_sender_key deletes the sender key record of `name` in `group`.
  void forget_sender_key(const std::string& group, const std::string& name);

  // has_sender_key tells whether a non-empty sender key record of `name` exists.
  bool has_sender_key(const std::string& group, const std::string& name) const;

  // sender_key_record returns the serialised libsignal sender key record, if any.
  std::optional<Bytes> sender_key_record(const std::string& group, const std::string& name) const;

  // checkpoint copies every store; rollback restores such a copy, so that several
  // operations can be undone as one (a group send that fails half way).
  Checkpoint checkpoint() const;
  void rollback(Checkpoint checkpoint);

  // has_session tells whether a session record with `peer` exists.
  bool has_session(const std::string& peer) const;

  // session_record returns the serialised libsignal session record with `peer`, if any.
  std::optional<Bytes> session_record(const std::string& peer) const;

  // serialize writes every store (identity key pair, registration id, trusted
  // identities, prekeys, signed prekeys, sessions, sender keys, id counters); records
  // and keys are in libsignal's own serialisation. deserialize reads it back strictly
  // (each record must deserialise in libsignal) into a device drawing from `rng`.
  Bytes serialize() const;
  static Result<Device> deserialize(Rng& rng, ByteView data);

  // set_rng makes the device draw from `rng` from now on.
  void set_rng(Rng& rng);

  // Impl is the private state (targets/libsignal/internal.h); public so the crypto
  // provider and store callbacks, which are free functions, can name it.
  struct Impl;

 private:
  explicit Device(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// SenderKeyStep is one step of a sender key chain (KAT-3): the next chain key, the
// message key seed and the IV and AES-256 key derived from it.
struct SenderKeyStep {
  Key32 chain{};
  Key32 seed{};
  std::array<uint8_t, 16> iv{};
  Key32 cipher_key{};
};

// sender_key_step runs libsignal's own sender key functions on `chain`:
// sender_chain_key_create, sender_chain_key_create_message_key (seed, then
// sender_message_key_get_iv / get_cipher_key) and sender_chain_key_create_next.
Result<SenderKeyStep> sender_key_step(const Key32& chain);

// error_name returns the SG_ERR_* name of a libsignal result code.
const char* error_name(int code);

}  // namespace parity::libsignal
