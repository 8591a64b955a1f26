#include "reports/assessment.h"

#include <algorithm>

#include "harness/catalogue.h"

namespace parity::reports {

namespace {

using harness::Verdict;

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? std::string(sep) : "") + items[i];
  return out;
}

std::string plural(size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// id_list names up to six ids and how many more.
std::string id_list(const std::vector<std::string>& ids) {
  constexpr size_t kShown = 6;
  if (ids.size() <= kShown) return join(ids, ", ");
  std::vector<std::string> head(ids.begin(), ids.begin() + kShown);
  return join(head, ", ") + " and " + std::to_string(ids.size() - kShown) + " more";
}

std::string requirement_title(const std::string& id) {
  const harness::Requirement* r = harness::find_requirement(id);
  return r != nullptr ? std::string(r->title) : std::string();
}

}  // namespace

std::string display_title(const harness::ResultRecord& r) {
  if (!r.title.empty()) return r.title;
  return requirement_title(r.requirement);
}

std::string scope_note(const ReportInput& input) {
  std::vector<std::string> parts;
  if (input.run.shard.count > 1) {
    parts.push_back("shard " + std::to_string(input.run.shard.index) + " of " + std::to_string(input.run.shard.count));
  }
  if (!input.run.only.empty()) parts.push_back("only the checks selected with --only " + join(input.run.only, ","));
  return join(parts, "; ");
}

Assessment assess(const ReportInput& input) {
  Assessment a;
  for (const char* level : {"MUST", "SHOULD", "INFO"}) {
    for (Verdict v : {Verdict::pass, Verdict::fail, Verdict::error, Verdict::not_tested, Verdict::waived,
                      Verdict::not_applicable}) {
      a.counts[level][v] = 0;
    }
  }
  std::vector<std::string> order;  // requirement ids in the order they first fail
  std::map<std::string, FailingRequirement> failing;
  int not_tested_failing = 0;
  for (const harness::ResultRecord& r : input.results) {
    ++a.counts[std::string(harness::to_string(r.level))][r.verdict];
    if (r.verdict == Verdict::waived) ++a.waived;
    const bool bad = r.verdict == Verdict::fail || r.verdict == Verdict::error || r.verdict == Verdict::not_tested;
    if (harness::counts_against(r.level, r.verdict, input.run.strictness)) {
      auto [it, fresh] = failing.try_emplace(r.requirement);
      if (fresh) {
        order.push_back(r.requirement);
        it->second.id = r.requirement;
        it->second.level = std::string(harness::to_string(r.level));
        it->second.title = requirement_title(r.requirement);
        if (it->second.title.empty()) it->second.title = r.title;
      }
      it->second.checks.push_back(&r);
      if (r.verdict == Verdict::not_tested) ++not_tested_failing;
    } else if (bad && r.level == harness::Level::should) {
      ++a.should_deviations;
    }
  }
  for (const std::string& id : order) a.failing.push_back(std::move(failing[id]));

  for (const harness::Untested& u : input.summary.untested) {
    std::vector<std::string> reqs;
    for (const std::string& check : u.checks) {
      const std::string req = check.substr(0, check.find('.'));
      if (std::find(reqs.begin(), reqs.end(), req) == reqs.end()) reqs.push_back(req);
    }
    a.untested_areas.push_back(u.capability + " (" + id_list(reqs) + ")");
  }

  const std::string scope = scope_note(input);
  const std::string scope_suffix = scope.empty() ? "" : " (" + scope + ")";
  const std::string profile = std::string(harness::to_string(input.run.profile));

  if (!a.failing.empty()) {
    a.outcome = Outcome::not_equivalent;
    int musts = 0;
    int shoulds = 0;
    std::vector<std::string> ids;
    for (const FailingRequirement& f : a.failing) {
      (f.level == "MUST" ? musts : shoulds) += 1;
      ids.push_back(f.id);
    }
    std::string what = plural(static_cast<size_t>(musts), "MUST requirement", "MUST requirements");
    if (shoulds > 0) {
      what = (musts > 0 ? what + " and " : "") +
             plural(static_cast<size_t>(shoulds), "SHOULD requirement", "SHOULD requirements") + " (--strict)";
    }
    a.line = "Not equivalent: " + what + (musts + shoulds == 1 ? " fails" : " fail") + " (" + id_list(ids) + ")" +
             scope_suffix;
    const FailingRequirement& first = a.failing.front();
    const harness::ResultRecord& ex = *first.checks.front();
    a.why = "Each failing requirement is a guarantee the Signal baseline gives and this target does not; for " +
            first.id + " (" + first.title + ") the check " + ex.check + " observed: " + ex.summary;
    if (!a.why.empty() && a.why.back() != '.') a.why += '.';
    if (not_tested_failing > 0) {
      a.why += " " + plural(static_cast<size_t>(not_tested_failing), "check was", "checks were") +
               " not tested because the target lacks a capability profile " + profile +
               " requires, which counts as a failure.";
    }
    if (!input.complete) a.why += " The run is INCOMPLETE: more failures may be missing.";
  } else if (input.results.empty()) {
    a.outcome = input.complete ? Outcome::empty : Outcome::incomplete;
    a.line = input.complete ? "No verdict: no check was recorded" : "Incomplete: no verdict (no check was recorded)";
    a.why = "The results hold no check, so nothing can be concluded about the target.";
  } else if (!input.complete) {
    a.outcome = Outcome::incomplete;
    a.line = "Incomplete: no verdict — the run stopped after " + plural(input.results.size(), "check", "checks") +
             scope_suffix;
    a.why =
        "None of the recorded checks fails, but the run was interrupted before it finished, so equivalence "
        "cannot be claimed; run it again to completion.";
  } else {
    a.outcome = Outcome::equivalent;
    a.line = "Equivalent to the Signal baseline" + scope_suffix;
    const int musts_run = a.counts["MUST"][Verdict::pass];
    a.why = "Every MUST requirement of profile " + profile +
            " that applies holds: " + plural(static_cast<size_t>(musts_run), "MUST check passes", "MUST checks pass") +
            ", each measured against the Signal baseline in the same run.";
    if (a.waived > 0) {
      a.why += " " + plural(static_cast<size_t>(a.waived), "failure is", "failures are") +
               " waived by the provider (listed with their reasons).";
    }
    if (a.should_deviations > 0) {
      a.why += " " +
               plural(static_cast<size_t>(a.should_deviations), "SHOULD check deviates", "SHOULD checks deviate") +
               " (shown, not failing).";
    }
    if (!a.untested_areas.empty()) {
      a.why +=
          " Not covered, because the target does not declare or support them: " + join(a.untested_areas, "; ") + ".";
    }
  }
  return a;
}

}  // namespace parity::reports
