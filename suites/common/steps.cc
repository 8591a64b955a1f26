#include "suites/common/steps.h"

namespace parity::suites {

Bytes random_bytes(Rng& rng, size_t n) {
  Bytes b(n);
  rng.fill(b);
  return b;
}

std::string short_hex(ByteView b, size_t max_bytes) {
  if (b.size() <= max_bytes) return to_hex(b);
  return to_hex(b.first(max_bytes)) + "…(" + std::to_string(b.size()) + " bytes)";
}

}  // namespace parity::suites
