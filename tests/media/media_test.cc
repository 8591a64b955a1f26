// media_test: the reference's attachment encryption (reference/media): the vectors
// (loaded strictly, every field read), streaming against whole-buffer, 64 MiB in memory
// and through files, every tamper refused before any plaintext is released, and an
// independent cross-check of every valid vector with the `openssl` command line.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "reference/crypto/hash.h"
#include "reference/media/media.h"
#include "reference/media/media_file.h"
#include "reference/media/media_stream.h"
#include "tests/media/media_vector_runner.h"
#include "vectors/loader.h"

namespace parity {
namespace {

using media::MediaDecryptor;
using media::MediaEncryptor;
using media::MediaErrc;
using media::MediaType;
using media::SecondPass;

constexpr const char* kVectorFile = "vectors/media/media.json";

Bytes pattern_bytes(size_t n, uint32_t seed = 1) {
  Bytes b(n);
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b[i] = static_cast<uint8_t>(x);
  }
  return b;
}

Key32 test_key(uint8_t v) {
  Key32 k{};
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(v + i);
  return k;
}

// stream_encrypt encrypts with MediaEncryptor in chunks of `chunk` bytes.
media::EncryptedMedia stream_encrypt(MediaType type, ByteView pt, const Key32& key, size_t chunk) {
  auto enc = MediaEncryptor::create(type, key);
  EXPECT_TRUE(enc.ok());
  media::EncryptedMedia out;
  out.media_key = key;
  for (size_t at = 0; at < pt.size(); at += chunk) {
    EXPECT_TRUE(enc->update(pt.subspan(at, std::min(chunk, pt.size() - at)), &out.encrypted).ok());
  }
  auto tail = enc->finish();
  EXPECT_TRUE(tail.ok());
  out.encrypted.insert(out.encrypted.end(), tail->tail.begin(), tail->tail.end());
  out.file_sha256 = tail->file_sha256;
  out.file_enc_sha256 = tail->file_enc_sha256;
  EXPECT_EQ(tail->encrypted_size, out.encrypted.size());
  return out;
}

// stream_decrypt runs both passes in chunks of `chunk` bytes; `released` gets every
// plaintext byte the decryptor gave out, even on failure.
media::MediaStatus stream_decrypt(MediaType type, ByteView key, ByteView file, ByteView hash, size_t chunk,
                                  SecondPass mode, Bytes* released) {
  auto dec = MediaDecryptor::create(type, key, hash, mode);
  if (!dec.ok()) return dec.error();
  for (size_t at = 0; at < file.size(); at += chunk) dec->verify_update(file.subspan(at, std::min(chunk, file.size() - at)));
  if (auto st = dec->verify_finish(); !st.ok()) {
    // A refused file gives nothing, whatever the caller tries next.
    EXPECT_EQ(dec->decrypt_update(file, released).code(), MediaErrc::invalid_argument);
    EXPECT_FALSE(dec->decrypt_finish(released).ok());
    return st;
  }
  for (size_t at = 0; at < file.size(); at += chunk) {
    if (auto st = dec->decrypt_update(file.subspan(at, std::min(chunk, file.size() - at)), released); !st.ok()) return st;
  }
  return dec->decrypt_finish(released);
}

// ---- format and vectors ---------------------------------------------------------------

TEST(MediaKeys, LabelsAndSplit) {
  EXPECT_EQ(media::hkdf_info(MediaType::image), "WhatsApp Image Keys");
  EXPECT_EQ(media::hkdf_info(MediaType::video), "WhatsApp Video Keys");
  EXPECT_EQ(media::hkdf_info(MediaType::audio), "WhatsApp Audio Keys");
  EXPECT_EQ(media::hkdf_info(MediaType::document), "WhatsApp Document Keys");
  Key32 key = test_key(1);
  auto k = media::expand_media_key(MediaType::video, key);
  ASSERT_TRUE(k.ok());
  std::string info = "WhatsApp Video Keys";
  auto okm = hkdf_sha256(key, {}, view(info), 112);
  ASSERT_TRUE(okm.ok());
  Bytes split = concat({ByteView(k->iv), ByteView(k->cipher_key), ByteView(k->mac_key), ByteView(k->ref_key)});
  EXPECT_EQ(to_hex(split), to_hex(*okm));
  EXPECT_EQ(media::expand_media_key(MediaType::video, ByteView(key).first(31)).code(), MediaErrc::invalid_argument);
  for (MediaType t : media::kMediaTypes) EXPECT_EQ(media::parse_media_type(media::to_string(t)), t);
  EXPECT_FALSE(media::parse_media_type("sticker").has_value());
}

TEST(MediaVectors, LoadStrictlyAndMatchTheReference) {
  auto file = vectors::load_vectors(kVectorFile);
  ASSERT_TRUE(file.ok()) << file.error().detail;
  EXPECT_EQ(file->kind, "media");
  EXPECT_GE(file->test_count(), 16u + 20u);
  media_test::run_media_vectors(*file);
  std::string unused;
  for (const std::string& line : file->unconsumed()) unused += line + "\n";
  EXPECT_TRUE(unused.empty()) << unused;
}

TEST(MediaVectors, EveryTypeHasEverySize) {
  auto file = vectors::load_vectors(kVectorFile);
  ASSERT_TRUE(file.ok()) << file.error().detail;
  std::set<std::pair<std::string, size_t>> seen;
  for (const auto& g : file->groups) {
    for (const auto& t : g.tests) {
      if (t.result != vectors::Expect::valid) continue;
      seen.emplace(t.fields.string("media_type"), media_test::vector_plaintext(t).size());
    }
  }
  for (MediaType type : media::kMediaTypes) {
    for (size_t n : {size_t{0}, size_t{16}, size_t{100}, size_t{1} << 20}) {
      EXPECT_TRUE(seen.count({std::string(media::to_string(type)), n})) << media::to_string(type) << " " << n;
    }
  }
}

TEST(MediaVectors, LoaderRefusesUnknownAndMistypedFields) {
  const std::string head =
      R"({"algorithm":"a","source":"s","schema":"media","testGroups":[{"tests":[{"tcId":1,"comment":"c","flags":[],"result":"valid",)";
  const std::string ok_fields = R"("media_type":"image","media_key":"00","file_enc_sha256":"00")";
  EXPECT_TRUE(vectors::parse_vector_file(head + ok_fields + "}]}]}", "t.json").ok());
  auto unknown = vectors::parse_vector_file(head + ok_fields + R"(,"mediakey":"00"}]}]})", "t.json");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().detail.find("mediakey"), std::string::npos) << unknown.error().detail;
  auto missing = vectors::parse_vector_file(head + R"("media_type":"image","media_key":"00"}]}]})", "t.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().detail.find("file_enc_sha256"), std::string::npos) << missing.error().detail;
  auto mistyped = vectors::parse_vector_file(head + ok_fields + R"(,"repeat":"4"}]}]})", "t.json");
  EXPECT_FALSE(mistyped.ok());
  auto upper = vectors::parse_vector_file(head + R"("media_type":"image","media_key":"AB","file_enc_sha256":"00"}]}]})",
                                          "t.json");
  EXPECT_FALSE(upper.ok());
}

// ---- streaming == whole buffer ----------------------------------------------------------

TEST(MediaStream, StreamingEqualsWholeBuffer) {
  const size_t sizes[] = {0, 1, 15, 16, 17, 31, 32, 33, 100, 1000, 65536, 65537, (size_t{1} << 20) + 5,
                          3 * (size_t{1} << 20) + 17};
  const size_t chunks[] = {1, 7, 16, 1000, 65536 + 3, size_t{1} << 20};
  uint32_t seed = 1;
  for (MediaType type : media::kMediaTypes) {
    for (size_t n : sizes) {
      Bytes pt = pattern_bytes(n, seed++);
      Key32 key = test_key(static_cast<uint8_t>(seed));
      auto whole = media::encrypt_media(type, pt, key);
      ASSERT_TRUE(whole.ok());
      EXPECT_EQ(whole->encrypted.size(), (n / 16 + 1) * 16 + 10);
      EXPECT_EQ(to_hex(whole->file_sha256), to_hex(sha256(pt)));
      EXPECT_EQ(to_hex(whole->file_enc_sha256), to_hex(sha256(whole->encrypted)));
      for (size_t chunk : chunks) {
        if (n > 100000 && chunk < 1000) continue;  // byte-sized chunks of megabytes prove nothing more
        auto streamed = stream_encrypt(type, pt, key, chunk);
        ASSERT_TRUE(streamed.encrypted == whole->encrypted) << media::to_string(type) << " n=" << n << " chunk=" << chunk;
        EXPECT_EQ(streamed.file_sha256, whole->file_sha256);
        EXPECT_EQ(streamed.file_enc_sha256, whole->file_enc_sha256);
        for (SecondPass mode : {SecondPass::same_bytes, SecondPass::recheck}) {
          Bytes out;
          auto st = stream_decrypt(type, key, whole->encrypted, whole->file_enc_sha256, chunk, mode, &out);
          ASSERT_TRUE(st.ok()) << st.error().detail << " n=" << n << " chunk=" << chunk;
          ASSERT_TRUE(out == pt) << "n=" << n << " chunk=" << chunk;
        }
      }
      auto dec = media::decrypt_media(type, key, whole->encrypted, whole->file_enc_sha256);
      ASSERT_TRUE(dec.ok());
      EXPECT_TRUE(*dec == pt);
    }
  }
}

TEST(MediaStream, FreshKeysFromTheRng) {
  Bytes pt = pattern_bytes(100);
  std::set<Key32> keys;
  std::set<Bytes> files;
  for (int i = 0; i < 200; ++i) {
    auto e = media::encrypt_media(MediaType::image, pt, os_rng());
    ASSERT_TRUE(e.ok());
    keys.insert(e->media_key);
    files.insert(e->encrypted);
  }
  EXPECT_EQ(keys.size(), 200u);
  EXPECT_EQ(files.size(), 200u);
}

TEST(MediaStream, MisuseIsRefused) {
  auto enc = MediaEncryptor::create(MediaType::audio, test_key(3));
  ASSERT_TRUE(enc.ok());
  ASSERT_TRUE(enc->finish().ok());
  Bytes out;
  EXPECT_EQ(enc->update(Bytes(5), &out).code(), MediaErrc::invalid_argument);
  EXPECT_FALSE(enc->finish().ok());

  auto e = media::encrypt_media(MediaType::audio, pattern_bytes(50), test_key(3));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(MediaDecryptor::create(MediaType::audio, test_key(3), Bytes(31), SecondPass::same_bytes).code(),
            MediaErrc::invalid_argument);
  EXPECT_EQ(MediaDecryptor::create(MediaType::audio, Bytes(16), e->file_enc_sha256, SecondPass::same_bytes).code(),
            MediaErrc::invalid_argument);
  // Plaintext before verification: refused, nothing written.
  auto dec = MediaDecryptor::create(MediaType::audio, test_key(3), e->file_enc_sha256, SecondPass::same_bytes);
  ASSERT_TRUE(dec.ok());
  dec->verify_update(e->encrypted);
  EXPECT_EQ(dec->decrypt_update(e->encrypted, &out).code(), MediaErrc::invalid_argument);
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(dec->verified());
}

// ---- tampering ------------------------------------------------------------------------

// expect_refused decrypts a damaged file streaming and whole-buffer: refused with `want`,
// and not one plaintext byte released.
void expect_refused(MediaType type, const Key32& key, const Bytes& file, const Digest256& hash, MediaErrc want,
                    const std::string& what) {
  for (SecondPass mode : {SecondPass::same_bytes, SecondPass::recheck}) {
    Bytes released;
    auto st = stream_decrypt(type, key, file, hash, 16, mode, &released);
    ASSERT_FALSE(st.ok()) << what;
    EXPECT_EQ(st.code(), want) << what << ": " << st.error().detail;
    EXPECT_TRUE(released.empty()) << what << ": " << released.size() << " plaintext bytes released";
  }
  auto whole = media::decrypt_media(type, key, file, hash);
  ASSERT_FALSE(whole.ok()) << what;
  EXPECT_EQ(whole.code(), want) << what;
}

TEST(MediaTamper, EveryBitOfASmallFile) {
  for (size_t n : {size_t{0}, size_t{20}, size_t{100}}) {
    Key32 key = test_key(9);
    auto e = media::encrypt_media(MediaType::document, pattern_bytes(n), key);
    ASSERT_TRUE(e.ok());
    for (size_t bit = 0; bit < e->encrypted.size() * 8; ++bit) {
      Bytes t = e->encrypted;
      t[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      std::string what = "n=" + std::to_string(n) + " bit " + std::to_string(bit);
      expect_refused(MediaType::document, key, t, e->file_enc_sha256, MediaErrc::bad_hash, what + " (original hash)");
      expect_refused(MediaType::document, key, t, sha256(t), MediaErrc::bad_mac, what + " (recomputed hash)");
    }
  }
}

TEST(MediaTamper, TruncationAndExtensionAtEveryLength) {
  Key32 key = test_key(11);
  auto e = media::encrypt_media(MediaType::video, pattern_bytes(100), key);
  ASSERT_TRUE(e.ok());
  const Bytes& f = e->encrypted;
  for (size_t len = 0; len < f.size(); ++len) {
    Bytes t(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(len));
    MediaErrc want = (len < 26 || (len - 10) % 16 != 0) ? MediaErrc::truncated : MediaErrc::bad_mac;
    expect_refused(MediaType::video, key, t, sha256(t), want, "truncated to " + std::to_string(len));
  }
  for (size_t extra = 1; extra <= 48; ++extra) {
    Bytes t = f;
    t.insert(t.end(), extra, static_cast<uint8_t>(extra));
    MediaErrc want = extra % 16 != 0 ? MediaErrc::truncated : MediaErrc::bad_mac;
    expect_refused(MediaType::video, key, t, sha256(t), want, "extended by " + std::to_string(extra));
  }
}

TEST(MediaTamper, WrongTypeKeysAndWrongHash) {
  Key32 key = test_key(12);
  for (MediaType type : media::kMediaTypes) {
    auto e = media::encrypt_media(type, pattern_bytes(1000), key);
    ASSERT_TRUE(e.ok());
    for (MediaType other : media::kMediaTypes) {
      if (other == type) continue;
      expect_refused(other, key, e->encrypted, e->file_enc_sha256, MediaErrc::bad_mac,
                     std::string(media::to_string(type)) + " as " + std::string(media::to_string(other)));
    }
    Digest256 wrong = e->file_enc_sha256;
    wrong[0] ^= 0x80;
    expect_refused(type, key, e->encrypted, wrong, MediaErrc::bad_hash, "wrong file_enc_sha256");
    Key32 other_key = key;
    other_key[31] ^= 1;
    expect_refused(type, other_key, e->encrypted, e->file_enc_sha256, MediaErrc::bad_mac, "another media key");
  }
}

// The second pass of SecondPass::recheck holds back each 1 MiB segment until it matches
// pass 1: a file rewritten between the passes releases only the segments before the change.
TEST(MediaTamper, RecheckCatchesBytesChangedBetweenPasses) {
  Key32 key = test_key(13);
  Bytes pt = pattern_bytes(3 * media::kSegmentBytes + 100);
  auto e = media::encrypt_media(MediaType::video, pt, key);
  ASSERT_TRUE(e.ok());
  Bytes changed = e->encrypted;
  changed[media::kSegmentBytes + 5] ^= 1;  // in segment 1
  auto dec = MediaDecryptor::create(MediaType::video, key, e->file_enc_sha256, SecondPass::recheck);
  ASSERT_TRUE(dec.ok());
  dec->verify_update(e->encrypted);
  ASSERT_TRUE(dec->verify_finish().ok());
  Bytes out;
  auto st = dec->decrypt_update(changed, &out);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), MediaErrc::inconsistent_input);
  EXPECT_LE(out.size(), media::kSegmentBytes);  // segment 0 at most, verified genuine
  EXPECT_TRUE(std::equal(out.begin(), out.end(), pt.begin()));
  EXPECT_FALSE(dec->decrypt_finish(&out).ok());

  // same_bytes still refuses a second pass of another length.
  auto d2 = MediaDecryptor::create(MediaType::video, key, e->file_enc_sha256, SecondPass::same_bytes);
  ASSERT_TRUE(d2.ok());
  d2->verify_update(e->encrypted);
  ASSERT_TRUE(d2->verify_finish().ok());
  Bytes longer = e->encrypted;
  longer.push_back(0);
  Bytes out2;
  EXPECT_EQ(d2->decrypt_update(longer, &out2).code(), MediaErrc::inconsistent_input);
}

// ---- 64 MiB ---------------------------------------------------------------------------

constexpr size_t k64MiB = size_t{64} << 20;

TEST(MediaLarge, RoundTrip64MiBInMemory) {
  Bytes pt = pattern_bytes(k64MiB, 64);
  Key32 key = test_key(64);
  auto e = media::encrypt_media(MediaType::video, pt, key);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->encrypted.size(), k64MiB + 16 + 10);
  EXPECT_EQ(to_hex(e->file_sha256), to_hex(sha256(pt)));
  auto d = media::decrypt_media(MediaType::video, key, e->encrypted, e->file_enc_sha256);
  ASSERT_TRUE(d.ok()) << d.error().detail;
  EXPECT_TRUE(*d == pt);
}

// TempDir is a fresh folder removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("parity-media-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

void write_file(const std::filesystem::path& p, ByteView b) {
  std::ofstream o(p, std::ios::binary);
  o.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

Bytes read_file(const std::filesystem::path& p) {
  std::ifstream i(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(i), std::istreambuf_iterator<char>());
}

TEST(MediaLarge, RoundTrip64MiBThroughFiles) {
  TempDir dir;
  Bytes pt = pattern_bytes(k64MiB + 7, 65);
  write_file(dir.path / "in", pt);
  Key32 key = test_key(65);
  auto e = media::encrypt_media_file(MediaType::document, key, dir.path / "in", dir.path / "enc");
  ASSERT_TRUE(e.ok()) << e.error().detail;
  EXPECT_EQ(e->plaintext_size, pt.size());
  EXPECT_EQ(std::filesystem::file_size(dir.path / "enc"), e->encrypted_size);
  EXPECT_EQ(to_hex(e->file_sha256), to_hex(sha256(pt)));
  auto d = media::decrypt_media_file(MediaType::document, key, e->file_enc_sha256, dir.path / "enc", dir.path / "out");
  ASSERT_TRUE(d.ok()) << d.error().detail;
  EXPECT_EQ(*d, pt.size());
  EXPECT_TRUE(read_file(dir.path / "out") == pt);
  // The whole-buffer form agrees with the file form.
  auto whole = media::encrypt_media(MediaType::document, pt, key);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->file_enc_sha256, e->file_enc_sha256);

  // A tampered file leaves no output behind.
  Bytes enc = read_file(dir.path / "enc");
  enc[enc.size() / 2] ^= 4;
  write_file(dir.path / "bad", enc);
  auto bad = media::decrypt_media_file(MediaType::document, key, e->file_enc_sha256, dir.path / "bad", dir.path / "out2");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.code(), MediaErrc::bad_hash);
  EXPECT_FALSE(std::filesystem::exists(dir.path / "out2"));
  EXPECT_FALSE(std::filesystem::exists(dir.path / "out2.part"));
}

// ---- the openssl command line: an independent implementation -----------------------

// run captures a command's stdout; nullopt when it fails.
std::optional<std::string> run(const std::string& cmd) {
  std::unique_ptr<FILE, int (*)(FILE*)> p(::popen((cmd + " 2>/dev/null").c_str(), "r"), ::pclose);
  if (!p) return std::nullopt;
  std::string out;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p.get())) > 0) out.append(buf.data(), n);
  int status = ::pclose(p.release());
  if (status != 0) return std::nullopt;
  return out;
}

// hex_of keeps the hex digits of openssl's output ("AB:CD:..." or "abcd *file"), lowercased.
std::string hex_of(const std::string& s, size_t want_chars) {
  std::string out;
  for (char c : s) {
    if (out.size() == want_chars) break;
    if (std::isxdigit(static_cast<unsigned char>(c))) out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

TEST(MediaOpenssl, EveryValidVectorMatchesTheOpensslCommandLine) {
  if (!run("openssl version")) GTEST_SKIP() << "no openssl command line";
  auto file = vectors::load_vectors(kVectorFile);
  ASSERT_TRUE(file.ok()) << file.error().detail;
  TempDir dir;
  const std::string d = dir.path.string();
  size_t checked = 0;
  for (const auto& g : file->groups) {
    for (const auto& t : g.tests) {
      if (t.result != vectors::Expect::valid) continue;
      const std::string type = t.fields.string("media_type");
      std::string info = type;
      info[0] = static_cast<char>(std::toupper(info[0]));
      info = "WhatsApp " + info + " Keys";
      auto kdf = run("openssl kdf -keylen 112 -kdfopt digest:SHA256 -kdfopt hexkey:" + to_hex(t.fields.hex("media_key")) +
                     " -kdfopt 'info:" + info + "' HKDF");
      ASSERT_TRUE(kdf) << t.where;
      std::string okm = hex_of(*kdf, 224);
      ASSERT_EQ(okm.size(), 224u) << *kdf;
      const std::string iv = okm.substr(0, 32), cipher_key = okm.substr(32, 64), mac_key = okm.substr(96, 64);

      write_file(dir.path / "pt", media_test::vector_plaintext(t));
      ASSERT_TRUE(run("openssl enc -aes-256-cbc -K " + cipher_key + " -iv " + iv + " -in " + d + "/pt -out " + d + "/ct"));
      Bytes iv_ct = *from_hex(iv);
      Bytes ct = read_file(dir.path / "ct");
      iv_ct.insert(iv_ct.end(), ct.begin(), ct.end());
      write_file(dir.path / "ivct", iv_ct);
      auto mac = run("openssl dgst -sha256 -mac HMAC -macopt hexkey:" + mac_key + " -r " + d + "/ivct");
      ASSERT_TRUE(mac);
      Bytes encrypted = ct;
      Bytes mac10 = *from_hex(hex_of(*mac, 20));
      encrypted.insert(encrypted.end(), mac10.begin(), mac10.end());
      write_file(dir.path / "enc", encrypted);
      auto file_sha = run("openssl dgst -sha256 -r " + d + "/pt");
      auto enc_sha = run("openssl dgst -sha256 -r " + d + "/enc");
      ASSERT_TRUE(file_sha && enc_sha);

      if (t.fields.has("encrypted")) {
        EXPECT_EQ(to_hex(encrypted), to_hex(t.fields.hex("encrypted"))) << t.where;
      }
      EXPECT_EQ(hex_of(*file_sha, 64), to_hex(t.fields.hex("file_sha256"))) << t.where;
      EXPECT_EQ(hex_of(*enc_sha, 64), to_hex(t.fields.hex("file_enc_sha256"))) << t.where;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 16u);
}

}  // namespace
}  // namespace parity
