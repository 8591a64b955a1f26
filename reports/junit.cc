#include "reports/junit.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "base/text_clean.h"
#include "base/xml_escape.h"

namespace parity::reports {

using harness::counts_against;
using harness::Figure;
using harness::Group;
using harness::groups;
using harness::harness_error;
using harness::HarnessErrc;
using harness::HarnessStatus;
using harness::ResultRecord;
using harness::RunInfo;
using harness::Strictness;
using harness::Verdict;

namespace {

std::string fmt_seconds(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ms) / 1000.0);
  return buf;
}

std::string details(const RunInfo& info, const ResultRecord& r) {
  std::ostringstream out;
  out << r.summary << "\n";
  for (const std::string& o : r.observations) out << "  " << o << "\n";
  if (!r.counterexample.empty()) out << "counterexample:\n" << r.counterexample << "\n";
  for (const Figure& f : r.figures) {
    out << "figure " << f.name << ": target " << (f.target ? std::to_string(*f.target) : "-") << ", baseline "
        << (f.baseline ? std::to_string(*f.baseline) : "-") << " " << f.unit << "\n";
  }
  out << "seed " << r.seed << "\n";
  if (const harness::Reproduction how = harness::reproduction(info, r); !how.command.empty()) {
    if (how.exact) {
      out << "replay: " << how.command << "\n";
    } else {
      out << harness::kNotReplayable << ":\nrerun: " << how.command << "\n";
    }
  }
  return out.str();
}

enum class Outcome { passed, failure, error, skipped };

Outcome outcome_of(const ResultRecord& r, Strictness strictness) {
  switch (r.verdict) {
    case Verdict::pass:
      return Outcome::passed;
    case Verdict::fail:
      return Outcome::failure;
    case Verdict::error:
      return Outcome::error;
    case Verdict::not_tested:
      return counts_against(r.level, r.verdict, strictness) ? Outcome::failure : Outcome::skipped;
    case Verdict::not_applicable:
    case Verdict::waived:
      return Outcome::skipped;
  }
  return Outcome::error;
}

}  // namespace

std::string xml_escape(std::string_view text) {
  const std::string clean = clean_text(text);
  std::string out;
  out.reserve(clean.size());
  for (char c : clean) {
    switch (c) {
      case '\'':
        out += "&apos;";
        break;
      case '\t':
        out += "&#9;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        append_xml_char(out, c);
    }
  }
  return out;
}

std::string junit_xml(const RunInfo& info, const std::vector<ResultRecord>& records, Strictness strictness) {
  // Groups in catalogue order, so the file reads like the catalogue.
  std::map<std::string, std::vector<const ResultRecord*>> by_group;
  for (const ResultRecord& r : records) by_group[r.group].push_back(&r);
  std::vector<std::string> order;
  for (const Group& g : groups()) {
    if (by_group.count(std::string(g.id))) order.emplace_back(g.id);
  }
  for (const auto& [g, _] : by_group) {
    if (std::find(order.begin(), order.end(), g) == order.end()) order.push_back(g);
  }

  int total = 0, failures = 0, errors = 0, skipped = 0;
  int64_t total_ms = 0;
  std::ostringstream suites;
  for (const std::string& g : order) {
    int s_failures = 0, s_errors = 0, s_skipped = 0;
    int64_t s_ms = 0;
    std::ostringstream cases;
    for (const ResultRecord* r : by_group[g]) {
      s_ms += r->duration_ms;
      cases << "    <testcase classname=\"parity." << xml_escape(g) << "\" name=\"" << xml_escape(r->check)
            << "\" time=\"" << fmt_seconds(r->duration_ms) << "\">\n";
      const std::string what = std::string(to_string(r->level)) + " " + r->requirement + ": " + r->title;
      switch (outcome_of(*r, strictness)) {
        case Outcome::passed:
          break;
        case Outcome::failure:
          ++s_failures;
          cases << "      <failure message=\"" << xml_escape(std::string(to_string(r->verdict)) + ": " + r->summary)
                << "\" type=\"" << xml_escape(to_string(r->verdict)) << "\">"
                << xml_escape(what + "\n" + details(info, *r)) << "</failure>\n";
          break;
        case Outcome::error:
          ++s_errors;
          cases << "      <error message=\"" << xml_escape(r->summary) << "\" type=\"error\">"
                << xml_escape(what + "\n" + details(info, *r)) << "</error>\n";
          break;
        case Outcome::skipped: {
          ++s_skipped;
          std::string message = r->verdict == Verdict::waived ? "waived: " + r->waiver.value_or("")
                                                              : std::string(to_string(r->verdict)) + ": " + r->summary;
          cases << "      <skipped message=\"" << xml_escape(message) << "\"/>\n";
          break;
        }
      }
      cases << "      <system-out>" << xml_escape(details(info, *r)) << "</system-out>\n";
      cases << "    </testcase>\n";
    }
    const int n = static_cast<int>(by_group[g].size());
    suites << "  <testsuite name=\"" << xml_escape(g) << "\" tests=\"" << n << "\" failures=\"" << s_failures
           << "\" errors=\"" << s_errors << "\" skipped=\"" << s_skipped << "\" time=\"" << fmt_seconds(s_ms)
           << "\" timestamp=\"" << xml_escape(info.started_at) << "\" hostname=\"" << xml_escape(info.host) << "\">\n";
    suites << "    <properties>\n";
    const std::pair<const char*, std::string> props[] = {{"target", info.target_command},
                                                         {"implementation", info.implementation},
                                                         {"protocol", info.protocol},
                                                         {"profile", std::string(to_string(info.profile))},
                                                         {"seed", info.seed},
                                                         {"parity_version", info.parity_version},
                                                         {"parity_revision", info.parity_revision},
                                                         {"vectors_sha256", info.vectors_sha256}};
    for (const auto& [name, value] : props) {
      suites << "      <property name=\"" << name << "\" value=\"" << xml_escape(value) << "\"/>\n";
    }
    suites << "    </properties>\n" << cases.str() << "  </testsuite>\n";
    total += n;
    failures += s_failures;
    errors += s_errors;
    skipped += s_skipped;
    total_ms += s_ms;
  }
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"parity\" tests=\"" << total << "\" failures=\"" << failures << "\" errors=\"" << errors
      << "\" skipped=\"" << skipped << "\" time=\"" << fmt_seconds(total_ms) << "\">\n";
  out << suites.str() << "</testsuites>\n";
  return out.str();
}

HarnessStatus write_junit(const std::string& path, const RunInfo& info, const std::vector<ResultRecord>& records,
                          Strictness strictness) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return harness_error(HarnessErrc::io, path + ": cannot write");
  out << junit_xml(info, records, strictness);
  out.flush();
  if (!out) return harness_error(HarnessErrc::io, path + ": write failed");
  return {};
}

}  // namespace parity::reports
