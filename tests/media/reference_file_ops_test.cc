// reference_file_ops_test: the reference target's `media_file` ops (media_encrypt_file,
// media_decrypt_file) called on its adapter: a round trip through files with the fields
// the suite checks, refusals that leave no `out` file, and bad paths answered with a
// clear bad_request instead of a crash or an overwritten file.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "reference/crypto/hash.h"
#include "reference/media/media.h"
#include "targets/reference/reference_adapter.h"

namespace parity {
namespace {

namespace fs = std::filesystem;
using ptp::ErrorCode;
using ptp::Failure;
using ptp::Json;
using ptp::ReferenceAdapter;
using ptp::Reply;

Bytes pattern(size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>((i * 167) ^ (i >> 9));
  return b;
}

void write_file(const fs::path& p, ByteView b) {
  std::ofstream o(p, std::ios::binary);
  o.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

Bytes read_file(const fs::path& p) {
  std::ifstream i(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(i), std::istreambuf_iterator<char>());
}

// failure is the refusal of a reply, or a placeholder when the op succeeded.
const Failure& failure(const Reply& r) {
  static const Failure kNone{ErrorCode::internal, "(the op succeeded)"};
  return std::holds_alternative<Failure>(r) ? std::get<Failure>(r) : kNone;
}

// ReferenceFileOps gives each test a private directory, removed afterwards, removed afterwards.
class ReferenceFileOps : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string name = (fs::temp_directory_path() / "parity-file-ops-XXXXXX").string();
    ASSERT_NE(::mkdtemp(name.data()), nullptr);
    dir_ = name;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  Reply call(const std::string& op, Json request) {
    request["op"] = op;
    return ptp::handle(adapter_, request);
  }

  // encrypt writes `plaintext` to NAME.plain and encrypts it to NAME.enc.
  Json encrypt(const std::string& name, ByteView plaintext, const std::string& type = "video") {
    write_file(dir_ / (name + ".plain"), plaintext);
    Reply r = call("media_encrypt_file", {{"media_type", type},
                                          {"path", (dir_ / (name + ".plain")).string()},
                                          {"out", (dir_ / (name + ".enc")).string()}});
    EXPECT_TRUE(std::holds_alternative<Json>(r)) << failure(r).detail;
    return std::holds_alternative<Json>(r) ? std::get<Json>(r) : Json::object();
  }

  fs::path dir_;
  ReferenceAdapter adapter_;
};

TEST_F(ReferenceFileOps, HelloDeclaresMediaFile) {
  const auto caps = adapter_.hello().capabilities;
  EXPECT_NE(std::find(caps.begin(), caps.end(), "media_file"), caps.end());
}

TEST_F(ReferenceFileOps, RoundTripsThroughFiles) {
  // Past one 1 MiB chunk of the file drivers and not a multiple of the AES block.
  const Bytes pt = pattern((size_t{3} << 20) + 5);
  Json e = encrypt("a", pt);
  const Bytes enc = read_file(dir_ / "a.enc");
  EXPECT_EQ(e["size"].get<uint64_t>(), enc.size());
  EXPECT_EQ(enc.size(), (pt.size() / 16 + 1) * 16 + 10);
  EXPECT_EQ(e["file_sha256"], to_hex(sha256(pt)));
  EXPECT_EQ(e["file_enc_sha256"], to_hex(sha256(enc)));
  ASSERT_EQ(e["media_key"].get<std::string>().size(), 64u);

  Reply d = call("media_decrypt_file", {{"media_type", "video"},
                                        {"media_key", e["media_key"]},
                                        {"path", (dir_ / "a.enc").string()},
                                        {"file_enc_sha256", e["file_enc_sha256"]},
                                        {"out", (dir_ / "a.back").string()}});
  ASSERT_TRUE(std::holds_alternative<Json>(d)) << failure(d).detail;
  EXPECT_EQ(std::get<Json>(d)["size"].get<uint64_t>(), pt.size());
  EXPECT_EQ(read_file(dir_ / "a.back"), pt);
  EXPECT_FALSE(fs::exists(dir_ / "a.back.part"));
}

TEST_F(ReferenceFileOps, GivenKeyGivesTheBytesOfMediaEncrypt) {
  const Bytes pt = pattern(1000);
  Key32 key{};
  key.fill(0x77);
  write_file(dir_ / "k.plain", pt);
  Reply r = call("media_encrypt_file", {{"media_type", "audio"},
                                        {"path", (dir_ / "k.plain").string()},
                                        {"out", (dir_ / "k.enc").string()},
                                        {"media_key", to_hex(key)}});
  ASSERT_TRUE(std::holds_alternative<Json>(r)) << failure(r).detail;
  EXPECT_EQ(std::get<Json>(r)["media_key"], to_hex(key));
  auto mem = media::encrypt_media(media::MediaType::audio, pt, key);
  ASSERT_TRUE(mem.ok());
  EXPECT_EQ(read_file(dir_ / "k.enc"), mem->encrypted);
  EXPECT_EQ(std::get<Json>(r)["file_enc_sha256"], to_hex(mem->file_enc_sha256));
}

TEST_F(ReferenceFileOps, EmptyFileRoundTrips) {
  Json e = encrypt("z", {}, "document");
  EXPECT_EQ(e["size"].get<uint64_t>(), 26u);  // one padding block and the MAC
  Reply d = call("media_decrypt_file", {{"media_type", "document"},
                                        {"media_key", e["media_key"]},
                                        {"path", (dir_ / "z.enc").string()},
                                        {"file_enc_sha256", e["file_enc_sha256"]},
                                        {"out", (dir_ / "z.back").string()}});
  ASSERT_TRUE(std::holds_alternative<Json>(d)) << failure(d).detail;
  EXPECT_EQ(std::get<Json>(d)["size"].get<uint64_t>(), 0u);
  EXPECT_TRUE(fs::exists(dir_ / "z.back"));
  EXPECT_EQ(fs::file_size(dir_ / "z.back"), 0u);
}

TEST_F(ReferenceFileOps, RefusalsLeaveNoOutFile) {
  const Bytes pt = pattern((size_t{2} << 20) + 3);
  Json e = encrypt("t", pt);
  Bytes enc = read_file(dir_ / "t.enc");
  const std::string hash = e["file_enc_sha256"];
  Bytes flipped = enc;
  flipped[enc.size() / 2] ^= 0x04;
  write_file(dir_ / "flipped.enc", flipped);
  Bytes short_file(enc.begin(), enc.end() - 16);
  write_file(dir_ / "short.enc", short_file);

  struct Case {
    std::string what, type, path, hash;
  };
  const Case cases[] = {
      {"a flipped bit, original hash", "video", "flipped.enc", hash},
      {"a flipped bit, recomputed hash", "video", "flipped.enc", to_hex(sha256(flipped))},
      {"truncated, recomputed hash", "video", "short.enc", to_hex(sha256(short_file))},
      {"wrong file_enc_sha256", "video", "t.enc", to_hex(sha256(Bytes{}))},
      {"the keys of another type", "image", "t.enc", hash},
  };
  int i = 0;
  for (const Case& c : cases) {
    const fs::path out = dir_ / ("out" + std::to_string(i++));
    Reply d = call("media_decrypt_file", {{"media_type", c.type},
                                          {"media_key", e["media_key"]},
                                          {"path", (dir_ / c.path).string()},
                                          {"file_enc_sha256", c.hash},
                                          {"out", out.string()}});
    ASSERT_TRUE(std::holds_alternative<Failure>(d)) << c.what << ": accepted";
    EXPECT_EQ(failure(d).code, ErrorCode::invalid_message) << c.what << ": " << failure(d).detail;
    EXPECT_FALSE(fs::exists(out)) << c.what << ": left an out file";
    EXPECT_FALSE(fs::exists(out.string() + ".part")) << c.what << ": left a partial file";
  }
}

TEST_F(ReferenceFileOps, BadPathsAreBadRequests) {
  write_file(dir_ / "p.plain", pattern(100));
  write_file(dir_ / "taken", Bytes{1, 2, 3});
  const std::string plain = (dir_ / "p.plain").string();
  struct Case {
    std::string what;
    Json request;
    std::string detail;  // a part of the detail that says what is wrong
  };
  const Case cases[] = {
      {"no such input", {{"path", (dir_ / "missing").string()}, {"out", (dir_ / "o1").string()}}, "no such file"},
      {"a directory as input", {{"path", dir_.string()}, {"out", (dir_ / "o2").string()}}, "not a regular file"},
      {"a relative input", {{"path", "p.plain"}, {"out", (dir_ / "o3").string()}}, "absolute path"},
      {"an empty out", {{"path", plain}, {"out", ""}}, "absolute path"},
      {"out exists", {{"path", plain}, {"out", (dir_ / "taken").string()}}, "exists"},
      {"out in a missing folder", {{"path", plain}, {"out", (dir_ / "nowhere" / "o4").string()}}, "not a directory"},
      {"NUL in a path",
       {{"path", plain + std::string(1, '\0') + "x"}, {"out", (dir_ / "o5").string()}},
       "absolute path"},
      {"no out", {{"path", plain}}, "out"},
      {"path not a string", {{"path", 7}, {"out", (dir_ / "o6").string()}}, "path"},
  };
  for (const Case& c : cases) {
    Json req = c.request;
    req["media_type"] = "image";
    Reply r = call("media_encrypt_file", req);
    ASSERT_TRUE(std::holds_alternative<Failure>(r)) << c.what << ": accepted";
    EXPECT_EQ(failure(r).code, ErrorCode::bad_request) << c.what << ": " << failure(r).detail;
    EXPECT_NE(failure(r).detail.find(c.detail), std::string::npos) << c.what << ": " << failure(r).detail;

    req["media_key"] = std::string(64, '0');
    req["file_enc_sha256"] = std::string(64, '0');
    Reply d = call("media_decrypt_file", req);
    ASSERT_TRUE(std::holds_alternative<Failure>(d)) << c.what << ": accepted by media_decrypt_file";
    EXPECT_EQ(failure(d).code, ErrorCode::bad_request) << c.what << ": " << failure(d).detail;
  }
  for (const char* o : {"o1", "o2", "o3", "o5", "o6"}) EXPECT_FALSE(fs::exists(dir_ / o)) << o;
  EXPECT_EQ(read_file(dir_ / "taken"), (Bytes{1, 2, 3})) << "an existing file was overwritten";
}

}  // namespace
}  // namespace parity
