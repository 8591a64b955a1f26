// text_clean.h: the one policy for text a target wrote (refusal details, stderr, PTP
// lines) before any writer prints it: it is attacker-controlled, so it is made valid
// UTF-8 that XML 1.0 accepts. JUnit, HTML and Markdown all start from clean_text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace parity {

// clean_text makes s valid UTF-8 that XML 1.0 accepts: invalid bytes and the
// noncharacters U+FFFE/U+FFFF become U+FFFD, and C0 controls other than tab, newline
// and carriage return (and DEL) become their visible Control Pictures (U+2400 + c,
// U+2421), so a NUL in a target's output shows as "␀" instead of vanishing.
std::string clean_text(std::string_view s);

// truncate_utf8 cuts s to at most max_bytes without splitting a UTF-8 sequence.
std::string_view truncate_utf8(std::string_view s, size_t max_bytes);

}  // namespace parity
