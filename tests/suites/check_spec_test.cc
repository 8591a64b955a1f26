// check_spec_test: run_sides's one baseline policy, on fakes without processes: a
// baseline that stops or fails its own judge makes the check error, a target is judged
// against the baseline's side, and a compare check without a baseline is a suite defect.
#include "suites/common/check_spec.h"

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "tests/harness/fake_target.h"

namespace parity::suites {
namespace {

using harness::Verdict;

// Reading is a side: how many messages a clone read, or the verdict that stopped it.
struct Reading {
  std::optional<CheckOutcome> stop;
  int read = 0;
};

// spec plays `target` on the target and `baseline` on the baseline; the judge fails a
// target that reads more than the baseline's side.
CheckSpec<Reading> spec(Reading target, Reading baseline) {
  return CheckSpec<Reading>{
      .id = "FS-1.test",
      .requirement = "FS-1",
      .description = "test",
      .scenario = [=](Run& r) { return r.is_baseline ? baseline : target; },
      .judge =
          [](Reading& mine, Reading* base) {
            if (mine.stop) return *mine.stop;
            if (mine.read > base->read) return CheckOutcome::fail("read " + std::to_string(mine.read));
            return CheckOutcome::pass("read " + std::to_string(mine.read));
          },
  };
}

class RunSides : public ::testing::Test {
 protected:
  std::shared_ptr<test::FakeStats> stats_ = std::make_shared<test::FakeStats>();
  test::FakeTarget target_{"target", {}, stats_};
  test::FakeTarget baseline_{"baseline", {}, stats_};

  CheckOutcome run(const CheckSpec<Reading>& s, bool with_baseline = true) {
    CheckContext ctx{target_, with_baseline ? &baseline_ : nullptr, harness::Profile::signal, Key32{}, {}, ""};
    return run_sides(s, ctx);
  }
};

TEST_F(RunSides, JudgesTheTargetAgainstTheBaselinesSide) {
  EXPECT_EQ(run(spec({std::nullopt, 0}, {std::nullopt, 0})).verdict, Verdict::pass);
  const CheckOutcome o = run(spec({std::nullopt, 3}, {std::nullopt, 0}));
  EXPECT_EQ(o.verdict, Verdict::fail);
  EXPECT_EQ(o.summary, "read 3");
}

TEST_F(RunSides, ABaselineThatStopsIsAnError) {
  const CheckOutcome o = run(spec({std::nullopt, 0}, {CheckOutcome::fail("refused a step"), 0}));
  EXPECT_EQ(o.verdict, Verdict::error);
  EXPECT_EQ(o.summary, "the baseline could not run the measurement: refused a step");
}

TEST_F(RunSides, ABaselineThatFailsItsOwnJudgeIsAnError) {
  // The target's side is fine; the baseline's own judge(b, &b) fails (a stopped judge).
  auto s = spec({std::nullopt, 0}, {std::nullopt, 0});
  s.judge = [](Reading& mine, Reading* base) {
    if (&mine == base) return CheckOutcome::fail("the baseline read its own deleted keys");
    return CheckOutcome::pass("fine");
  };
  const CheckOutcome o = run(s);
  EXPECT_EQ(o.verdict, Verdict::error);
  EXPECT_NE(o.summary.find("the baseline read its own deleted keys"), std::string::npos) << o.summary;
}

TEST_F(RunSides, ACompareCheckWithoutABaselineIsASuiteDefect) {
  const CheckOutcome o = run(spec({std::nullopt, 0}, {std::nullopt, 0}), /*with_baseline=*/false);
  EXPECT_EQ(o.verdict, Verdict::error);
  EXPECT_NE(o.summary.find("suite defect"), std::string::npos) << o.summary;
}

TEST(Capabilities, SpellingsAreThoseOfPtp) {
  for (auto [c, name] : {std::pair{Capability::export_state, "export"}, std::pair{Capability::import_state, "import"},
                         std::pair{Capability::media_file, "media_file"}}) {
    EXPECT_EQ(harness::to_string(c), name);
    EXPECT_EQ(harness::parse_capability(name), c);
  }
  EXPECT_FALSE(harness::parse_capability("exports"));
}

}  // namespace
}  // namespace parity::suites
