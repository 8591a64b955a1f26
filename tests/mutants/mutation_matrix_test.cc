// The mutation matrix: each mutant of the reference fails the requirement it is written
// against (and only the requirements its flaw breaks), and the unmutated reference
// passes everything. Each case is one real `parity run` over PTP.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/mutants/matrix.h"

namespace parity::harness {

// gtest prints a parameter with these, not as raw bytes.
void PrintTo(const MutantRow& row, std::ostream* os) {
  *os << "mutant " << row.mutant;
}
void PrintTo(const SoundRow& row, std::ostream* os) {
  *os << "variant " << row.variant;
}

}  // namespace parity::harness

namespace parity::mutants {
namespace {

// run_parity runs `parity run` against the reference target started with `args` and
// returns the parsed results; `name` names its files.
nlohmann::json run_parity(const std::string& name, const std::string& args, int* exit_out_) {
  auto dir = std::filesystem::temp_directory_path() / ("parity-mutants-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto json = dir / (name + ".json");
  std::string target = std::string(PARITY_REFERENCE_TARGET) + args;
  // A fixed seed keeps the matrix reproducible; few cases keep it fast, and every
  // mutant is caught by its deterministic scenarios as well as by the properties.
  std::string cmd = std::string(PARITY_BINARY) + " run --target '" + target + "' --seed 5eed --cases 8 --json '" +
                    json.string() + "' > '" + (dir / (name + ".log")).string() + "' 2>&1";
  int status = std::system(cmd.c_str());
  *exit_out_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(json);
  if (!in) return nlohmann::json();
  return nlohmann::json::parse(in, nullptr, false);
}

class MutationMatrix : public ::testing::TestWithParam<Row> {};

TEST_P(MutationMatrix, FailsExactlyWhatTheFlawBreaks) {
  const Row& row = GetParam();
  int exit_status = -1;
  nlohmann::json results = run_parity(row.mutant, row.mutant == "none" ? "" : " --mutant " + row.mutant, &exit_status);
  ASSERT_TRUE(results.is_object() && results.contains("results")) << "no results for mutant " << row.mutant;
  std::set<std::string> failing;
  std::ostringstream detail;
  for (const auto& r : results["results"]) {
    std::string verdict = r.value("verdict", "");
    if (r.value("level", "") == "MUST" && (verdict == "fail" || verdict == "error" || verdict == "not-tested")) {
      failing.insert(r.value("requirement", ""));
      detail << "  " << r.value("check", "") << " " << verdict << ": " << r.value("summary", "") << "\n";
    }
  }
  EXPECT_EQ(failing, row.must_fail) << "mutant " << row.mutant << " (targets " << row.targets
                                    << "); failing MUST checks:\n"
                                    << detail.str();
  if (!row.targets.empty()) {
    EXPECT_TRUE(failing.contains(row.targets)) << "the check of " << row.targets << " does not bite";
  }
  EXPECT_EQ(exit_status, row.must_fail.empty() ? 0 : 1) << "mutant " << row.mutant;
}

INSTANTIATE_TEST_SUITE_P(Mutants, MutationMatrix, ::testing::ValuesIn(matrix()),
                         [](const ::testing::TestParamInfo<Row>& param_info) {
                           std::string name = param_info.param.mutant;
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

// A sound alternative of the reference passes every check: whatever fails it is a false
// alarm of the check (harness/mutation_matrix.h, sound_variants).
class SoundVariant : public ::testing::TestWithParam<harness::SoundRow> {};

TEST_P(SoundVariant, PassesEveryCheck) {
  const harness::SoundRow& row = GetParam();
  int exit_status = -1;
  nlohmann::json results = run_parity("variant-" + row.variant, " --variant " + row.variant, &exit_status);
  ASSERT_TRUE(results.is_object() && results.contains("results")) << "no results for variant " << row.variant;
  EXPECT_EQ(results["run"].value("profile", ""), row.profile) << "variant " << row.variant;
  std::set<std::string> unexpected;  // not passing: a false alarm
  std::set<std::string> passing;     // requirements with a passing check
  std::ostringstream detail;
  size_t passed = 0;
  for (const auto& r : results["results"]) {
    const std::string verdict = r.value("verdict", "");
    if (verdict == "pass") {
      ++passed;
      passing.insert(r.value("requirement", ""));
    }
    if (verdict == "fail" || verdict == "error" || verdict == "not-tested") {
      unexpected.insert(r.value("check", ""));
      detail << "  " << r.value("check", "") << " (" << r.value("level", "") << ") " << verdict << ": "
             << r.value("summary", "") << "\n";
    }
  }
  EXPECT_TRUE(unexpected.empty()) << "variant " << row.variant << "; checks not passing:\n" << detail.str();
  EXPECT_GT(passed, 0u) << "variant " << row.variant << " passed nothing";
  for (const std::string& id : row.must_pass) {
    EXPECT_TRUE(passing.contains(id)) << "variant " << row.variant << ": no check of " << id
                                      << " passed (not applicable or not run)";
  }
  EXPECT_EQ(exit_status, 0) << "variant " << row.variant;
}

INSTANTIATE_TEST_SUITE_P(Variants, SoundVariant, ::testing::ValuesIn(harness::sound_variants()),
                         [](const ::testing::TestParamInfo<harness::SoundRow>& param_info) {
                           std::string name = param_info.param.variant;
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

// The documentation shows the same matrix as the code.
TEST(MutationMatrixDocs, DocsListEveryRow) {
  std::ifstream in(std::string(PARITY_SOURCE_DIR) + "/docs/mutants.md");
  ASSERT_TRUE(in) << "docs/mutants.md is missing";
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  for (const Row& row : matrix()) {
    if (row.mutant == "none") continue;
    std::string fails;
    for (const std::string& id : row.must_fail) fails += (fails.empty() ? "" : ", ") + id;
    std::string line = "| `" + row.mutant + "` | " + row.targets + " | " + fails + " |";
    EXPECT_NE(doc.find(line), std::string::npos) << "docs/mutants.md lacks the row: " << line;
  }
  for (const harness::SoundRow& row : harness::sound_variants()) {
    EXPECT_NE(doc.find("`--variant " + row.variant + "`"), std::string::npos)
        << "docs/mutants.md does not describe the sound variant " << row.variant;
  }
}

}  // namespace
}  // namespace parity::mutants
