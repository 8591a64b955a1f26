#include "reference/stanza/jid.h"

#include <array>
#include <cstdint>

#include "reference/stanza/profile.h"
#include "base/utf8.h"

namespace parity::stanza {

namespace {

// kClass gives each byte its character classes: one table lookup per byte instead of
// chains of comparisons.
enum : uint8_t {
  kId = 1,     // [0-9A-Za-z._-]
  kDns = 2,    // [0-9A-Za-z-]
  kLocal = 4,  // printable ASCII but "&'/:<>@
};
constexpr std::array<uint8_t, 256> make_class_table() {
  std::array<uint8_t, 256> t{};
  for (size_t c = 0; c < 256; ++c) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    uint8_t v = 0;
    if (alnum || c == '.' || c == '_' || c == '-') v |= kId;
    if (alnum || c == '-') v |= kDns;
    if (c >= 0x21 && c <= 0x7e) {
      switch (c) {
        case '"':
        case '&':
        case '\'':
        case '/':
        case ':':
        case '<':
        case '>':
        case '@':
          break;
        default:
          v |= kLocal;
      }
    }
    t[c] = v;
  }
  return t;
}
constexpr std::array<uint8_t, 256> kClass = make_class_table();

bool is(char c, uint8_t cls) {
  return (kClass[static_cast<unsigned char>(c)] & cls) != 0;
}

}  // namespace

std::optional<TextFault> check_stanza_id(std::string_view id) {
  if (id.empty()) return TextFault{0, "an id is not empty"};
  // A bad character within the first 64 is reported before the length.
  const size_t n = id.size() < kLimits.max_id_bytes ? id.size() : kLimits.max_id_bytes;
  for (size_t i = 0; i < n; ++i) {
    if (!is(id[i], kId)) return TextFault{i, "an id holds only [0-9A-Za-z._-]"};
  }
  if (id.size() > kLimits.max_id_bytes) return TextFault{kLimits.max_id_bytes, "an id is at most 64 characters"};
  return std::nullopt;
}

std::optional<TextFault> check_dns_name(std::string_view name) {
  if (name.empty()) return TextFault{0, "a domain is not empty"};
  const size_t n = name.size();
  // Bytes from kLimits.max_domain_bytes on are never looked at: the first of them is the
  // fault, unless one comes before it.
  const size_t lim = n < kLimits.max_domain_bytes ? n : kLimits.max_domain_bytes;
  size_t i = 0;
  for (;;) {
    // One label: its run of letters, digits and hyphens, then what ends it. Faults
    // inside the run come in the order of their offsets.
    const size_t start = i;
    while (i < lim && is(name[i], kDns)) ++i;
    if (i > start && name[start] == '-') return TextFault{start, "a domain label does not start with a hyphen"};
    if (i - start > kLimits.max_label_bytes) {
      return TextFault{start + kLimits.max_label_bytes, "a domain label is at most 63 bytes"};
    }
    if (i == lim && lim < n) return TextFault{i, "a domain is at most 253 bytes"};
    if (i == n || name[i] == '.') {
      if (i == start) return TextFault{i, "a domain label is not empty"};
      if (name[i - 1] == '-') return TextFault{i - 1, "a domain label does not end with a hyphen"};
      if (i == n) return std::nullopt;
      ++i;
      continue;
    }
    if (i - start == kLimits.max_label_bytes) return TextFault{i, "a domain label is at most 63 bytes"};
    return TextFault{i, "a domain holds only letters, digits, hyphens and dots"};
  }
}

std::optional<TextFault> check_jid(std::string_view jid, LocalPart local) {
  const size_t slash = jid.find('/');
  const std::string_view bare = jid.substr(0, slash);
  const size_t at = bare.find('@');
  size_t domain_start = 0;
  if (at == std::string_view::npos) {
    if (local == LocalPart::required) return TextFault{0, "a JID is local@domain"};
  } else {
    if (at == 0) return TextFault{0, "a JID's local part is not empty"};
    const size_t n = at < kLimits.max_local_bytes ? at : kLimits.max_local_bytes;
    for (size_t i = 0; i < n; ++i) {
      if (!is(jid[i], kLocal)) return TextFault{i, "a JID's local part holds printable ASCII but \"&'/:<>@"};
    }
    if (at > kLimits.max_local_bytes) {
      return TextFault{kLimits.max_local_bytes, "a JID's local part is at most 64 bytes"};
    }
    domain_start = at + 1;
  }
  if (auto f = check_dns_name(bare.substr(domain_start))) return TextFault{domain_start + f->offset, f->reason};
  if (slash == std::string_view::npos) return std::nullopt;
  const size_t r0 = slash + 1;
  if (r0 == jid.size()) return TextFault{r0, "a JID's resource is not empty"};
  const auto* p = reinterpret_cast<const uint8_t*>(jid.data());
  for (size_t i = r0; i < jid.size();) {
    const uint8_t c = p[i];
    size_t len = 1;
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) return TextFault{i, "a JID's resource holds no control character"};
    } else {
      uint32_t code = 0;
      len = utf8_sequence(p + i, jid.size() - i, code);
      if (len == 0) return TextFault{i, "a JID's resource is UTF-8"};
      if (!is_xml_char(code) || code <= 0x9f) return TextFault{i, "a JID's resource holds no control character"};
    }
    if (i + len - r0 > kLimits.max_resource_bytes) return TextFault{i, "a JID's resource is at most 1023 bytes"};
    i += len;
  }
  return std::nullopt;
}

}  // namespace parity::stanza
