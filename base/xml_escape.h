// xml_escape.h: the characters XML text and double-quoted attribute values must escape,
// in one place for every writer of XML or HTML (the stanza writer, JUnit, the report).
#pragma once

#include <string>
#include <string_view>

namespace parity {

// xml_entity returns the predefined entity that stands for c (&amp; &lt; &gt; &quot;),
// or an empty view when c may stand for itself. Writers add what their context needs
// beyond these (an apostrophe, white space in attributes, Markdown punctuation).
constexpr std::string_view xml_entity(char c) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '"':
      return "&quot;";
    default:
      return {};
  }
}

// append_xml_char appends c to out_, as its entity when it has one.
inline void append_xml_char(std::string& out_, char c) {
  if (const std::string_view e = xml_entity(c); !e.empty()) {
    out_ += e;
  } else {
    out_ += c;
  }
}

}  // namespace parity
