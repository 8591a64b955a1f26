// parity-target-reference: the Signal baseline speaking PTP/1 on stdin/stdout, or with
// --mutant NAME one deliberately flawed variant of it.
#include <cstring>
#include <iostream>
#include <string_view>
#include <utility>

#include "targets/reference/mutants/mutants.h"

namespace {

void usage(std::ostream& os) {
  os << "usage: parity-target-reference [--mutant NAME]\n"
        "Speaks PTP/1 (JSON lines) on stdin/stdout; see docs/ptp.md.\n"
        "--mutant NAME switches on one deliberate flaw, to prove that Parity's checks detect it:\n";
  for (const auto& m : parity::mutants::mutants()) {
    if (m.name != "none") os << "  " << m.name << ": " << m.description << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  auto config = parity::mutants::mutant_config("none");
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      usage(std::cout);
      return 0;
    }
    if (arg == "--mutant" && i + 1 < argc) {
      config = parity::mutants::mutant_config(argv[++i]);
      if (!config) {
        std::cerr << "parity-target-reference: unknown mutant " << argv[i] << " (see --help)\n";
        return 2;
      }
      continue;
    }
    std::cerr << "parity-target-reference: unknown argument " << arg << " (see --help)\n";
    return 2;
  }
  std::ios::sync_with_stdio(false);
  parity::ptp::ReferenceAdapter adapter(std::move(*config));
  return parity::ptp::serve(adapter, std::cin, std::cout);
}
