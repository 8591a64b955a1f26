// client_test.cc: the PTP client against parity-broken-target (one misbehaviour per
// mode) and against parity-target-reference (a full session, the round-trip cost).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

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
  EXPECT_LT(took, 2000ms) << "detection took too long";
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
  for (const json& bad :
       {json::object(), json("x"), json::array({1}), without("dir"), without("target"), without("line"), without("us"),
        with("dir", "sideways"), with("us", "12"), with("line", 3), json::array({good, json(nullptr)})}) {
    auto r = Transcript::from_json(bad);
    EXPECT_FALSE(r.ok()) << bad.dump();
    if (!r.ok()) {
      EXPECT_EQ(r.code(), HarnessErrc::bad_input);
    }
  }
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
  EXPECT_TRUE(b->layout.is_object());
  ASSERT_TRUE(t->initiate("alice", "bob", b->bundle).ok());

  const Bytes hi = {'h', 'i'};
  auto ct = t->encrypt("alice", "bob", hi);
  ASSERT_TRUE(ct.ok());
  EXPECT_EQ(ct->kind, "prekey");
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
