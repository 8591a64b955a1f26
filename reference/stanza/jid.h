// jid.h: the validators of stanza ids and JIDs (stanzas.md, "Message"). Their rules and
// limits come from profile.h; each refusal says where in the text it was found.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace parity::stanza {

// TextFault is why a text breaks a rule, and the byte offset in it where it does.
struct TextFault {
  size_t offset = 0;
  std::string_view reason;  // a static sentence
};

// LocalPart says whether a JID must name an account (local@domain) or may be a bare
// domain (the `from` of a key bundle iq is the provider's domain).
enum class LocalPart { required, optional };

// check_stanza_id checks 1 to 64 of [0-9A-Za-z._-].
std::optional<TextFault> check_stanza_id(std::string_view id);

// check_dns_name checks a DNS name (RFC 1035 preferred syntax, as hostnames use it):
// dot-separated labels of 1..63 letters, digits and hyphens, no hyphen first or last,
// at most 253 bytes, no final dot.
std::optional<TextFault> check_dns_name(std::string_view name);

// check_jid checks local@domain[/resource]: local 1..64 bytes of printable ASCII but
// `"&'/:<>@` (RFC 7622's excluded characters; this profile keeps local parts ASCII),
// domain a DNS name, resource 1..1023 bytes of printable ASCII or non-ASCII UTF-8.
std::optional<TextFault> check_jid(std::string_view jid, LocalPart local = LocalPart::required);

}  // namespace parity::stanza
