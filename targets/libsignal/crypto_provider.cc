// crypto_provider.cc: libsignal's signal_crypto_provider on OpenSSL 3 EVP. Randomness
// comes from the device's injection queue first, then from its parity::Rng.
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <span>

#include "targets/libsignal/internal.h"

namespace parity::libsignal {
namespace {

Device::Impl* impl_of(void* user_data) { return static_cast<Device::Impl*>(user_data); }

int random_bytes(uint8_t* data, size_t len, void* user_data) {
  Device::Impl* impl = impl_of(user_data);
  // A 32-byte draw is a private key (curve_generate_private_key); decrypt's injected
  // ratchet key answers every one of them.
  if (impl->every_key && len == 32) {
    std::copy(impl->every_key->begin(), impl->every_key->end(), data);
    return 0;
  }
  size_t n = 0;
  while (n < len && !impl->queued.empty()) {
    data[n++] = impl->queued.front();
    impl->queued.pop_front();
  }
  if (n < len) impl->rng->fill(std::span<uint8_t>(data + n, len - n));
  return 0;
}

int hmac_init(void** ctx_out_, const uint8_t* key, size_t key_len, void*) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) return SG_ERR_UNKNOWN;
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);  // the context keeps its own reference
  if (ctx == nullptr) return SG_ERR_NOMEM;
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(ctx, key, key_len, params) != 1) {
    EVP_MAC_CTX_free(ctx);
    return SG_ERR_UNKNOWN;
  }
  *ctx_out_ = ctx;
  return 0;
}

int hmac_update(void* ctx, const uint8_t* data, size_t len, void*) {
  return EVP_MAC_update(static_cast<EVP_MAC_CTX*>(ctx), data, len) == 1 ? 0 : SG_ERR_UNKNOWN;
}

int hmac_final(void* ctx, signal_buffer** output_, void*) {
  uint8_t md[EVP_MAX_MD_SIZE];
  size_t len = 0;
  if (EVP_MAC_final(static_cast<EVP_MAC_CTX*>(ctx), md, &len, sizeof md) != 1) return SG_ERR_UNKNOWN;
  signal_buffer* b = signal_buffer_create(md, len);
  if (b == nullptr) return SG_ERR_NOMEM;
  *output_ = b;
  return 0;
}

void hmac_cleanup(void* ctx, void*) { EVP_MAC_CTX_free(static_cast<EVP_MAC_CTX*>(ctx)); }

int sha512_init(void** ctx_out_, void*) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return SG_ERR_NOMEM;
  if (EVP_DigestInit_ex(ctx, EVP_sha512(), nullptr) != 1) {
    EVP_MD_CTX_free(ctx);
    return SG_ERR_UNKNOWN;
  }
  *ctx_out_ = ctx;
  return 0;
}

int sha512_update(void* ctx, const uint8_t* data, size_t len, void*) {
  return EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx), data, len) == 1 ? 0 : SG_ERR_UNKNOWN;
}

int sha512_final(void* ctx, signal_buffer** output_, void*) {
  auto* c = static_cast<EVP_MD_CTX*>(ctx);
  uint8_t md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(c, md, &len) != 1) return SG_ERR_UNKNOWN;
  // libsignal reuses the context after final (XEdDSA hashes twice), so re-arm it.
  if (EVP_DigestInit_ex(c, EVP_sha512(), nullptr) != 1) return SG_ERR_UNKNOWN;
  signal_buffer* b = signal_buffer_create(md, len);
  if (b == nullptr) return SG_ERR_NOMEM;
  *output_ = b;
  return 0;
}

void sha512_cleanup(void* ctx, void*) { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx)); }

// cipher_for picks the EVP cipher for libsignal's mode and key length.
const EVP_CIPHER* cipher_for(int cipher, size_t key_len) {
  if (cipher == SG_CIPHER_AES_CBC_PKCS5) {
    switch (key_len) {
      case 16: return EVP_aes_128_cbc();
      case 24: return EVP_aes_192_cbc();
      case 32: return EVP_aes_256_cbc();
      default: return nullptr;
    }
  }
  if (cipher == SG_CIPHER_AES_CTR_NOPADDING) {
    switch (key_len) {
      case 16: return EVP_aes_128_ctr();
      case 24: return EVP_aes_192_ctr();
      case 32: return EVP_aes_256_ctr();
      default: return nullptr;
    }
  }
  return nullptr;
}

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

// run_cipher encrypts or decrypts `in`; *padding_failed_ tells a wrong CBC padding apart.
int run_cipher(bool encrypt, signal_buffer** output_, int cipher, const uint8_t* key, size_t key_len,
               const uint8_t* iv, size_t iv_len, const uint8_t* in, size_t in_len, bool* padding_failed_) {
  const EVP_CIPHER* evp = cipher_for(cipher, key_len);
  if (evp == nullptr || iv_len != 16) return SG_ERR_INVAL;
  if (in_len > static_cast<size_t>(INT32_MAX) - 32) return SG_ERR_INVAL;
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter> ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return SG_ERR_NOMEM;
  if (EVP_CipherInit_ex(ctx.get(), evp, nullptr, key, iv, encrypt ? 1 : 0) != 1) return SG_ERR_UNKNOWN;
  Bytes out(in_len + 32);
  int n1 = 0;
  int n2 = 0;
  if (EVP_CipherUpdate(ctx.get(), out.data(), &n1, in, static_cast<int>(in_len)) != 1) return SG_ERR_UNKNOWN;
  if (EVP_CipherFinal_ex(ctx.get(), out.data() + n1, &n2) != 1) {
    if (!encrypt && cipher == SG_CIPHER_AES_CBC_PKCS5) *padding_failed_ = true;
    secure_wipe(out.data(), out.size());
    return SG_ERR_UNKNOWN;
  }
  signal_buffer* b = signal_buffer_create(out.data(), static_cast<size_t>(n1 + n2));
  secure_wipe(out.data(), out.size());
  if (b == nullptr) return SG_ERR_NOMEM;
  *output_ = b;
  return 0;
}

int encrypt(signal_buffer** output_, int cipher, const uint8_t* key, size_t key_len, const uint8_t* iv, size_t iv_len,
            const uint8_t* plaintext, size_t plaintext_len, void* user_data) {
  bool ignored = false;
  (void)user_data;
  return run_cipher(true, output_, cipher, key, key_len, iv, iv_len, plaintext, plaintext_len, &ignored);
}

int decrypt(signal_buffer** output_, int cipher, const uint8_t* key, size_t key_len, const uint8_t* iv, size_t iv_len,
            const uint8_t* ciphertext, size_t ciphertext_len, void* user_data) {
  bool padding_failed = false;
  int rc = run_cipher(false, output_, cipher, key, key_len, iv, iv_len, ciphertext, ciphertext_len, &padding_failed);
  if (padding_failed) impl_of(user_data)->bad_padding = true;
  return rc;
}

}  // namespace

signal_crypto_provider make_crypto_provider(Device::Impl* impl) {
  signal_crypto_provider p{};
  p.random_func = random_bytes;
  p.hmac_sha256_init_func = hmac_init;
  p.hmac_sha256_update_func = hmac_update;
  p.hmac_sha256_final_func = hmac_final;
  p.hmac_sha256_cleanup_func = hmac_cleanup;
  p.sha512_digest_init_func = sha512_init;
  p.sha512_digest_update_func = sha512_update;
  p.sha512_digest_final_func = sha512_final;
  p.sha512_digest_cleanup_func = sha512_cleanup;
  p.encrypt_func = encrypt;
  p.decrypt_func = decrypt;
  p.user_data = impl;
  return p;
}

}  // namespace parity::libsignal
