// fingerprint.h: the hashes a report states so that a reader knows exactly what was
// tested: the target's executable and the vector set the checks read.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/errors.h"

namespace parity::harness {

// command_executable returns the file the first word of a shell command line names: a
// word with a '/' as a path (relative to the working directory), else the first match
// on PATH. nullopt when the word is not a regular file (a shell builtin, a missing
// program). Only a leading plain or quoted word is understood; an interpreter
// (`python3 script.py`) resolves to the interpreter, which the report then names.
std::optional<std::string> command_executable(std::string_view command);

// command_scripts returns the files that later words of the command name (`node
// adapter.js`, `python3 target.py`), absolute, in order: for a script target the
// interpreter's hash alone says nothing about what was tested.
std::vector<std::string> command_scripts(std::string_view command);

// file_sha256 is the SHA-256 of a file's bytes, as 64 lowercase hex digits.
HarnessResult<std::string> file_sha256(const std::string& path);

// tree_sha256 hashes every regular file under dir: the SHA-256 of the manifest whose
// lines are "<file sha256>  <path relative to dir>\n", sorted bytewise by path, so that
// `cd DIR && find . -type f -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum |
// sha256sum` gives the same digest.
HarnessResult<std::string> tree_sha256(const std::string& dir);

// vector_set_sha256 is tree_sha256 over the vector set alone: the `.json` and `.xml` files
// under dir, the data the checks read. The loader's code, generators and READMEs beside
// them are not part of it, so the source tree's vectors/ and an installed
// share/parity/vectors/ (which holds only the data) give the same digest. `cd DIR && find
// . -type f \( -name '*.json' -o -name '*.xml' \) -printf '%P\n' | LC_ALL=C sort | xargs
// -d '\n' sha256sum | sha256sum` gives it.
HarnessResult<std::string> vector_set_sha256(const std::string& dir);

}  // namespace parity::harness
