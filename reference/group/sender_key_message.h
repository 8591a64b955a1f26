// sender_key_message.h: the SenderKeyMessage of libsignal-protocol-c 2.3.3 (a group
// application message), encoded exactly as it serialises it and decoded strictly.
#pragma once

#include <cstdint>

#include "reference/crypto/random.h"
#include "reference/crypto/xeddsa.h"

#include "base/bytes.h"

namespace parity::group {

// kMaxGroupMessageSize bounds what the group decoders look at; larger is limit_exceeded.
inline constexpr size_t kMaxGroupMessageSize = 1 << 20;

// SenderKeyMessage is 0x33 || protobuf{1 id, 2 iteration, 3 ciphertext} || 64-byte XEdDSA
// signature over the version byte and protobuf, by the chain's signing key.
struct SenderKeyMessage {
  uint32_t key_id = 0;
  uint32_t iteration = 0;
  Bytes ciphertext;
  Signature64 signature{};

  // body is the signed part: version byte and protobuf.
  Bytes body() const;
  // serialize is body() || signature.
  Bytes serialize() const;
  // sign sets signature over body() with the chain's signing private key (randomised).
  void sign(const Key32& signing_private, Rng& rng);
  bool operator==(const SenderKeyMessage&) const = default;
};

// decode_sender_key_message parses strictly: version byte 0x33, each field once in order,
// all three present, a ciphertext that is a positive multiple of 16 bytes, a 64-byte
// signature and nothing else. The signature is not checked here (that needs the state).
Result<SenderKeyMessage> decode_sender_key_message(ByteView data);

// signed_part is the prefix a SenderKeyMessage's signature covers (all but the last 64
// bytes); data must have been decoded first.
ByteView signed_part(ByteView data);

}  // namespace parity::group
