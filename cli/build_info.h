// build_info.h: what `parity --version` and every report say about the parity that ran:
// its version, the git revision it was built from, and the real libraries the built-in
// targets were built against. The libraries come from the configure step
// (cmake/ParityBuildInfo.cmake), the revision from every build
// (cmake/ParityRevision.cmake).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "harness/runner/results.h"

namespace parity::harness {

// build_version is the project version (CMake's PROJECT_VERSION).
std::string build_version();

// build_revision is the git revision, "-dirty" when the tree differed; "unknown" when
// built outside a repository without $PARITY_REVISION.
std::string build_revision();

// build_libraries lists the libraries, in a fixed order.
const std::vector<RunInfo::Library>& build_libraries();

// print_version writes `parity --version`: version and revision, the vector set found at
// vectors_dir (its SHA-256, as the report states it, or why there is none) and the
// libraries.
void print_version(std::ostream& out, const std::string& vectors_dir);

}  // namespace parity::harness
