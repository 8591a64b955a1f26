// stanza_cmd.h: `parity stanza validate FILE...`, the stanza profile (reference/stanza)
// applied to files: one line per file, `FILE: ok` or `FILE:OFFSET: CODE: message`
// (OFFSET in bytes, CODE the rule's name from reference/stanza/profile.h). `-` reads
// standard input. At most 1 MiB + 1 byte of each file is read: a larger file is refused
// as too_large without being read whole.
// Exit status: 0 every file is valid, 1 any file is invalid, 2 a file cannot be read
// (or usage).
#pragma once

#include <istream>
#include <ostream>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace parity::harness {

// StanzaCommand is the parsed `parity stanza` subcommand.
struct StanzaCommand {
  CLI::App* command = nullptr;
  CLI::App* validate = nullptr;
  std::vector<std::string> files;
};

// add_stanza_command adds `stanza` with its `validate` subcommand to app. `command`
// must outlive the parse (the parser writes into command.files).
void add_stanza_command(CLI::App& app, StanzaCommand& command);

// run_stanza_command runs a parsed `parity stanza`; `in` is what `-` reads.
int run_stanza_command(const StanzaCommand& command, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace parity::harness
