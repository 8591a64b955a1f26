// make_media_vectors: writes vectors/media/media.json, the attachment known answers (MED-1,
// MED-2), deterministically: run it twice and the files are identical.
//
//   parity-make-media-vectors [OUT]     (default OUT: stdout)
//
// Inputs are fixed, not random:
//   media key of a valid case  = SHA-256("parity/media/key/<type>/<case>")
//   plaintexts                 = empty; 00..0f (one block); 100 bytes i*7+3 (unaligned);
//                                the 256 bytes 00..ff repeated 4096 times (1 MiB, stored
//                                as `pattern` + `repeat`, without `encrypted`)
// Outputs are computed with the reference (reference/media); tests/media cross-checks
// every valid vector with the `openssl` command line, an independent implementation.
// Invalid cases start from the 100-byte image file and change one region: a bit of the
// first, a middle or the last ciphertext block or of the MAC (each once with the original
// file_enc_sha256, refused as bad_hash, and once with the hash recomputed over the
// tampered file, refused as bad_mac: the MAC holds on its own); truncations and
// extensions; a wrong file_enc_sha256; the keys of another media type; and constructed
// files with a valid MAC over bad PKCS#7 padding.
#include <openssl/evp.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reference/crypto/hash.h"
#include "reference/media/media.h"

namespace {

using parity::Bytes;
using parity::ByteView;
using parity::Digest256;
using parity::Key32;
using parity::to_hex;
using parity::media::MediaType;
using Json = nlohmann::ordered_json;

Key32 key_for(MediaType type, const std::string& name) {
  std::string label = "parity/media/key/" + std::string(parity::media::to_string(type)) + "/" + name;
  return parity::sha256(parity::view(label));
}

Bytes one_block() {
  Bytes b(16);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(i);
  return b;
}

Bytes unaligned() {
  Bytes b(100);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(i * 7 + 3);
  return b;
}

Bytes pattern256() {
  Bytes b(256);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(i);
  return b;
}
constexpr int64_t kLargeRepeat = 4096;  // 256 * 4096 = 1 MiB

parity::media::EncryptedMedia must_encrypt(MediaType type, ByteView plaintext, const Key32& key) {
  auto e = parity::media::encrypt_media(type, plaintext, key);
  if (!e.ok()) {
    std::cerr << "make_media_vectors: " << e.error().detail << "\n";
    std::exit(1);
  }
  return std::move(e).value();
}

// Writer numbers the tests of the whole file.
struct Writer {
  int64_t next_id = 1;
  Json test(const std::string& comment, std::vector<std::string> flags, const char* result) {
    Json t;
    t["tcId"] = next_id++;
    t["comment"] = comment;
    t["flags"] = std::move(flags);
    t["result"] = result;
    return t;
  }
};

Json valid_group(Writer& w, MediaType type) {
  std::string name(parity::media::to_string(type));
  Json tests = Json::array();
  struct Case {
    const char* name;
    const char* comment;
    Bytes plaintext;
  };
  const Case cases[] = {{"empty", "empty file (one padding block)", {}},
                        {"block", "one block (16 bytes: a whole padding block follows)", one_block()},
                        {"unaligned", "100 bytes (unaligned)", unaligned()}};
  for (const Case& c : cases) {
    Key32 key = key_for(type, c.name);
    auto e = must_encrypt(type, c.plaintext, key);
    Json t = w.test(name + ": " + c.comment, {}, "valid");
    t["media_type"] = name;
    t["media_key"] = to_hex(key);
    t["plaintext"] = to_hex(c.plaintext);
    t["encrypted"] = to_hex(e.encrypted);
    t["file_sha256"] = to_hex(e.file_sha256);
    t["file_enc_sha256"] = to_hex(e.file_enc_sha256);
    tests.push_back(std::move(t));
  }
  // 1 MiB: the encrypted file is pinned by file_enc_sha256 instead of stored.
  Bytes pattern = pattern256();
  Bytes large;
  large.reserve(pattern.size() * kLargeRepeat);
  for (int64_t i = 0; i < kLargeRepeat; ++i) large.insert(large.end(), pattern.begin(), pattern.end());
  Key32 key = key_for(type, "large");
  auto e = must_encrypt(type, large, key);
  Json t = w.test(name + ": 1 MiB (00..ff repeated 4096 times; encrypted pinned by its hash)", {"Large"}, "valid");
  t["media_type"] = name;
  t["media_key"] = to_hex(key);
  t["pattern"] = to_hex(pattern);
  t["repeat"] = kLargeRepeat;
  t["file_sha256"] = to_hex(e.file_sha256);
  t["file_enc_sha256"] = to_hex(e.file_enc_sha256);
  tests.push_back(std::move(t));
  return Json{{"source", "computed by vectors/tools/make_media_vectors.cc; cross-checked with the openssl command line"},
              {"tests", std::move(tests)}};
}

// cbc_raw encrypts without padding (for the constructed bad-padding files).
Bytes cbc_raw(const parity::media::MediaKeys& k, ByteView data) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  Bytes out(data.size() + 16);
  int n = 0;
  int f = 0;
  if (ctx == nullptr || EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), nullptr, k.cipher_key.data(), k.iv.data()) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
      EVP_EncryptUpdate(ctx, out.data(), &n, data.data(), static_cast<int>(data.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx, out.data() + n, &f) != 1) {
    std::cerr << "make_media_vectors: raw CBC failed\n";
    std::exit(1);
  }
  EVP_CIPHER_CTX_free(ctx);
  out.resize(static_cast<size_t>(n + f));
  return out;
}

Json invalid_group(Writer& w) {
  const MediaType type = MediaType::image;
  const Key32 key = key_for(type, "tamper");
  const Bytes plaintext = unaligned();
  const auto e = must_encrypt(type, plaintext, key);
  const Bytes& file = e.encrypted;  // 112 bytes of ciphertext, then 10 of MAC
  const size_t ct = file.size() - parity::media::kMacBytes;
  Json tests = Json::array();

  auto add = [&](const std::string& comment, std::vector<std::string> flags, MediaType as, const Bytes& encrypted,
                 const Digest256& hash, const char* error) {
    Json t = w.test(comment, std::move(flags), "invalid");
    t["media_type"] = std::string(parity::media::to_string(as));
    t["media_key"] = to_hex(key);
    t["encrypted"] = to_hex(encrypted);
    t["file_enc_sha256"] = to_hex(hash);
    t["error"] = error;
    tests.push_back(std::move(t));
  };

  struct Flip {
    size_t offset;
    const char* where;
    const char* flag;
  };
  const Flip flips[] = {{0, "first ciphertext block (byte 0)", "ModifiedCiphertext"},
                        {ct / 2 - 1, "middle ciphertext block (byte 55)", "ModifiedCiphertext"},
                        {ct - 1, "last ciphertext block (byte 111, padding)", "ModifiedCiphertext"},
                        {ct, "first MAC byte", "ModifiedMac"},
                        {file.size() - 1, "last MAC byte", "ModifiedMac"}};
  for (const Flip& f : flips) {
    Bytes t = file;
    t[f.offset] ^= 0x01;
    add("bit flipped in the " + std::string(f.where) + ", original file_enc_sha256", {f.flag}, type, t,
        e.file_enc_sha256, "bad_hash");
    add("bit flipped in the " + std::string(f.where) + ", file_enc_sha256 recomputed (the MAC must catch it)",
        {f.flag, "RecomputedHash"}, type, t, parity::sha256(t), "bad_mac");
  }
  struct Cut {
    size_t size;
    const char* comment;
    const char* error;
  };
  const Cut cuts[] = {{0, "truncated to 0 bytes", "truncated"},
                      {25, "truncated to 25 bytes (shorter than one block and the MAC)", "truncated"},
                      {26, "truncated to 26 bytes (first block and 10 bytes as MAC)", "bad_mac"},
                      {file.size() - 1, "last byte cut off", "truncated"},
                      {ct, "MAC cut off", "truncated"},
                      {file.size() - 16, "one block cut off the end", "bad_mac"}};
  for (const Cut& c : cuts) {
    Bytes t(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(c.size));
    add(std::string(c.comment) + ", file_enc_sha256 recomputed", {"Truncated", "RecomputedHash"}, type, t,
        parity::sha256(t), c.error);
  }
  {
    Bytes t = file;
    t.push_back(0x00);
    add("one byte appended, file_enc_sha256 recomputed", {"Extended", "RecomputedHash"}, type, t, parity::sha256(t),
        "truncated");
    Bytes u = file;
    u.insert(u.end(), 16, 0x00);
    add("one block appended, file_enc_sha256 recomputed", {"Extended", "RecomputedHash"}, type, u, parity::sha256(u),
        "bad_mac");
    Bytes v = file;
    v.insert(v.begin() + static_cast<std::ptrdiff_t>(ct), 16, 0x00);
    add("one block inserted before the MAC, file_enc_sha256 recomputed", {"Extended", "RecomputedHash"}, type, v,
        parity::sha256(v), "bad_mac");
  }
  {
    Digest256 wrong = e.file_enc_sha256;
    wrong[31] ^= 0x01;
    add("genuine file, file_enc_sha256 with one bit flipped", {"WrongHash"}, type, file, wrong, "bad_hash");
    Digest256 zero{};
    add("genuine file, file_enc_sha256 all zero", {"WrongHash"}, type, file, zero, "bad_hash");
  }
  for (MediaType other : parity::media::kMediaTypes) {
    if (other == type) continue;
    add("genuine image file decrypted with the " + std::string(parity::media::to_string(other)) + " keys",
        {"WrongType"}, other, file, e.file_enc_sha256, "bad_mac");
  }
  {
    // A valid MAC over bad padding: what a broken sender would produce.
    auto k = parity::media::expand_media_key(type, key);
    if (!k.ok()) std::exit(1);
    for (uint8_t last : {uint8_t{0x00}, uint8_t{0x11}}) {
      Bytes padded = plaintext;
      padded.resize(112, 0x0c);
      padded.back() = last;
      Bytes c = cbc_raw(*k, padded);
      Bytes mac_input = parity::concat({ByteView(k->iv), ByteView(c)});
      Digest256 mac = parity::hmac_sha256(k->mac_key, mac_input);
      c.insert(c.end(), mac.begin(), mac.begin() + parity::media::kMacBytes);
      char what[80];
      std::snprintf(what, sizeof what, "valid MAC over bad PKCS#7 padding (last byte 0x%02x)", last);
      add(what, {"BadPadding", "Constructed"}, type, c, parity::sha256(c), "bad_padding");
    }
  }
  return Json{{"source", "constructed from the 100-byte image file by vectors/tools/make_media_vectors.cc"},
              {"tests", std::move(tests)}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2 || (argc == 2 && (std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help"))) {
    std::cerr << "usage: parity-make-media-vectors [OUT]   (writes vectors/media/media.json; default stdout)\n";
    return 2;
  }
  Writer w;
  Json doc;
  doc["algorithm"] = "WhatsApp media encryption (HKDF-SHA256, AES-256-CBC, HMAC-SHA256/80, SHA-256)";
  doc["source"] =
      "the attachment format of WhatsApp/Messenger clients (media key expanded by HKDF-SHA256 with the "
      "\"WhatsApp <Type> Keys\" labels); values computed by vectors/tools/make_media_vectors.cc and cross-checked "
      "with the openssl command line (tests/media)";
  doc["schema"] = "media";
  doc["notes"] =
      "valid: media_encrypt with media_key must give encrypted (when given) and both digests; media_decrypt must "
      "give the plaintext (plaintext, or pattern repeated `repeat` times). invalid: media_decrypt must be refused; "
      "`error` is the reference's typed error (length, then file_enc_sha256, then MAC, then padding).";
  Json groups = Json::array();
  for (MediaType t : parity::media::kMediaTypes) groups.push_back(valid_group(w, t));
  groups.push_back(invalid_group(w));
  doc["testGroups"] = std::move(groups);
  std::string text = doc.dump(1) + "\n";
  if (argc == 2) {
    std::ofstream out(argv[1], std::ios::binary);
    out << text;
    if (!out) {
      std::cerr << "parity-make-media-vectors: cannot write " << argv[1] << "\n";
      return 1;
    }
  } else {
    std::cout << text;
  }
  return 0;
}
