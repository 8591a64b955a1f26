#include "reference/crypto/aes.h"

#include <openssl/evp.h>

#include <memory>

namespace parity {

namespace {

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

// Ciphers are fetched once and contexts reused per thread: an implicit fetch and an
// allocation per message would cost more than encrypting a short message.
const EVP_CIPHER* cipher_cbc() {
  static EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr);
  return c;
}
const EVP_CIPHER* cipher_gcm() {
  static EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return c;
}

Status check_key_iv(ByteView key, ByteView iv, size_t iv_len) {
  if (key.size() != 32) return make_error(Errc::invalid_argument, "AES-256 key must be 32 bytes");
  if (iv_len != 0 && iv.size() != iv_len) return make_error(Errc::invalid_argument, "IV must be 16 bytes");
  if (iv_len == 0 && iv.empty()) return make_error(Errc::invalid_argument, "GCM IV must not be empty");
  return {};
}

Result<Bytes> cbc(ByteView key, ByteView iv, ByteView in, bool encrypt) {
  PARITY_TRY(check_key_iv(key, iv, 16));
  if (!encrypt && (in.empty() || in.size() % 16 != 0)) {
    return make_error(Errc::bad_padding, "CBC ciphertext length is not a positive multiple of 16");
  }
  thread_local Ctx ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_CipherInit_ex2(ctx.get(), cipher_cbc(), key.data(), iv.data(), encrypt ? 1 : 0, nullptr) != 1) {
    return make_error(Errc::crypto_failure, "AES-256-CBC init");
  }
  Bytes out(in.size() + 16);
  int len1 = 0;
  int len2 = 0;
  if (EVP_CipherUpdate(ctx.get(), out.data(), &len1, in.data(), static_cast<int>(in.size())) != 1) {
    return make_error(Errc::crypto_failure, "AES-256-CBC update");
  }
  if (EVP_CipherFinal_ex(ctx.get(), out.data() + len1, &len2) != 1) {
    secure_wipe(out.data(), out.size());
    return make_error(Errc::bad_padding, "AES-256-CBC: bad PKCS#7 padding");
  }
  out.resize(static_cast<size_t>(len1 + len2));
  return out;
}

}  // namespace

Result<Bytes> aes256_cbc_encrypt(ByteView key, ByteView iv, ByteView plaintext) { return cbc(key, iv, plaintext, true); }
Result<Bytes> aes256_cbc_decrypt(ByteView key, ByteView iv, ByteView ciphertext) { return cbc(key, iv, ciphertext, false); }

Result<Bytes> aes256_gcm_encrypt(ByteView key, ByteView iv, ByteView aad, ByteView plaintext) {
  PARITY_TRY(check_key_iv(key, iv, 0));
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex2(ctx.get(), cipher_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), iv.data()) != 1) {
    return make_error(Errc::crypto_failure, "AES-256-GCM init");
  }
  if (!aad.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) {
    return make_error(Errc::crypto_failure, "AES-256-GCM aad");
  }
  Bytes out(plaintext.size() + 16);
  int n = 0;
  if (!plaintext.empty() &&
      EVP_EncryptUpdate(ctx.get(), out.data(), &n, plaintext.data(), static_cast<int>(plaintext.size())) != 1) {
    return make_error(Errc::crypto_failure, "AES-256-GCM update");
  }
  int f = 0;
  if (EVP_EncryptFinal_ex(ctx.get(), out.data() + n, &f) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, out.data() + n + f) != 1) {
    return make_error(Errc::crypto_failure, "AES-256-GCM final");
  }
  out.resize(static_cast<size_t>(n + f) + 16);
  return out;
}

Result<Bytes> aes256_gcm_decrypt(ByteView key, ByteView iv, ByteView aad, ByteView sealed) {
  PARITY_TRY(check_key_iv(key, iv, 0));
  if (sealed.size() < 16) return make_error(Errc::bad_mac, "AES-256-GCM input shorter than its tag");
  ByteView body = sealed.first(sealed.size() - 16);
  Bytes tag(sealed.end() - 16, sealed.end());
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_DecryptInit_ex2(ctx.get(), cipher_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), iv.data()) != 1) {
    return make_error(Errc::crypto_failure, "AES-256-GCM init");
  }
  if (!aad.empty() && EVP_DecryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) {
    return make_error(Errc::crypto_failure, "AES-256-GCM aad");
  }
  Bytes out(body.size() + 16);
  int n = 0;
  if (!body.empty() && EVP_DecryptUpdate(ctx.get(), out.data(), &n, body.data(), static_cast<int>(body.size())) != 1) {
    return make_error(Errc::crypto_failure, "AES-256-GCM update");
  }
  int f = 0;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), out.data() + n, &f) != 1) {
    secure_wipe(out.data(), out.size());
    return make_error(Errc::bad_mac, "AES-256-GCM: tag does not verify");
  }
  out.resize(static_cast<size_t>(n + f));
  return out;
}

}  // namespace parity
