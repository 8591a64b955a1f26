#include "reports/escape.h"

#include <cstdint>

#include "reference/utf8.h"
#include "reference/xml_escape.h"

namespace parity::reports {

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

std::string html_escape(std::string_view s) {
  const std::string clean = clean_text(s);
  std::string out;
  out.reserve(clean.size() + clean.size() / 8);
  for (char c : clean) {
    if (c == '\'') {
      out += "&#39;";
    } else {
      append_xml_char(out, c);
    }
  }
  return out;
}

std::string markdown_escape(std::string_view s) {
  const std::string clean = clean_text(s);
  std::string out;
  out.reserve(clean.size() + clean.size() / 4);
  for (char c : clean) {
    switch (c) {
      case '\n':
      case '\r':
      case '\t':
        out += ' ';
        break;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '#':
      case '|':
      case '~':
        // Escaped punctuation renders as itself and can start no link, image, code
        // span, emphasis or table cell.
        out += '\\';
        out += c;
        break;
      default:
        append_xml_char(out, c);  // HTML metacharacters as entities: GitHub renders raw HTML
    }
  }
  return out;
}

std::string markdown_code(std::string_view s) {
  std::string out;
  for (char c : clean_text(s)) {
    if (c == '`') {
      out += '\'';  // a backtick would end the span
    } else if (c == '|') {
      out += "\\|";  // GFM splits table cells before it sees code spans
    } else if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return "`" + out + "`";
}

std::string_view truncate_utf8(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t cut = max_bytes;
  // Back off continuation bytes so the cut lands on the start of a sequence.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut);
}

std::string anchor_id(std::string_view check) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "c-";
  for (char c : check) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '-' || c == '.') {
      out += c;
    } else {
      out += '_';
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

}  // namespace parity::reports
