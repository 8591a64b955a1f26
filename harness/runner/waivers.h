// waivers.h: the provider's waiver file. A waiver turns a `fail` or `error` of the
// named requirement (or single check) into `waived`, with the reason shown beside it.
//
// Format (docs/cli.md): UTF-8 text, one waiver per line, `ID: reason`. ID is a
// requirement id (`AKE-6`, all its checks) or a check id (`KAT-1.aes256_gcm`, that
// check only). The reason is mandatory and non-empty. Lines that are empty or whose
// first non-blank character is `#` are ignored; a `#` later in a line is part of the
// reason. An unknown id, a missing reason or an id named twice is an input error.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "harness/runner/check.h"
#include "harness/errors.h"

namespace parity::harness {

// Waiver is one line of a waiver file.
struct Waiver {
  std::string id;
  std::string reason;
  int line = 0;
};

// Waivers is a parsed waiver file.
class Waivers {
 public:
  // find returns the waiver that covers a check: one naming the check itself wins over
  // one naming its requirement.
  const Waiver* find(const CheckDef& check) const;
  bool empty() const { return by_id_.empty(); }
  const std::map<std::string, Waiver>& all() const { return by_id_; }

  // parse reads a waiver file's text; errors are one line, "FILE:LINE: what".
  static HarnessResult<Waivers> parse(std::string_view text, const std::string& file_name, const Registry& registry);
  // load reads and parses a file.
  static HarnessResult<Waivers> load(const std::string& path, const Registry& registry);

 private:
  std::map<std::string, Waiver> by_id_;
};

}  // namespace parity::harness
