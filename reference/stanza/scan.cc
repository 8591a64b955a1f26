#include "reference/stanza/scan.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <string>

#include "reference/stanza/utf8.h"

namespace parity::stanza {

namespace {

StanzaError fault(StanzaErrc code, size_t offset, std::string message) {
  return StanzaError{code, offset, std::move(message)};
}

bool is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Names: ASCII letters, '_', ':' and any non-ASCII character start a name; digits,
// '-' and '.' may follow. Finer XML name rules are pugixml's and the typed pass's
// business: an element or attribute with an odd name is at worst unknown.
bool is_name_start(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' || u == ':' || u >= 0x80;
}
bool is_name_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return is_name_start(c) || (u >= '0' && u <= '9') || u == '-' || u == '.';
}

bool starts_with(std::string_view s, size_t at, std::string_view prefix) {
  return s.size() - at >= prefix.size() && s.compare(at, prefix.size(), prefix) == 0;
}

std::string excerpt(std::string_view s, size_t from, size_t to) {
  constexpr size_t kMax = 32;  // messages stay short whatever the input
  std::string out(s.substr(from, to - from > kMax ? kMax : to - from));
  if (to - from > kMax) out += "...";
  return out;
}

size_t utf8_length(uint32_t code) {
  return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
}

// Scanner walks the markup of one stanza; each step returns the first fault it finds.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s), n_(s.size()) {}

  std::optional<StanzaError> run() {
    size_t i = 0;
    while (i < n_) {
      if (depth_ == 0) {
        const char c = s_[i];
        if (c == '<') {
          if (auto e = markup(i)) return e;
        } else if (is_ws(c)) {
          ++i;
        } else {
          return fault(StanzaErrc::bad_xml, i, "text outside the root element");
        }
        continue;
      }
      // Inside the root: text runs to the next '<'; '&' in it starts a reference.
      const void* lt = std::memchr(s_.data() + i, '<', n_ - i);
      const size_t end = lt ? static_cast<size_t>(static_cast<const char*>(lt) - s_.data()) : n_;
      while (const void* amp = std::memchr(s_.data() + i, '&', end - i)) {
        size_t len = 0;
        if (auto e = reference(static_cast<size_t>(static_cast<const char*>(amp) - s_.data()), i, len)) return e;
      }
      i = end;
      if (i < n_) {
        if (auto e = markup(i)) return e;
      }
    }
    if (root_ == Root::before) return fault(StanzaErrc::bad_xml, n_, "no root element");
    if (depth_ > 0) return fault(StanzaErrc::bad_xml, n_, "an element is not closed at the end of the stanza");
    return std::nullopt;
  }

 private:
  enum class Root { before, inside, after };

  // reference checks the reference starting with '&' at j; on success next_ is past its
  // ';' and decoded_ is the length of what it stands for in UTF-8.
  std::optional<StanzaError> reference(size_t j, size_t& next_, size_t& decoded_) {
    size_t k = j + 1;
    if (k < n_ && s_[k] == '#') {
      ++k;
      const bool hex = k < n_ && s_[k] == 'x';
      if (hex) ++k;
      uint32_t v = 0;
      size_t digits = 0;
      for (; k < n_; ++k, ++digits) {
        const char c = s_[k];
        uint32_t d = 0;
        if (c >= '0' && c <= '9') {
          d = static_cast<uint32_t>(c - '0');
        } else if (hex && c >= 'a' && c <= 'f') {
          d = static_cast<uint32_t>(c - 'a' + 10);
        } else if (hex && c >= 'A' && c <= 'F') {
          d = static_cast<uint32_t>(c - 'A' + 10);
        } else {
          break;
        }
        v = v > 0x10ffff ? v : v * (hex ? 16 : 10) + d;  // saturates above Unicode: no overflow
      }
      if (digits == 0 || k >= n_ || s_[k] != ';') {
        return fault(StanzaErrc::bad_xml, j, "malformed character reference " + excerpt(s_, j, k));
      }
      if (!is_xml_char(v)) {
        return fault(StanzaErrc::bad_character_reference, j,
                     "character reference " + excerpt(s_, j, k + 1) + " does not name an XML character");
      }
      next_ = k + 1;
      decoded_ = utf8_length(v);
      return std::nullopt;
    }
    while (k < n_ && is_name_char(s_[k])) ++k;
    if (k == j + 1 || k >= n_ || s_[k] != ';') {
      return fault(StanzaErrc::bad_xml, j, "'&' does not start a reference (escape it as &amp;)");
    }
    const std::string_view name = s_.substr(j + 1, k - j - 1);
    if (name != "lt" && name != "gt" && name != "amp" && name != "apos" && name != "quot") {
      return fault(StanzaErrc::entity, j,
                   "entity reference " + excerpt(s_, j, k + 1) + " is not one of the five predefined ones");
    }
    next_ = k + 1;
    decoded_ = 1;
    return std::nullopt;
  }

  std::optional<StanzaError> markup(size_t& i_) {
    const size_t i = i_;
    if (i + 1 >= n_) return fault(StanzaErrc::bad_xml, i, "unterminated markup");
    const char c1 = s_[i + 1];
    if (c1 == '!') {
      if (starts_with(s_, i, "<!--")) return fault(StanzaErrc::comment, i, "comments are not allowed");
      if (starts_with(s_, i, "<![CDATA[")) {
        if (depth_ == 0) return fault(StanzaErrc::bad_xml, i, "CDATA outside the root element");
        const size_t end = s_.find("]]>", i + 9);
        if (end == std::string_view::npos) return fault(StanzaErrc::bad_xml, i, "unterminated CDATA section");
        i_ = end + 3;
        return std::nullopt;
      }
      if (starts_with(s_, i, "<!DOCTYPE")) return fault(StanzaErrc::doctype, i, "DOCTYPE is not allowed");
      for (std::string_view decl : {"<!ENTITY", "<!ELEMENT", "<!ATTLIST", "<!NOTATION"}) {
        if (starts_with(s_, i, decl)) {
          return fault(StanzaErrc::dtd, i, "markup declaration " + std::string(decl.substr(2)) + " is not allowed");
        }
      }
      return fault(StanzaErrc::bad_xml, i, "unknown markup declaration");
    }
    if (c1 == '?') {
      return fault(StanzaErrc::processing_instruction, i,
                   "processing instructions (the XML declaration included) are not allowed");
    }
    if (c1 == '/') return end_tag(i_);
    if (is_name_start(c1)) return start_tag(i_);
    return fault(StanzaErrc::bad_xml, i, "'<' does not start a tag");
  }

  std::optional<StanzaError> end_tag(size_t& i_) {
    const size_t i = i_;
    size_t j = i + 2;
    while (j < n_ && is_name_char(s_[j])) ++j;
    if (j == i + 2) return fault(StanzaErrc::bad_xml, i, "end tag without a name");
    while (j < n_ && is_ws(s_[j])) ++j;
    if (j >= n_ || s_[j] != '>') return fault(StanzaErrc::bad_xml, j, "end tag not closed by '>'");
    if (depth_ == 0) return fault(StanzaErrc::bad_xml, i, "end tag without a start tag");
    if (--depth_ == 0) root_ = Root::after;
    i_ = j + 1;
    return std::nullopt;
  }

  std::optional<StanzaError> start_tag(size_t& i_) {
    const size_t i = i_;
    if (root_ == Root::after) return fault(StanzaErrc::bad_xml, i, "a second root element");
    if (depth_ + 1 > kLimits.max_depth) {
      return fault(StanzaErrc::depth, i, "elements nest deeper than " + std::to_string(kLimits.max_depth));
    }
    size_t j = i + 1;
    while (j < n_ && is_name_char(s_[j])) ++j;
    std::array<std::string_view, kLimits.max_attributes> names;
    size_t count = 0;
    for (;;) {
      const size_t before_ws = j;
      while (j < n_ && is_ws(s_[j])) ++j;
      if (j >= n_) return fault(StanzaErrc::bad_xml, i, "unterminated start tag");
      if (s_[j] == '>') {
        ++depth_;
        root_ = Root::inside;
        i_ = j + 1;
        return std::nullopt;
      }
      if (s_[j] == '/') {
        if (j + 1 >= n_ || s_[j + 1] != '>') return fault(StanzaErrc::bad_xml, j, "'/' not followed by '>'");
        if (depth_ == 0) root_ = Root::after;
        i_ = j + 2;
        return std::nullopt;
      }
      if (j == before_ws) return fault(StanzaErrc::bad_xml, j, "no white space before an attribute");
      if (!is_name_start(s_[j])) return fault(StanzaErrc::bad_xml, j, "an attribute name was expected");
      const size_t a = j;
      while (j < n_ && is_name_char(s_[j])) ++j;
      const std::string_view name = s_.substr(a, j - a);
      if (count == kLimits.max_attributes) {
        return fault(StanzaErrc::attribute_count, a,
                     "more than " + std::to_string(kLimits.max_attributes) + " attributes on one element");
      }
      for (size_t p = 0; p < count; ++p) {
        if (names[p] == name) {
          return fault(StanzaErrc::duplicate_attribute, a, "attribute " + excerpt(s_, a, j) + " appears twice");
        }
      }
      names[count++] = name;
      while (j < n_ && is_ws(s_[j])) ++j;
      if (j >= n_ || s_[j] != '=') return fault(StanzaErrc::bad_xml, j, "'=' expected after an attribute name");
      ++j;
      while (j < n_ && is_ws(s_[j])) ++j;
      if (j >= n_ || (s_[j] != '"' && s_[j] != '\'')) {
        return fault(StanzaErrc::bad_xml, j, "an attribute value is quoted");
      }
      const char quote = s_[j++];
      const size_t v0 = j;
      size_t decoded = 0;
      // Fast path: a value without '<' or '&' that ends in the buffer is measured with
      // memchr; anything else takes the byte loop below, which gives the same answers.
      if (const void* q = std::memchr(s_.data() + j, quote, n_ - j)) {
        const size_t end = static_cast<size_t>(static_cast<const char*>(q) - s_.data());
        const size_t len = end - j;
        if (std::memchr(s_.data() + j, '<', len) == nullptr && std::memchr(s_.data() + j, '&', len) == nullptr &&
            len <= kLimits.max_attribute_bytes) {
          j = end + 1;
          continue;
        }
      }
      for (;;) {
        // A value ends well before the limit or is refused at it: a value that claims to
        // run on for 100 MB costs 4 KiB of scanning.
        if (decoded > kLimits.max_attribute_bytes) {
          return fault(StanzaErrc::attribute_length, v0,
                       "attribute " + excerpt(s_, a, a + name.size()) + " is longer than " +
                           std::to_string(kLimits.max_attribute_bytes) + " bytes");
        }
        if (j >= n_) return fault(StanzaErrc::bad_xml, v0 - 1, "unterminated attribute value");
        const char c = s_[j];
        if (c == quote) break;
        if (c == '<') return fault(StanzaErrc::bad_xml, j, "'<' inside an attribute value");
        if (c == '&') {
          size_t len = 0;
          if (auto e = reference(j, j, len)) return e;
          decoded += len;
        } else {
          ++decoded;
          ++j;
        }
      }
      ++j;  // the closing quote
    }
  }

  std::string_view s_;
  size_t n_;
  int depth_ = 0;
  Root root_ = Root::before;
};

}  // namespace

std::optional<StanzaError> scan_characters(std::string_view bytes) {
  const size_t n = bytes.size();
  if (n > kLimits.max_stanza_bytes) {
    // Only "more than": a reader may have stopped at the limit plus one byte.
    return fault(StanzaErrc::too_large, kLimits.max_stanza_bytes,
                 "the stanza is more than " + std::to_string(kLimits.max_stanza_bytes) + " bytes");
  }
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  size_t i = 0;
  while (i < n) {
    // Fast path: eight printable ASCII bytes at a time (base64 payloads are most of a
    // stanza). A word passes when no byte has its top bit set or is below 0x20.
    if (n - i >= 8) {
      uint64_t w = 0;
      std::memcpy(&w, p + i, 8);
      constexpr uint64_t kHigh = 0x8080808080808080ull;
      if (((w | (w - 0x2020202020202020ull)) & kHigh) == 0) {
        i += 8;
        continue;
      }
    }
    const uint8_t c = p[i];
    if (c >= 0x20 && c < 0x80) {
      ++i;
      continue;
    }
    if (c == 0) return fault(StanzaErrc::nul_byte, i, "NUL byte");
    if (c < 0x20) {
      if (c == '\t' || c == '\n' || c == '\r') {
        ++i;
        continue;
      }
      return fault(StanzaErrc::bad_character, i, "control character " + std::to_string(c) + " is not an XML character");
    }
    uint32_t code = 0;
    const size_t len = utf8_sequence(p + i, n - i, code);
    if (len == 0) return fault(StanzaErrc::not_utf8, i, "invalid UTF-8 sequence");
    if (!is_xml_char(code)) return fault(StanzaErrc::bad_character, i, "U+FFFE and U+FFFF are not XML characters");
    i += len;
  }
  return std::nullopt;
}

std::optional<StanzaError> scan_markup(std::string_view bytes) {
  return Scanner(bytes).run();
}

}  // namespace parity::stanza
