// profile.h: the stanza profile (docs: the shared spec stanzas.md) in ONE place: every
// limit and every rule a stanza can break, with the name its refusal carries. When the
// gatekeeper's real specification moves, this file is what follows it; the lexer
// (scan.cc), the typed parser (stanza.cc), the validators (jid.cc, base64.cc), the
// corpus manifest (vectors/stanza/manifest.json) and the tests all name rules from here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "base/result.h"

namespace parity::stanza {

// Limits are the profile's numeric bounds.
struct Limits {
  size_t max_stanza_bytes = size_t{1} << 20;     // 1 MiB, the whole stanza as received
  int max_depth = 16;                            // element nesting, the root is depth 1
  size_t max_attributes = 32;                    // per element
  size_t max_attribute_bytes = 4096;             // a value, after entity decoding
  size_t max_payload_bytes = size_t{256} << 10;  // one decoded base64 field (enc's ciphertext)
  size_t max_id_bytes = 64;                      // stanza ids: 1..64 of [0-9A-Za-z._-]
  size_t max_local_bytes = 64;                   // JID local part
  size_t max_domain_bytes = 253;                 // a DNS name (RFC 1035), without a final dot
  size_t max_label_bytes = 63;                   // one DNS label
  size_t max_resource_bytes = 1023;              // JID resource (RFC 7622)
  size_t max_decimal_digits = 20;                // t, count, v: they fit in 64 bits
};

// kLimits is the profile in force.
inline constexpr Limits kLimits{};

// PARITY_STANZA_RULES lists every rule as X(code, what the rule demands). The order is
// the order of the StanzaErrc enum; names are stable (the manifest and the CLI print them).
#define PARITY_STANZA_RULES(X)                                                                                   \
  X(too_large, "a stanza is at most 1 MiB")                                                                      \
  X(not_utf8, "the bytes are UTF-8 (RFC 6120 11.6): no bad, overlong or surrogate sequence")                     \
  X(nul_byte, "no NUL byte")                                                                                     \
  X(bad_character, "only XML 1.0 characters: no control characters but tab, LF and CR, no U+FFFE/U+FFFF")        \
  X(doctype, "no DOCTYPE (RFC 6120 11.1)")                                                                       \
  X(dtd, "no markup declaration (ENTITY, ELEMENT, ATTLIST, NOTATION) (RFC 6120 11.1)")                           \
  X(entity, "no entity reference but lt, gt, amp, apos and quot (RFC 6120 11.1)")                                \
  X(bad_character_reference, "a character reference names an XML character")                                     \
  X(processing_instruction, "no processing instruction and no XML declaration (RFC 6120 11.1)")                  \
  X(comment, "no comment (RFC 6120 11.1)")                                                                       \
  X(bad_xml, "well-formed XML with one root element")                                                            \
  X(depth, "elements nest at most 16 deep")                                                                      \
  X(attribute_count, "at most 32 attributes per element")                                                        \
  X(attribute_length, "an attribute value is at most 4 KiB")                                                     \
  X(duplicate_attribute, "an attribute appears once per element")                                                \
  X(unknown_stanza, "the root element is message, iq or receipt")                                                \
  X(missing_attribute, "every required attribute is present")                                                    \
  X(missing_element, "every required child element is present")                                                  \
  X(duplicate_element, "an element the profile allows once appears once")                                        \
  X(enc_and_participants, "a message holds one enc or one participants element, not both")                       \
  X(unknown_attribute, "enc has only the attributes v, type and mediatype")                                      \
  X(unknown_element, "enc holds text only")                                                                      \
  X(bad_id, "an id is 1 to 64 of [0-9A-Za-z._-]")                                                                \
  X(bad_jid, "a JID is local@domain[/resource]: local 1..64 bytes, domain a DNS name")                           \
  X(bad_timestamp, "t is decimal seconds: no sign, no leading zero, at most 20 digits, fits 64 bits")            \
  X(bad_number, "count and v are decimal: no sign, no leading zero, fit 64 bits")                                \
  X(bad_type, "message type is text or media; iq type is result; receipt type is retry")                         \
  X(unknown_enc_type, "enc type is pkmsg, msg or skmsg")                                                         \
  X(bad_version, "enc v is 2")                                                                                   \
  X(bad_mediatype, "enc mediatype is image, video, audio, ptt or document")                                      \
  X(bad_base64, "binary text is padded base64 (RFC 4648 section 4), canonical, with no white space")             \
  X(payload_too_large, "a decoded payload is at most 256 KiB")                                                   \
  X(bad_length, "fixed-size fields have their size: registration 4, identity 32, ids 3, value 32, signature 64") \
  X(bad_key_type, "the key type is 0x05 (Curve25519)")

// StanzaErrc names the rule a refused stanza breaks.
enum class StanzaErrc {
#define PARITY_STANZA_ENUM_(code, what) code,
  PARITY_STANZA_RULES(PARITY_STANZA_ENUM_)
#undef PARITY_STANZA_ENUM_
};

// Rule is one row of the rule table.
struct Rule {
  StanzaErrc code;
  std::string_view name;
  std::string_view what;
};

// kRules is the rule table, in enum order.
inline constexpr Rule kRules[] = {
#define PARITY_STANZA_ROW_(code, what) Rule{StanzaErrc::code, #code, what},
    PARITY_STANZA_RULES(PARITY_STANZA_ROW_)
#undef PARITY_STANZA_ROW_
};

// to_string returns a code's rule name ("depth", "bad_base64", ...).
constexpr std::string_view to_string(StanzaErrc code) {
  return kRules[static_cast<size_t>(code)].name;
}

// parse_errc maps a rule name back to its code (the manifest names codes by text).
std::optional<StanzaErrc> parse_errc(std::string_view name);

// StanzaError is a refusal: the rule broken, the byte offset in the stanza where it was
// found, and a sentence for people.
struct StanzaError {
  StanzaErrc code = StanzaErrc::bad_xml;
  size_t offset = 0;
  std::string message;
};

// StanzaResult holds either a value of T or the StanzaError that refused the input; a
// refusal never comes with a partly filled value.
template <class T>
using StanzaResult = BasicResult<T, StanzaError>;

}  // namespace parity::stanza
