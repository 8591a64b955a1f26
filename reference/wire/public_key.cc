#include "reference/wire/public_key.h"

#include <algorithm>
#include <string>

#include "reference/keys/kdf_labels.h"

namespace parity::wire {

SerializedKey serialize_key(const Key32& key) {
  SerializedKey out{};
  out[0] = signal::kKeyType;
  std::copy(key.begin(), key.end(), out.begin() + 1);
  return out;
}

Result<Key32> parse_key(ByteView data) {
  if (data.size() != 33) {
    return make_error(Errc::invalid_key, "public key of " + std::to_string(data.size()) + " bytes, expected 33");
  }
  if (data[0] != signal::kKeyType) {
    return make_error(Errc::invalid_key, "public key type byte " + std::to_string(data[0]) + ", expected 5");
  }
  Key32 k{};
  std::copy(data.begin() + 1, data.end(), k.begin());
  return k;
}

}  // namespace parity::wire
