#include "reference/crypto/hash.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <cstdlib>

namespace parity {

namespace {

// Algorithms are fetched once: an implicit fetch by name on every call costs more than
// hashing a short input.
const EVP_MD* md_sha256() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}
const EVP_MD* md_sha512() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA512", nullptr);
  return md;
}

template <size_t N>
std::array<uint8_t, N> digest(const EVP_MD* md, ByteView data) {
  std::array<uint8_t, N> out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1 || len != N) {
    std::abort();  // a fixed digest over memory cannot fail except by allocation failure
  }
  return out;
}

// hmac_template is an HMAC-SHA256 context with its digest set; new contexts are copies
// of it, so the digest is looked up once per process.
const EVP_MAC_CTX* hmac_template() {
  static EVP_MAC_CTX* const tmpl = [] {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    EVP_MAC_CTX* ctx = mac != nullptr ? EVP_MAC_CTX_new(mac) : nullptr;
    char digest_name[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                           OSSL_PARAM_construct_end()};
    if (ctx == nullptr || EVP_MAC_CTX_set_params(ctx, params) != 1) std::abort();
    EVP_MAC_free(mac);
    return ctx;
  }();
  return tmpl;
}

}  // namespace

Digest256 sha256(ByteView data) { return digest<32>(md_sha256(), data); }
Digest512 sha512(ByteView data) { return digest<64>(md_sha512(), data); }

Hmac256::Hmac256(ByteView key) {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(hmac_template());
  static const uint8_t kEmpty[1] = {0};
  if (ctx == nullptr || EVP_MAC_init(ctx, key.empty() ? kEmpty : key.data(), key.size(), nullptr) != 1) {
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
  // One context per thread, re-keyed per call: the ratchet computes several HMACs per
  // message and allocation would dominate them.
  thread_local EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(hmac_template());
  static const uint8_t kEmpty[1] = {0};
  Digest256 out{};
  size_t len = 0;
  if (ctx == nullptr || EVP_MAC_init(ctx, key.empty() ? kEmpty : key.data(), key.size(), nullptr) != 1 ||
      (!data.empty() && EVP_MAC_update(ctx, data.data(), data.size()) != 1) ||
      EVP_MAC_final(ctx, out.data(), &len, out.size()) != 1 || len != 32) {
    std::abort();
  }
  return out;
}

void hmac_sha256_each(ByteView key, std::span<const ByteView> inputs, Digest256* out_) {
  thread_local EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(hmac_template());
  static const uint8_t kEmpty[1] = {0};
  if (ctx == nullptr || EVP_MAC_init(ctx, key.empty() ? kEmpty : key.data(), key.size(), nullptr) != 1) std::abort();
  for (size_t i = 0; i < inputs.size(); ++i) {
    // A null key re-initialises with the key already set up (its padded states are kept).
    if (i > 0 && EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1) std::abort();
    size_t len = 0;
    if ((!inputs[i].empty() && EVP_MAC_update(ctx, inputs[i].data(), inputs[i].size()) != 1) ||
        EVP_MAC_final(ctx, out_[i].data(), &len, out_[i].size()) != 1 || len != 32) {
      std::abort();
    }
  }
}

Sha256Stream::Sha256Stream() {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr || EVP_DigestInit_ex(ctx, md_sha256(), nullptr) != 1) std::abort();
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
  Bytes block;
  block.reserve(32 + info.size() + 1);
  // Every expansion block is keyed by the PRK: set the key up once.
  thread_local EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(hmac_template());
  if (ctx == nullptr || EVP_MAC_init(ctx, prk.data(), prk.size(), nullptr) != 1) std::abort();
  for (uint8_t counter = 1; out.size() < length; ++counter) {
    block.assign(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(t_len));
    block.insert(block.end(), info.begin(), info.end());
    block.push_back(counter);
    size_t mac_len = 0;
    if ((counter > 1 && EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1) ||
        EVP_MAC_update(ctx, block.data(), block.size()) != 1 ||
        EVP_MAC_final(ctx, t.data(), &mac_len, t.size()) != 1) {
      std::abort();
    }
    t_len = t.size();
    size_t take = std::min(t.size(), length - out.size());
    out.insert(out.end(), t.begin(), t.begin() + static_cast<std::ptrdiff_t>(take));
  }
  secure_wipe(prk.data(), prk.size());
  secure_wipe(t.data(), t.size());
  secure_wipe(block.data(), block.size());
  return out;
}

}  // namespace parity
