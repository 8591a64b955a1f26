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

// scan_characters checks the size limit and that every byte belongs to a UTF-8 XML
// character (not_utf8, nul_byte, bad_character); the first fault wins.
std::optional<StanzaError> scan_characters(std::string_view bytes);

// scan_markup checks the markup rules on bytes that passed scan_characters: no DOCTYPE,
// markup declaration, processing instruction or comment; only predefined entities and
// valid character references; depth, attribute count, attribute length and duplicate
// attributes; one root element and no text outside it. Returns the first fault.
std::optional<StanzaError> scan_markup(std::string_view bytes);

}  // namespace parity::stanza
