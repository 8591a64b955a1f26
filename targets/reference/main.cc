// parity-target-reference: the Signal baseline speaking PTP/1 on stdin/stdout; with
// --variant NAME a sound alternative of it, with --mutant NAME one deliberately flawed
// variant of it (of the chosen --variant, the baseline by default).
#include <cstring>
#include <iostream>
#include <string_view>
#include <utility>

#include "targets/reference/mutants/mutants.h"
#include "targets/reference/variants/variants.h"

namespace {

void usage(std::ostream& os) {
  os << "usage: parity-target-reference [--variant NAME] [--mutant NAME]\n"
        "Speaks PTP/1 (JSON lines) on stdin/stdout; see docs/ptp.md.\n"
        "--variant NAME runs a sound alternative of the Signal baseline, which Parity must pass:\n";
  for (const auto& v : parity::variants::variants()) {
    if (v.name != "signal") os << "  " << v.name << ": " << v.description << "\n";
  }
  os << "--mutant NAME switches on one deliberate flaw, to prove that Parity's checks detect it:\n";
  for (const auto& m : parity::mutants::mutants()) {
    if (m.name != "none") os << "  " << m.name << ": " << m.description << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string_view variant = "signal";
  std::string_view mutant = "none";
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      usage(std::cout);
      return 0;
    }
    if ((arg == "--mutant" || arg == "--variant") && i + 1 < argc) {
      (arg == "--mutant" ? mutant : variant) = argv[++i];
      continue;
    }
    std::cerr << "parity-target-reference: unknown argument " << arg << " (see --help)\n";
    return 2;
  }
  auto config = parity::variants::variant_config(variant);
  if (!config) {
    std::cerr << "parity-target-reference: unknown variant " << variant << " (see --help)\n";
    return 2;
  }
  if (!parity::mutants::apply_mutant(mutant, *config)) {
    std::cerr << "parity-target-reference: unknown mutant " << mutant << " (see --help)\n";
    return 2;
  }
  std::ios::sync_with_stdio(false);
  parity::ptp::ReferenceAdapter adapter(std::move(*config));
  return parity::ptp::serve(adapter, std::cin, std::cout);
}
