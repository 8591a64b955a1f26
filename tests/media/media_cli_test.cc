// media_cli_test: `parity media encrypt|decrypt` through its CLI11 builder, as cli.cc
// mounts it: a 64 MiB file round-trips file to file, the printed hashes are the file's,
// and a tampered file is refused without an output file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/media_cmd.h"
#include "reference/crypto/hash.h"

namespace parity::harness {
namespace {

namespace fs = std::filesystem;

struct Ran {
  int status;
  std::string out;
  std::string err;
};

// media runs `parity media ARGS...` the way cli_main parses it.
Ran media(std::vector<std::string> args) {
  CLI::App app{"parity", "parity"};
  app.require_subcommand(1);
  MediaCommand cmd;
  add_media_command(app, cmd);
  args.insert(args.begin(), {"parity", "media"});
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    return {2, "", e.what()};
  }
  int status = run_media_command(cmd, out, err);
  return {status, out.str(), err.str()};
}

std::string field(const std::string& out, const std::string& name) {
  auto at = out.find(name + ": ");
  if (at == std::string::npos) return {};
  auto end = out.find('\n', at);
  return out.substr(at + name.size() + 2, end - at - name.size() - 2);
}

Bytes read_file(const fs::path& p) {
  std::ifstream i(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(i), std::istreambuf_iterator<char>());
}

TEST(MediaCli, RoundTrips64MiBFileToFile) {
  fs::path dir = fs::temp_directory_path() / ("parity-media-cli-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  Bytes pt(size_t{64} << 20);
  for (size_t i = 0; i < pt.size(); ++i) pt[i] = static_cast<uint8_t>((i * 131) ^ (i >> 11));
  {
    std::ofstream o(dir / "video.mp4", std::ios::binary);
    o.write(reinterpret_cast<const char*>(pt.data()), static_cast<std::streamsize>(pt.size()));
  }
  const std::string in = (dir / "video.mp4").string(), enc = (dir / "video.enc").string(), back = (dir / "back.mp4").string();

  Ran e = media({"encrypt", "--type", "video", in, enc});
  ASSERT_EQ(e.status, 0) << e.err;
  const std::string key = field(e.out, "media_key");
  const std::string enc_sha = field(e.out, "file_enc_sha256");
  ASSERT_EQ(key.size(), 64u) << e.out;
  EXPECT_EQ(field(e.out, "file_sha256"), to_hex(sha256(pt)));
  EXPECT_EQ(enc_sha, to_hex(sha256(read_file(enc))));
  EXPECT_EQ(fs::file_size(enc), pt.size() + 16 + 10);

  Ran d = media({"decrypt", "--type", "video", "--key", key, "--enc-sha256", enc_sha, enc, back});
  ASSERT_EQ(d.status, 0) << d.err;
  EXPECT_TRUE(read_file(back) == pt);

  // Another type's keys: refused, and no output file.
  Ran wrong = media({"decrypt", "--type", "audio", "--key", key, "--enc-sha256", enc_sha, enc, (dir / "x").string()});
  EXPECT_EQ(wrong.status, 1);
  EXPECT_NE(wrong.err.find("bad_mac"), std::string::npos) << wrong.err;
  EXPECT_FALSE(fs::exists(dir / "x"));

  // A given key is used as is, and decrypt without --enc-sha256 is a usage error.
  Ran fixed = media({"encrypt", "--type", "image", "--key", std::string(64, '7'), in, (dir / "y").string()});
  ASSERT_EQ(fixed.status, 0) << fixed.err;
  EXPECT_EQ(field(fixed.out, "media_key"), std::string(64, '7'));
  EXPECT_EQ(media({"decrypt", "--type", "image", "--key", key, enc, back}).status, 2);
  EXPECT_EQ(media({"encrypt", "--type", "sticker", in, enc}).status, 2);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace parity::harness
