// assessment.h: the one-line verdict of a report and the sentence that explains it,
// computed once so the HTML report and the Markdown summary say the same thing.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "reports/report_input.h"

namespace parity::reports {

// Outcome is the report's overall answer.
enum class Outcome {
  equivalent,      // complete run, no MUST (or strict SHOULD) fails
  not_equivalent,  // some MUST fails (complete or not: a failure stays a failure)
  incomplete,      // interrupted before any failure: no answer
  empty,           // no check was recorded
};

// FailingRequirement is a requirement that makes the target not equivalent, with the
// checks that failed it.
struct FailingRequirement {
  std::string id;
  std::string level;  // MUST or SHOULD (SHOULD only with --strict)
  std::string title;
  std::vector<const harness::ResultRecord*> checks;
};

// Assessment is what the top of a report says.
struct Assessment {
  Outcome outcome = Outcome::empty;
  std::string line;  // e.g. "Not equivalent: 2 MUST requirements fail (MSG-3, MSG-4)"
  std::string why;   // one or two sentences
  std::vector<FailingRequirement> failing;
  std::vector<std::string> untested_areas;  // e.g. "media (MED-1, MED-2)"
  int should_deviations = 0;                // SHOULD fail/error/not-tested not counted against
  int waived = 0;
  // counts[level][verdict], levels "MUST", "SHOULD", "INFO".
  std::map<std::string, std::map<harness::Verdict, int>> counts;
};

// assess computes the assessment from the records (not from the footer's figures, so a
// stream without footer is judged the same way).
Assessment assess(const ReportInput& input);

// scope_note says what part of a full run the results are, or "" for a full run:
// "shard 2 of 4", "only the checks selected with --only FS,PCS".
std::string scope_note(const ReportInput& input);

// display_title is a record's title, or its requirement's catalogue title.
std::string display_title(const harness::ResultRecord& r);

}  // namespace parity::reports
