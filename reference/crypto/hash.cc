#include "reference/crypto/hash.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <cstdlib>

namespace parity {

namespace {

template <size_t N>
std::array<uint8_t, N> digest(const EVP_MD* md, ByteView data) {
  std::array<uint8_t, N> out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1 || len != N) {
    std::abort();  // a fixed digest over memory cannot fail except by allocation failure
  }
  return out;
}

EVP_MAC* hmac_algorithm() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

}  // namespace

Digest256 sha256(ByteView data) { return digest<32>(EVP_sha256(), data); }
Digest512 sha512(ByteView data) { return digest<64>(EVP_sha512(), data); }

Hmac256::Hmac256(ByteView key) {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(hmac_algorithm());
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                         OSSL_PARAM_construct_end()};
  static const uint8_t kEmpty[1] = {0};
  if (ctx == nullptr || EVP_MAC_init(ctx, key.empty() ? kEmpty : key.data(), key.size(), params) != 1) {
    std::abort();
  }
  ctx_ = ctx;
}

Hmac256::~Hmac256() { EVP_MAC_CTX_free(static_cast<EVP_MAC_CTX*>(ctx_)); }

void Hmac256::update(ByteView data) {
  if (data.empty()) return;
  if (EVP_MAC_update(static_cast<EVP_MAC_CTX*>(ctx_), data.data(), data.size()) != 1) std::abort();
}

Digest256 Hmac256::final() {
  Digest256 out{};
  size_t len = 0;
  if (EVP_MAC_final(static_cast<EVP_MAC_CTX*>(ctx_), out.data(), &len, out.size()) != 1 || len != 32) {
    std::abort();
  }
  return out;
}

Digest256 hmac_sha256(ByteView key, ByteView data) {
  Hmac256 h(key);
  h.update(data);
  return h.final();
}

Sha256Stream::Sha256Stream() {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) std::abort();
  ctx_ = ctx;
}
Sha256Stream::~Sha256Stream() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }
void Sha256Stream::update(ByteView data) {
  if (EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size()) != 1) std::abort();
}
Digest256 Sha256Stream::final() {
  Digest256 out{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), out.data(), &len) != 1) std::abort();
  return out;
}

Result<Bytes> hkdf_sha256(ByteView ikm, ByteView salt, ByteView info, size_t length) {
  if (length > 255 * 32) {
    return make_error(Errc::invalid_argument, "HKDF-SHA256 output longer than 8160 bytes");
  }
  if (length == 0) return Bytes{};
  // Extract and expand by hand on HMAC: OpenSSL's HKDF refuses empty keys and empty
  // outputs that RFC 5869 allows.
  static const uint8_t kZeroSalt[32] = {};
  Digest256 prk = hmac_sha256(salt.empty() ? ByteView(kZeroSalt, 32) : salt, ikm);
  Bytes out;
  out.reserve(length);
  Digest256 t{};
  size_t t_len = 0;
  for (uint8_t counter = 1; out.size() < length; ++counter) {
    Hmac256 h(prk);
    h.update(ByteView(t.data(), t_len));
    h.update(info);
    h.update(ByteView(&counter, 1));
    t = h.final();
    t_len = t.size();
    size_t take = std::min(t.size(), length - out.size());
    out.insert(out.end(), t.begin(), t.begin() + static_cast<std::ptrdiff_t>(take));
  }
  secure_wipe(prk.data(), prk.size());
  secure_wipe(t.data(), t.size());
  return out;
}

}  // namespace parity
