#include "base/text_clean.h"

#include <cstdint>

#include "base/utf8.h"

namespace parity {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// decode reads the UTF-8 sequence at s[i]: its code point and length, or length 0
// when the bytes there are not valid UTF-8 (overlong, surrogate, past U+10FFFF, cut).
size_t decode(std::string_view s, size_t i, uint32_t* out_cp) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  if (p[i] < 0x80) {
    *out_cp = p[i];
    return 1;
  }
  return utf8_sequence(p + i, s.size() - i, *out_cp);
}

}  // namespace

std::string clean_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    uint32_t cp = 0;
    const size_t n = decode(s, i, &cp);
    if (n == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') {
      append_utf8(out, 0x2400 + cp);
    } else if (cp == 0x7F) {
      append_utf8(out, 0x2421);
    } else if (cp == 0xFFFE || cp == 0xFFFF) {
      out += kReplacement;
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string_view truncate_utf8(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t cut = max_bytes;
  // Back off continuation bytes so the cut lands on the start of a sequence.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut);
}

}  // namespace parity
