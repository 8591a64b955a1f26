#include "reports/escape.h"

#include <cstdint>

#include "base/text_clean.h"
#include "base/xml_escape.h"

namespace parity::reports {

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
