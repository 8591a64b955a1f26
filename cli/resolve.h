// resolve.h: built-in target names and the commands they resolve to.
//
// `--target NAME` with a built-in name (reference, reference-alt, libsignal, olm, python,
// libsignal-client, mls, mls-no-policy)
// runs an installed program; anything else is a shell command line, run as given. An
// executable `parity-target-FOLDER` (FOLDER: the name, or `reference` for reference-alt)
// is looked for, in order:
//   1. next to the parity binary (an installed tree: bin/parity, bin/parity-target-*);
//   2. DIR/../targets/FOLDER/ where DIR holds the parity binary (the build tree:
//      build/dev/cli/parity and build/dev/targets/FOLDER/parity-target-FOLDER);
//   3. each directory of PATH.
// `reference-alt` is `parity-target-reference --variant alt`, the sound alternative of
// the baseline (docs/mutants.md).
// Script targets run under an interpreter: `python` is `python3 SCRIPT`, and the Node
// targets (`libsignal-client`, `mls`, `mls-no-policy`) are `node SCRIPT [ARGS]`, with
// SCRIPT the first existing of DIR/../share/parity/targets/FOLDER/PROGRAM (installed) and
// SOURCE/targets/FOLDER/PROGRAM (the source tree this parity was built from). The Node
// targets' packages live in targets/node/node_modules (scripts/install-deps.sh runs
// `npm ci` there); a script that cannot load them says so on stderr and exits 3.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace parity::harness {

// BuiltinTarget is one built-in name.
struct BuiltinTarget {
  std::string name;
  std::string program;  // executable or script file name
  std::string folder;   // its folder under targets/ in the build tree; empty: `name`
  std::string args;     // arguments appended to the command, already shell-quoted
  std::string interpreter;  // a script's interpreter (python3, node); empty: a program
};

const std::vector<BuiltinTarget>& builtin_targets();

// Resolution is what a --target value resolves to.
struct Resolution {
  bool builtin = false;
  std::optional<std::string> command;  // none: a built-in name that is not installed
  std::vector<std::string> searched;   // where a built-in was looked for
};

// resolve_target resolves a --target value; exe_dir is the parity binary's directory.
Resolution resolve_target(const std::string& value, const std::string& exe_dir);

// executable_dir returns the directory of the running executable (/proc/self/exe).
std::string executable_dir();

}  // namespace parity::harness
