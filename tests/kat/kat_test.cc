// kat_test: every known-answer vector of every file in vectors/ through the reference.
//
// 'valid' and 'acceptable' tests must match (PTP returns low-order X25519 results, so
// acceptable is a match there too); 'invalid' tests must be refused or must not match, as
// each primitive's semantics say. After a file has run, every field it holds must have
// been read: a typo or an ignored expectation fails instead of passing silently.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "reference/crypto/aes.h"
#include "reference/crypto/hash.h"
#include "reference/crypto/x25519.h"
#include "reference/crypto/xeddsa.h"
#include "reference/group/sender_chain_key.h"
#include "reference/group/sender_message_key.h"
#include "reference/keys/chain_key.h"
#include "reference/keys/kdf_labels.h"
#include "reference/keys/message_keys.h"
#include "reference/keys/root_key.h"
#include "vectors/loader.h"
#include "tests/media/media_vector_runner.h"  // the "media" kind (vectors/media)

namespace parity {
namespace {

using vectors::Expect;
using vectors::Vector;
using vectors::TestGroup;
using vectors::VectorFile;

// key32 converts a field to a 32-byte key; a vector with another length is a bad vector.
Key32 key32(const Vector& t, std::string_view name) {
  const Bytes& b = t.fields.hex(name);
  Key32 k{};
  if (b.size() != k.size()) {
    ADD_FAILURE() << t.where << ": field " << name << " has " << b.size() << " bytes, not 32";
    return k;
  }
  std::copy(b.begin(), b.end(), k.begin());
  return k;
}

Bytes bytes(ByteView v) { return Bytes(v.begin(), v.end()); }

// matches_expectation checks one comparison against a test's result: valid and acceptable
// must match, invalid must not.
void expect_match(const Vector& t, bool matched, const std::string& detail) {
  if (t.result == Expect::invalid) {
    EXPECT_FALSE(matched) << t.where << ": an invalid vector matched (" << t.comment << ") " << detail;
  } else {
    EXPECT_TRUE(matched) << t.where << ": " << t.comment << "\n" << detail;
  }
}

std::string got_want(ByteView got, ByteView want) { return "got  " + to_hex(got) + "\nwant " + to_hex(want); }

// hkdf_v2 is libsignal's version-2 HKDF: RFC 5869 extract, but the expand counter starts at
// 0. PTP speaks v3 only; the v2 groups anchor derived inputs to values libsignal published.
Bytes hkdf_v2(ByteView ikm, ByteView salt, ByteView info, size_t length) {
  Digest256 prk = hmac_sha256(salt, ikm);
  Bytes out;
  Bytes t;
  for (uint8_t counter = 0; out.size() < length; ++counter) {
    Hmac256 h(prk);
    h.update(t);
    h.update(info);
    h.update(ByteView(&counter, 1));
    Digest256 block = h.final();
    t.assign(block.begin(), block.end());
    out.insert(out.end(), t.begin(), t.begin() + static_cast<std::ptrdiff_t>(std::min(t.size(), length - out.size())));
  }
  return out;
}

void expect_curve(const TestGroup& g) { EXPECT_EQ(g.params.string("curve"), "curve25519") << g.where; }

// ---- one runner per vector kind ------------------------------------------------------

void run_x25519(const VectorFile& f) {
  for (const TestGroup& g : f.groups) {
    expect_curve(g);
    for (const Vector& t : g.tests) {
      Key32 k = key32(t, "private");
      Key32 u = key32(t, "public");
      if (t.fields.has("iterations")) {
        // RFC 7748 section 5.2: k, u <- X25519(k, u), k.
        for (int64_t i = 0; i < t.fields.integer("iterations"); ++i) {
          Key32 next = x25519(k, u);
          u = k;
          k = next;
        }
      } else {
        k = x25519(k, u);
      }
      const Bytes& want = t.fields.hex("shared");
      expect_match(t, bytes(k) == want, got_want(k, want));
    }
  }
}

void run_x25519_public(const VectorFile& f) {
  for (const TestGroup& g : f.groups) {
    expect_curve(g);
    for (const Vector& t : g.tests) {
      Key32 pub = x25519_public(key32(t, "private"));
      const Bytes& want = t.fields.hex("public");
      expect_match(t, bytes(pub) == want, got_want(pub, want));
    }
  }
}

void run_xeddsa_verify(const VectorFile& f) {
  for (const TestGroup& g : f.groups) {
    expect_curve(g);
    for (const Vector& t : g.tests) {
      bool valid = xeddsa_verify(key32(t, "public"), t.fields.hex("message"), t.fields.hex("signature"));
      expect_match(t, valid, "xeddsa_verify returned " + std::string(valid ? "true" : "false"));
    }
  }
}

void run_hkdf_sha256(const VectorFile& f) {
  for (const TestGroup& g : f.groups) {
    for (const Vector& t : g.tests) {
      auto length = static_cast<size_t>(t.fields.integer("length"));
      auto okm = hkdf_sha256(t.fields.hex("ikm"), t.fields.hex("salt"), t.fields.hex("info"), length);
      const Bytes& want = t.fields.hex("okm");
      if (t.has_flag("SizeTooLarge")) {
        // Lengths past 255 * 32 are an argument error, not a short output.
        ASSERT_EQ(t.result, Expect::invalid) << t.where;
        EXPECT_FALSE(okm.ok()) << t.where << ": length " << length << " was not refused";
        if (!okm.ok()) {
          EXPECT_EQ(okm.code(), Errc::invalid_argument) << t.where;
        }
        EXPECT_TRUE(want.empty()) << t.where << ": a refused vector carries no okm";
        continue;
      }
      if (!okm.ok()) {
        ADD_FAILURE() << t.where << ": refused: " << okm.error().detail;
        continue;
      }
      expect_match(t, *okm == want, got_want(*okm, want));
    }
  }
}

void run_hmac_sha256(const VectorFile& f) {
  for (const TestGroup& g : f.groups) {
    auto tag_bytes = static_cast<size_t>(g.params.integer("tagSize")) / 8;
    ASSERT_TRUE(tag_bytes >= 1 && tag_bytes <= 32) << g.where << ": bad tagSize";
    for (const Vector& t : g.tests) {
      Digest256 mac = hmac_sha256(t.fields.hex("key"), t.fields.hex("data"));
      const Bytes& want = t.fields.hex("mac");
      EXPECT_EQ(want.size(), tag_bytes) << t.where << ": mac length differs from the group's tagSize";
      ByteView prefix(mac.data(), std::min(tag_bytes, mac.size()));
      expect_match(t, bytes(prefix) == want, got_want(prefix, want));
    }
  }
}

template <class Digest, Digest (*hash)(ByteView)>
void run_hash(const VectorFile& f) {
  for (const TestGroup& g : f.groups) {
    for (const Vector& t : g.tests) {
      Bytes data = t.fields.hex("data");
      if (t.fields.has("repeat")) {
        const Bytes unit = data;
        auto n = t.fields.integer("repeat");
        data.clear();
        data.reserve(unit.size() * static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) data.insert(data.end(), unit.begin(), unit.end());
      }
      Digest d = hash(data);
      const Bytes& want = t.fields.hex("digest");
      expect_match(t, bytes(d) == want, got_want(d, want));
    }
  }
}

void run_aes256_cbc(const VectorFile& f) {
  for (const TestGroup& g : f.groups) {
    auto key_bits = g.params.integer("keySize");
    auto iv_bits = g.params.integer("ivSize");
    for (const Vector& t : g.tests) {
      const Bytes& key = t.fields.hex("key");
      const Bytes& iv = t.fields.hex("iv");
      EXPECT_EQ(static_cast<int64_t>(key.size() * 8), key_bits) << t.where;
      EXPECT_EQ(static_cast<int64_t>(iv.size() * 8), iv_bits) << t.where;
      const Bytes& pt = t.fields.hex("plaintext");
      const Bytes& ct = t.fields.hex("ciphertext");
      auto enc = aes256_cbc_encrypt(key, iv, pt);
      auto dec = aes256_cbc_decrypt(key, iv, ct);
      ASSERT_TRUE(enc.ok()) << t.where << ": encryption refused: " << enc.error().detail;
      if (t.result == Expect::invalid) {
        // Bad padding or length: decryption must refuse, and honest padding differs.
        EXPECT_FALSE(dec.ok()) << t.where << ": decryption accepted " << (dec.ok() ? to_hex(*dec) : "") << " ("
                               << t.comment << ")";
        EXPECT_NE(*enc, ct) << t.where;
      } else {
        EXPECT_EQ(to_hex(*enc), to_hex(ct)) << t.where << ": " << t.comment;
        ASSERT_TRUE(dec.ok()) << t.where << ": decryption refused: " << dec.error().detail;
        EXPECT_EQ(to_hex(*dec), to_hex(pt)) << t.where << ": " << t.comment;
      }
    }
  }
}

void run_aes256_gcm(const VectorFile& f) {
  for (const TestGroup& g : f.groups) {
    auto key_bits = g.params.integer("keySize");
    auto iv_bits = g.params.integer("ivSize");
    auto tag_bits = g.params.integer("tagSize");
    for (const Vector& t : g.tests) {
      const Bytes& key = t.fields.hex("key");
      const Bytes& iv = t.fields.hex("iv");
      const Bytes& aad = t.fields.hex("aad");
      const Bytes& tag = t.fields.hex("tag");
      EXPECT_EQ(static_cast<int64_t>(key.size() * 8), key_bits) << t.where;
      EXPECT_EQ(static_cast<int64_t>(iv.size() * 8), iv_bits) << t.where;
      EXPECT_EQ(static_cast<int64_t>(tag.size() * 8), tag_bits) << t.where;
      const Bytes& pt = t.fields.hex("plaintext");
      Bytes sealed = concat({t.fields.hex("ciphertext"), tag});  // PTP data: ciphertext || tag
      auto enc = aes256_gcm_encrypt(key, iv, aad, pt);
      auto dec = aes256_gcm_decrypt(key, iv, aad, sealed);
      ASSERT_TRUE(enc.ok()) << t.where << ": encryption refused: " << enc.error().detail;
      if (t.result == Expect::invalid) {
        EXPECT_FALSE(dec.ok()) << t.where << ": decryption accepted (" << t.comment << ")";
        if (!dec.ok()) {
          EXPECT_EQ(dec.code(), Errc::bad_mac) << t.where;
        }
        EXPECT_NE(*enc, sealed) << t.where;
      } else {
        EXPECT_EQ(to_hex(*enc), to_hex(sealed)) << t.where << ": " << t.comment;
        ASSERT_TRUE(dec.ok()) << t.where << ": decryption refused: " << dec.error().detail;
        EXPECT_EQ(to_hex(*dec), to_hex(pt)) << t.where << ": " << t.comment;
      }
    }
  }
}

void run_kdf_ck(const VectorFile& f) {
  for (const TestGroup& g : f.groups) {
    ASSERT_EQ(g.params.integer("version"), 3) << g.where << ": chain-key steps are the same in v2 and v3; only v3 is expected";
    for (const Vector& t : g.tests) {
      signal::ChainKey ck{key32(t, "chain"), 0};
      Key32 next = ck.next().key;
      Key32 seed = ck.message_key_seed();
      const Bytes& want_next = t.fields.hex("next_chain");
      const Bytes& want_seed = t.fields.hex("seed");
      expect_match(t, bytes(next) == want_next && bytes(seed) == want_seed,
                   "next_chain: " + got_want(next, want_next) + "\nseed: " + got_want(seed, want_seed));
    }
  }
}

// run_sender_key_step checks KAT-3's vectors (made by libsignal-protocol-c) with the
// reference's Sender Keys chain (reference/group): next chain HMAC(chain, 0x02), seed
// HMAC(chain, 0x01), HKDF(seed, 32 zero bytes, "WhisperGroup", 48) = iv || cipher_key.
void run_sender_key_step(const VectorFile& f) {
  for (const TestGroup& g : f.groups) {
    ASSERT_EQ(g.params.integer("version"), 3) << g.where;
    for (const Vector& t : g.tests) {
      const group::SenderChainKey ck{0, key32(t, "chain")};
      const group::SenderMessageKey mk = ck.message_key();
      Bytes got = concat({ck.next().key, mk.seed, mk.iv, mk.cipher_key});
      Bytes want =
          concat({t.fields.hex("next_chain"), t.fields.hex("seed"), t.fields.hex("iv"), t.fields.hex("cipher_key")});
      expect_match(t, got == want, "next_chain || seed || iv || cipher_key:\n" + got_want(got, want));
    }
  }
}

void run_message_keys(const VectorFile& f) {
  for (const TestGroup& g : f.groups) {
    auto version = g.params.integer("version");
    ASSERT_TRUE(version == 2 || version == 3) << g.where;
    for (const Vector& t : g.tests) {
      Key32 seed = key32(t, "seed");
      Bytes got;
      if (version == 3) {
        signal::MessageKeys mk = signal::MessageKeys::from_seed(seed, 0);
        got = concat({mk.cipher_key, mk.mac_key, mk.iv});
      } else {
        got = hkdf_v2(seed, {}, view(std::string(signal::kMessageKeysInfo)), signal::kMessageKeysLength);
      }
      Bytes want = concat({t.fields.hex("cipher_key"), t.fields.hex("mac_key"), t.fields.hex("iv")});
      expect_match(t, got == want, "cipher_key || mac_key || iv:\n" + got_want(got, want));
    }
  }
}

void run_kdf_rk(const VectorFile& f) {
  for (const TestGroup& g : f.groups) {
    auto version = g.params.integer("version");
    ASSERT_TRUE(version == 2 || version == 3) << g.where;
    for (const Vector& t : g.tests) {
      Key32 root = key32(t, "root");
      Key32 dh = key32(t, "dh");
      Bytes got;
      if (version == 3) {
        signal::RootStep step = signal::RootKey{root}.kdf(dh);
        got = concat({step.root.key, step.chain.key});
      } else {
        got = hkdf_v2(dh, root, view(std::string(signal::kRatchetInfo)), 64);
      }
      Bytes want = concat({t.fields.hex("next_root"), t.fields.hex("chain")});
      expect_match(t, got == want, "next_root || chain:\n" + got_want(got, want));
    }
  }
}

void run_x3dh(const VectorFile& f) {
  for (const TestGroup& g : f.groups) {
    ASSERT_EQ(g.params.integer("version"), 3) << g.where;
    for (const Vector& t : g.tests) {
      const std::string& role = t.fields.string("role");
      Key32 dh1;
      Key32 dh2;
      Key32 dh3;
      if (role == "alice") {
        Key32 ik = key32(t, "alice_identity_private");
        Key32 ek = key32(t, "alice_base_private");
        Key32 bob_ik = key32(t, "bob_identity_public");
        Key32 bob_spk = key32(t, "bob_signed_prekey_public");
        dh1 = x25519(ik, bob_spk);
        dh2 = x25519(ek, bob_ik);
        dh3 = x25519(ek, bob_spk);
      } else if (role == "bob") {
        Key32 ik = key32(t, "bob_identity_private");
        Key32 spk = key32(t, "bob_signed_prekey_private");
        Key32 alice_ik = key32(t, "alice_identity_public");
        Key32 alice_ek = key32(t, "alice_base_public");
        dh1 = x25519(spk, alice_ik);
        dh2 = x25519(ik, alice_ek);
        dh3 = x25519(spk, alice_ek);
      } else {
        ADD_FAILURE() << t.where << ": unknown role \"" << role << "\"";
        continue;
      }
      Bytes master(32, signal::kDiscontinuityByte);
      master = concat({master, dh1, dh2, dh3});
      auto okm = hkdf_sha256(master, {}, view(std::string(signal::kSessionInfo)), 64);
      ASSERT_TRUE(okm.ok()) << t.where;
      Bytes want = concat({t.fields.hex("root"), t.fields.hex("chain")});
      expect_match(t, *okm == want, "root || chain:\n" + got_want(*okm, want));
    }
  }
}

// ---- the registry: every vector file and the runner of its kind ----------------------

struct VectorCase {
  const char* path;
  const char* kind;
  void (*run)(const VectorFile&);
};

const VectorCase kCases[] = {
    {"vectors/primitives/x25519.json", "x25519", run_x25519},
    {"vectors/primitives/x25519_public.json", "x25519_public", run_x25519_public},
    {"vectors/primitives/xeddsa.json", "xeddsa_verify", run_xeddsa_verify},
    {"vectors/primitives/hkdf_sha256.json", "hkdf_sha256", run_hkdf_sha256},
    {"vectors/primitives/hmac_sha256.json", "hmac_sha256", run_hmac_sha256},
    {"vectors/primitives/sha256.json", "sha256", run_hash<Digest256, sha256>},
    {"vectors/primitives/sha512.json", "sha512", run_hash<Digest512, sha512>},
    {"vectors/primitives/aes256_cbc.json", "aes256_cbc", run_aes256_cbc},
    {"vectors/primitives/aes256_gcm.json", "aes256_gcm", run_aes256_gcm},
    {"vectors/signal/kdf_ck.json", "kdf_ck", run_kdf_ck},
    {"vectors/signal/message_keys.json", "message_keys", run_message_keys},
    {"vectors/signal/kdf_rk.json", "kdf_rk", run_kdf_rk},
    {"vectors/signal/session.json", "x3dh", run_x3dh},
    {"vectors/signal/sender_keys.json", "sender_key_step", run_sender_key_step},
    {"vectors/media/media.json", "media", media_test::run_media_vectors},
};

// domain_rule is the rule each primitive file's `domain` field follows (vectors/README.md,
// docs/ptp.md): where Signal v3 makes the call. Empty: the kind has no such field.
std::string domain_rule(std::string_view kind, const Vector& t) {
  if (kind == "x25519" || kind == "x25519_public" || kind == "xeddsa_verify" || kind == "aes256_cbc")
    return "signal-v3";
  if (kind == "hkdf_sha256") {
    return t.fields.hex("salt").size() == 32 && t.fields.integer("length") <= 80 ? "signal-v3" : "other";
  }
  if (kind == "hmac_sha256") return t.fields.hex("key").size() == 32 ? "signal-v3" : "other";
  if (kind == "sha256") return "signal-v3-media";
  if (kind == "sha512" || kind == "aes256_gcm") return "other";
  return "";
}

// PrintTo names a case by its file in test names and messages.
void PrintTo(const VectorCase& c, std::ostream* os) { *os << c.path; }

class KnownAnswer : public ::testing::TestWithParam<VectorCase> {};

TEST_P(KnownAnswer, MatchesReference) {
  const VectorCase& c = GetParam();
  auto file = vectors::load_vectors(c.path);
  ASSERT_TRUE(file.ok()) << file.error().detail;
  ASSERT_EQ(file->kind, c.kind) << c.path << ": schema";
  ASSERT_GT(file->test_count(), 0u);
  c.run(*file);
  // Each primitive test's `domain` follows the one rule of its kind.
  for (const TestGroup& g : file->groups) {
    for (const Vector& t : g.tests) {
      const std::string want = domain_rule(c.kind, t);
      if (!want.empty()) {
        EXPECT_EQ(t.fields.string("domain"), want) << t.where << ": " << t.comment;
      }
    }
  }
  // Every field of every vector must have been read by the runner.
  std::string unused;
  for (const std::string& line : file->unconsumed()) unused += line + "\n";
  EXPECT_TRUE(unused.empty()) << unused;
}

std::string case_name(const ::testing::TestParamInfo<VectorCase>& info) {
  std::string name = info.param.path;
  name = name.substr(name.find('/') + 1);
  name = name.substr(0, name.rfind('.'));
  std::replace_if(name.begin(), name.end(), [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Vectors, KnownAnswer, ::testing::ValuesIn(kCases), case_name);

// No vector file may sit in vectors/ without a test that runs it, and no registered file
// may be missing.
TEST(VectorFiles, NoOrphans) {
  std::vector<std::string> registered;
  for (const VectorCase& c : kCases) registered.emplace_back(c.path);
  std::sort(registered.begin(), registered.end());
  std::vector<std::string> on_disk = vectors::list_vector_files();
  ASSERT_FALSE(on_disk.empty()) << "no vector files under " << vectors::source_dir().string();
  for (const std::string& path : on_disk) {
    EXPECT_TRUE(std::binary_search(registered.begin(), registered.end(), path))
        << path << " is not run by any KAT test (add it to kCases in tests/kat/kat_test.cc)";
  }
  for (const std::string& path : registered) {
    EXPECT_TRUE(std::binary_search(on_disk.begin(), on_disk.end(), path)) << path << " is registered but missing";
  }
}

// Every vector kind the loader knows is exercised by some file.
TEST(VectorFiles, EveryKindHasVectors) {
  for (const vectors::Schema& s : vectors::schemas()) {
    bool used = std::any_of(std::begin(kCases), std::end(kCases), [&](const VectorCase& c) { return c.kind == s.kind; });
    EXPECT_TRUE(used) << "no vector file of kind " << s.kind;
  }
}

// Signing with the reference and verifying round-trips for every published key pair; one
// flipped bit anywhere in the signature is refused.
TEST(XeddsaSign, RoundTripsWithPublishedKeys) {
  auto file = vectors::load_vectors("vectors/primitives/x25519_public.json");
  ASSERT_TRUE(file.ok()) << file.error().detail;
  std::array<uint8_t, 64> random{};
  for (size_t i = 0; i < random.size(); ++i) random[i] = static_cast<uint8_t>(i * 7 + 1);
  size_t pairs = 0;
  for (const TestGroup& g : file->groups) {
    for (const vectors::Vector& t : g.tests) {
      if (t.result == Expect::invalid) continue;  // not a key pair under RFC 7748
      Key32 priv = key32(t, "private");
      Key32 pub = key32(t, "public");
      const Bytes message = concat({Bytes{signal::kKeyType}, pub});  // as a signed prekey is signed
      Signature64 sig = xeddsa_sign(priv, message, random);
      EXPECT_TRUE(xeddsa_verify(pub, message, sig)) << t.where;
      // Bit 511 carries the sign of the Edwards key, as libsignal signs: flipping it fails.
      Signature64 other_sign = sig;
      other_sign[63] ^= 0x80;
      EXPECT_FALSE(xeddsa_verify(pub, message, other_sign)) << t.where << ": bit 511 was ignored";
      for (size_t i = 0; i < sig.size(); ++i) {
        Signature64 bad = sig;
        bad[i] ^= 0x01;
        EXPECT_FALSE(xeddsa_verify(pub, message, bad)) << t.where << ": flipped byte " << i;
      }
      Bytes other = message;
      other.back() ^= 0x01;
      EXPECT_FALSE(xeddsa_verify(pub, other, sig)) << t.where;
      ++pairs;
    }
  }
  EXPECT_GE(pairs, 5u);
}

}  // namespace
}  // namespace parity
