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
  const bool prefixed = def.id == def.requirement ||
                        (def.id.size() > def.requirement.size() + 1 && def.id.starts_with(def.requirement) &&
                         def.id[def.requirement.size()] == '.');
  if (!prefixed) {
    errors_.push_back("check " + def.id + ": id must be '" + def.requirement + "' or start with '" +
                      def.requirement + ".'");
    return;
  }
  if (!def.run) {
    errors_.push_back("check " + def.id + ": no run function");
    return;
  }
  if (find(def.id) != nullptr) {
    errors_.push_back("check " + def.id + ": duplicate id");
    return;
  }
  checks_.push_back(std::move(def));
}

const CheckDef* Registry::find(std::string_view id) const {
  for (const CheckDef& c : checks_) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

}  // namespace parity::harness
