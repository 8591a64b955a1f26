#include "reference/crypto/xeddsa.h"

#include <openssl/bn.h>
#include <sodium.h>

#include <cstdlib>
#include <cstring>

#include "reference/crypto/hash.h"
#include "reference/crypto/x25519.h"

namespace parity {

namespace {

void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();
}

// reduce64 reduces a 64-byte little-endian number modulo the group order L.
std::array<uint8_t, 32> reduce64(const uint8_t* wide) {
  std::array<uint8_t, 32> out{};
  uint8_t tmp[64];
  std::memcpy(tmp, wide, 64);
  crypto_core_ed25519_scalar_reduce(out.data(), tmp);
  sodium_memzero(tmp, sizeof tmp);
  return out;
}

// montgomery_to_edwards_y maps u to y = (u - 1) / (u + 1) mod p with OpenSSL's BIGNUM;
// u = -1 maps to y = 0, as the inversion by exponentiation in libsignal does.
bool montgomery_to_edwards_y(const Key32& u_bytes, std::array<uint8_t, 32>& out_) {
  BN_CTX* ctx = BN_CTX_new();
  BIGNUM* p = BN_new();
  BIGNUM* u = BN_new();
  BIGNUM* num = BN_new();
  BIGNUM* den = BN_new();
  BIGNUM* y = BN_new();
  bool ok = ctx && p && u && num && den && y;
  Key32 masked = u_bytes;
  masked[31] &= 0x7f;  // bit 255 is not part of the coordinate
  if (ok) {
    ok = BN_set_bit(p, 255) == 1 && BN_sub_word(p, 19) == 1 &&
         BN_lebin2bn(masked.data(), 32, u) != nullptr && BN_nnmod(u, u, p, ctx) == 1 &&
         BN_copy(num, u) != nullptr && BN_copy(den, u) != nullptr && BN_sub_word(num, 1) == 1 &&
         BN_nnmod(num, num, p, ctx) == 1 && BN_add_word(den, 1) == 1 && BN_nnmod(den, den, p, ctx) == 1;
  }
  if (ok) {
    if (BN_is_zero(den)) {
      BN_zero(y);
    } else {
      ok = BN_mod_inverse(den, den, p, ctx) != nullptr && BN_mod_mul(y, num, den, p, ctx) == 1;
    }
  }
  if (ok) ok = BN_bn2lebinpad(y, out_.data(), 32) == 32;
  BN_free(y);
  BN_free(den);
  BN_free(num);
  BN_free(u);
  BN_free(p);
  BN_CTX_free(ctx);
  return ok;
}

}  // namespace

Signature64 xeddsa_sign(const Key32& private_key, ByteView message, const std::array<uint8_t, 64>& random) {
  ensure_sodium();
  Key32 k = clamp_private(private_key);
  uint8_t wide[64] = {};
  std::memcpy(wide, k.data(), 32);
  std::array<uint8_t, 32> a = reduce64(wide);  // k mod L, for scalar arithmetic only

  // A = kB with its real sign bit; libsignal does not negate the key.
  std::array<uint8_t, 32> big_a{};
  if (crypto_scalarmult_ed25519_base_noclamp(big_a.data(), a.data()) != 0) std::abort();

  // r = SHA-512(0xFE || 0xFF*31 || k || M || Z) mod L, hashing the clamped key as stored.
  Bytes prefix(32, 0xff);
  prefix[0] = 0xfe;
  Digest512 rh = sha512(concat({prefix, k, message, random}));
  std::array<uint8_t, 32> r = reduce64(rh.data());
  std::array<uint8_t, 32> big_r{};
  if (crypto_scalarmult_ed25519_base_noclamp(big_r.data(), r.data()) != 0) std::abort();

  Digest512 hh = sha512(concat({big_r, big_a, message}));
  std::array<uint8_t, 32> h = reduce64(hh.data());
  std::array<uint8_t, 32> ha{};
  crypto_core_ed25519_scalar_mul(ha.data(), h.data(), a.data());
  std::array<uint8_t, 32> s{};
  crypto_core_ed25519_scalar_add(s.data(), r.data(), ha.data());

  Signature64 sig{};
  std::memcpy(sig.data(), big_r.data(), 32);
  std::memcpy(sig.data() + 32, s.data(), 32);
  // s < L < 2^253 leaves bit 511 free: it carries the sign of A, as libsignal encodes it.
  sig[63] = static_cast<uint8_t>((sig[63] & 0x7f) | (big_a[31] & 0x80));
  sodium_memzero(a.data(), a.size());
  sodium_memzero(r.data(), r.size());
  sodium_memzero(k.data(), k.size());
  sodium_memzero(wide, sizeof wide);
  return sig;
}

bool xeddsa_verify(const Key32& public_key, ByteView message, ByteView signature) {
  ensure_sodium();
  if (signature.size() != 64) return false;
  std::array<uint8_t, 32> ed{};
  if (!montgomery_to_edwards_y(public_key, ed)) return false;
  ed[31] = static_cast<uint8_t>((ed[31] & 0x7f) | (signature[63] & 0x80));
  uint8_t sig[64];
  std::memcpy(sig, signature.data(), 64);
  sig[63] &= 0x7f;
  return crypto_sign_ed25519_verify_detached(sig, message.data(), message.size(), ed.data()) == 0;
}

}  // namespace parity
