// catalogue.h: the requirement catalogue of requirements.md, in one place. `parity
// list`, docs/catalogue.md, the runner and the reports all read it from here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parity::harness {

// Level is how much a requirement weighs.
enum class Level { must, should, info };
std::string_view to_string(Level level);

// Profile is the set of requirement groups a target is held to.
enum class Profile { signal, equivalent };
std::string_view to_string(Profile profile);
std::optional<Profile> parse_profile(std::string_view s);

// Requirement is one catalogue entry. IDs are public interface: never rename them.
struct Requirement {
  std::string_view id;     // e.g. "FS-1"
  std::string_view group;  // e.g. "FS"
  Level level;
  bool signal_only;        // only in profile signal (KAT-2, SIG-*)
  std::string_view title;  // one line
  std::string_view text;   // the catalogue's statement
};

// Group describes a requirement group.
struct Group {
  std::string_view id;
  std::string_view title;
};

const std::vector<Requirement>& catalogue();
const std::vector<Group>& groups();
const Requirement* find_requirement(std::string_view id);

// Capability is one optional part of PTP a target may declare in hello (docs/ptp.md).
// Checks name what they need with these, so a misspelt capability cannot compile; the
// spellings are PTP's and public interface.
enum class Capability {
  export_state,   // "export"
  import_state,   // "import"
  deterministic,  // "deterministic"
  inject,         // "inject"
  primitives,     // "primitives"
  media,          // "media"
  media_file,     // "media_file" (PTP 1.2)
  stanza,         // "stanza"
  group,          // "group" (PTP 1.3)
  group_update,   // "group_update" (PTP 1.3)
  group_forge,    // "group_forge" (PTP 1.3)
};
std::string_view to_string(Capability c);
std::optional<Capability> parse_capability(std::string_view s);

// profile_requires tells whether a profile requires a capability (a check that needs
// it is then not-tested, a failure of its level, when the target lacks it).
bool profile_requires(Profile profile, Capability capability);

// applies tells whether a requirement belongs to a profile.
bool applies(const Requirement& r, Profile profile);

}  // namespace parity::harness
