#include "harness/runner/seeds.h"

#include <cctype>

#include "reference/crypto/hash.h"
#include "reference/crypto/random.h"

namespace parity::harness {

HarnessResult<Key32> parse_seed(std::string_view text) {
  if (text.empty() || text.size() > 64) {
    return harness_error(HarnessErrc::bad_argument, "a seed is 1 to 64 hexadecimal digits, got " +
                                                  std::to_string(text.size()) + " characters");
  }
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return harness_error(HarnessErrc::bad_argument, "a seed is hexadecimal; '" + std::string(1, c) + "' is not a hex digit");
    }
  }
  const std::string padded = std::string(64 - text.size(), '0') + std::string(text);
  auto key = from_hex32(padded);
  if (!key) return harness_error(HarnessErrc::bad_argument, "a seed is hexadecimal: " + key.error().detail);
  return *key;
}

std::string seed_hex(const Key32& seed) { return to_hex(seed); }

Key32 random_seed() {
  OsRng rng;
  return rng.key32();
}

Key32 derive_check_seed(const Key32& run_seed, std::string_view check_id) {
  return sha256(concat({run_seed, ByteView(reinterpret_cast<const uint8_t*>(check_id.data()), check_id.size())}));
}

}  // namespace parity::harness
