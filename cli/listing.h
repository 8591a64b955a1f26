// listing.h: the catalogue as text (`parity list`) and as Markdown (`parity list
// --markdown`, committed as docs/catalogue.md).
#pragma once

#include <string>

#include "harness/runner/check.h"

namespace parity::harness {

// catalogue_lines is one line per requirement: ID, level, group, title.
std::string catalogue_lines();

// catalogue_markdown is docs/catalogue.md.
std::string catalogue_markdown();

// check_lines is one line per registered check: id, requirement, needs, description.
std::string check_lines(const Registry& registry);

}  // namespace parity::harness
