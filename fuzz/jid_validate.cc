// jid_validate.cc: the id, JID and DNS-name validators against slow reference
// implementations written here from the rules (stanzas.md, RFC 1035, RFC 7622's
// excluded local-part characters), on different lines of reasoning: split first, then
// check each part. The first input byte picks the validator; the rest is the text.
// Properties: both agree on valid/invalid, and a refusal's offset is inside the text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "reference/stanza/jid.h"

namespace {

bool slow_id(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  const std::string allowed = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._-";
  for (char c : s) {
    if (allowed.find(c) == std::string::npos) return false;
  }
  return true;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) return out;
    start = p + 1;
  }
}

bool slow_dns(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  for (std::string_view label : split(s, '.')) {
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) return false;
    }
  }
  return true;
}

bool slow_local(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  const std::string excluded = "\"&'/:<>@";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || excluded.find(c) != std::string::npos) return false;
  }
  return true;
}

// slow_utf8_printable decodes by the well-formed byte sequences of Unicode's Table 3-7
// and refuses control characters (C0, DEL, C1) and the noncharacters U+FFFE, U+FFFF.
bool slow_resource(std::string_view s) {
  if (s.empty() || s.size() > 1023) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  auto in = [](unsigned char b, unsigned lo, unsigned hi) { return b >= lo && b <= hi; };
  for (size_t i = 0; i < n;) {
    const unsigned char b = p[i];
    uint32_t cp = 0;
    size_t len = 0;
    if (b <= 0x7f) {
      cp = b;
      len = 1;
    } else if (in(b, 0xc2, 0xdf) && i + 1 < n && in(p[i + 1], 0x80, 0xbf)) {
      cp = ((b & 0x1fu) << 6) | (p[i + 1] & 0x3fu);
      len = 2;
    } else if (i + 2 < n && in(p[i + 2], 0x80, 0xbf) &&
               ((b == 0xe0 && in(p[i + 1], 0xa0, 0xbf)) || (in(b, 0xe1, 0xec) && in(p[i + 1], 0x80, 0xbf)) ||
                (b == 0xed && in(p[i + 1], 0x80, 0x9f)) || (in(b, 0xee, 0xef) && in(p[i + 1], 0x80, 0xbf)))) {
      cp = ((b & 0x0fu) << 12) | ((p[i + 1] & 0x3fu) << 6) | (p[i + 2] & 0x3fu);
      len = 3;
    } else if (i + 3 < n && in(p[i + 2], 0x80, 0xbf) && in(p[i + 3], 0x80, 0xbf) &&
               ((b == 0xf0 && in(p[i + 1], 0x90, 0xbf)) || (in(b, 0xf1, 0xf3) && in(p[i + 1], 0x80, 0xbf)) ||
                (b == 0xf4 && in(p[i + 1], 0x80, 0x8f)))) {
      cp = ((b & 0x07u) << 18) | ((p[i + 1] & 0x3fu) << 12) | ((p[i + 2] & 0x3fu) << 6) | (p[i + 3] & 0x3fu);
      len = 4;
    } else {
      return false;
    }
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff) return false;
    i += len;
  }
  return true;
}

bool slow_jid(std::string_view s, parity::stanza::LocalPart local) {
  const size_t slash = s.find('/');
  const std::string_view bare = s.substr(0, slash);
  const std::vector<std::string_view> at = split(bare, '@');
  if (at.size() > 2) return false;
  if (at.size() == 1 && local == parity::stanza::LocalPart::required) return false;
  if (at.size() == 2 && !slow_local(at[0])) return false;
  if (!slow_dns(at.back())) return false;
  return slash == std::string_view::npos || slow_resource(s.substr(slash + 1));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace parity;
  using stanza::LocalPart;
  const ByteView input(data, size);
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::optional<stanza::TextFault> fault;
  bool slow = false;
  switch (data[0] % 4) {
    case 0:
      fault = stanza::check_stanza_id(text);
      slow = slow_id(text);
      break;
    case 1:
      fault = stanza::check_jid(text, LocalPart::required);
      slow = slow_jid(text, LocalPart::required);
      break;
    case 2:
      fault = stanza::check_jid(text, LocalPart::optional);
      slow = slow_jid(text, LocalPart::optional);
      break;
    default:
      fault = stanza::check_dns_name(text);
      slow = slow_dns(text);
      break;
  }
  fuzz::require(fault.has_value() == !slow, "the validator agrees with the slow reference", input);
  if (fault) fuzz::require(fault->offset <= text.size(), "a refusal's offset is inside the text", input);
  return 0;
}
