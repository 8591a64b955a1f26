// client_test.cc: the PTP client against parity-broken-target (one misbehaviour per
// mode) and against parity-target-reference (a full session, the round-trip cost).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "harness/client/process.h"
#include "harness/client/target.h"

namespace parity::harness {

// PrintTo names a ViolationKind in gtest's messages.
void PrintTo(ViolationKind kind, std::ostream* os) {
  *os << to_string(kind);
}

namespace {

using namespace std::chrono_literals;
using Ms = std::chrono::milliseconds;

const std::string kBroken = PARITY_BROKEN_TARGET;
const std::string kReference = PARITY_REFERENCE_TARGET;

// Generous limits where nothing should time out; short ones where a hang is expected.
constexpr Limits kRelaxed{Ms(5000), Ms(5000)};
constexpr Limits kShort{Ms(5000), Ms(300)};

Ms elapsed_since(Clock::time_point t0) {
  return std::chrono::duration_cast<Ms>(Clock::now() - t0);
}

std::unique_ptr<Target> start_ok(const std::string& command, const Limits& limits = kRelaxed) {
  auto r = start_target(command, "target", limits);
  if (auto* e = std::get_if<StartError>(&r)) {
    ADD_FAILURE() << "start failed: " << to_string(e->violation.kind) << ": " << e->violation.detail;
    return nullptr;
  }
  return std::get<std::unique_ptr<Target>>(std::move(r));
}

StartError start_fails(const std::string& command, const Limits& limits = kRelaxed) {
  auto r = start_target(command, "target", limits);
  if (auto* e = std::get_if<StartError>(&r)) return *e;
  ADD_FAILURE() << "start of " << command << " succeeded unexpectedly";
  return StartError{};
}

std::string broken(const std::string& mode) {
  return kBroken + " " + mode;
}

// pid_from_banner reads the pid parity-broken-target prints to stderr on start.
int pid_from_banner(const std::string& stderr_text) {
  auto pos = stderr_text.find("broken-target pid=");
  if (pos == std::string::npos) return -1;
  return std::stoi(stderr_text.substr(pos + std::strlen("broken-target pid=")));
}

// process_gone tells whether pid no longer runs (absent or a zombie nobody reaped).
bool process_gone(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string content((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto close = content.rfind(')');
  return close != std::string::npos && close + 2 < content.size() && content[close + 2] == 'Z';
}

bool eventually_gone(int pid) {
  for (int i = 0; i < 200; ++i) {
    if (process_gone(pid)) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

bool has_entry(const Transcript& t, Direction d, const std::string& needle) {
  for (const auto& e : t.entries) {
    if (e.direction == d && e.line.find(needle) != std::string::npos) return true;
  }
  return false;
}

// --- one misbehaviour per mode -------------------------------------------------------

struct CreateCase {
  const char* mode;
  ViolationKind kind;
  const char* detail;  // a substring the violation's detail must hold
};

void PrintTo(const CreateCase& c, std::ostream* os) {
  *os << c.mode;
}

class CreateMisbehaviour : public ::testing::TestWithParam<CreateCase> {};

TEST_P(CreateMisbehaviour, GivesItsViolationKillsAndRestarts) {
  const CreateCase& c = GetParam();
  // The short limit only where a hang is the point; a loaded machine may be slow.
  auto t = start_ok(broken(c.mode), c.kind == ViolationKind::timeout ? kShort : kRelaxed);
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->reset(std::nullopt).ok());

  const auto t0 = Clock::now();
  auto r = t->create("alice");
  const Ms took = elapsed_since(t0);
  ASSERT_TRUE(r.violated()) << c.mode;
  EXPECT_EQ(r.violation().kind, c.kind) << c.mode << ": " << r.violation().detail;
  EXPECT_NE(r.violation().detail.find(c.detail), std::string::npos) << r.violation().detail;
  EXPECT_NE(r.violation().stderr_tail.find("broken-target pid="), std::string::npos);
  // Detected from what the target did, not by waiting out the request limit (5 s here);
  // no tighter figure: writing 16 MiB through a pipe on a loaded machine takes its time.
  EXPECT_LT(took, kRelaxed.request) << "detection waited for the request limit";
  if (c.kind == ViolationKind::timeout) {
    EXPECT_GE(took, 300ms);
    EXPECT_LT(took, 1300ms);
  }
  EXPECT_FALSE(t->alive());
  const int pid = pid_from_banner(t->stderr_tail());
  ASSERT_GT(pid, 0);
  EXPECT_TRUE(eventually_gone(pid)) << "pid " << pid << " still runs";

  // Dead: the next op answers the same kind at once, without I/O.
  const auto t1 = Clock::now();
  auto again = t->reset(std::nullopt);
  ASSERT_TRUE(again.violated());
  EXPECT_EQ(again.violation().kind, c.kind);
  EXPECT_LT(elapsed_since(t1), 50ms);

  Transcript tr = t->take_transcript();
  EXPECT_TRUE(has_entry(tr, Direction::request, "\"op\":\"create\""));
  EXPECT_TRUE(has_entry(tr, Direction::note, "violation " + std::string(to_string(c.kind))));

  auto restarted = t->restart();
  ASSERT_TRUE(restarted.ok()) << restarted.violation().detail;
  EXPECT_TRUE(t->alive());
  EXPECT_TRUE(t->reset(std::nullopt).ok());
  EXPECT_TRUE(has_entry(t->take_transcript(), Direction::note, "restart"));
}

INSTANTIATE_TEST_SUITE_P(BrokenTarget, CreateMisbehaviour,
                         ::testing::Values(CreateCase{"exit-on-create", ViolationKind::exited, "status 3"},
                                           CreateCase{"crash", ViolationKind::signaled, "SIGSEGV"},
                                           CreateCase{"hang", ViolationKind::timeout, "300 ms"},
                                           CreateCase{"not-json", ViolationKind::not_json, "this is not json"},
                                           CreateCase{"not-object", ViolationKind::not_object, "[1,2]"},
                                           CreateCase{"wrong-id", ViolationKind::wrong_id, "expected id 3, got 4"},
                                           CreateCase{"missing-field", ViolationKind::missing_field, "identity"},
                                           CreateCase{"bad-error-code", ViolationKind::bad_value, "kaboom"},
                                           CreateCase{"uppercase-hex", ViolationKind::bad_value, "05ABCDEF"},
                                           CreateCase{"oversized", ViolationKind::oversized_line, "16 MiB"},
                                           CreateCase{"partial-line", ViolationKind::timeout, "without a newline"}),
                         [](const ::testing::TestParamInfo<CreateCase>& param_info) {
                           std::string name = param_info.param.mode;
                           for (char& ch : name) {
                             if (ch == '-') ch = '_';
                           }
                           return name;
                         });

TEST(BrokenTarget, StderrFloodNeitherBlocksNorGrowsUnbounded) {
  auto t = start_ok(broken("stderr-flood"));
  ASSERT_TRUE(t);
  const auto t0 = Clock::now();
  auto r = t->create("alice");
  ASSERT_TRUE(r.ok()) << (r.violated() ? r.violation().detail : "refused");
  EXPECT_EQ(*r, (Bytes{0x05, 0xaa}));
  EXPECT_TRUE(t->alive());
  const std::string tail = t->stderr_tail();
  EXPECT_LE(tail.size(), kStderrTailBytes);
  EXPECT_GE(tail.size(), kStderrTailBytes / 2);
  EXPECT_TRUE(tail.ends_with("flood-end\n"));
  std::printf("[ measure  ] 100 MB of stderr drained in %lld ms\n", static_cast<long long>(elapsed_since(t0).count()));
}

TEST(BrokenTarget, SlowHelloTimesOutWithinTheHelloLimit) {
  const auto t0 = Clock::now();
  StartError e = start_fails(broken("slow-hello"), Limits{Ms(300), Ms(300)});
  EXPECT_EQ(e.violation.kind, ViolationKind::timeout) << e.violation.detail;
  EXPECT_GE(elapsed_since(t0), 300ms);
  EXPECT_LT(elapsed_since(t0), 1500ms);
  const int pid = pid_from_banner(e.violation.stderr_tail);
  ASSERT_GT(pid, 0);
  EXPECT_TRUE(eventually_gone(pid));
}

TEST(Limits, LargeRequestsGetTimeInProportionToTheirSize) {
  const Limits limits{Ms(5000), Ms(300), Ms(400)};
  EXPECT_EQ(size_allowance(limits, 0), Ms(0));
  EXPECT_EQ(size_allowance(limits, (size_t{1} << 20) - 1), Ms(0));
  EXPECT_EQ(size_allowance(limits, size_t{16} << 20), Ms(6400));
}

TEST(BrokenTarget, AHangOnALargeRequestTimesOutAfterTheScaledLimit) {
  auto t = start_ok(broken("hang"), Limits{Ms(5000), Ms(300), Ms(400)});
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->reset(std::nullopt).ok());
  const auto t0 = Clock::now();
  auto r = t->create(std::string((size_t{2} << 20) + 10, 'a'));  // 2 MiB: 300 + 2 * 400 ms
  ASSERT_TRUE(r.violated());
  EXPECT_EQ(r.violation().kind, ViolationKind::timeout);
  EXPECT_NE(r.violation().detail.find("within 1100 ms"), std::string::npos) << r.violation().detail;
  EXPECT_GE(elapsed_since(t0), Ms(1100));
}

TEST(BrokenTarget, RefusedHelloIsBadHello) {
  StartError e = start_fails(broken("refuse-hello"));
  EXPECT_EQ(e.violation.kind, ViolationKind::bad_hello);
  EXPECT_NE(e.violation.detail.find("unsupported"), std::string::npos) << e.violation.detail;
}

TEST(BrokenTarget, OtherPtpVersionIsBadHello) {
  StartError e = start_fails(broken("bad-version"));
  EXPECT_EQ(e.violation.kind, ViolationKind::bad_hello);
  EXPECT_NE(e.violation.detail.find("PTP 2"), std::string::npos) << e.violation.detail;
}

TEST(BrokenTarget, ANegativeOrFractionalLimitIsBadHello) {
  StartError e = start_fails(broken("negative-limit"));
  EXPECT_EQ(e.violation.kind, ViolationKind::bad_hello);
  EXPECT_NE(e.violation.detail.find("limits.max_skip is -1, not a non-negative integer or null"), std::string::npos)
      << e.violation.detail;
  e = start_fails(broken("fractional-limit"));
  EXPECT_EQ(e.violation.kind, ViolationKind::bad_hello);
  EXPECT_NE(e.violation.detail.find("limits.max_skipped_keys is 1.5"), std::string::npos) << e.violation.detail;
}

TEST(BrokenTarget, ANullLimitIsDeclaredUnbounded) {
  auto t = start_ok(broken("null-limits"));
  ASSERT_TRUE(t);
  const Hello& h = t->hello();
  EXPECT_EQ(h.declared("max_skip").kind, LimitKind::unbounded);
  EXPECT_EQ(h.declared("max_skipped_keys").kind, LimitKind::unbounded);
  EXPECT_EQ(h.declared("max_receiver_chains").kind, LimitKind::number);
  EXPECT_EQ(h.declared("max_receiver_chains").value, 5u);
  EXPECT_EQ(h.declared("no_such_limit").kind, LimitKind::absent);
  // limit() gives numbers only: a null bound has no figure.
  EXPECT_EQ(h.limit("max_skip"), std::nullopt);
  EXPECT_EQ(h.limit("max_receiver_chains"), std::optional<uint64_t>(5));
}

TEST(BrokenTarget, ACommitPolicyIsReadAndANonStringOneIsBadHello) {
  auto t = start_ok(broken("commit-policy"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->hello().commit_policy, "an empty commit before the first send after receiving");
  auto plain = start_ok(broken("null-limits"));
  ASSERT_TRUE(plain);
  EXPECT_EQ(t->hello().post_quantum, "ratchet: SPQR; setup: PQXDH (ML-KEM-1024)");
  EXPECT_EQ(plain->hello().commit_policy, "");
  EXPECT_EQ(plain->hello().post_quantum, "");
  StartError e = start_fails(broken("bad-commit-policy"));
  EXPECT_EQ(e.violation.kind, ViolationKind::bad_hello);
  EXPECT_NE(e.violation.detail.find("commit_policy is not a string"), std::string::npos) << e.violation.detail;
}

TEST(BrokenTarget, MissingCommandIsStartFailed) {
  StartError e = start_fails("/nonexistent/parity-no-such-target --flag");
  EXPECT_EQ(e.violation.kind, ViolationKind::start_failed) << e.violation.detail;
}

TEST(BrokenTarget, TargetThatIgnoresEofIsKilledAfterOneSecond) {
  auto t = start_ok(broken("no-exit-on-eof"));
  ASSERT_TRUE(t);
  const int pid = pid_from_banner(t->stderr_tail());
  const auto t0 = Clock::now();
  t.reset();
  const Ms took = elapsed_since(t0);
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 2500ms);
  if (pid > 0) {
    EXPECT_TRUE(eventually_gone(pid));
  }
}

TEST(BrokenTarget, WellBehavedTargetExitsPromptlyOnEof) {
  auto t = start_ok(broken("well"));
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->create("alice").ok());
  const auto t0 = Clock::now();
  t.reset();
  EXPECT_LT(elapsed_since(t0), 500ms);
}

TEST(BrokenTarget, KillReachesGrandchildrenOfAShellWrapper) {
  // `; true` keeps sh from exec'ing, so the target is a grandchild of our child.
  auto t = start_ok("sh -c '" + broken("hang") + "; true'", kShort);
  ASSERT_TRUE(t);
  const int pid = pid_from_banner(t->stderr_tail());
  ASSERT_GT(pid, 0);
  auto r = t->create("alice");
  ASSERT_TRUE(r.violated());
  EXPECT_EQ(r.violation().kind, ViolationKind::timeout);
  EXPECT_TRUE(eventually_gone(pid)) << "grandchild " << pid << " survived";
}

TEST(BrokenTarget, ShellCommandLinesWork) {
  for (const std::string& command :
       {"PARITY_UNUSED=1 " + broken("well"), "cd / && " + broken("well"), "true; " + broken("well")}) {
    auto t = start_ok(command);
    ASSERT_TRUE(t) << command;
    EXPECT_TRUE(t->create("alice").ok()) << command;
  }
  // Through a shell that stays, a crash arrives as status 128+N; the detail says so.
  auto t = start_ok("true; " + broken("crash"));
  ASSERT_TRUE(t);
  auto r = t->create("alice");
  ASSERT_TRUE(r.violated());
  EXPECT_EQ(r.violation().kind, ViolationKind::exited);
  EXPECT_NE(r.violation().detail.find("139 (SIGSEGV"), std::string::npos) << r.violation().detail;
}

TEST(BrokenTarget, IdsStartAtOneAndIncrease) {
  auto t = start_ok(broken("well"));
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->reset(std::nullopt).ok());
  ASSERT_TRUE(t->create("a").ok());
  Transcript tr = t->take_transcript();
  std::vector<std::string> requests;
  for (const auto& e : tr.entries) {
    if (e.direction == Direction::request) requests.push_back(e.line);
  }
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_NE(requests[0].find("\"id\":1"), std::string::npos) << requests[0];
  EXPECT_NE(requests[0].find("\"op\":\"hello\""), std::string::npos);
  EXPECT_NE(requests[1].find("\"id\":2"), std::string::npos);
  EXPECT_NE(requests[2].find("\"id\":3"), std::string::npos);
  for (size_t i = 1; i < tr.entries.size(); ++i) EXPECT_GE(tr.entries[i].micros, tr.entries[i - 1].micros);
  EXPECT_EQ(tr.entries.front().target, "target");
  // take_transcript empties it and restarts the clock.
  ASSERT_TRUE(t->reset(std::nullopt).ok());
  Transcript next = t->take_transcript();
  ASSERT_EQ(next.entries.size(), 2u);
  EXPECT_LT(next.entries[0].micros, 1'000'000);
  EXPECT_EQ(t->round_trips(), 4u);
}

int open_fds() {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    (void)e;
    ++n;
  }
  return n;
}

TEST(BrokenTarget, NoDescriptorLeaks) {
  const int before = open_fds();
  for (const char* mode : {"well", "exit-on-create", "crash", "not-json", "oversized"}) {
    auto t = start_ok(broken(mode));
    ASSERT_TRUE(t);
    (void)t->create("alice");
    ASSERT_TRUE(t->restart().ok());
  }
  (void)start_fails(broken("refuse-hello"));
  EXPECT_EQ(open_fds(), before);
}

// --- transcript --------------------------------------------------------------------

TEST(TranscriptJson, RoundTrips) {
  Transcript t;
  t.entries.push_back({Direction::note, "target", "start x", 0});
  t.entries.push_back({Direction::request, "target", R"({"id":1,"op":"hello","ptp":1})", 5});
  t.entries.push_back({Direction::response, "baseline", R"({"id":1,"ok":true})", 1234567});
  nlohmann::json j = t.to_json();
  ASSERT_TRUE(j.is_array());
  EXPECT_EQ(j[1]["dir"], "request");
  EXPECT_EQ(j[2]["us"], 1234567);
  auto back = Transcript::from_json(nlohmann::json::parse(j.dump()));
  ASSERT_TRUE(back.ok()) << back.error().detail;
  ASSERT_EQ(back->entries.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(back->entries[i].direction, t.entries[i].direction);
    EXPECT_EQ(back->entries[i].target, t.entries[i].target);
    EXPECT_EQ(back->entries[i].line, t.entries[i].line);
    EXPECT_EQ(back->entries[i].micros, t.entries[i].micros);
  }
  auto empty = Transcript::from_json(nlohmann::json::array());
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->entries.empty());
}

TEST(TranscriptCompaction, LongStringsBecomeHashesAndRoundTrip) {
  using nlohmann::json;
  const std::string big(10000, 'a');
  const std::string big2 = std::string(5000, 'x') + "END";
  const std::string small_line = R"({"id":2,"op":"encrypt","plaintext":"6869"})";
  Transcript t;
  t.entries.push_back({Direction::request, "target", small_line, 1});
  t.entries.push_back(
      {Direction::request, "target", json{{"id", 3}, {"op", "decrypt"}, {"ciphertext", big}}.dump(), 2});
  t.entries.push_back(
      {Direction::response, "target", json{{"id", 3}, {"ok", true}, {"r", json::array({big2, "s"})}}.dump(), 3});
  const std::string not_json = "{" + std::string(6000, 'z');  // a deliberately broken line
  t.entries.push_back({Direction::request, "target", not_json, 4});
  EXPECT_TRUE(t.complete());

  const Transcript c = t.compacted();
  ASSERT_EQ(c.entries.size(), 4u);
  EXPECT_FALSE(c.complete());
  EXPECT_FALSE(c.entries[0].compacted);
  EXPECT_EQ(c.entries[0].line, small_line) << "short lines are kept byte for byte";
  ASSERT_TRUE(c.entries[1].compacted);
  const json req = json::parse(c.entries[1].line);
  EXPECT_EQ(req["op"], "decrypt");
  EXPECT_EQ(req["id"], 3);
  const json& p = req["ciphertext"][kCompactKey];
  EXPECT_EQ(p["length"], 10000);
  EXPECT_EQ(p["sha256"], sha256_hex(big));
  EXPECT_EQ(p["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(p["head"], std::string(32, 'a'));
  EXPECT_EQ(placeholder_sha256(req["ciphertext"]), sha256_hex(big));
  const json resp = json::parse(c.entries[2].line);
  EXPECT_EQ(resp["r"][0][kCompactKey]["tail"], std::string(29, 'x') + "END");
  EXPECT_EQ(resp["r"][0][kCompactKey]["length"], big2.size());
  EXPECT_EQ(resp["r"][1], "s");
  ASSERT_TRUE(c.entries[3].compacted);
  EXPECT_EQ(placeholder_sha256(json::parse(c.entries[3].line)), sha256_hex(not_json));
  EXPECT_LT(c.to_json().dump().size(), 2000u);

  // Written and read back, the flags survive; compacting again changes nothing.
  auto back = Transcript::from_json(json::parse(c.to_json().dump()));
  ASSERT_TRUE(back.ok()) << back.error().detail;
  ASSERT_EQ(back->entries.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(back->entries[i].line, c.entries[i].line);
    EXPECT_EQ(back->entries[i].compacted, c.entries[i].compacted);
  }
  const Transcript again = back->compacted();
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(again.entries[i].line, c.entries[i].line);

  // Without limits (--full-transcripts) nothing changes.
  const Transcript whole = t.compacted(kWholeTranscripts);
  ASSERT_EQ(whole.entries.size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(whole.entries[i].line, t.entries[i].line);
  EXPECT_TRUE(whole.complete());
}

TEST(TranscriptCompaction, LongTranscriptsKeepTheirEnds) {
  Transcript t;
  for (int i = 0; i < 1000; ++i) {
    t.entries.push_back({i % 2 ? Direction::response : Direction::request, "target", "line " + std::to_string(i), i});
  }
  // Under the byte budget a long transcript stays whole (a vector walk stays replayable).
  EXPECT_EQ(t.compacted().entries.size(), 1000u);
  EXPECT_TRUE(t.compacted().complete());
  const Transcript c = t.compacted(Compaction{.max_string = 4096, .edge = 32, .keep_lines = 200, .max_bytes = 1000});
  ASSERT_EQ(c.entries.size(), 401u);
  EXPECT_EQ(c.entries[0].line, "line 0");
  EXPECT_EQ(c.entries[199].line, "line 199");
  EXPECT_EQ(c.entries[200].direction, Direction::note);
  EXPECT_EQ(c.entries[200].trimmed, 600);
  EXPECT_NE(c.entries[200].line.find("600 lines left out"), std::string::npos) << c.entries[200].line;
  EXPECT_EQ(c.entries[201].line, "line 800");
  EXPECT_EQ(c.entries[400].line, "line 999");
  EXPECT_FALSE(c.complete());
  auto back = Transcript::from_json(nlohmann::json::parse(c.to_json().dump()));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->entries[200].trimmed, 600);
  // At the line bound nothing is trimmed, whatever the bytes.
  t.entries.resize(401);
  const Compaction tight{.max_string = 4096, .edge = 32, .keep_lines = 200, .max_bytes = 1000};
  EXPECT_EQ(t.compacted(tight).entries.size(), 401u);
  EXPECT_TRUE(t.compacted(tight).complete());
}

TEST(TranscriptJson, RejectsMalformedInput) {
  using nlohmann::json;
  const json good = {{"dir", "note"}, {"target", "t"}, {"line", "x"}, {"us", 1}};
  auto without = [&](const char* field) {
    json e = good;
    e.erase(field);
    return json::array({e});
  };
  auto with = [&](const char* field, json v) {
    json e = good;
    e[field] = std::move(v);
    return json::array({e});
  };
  for (const json& bad : {json::object(), json("x"), json::array({1}), without("dir"), without("target"),
                          without("line"), without("us"), with("dir", "sideways"), with("us", "12"), with("line", 3),
                          with("compacted", "yes"), with("trimmed", -1), json::array({good, json(nullptr)})}) {
    auto r = Transcript::from_json(bad);
    EXPECT_FALSE(r.ok()) << bad.dump();
    if (!r.ok()) {
      EXPECT_EQ(r.code(), HarnessErrc::bad_input);
    }
  }
}

// --- typed ops' response fields (parity-broken-target canned FILE) ---------------------

// Canned starts parity-broken-target answering each request with the next of `answers`.
class Canned {
 public:
  explicit Canned(const std::vector<std::string>& answers) {
    std::string name = (std::filesystem::temp_directory_path() / "parity-canned-XXXXXX").string();
    const int fd = ::mkstemp(name.data());
    if (fd >= 0) ::close(fd);
    path_ = name;
    std::ofstream out(path_);
    for (const std::string& a : answers) out << a << "\n";
  }
  ~Canned() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  Canned(const Canned&) = delete;
  Canned& operator=(const Canned&) = delete;
  std::string command() const { return kBroken + " canned " + path_.string(); }

 private:
  std::filesystem::path path_;
};

// one_answer runs `op` against a target whose only answer is `answer`.
template <class F>
auto one_answer(const std::string& answer, F op) {
  Canned canned({answer});
  auto t = start_ok(canned.command());
  EXPECT_TRUE(t);
  if (!t) return decltype(op(std::declval<Target&>()))(Violation{ViolationKind::start_failed, "not started", {}});
  return op(*t);
}

const std::string kHex32 = std::string(64, 'a');
const std::string kHexKey = std::string(64, '1');
const Bytes kKey(32, 0x11);

struct FieldCase {
  const char* what;
  std::string answer;
  ViolationKind kind;
  const char* detail;  // a substring the violation's detail must hold
};

void expect_violation(const Violation& v, const FieldCase& c) {
  EXPECT_EQ(v.kind, c.kind) << c.what << ": " << v.detail;
  EXPECT_NE(v.detail.find(c.detail), std::string::npos) << c.what << ": " << v.detail;
}

TEST(TypedOps, MediaEncryptReadsItsFieldsOrViolates) {
  const std::string good = R"({"ok":true,"media_key":")" + kHexKey + R"(","encrypted":"0102","file_sha256":")" +
                           kHex32 + R"(","file_enc_sha256":")" + kHex32 + R"("})";
  auto ok = one_answer(good, [](Target& t) { return t.media_encrypt(media::MediaType::image, Bytes{1}); });
  ASSERT_TRUE(ok.ok()) << (ok.violated() ? ok.violation().detail : "refused");
  EXPECT_EQ(ok->media_key, kKey);
  EXPECT_EQ(ok->encrypted, (Bytes{1, 2}));
  EXPECT_EQ(ok->file_sha256, Bytes(32, 0xaa));
  EXPECT_EQ(ok->file_enc_sha256, Bytes(32, 0xaa));

  const std::vector<FieldCase> cases = {
      {"no encrypted", R"({"ok":true,"media_key":")" + kHexKey + R"(","file_sha256":"00","file_enc_sha256":"00"})",
       ViolationKind::missing_field, "media_encrypt: missing field \"encrypted\""},
      {"uppercase media_key",
       R"({"ok":true,"media_key":"AB","encrypted":"00","file_sha256":"00","file_enc_sha256":"00"})",
       ViolationKind::bad_value, "\"media_key\" is not even-length lowercase hex"},
      {"file_sha256 a number",
       R"({"ok":true,"media_key":"00","encrypted":"00","file_sha256":7,"file_enc_sha256":"00"})",
       ViolationKind::missing_field, "\"file_sha256\" is not a string"},
  };
  for (const FieldCase& c : cases) {
    auto r = one_answer(c.answer, [](Target& t) { return t.media_encrypt(media::MediaType::image, Bytes{1}, kKey); });
    ASSERT_TRUE(r.violated()) << c.what;
    expect_violation(r.violation(), c);
  }
}

TEST(TypedOps, GroupOpsReadTheirFieldsOrViolate) {
  auto ok = one_answer(R"({"ok":true,"deliveries":[{"to":"bob","envelope":"0102","kind":"control"},)"
                       R"({"to":"carol","envelope":"03","kind":"application"}]})",
                       [](Target& t) { return t.group_encrypt("alice", "g", Bytes{1}); });
  ASSERT_TRUE(ok.ok()) << (ok.violated() ? ok.violation().detail : "refused");
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[0].to, "bob");
  EXPECT_EQ((*ok)[0].envelope, (Bytes{1, 2}));
  EXPECT_EQ((*ok)[0].kind, DeliveryKind::control);
  EXPECT_EQ((*ok)[1].kind, DeliveryKind::application);

  auto rx = one_answer(R"({"ok":true,"kind":"application","plaintext":"6869"})",
                       [](Target& t) { return t.group_receive("bob", "g", "alice", Bytes{1}); });
  ASSERT_TRUE(rx.ok());
  EXPECT_EQ(rx->plaintext, (Bytes{'h', 'i'}));
  auto ctl = one_answer(R"({"ok":true,"kind":"control"})",
                        [](Target& t) { return t.group_receive("bob", "g", "alice", Bytes{1}); });
  ASSERT_TRUE(ctl.ok());
  EXPECT_EQ(ctl->kind, DeliveryKind::control);

  auto info = one_answer(R"({"ok":true,"members":["alice","bob"],"epoch":"aa","epoch_number":3,"removed":false})",
                         [](Target& t) { return t.group_info("bob", "g"); });
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->members, (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(info->epoch, (Bytes{0xaa}));
  EXPECT_EQ(info->epoch_number, 3u);

  const std::vector<FieldCase> cases = {
      {"no deliveries", R"({"ok":true})", ViolationKind::missing_field, "missing field \"deliveries\""},
      {"deliveries an object", R"({"ok":true,"deliveries":{}})", ViolationKind::missing_field, "is not an array"},
      {"to not a party", R"({"ok":true,"deliveries":[{"to":"Bob","envelope":"00","kind":"control"}]})",
       ViolationKind::bad_value, "deliveries[0]: \"to\" is not a party name"},
      {"bad envelope", R"({"ok":true,"deliveries":[{"to":"bob","envelope":"0","kind":"control"}]})",
       ViolationKind::bad_value, "deliveries[0]: field \"envelope\""},
      {"unknown kind", R"({"ok":true,"deliveries":[{"to":"bob","envelope":"00","kind":"welcome"}]})",
       ViolationKind::bad_value, "neither \"control\" nor \"application\""},
  };
  for (const FieldCase& c : cases) {
    auto r = one_answer(c.answer, [](Target& t) { return t.group_roster("alice", "g", {"alice", "bob"}); });
    ASSERT_TRUE(r.violated()) << c.what;
    expect_violation(r.violation(), c);
  }
  auto no_plain = one_answer(R"({"ok":true,"kind":"application"})",
                             [](Target& t) { return t.group_receive("bob", "g", "alice", Bytes{1}); });
  ASSERT_TRUE(no_plain.violated());
  EXPECT_EQ(no_plain.violation().kind, ViolationKind::missing_field);
  auto bad_members = one_answer(R"({"ok":true,"members":[1]})", [](Target& t) { return t.group_info("bob", "g"); });
  ASSERT_TRUE(bad_members.violated());
  EXPECT_EQ(bad_members.violation().kind, ViolationKind::bad_value);
}

TEST(TypedOps, MediaDecryptAndFileOpsReadTheirFieldsOrViolate) {
  auto pt = one_answer(R"({"ok":true,"plaintext":"6869"})", [](Target& t) {
    return t.media_decrypt(media::MediaType::video, kKey, Bytes{1}, Bytes(32, 0));
  });
  ASSERT_TRUE(pt.ok());
  EXPECT_EQ(*pt, (Bytes{'h', 'i'}));
  auto odd = one_answer(R"({"ok":true,"plaintext":"686"})", [](Target& t) {
    return t.media_decrypt(media::MediaType::video, kKey, Bytes{1}, Bytes(32, 0));
  });
  ASSERT_TRUE(odd.violated());
  expect_violation(odd.violation(), {"odd hex", "", ViolationKind::bad_value, "media_decrypt: field \"plaintext\""});

  auto enc = one_answer(R"({"ok":true,"media_key":")" + kHexKey + R"(","file_sha256":")" + kHex32 +
                            R"(","file_enc_sha256":")" + kHex32 + R"(","size":67108906})",
                        [](Target& t) { return t.media_encrypt_file(media::MediaType::audio, "/a", "/b"); });
  ASSERT_TRUE(enc.ok()) << (enc.violated() ? enc.violation().detail : "refused");
  EXPECT_EQ(enc->media_key, kKey);
  EXPECT_EQ(enc->size, 67108906u);

  auto decrypt_file = [](Target& t) {
    return t.media_decrypt_file(media::MediaType::document, kKey, "/a", Bytes(32, 0), "/b");
  };
  auto size = one_answer(R"({"ok":true,"size":9007199254740991})", decrypt_file);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, (uint64_t{1} << 53) - 1);
  const std::vector<FieldCase> cases = {
      {"no size", R"({"ok":true})", ViolationKind::missing_field, "media_decrypt_file: missing field \"size\""},
      {"size a string", R"({"ok":true,"size":"12"})", ViolationKind::missing_field, "\"size\" is not an integer"},
      {"size a fraction", R"({"ok":true,"size":1.5})", ViolationKind::missing_field, "\"size\" is not an integer"},
      {"negative size", R"({"ok":true,"size":-1})", ViolationKind::bad_value, "\"size\" is not within 0..2^53-1"},
      {"size past 2^53-1", R"({"ok":true,"size":9007199254740992})", ViolationKind::bad_value,
       "\"size\" is not within 0..2^53-1"},
  };
  for (const FieldCase& c : cases) {
    auto r = one_answer(c.answer, decrypt_file);
    ASSERT_TRUE(r.violated()) << c.what;
    expect_violation(r.violation(), c);
  }
  auto no_size = one_answer(R"({"ok":true,"media_key":"00","file_sha256":"00","file_enc_sha256":"00"})",
                            [](Target& t) { return t.media_encrypt_file(media::MediaType::audio, "/a", "/b"); });
  ASSERT_TRUE(no_size.violated());
  expect_violation(no_size.violation(), {"", "", ViolationKind::missing_field, "media_encrypt_file: missing field"});
}

TEST(TypedOps, RefusalsOfTypedOpsAreRefusals) {
  auto r = one_answer(R"({"ok":false,"error":"invalid_message","detail":"bad MAC"})", [](Target& t) {
    return t.media_decrypt_file(media::MediaType::image, kKey, "/a", Bytes(32, 0), "/b");
  });
  ASSERT_TRUE(r.refused());
  EXPECT_EQ(r.refusal().code, ptp::ErrorCode::invalid_message);
  EXPECT_EQ(r.refusal().detail, "bad MAC");
  auto bad_code = one_answer(R"({"ok":false,"error":"kaboom"})", [](Target& t) { return t.unwrap("bob", "<x/>"); });
  ASSERT_TRUE(bad_code.violated());
  EXPECT_EQ(bad_code.violation().kind, ViolationKind::bad_value);
}

TEST(TypedOps, WrapAndUnwrapReadTheirFieldsOrViolate) {
  auto wrap = [](Target& t) {
    return t.wrap("alice", "bob", Bytes{1, 2}, MessageKind::prekey, {"m1", "bob@x.example", "alice@y.example"});
  };
  auto w = one_answer(R"({"ok":true,"stanza":"<message/>"})", wrap);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, "<message/>");
  auto no_stanza = one_answer(R"({"ok":true,"stanza":["<message/>"]})", wrap);
  ASSERT_TRUE(no_stanza.violated());
  expect_violation(no_stanza.violation(),
                   {"", "", ViolationKind::missing_field, "wrap: field \"stanza\" is not a string"});

  const std::string good = R"({"ok":true,"ciphertext":"0102","kind":"skmsg","stanza_id":"m1","to":"b@x","from":"a@y"})";
  auto u = one_answer(good, [](Target& t) { return t.unwrap("bob", "\xff", StanzaEncoding::hex); });
  ASSERT_TRUE(u.ok()) << (u.violated() ? u.violation().detail : "refused");
  EXPECT_EQ(u->ciphertext, (Bytes{1, 2}));
  EXPECT_EQ(u->kind, "skmsg");  // unwrap's kind is an open word (PTP 1.1)
  EXPECT_EQ(u->stanza_id, "m1");
  EXPECT_EQ(u->to, "b@x");
  EXPECT_EQ(u->from, "a@y");
  const std::vector<FieldCase> cases = {
      {"no from", R"({"ok":true,"ciphertext":"01","kind":"message","stanza_id":"m","to":"b@x"})",
       ViolationKind::missing_field, "unwrap: missing field \"from\""},
      {"ciphertext not hex", R"({"ok":true,"ciphertext":"zz","kind":"message","stanza_id":"m","to":"b","from":"a"})",
       ViolationKind::bad_value, "\"ciphertext\" is not even-length lowercase hex"},
      {"stanza_id a number", R"({"ok":true,"ciphertext":"01","kind":"message","stanza_id":1,"to":"b","from":"a"})",
       ViolationKind::missing_field, "\"stanza_id\" is not a string"},
  };
  for (const FieldCase& c : cases) {
    auto r = one_answer(c.answer, [](Target& t) { return t.unwrap("bob", "<message/>"); });
    ASSERT_TRUE(r.violated()) << c.what;
    expect_violation(r.violation(), c);
  }
}

TEST(TypedOps, TypedRequestsKeepTheirWireFields) {
  Canned canned({R"({"ok":true,"stanza":"s"})", R"({"ok":false,"error":"invalid_message"})",
                 R"({"ok":false,"error":"unsupported"})", R"({"ok":false,"error":"unsupported"})",
                 R"({"ok":true,"plaintext":""})"});
  auto t = start_ok(canned.command());
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->wrap("alice", "bob", Bytes{0xab}, MessageKind::message, {"id1", "b@x", "a@y"}).ok());
  ASSERT_TRUE(t->unwrap("bob", "<m/>").refused());
  ASSERT_TRUE(t->unwrap("bob", "\xff<", StanzaEncoding::hex).refused());
  ASSERT_TRUE(t->media_encrypt(media::MediaType::document, Bytes{}, kKey).refused());
  ASSERT_TRUE(t->decrypt("bob", "alice", Bytes{1}, MessageKind::prekey).ok());
  Transcript tr = t->take_transcript();
  EXPECT_TRUE(has_entry(tr, Direction::request,
                        R"({"ciphertext":"ab","from":"a@y","id":2,"kind":"message","op":"wrap","party":"alice",)"
                        R"("peer":"bob","stanza_id":"id1","to":"b@x"})"));
  EXPECT_TRUE(has_entry(tr, Direction::request, R"({"id":3,"op":"unwrap","party":"bob","stanza":"<m/>"})"));
  EXPECT_TRUE(has_entry(tr, Direction::request, R"({"id":4,"op":"unwrap","party":"bob","stanza_hex":"ff3c"})"));
  EXPECT_TRUE(has_entry(
      tr, Direction::request,
      R"({"id":5,"media_key":")" + kHexKey + R"(","media_type":"document","op":"media_encrypt","plaintext":""})"));
  EXPECT_TRUE(has_entry(tr, Direction::request, R"("kind":"prekey","op":"decrypt")"));
}

// --- message kinds and bundle layouts --------------------------------------------------

TEST(MessageKinds, ParseAndPrint) {
  EXPECT_EQ(parse_message_kind("prekey"), MessageKind::prekey);
  EXPECT_EQ(parse_message_kind("message"), MessageKind::message);
  EXPECT_EQ(parse_message_kind("skmsg"), std::nullopt);
  EXPECT_EQ(parse_message_kind("Prekey"), std::nullopt);
  EXPECT_EQ(to_string(MessageKind::prekey), "prekey");
  EXPECT_EQ(to_string(MessageKind::message), "message");
}

TEST(MessageKinds, EncryptReadsTheKindAndAnUnknownKindIsABadValue) {
  auto encrypt = [](Target& t) { return t.encrypt("alice", "bob", Bytes{1}); };
  auto pk = one_answer(R"({"ok":true,"ciphertext":"33","kind":"prekey"})", encrypt);
  ASSERT_TRUE(pk.ok());
  EXPECT_EQ(pk->kind, MessageKind::prekey);
  auto m = one_answer(R"({"ok":true,"ciphertext":"33","kind":"message"})", encrypt);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->kind, MessageKind::message);
  auto unknown = one_answer(R"({"ok":true,"ciphertext":"33","kind":"whisper"})", encrypt);
  ASSERT_TRUE(unknown.violated());
  expect_violation(unknown.violation(),
                   {"", "", ViolationKind::bad_value, "field \"kind\" is neither \"prekey\" nor \"message\": whisper"});
  auto none = one_answer(R"({"ok":true,"ciphertext":"33"})", encrypt);
  ASSERT_TRUE(none.violated());
  EXPECT_EQ(none.violation().kind, ViolationKind::missing_field);
}

TEST(BundleLayouts, ParseBundleLayout) {
  auto ok = parse_bundle_layout(Json::parse(R"({"signature":[6,10],"identity":[0,3]})"), 10);
  ASSERT_TRUE(std::holds_alternative<BundleLayout>(ok));
  const BundleLayout& l = std::get<BundleLayout>(ok);
  ASSERT_EQ(l.ranges.size(), 2u);
  EXPECT_EQ(l.ranges[0], (LayoutRange{"identity", 0, 3}));
  EXPECT_EQ(l.ranges[1], (LayoutRange{"signature", 6, 10}));
  EXPECT_NE(l.find("signature"), nullptr);
  EXPECT_EQ(l.find("signed_prekey"), nullptr);
  EXPECT_EQ(l.to_json(), R"({"identity":[0,3],"signature":[6,10]})");
  auto why = [](const char* layout) {
    auto r = parse_bundle_layout(Json::parse(layout), 10);
    return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : std::string("parsed");
  };
  EXPECT_EQ(why(R"({"identity":[0,11]})"), "layout \"identity\" = [0, 11] is not inside the 10-byte bundle");
  EXPECT_EQ(why(R"({"identity":[3,3]})"), "layout \"identity\" = [3, 3] is not inside the 10-byte bundle");
  EXPECT_EQ(why(R"({"identity":[-1,3]})"), "layout \"identity\" is not [start, end]");
  EXPECT_EQ(why(R"({"identity":"0-3"})"), "layout \"identity\" is not [start, end]");
  EXPECT_EQ(why(R"({"identity":[0,1,2]})"), "layout \"identity\" is not [start, end]");
  EXPECT_EQ(why(R"([0,3])"), "layout is not an object");
  EXPECT_EQ(why(R"({})"), "parsed");
}

TEST(BundleLayouts, BundleKeepsAMalformedLayoutForTheCheckAndRefusesANonObject) {
  auto bundle = [](Target& t) { return t.bundle("bob"); };
  auto none = one_answer(R"({"ok":true,"bundle":"0102"})", bundle);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->layout);
  EXPECT_TRUE(none->layout_problem.empty());
  auto null = one_answer(R"({"ok":true,"bundle":"0102","layout":null})", bundle);
  ASSERT_TRUE(null.ok());
  EXPECT_FALSE(null->layout);
  EXPECT_TRUE(null->layout_problem.empty());
  auto good = one_answer(R"({"ok":true,"bundle":"010203","layout":{"identity":[0,2]}})", bundle);
  ASSERT_TRUE(good.ok());
  ASSERT_TRUE(good->layout);
  EXPECT_EQ(good->layout->ranges, (std::vector<LayoutRange>{{"identity", 0, 2}}));
  // Ranges outside the bundle are AKE-2's to judge (a fail), not a broken protocol.
  auto outside = one_answer(R"({"ok":true,"bundle":"0102","layout":{"identity":[0,3]}})", bundle);
  ASSERT_TRUE(outside.ok());
  EXPECT_FALSE(outside->layout);
  EXPECT_EQ(outside->layout_problem, "layout \"identity\" = [0, 3] is not inside the 2-byte bundle");
  auto not_object = one_answer(R"({"ok":true,"bundle":"0102","layout":[0,2]})", bundle);
  ASSERT_TRUE(not_object.violated());
  expect_violation(not_object.violation(),
                   {"", "", ViolationKind::missing_field, "bundle: field \"layout\" is not an object"});
}

// --- the reference target ------------------------------------------------------------

TEST(ReferenceTarget, FullSessionThroughTypedOps) {
  auto t = start_ok(kReference);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->hello().protocol, "signal-v3");
  EXPECT_TRUE(t->hello().has("export"));
  EXPECT_TRUE(t->hello().has("import"));
  EXPECT_FALSE(t->hello().has("teleport"));
  EXPECT_EQ(t->hello().limit("max_skip"), std::optional<uint64_t>(2000));
  EXPECT_EQ(t->hello().limit("no_such_limit"), std::nullopt);

  Key32 seed{};
  seed[0] = 7;
  ASSERT_TRUE(t->reset(seed).ok());
  auto alice = t->create("alice");
  ASSERT_TRUE(alice.ok());
  EXPECT_EQ(alice->size(), 33u);
  EXPECT_EQ((*alice)[0], 0x05);
  ASSERT_TRUE(t->create("bob").ok());
  auto b = t->bundle("bob");
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->bundle.empty());
  ASSERT_TRUE(b->layout.has_value()) << b->layout_problem;
  EXPECT_TRUE(b->layout_problem.empty());
  const LayoutRange* identity = b->layout->find("identity");
  ASSERT_NE(identity, nullptr);
  EXPECT_EQ(identity->end - identity->start, 33u);
  EXPECT_NE(b->layout->find("signature"), nullptr);
  ASSERT_TRUE(t->initiate("alice", "bob", b->bundle).ok());

  const Bytes hi = {'h', 'i'};
  auto ct = t->encrypt("alice", "bob", hi);
  ASSERT_TRUE(ct.ok());
  EXPECT_EQ(ct->kind, MessageKind::prekey);
  EXPECT_EQ(ct->ciphertext[0], 0x33);
  auto pt = t->decrypt("bob", "alice", ct->ciphertext, ct->kind);
  ASSERT_TRUE(pt.ok());
  EXPECT_EQ(*pt, hi);

  auto state = t->export_state("bob");
  ASSERT_TRUE(state.ok());
  EXPECT_FALSE(state->empty());
  ASSERT_TRUE(t->import_state("bob~1", *state).ok());
  auto replay = t->decrypt("bob~1", "alice", ct->ciphertext, ct->kind);
  ASSERT_TRUE(replay.refused());
  EXPECT_EQ(replay.refusal().code, ptp::ErrorCode::duplicate_message);

  // A refusal leaves the target alive.
  auto bad_name = t->create("NOT A NAME");
  ASSERT_TRUE(bad_name.refused());
  EXPECT_EQ(bad_name.refusal().code, ptp::ErrorCode::bad_request);
  EXPECT_TRUE(t->alive());

  auto digest = t->primitive("sha256", nlohmann::json{{"data", "616263"}});
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ((*digest)["digest"], "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_FALSE(digest->contains("id"));
  EXPECT_FALSE(digest->contains("ok"));

  Transcript tr = t->take_transcript();
  EXPECT_TRUE(has_entry(tr, Direction::request, "\"op\":\"import\""));
  EXPECT_TRUE(has_entry(tr, Direction::response, "duplicate_message"));
}

TEST(ReferenceTarget, CallAndSendRawReturnWholeResponses) {
  auto t = start_ok(kReference);
  ASSERT_TRUE(t);
  auto unknown = t->call(nlohmann::json{{"op", "teleport"}});
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ((*unknown)["ok"], false);
  EXPECT_EQ((*unknown)["error"], "unsupported");

  auto raw = t->send_raw("this is not a request\n");
  ASSERT_TRUE(raw.ok());
  EXPECT_TRUE((*raw)["id"].is_null());
  EXPECT_EQ((*raw)["error"], "bad_request");
  // Ids carry on after a raw line.
  EXPECT_TRUE(t->reset(std::nullopt).ok());
  EXPECT_TRUE(t->alive());
}

TEST(ReferenceTarget, InjectFieldsAreWrittenAsHexAndIntegers) {
  Inject inject;
  Key32 k{};
  k[31] = 0xab;
  inject.identity_private = k;
  inject.registration_id = 42;
  inject.prekey_id = 0;
  nlohmann::json r = {{"op", "create"}};
  inject.add_to(r);
  EXPECT_EQ(r["identity_private"], std::string(62, '0') + "ab");
  EXPECT_EQ(r["registration_id"], 42);
  EXPECT_EQ(r["prekey_id"], 0);
  EXPECT_FALSE(r.contains("base_private"));
  EXPECT_FALSE(r.contains("signed_prekey_id"));
}

TEST(ReferenceTarget, RoundTripCost) {
  auto t = start_ok(kReference);
  ASSERT_TRUE(t);
  constexpr int kRounds = 10000;
  const auto t0 = Clock::now();
  for (int i = 0; i < kRounds; ++i) {
    auto r = t->reset(std::nullopt);
    ASSERT_TRUE(r.ok());
  }
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
  (void)t->take_transcript();
  std::printf("[ measure  ] %d reset round trips in %lld ms: %.1f us per round trip\n", kRounds,
              static_cast<long long>(us / 1000), static_cast<double>(us) / kRounds);
  RecordProperty("round_trip_us", std::to_string(static_cast<double>(us) / kRounds));
  EXPECT_EQ(t->round_trips(), static_cast<uint64_t>(kRounds + 1));
}

}  // namespace
}  // namespace parity::harness
