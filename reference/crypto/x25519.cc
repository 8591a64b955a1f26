#include "reference/crypto/x25519.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstdlib>

namespace parity {

Key32 clamp_private(Key32 k) {
  k[0] &= 248;
  k[31] &= 127;
  k[31] |= 64;
  return k;
}

namespace {

// derive runs the X25519 derivation between two loaded keys and frees them.
Key32 derive(EVP_PKEY* priv, const Key32& public_key) {
  Key32 out{};
  EVP_PKEY* pub = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, public_key.data(), 32);
  EVP_PKEY_CTX* ctx = priv != nullptr ? EVP_PKEY_CTX_new(priv, nullptr) : nullptr;
  size_t len = out.size();
  bool ok = ctx != nullptr && pub != nullptr && EVP_PKEY_derive_init(ctx) == 1 &&
            EVP_PKEY_derive_set_peer_ex(ctx, pub, 0) == 1;
  // OpenSSL refuses an all-zero shared secret; RFC 7748 (and libsignal) return it, and
  // the all-zero output is exactly what a refusal leaves in `out`.
  if (ok) {
    if (EVP_PKEY_derive(ctx, out.data(), &len) != 1) out.fill(0);
  }
  EVP_PKEY_CTX_free(ctx);
  EVP_PKEY_free(pub);
  EVP_PKEY_free(priv);
  if (!ok) std::abort();
  return out;
}

// load_pair loads a private key with its known public key: OpenSSL then skips deriving
// the public key, which costs as much as the Diffie-Hellman itself.
EVP_PKEY* load_pair(const KeyPair& ours) {
  Key32 priv = ours.private_key;
  Key32 pub = ours.public_key;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PRIV_KEY, priv.data(), priv.size()),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pub.data(), pub.size()),
      OSSL_PARAM_construct_end()};
  EVP_PKEY* key = nullptr;
  thread_local EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "X25519", nullptr);
  if (ctx == nullptr || EVP_PKEY_fromdata_init(ctx) != 1 || EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEYPAIR, params) != 1) {
    std::abort();
  }
  secure_wipe(priv.data(), priv.size());
  return key;
}

}  // namespace

Key32 x25519(const Key32& private_key, const Key32& public_key) {
  return derive(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, private_key.data(), 32), public_key);
}

Key32 x25519(const KeyPair& ours, const Key32& their_public) { return derive(load_pair(ours), their_public); }

Key32 x25519_public(const Key32& private_key) {
  Key32 out{};
  EVP_PKEY* priv = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, private_key.data(), 32);
  size_t len = out.size();
  if (priv == nullptr || EVP_PKEY_get_raw_public_key(priv, out.data(), &len) != 1) std::abort();
  EVP_PKEY_free(priv);
  return out;
}

KeyPair key_pair_from_private(const Key32& private_key) {
  KeyPair kp;
  kp.private_key = clamp_private(private_key);
  kp.public_key = x25519_public(kp.private_key);
  return kp;
}

KeyPair generate_key_pair(Rng& rng) {
  Key32 k = rng.key32();
  KeyPair kp = key_pair_from_private(k);
  secure_wipe(k.data(), k.size());
  return kp;
}

}  // namespace parity
