#include "cli/build_info.h"

#include "harness/runner/fingerprint.h"

namespace parity::harness {

void print_version(std::ostream& out, const std::string& vectors_dir) {
  out << "parity " << build_version() << " (revision " << build_revision() << ")\n";
  HarnessResult<std::string> set = vector_set_sha256(vectors_dir);
  if (set.ok()) {
    out << "vector set: SHA-256 " << *set << " (" << vectors_dir << ")\n";
  } else {
    out << "vector set: none: " << set.error().detail << "\n";
  }
  out << "built against:\n";
  for (const RunInfo::Library& l : build_libraries()) {
    out << "  " << l.name << " " << l.version << " (" << l.used_by << ")\n";
  }
}

}  // namespace parity::harness
