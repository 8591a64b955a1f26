#include "harness/runner/fingerprint.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "reference/crypto/hash.h"

#include "base/bytes.h"

namespace parity::harness {

namespace {

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// next_word takes the word at i of a command line, with simple '...' or "..." quoting,
// and moves i past it.
std::string next_word(std::string_view command, size_t& i) {
  while (i < command.size() && std::isspace(static_cast<unsigned char>(command[i]))) ++i;
  std::string word;
  char quote = 0;
  for (; i < command.size(); ++i) {
    const char c = command[i];
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        word += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      break;
    } else {
      word += c;
    }
  }
  return word;
}

std::string first_word(std::string_view command) {
  size_t i = 0;
  return next_word(command, i);
}

std::string absolute_or(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

}  // namespace

std::optional<std::string> command_executable(std::string_view command) {
  const std::string word = first_word(command);
  if (word.empty()) return std::nullopt;
  if (word.find('/') != std::string::npos) {
    if (!is_regular_file(word)) return std::nullopt;
    return absolute_or(word);
  }
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "";
  while (!dirs.empty()) {
    const size_t colon = dirs.find(':');
    const std::string_view dir = dirs.substr(0, colon);
    if (!dir.empty()) {
      const std::string candidate = std::string(dir) + "/" + word;
      if (is_regular_file(candidate) && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return std::nullopt;
}

std::vector<std::string> command_scripts(std::string_view command) {
  std::vector<std::string> out;
  size_t i = 0;
  next_word(command, i);  // the executable, which command_executable names
  while (i < command.size()) {
    const std::string word = next_word(command, i);
    if (word.empty() || word[0] == '-') continue;  // options name no script
    if (is_regular_file(word)) out.push_back(absolute_or(word));
  }
  return out;
}

HarnessResult<std::string> file_sha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return harness_error(HarnessErrc::io, path + ": cannot read");
  Sha256Stream hash;
  std::vector<uint8_t> buf(1 << 16);
  while (in) {
    in.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(buf.size()));
    const std::streamsize n = in.gcount();
    if (n > 0) hash.update(ByteView(buf.data(), static_cast<size_t>(n)));
  }
  if (in.bad()) return harness_error(HarnessErrc::io, path + ": read failed");
  const Digest256 d = hash.final();
  return to_hex(ByteView(d.data(), d.size()));
}

namespace {

HarnessResult<std::string> filtered_tree_sha256(const std::string& dir, bool (*keep)(const std::string& rel)) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return harness_error(HarnessErrc::bad_argument, dir + ": not a folder");
  std::vector<std::string> files;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && !it->is_symlink(ec)) {
      std::string rel = fs::relative(it->path(), dir, ec).generic_string();
      if (keep(rel)) files.push_back(std::move(rel));
    }
  }
  if (ec) return harness_error(HarnessErrc::io, dir + ": " + ec.message());
  std::sort(files.begin(), files.end());  // bytewise, as LC_ALL=C sort
  Sha256Stream manifest;
  for (const std::string& rel : files) {
    auto h = file_sha256(dir + "/" + rel);
    if (!h.ok()) return h.error();
    const std::string line = *h + "  " + rel + "\n";
    manifest.update(ByteView(reinterpret_cast<const uint8_t*>(line.data()), line.size()));
  }
  const Digest256 d = manifest.final();
  return to_hex(ByteView(d.data(), d.size()));
}

}  // namespace

HarnessResult<std::string> tree_sha256(const std::string& dir) {
  return filtered_tree_sha256(dir, [](const std::string&) { return true; });
}

HarnessResult<std::string> vector_set_sha256(const std::string& dir) {
  return filtered_tree_sha256(dir,
                              [](const std::string& rel) { return rel.ends_with(".json") || rel.ends_with(".xml"); });
}

}  // namespace parity::harness
