// media_cmd.h: `parity media encrypt|decrypt`, attachment encryption of files with the
// reference (reference/media), streaming: a 64 MiB video is never read whole.
//
//   parity media encrypt --type image|video|audio|document [--key HEX] IN OUT
//       prints media_key, file_sha256 and file_enc_sha256 (a fresh key without --key)
//   parity media decrypt --type TYPE --key HEX --enc-sha256 HEX IN OUT
//       verifies IN (length, file_enc_sha256, MAC, padding) before writing anything;
//       OUT appears only when the whole file decrypted
// Exit status: 0 done, 1 the file was refused or could not be read or written, 2 usage.
#pragma once

#include <ostream>
#include <string>

namespace CLI {
class App;
}

namespace parity::harness {

// MediaArgs are the options of `parity media`, filled in by the parser.
struct MediaArgs {
  std::string type = "image";
  std::string key;         // hex, 32 bytes
  std::string enc_sha256;  // hex, 32 bytes (decrypt)
  std::string in;
  std::string out;
};

// MediaCommand is the parsed `parity media` subcommand and its two actions.
struct MediaCommand {
  CLI::App* command = nullptr;
  CLI::App* encrypt = nullptr;
  CLI::App* decrypt = nullptr;
  MediaArgs args;
};

// add_media_command adds `media` with its `encrypt` and `decrypt` subcommands to app.
// `command` must outlive the parse (the parser writes into command.args).
void add_media_command(CLI::App& app, MediaCommand& command);

// run_media_command runs a parsed `parity media` and returns the exit status.
int run_media_command(const MediaCommand& command, std::ostream& out, std::ostream& err);

}  // namespace parity::harness
