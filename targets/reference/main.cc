// parity-target-reference: the Signal baseline speaking PTP/1 on stdin/stdout.
#include <cstring>
#include <iostream>

#include "targets/reference/reference_adapter.h"

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::cout << "usage: parity-target-reference\n"
                   "Speaks PTP/1 (JSON lines) on stdin/stdout; see docs/ptp.md.\n";
      return 0;
    }
    std::cerr << "parity-target-reference: unknown argument " << argv[i] << "\n";
    return 2;
  }
  std::ios::sync_with_stdio(false);
  parity::ptp::ReferenceAdapter adapter;
  return parity::ptp::serve(adapter, std::cin, std::cout);
}
