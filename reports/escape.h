// escape.h: every string a report prints passes through here. Results hold text a
// target wrote (refusal details, stderr, PTP lines): it is attacker-controlled, so it
// is made valid UTF-8, stripped of what XML forbids, and escaped for its context.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/text_clean.h"

namespace parity::reports {

// clean_text and truncate_utf8 are base's one policy (base/text_clean.h).
using parity::clean_text;
using parity::truncate_utf8;

// html_escape is clean_text with & < > " ' escaped: safe in element content and in
// double- or single-quoted attribute values, in HTML and in XML.
std::string html_escape(std::string_view s);

// markdown_escape is for one Markdown table cell or inline text: clean_text, newlines
// and tabs folded to spaces, HTML metacharacters as entities (GitHub renders raw HTML)
// and Markdown punctuation backslash-escaped, pipes included.
std::string markdown_escape(std::string_view s);

// markdown_code is s as an inline code span (backticks included): code spans show
// their text literally, so only backticks, pipes and newlines are replaced.
std::string markdown_code(std::string_view s);

// anchor_id turns a check id into an HTML id: letters, digits, '-', '_' and '.' kept,
// everything else as _XX (hex), prefixed with "c-".
std::string anchor_id(std::string_view check);

}  // namespace parity::reports
