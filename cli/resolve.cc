#include "cli/resolve.h"

#include <cstdlib>
#include <filesystem>

#include <unistd.h>

#include "harness/runner/runner.h"

#ifndef PARITY_SOURCE_DIR
#define PARITY_SOURCE_DIR ""
#endif

namespace parity::harness {

namespace fs = std::filesystem;

namespace {

bool is_executable(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && access(p.c_str(), X_OK) == 0;
}

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

std::string canonical_or(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  return ec ? p.string() : c.string();
}

}  // namespace

const std::vector<BuiltinTarget>& builtin_targets() {
  static const std::vector<BuiltinTarget> t = {
      {"reference", "parity-target-reference", "", "", ""},
      {"reference-alt", "parity-target-reference", "reference", "--variant alt", ""},
      {"libsignal", "parity-target-libsignal", "", "", ""},
      {"olm", "parity-target-olm", "", "", ""},
      {"python", "parity_target.py", "", "", "python3"},
      {"libsignal-client", "parity_target.mjs", "node/libsignal_client", "", "node"},
      {"mls", "parity_target.mjs", "node/mls", "", "node"},
      {"mls-no-policy", "parity_target.mjs", "node/mls", "--commit-policy none", "node"},
  };
  return t;
}

Resolution resolve_target(const std::string& value, const std::string& exe_dir) {
  Resolution res;
  const BuiltinTarget* builtin = nullptr;
  for (const BuiltinTarget& b : builtin_targets()) {
    if (b.name == value) builtin = &b;
  }
  if (builtin == nullptr) {
    res.command = value;
    return res;
  }
  res.builtin = true;
  const fs::path dir = exe_dir;

  const std::string args = builtin->args.empty() ? "" : " " + builtin->args;
  const std::string folder = builtin->folder.empty() ? builtin->name : builtin->folder;
  if (!builtin->interpreter.empty()) {
    std::vector<fs::path> candidates = {dir / ".." / "share" / "parity" / "targets" / folder / builtin->program};
    if (std::string(PARITY_SOURCE_DIR).size() > 0) {
      candidates.push_back(fs::path(PARITY_SOURCE_DIR) / "targets" / folder / builtin->program);
    }
    for (const fs::path& c : candidates) {
      res.searched.push_back(canonical_or(c));
      if (is_file(c)) {
        res.command = builtin->interpreter + " " + shell_quote(canonical_or(c)) + args;
        return res;
      }
    }
    return res;
  }

  const std::vector<fs::path> local = {dir / builtin->program, dir / ".." / "targets" / folder / builtin->program};
  for (const fs::path& c : local) {
    res.searched.push_back(canonical_or(c));
    if (is_executable(c)) {
      res.command = shell_quote(canonical_or(c)) + args;
      return res;
    }
  }
  const char* path_env = std::getenv("PATH");
  std::string path = path_env != nullptr ? path_env : "";
  res.searched.push_back("$PATH");
  size_t start = 0;
  while (start <= path.size()) {
    size_t colon = path.find(':', start);
    if (colon == std::string::npos) colon = path.size();
    const std::string entry = path.substr(start, colon - start);
    if (!entry.empty()) {
      const fs::path c = fs::path(entry) / builtin->program;
      if (is_executable(c)) {
        res.command = shell_quote(c.string()) + args;
        return res;
      }
    }
    start = colon + 1;
  }
  return res;
}

std::string executable_dir() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return ".";
  return p.parent_path().string();
}

}  // namespace parity::harness
