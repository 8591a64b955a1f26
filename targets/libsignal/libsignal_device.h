// libsignal_device.h: a party of the Signal Protocol played by libsignal-protocol-c
// 2.3.3, with the same shape as parity::signal::Device, so the suite can run the same
// conversation through both and compare them byte for byte.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "reference/crypto/random.h"
#include "reference/device.h"
#include "base/result.h"
#include "reference/wire/bundle.h"

namespace parity::libsignal {

using signal::BundleOptions;
using signal::Ciphertext;
using signal::MessageKind;

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
  Status initiate(const std::string& peer, const wire::Bundle& bundle,
                  std::optional<Key32> base_private = std::nullopt,
                  std::optional<Key32> ratchet_private = std::nullopt);

  // encrypt encrypts for `peer` with the current session; a prekey message until the
  // peer has answered.
  Result<Ciphertext> encrypt(const std::string& peer, ByteView plaintext);

  // decrypt decrypts a message from `peer`; a prekey message may create the session.
  Result<Bytes> decrypt(const std::string& peer, const Ciphertext& ciphertext,
                        std::optional<Key32> ratchet_private = std::nullopt);

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

// error_name returns the SG_ERR_* name of a libsignal result code.
const char* error_name(int code);

}  // namespace parity::libsignal
