// signal_message.h: SignalMessage and PreKeySignalMessage (version 0x33), encoded
// exactly as libsignal-protocol-c serialises them, decoded strictly and within bounds.
#pragma once

#include <cstdint>
#include <optional>

#include "reference/keys/kdf_labels.h"

#include "base/bytes.h"

namespace parity::wire {

// kMaxMessageSize bounds what the decoders look at; larger input is limit_exceeded.
inline constexpr size_t kMaxMessageSize = 1 << 20;

// WireFormat is what frames a message besides its protobuf: the version byte and the
// length of the trailing MAC (Signal's truncated 8 bytes, or 0 for a scheme whose
// ciphertext authenticates itself). The default is Signal's; a variant of the baseline
// (session_policy.h, MessageScheme) may use its own.
struct WireFormat {
  uint8_t version_byte = signal::kVersionByte;
  bool has_mac = true;  // a kMacLength-byte MAC follows the protobuf
  size_t mac_length() const { return has_mac ? signal::kMacLength : 0; }
  bool operator==(const WireFormat&) const = default;
};

// SignalMessage is version byte || protobuf{1 ratchetKey, 2 counter, 3 previousCounter,
// 4 ciphertext} || 8-byte MAC. previous_counter is optional on the wire (libsignal
// always writes it); keeping its presence makes decode(encode(x)) exact.
struct SignalMessage {
  Key32 ratchet_key{};
  uint32_t counter = 0;
  std::optional<uint32_t> previous_counter = 0;
  Bytes ciphertext;
  std::array<uint8_t, signal::kMacLength> mac{};  // unused without format.has_mac
  WireFormat format;

  // body is the authenticated part: version byte and protobuf, without the MAC.
  Bytes body() const;
  // serialize is body() || mac (body() alone without format.has_mac).
  Bytes serialize() const;
  bool operator==(const SignalMessage&) const = default;
};

// decode_signal_message parses and bounds-checks a SignalMessage framed as `format`
// says; the MAC is not checked here (that needs the session's keys).
Result<SignalMessage> decode_signal_message(ByteView data, const WireFormat& format = WireFormat{});

// PreKeySignalMessage is version byte || protobuf{1 preKeyId?, 2 baseKey, 3 identityKey,
// 4 message, 5 registrationId, 6 signedPreKeyId}. registration_id is optional on the
// wire (libsignal always writes it).
struct PreKeySignalMessage {
  std::optional<uint32_t> prekey_id;
  Key32 base_key{};
  Key32 identity_key{};
  SignalMessage message;
  Bytes message_bytes;  // the embedded SignalMessage exactly as received or encoded
  std::optional<uint32_t> registration_id = 0;
  uint32_t signed_prekey_id = 0;
  WireFormat format;  // of this message and the embedded one

  Bytes serialize() const;
  bool operator==(const PreKeySignalMessage&) const = default;
};

Result<PreKeySignalMessage> decode_prekey_message(ByteView data, const WireFormat& format = WireFormat{});

// compute_mac is the first 8 bytes of HMAC-SHA256(mac_key, sender identity (33) ||
// receiver identity (33) || body).
std::array<uint8_t, signal::kMacLength> compute_mac(const Key32& mac_key, const Key32& sender_identity,
                                                    const Key32& receiver_identity, ByteView body);

}  // namespace parity::wire
