#include "harness/runner/check.h"

#include <array>
#include <utility>

namespace parity::harness {

namespace {

struct VerdictName {
  Verdict verdict;
  std::string_view name;
};

// kVerdictNames is the one table of verdict spellings; results files and waivers
// use these strings, so they are public interface.
constexpr std::array<VerdictName, 6> kVerdictNames = {{
    {Verdict::pass, "pass"},
    {Verdict::fail, "fail"},
    {Verdict::error, "error"},
    {Verdict::not_applicable, "not-applicable"},
    {Verdict::not_tested, "not-tested"},
    {Verdict::waived, "waived"},
}};

}  // namespace

std::string_view to_string(Verdict v) {
  for (const auto& entry : kVerdictNames) {
    if (entry.verdict == v) return entry.name;
  }
  return "error";
}

std::optional<Verdict> parse_verdict(std::string_view s) {
  for (const auto& entry : kVerdictNames) {
    if (entry.name == s) return entry.verdict;
  }
  return std::nullopt;
}

CheckOutcome CheckOutcome::error(const Violation& v) {
  CheckOutcome out;
  out.verdict = Verdict::error;
  out.summary = "the target violated PTP (" + std::string(to_string(v.kind)) + ")";
  if (!v.detail.empty()) out.summary += ": " + v.detail;
  if (!v.stderr_tail.empty()) out.observations.push_back("target stderr (tail): " + v.stderr_tail);
  return out;
}

CheckOutcome CheckOutcome::unexpected_refusal(const std::string& what, const Refusal& r) {
  CheckOutcome out;
  out.verdict = Verdict::fail;
  out.summary = what + " was refused (" + std::string(ptp::to_string(r.code)) + ")";
  if (!r.detail.empty()) out.summary += ": " + r.detail;
  return out;
}

std::vector<std::string> CheckDef::capability_names() const {
  std::vector<std::string> out;
  for (Capability c : needs) out.emplace_back(to_string(c));
  return out;
}

bool is_check_name(std::string_view name) {
  if (name.empty() || name.front() == '-' || name.back() == '-') return false;
  char prev = 0;
  for (char c : name) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!word && c != '-') return false;
    if (c == '-' && prev == '-') return false;
    prev = c;
  }
  return true;
}

void Registry::add(CheckDef def) {
  // Registration mistakes are programming errors of a suite; they are collected rather
  // than thrown so the CLI can name all of them at once and refuse to run.
  if (def.id.empty()) {
    errors_.push_back("a check without an id (requirement '" + def.requirement + "')");
    return;
  }
  if (find_requirement(def.requirement) == nullptr) {
    errors_.push_back("check " + def.id + ": unknown requirement id '" + def.requirement + "'");
    return;
  }
  const std::string prefix = def.requirement + ".";
  if (!def.id.starts_with(prefix) || !is_check_name(std::string_view(def.id).substr(prefix.size()))) {
    errors_.push_back("check " + def.id + ": id must be '" + prefix +
                      "' and a kebab-case name (lowercase words joined by '-')");
    return;
  }
  if (!def.run) {
    errors_.push_back("check " + def.id + ": no run function");
    return;
  }
  // Level is an enum ordered must < should < info: a check may only weigh less.
  if (def.level && *def.level < find_requirement(def.requirement)->level) {
    errors_.push_back("check " + def.id + ": level " + std::string(to_string(*def.level)) + " above its requirement's");
    return;
  }
  // Where a check is written, relative to the repository: the compiler gives an
  // absolute path, which would differ per checkout.
  if (const size_t at = def.file.rfind("/suites/"); at != std::string::npos) def.file = def.file.substr(at + 1);
  if (find(def.id) != nullptr) {
    errors_.push_back("check " + def.id + ": duplicate id");
    return;
  }
  for (const std::string& alias : def.aliases) {
    if (alias.empty() || find(alias) != nullptr || alias == def.id) {
      errors_.push_back("check " + def.id + ": alias '" + alias + "' is empty or already taken");
      return;
    }
  }
  checks_.push_back(std::move(def));
}

const CheckDef* Registry::find(std::string_view id) const {
  for (const CheckDef& c : checks_) {
    if (c.id == id) return &c;
  }
  for (const CheckDef& c : checks_) {
    for (const std::string& a : c.aliases) {
      if (a == id) return &c;
    }
  }
  return nullptr;
}

}  // namespace parity::harness
