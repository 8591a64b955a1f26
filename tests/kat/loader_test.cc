// loader_test: the vector loader refuses malformed files with one precise line each, and
// tracks which fields a test read.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "vectors/loader.h"

namespace parity::vectors {
namespace {

// A small valid file; each case below breaks one thing in it.
constexpr std::string_view kGood = R"({
  "algorithm": "HKDF-SHA256",
  "source": "RFC 5869 appendix A",
  "schema": "hkdf_sha256",
  "testGroups": [
    {
      "tests": [
        {"tcId": 1, "comment": "c1", "flags": [], "domain": "other", "ikm": "0b0b", "salt": "", "info": "", "length": 2, "okm": "aabb", "result": "valid"},
        {"tcId": 2, "comment": "c2", "flags": ["X"], "domain": "other", "ikm": "0b0b", "salt": "00", "info": "", "length": 2, "okm": "ccdd", "result": "invalid"}
      ]
    }
  ]
})";

std::string replace_once(std::string text, std::string_view from, std::string_view to) {
  auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << "fixture text not found: " << from;
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

class LoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("parity_vectors_" + std::to_string(::getpid()) + "_" + info->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // load writes text to <tmp>/<file> and loads it under the name "bad/<file>".
  Result<VectorFile> load(const std::string& file, std::string_view text) {
    auto path = dir_ / file;
    std::ofstream(path, std::ios::binary) << text;
    return load_vector_file(path, "bad/" + file);
  }

  // expect_error checks that loading fails with exactly one line, equal to `want`.
  void expect_error(const std::string& file, std::string_view text, const std::string& want) {
    auto r = load(file, text);
    ASSERT_FALSE(r.ok()) << file << " loaded";
    EXPECT_EQ(r.error().detail, want);
    EXPECT_EQ(r.error().detail.find('\n'), std::string::npos) << "not one line";
    EXPECT_EQ(r.code(), Errc::malformed);
  }

  std::filesystem::path dir_;
};

TEST_F(LoaderTest, AcceptsTheFixture) {
  auto r = load("good.json", kGood);
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(r->kind, "hkdf_sha256");
  EXPECT_EQ(r->test_count(), 2u);
  const Vector& t = r->groups[0].tests[1];
  EXPECT_EQ(t.tc_id, 2);
  EXPECT_EQ(t.result, Expect::invalid);
  EXPECT_TRUE(t.has_flag("X"));
  EXPECT_EQ(t.where, "testGroups[0].tests[1] (tcId 2)");
  EXPECT_EQ(to_hex(t.fields.hex("okm")), "ccdd");
  EXPECT_EQ(t.fields.integer("length"), 2);
}

TEST_F(LoaderTest, UnknownTestKey) {
  expect_error("unknown_key.json", replace_once(std::string(kGood), R"("okm": "ccdd")", R"("okmm": "ccdd")"),
               R"(bad/unknown_key.json: testGroups[0].tests[1] (tcId 2): unknown key "okmm")");
}

TEST_F(LoaderTest, MissingTestKey) {
  expect_error("missing_key.json", replace_once(std::string(kGood), R"(, "okm": "aabb")", ""),
               R"(bad/missing_key.json: testGroups[0].tests[0] (tcId 1): missing key "okm")");
}

TEST_F(LoaderTest, BadHexCharacter) {
  expect_error("bad_hex.json", replace_once(std::string(kGood), R"("ikm": "0b0b", "salt": "00")", R"("ikm": "0b0g", "salt": "00")"),
               R"(bad/bad_hex.json: testGroups[0].tests[1] (tcId 2): key "ikm": bad hex: character "g" at offset 3 (lowercase 0-9a-f only))");
}

TEST_F(LoaderTest, UppercaseHexIsRefused) {
  expect_error("upper_hex.json", replace_once(std::string(kGood), R"("okm": "aabb")", R"("okm": "AABB")"),
               R"(bad/upper_hex.json: testGroups[0].tests[0] (tcId 1): key "okm": bad hex: character "A" at offset 0 (lowercase 0-9a-f only))");
}

TEST_F(LoaderTest, OddLengthHex) {
  expect_error("odd_hex.json", replace_once(std::string(kGood), R"("okm": "aabb")", R"("okm": "aab")"),
               R"(bad/odd_hex.json: testGroups[0].tests[0] (tcId 1): key "okm": bad hex: odd length 3)");
}

TEST_F(LoaderTest, DuplicateTcId) {
  expect_error("dup_tcid.json", replace_once(std::string(kGood), R"("tcId": 2)", R"("tcId": 1)"),
               R"(bad/dup_tcid.json: testGroups[0].tests[1] (tcId 1): duplicate tcId 1 (first at testGroups[0].tests[0] (tcId 1)))");
}

TEST_F(LoaderTest, WrongTypeInteger) {
  expect_error("wrong_type.json", replace_once(std::string(kGood), R"("length": 2, "okm": "aabb")", R"("length": "2", "okm": "aabb")"),
               R"(bad/wrong_type.json: testGroups[0].tests[0] (tcId 1): key "length": expected an integer, got string)");
}

TEST_F(LoaderTest, WrongTypeHex) {
  expect_error("wrong_hex_type.json", replace_once(std::string(kGood), R"("salt": "00")", R"("salt": 0)"),
               R"(bad/wrong_hex_type.json: testGroups[0].tests[1] (tcId 2): key "salt": expected a hex string, got integer)");
}

TEST_F(LoaderTest, FractionalInteger) {
  expect_error("fraction.json", replace_once(std::string(kGood), R"("length": 2, "okm": "aabb")", R"("length": 2.5, "okm": "aabb")"),
               R"(bad/fraction.json: testGroups[0].tests[0] (tcId 1): key "length": expected an integer, got number with a fraction)");
}

TEST_F(LoaderTest, NegativeInteger) {
  expect_error("negative.json", replace_once(std::string(kGood), R"("length": 2, "okm": "aabb")", R"("length": -1, "okm": "aabb")"),
               R"(bad/negative.json: testGroups[0].tests[0] (tcId 1): key "length": integer out of range 0..2^53-1)");
}

TEST_F(LoaderTest, WrongTypeFlags) {
  expect_error("flags.json", replace_once(std::string(kGood), R"("flags": ["X"])", R"("flags": ["X", 3])"),
               R"(bad/flags.json: testGroups[0].tests[1] (tcId 2): key "flags": element 1: expected a string, got integer)");
}

TEST_F(LoaderTest, BadResult) {
  expect_error("bad_result.json", replace_once(std::string(kGood), R"("result": "invalid")", R"("result": "ok")"),
               R"(bad/bad_result.json: testGroups[0].tests[1] (tcId 2): key "result": expected "valid", "invalid" or "acceptable", got "ok")");
}

TEST_F(LoaderTest, DuplicateJsonKey) {
  expect_error("dup_key.json", replace_once(std::string(kGood), R"("okm": "aabb")", R"("okm": "aabb", "okm": "aabc")"),
               R"(bad/dup_key.json: testGroups[0].tests[0]: duplicate key "okm")");
}

TEST_F(LoaderTest, UnknownTopLevelKey) {
  expect_error("top_key.json", replace_once(std::string(kGood), R"("schema": "hkdf_sha256",)", R"("schema": "hkdf_sha256", "numberOfTests": 2,)"),
               R"(bad/top_key.json: top level: unknown key "numberOfTests")");
}

TEST_F(LoaderTest, MissingSource) {
  expect_error("no_source.json", replace_once(std::string(kGood), R"("source": "RFC 5869 appendix A",)", ""),
               R"(bad/no_source.json: top level: missing key "source")");
}

TEST_F(LoaderTest, UnknownSchema) {
  auto r = load("kind.json", replace_once(std::string(kGood), R"("schema": "hkdf_sha256")", R"("schema": "hkdf_sha257")"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().detail.rfind(R"(bad/kind.json: top level: key "schema": unknown vector kind "hkdf_sha257" (known: x25519, )", 0), 0u)
      << r.error().detail;
}

TEST_F(LoaderTest, UnknownGroupKey) {
  expect_error("group_key.json", replace_once(std::string(kGood), R"("tests": [)", R"("keySize": 128, "tests": [)"),
               R"(bad/group_key.json: testGroups[0]: unknown key "keySize")");
}

TEST_F(LoaderTest, MissingGroupParam) {
  std::string text = replace_once(std::string(kGood), R"("schema": "hkdf_sha256")", R"("schema": "hmac_sha256")");
  expect_error("group_param.json", text, R"(bad/group_param.json: testGroups[0]: missing key "tagSize")");
}

TEST_F(LoaderTest, EmptyGroups) {
  expect_error("empty.json", R"({"algorithm": "a", "source": "s", "schema": "sha256", "testGroups": []})",
               R"(bad/empty.json: top level: key "testGroups": no test groups)");
}

TEST_F(LoaderTest, SyntaxError) {
  auto r = load("syntax.json", "{\n  \"algorithm\": \"a\",\n  \"source\" \"s\"\n}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().detail.rfind("bad/syntax.json: line 3, column 14: invalid JSON: ", 0), 0u) << r.error().detail;
  EXPECT_EQ(r.error().detail.find('\n'), std::string::npos);
}

TEST_F(LoaderTest, NotAnObject) {
  expect_error("array.json", "[1, 2]", "bad/array.json: top level: expected an object, got array");
}

TEST_F(LoaderTest, MissingFile) {
  auto r = load_vector_file(dir_ / "absent.json", "bad/absent.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().detail, "bad/absent.json: cannot open file");
}

TEST_F(LoaderTest, UnusedFieldsAreReported) {
  auto r = load("good.json", kGood);
  ASSERT_TRUE(r.ok()) << r.error().detail;
  for (const Vector& t : r->groups[0].tests) {
    (void)t.fields.string("domain");
    (void)t.fields.hex("ikm");
    (void)t.fields.hex("salt");
    (void)t.fields.hex("info");
    (void)t.fields.integer("length");
  }
  (void)r->groups[0].tests[0].fields.hex("okm");
  std::vector<std::string> want = {R"(bad/good.json: testGroups[0].tests[1] (tcId 2): field "okm" was never used)"};
  EXPECT_EQ(r->unconsumed(), want);
  r->groups[0].tests[1].fields.hex("okm");
  EXPECT_TRUE(r->unconsumed().empty());
}

TEST_F(LoaderTest, MisusedFieldsAreReported) {
  auto r = load("good.json", kGood);
  ASSERT_TRUE(r.ok()) << r.error().detail;
  const Vector& t = r->groups[0].tests[0];
  for (std::string_view f : {"ikm", "salt", "info", "okm"}) (void)t.fields.hex(f);
  (void)t.fields.string("domain");
  EXPECT_EQ(t.fields.hex("length").size(), 0u);  // wrong type: empty value, recorded
  EXPECT_EQ(t.fields.integer("okmm"), 0);        // absent: zero, recorded
  const auto& m = t.fields.misuses();
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0], R"(field "length" read as hex but it is integer)");
  EXPECT_EQ(m[1], R"(read of absent field "okmm" as integer)");
  auto lines = r->unconsumed();
  EXPECT_NE(std::find(lines.begin(), lines.end(),
                      R"(bad/good.json: testGroups[0].tests[0] (tcId 1): read of absent field "okmm" as integer)"),
            lines.end());
}

TEST(VectorLoader, EveryShippedFileLoads) {
  for (const std::string& path : list_vector_files()) {
    auto r = load_vectors(path);
    EXPECT_TRUE(r.ok()) << r.error().detail;
  }
}

}  // namespace
}  // namespace parity::vectors
