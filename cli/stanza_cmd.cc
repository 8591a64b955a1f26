#include "cli/stanza_cmd.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

#include <CLI/CLI.hpp>

#include "harness/runner/runner.h"
#include "reference/stanza/stanza.h"

namespace parity::harness {

namespace {

// read_bounded reads at most `limit` bytes of a stream into out_; false on a read error.
bool read_bounded(std::istream& in, size_t limit, std::string& out_) {
  out_.clear();
  char buf[64 * 1024];
  while (out_.size() < limit && in) {
    const size_t want = std::min(sizeof buf, limit - out_.size());
    in.read(buf, static_cast<std::streamsize>(want));
    out_.append(buf, static_cast<size_t>(in.gcount()));
  }
  return !in.bad();
}

}  // namespace

void add_stanza_command(CLI::App& app, StanzaCommand& command) {
  command.command = app.add_subcommand("stanza", "XML stanzas of the interoperability profile (stanzas.md)");
  command.command->require_subcommand(1);
  command.validate =
      command.command->add_subcommand("validate", "Validate stanza files: FILE: ok, or FILE:OFFSET: CODE: message");
  command.validate->add_option("FILE", command.files, "Stanza files; - reads standard input")->required();
}

int run_stanza_command(const StanzaCommand& command, std::istream& in, std::ostream& out, std::ostream& err) {
  if (command.validate == nullptr || !command.validate->parsed()) return kExitUsage;
  // One byte beyond the limit is enough to know a stanza is too large.
  const size_t limit = stanza::kLimits.max_stanza_bytes + 1;
  int status = kExitOk;
  std::string bytes;
  for (const std::string& file : command.files) {
    bool read_ok = false;
    std::string why;
    if (file == "-") {
      read_ok = read_bounded(in, limit, bytes);
      if (!read_ok) why = "read error";
    } else {
      std::error_code ec;
      std::ifstream f(file, std::ios::binary);
      if (std::filesystem::is_directory(file, ec)) {
        why = "is a directory";
      } else if (!f) {
        why = std::strerror(errno);
      } else {
        read_ok = read_bounded(f, limit, bytes);
        if (!read_ok) why = "read error";
      }
    }
    if (!read_ok) {
      err << file << ": cannot read: " << why << "\n";
      status = kExitUsage;  // 2 wins over 1
      continue;
    }
    auto r = stanza::parse(bytes);
    if (r.ok()) {
      out << file << ": ok\n";
    } else {
      const stanza::StanzaError& e = r.error();
      out << file << ":" << e.offset << ": " << stanza::to_string(e.code) << ": " << e.message << "\n";
      if (status == kExitOk) status = kExitFailed;
    }
  }
  return status;
}

}  // namespace parity::harness
