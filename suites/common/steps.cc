#include "suites/common/steps.h"

namespace parity::suites {

Bytes random_bytes(Rng& rng, size_t n) {
  Bytes b(n);
  rng.fill(b);
  return b;
}

uint32_t next_u32(Rng& rng) {
  uint8_t b[4];
  rng.fill(b);
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
}

std::string refusal_text(const harness::Refusal& r) {
  return std::string(ptp::to_string(r.code)) + (r.detail.empty() ? "" : ": " + r.detail);
}

std::string short_hex(ByteView b, size_t max_bytes) {
  if (b.size() <= max_bytes) return to_hex(b);
  return to_hex(b.first(max_bytes)) + "…(" + std::to_string(b.size()) + " bytes)";
}

}  // namespace parity::suites
