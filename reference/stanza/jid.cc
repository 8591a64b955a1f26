#include "reference/stanza/jid.h"

#include <cstdint>

#include "reference/stanza/profile.h"
#include "reference/stanza/utf8.h"

namespace parity::stanza {

namespace {

bool is_id_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '.' || c == '_' || c == '-';
}

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool is_local_char(char c) {
  if (c < 0x21 || c > 0x7e) return false;
  switch (c) {
    case '"':
    case '&':
    case '\'':
    case '/':
    case ':':
    case '<':
    case '>':
    case '@':
      return false;
    default:
      return true;
  }
}

}  // namespace

std::optional<TextFault> check_stanza_id(std::string_view id) {
  if (id.empty()) return TextFault{0, "an id is not empty"};
  for (size_t i = 0; i < id.size(); ++i) {
    if (i == kLimits.max_id_bytes) return TextFault{i, "an id is at most 64 characters"};
    if (!is_id_char(id[i])) return TextFault{i, "an id holds only [0-9A-Za-z._-]"};
  }
  return std::nullopt;
}

std::optional<TextFault> check_dns_name(std::string_view name) {
  if (name.empty()) return TextFault{0, "a domain is not empty"};
  size_t label_start = 0;
  for (size_t i = 0; i <= name.size(); ++i) {
    if (i == kLimits.max_domain_bytes && i < name.size()) return TextFault{i, "a domain is at most 253 bytes"};
    if (i == name.size() || name[i] == '.') {
      const size_t len = i - label_start;
      if (len == 0) return TextFault{i, "a domain label is not empty"};
      if (name[i - 1] == '-') return TextFault{i - 1, "a domain label does not end with a hyphen"};
      label_start = i + 1;
      continue;
    }
    const char c = name[i];
    if (i - label_start == kLimits.max_label_bytes) return TextFault{i, "a domain label is at most 63 bytes"};
    if (c == '-') {
      if (i == label_start) return TextFault{i, "a domain label does not start with a hyphen"};
    } else if (!is_alnum(c)) {
      return TextFault{i, "a domain holds only letters, digits, hyphens and dots"};
    }
  }
  return std::nullopt;
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
    for (size_t i = 0; i < at; ++i) {
      if (i == kLimits.max_local_bytes) return TextFault{i, "a JID's local part is at most 64 bytes"};
      if (!is_local_char(jid[i])) return TextFault{i, "a JID's local part holds printable ASCII but \"&'/:<>@"};
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
