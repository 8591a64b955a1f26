// bytes.h: byte strings, fixed-size keys, hex and constant-time helpers.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace parity {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;
using Key32 = std::array<uint8_t, 32>;

// to_hex encodes bytes as lowercase hexadecimal, as PTP and the vectors use it.
std::string to_hex(ByteView data);

// from_hex decodes an even-length hex string (either case); anything else is malformed.
Result<Bytes> from_hex(std::string_view hex);

// from_hex32 decodes exactly 32 bytes of hex.
Result<Key32> from_hex32(std::string_view hex);

// ct_equal compares two byte strings in time independent of their contents.
bool ct_equal(ByteView a, ByteView b);

// secure_wipe overwrites memory the compiler may not elide.
void secure_wipe(void* data, size_t size);

inline ByteView view(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline Bytes to_bytes(std::string_view s) {
  return Bytes(s.begin(), s.end());
}
inline Bytes concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
template <size_t N>
Bytes to_bytes(const std::array<uint8_t, N>& a) {
  return Bytes(a.begin(), a.end());
}

}  // namespace parity
