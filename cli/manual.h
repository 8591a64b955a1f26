// manual.h: the man-style sections of `parity --help` (DESCRIPTION, EXIT STATUS, FILES,
// ENVIRONMENT, EXAMPLES, SEE ALSO) and the parity(1) manual page, which `parity help
// --man` writes from the same text and the options CLI11 knows, so that the page the
// package installs and the built-in help cannot drift apart.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace parity::harness {

// help_footer is the sections after CLI11's usage and option list, as plain text.
std::string help_footer();

// man_page renders the whole manual in roff (man(7)): NAME, SYNOPSIS, the sections and
// every command with its options, from app.
std::string man_page(const CLI::App& app);

}  // namespace parity::harness
