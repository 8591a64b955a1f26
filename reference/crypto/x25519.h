// x25519.h: Curve25519 Diffie-Hellman (RFC 7748) on OpenSSL 3 EVP.
#pragma once

#include "base/bytes.h"
#include "reference/crypto/random.h"

namespace parity {

// KeyPair is an X25519 key pair: a clamped private scalar and its raw public u-coordinate.
struct KeyPair {
  Key32 private_key{};
  Key32 public_key{};
  bool operator==(const KeyPair&) const = default;
};

// clamp_private applies the RFC 7748 clamping to a private scalar, as libsignal does
// when it generates keys.
Key32 clamp_private(Key32 k);

// x25519 computes the RFC 7748 function X25519(private, public). The private key is
// clamped; a low-order (all-zero) result is returned, not refused.
Key32 x25519(const Key32& private_key, const Key32& public_key);

// x25519 with our key pair: the same function, but OpenSSL is given our public key
// too, so it does one scalar multiplication instead of two (the ratchet's hot path).
Key32 x25519(const KeyPair& ours, const Key32& their_public);

// x25519_public computes X25519(private, 9).
Key32 x25519_public(const Key32& private_key);

// key_pair_from_private builds a pair from a (possibly unclamped) private key; the
// stored private key is clamped.
KeyPair key_pair_from_private(const Key32& private_key);

// generate_key_pair draws a private key from rng and derives its public key.
KeyPair generate_key_pair(Rng& rng);

}  // namespace parity
