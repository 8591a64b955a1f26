#include "harness/runner/waivers.h"

#include "base/file_io.h"

namespace parity::harness {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

HarnessError at(const std::string& file, int line, const std::string& what) {
  return harness_error(HarnessErrc::bad_input, file + ":" + std::to_string(line) + ": " + what);
}

}  // namespace

const Waiver* Waivers::find(const CheckDef& check) const {
  if (auto it = by_id_.find(check.id); it != by_id_.end()) return &it->second;
  if (auto it = by_id_.find(check.requirement); it != by_id_.end()) return &it->second;
  return nullptr;
}

HarnessResult<Waivers> Waivers::parse(std::string_view text, const std::string& file_name, const Registry& registry) {
  Waivers out;
  int line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return at(file_name, line_no, "expected 'ID: reason', found no ':'");
    }
    std::string id(trim(line.substr(0, colon)));
    const std::string reason(trim(line.substr(colon + 1)));
    if (id.empty()) return at(file_name, line_no, "missing id before ':'");
    if (find_requirement(id) == nullptr && registry.find(id) == nullptr) {
      return at(file_name, line_no, "unknown requirement or check id '" + id + "'");
    }
    // A former check id (an alias) waives the check under its current id.
    if (const CheckDef* c = registry.find(id); c != nullptr) id = c->id;
    if (reason.empty()) return at(file_name, line_no, "waiver of " + id + " has no reason (a reason is mandatory)");
    if (auto it = out.by_id_.find(id); it != out.by_id_.end()) {
      return at(file_name, line_no, id + " is already waived on line " + std::to_string(it->second.line));
    }
    out.by_id_.emplace(id, Waiver{id, reason, line_no});
  }
  return out;
}

HarnessResult<Waivers> Waivers::load(const std::string& path, const Registry& registry) {
  auto text = read_file(path);
  if (!text.ok()) return harness_error(HarnessErrc::io, path + ": cannot read the waiver file");
  return parse(*text, path, registry);
}

}  // namespace parity::harness
