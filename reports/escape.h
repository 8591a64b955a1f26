// escape.h: every string a report prints passes through here. Results hold text a
// target wrote (refusal details, stderr, PTP lines): it is attacker-controlled, so it
// is made valid UTF-8, stripped of what XML forbids, and escaped for its context.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace parity::reports {

// clean_text makes s valid UTF-8 that XML 1.0 accepts: invalid bytes and the
// noncharacters U+FFFE/U+FFFF become U+FFFD, and C0 controls other than tab, newline
// and carriage return (and DEL) become their visible Control Pictures (U+2400 + c,
// U+2421), so a NUL in a target's output shows as "␀" instead of vanishing.
std::string clean_text(std::string_view s);

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

// truncate_utf8 cuts s to at most max_bytes without splitting a UTF-8 sequence.
std::string_view truncate_utf8(std::string_view s, size_t max_bytes);

// anchor_id turns a check id into an HTML id: letters, digits, '-', '_' and '.' kept,
// everything else as _XX (hex), prefixed with "c-".
std::string anchor_id(std::string_view check);

}  // namespace parity::reports
