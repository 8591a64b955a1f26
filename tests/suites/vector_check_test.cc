// vector_check_test: the walk over a vector file's cases (suites/common/vector_check.h).
// A case that passes without reading one of its fields makes the check `error`; a wrong
// answer fails it, with the first failure as counterexample; Wycheproof results are
// honoured (invalid must not match, acceptable must).
#include "suites/common/vector_check.h"

#include <string>

#include <gtest/gtest.h>

#include "reference/crypto/hash.h"

namespace parity::suites {
namespace {

using harness::Verdict;

// Four sha256 cases: tcId 4 has `repeat` 1, so a runner that ignores `repeat` still gets
// its digest right, and only the field check can notice.
constexpr std::string_view kFile = R"({
  "algorithm": "SHA-256", "source": "FIPS 180-2 B.1", "schema": "sha256",
  "testGroups": [{"tests": [
    {"tcId": 1, "comment": "abc", "flags": [], "domain": "signal-v3", "data": "616263",
     "digest": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "result": "valid"},
    {"tcId": 2, "comment": "wrong digest", "flags": ["Tampered"], "domain": "other", "data": "616263",
     "digest": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ae", "result": "invalid"},
    {"tcId": 3, "comment": "empty", "flags": [], "domain": "signal-v3", "data": "",
     "digest": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "result": "acceptable"},
    {"tcId": 4, "comment": "abc once", "flags": [], "domain": "signal-v3", "data": "616263", "repeat": 1,
     "digest": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "result": "valid"}
  ]}]
})";

vectors::VectorFile load(std::string_view text = kFile) {
  auto f = vectors::parse_vector_file(text, "test.json");
  EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().detail);
  return f.ok() ? std::move(f).value() : vectors::VectorFile{};
}

// digest_of plays the target: SHA-256 of `data` repeated `repeat` times, with one bit
// flipped when `broken`.
Bytes digest_of(const VectorCase& c, bool read_repeat, bool broken) {
  (void)c.string("domain");  // the walks here judge every domain alike
  Bytes data = c.hex("data");
  if (read_repeat && c.has("repeat")) {
    Bytes unit = data;
    data.clear();
    for (int64_t i = 0; i < c.integer("repeat"); ++i) data.insert(data.end(), unit.begin(), unit.end());
  }
  Digest256 d = sha256(data);
  Bytes out(d.begin(), d.end());
  if (broken) out[0] ^= 1;
  return out;
}

VectorCheck sha256_check(bool read_repeat, bool broken) {
  return {.what = "sha256", .run_case = [=](VectorCase& c) {
            Bytes got = digest_of(c, read_repeat, broken);
            const Bytes& want = c.hex("digest");
            return c.judge_match(got == want, "want " + to_hex(want) + ", got " + to_hex(got));
          }};
}

TEST(VectorCheck, EveryFieldReadAndRightAnswersPass) {
  vectors::VectorFile f = load();
  VectorWalk walk = walk_vectors(f, sha256_check(true, false));
  EXPECT_EQ(walk.run, 4u);
  EXPECT_TRUE(walk.defects.empty());
  CheckOutcome o = vector_outcome(walk);
  EXPECT_EQ(o.verdict, Verdict::pass) << o.summary;
  EXPECT_EQ(o.summary, "4 sha256 vectors of test.json behave as published");
}

TEST(VectorCheck, UnconsumedFieldMakesTheCheckError) {
  vectors::VectorFile f = load();
  // Every answer is right, but tcId 4's `repeat` took no part in its verdict.
  VectorWalk walk = walk_vectors(f, sha256_check(false, false));
  EXPECT_TRUE(walk.failures.empty());
  ASSERT_EQ(walk.defects.size(), 1u);
  CheckOutcome o = vector_outcome(walk);
  EXPECT_EQ(o.verdict, Verdict::error);
  EXPECT_EQ(o.summary, "suite defect: field repeat of tcId 4 never used (test.json)");
}

TEST(VectorCheck, IgnoredExpectationMakesTheCheckError) {
  vectors::VectorFile f = load();
  // A runner that never looks at the expected digest passes nothing: every case is a defect.
  VectorCheck lazy{.what = "sha256", .run_case = [](VectorCase& c) -> CaseVerdict {
                     (void)digest_of(c, true, false);
                     return std::nullopt;
                   }};
  CheckOutcome o = vector_outcome(walk_vectors(f, lazy));
  EXPECT_EQ(o.verdict, Verdict::error);
  EXPECT_EQ(o.summary, "suite defect: field digest of tcId 1 never used (test.json), and 3 more");
  EXPECT_EQ(o.observations.size(), 4u);
}

TEST(VectorCheck, ReadOfAnAbsentFieldMakesTheCheckError) {
  vectors::VectorFile f = load();
  VectorCheck typo = sha256_check(true, false);
  auto right = typo.run_case;
  typo.run_case = [right](VectorCase& c) {
    (void)c.hex("dgst");
    return right(c);
  };
  CheckOutcome o = vector_outcome(walk_vectors(f, typo));
  EXPECT_EQ(o.verdict, Verdict::error);
  EXPECT_NE(o.summary.find("suite defect: tcId 1: read of absent field \"dgst\""), std::string::npos) << o.summary;
}

TEST(VectorCheck, WrongAnswerFailsWithTheFirstFailureAsCounterexample) {
  vectors::VectorFile f = load();
  VectorWalk walk = walk_vectors(f, sha256_check(true, true));
  // The invalid case still passes: a broken digest does not match the tampered one either.
  ASSERT_EQ(walk.failures.size(), 3u);
  EXPECT_TRUE(walk.defects.empty()) << "a failed case may stop before reading everything, and is no defect";
  CheckOutcome o = vector_outcome(walk);
  EXPECT_EQ(o.verdict, Verdict::fail);
  EXPECT_EQ(o.summary, "3 of 4 sha256 vectors do not behave as published");
  EXPECT_EQ(o.counterexample.rfind("test.json tcId 1 (abc; result valid): want ba7816", 0), 0u) << o.counterexample;
  ASSERT_EQ(o.observations.size(), 3u);
  EXPECT_EQ(o.observations[1].rfind("test.json tcId 3 (empty; result acceptable): ", 0), 0u) << o.observations[1];
}

TEST(VectorCheck, AcceptingAnInvalidVectorFails) {
  vectors::VectorFile f = load();
  VectorCheck yes{.what = "sha256", .run_case = [](VectorCase& c) {
                    (void)c.hex("data");
                    (void)c.string("domain");
                    if (c.has("repeat")) (void)c.integer("repeat");
                    return c.judge_match(!c.hex("digest").empty(), "accepted");
                  }};
  VectorWalk walk = walk_vectors(f, yes);
  ASSERT_EQ(walk.failures.size(), 1u);
  EXPECT_EQ(
      walk.failures[0],
      "test.json tcId 2 (wrong digest; result invalid; flags Tampered): an invalid vector was accepted: accepted");
}

TEST(VectorCheck, StopEndsTheWalkWithItsOutcome) {
  vectors::VectorFile f = load();
  VectorCheck check = sha256_check(true, false);
  auto right = check.run_case;
  check.run_case = [right](VectorCase& c) {
    if (c.tc_id() == 2) c.stop(CheckOutcome::fail("stopped"));
    return right(c);
  };
  VectorWalk walk = walk_vectors(f, check);
  EXPECT_EQ(walk.run, 1u);
  CheckOutcome o = vector_outcome(walk);
  EXPECT_EQ(o.verdict, Verdict::fail);
  EXPECT_EQ(o.summary, "stopped");
}

TEST(VectorCheck, UnsupportedCasesFailAndAreCounted) {
  vectors::VectorFile f = load();
  VectorCheck check = sha256_check(true, false);
  auto right = check.run_case;
  check.run_case = [right](VectorCase& c) {
    if (c.tc_id() == 3) c.refused_as_unsupported("no empty input");
    return right(c);
  };
  VectorWalk walk = walk_vectors(f, check);
  EXPECT_EQ(walk.unsupported, 1u);
  ASSERT_EQ(walk.failures.size(), 1u);
  EXPECT_EQ(walk.failures[0], "test.json tcId 3 (empty; result acceptable): refused as unsupported: no empty input");
}

// An `acceptable` case passes refused (either behaviour is fine); a `valid` one fails.
TEST(VectorCheck, AnAcceptableCasePassesRefusedAValidOneFails) {
  vectors::VectorFile f = load();
  VectorCheck refuses = sha256_check(true, false);
  auto right = refuses.run_case;
  refuses.run_case = [right](VectorCase& c) -> CaseVerdict {
    if (c.tc_id() != 1 && c.tc_id() != 3) return right(c);
    (void)digest_of(c, true, false);
    (void)c.hex("digest");
    return c.judge_refusal("refused: bad_request");
  };
  VectorWalk walk = walk_vectors(f, refuses);
  EXPECT_TRUE(walk.defects.empty());
  ASSERT_EQ(walk.failures.size(), 1u);
  EXPECT_EQ(walk.failures[0], "test.json tcId 1 (abc; result valid): refused: bad_request");
  // Answered, the acceptable case must still match.
  VectorWalk answered = walk_vectors(f, sha256_check(true, true));
  bool tc3_failed = false;
  for (const std::string& line : answered.failures) tc3_failed |= line.starts_with("test.json tcId 3 ");
  EXPECT_TRUE(tc3_failed);
}

// take_case picks cases (by `domain` here): the others are neither run nor checked.
TEST(VectorCheck, TakeCasePicksCasesAndSkipsTheRest) {
  vectors::VectorFile f = load();
  VectorCheck check = sha256_check(true, false);
  check.take_case = [](VectorCase& c) { return c.string("domain") == "other"; };
  VectorWalk walk = walk_vectors(f, check);
  EXPECT_EQ(walk.run, 1u);
  CheckOutcome o = vector_outcome(walk);
  EXPECT_EQ(o.verdict, Verdict::pass) << o.summary;
  EXPECT_EQ(o.summary, "1 sha256 vectors of test.json behave as published");
}

// Where `unsupported` is no failure (outside the protocol's domain), it is listed; when
// every case is unsupported the walk is not-applicable; a wrong answer still fails.
TEST(VectorCheck, UnsupportedOutsideTheDomainIsListedNotFailed) {
  vectors::VectorFile f = load();
  VectorCheck check = sha256_check(true, false);
  check.unsupported_not_applicable = true;
  auto right = check.run_case;
  check.run_case = [right](VectorCase& c) {
    if (c.tc_id() == 3) c.refused_as_unsupported("no empty input");
    return right(c);
  };
  VectorWalk walk = walk_vectors(f, check);
  EXPECT_TRUE(walk.failures.empty());
  ASSERT_EQ(walk.not_applicable.size(), 1u);
  CheckOutcome o = vector_outcome(walk);
  EXPECT_EQ(o.verdict, Verdict::pass) << o.summary;
  EXPECT_EQ(o.summary, "3 sha256 vectors of test.json behave as published; 1 answered `unsupported` (listed)");
  ASSERT_EQ(o.observations.size(), 1u);
  EXPECT_EQ(o.observations[0], "test.json tcId 3 (empty; result acceptable): refused as unsupported: no empty input");

  check.run_case = [right](VectorCase& c) {
    c.refused_as_unsupported("");
    return right(c);
  };
  CheckOutcome none = vector_outcome(walk_vectors(f, check));
  EXPECT_EQ(none.verdict, Verdict::not_applicable) << none.summary;

  VectorCheck wrong = sha256_check(true, true);
  wrong.unsupported_not_applicable = true;
  EXPECT_EQ(vector_outcome(walk_vectors(f, wrong)).verdict, Verdict::fail);
}

TEST(VectorCheck, SkippedGroupsAreNotRun) {
  vectors::VectorFile f = load();
  VectorCheck check = sha256_check(true, true);
  check.take_group = [](const vectors::TestGroup&) { return false; };
  VectorWalk walk = walk_vectors(f, check);
  EXPECT_EQ(walk.run, 0u);
  EXPECT_EQ(vector_outcome(walk).verdict, Verdict::pass);
}

TEST(VectorCheck, AtMostTwentyFailuresAreListed) {
  std::string tests;
  for (int i = 1; i <= 25; ++i) {
    tests +=
        std::string(i == 1 ? "" : ",") + R"({"tcId": )" + std::to_string(i) +
        R"(, "comment": "c", "flags": [], "domain": "signal-v3", "data": "00", "digest": "00", "result": "valid"})";
  }
  vectors::VectorFile f = load(
      R"({"algorithm": "SHA-256", "source": "s", "schema": "sha256", "testGroups": [{"tests": [)" + tests + "]}]}");
  CheckOutcome o = vector_outcome(walk_vectors(f, sha256_check(true, false)));
  EXPECT_EQ(o.verdict, Verdict::fail);
  EXPECT_EQ(o.summary, "25 of 25 sha256 vectors do not behave as published");
  ASSERT_EQ(o.observations.size(), 21u);
  EXPECT_EQ(o.observations.back(), "… and 5 more");
}

TEST(VectorCheck, AnUnreadableFileIsAnError) {
  VectorWalk walk =
      walk_vector_file("/nonexistent/vectors", "vectors/primitives/sha256.json", sha256_check(true, false));
  ASSERT_TRUE(walk.stop.has_value());
  EXPECT_EQ(vector_outcome(walk).verdict, Verdict::error);
}

}  // namespace
}  // namespace parity::suites
