// utf8.h: UTF-8 decoding and validation (RFC 3629), for the stanza scan (pugixml does
// not validate) and for the writers that clean text a target wrote (JUnit, reports).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace parity {

// utf8_sequence decodes the sequence starting at p (n bytes available, n >= 1, p[0] >=
// 0x80) into out_code_ and returns its length, or 0 when it is not valid UTF-8
// (bad lead or continuation byte, truncated, overlong, surrogate, above U+10FFFF).
inline size_t utf8_sequence(const uint8_t* p, size_t n, uint32_t& out_code_) {
  const uint8_t b0 = p[0];
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    if (n < 2 || (p[1] & 0xc0) != 0x80) return 0;
    out_code_ = (uint32_t{b0} & 0x1f) << 6 | (p[1] & 0x3f);
    return 2;
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80) return 0;
    const uint32_t c = (uint32_t{b0} & 0x0f) << 12 | (uint32_t{p[1]} & 0x3f) << 6 | (p[2] & 0x3f);
    if (c < 0x800 || (c >= 0xd800 && c <= 0xdfff)) return 0;  // overlong, surrogate
    out_code_ = c;
    return 3;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80) return 0;
    const uint32_t c =
        (uint32_t{b0} & 0x07) << 18 | (uint32_t{p[1]} & 0x3f) << 12 | (uint32_t{p[2]} & 0x3f) << 6 | (p[3] & 0x3f);
    if (c < 0x10000 || c > 0x10ffff) return 0;  // overlong, beyond Unicode
    out_code_ = c;
    return 4;
  }
  return 0;  // a continuation byte, 0xc0/0xc1 (overlong) or 0xf5..0xff
}

// append_utf8 appends the UTF-8 encoding of code point cp (at most U+10FFFF) to out_.
inline void append_utf8(std::string& out_, uint32_t cp) {
  if (cp < 0x80) {
    out_ += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out_ += static_cast<char>(0xC0 | (cp >> 6));
    out_ += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out_ += static_cast<char>(0xE0 | (cp >> 12));
    out_ += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out_ += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out_ += static_cast<char>(0xF0 | (cp >> 18));
    out_ += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out_ += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out_ += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// is_xml_char tells whether a code point is an XML 1.0 Char (section 2.2).
constexpr bool is_xml_char(uint32_t c) {
  return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) ||
         (c >= 0x10000 && c <= 0x10ffff);
}

}  // namespace parity
