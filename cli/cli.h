// cli.h: the `parity` command line (docs/cli.md), as a function so tests can drive it
// with their own registry and streams.
#pragma once

#include <ostream>
#include <string>

#include "harness/runner/check.h"
#include "harness/runner/progress.h"

namespace parity::harness {

// CliEnv is what the command line runs with.
struct CliEnv {
  const Registry& registry;
  std::string exe_dir;  // where built-in targets are looked for first (resolve.h)
  std::ostream& out;
  std::ostream& err;
  ProgressMode progress = ProgressMode::automatic;
};

// cli_main parses argv and runs a subcommand; returns the exit status (0, 1, 2, 3, or
// 130 for an interrupted run). Never throws: CLI11's exceptions end here as one-line
// errors and status 2.
int cli_main(int argc, const char* const* argv, const CliEnv& env);

}  // namespace parity::harness
