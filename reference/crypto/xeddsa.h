// xeddsa.h: XEdDSA signatures with X25519 keys, as Signal signs its signed prekeys.
#pragma once

#include <array>

#include "base/bytes.h"

namespace parity {

using Signature64 = std::array<uint8_t, 64>;

// xeddsa_sign signs message with an X25519 private key exactly as libsignal-protocol-c's
// curve25519_sign does for signed prekeys: the key is clamped, the nonce is
// SHA-512(0xFE || 0xFF*31 || key || message || random) with `random` the 64 bytes Z,
// R = rB, s = r + SHA-512(R || A || message) * key mod L, and the sign bit of the
// Edwards key A = key*B goes into bit 511 of the signature. With the same Z the bytes
// equal libsignal's (proven in tests/interop). Pure XEdDSA negates the key instead;
// both verify under xeddsa_verify.
Signature64 xeddsa_sign(const Key32& private_key, ByteView message, const std::array<uint8_t, 64>& random);

// xeddsa_verify checks a signature under a raw 32-byte X25519 public key the way
// libsignal-protocol-c's curve25519_verify does: the u-coordinate becomes the Edwards y
// = (u-1)/(u+1), its sign is taken from bit 511 of the signature (0 in pure XEdDSA), and
// the rest is a standard Ed25519 verification.
bool xeddsa_verify(const Key32& public_key, ByteView message, ByteView signature);

}  // namespace parity
