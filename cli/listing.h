// listing.h: the catalogue as text (`parity list`) and as Markdown (`parity list
// --markdown`, committed as docs/catalogue.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/runner/check.h"

namespace parity::harness {

// catalogue_lines is one line per requirement: ID, level, group, title.
std::string catalogue_lines();

// catalogue_markdown is docs/catalogue.md: the requirements, and for each one its
// checks (with the file and line that write them), the mutants that must fail it, the
// tests that show its checks bite and its documentation: one hop from requirement to code.
std::string catalogue_markdown(const Registry& registry);

// GroupProof names, for a requirement group, the tests that exercise its checks against
// targets that break them and the page that explains the group.
struct GroupProof {
  std::string_view group;
  std::vector<std::string_view> tests;  // repository paths
  std::string_view doc;                 // a repository path
};
const std::vector<GroupProof>& group_proofs();

// check_lines is one line per registered check: id, requirement, needs, description.
std::string check_lines(const Registry& registry);

}  // namespace parity::harness
