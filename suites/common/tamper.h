// tamper.h: byte-level modifications of ciphertexts and bundles (bit flips, truncation,
// extension, splices) and the named ranges of a bundle's `layout`. Pure functions,
// header-only, shared by the AKE and MSG checks (and open to DOS and KEY).
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "harness/client/target.h"
#include "base/bytes.h"

namespace parity::suites {

// flip_bit returns `b` with bit `bit` flipped (byte bit / 8, mask 1 << bit % 8).
inline Bytes flip_bit(ByteView b, size_t bit) {
  Bytes out(b.begin(), b.end());
  if (bit / 8 < out.size()) out[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  return out;
}

// truncated returns the first `n` bytes of `b` (all of it when n >= size).
inline Bytes truncated(ByteView b, size_t n) {
  return Bytes(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(std::min(n, b.size())));
}

// extended returns `b` followed by `tail`.
inline Bytes extended(ByteView b, ByteView tail) {
  return concat({b, tail});
}

// spliced returns head[0, cut) followed by tail[cut, end): a prefix of one message on
// the suffix of another. A cut beyond either message is clamped to it.
inline Bytes spliced(ByteView head, ByteView tail, size_t cut) {
  Bytes out(head.begin(), head.begin() + static_cast<std::ptrdiff_t>(std::min(cut, head.size())));
  if (cut < tail.size()) out.insert(out.end(), tail.begin() + static_cast<std::ptrdiff_t>(cut), tail.end());
  return out;
}

// cut_points spreads up to `count` cut points over 1..len-1, the first and last few
// bytes included (headers and MACs sit there), ascending and without repeats.
inline std::vector<size_t> cut_points(size_t len, size_t count) {
  std::vector<size_t> cuts;
  if (len < 2 || count == 0) return cuts;
  for (size_t c = 1; c < len && c <= 4; ++c) cuts.push_back(c);
  for (size_t c = len > 4 ? len - 4 : 1; c < len; ++c) cuts.push_back(c);
  for (size_t i = 1; i <= count; ++i) cuts.push_back(std::max<size_t>(1, len * i / (count + 1)));
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  cuts.erase(std::remove_if(cuts.begin(), cuts.end(), [&](size_t c) { return c == 0 || c >= len; }), cuts.end());
  return cuts;
}

// first_difference returns the first byte offset at which a and b differ (the shorter
// length when one is a prefix of the other), or nullopt when they are equal.
inline std::optional<size_t> first_difference(ByteView a, ByteView b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return i;
  }
  if (a.size() == b.size()) return std::nullopt;
  return n;
}

// NamedRange is one entry of a bundle's `layout`, [start, end) under a name: the
// client parses and checks the layout (harness::parse_bundle_layout).
using NamedRange = harness::LayoutRange;

// find_range returns the range named `name`, if any.
inline const NamedRange* find_range(const std::vector<NamedRange>& ranges, std::string_view name) {
  for (const NamedRange& r : ranges) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

}  // namespace parity::suites
