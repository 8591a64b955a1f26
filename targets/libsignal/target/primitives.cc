#include "targets/libsignal/target/primitives.h"

#include <cstdlib>
#include <map>
#include <string_view>

#include <signal/curve.h>
#include <signal/hkdf.h>
#include <signal/ratchet.h>

#include "reference/crypto/aes.h"
#include "reference/crypto/hash.h"
#include "reference/crypto/random.h"
// internal.h is parity_libsignal's private header; it is included (not changed) for the
// two things a signal_context needs here and only it has: Device::Impl, which the crypto
// provider takes as its user data, and make_crypto_provider itself.
#include "targets/libsignal/internal.h"

namespace parity::ptp {

// Context is one signal_context with parity_libsignal's OpenSSL provider. The Impl owns
// the context (its destructor destroys it); no store context is made.
struct LibsignalPrimitives::Context {
  libsignal::Device::Impl impl;
  signal_crypto_provider provider{};
  std::string setup_error;  // empty when the context is usable
};

namespace {

using Context = LibsignalPrimitives::Context;
using libsignal::BufferSlot;
using libsignal::Ref;

void log_line(int, const char* message, size_t len, void* user_data) {
  static_cast<libsignal::Device::Impl*>(user_data)->log.emplace_back(message, len);
}

// lib_fail reports a libsignal result code, with the library's log lines of the call.
Reply lib_fail(const Context& c, int rc, std::string_view what) {
  std::string detail = std::string(what) + ": libsignal " + libsignal::error_name(rc) + " (" + std::to_string(rc) + ")";
  for (const std::string& line : c.impl.log) detail += "; " + line;
  return fail(ErrorCode::internal, std::move(detail));
}

// data_or_dummy gives libsignal and the provider a valid pointer for an empty input
// (memcpy/memmove from a null pointer is undefined even for zero bytes).
const uint8_t* data_or_dummy(ByteView b) {
  static const uint8_t kDummy = 0;
  return b.empty() ? &kDummy : b.data();
}

// Malloced owns a buffer libsignal returns from malloc (agreement, HKDF output).
struct Malloced {
  uint8_t* p = nullptr;
  size_t n = 0;
  Malloced() = default;
  Malloced(const Malloced&) = delete;
  Malloced& operator=(const Malloced&) = delete;
  ~Malloced() {
    if (p != nullptr) {
      secure_wipe(p, n);
      std::free(p);
    }
  }
  Bytes bytes() const { return p == nullptr ? Bytes{} : Bytes(p, p + n); }
};

// get_public accepts a raw 32-byte key or the 33-byte 0x05 form, and returns the 0x05
// form curve_decode_point takes.
Result<Bytes> get_public(const Json& r, const char* field) {
  PARITY_ASSIGN(Bytes b, get_hex(r, field));
  if (b.size() == 32) b.insert(b.begin(), 0x05);
  if (b.size() != 33 || b[0] != 0x05) {
    return make_error(Errc::invalid_argument, std::string("field \"") + field + "\" is not a public key");
  }
  return b;
}

#define PRIM_TRY(decl, expr)                   \
  auto decl##_r = (expr);                      \
  if (!decl##_r) return bad(decl##_r.error()); \
  auto decl = std::move(decl##_r).value()

// derive is libsignal's HKDF: hkdf_create with message version 3 (the counter byte
// starts at 1, as RFC 5869) and hkdf_derive_secrets. out_ receives `length` bytes.
Reply derive(Context& c, ByteView ikm, ByteView salt, ByteView info, size_t length, Bytes* out_) {
  Ref<hkdf_context> kdf;
  int rc = hkdf_create(kdf.slot(), 3, c.impl.ctx);
  if (rc < 0) return lib_fail(c, rc, "hkdf_create");
  Malloced okm;
  ssize_t n = hkdf_derive_secrets(kdf.get(), &okm.p, data_or_dummy(ikm), ikm.size(), data_or_dummy(salt), salt.size(),
                                  data_or_dummy(info), info.size(), length);
  if (n < 0) return lib_fail(c, static_cast<int>(n), "hkdf_derive_secrets");
  okm.n = static_cast<size_t>(n);
  if (okm.n != length) return fail(ErrorCode::internal, "hkdf_derive_secrets returned " + std::to_string(n) + " bytes");
  *out_ = okm.bytes();
  return Json::object();
}

// provider_hmac computes HMAC-SHA256 through the crypto provider, the code libsignal
// itself calls for every HMAC (chain keys, MACs, HKDF).
Reply provider_hmac(Context& c, ByteView key, ByteView data, Bytes* out_) {
  const signal_crypto_provider& p = c.provider;
  void* h = nullptr;
  int rc = p.hmac_sha256_init_func(&h, data_or_dummy(key), key.size(), p.user_data);
  if (rc < 0) return lib_fail(c, rc, "provider hmac_sha256_init");
  BufferSlot mac;
  rc = p.hmac_sha256_update_func(h, data_or_dummy(data), data.size(), p.user_data);
  if (rc >= 0) rc = p.hmac_sha256_final_func(h, mac.slot(), p.user_data);
  p.hmac_sha256_cleanup_func(h, p.user_data);
  if (rc < 0) return lib_fail(c, rc, "provider hmac_sha256");
  *out_ = mac.bytes();
  return Json::object();
}

// clamp applies RFC 7748's decodeScalar25519 bit clearing and setting. libsignal's
// curve25519_donna has those lines commented out: the library clamps once, in
// curve_generate_private_key, which every private key it uses has passed through (an
// injected key too: it is served to that function through the random callback). The
// primitive does the same before handing a key to curve_decode_private_point, so what it
// answers is libsignal's scalar multiplication on the key libsignal would hold.
void clamp(Key32& k) {
  k[0] &= 248;
  k[31] &= 127;
  k[31] |= 64;
}

Reply x25519(Context& c, const Json& r) {
  PRIM_TRY(priv, get_hex32(r, "private"));
  clamp(priv);
  PRIM_TRY(pub, get_public(r, "public"));
  Ref<ec_public_key> public_key;
  int rc = curve_decode_point(public_key.slot(), pub.data(), pub.size(), c.impl.ctx);
  if (rc < 0) return lib_fail(c, rc, "curve_decode_point");
  Ref<ec_private_key> private_key;
  rc = curve_decode_private_point(private_key.slot(), priv.data(), priv.size(), c.impl.ctx);
  secure_wipe(priv.data(), priv.size());
  if (rc < 0) return lib_fail(c, rc, "curve_decode_private_point");
  // curve25519_donna does not refuse a low-order result, as PTP's x25519 asks.
  Malloced shared;
  rc = curve_calculate_agreement(&shared.p, public_key.get(), private_key.get());
  if (rc < 0) return lib_fail(c, rc, "curve_calculate_agreement");
  shared.n = static_cast<size_t>(rc);
  return Json{{"shared", to_hex(shared.bytes())}};
}

Reply x25519_public(Context& c, const Json& r) {
  PRIM_TRY(priv, get_hex32(r, "private"));
  clamp(priv);
  Ref<ec_private_key> private_key;
  int rc = curve_decode_private_point(private_key.slot(), priv.data(), priv.size(), c.impl.ctx);
  secure_wipe(priv.data(), priv.size());
  if (rc < 0) return lib_fail(c, rc, "curve_decode_private_point");
  Ref<ec_public_key> public_key;
  rc = curve_generate_public_key(public_key.slot(), private_key.get());
  if (rc < 0) return lib_fail(c, rc, "curve_generate_public_key");
  BufferSlot out;
  rc = ec_public_key_serialize(out.slot(), public_key.get());
  if (rc < 0) return lib_fail(c, rc, "ec_public_key_serialize");
  Bytes b = out.bytes();
  if (b.size() != 33) return fail(ErrorCode::internal, "ec_public_key_serialize: not 33 bytes");
  return Json{{"public", to_hex(ByteView(b).subspan(1))}};
}

Reply xeddsa_verify(Context& c, const Json& r) {
  PRIM_TRY(pub, get_public(r, "public"));
  PRIM_TRY(msg, get_hex(r, "message"));
  PRIM_TRY(sig, get_hex(r, "signature"));
  Ref<ec_public_key> public_key;
  int rc = curve_decode_point(public_key.slot(), pub.data(), pub.size(), c.impl.ctx);
  if (rc < 0) return lib_fail(c, rc, "curve_decode_point");
  rc = curve_verify_signature(public_key.get(), data_or_dummy(msg), msg.size(), data_or_dummy(sig), sig.size());
  // A signature that is not 64 bytes is answered SG_ERR_INVAL; for PTP it is simply not
  // a valid signature (as in the reference and in session_builder, which refuses it).
  if (rc == SG_ERR_INVAL) return Json{{"valid", false}};
  if (rc < 0) return lib_fail(c, rc, "curve_verify_signature");
  return Json{{"valid", rc == 1}};
}

Reply hkdf_sha256(Context& c, const Json& r) {
  PRIM_TRY(ikm, get_hex(r, "ikm"));
  PRIM_TRY(salt, get_hex(r, "salt"));
  PRIM_TRY(info, get_hex(r, "info"));
  PRIM_TRY(length, get_uint(r, "length"));
  if (length > 8160) return fail(ErrorCode::bad_request, "length exceeds 8160");
  // Refused rather than run: libsignal would loop for ever (see kLibsignalHkdfMaxLength).
  if (length > kLibsignalHkdfMaxLength) {
    return fail(ErrorCode::unsupported,
                "libsignal-protocol-c 2.3.3's hkdf_derive_secrets does not terminate for lengths "
                "8129..8160 (uint8_t block counter); it serves up to 8128 bytes");
  }
  // An empty salt reaches the provider as a zero-length HMAC key, which HMAC pads to
  // 32 zero bytes: the RFC 5869 default, with no special case needed.
  Bytes okm;
  Reply st = derive(c, ikm, salt, info, static_cast<size_t>(length), &okm);
  if (std::holds_alternative<Failure>(st)) return st;
  return Json{{"okm", to_hex(okm)}};
}

Reply kdf_rk(Context& c, const Json& r) {
  PRIM_TRY(root, get_hex32(r, "root"));
  PRIM_TRY(dh, get_hex32(r, "dh"));
  // What ratchet_root_key_create_chain does after its agreement: HKDF(dh, salt = root key,
  // "WhisperRatchet") to 64 bytes, root key first. The chain function itself takes key
  // pairs, not a shared secret, so the derivation is called directly.
  static constexpr std::string_view kInfo = "WhisperRatchet";
  Bytes okm;
  Reply st = derive(c, dh, root, ByteView(reinterpret_cast<const uint8_t*>(kInfo.data()), kInfo.size()), 64, &okm);
  if (std::holds_alternative<Failure>(st)) return st;
  return Json{{"root", to_hex(ByteView(okm).first(32))}, {"chain", to_hex(ByteView(okm).subspan(32))}};
}

Reply kdf_ck(Context& c, const Json& r) {
  PRIM_TRY(chain, get_hex32(r, "chain"));
  Ref<hkdf_context> kdf;
  int rc = hkdf_create(kdf.slot(), 3, c.impl.ctx);
  if (rc < 0) return lib_fail(c, rc, "hkdf_create");
  Ref<ratchet_chain_key> ck;
  rc = ratchet_chain_key_create(ck.slot(), kdf.get(), chain.data(), chain.size(), 0, c.impl.ctx);
  if (rc < 0) return lib_fail(c, rc, "ratchet_chain_key_create");
  Ref<ratchet_chain_key> next;
  rc = ratchet_chain_key_create_next(ck.get(), next.slot());
  if (rc < 0) return lib_fail(c, rc, "ratchet_chain_key_create_next");
  BufferSlot next_key;
  rc = ratchet_chain_key_get_key(next.get(), next_key.slot());
  if (rc < 0) return lib_fail(c, rc, "ratchet_chain_key_get_key");
  // libsignal has no public call returning the message-key seed: ratchet.h only offers
  // ratchet_chain_key_get_message_keys, which runs the seed through HKDF at once (the
  // internal ratchet_chain_key_get_base_material is exported but not declared). The seed
  // is HMAC-SHA256(chain, 0x01), computed here by the same provider call libsignal makes.
  static const uint8_t kMessageKeySeed[1] = {0x01};
  Bytes seed;
  Reply st = provider_hmac(c, chain, kMessageKeySeed, &seed);
  if (std::holds_alternative<Failure>(st)) return st;
  return Json{{"chain", to_hex(next_key.bytes())}, {"seed", to_hex(seed)}};
}

// sender_key_step (KAT-3) is libsignal's own sender key chain code: see
// libsignal::sender_key_step.
Reply sender_key_step(Context&, const Json& r) {
  PRIM_TRY(chain, get_hex32(r, "chain"));
  auto step = libsignal::sender_key_step(chain);
  if (!step) return fail(ErrorCode::internal, step.error().detail);
  return Json{{"chain", to_hex(step->chain)},
              {"seed", to_hex(step->seed)},
              {"iv", to_hex(step->iv)},
              {"cipher_key", to_hex(step->cipher_key)}};
}

Reply message_keys(Context& c, const Json& r) {
  PRIM_TRY(seed, get_hex32(r, "seed"));
  // As ratchet_chain_key_get_message_keys: HKDF(seed, 32 zero bytes, "WhisperMessageKeys")
  // to 80 bytes, split cipher key 32, MAC key 32, IV 16.
  static constexpr std::string_view kInfo = "WhisperMessageKeys";
  static const uint8_t kZeroSalt[32] = {};
  Bytes okm;
  Reply st =
      derive(c, seed, kZeroSalt, ByteView(reinterpret_cast<const uint8_t*>(kInfo.data()), kInfo.size()), 80, &okm);
  if (std::holds_alternative<Failure>(st)) return st;
  const ByteView k(okm);
  return Json{
      {"cipher_key", to_hex(k.first(32))}, {"mac_key", to_hex(k.subspan(32, 32))}, {"iv", to_hex(k.subspan(64, 16))}};
}

// --- primitives libsignal-protocol-c has no code of its own for ----------------------
// The library delegates HMAC-SHA256, SHA-512 and AES-CBC to the application's crypto
// provider; these answer through parity_libsignal's provider (OpenSSL 3 EVP), the very
// code libsignal runs. SHA-256 and AES-GCM are not even in the provider interface, so
// they are answered by the reference's OpenSSL code (reference/crypto).

Reply hmac_sha256(Context& c, const Json& r) {
  PRIM_TRY(key, get_hex(r, "key"));
  PRIM_TRY(data, get_hex(r, "data"));
  Bytes mac;
  Reply st = provider_hmac(c, key, data, &mac);
  if (std::holds_alternative<Failure>(st)) return st;
  return Json{{"mac", to_hex(mac)}};
}

Reply sha512(Context& c, const Json& r) {
  PRIM_TRY(data, get_hex(r, "data"));
  const signal_crypto_provider& p = c.provider;
  void* h = nullptr;
  int rc = p.sha512_digest_init_func(&h, p.user_data);
  if (rc < 0) return lib_fail(c, rc, "provider sha512_digest_init");
  BufferSlot digest;
  rc = p.sha512_digest_update_func(h, data_or_dummy(data), data.size(), p.user_data);
  if (rc >= 0) rc = p.sha512_digest_final_func(h, digest.slot(), p.user_data);
  p.sha512_digest_cleanup_func(h, p.user_data);
  if (rc < 0) return lib_fail(c, rc, "provider sha512_digest");
  return Json{{"digest", to_hex(digest.bytes())}};
}

Reply sha256(Context&, const Json& r) {
  PRIM_TRY(data, get_hex(r, "data"));
  return Json{{"digest", to_hex(parity::sha256(data))}};
}

Reply aes_cbc(Context& c, const Json& r, bool encrypt) {
  PRIM_TRY(key, get_hex(r, "key"));
  PRIM_TRY(iv, get_hex(r, "iv"));
  PRIM_TRY(data, get_hex(r, "data"));
  // The provider picks AES-128/192/256 by key length; the primitive is AES-256 only.
  if (key.size() != 32) return fail(ErrorCode::bad_request, "AES-256 key must be 32 bytes");
  if (iv.size() != 16) return fail(ErrorCode::bad_request, "IV must be 16 bytes");
  const signal_crypto_provider& p = c.provider;
  BufferSlot out;
  c.impl.bad_padding = false;
  int rc =
      (encrypt ? p.encrypt_func : p.decrypt_func)(out.slot(), SG_CIPHER_AES_CBC_PKCS5, key.data(), key.size(),
                                                  iv.data(), iv.size(), data_or_dummy(data), data.size(), p.user_data);
  if (rc < 0) {
    if (!encrypt && c.impl.bad_padding)
      return fail(ErrorCode::invalid_message, "AES-256-CBC: bad PKCS#7 padding or length");
    return lib_fail(c, rc, encrypt ? "provider encrypt" : "provider decrypt");
  }
  return Json{{"data", to_hex(out.bytes())}};
}

Reply aes_gcm(const Json& r, bool encrypt) {
  PRIM_TRY(key, get_hex(r, "key"));
  PRIM_TRY(iv, get_hex(r, "iv"));
  PRIM_TRY(aad, get_hex(r, "aad"));
  PRIM_TRY(data, get_hex(r, "data"));
  Result<Bytes> out = encrypt ? aes256_gcm_encrypt(key, iv, aad, data) : aes256_gcm_decrypt(key, iv, aad, data);
  if (!out) {
    if (out.code() == Errc::invalid_argument) return fail(ErrorCode::bad_request, out.error().detail);
    return fail(ErrorCode::invalid_message, out.error().detail);
  }
  return Json{{"data", to_hex(*out)}};
}

#undef PRIM_TRY

using Fn = Reply (*)(Context&, const Json&);

const std::map<std::string, Fn, std::less<>>& table() {
  static const std::map<std::string, Fn, std::less<>> t = {
      {"x25519", x25519},
      {"x25519_public", x25519_public},
      {"xeddsa_verify", xeddsa_verify},
      {"hkdf_sha256", hkdf_sha256},
      {"kdf_rk", kdf_rk},
      {"kdf_ck", kdf_ck},
      {"message_keys", message_keys},
      {"sender_key_step", sender_key_step},
      {"hmac_sha256", hmac_sha256},
      {"sha256", sha256},
      {"sha512", sha512},
      {"aes256_cbc_encrypt", [](Context& c, const Json& r) { return aes_cbc(c, r, true); }},
      {"aes256_cbc_decrypt", [](Context& c, const Json& r) { return aes_cbc(c, r, false); }},
      {"aes256_gcm_encrypt", [](Context&, const Json& r) { return aes_gcm(r, true); }},
      {"aes256_gcm_decrypt", [](Context&, const Json& r) { return aes_gcm(r, false); }},
  };
  return t;
}

}  // namespace

LibsignalPrimitives::LibsignalPrimitives() : ctx_(std::make_unique<Context>()) {
  libsignal::Device::Impl& impl = ctx_->impl;
  // The primitives draw no randomness; the provider still needs a generator to point to.
  impl.rng = &os_rng();
  signal_context* raw = nullptr;
  if (signal_context_create(&raw, &impl) < 0 || raw == nullptr) {
    ctx_->setup_error = "signal_context_create failed";
    return;
  }
  impl.ctx = raw;
  ctx_->provider = libsignal::make_crypto_provider(&impl);
  int rc = signal_context_set_crypto_provider(impl.ctx, &ctx_->provider);
  if (rc >= 0) rc = signal_context_set_log_function(impl.ctx, log_line);
  if (rc < 0) ctx_->setup_error = std::string("setting up the signal_context: ") + libsignal::error_name(rc);
}

LibsignalPrimitives::~LibsignalPrimitives() = default;

Reply LibsignalPrimitives::handle(const request::Primitive& request) {
  auto it = table().find(request.name);
  if (it == table().end()) return fail(ErrorCode::unsupported, "no primitive named " + request.name);
  if (!ctx_->setup_error.empty()) return fail(ErrorCode::internal, ctx_->setup_error);
  ctx_->impl.begin();  // clears the log lines of the previous call
  return it->second(*ctx_, request.fields);
}

}  // namespace parity::ptp
