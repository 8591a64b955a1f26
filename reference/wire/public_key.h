// public_key.h: the 33-byte serialised Curve25519 public key (0x05 || u).
#pragma once

#include <array>

#include "base/bytes.h"

namespace parity::wire {

using SerializedKey = std::array<uint8_t, 33>;

// serialize_key prefixes a raw u-coordinate with the 0x05 type byte.
SerializedKey serialize_key(const Key32& key);
// parse_key accepts exactly 33 bytes starting with 0x05.
Result<Key32> parse_key(ByteView data);

}  // namespace parity::wire
