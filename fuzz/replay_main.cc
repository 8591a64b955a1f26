// replay_main.cc: runs a libFuzzer target over saved inputs without libFuzzer, so the
// corpora and regressions are checked by every compiler and preset (ctest label fuzz).
//
// Usage: NAME_replay PATH... [--optional PATH...]   each PATH is a file or a directory
// of files (not recursive, sorted by name). A missing or empty PATH is an error (a replay
// test that runs nothing would pass while checking nothing), except after --optional
// (regressions/, which exists only once the fuzzer has found something).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
// LLVMFuzzerInitialize is optional in libFuzzer; a weak declaration lets targets omit it.
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

namespace fs = std::filesystem;

// read_file reads a whole file into out_; false when it cannot be read.
bool read_file(const fs::path& path, std::vector<uint8_t>& out_) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

// run_one feeds one file to the target; false when it cannot be read.
bool run_one(const fs::path& path) {
  std::vector<uint8_t> data;
  if (!read_file(path, data)) {
    std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
    return false;
  }
  // A copy in a buffer of exactly the input's size, as libFuzzer does, so ASan sees
  // reads past the end.
  std::vector<uint8_t> exact(data.begin(), data.end());
  LLVMFuzzerTestOneInput(exact.empty() ? nullptr : exact.data(), exact.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
    return 2;
  }
  size_t total = 0;
  int status = 0;
  bool optional = false;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--optional") {
      optional = true;
      continue;
    }
    const fs::path arg(argv[i]);
    std::error_code ec;
    if (optional && !fs::exists(arg, ec)) continue;
    if (fs::is_directory(arg, ec)) {
      std::vector<fs::path> files;
      for (const auto& entry : fs::directory_iterator(arg, ec)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      if (ec) {
        std::fprintf(stderr, "replay: cannot read %s: %s\n", arg.c_str(), ec.message().c_str());
        status = 1;
        continue;
      }
      if (files.empty()) {
        if (optional) continue;
        std::fprintf(stderr, "replay: %s is empty\n", arg.c_str());
        status = 1;
        continue;
      }
      size_t ran = 0;
      for (const auto& f : files) {
        if (!run_one(f)) {
          status = 1;
          continue;
        }
        ++ran;
      }
      std::printf("replay: ran %zu inputs from %s\n", ran, arg.c_str());
      total += ran;
    } else if (fs::is_regular_file(arg, ec)) {
      if (!run_one(arg)) {
        status = 1;
        continue;
      }
      ++total;
    } else {
      std::fprintf(stderr, "replay: %s does not exist\n", arg.c_str());
      status = 1;
    }
  }
  std::printf("replay: ran %zu inputs in all\n", total);
  return status;
}
