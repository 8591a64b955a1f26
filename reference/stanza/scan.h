// scan.h: the lexical pass over a stanza's bytes, before pugixml sees them. pugixml
// checks well-formedness but not the profile: it does not validate UTF-8, keeps unknown
// entity references and bare '&' as text, accepts duplicate attributes, several root
// elements and text outside the root, and builds arbitrarily deep trees. scan refuses
// all of that with exact byte offsets, in linear time and constant memory, so that a
// hostile stanza never reaches the tree builder.
#pragma once

#include <optional>
#include <string_view>

#include "reference/stanza/profile.h"

namespace parity::stanza {

// scan checks, in one pass, the size limit and the character rules: every byte belongs
// to a UTF-8 XML character (not_utf8, nul_byte, bad_character); then the markup rules:
// no DOCTYPE, markup declaration, processing instruction or comment; only predefined
// entities and valid character references; depth, attribute count, attribute length and
// duplicate attributes; one root element and no text outside it. too_large comes first
// and a character fault wins over a markup fault wherever they stand; among faults of a
// kind, the first wins.
std::optional<StanzaError> scan(std::string_view bytes);

}  // namespace parity::stanza
