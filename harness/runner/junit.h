// junit.h: results as JUnit XML for CI systems: a <testsuite> per requirement group, a
// <testcase> per check. fail → <failure>, error → <error>, not-tested → <failure> for a
// level that fails the run (MUST; SHOULD with --strict) and <skipped> otherwise,
// not-applicable → <skipped>, waived → <skipped message="waived: REASON">.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/runner/results.h"

namespace parity::harness {

// xml_escape escapes text for XML content and attribute values. Characters XML 1.0
// forbids (control characters other than tab, newline and carriage return) and
// invalid UTF-8 become U+FFFD, so any target output gives a well-formed file.
std::string xml_escape(std::string_view text);

// junit_xml renders a run's records.
std::string junit_xml(const RunInfo& info, const std::vector<ResultRecord>& records, Strictness strictness);

// write_junit writes junit_xml to a file.
Status write_junit(const std::string& path, const RunInfo& info, const std::vector<ResultRecord>& records,
                   Strictness strictness);

}  // namespace parity::harness
