// junit.h: results as JUnit XML for CI systems: a <testsuite> per requirement group, a
// <testcase> per check. fail → <failure>, error → <error>, not-tested → <failure> for a
// level that fails the run (MUST; SHOULD with --strict) and <skipped> otherwise,
// not-applicable → <skipped>, waived → <skipped message="waived: REASON">.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/errors.h"
#include "harness/runner/results.h"

namespace parity::reports {

// xml_escape escapes text for XML content and attribute values after base's
// clean_text (the one policy of every writer): invalid UTF-8 becomes U+FFFD and control
// characters their Control Pictures, so any target output gives a well-formed file.
std::string xml_escape(std::string_view text);

// junit_xml renders a run's records.
std::string junit_xml(const harness::RunInfo& info, const std::vector<harness::ResultRecord>& records,
                      harness::Strictness strictness);

// write_junit writes junit_xml to a file.
harness::HarnessStatus write_junit(const std::string& path, const harness::RunInfo& info,
                                   const std::vector<harness::ResultRecord>& records, harness::Strictness strictness);

}  // namespace parity::reports
