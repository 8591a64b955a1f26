#include "targets/reference/primitives.h"

#include <functional>
#include <map>

#include "reference/crypto/aes.h"
#include "reference/crypto/hash.h"
#include "reference/crypto/x25519.h"
#include "reference/crypto/xeddsa.h"
#include "reference/group/sender_chain_key.h"
#include "reference/keys/chain_key.h"
#include "reference/keys/root_key.h"

namespace parity::ptp {

namespace {

// get_public accepts a raw 32-byte key or the 33-byte 0x05 form.
Result<Key32> get_public(const Json& r, const char* field) {
  PARITY_ASSIGN(Bytes b, get_hex(r, field));
  if (b.size() == 33 && b[0] == 0x05) b.erase(b.begin());
  if (b.size() != 32)
    return make_error(Errc::invalid_argument, std::string("field \"") + field + "\" is not a public key");
  Key32 k{};
  std::copy(b.begin(), b.end(), k.begin());
  return k;
}

#define PRIM_TRY(decl, expr)                   \
  auto decl##_r = (expr);                      \
  if (!decl##_r) return bad(decl##_r.error()); \
  auto decl = std::move(decl##_r).value()

Reply aes(const Json& r, bool gcm, bool encrypt) {
  PRIM_TRY(key, get_hex(r, "key"));
  PRIM_TRY(iv, get_hex(r, "iv"));
  PRIM_TRY(data, get_hex(r, "data"));
  Bytes aad;
  if (gcm) {
    PRIM_TRY(a, get_hex(r, "aad"));
    aad = std::move(a);
  }
  Result<Bytes> out = gcm ? (encrypt ? aes256_gcm_encrypt(key, iv, aad, data) : aes256_gcm_decrypt(key, iv, aad, data))
                          : (encrypt ? aes256_cbc_encrypt(key, iv, data) : aes256_cbc_decrypt(key, iv, data));
  if (!out) {
    if (out.code() == Errc::invalid_argument) return fail(ErrorCode::bad_request, out.error().detail);
    return fail(ErrorCode::invalid_message, out.error().detail);
  }
  return Json{{"data", to_hex(*out)}};
}

using Fn = std::function<Reply(const Json&)>;

const std::map<std::string, Fn>& table() {
  static const std::map<std::string, Fn> t = {
      {"x25519",
       [](const Json& r) -> Reply {
         PRIM_TRY(priv, get_hex32(r, "private"));
         PRIM_TRY(pub, get_public(r, "public"));
         return Json{{"shared", to_hex(x25519(priv, pub))}};
       }},
      {"x25519_public",
       [](const Json& r) -> Reply {
         PRIM_TRY(priv, get_hex32(r, "private"));
         return Json{{"public", to_hex(x25519_public(priv))}};
       }},
      {"xeddsa_verify",
       [](const Json& r) -> Reply {
         PRIM_TRY(pub, get_public(r, "public"));
         PRIM_TRY(msg, get_hex(r, "message"));
         PRIM_TRY(sig, get_hex(r, "signature"));
         return Json{{"valid", xeddsa_verify(pub, msg, sig)}};
       }},
      {"hkdf_sha256",
       [](const Json& r) -> Reply {
         PRIM_TRY(ikm, get_hex(r, "ikm"));
         PRIM_TRY(salt, get_hex(r, "salt"));
         PRIM_TRY(info, get_hex(r, "info"));
         PRIM_TRY(length, get_uint(r, "length"));
         if (length > 8160) return fail(ErrorCode::bad_request, "length exceeds 8160");
         auto okm = hkdf_sha256(ikm, salt, info, static_cast<size_t>(length));
         if (!okm) return fail(ErrorCode::bad_request, okm.error().detail);
         return Json{{"okm", to_hex(*okm)}};
       }},
      {"hmac_sha256",
       [](const Json& r) -> Reply {
         PRIM_TRY(key, get_hex(r, "key"));
         PRIM_TRY(data, get_hex(r, "data"));
         return Json{{"mac", to_hex(hmac_sha256(key, data))}};
       }},
      {"sha256",
       [](const Json& r) -> Reply {
         PRIM_TRY(data, get_hex(r, "data"));
         return Json{{"digest", to_hex(sha256(data))}};
       }},
      {"sha512",
       [](const Json& r) -> Reply {
         PRIM_TRY(data, get_hex(r, "data"));
         return Json{{"digest", to_hex(sha512(data))}};
       }},
      {"aes256_cbc_encrypt", [](const Json& r) { return aes(r, false, true); }},
      {"aes256_cbc_decrypt", [](const Json& r) { return aes(r, false, false); }},
      {"aes256_gcm_encrypt", [](const Json& r) { return aes(r, true, true); }},
      {"aes256_gcm_decrypt", [](const Json& r) { return aes(r, true, false); }},
      {"kdf_rk",
       [](const Json& r) -> Reply {
         PRIM_TRY(root, get_hex32(r, "root"));
         PRIM_TRY(dh, get_hex32(r, "dh"));
         signal::RootStep step = signal::RootKey{root}.kdf(dh);
         return Json{{"root", to_hex(step.root.key)}, {"chain", to_hex(step.chain.key)}};
       }},
      {"kdf_ck",
       [](const Json& r) -> Reply {
         PRIM_TRY(chain, get_hex32(r, "chain"));
         signal::ChainKey ck{chain, 0};
         return Json{{"chain", to_hex(ck.next().key)}, {"seed", to_hex(ck.message_key_seed())}};
       }},
      // sender_key_step is one Sender Keys chain step (KAT-3): the next chain key, the
      // message-key seed and its WhisperGroup expansion.
      {"sender_key_step",
       [](const Json& r) -> Reply {
         PRIM_TRY(chain, get_hex32(r, "chain"));
         const group::SenderChainKey ck{0, chain};
         const group::SenderMessageKey mk = ck.message_key();
         return Json{{"chain", to_hex(ck.next().key)},
                     {"seed", to_hex(mk.seed)},
                     {"iv", to_hex(mk.iv)},
                     {"cipher_key", to_hex(mk.cipher_key)}};
       }},
      {"message_keys",
       [](const Json& r) -> Reply {
         PRIM_TRY(seed, get_hex32(r, "seed"));
         signal::MessageKeys mk = signal::MessageKeys::from_seed(seed, 0);
         return Json{{"cipher_key", to_hex(mk.cipher_key)}, {"mac_key", to_hex(mk.mac_key)}, {"iv", to_hex(mk.iv)}};
       }},
  };
  return t;
}

#undef PRIM_TRY

}  // namespace

Reply reference_primitive(const request::Primitive& request) {
  auto it = table().find(request.name);
  if (it == table().end()) return fail(ErrorCode::unsupported, "no primitive named " + request.name);
  return it->second(request.fields);
}

}  // namespace parity::ptp
