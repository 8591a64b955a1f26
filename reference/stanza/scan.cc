#include "reference/stanza/scan.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <string>

#include "base/utf8.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
// kClass holds these classes and the bytes that end an attribute value's fast path, one
// table lookup per byte.
enum : uint8_t {
  kNameStart = 1,
  kNameChar = 2,
  kStopDouble = 4,  // '"', '<' and '&' end a "-quoted value's plain run
  kStopSingle = 8,  // '\'', '<' and '&' end a '-quoted one's
  kTextStop = 16,   // '<', '&' and bytes outside printable ASCII end a run of plain text
  kWs = 32,         // XML white space
  kNameAscii = 64,  // the ASCII name characters (no character check needed)
};
constexpr std::array<uint8_t, 256> make_class_table() {
  std::array<uint8_t, 256> t{};
  for (size_t u = 0; u < 256; ++u) {
    const bool start = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' || u == ':' || u >= 0x80;
    const bool name = start || (u >= '0' && u <= '9') || u == '-' || u == '.';
    const bool text_stop = u < 0x20 || u >= 0x80 || u == '<' || u == '&';
    const bool ws = u == ' ' || u == '\t' || u == '\n' || u == '\r';
    t[u] = static_cast<uint8_t>((start ? kNameStart : 0) | (name ? kNameChar : 0) | (text_stop ? kTextStop : 0) |
                                (ws ? kWs : 0) | (name && u < 0x80 ? kNameAscii : 0));
  }
  t['"'] |= kStopDouble;
  t['\''] |= kStopSingle;
  t['<'] |= kStopDouble | kStopSingle;
  t['&'] |= kStopDouble | kStopSingle;
  return t;
}
constexpr std::array<uint8_t, 256> kClass = make_class_table();

bool is_name_start(char c) {
  return kClass[static_cast<unsigned char>(c)] & kNameStart;
}
bool is_name_char(char c) {
  return kClass[static_cast<unsigned char>(c)] & kNameChar;
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

// Scanner walks one stanza in one pass: the markup rules, and the character rules on
// every byte it passes. checked_ is how far the characters are known to be good; the
// character check resumes there, so the stanza's bytes are checked once, in order, as
// by a separate pass over the whole stanza.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s), n_(s.size()), p_(reinterpret_cast<const uint8_t*>(s.data())) {}

  // run returns the first character fault, else the first markup fault.
  std::optional<StanzaError> run() {
    std::optional<StanzaError> e = markup_pass();
    // The rest of the stanza (after a markup fault: a character fault wins wherever it
    // stands) and the white space outside the root.
    if (auto c = characters(n_)) return c;
    return e;
  }

 private:
  enum class Root { before, inside, after };

  // markup_pass returns the first fault: a markup fault, or a character fault within
  // what it passed (which run() finds again).
  std::optional<StanzaError> markup_pass() {
    size_t i = 0;
    while (i < n_) {
      if (depth_ == 0) {
        const char c = s_[i];
        if (c == '<') {
          if (auto e = tag(i)) return e;
        } else if (is_ws(c)) {
          ++i;
        } else {
          return fault(StanzaErrc::bad_xml, i, "text outside the root element");
        }
        continue;
      }
      if (auto e = text(i)) return e;
      if (i < n_) {
        if (auto e = tag(i)) return e;
      }
    }
    if (root_ == Root::before) return fault(StanzaErrc::bad_xml, n_, "no root element");
    if (depth_ > 0) return fault(StanzaErrc::bad_xml, n_, "an element is not closed at the end of the stanza");
    return std::nullopt;
  }

  // tag checks the markup at i_ (a '<'), then the characters up to its end, unless the
  // tag's own pass saw them all to be printable ASCII or white space (clean_).
  std::optional<StanzaError> tag(size_t& i_) {
    const size_t start = i_;
    clean_ = false;
    if (auto e = markup(i_)) return e;
    if (clean_ && checked_ == start) {
      checked_ = i_;
      return std::nullopt;
    }
    return characters(i_);
  }

  // text runs from i_ inside the root to the next '<' (or the end): '&' starts a
  // reference, and a byte outside printable ASCII is checked as a character.
  std::optional<StanzaError> text(size_t& i_) {
    size_t i = i_;
    if (checked_ < i) {
      if (auto e = characters(i)) return e;
    }
    for (;;) {
      i = plain_text(i);
      if (i >= n_ || s_[i] == '<') break;
      checked_ = i;  // plain_text passed printable ASCII only
      if (s_[i] == '&') {
        size_t len = 0;
        if (auto e = reference(i, i, len)) return e;
        checked_ = i;  // a good reference is printable ASCII
      } else {
        if (auto e = characters(i + 1)) return e;
        i = checked_;
      }
    }
    checked_ = i;
    i_ = i;
    return std::nullopt;
  }

  // plain_text returns the first '<', '&' or byte outside printable ASCII from i on (n_
  // when there is none): sixteen bytes at a time (base64 payloads are most of a stanza).
  size_t plain_text(size_t i) const {
#if defined(__SSE2__)
    const __m128i lt = _mm_set1_epi8('<'), amp = _mm_set1_epi8('&'), low = _mm_set1_epi8(0x20);
    while (n_ - i >= 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p_ + i));
      // As signed bytes, exactly those below 0x20 or from 0x80 up are below 0x20.
      const __m128i hit =
          _mm_or_si128(_mm_cmplt_epi8(v, low), _mm_or_si128(_mm_cmpeq_epi8(v, lt), _mm_cmpeq_epi8(v, amp)));
      const int mask = _mm_movemask_epi8(hit);
      if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
      i += 16;
    }
#endif
    while (i < n_ && (kClass[p_[i]] & kTextStop) == 0) ++i;
    return i;
  }

  // characters checks the characters from checked_ until it reaches `to` (a UTF-8
  // sequence may end past it) and moves checked_ there; at a fault, checked_ stays on it.
  std::optional<StanzaError> characters(size_t to) {
    size_t i = checked_;
    while (i < to) {
#if defined(__SSE2__)
      // Sixteen printable ASCII bytes at a time (see plain_text).
      if (to - i >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p_ + i));
        if (_mm_movemask_epi8(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20))) == 0) {
          i += 16;
          continue;
        }
      }
#endif
      // Eight bytes at a time: a word passes when no byte has its top bit set or is
      // below 0x20.
      if (to - i >= 8) {
        uint64_t w = 0;
        std::memcpy(&w, p_ + i, 8);
        constexpr uint64_t kHigh = 0x8080808080808080ull;
        if (((w | (w - 0x2020202020202020ull)) & kHigh) == 0) {
          i += 8;
          continue;
        }
      }
      const uint8_t c = p_[i];
      if (c >= 0x20 && c < 0x80) {
        ++i;
        continue;
      }
      checked_ = i;
      if (c == 0) return fault(StanzaErrc::nul_byte, i, "NUL byte");
      if (c < 0x20) {
        if (c == '\t' || c == '\n' || c == '\r') {
          ++i;
          continue;
        }
        return fault(StanzaErrc::bad_character, i,
                     "control character " + std::to_string(c) + " is not an XML character");
      }
      uint32_t code = 0;
      const size_t len = utf8_sequence(p_ + i, n_ - i, code);
      if (len == 0) return fault(StanzaErrc::not_utf8, i, "invalid UTF-8 sequence");
      if (!is_xml_char(code)) return fault(StanzaErrc::bad_character, i, "U+FFFE and U+FFFF are not XML characters");
      i += len;
    }
    checked_ = i;
    return std::nullopt;
  }

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

  // name_end and ws_end return the end of the run of name characters or white space
  // from j; name_end sets high_ when the name has a non-ASCII byte (its characters then
  // need the character check).
  size_t name_end(size_t j, bool& high_) const {
    const char* const s = s_.data();
    const size_t n = n_;
    while (j < n && (kClass[static_cast<unsigned char>(s[j])] & kNameAscii) != 0) ++j;
    if (j < n && static_cast<unsigned char>(s[j]) >= 0x80) {
      high_ = true;
      while (j < n && (kClass[static_cast<unsigned char>(s[j])] & kNameChar) != 0) ++j;
    }
    return j;
  }
  size_t ws_end(size_t j) const {
    const char* const s = s_.data();
    const size_t n = n_;
    while (j < n && (kClass[static_cast<unsigned char>(s[j])] & kWs) != 0) ++j;
    return j;
  }

  std::optional<StanzaError> end_tag(size_t& i_) {
    const size_t i = i_;
    bool high = false;
    size_t j = name_end(i + 2, high);
    if (j == i + 2) return fault(StanzaErrc::bad_xml, i, "end tag without a name");
    j = ws_end(j);
    if (j >= n_ || s_[j] != '>') return fault(StanzaErrc::bad_xml, j, "end tag not closed by '>'");
    if (depth_ == 0) return fault(StanzaErrc::bad_xml, i, "end tag without a start tag");
    if (--depth_ == 0) root_ = Root::after;
    i_ = j + 1;
    clean_ = !high;
    return std::nullopt;
  }

  std::optional<StanzaError> start_tag(size_t& i_) {
    const size_t i = i_;
    if (root_ == Root::after) return fault(StanzaErrc::bad_xml, i, "a second root element");
    if (depth_ + 1 > kLimits.max_depth) {
      return fault(StanzaErrc::depth, i, "elements nest deeper than " + std::to_string(kLimits.max_depth));
    }
    // Local copies: the compiler keeps them in registers through the stores below.
    const char* const s = s_.data();
    const size_t n = n_;
    // dirty: some byte of the tag may be outside printable ASCII and white space.
    bool dirty = false;
    size_t j = name_end(i + 1, dirty);
    // Left uninitialised (only names[0, count) is read): zeroing 32 string_views cost
    // more than the rest of a typical tag.
    struct Name {
      const char* data;
      size_t size;
    };
    Name names[kLimits.max_attributes];
    size_t count = 0;
    // One bit per (size, first byte) seen: a name whose bit is clear cannot be a
    // duplicate, and skips the comparisons.
    uint64_t seen = 0;
    for (;;) {
      const size_t before_ws = j;
      j = ws_end(j);
      if (j >= n) return fault(StanzaErrc::bad_xml, i, "unterminated start tag");
      const char c = s[j];
      if (c == '>') {
        ++depth_;
        root_ = Root::inside;
        i_ = j + 1;
        clean_ = !dirty;
        return std::nullopt;
      }
      if (c == '/') {
        if (j + 1 >= n || s[j + 1] != '>') return fault(StanzaErrc::bad_xml, j, "'/' not followed by '>'");
        if (depth_ == 0) root_ = Root::after;
        i_ = j + 2;
        clean_ = !dirty;
        return std::nullopt;
      }
      if (j == before_ws) return fault(StanzaErrc::bad_xml, j, "no white space before an attribute");
      if (!is_name_start(c)) return fault(StanzaErrc::bad_xml, j, "an attribute name was expected");
      const size_t a = j;
      j = name_end(j + 1, dirty);  // a name start is a name character
      dirty |= static_cast<unsigned char>(c) >= 0x80;
      const size_t size = j - a;
      if (count == kLimits.max_attributes) {
        return fault(StanzaErrc::attribute_count, a,
                     "more than " + std::to_string(kLimits.max_attributes) + " attributes on one element");
      }
      const uint64_t bit = uint64_t{1} << ((size * 7 + static_cast<unsigned char>(c)) & 63);
      if ((seen & bit) != 0) {
        for (size_t p = 0; p < count; ++p) {
          if (names[p].size == size && std::memcmp(names[p].data, s + a, size) == 0) {
            return fault(StanzaErrc::duplicate_attribute, a, "attribute " + excerpt(s_, a, j) + " appears twice");
          }
        }
      }
      seen |= bit;
      names[count++] = Name{s + a, size};
      // name="value" needs no white-space loop (it would stop at once).
      if (j >= n || s[j] != '=') {
        j = ws_end(j);
        if (j >= n || s[j] != '=') return fault(StanzaErrc::bad_xml, j, "'=' expected after an attribute name");
      }
      ++j;
      if (j >= n || (s[j] != '"' && s[j] != '\'')) {
        j = ws_end(j);
        if (j >= n || (s[j] != '"' && s[j] != '\'')) {
          return fault(StanzaErrc::bad_xml, j, "an attribute value is quoted");
        }
      }
      const char quote = s[j++];
#if defined(__SSE2__)
      // Fastest path: a value that ends within the next 32 bytes without '<' or '&' is
      // decided from the masks of two loads, with no second look at its bytes.
      if (n - j >= 32) {
        const Masks m0 = value_masks(s + j, quote), m1 = value_masks(s + j + 16, quote);
        const uint32_t q = m0.quote | m1.quote << 16;
        const uint32_t before = (q & -q) - 1;  // the bytes before the first quote
        if (q != 0 && ((m0.stop | m1.stop << 16) & before) == 0) {
          dirty |= ((m0.odd | m1.odd << 16) & before) != 0;
          j += static_cast<size_t>(__builtin_ctz(q)) + 1;
          continue;
        }
      }
#endif
      dirty = true;  // the paths below do not track characters
      const size_t v0 = j;
      size_t decoded = 0;
      // Fast path: a value of at most max_attribute_bytes without '<' or '&' is one table
      // loop to its quote (values are short: cheaper than memchr calls); anything else
      // takes the byte loop below from the value's start, which gives the same answers.
      {
        const uint8_t stop = quote == '"' ? kStopDouble : kStopSingle;
        const size_t limit = n - j > kLimits.max_attribute_bytes ? j + kLimits.max_attribute_bytes + 1 : n;
        size_t k = plain_run(j, limit, quote);
        while (k < limit && (kClass[static_cast<unsigned char>(s[k])] & stop) == 0) ++k;
        if (k < limit && s[k] == quote) {
          j = k + 1;
          continue;
        }
      }
      for (;;) {
        // A value ends well before the limit or is refused at it: a value that claims to
        // run on for 100 MB costs 4 KiB of scanning.
        if (decoded > kLimits.max_attribute_bytes) {
          return fault(StanzaErrc::attribute_length, v0,
                       "attribute " + excerpt(s_, a, a + size) + " is longer than " +
                           std::to_string(kLimits.max_attribute_bytes) + " bytes");
        }
        if (j >= n) return fault(StanzaErrc::bad_xml, v0 - 1, "unterminated attribute value");
        const char v = s[j];
        if (v == quote) break;
        if (v == '<') return fault(StanzaErrc::bad_xml, j, "'<' inside an attribute value");
        if (v == '&') {
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

#if defined(__SSE2__)
  // Masks are the bits of 16 bytes that are the quote, '<' or '&' (stop), or outside
  // printable ASCII (odd).
  struct Masks {
    uint32_t quote, stop, odd;
  };
  static Masks value_masks(const char* p, char quote) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i stop = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('<')), _mm_cmpeq_epi8(v, _mm_set1_epi8('&')));
    return Masks{
        static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(quote)))),
        static_cast<uint32_t>(_mm_movemask_epi8(stop)),
        // As signed bytes, exactly those below 0x20 or from 0x80 up are below 0x20.
        static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)))),
    };
  }
#endif

  // plain_run skips whole 16-byte blocks from j (up to limit) that hold no quote, '<'
  // or '&'; the byte loop after it finishes the run.
  size_t plain_run(size_t j, size_t limit, char quote) const {
#if defined(__SSE2__)
    const __m128i q = _mm_set1_epi8(quote), lt = _mm_set1_epi8('<'), amp = _mm_set1_epi8('&');
    while (limit - j >= 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s_.data() + j));
      const __m128i hit =
          _mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_or_si128(_mm_cmpeq_epi8(v, lt), _mm_cmpeq_epi8(v, amp)));
      const int mask = _mm_movemask_epi8(hit);
      if (mask != 0) return j + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
      j += 16;
    }
#else
    (void)limit;
    (void)quote;
#endif
    return j;
  }

  std::string_view s_;
  size_t n_;
  const uint8_t* p_;
  size_t checked_ = 0;
  bool clean_ = false;  // the last tag's bytes were all printable ASCII or white space
  int depth_ = 0;
  Root root_ = Root::before;
};

}  // namespace

std::optional<StanzaError> scan(std::string_view bytes) {
  if (bytes.size() > kLimits.max_stanza_bytes) {
    // Only "more than": a reader may have stopped at the limit plus one byte.
    return fault(StanzaErrc::too_large, kLimits.max_stanza_bytes,
                 "the stanza is more than " + std::to_string(kLimits.max_stanza_bytes) + " bytes");
  }
  return Scanner(bytes).run();
}

}  // namespace parity::stanza
