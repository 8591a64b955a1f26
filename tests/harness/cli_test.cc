// cli_test.cc: the `parity` command line end to end: cli_main with a small registry of
// real checks against the real parity-target-reference (exit statuses, waivers,
// shards, results and JUnit files, replay, doctor), and the installed binary itself
// (list, markdown catalogue, bogus targets, usage errors).
#include "cli/cli.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <pugixml.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/runner/fingerprint.h"
#include "harness/runner/results.h"
#include "harness/runner/runner.h"
#include "reference/crypto/random.h"
#include "tests/harness/json_schema_lite.h"

#include "cli/build_info.h"
#include "cli/listing.h"

namespace parity::harness {
namespace {

using nlohmann::json;

const std::string kReference = PARITY_REFERENCE_TARGET;
const std::string kBroken = PARITY_BROKEN_TARGET;
const std::string kParity = PARITY_BINARY;
const std::string kDoctorProxy = PARITY_DOCTOR_PROXY;

// roundtrip is a real MUST check: a session and one message.
CheckOutcome roundtrip(CheckContext& c) {
  Target& t = c.target;
  for (const char* p : {"alice", "bob"}) {
    auto r = t.create(p);
    if (!r.ok())
      return r.violated() ? CheckOutcome::error(r.violation())
                          : CheckOutcome::unexpected_refusal("create", r.refusal());
  }
  auto b = t.bundle("bob");
  if (!b.ok()) return CheckOutcome::fail("bundle");
  if (!t.initiate("alice", "bob", b->bundle).ok()) return CheckOutcome::fail("initiate");
  const Bytes hi = to_bytes("hello");
  auto ct = t.encrypt("alice", "bob", hi);
  if (!ct.ok()) return CheckOutcome::fail("encrypt");
  auto pt = t.decrypt("bob", "alice", ct->ciphertext, ct->kind);
  if (!pt.ok() || *pt != hi) return CheckOutcome::fail("decrypt");
  return CheckOutcome::pass("one message round-tripped");
}

Registry test_registry() {
  Registry r;
  for (const char* id : {"MSG-1.a", "MSG-1.b", "MSG-1.c", "AKE-1.a", "AKE-1.b"}) {
    r.add(CheckDef{id, std::string(id).substr(0, 5), "round trip", {}, BaselineUse::none, roundtrip});
  }
  r.add(CheckDef{"MSG-2.broken", "MSG-2", "always fails", {}, BaselineUse::none, [](CheckContext&) {
                   return CheckOutcome::fail("deliberately failing");
                 }});
  return r;
}

struct Cli {
  int status = -1;
  std::string out;
  std::string err;
};

Cli cli(const Registry& registry, std::vector<std::string> args) {
  args.insert(args.begin(), "parity");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  CliEnv env{registry, kParity.substr(0, kParity.rfind('/')), out, err, ProgressMode::off};
  Cli c;
  c.status = cli_main(static_cast<int>(argv.size()), argv.data(), env);
  c.out = out.str();
  c.err = err.str();
  return c;
}

// exec runs a shell command, returning its exit status and stdout.
Cli exec(const std::string& command) {
  Cli c;
  FILE* p = popen((command + " 2>/dev/null").c_str(), "r");
  if (p == nullptr) return c;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) c.out.append(buf, n);
  int st = pclose(p);
  c.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return c;
}

std::string temp_path(const std::string& name) {
  return testing::TempDir() + "parity_cli_test_" + std::to_string(::getpid()) + "_" + name;
}

std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = temp_path(name);
  std::ofstream(path) << text;
  return path;
}

json read_json(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

void expect_valid(const json& value, const std::string& def_name) {
  const json schema = test::load_results_schema();
  auto errors = test::validate_json(schema, def_name.empty() ? schema : schema["$defs"][def_name], value);
  std::string all;
  for (const auto& e : errors) all += e + "\n";
  EXPECT_TRUE(errors.empty()) << all;
}

std::vector<std::string> base_args() {
  return {"run", "--target", kReference, "--baseline", kReference, "--seed", "7"};
}

std::vector<std::string> with(std::vector<std::string> args, std::initializer_list<std::string> more) {
  args.insert(args.end(), more);
  return args;
}

TEST(CliExit, ZeroWhenEveryMustPasses) {
  const Registry r = test_registry();
  const std::string json_path = temp_path("ok.json");
  const std::string junit_path = temp_path("ok.xml");
  Cli c = cli(r, with(base_args(), {"--only", "MSG-1,AKE", "--json", json_path, "--junit", junit_path}));
  ASSERT_EQ(c.status, 0) << c.out << c.err;
  EXPECT_NE(c.out.find("5 pass"), std::string::npos) << c.out;

  const json doc = read_json(json_path);
  expect_valid(doc, "");
  EXPECT_EQ(doc["run"]["implementation"], "parity-reference");
  EXPECT_EQ(doc["run"]["profile"], "signal");
  EXPECT_EQ(doc["run"]["seed"], std::string(63, '0') + "7");
  EXPECT_EQ(doc["results"].size(), 5u);
  // What parity --version says is in every results file, and so in every report.
  EXPECT_EQ(doc["run"]["parity_revision"], build_revision());
  EXPECT_NE(build_revision(), "");
  std::set<std::string> libraries;
  for (const json& l : doc["run"]["libraries"]) libraries.insert(l["name"].get<std::string>());
  EXPECT_EQ(libraries, (std::set<std::string>{"OpenSSL", "libsodium", "libsignal-protocol-c", "libolm", "pugixml",
                                              "@signalapp/libsignal-client", "ts-mls"}));
  const ResultPaths paths = derive_result_paths(json_path);
  std::ifstream stream(paths.stream);
  std::string line;
  int lines = 0;
  while (std::getline(stream, line)) {
    expect_valid(json::parse(line), "stream_line");
    ++lines;
  }
  EXPECT_EQ(lines, 7);

  pugi::xml_document xml;
  ASSERT_TRUE(xml.load_file(junit_path.c_str()));
  EXPECT_EQ(xml.child("testsuites").attribute("tests").as_int(), 5);
  EXPECT_EQ(xml.child("testsuites").attribute("failures").as_int(), 0);
  // Each suite names the build and the vector set, as the report does.
  const pugi::xml_node props = xml.child("testsuites").child("testsuite").child("properties");
  EXPECT_EQ(std::string(props.find_child_by_attribute("property", "name", "parity_revision").attribute("value").value()),
            build_revision());
  EXPECT_EQ(std::string(props.find_child_by_attribute("property", "name", "vectors_sha256").attribute("value").value()),
            doc["run"]["vectors_sha256"].get<std::string>());
}

TEST(CliExit, OneWhenAMustFails) {
  const Registry r = test_registry();
  Cli c = cli(r, base_args());
  EXPECT_EQ(c.status, 1) << c.out << c.err;
  EXPECT_NE(c.out.find("MSG-2.broken"), std::string::npos);
}

TEST(CliExit, TwoForUsageAndInputErrors) {
  const Registry r = test_registry();
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"run"},
      {"frobnicate"},
      with(base_args(), {"--bogus"}),
      with(base_args(), {"--only", "NOPE-1"}),
      with(base_args(), {"--shard", "4/3"}),
      with(base_args(), {"--seed", "xyz"}),
      with(base_args(), {"--profile", "olm"}),
      with(base_args(), {"--cases", "0"}),
      with(base_args(), {"--waivers", "/nonexistent/waivers.txt"}),
  };
  for (const auto& args : cases) {
    Cli c = cli(r, args);
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    EXPECT_EQ(c.status, 2) << joined << "\n" << c.out << c.err;
    EXPECT_FALSE(c.err.empty()) << joined;
    EXPECT_EQ(c.err.find('\n'), c.err.size() - 1) << "one line: " << c.err;
  }
}

TEST(CliExit, TwoForABrokenRegistry) {
  Registry r = test_registry();
  r.add(CheckDef{"MSG-1.a", "MSG-1", "duplicate", {}, BaselineUse::none, roundtrip});
  EXPECT_EQ(cli(r, {"list"}).status, 2);
}

TEST(CliExit, ThreeWhenTheTargetCannotStartOrRefusesHello) {
  const Registry r = test_registry();
  for (const std::string& target :
       {std::string("/nonexistent/parity-target"), kBroken + " refuse-hello", kBroken + " bad-version"}) {
    Cli c = cli(r, {"run", "--target", target, "--seed", "1"});
    EXPECT_EQ(c.status, 3) << target << "\n" << c.out << c.err;
    EXPECT_NE(c.err.find("could not be started"), std::string::npos) << c.err;
  }
}

TEST(CliWaivers, WaiverMakesTheRunPassAndBadFilesAreInputErrors) {
  const Registry r = test_registry();
  const std::string good = write_file("good.txt", "# known issue\nMSG-2: tracked as #12\n");
  Cli c = cli(r, with(base_args(), {"--waivers", good}));
  EXPECT_EQ(c.status, 0) << c.out << c.err;
  EXPECT_NE(c.out.find("[waived: tracked as #12]"), std::string::npos) << c.out;

  const std::string unknown = write_file("unknown.txt", "MSG-2: fine\nZZZ-1: nope\n");
  c = cli(r, with(base_args(), {"--waivers", unknown}));
  EXPECT_EQ(c.status, 2);
  EXPECT_NE(c.err.find(unknown + ":2:"), std::string::npos) << c.err;

  const std::string no_reason = write_file("noreason.txt", "MSG-2:\n");
  c = cli(r, with(base_args(), {"--waivers", no_reason}));
  EXPECT_EQ(c.status, 2);
  EXPECT_NE(c.err.find(no_reason + ":1:"), std::string::npos) << c.err;
}

TEST(CliShards, UnionOfShardsIsTheFullRunAndShardsAreDisjoint) {
  const Registry r = test_registry();
  auto checks_of = [&](const std::string& shard) {
    const std::string path = temp_path("shard" + std::to_string(shard[0]) + ".json");
    Cli c = cli(r, with(base_args(), {"--shard", shard, "--json", path}));
    EXPECT_TRUE(c.status == 0 || c.status == 1) << c.err;
    EXPECT_TRUE(std::ifstream(path).good()) << path << c.out << c.err;
    std::multiset<std::string> ids;
    const json doc = read_json(path);  // named: a range-for over a temporary's member dangles
    for (const json& rec : doc["results"]) ids.insert(rec["check"].get<std::string>());
    return ids;
  };
  const auto full = checks_of("1/1");
  EXPECT_EQ(full.size(), 6u);
  std::multiset<std::string> unioned;
  for (const char* s : {"1/3", "2/3", "3/3"}) {
    auto part = checks_of(s);
    EXPECT_EQ(part.size(), 2u) << s;
    unioned.insert(part.begin(), part.end());
  }
  EXPECT_EQ(unioned, full);  // a multiset: equal means complete and disjoint
}

TEST(CliReplay, IdenticalForTheSameTargetAndDifferentAfterTampering) {
  const Registry r = test_registry();
  const std::string json_path = temp_path("replay.json");
  Cli c = cli(r, with(base_args(), {"--only", "MSG-1.a", "--json", json_path}));
  ASSERT_EQ(c.status, 0) << c.err;
  const json rec = read_json(json_path)["results"][0];
  const std::string transcripts = rec["transcript"]["file"];
  EXPECT_NE(rec["replay"].get<std::string>().find("--check MSG-1.a"), std::string::npos);

  c = cli(r, {"replay", transcripts, "--target", kReference, "--check", "MSG-1.a"});
  EXPECT_EQ(c.status, 0) << c.out << c.err;
  EXPECT_NE(c.out.find("identical"), std::string::npos);

  // Change a recorded plaintext: the replay must point at it.
  std::ifstream in(transcripts);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string hello_hex = "68656c6c6f";
  size_t at = text.rfind(hello_hex);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, hello_hex.size(), "68656c6c70");
  const std::string tampered = write_file("tampered.jsonl", text);
  c = cli(r, {"replay", tampered, "--target", kReference});
  EXPECT_EQ(c.status, 1) << c.out << c.err;
  EXPECT_NE(c.out.find("recorded:"), std::string::npos);

  c = cli(r, {"replay", "/nonexistent.jsonl", "--target", kReference});
  EXPECT_EQ(c.status, 2);
}

// --- compacted transcripts and replay ----------------------------------------------

// send_big encrypts `plaintext` from alice to bob and decrypts it: with a plaintext over
// 4096 bytes, both requests and the response carry strings the transcript compacts.
CheckOutcome send_big(CheckContext& c, const Bytes& plaintext) {
  Target& t = c.target;
  for (const char* p : {"alice", "bob"}) {
    if (!t.create(p).ok()) return CheckOutcome::fail("create");
  }
  auto b = t.bundle("bob");
  if (!b.ok() || !t.initiate("alice", "bob", b->bundle).ok()) return CheckOutcome::fail("session");
  auto ct = t.encrypt("alice", "bob", plaintext);
  if (!ct.ok()) return CheckOutcome::fail("encrypt");
  auto pt = t.decrypt("bob", "alice", ct->ciphertext, ct->kind);
  if (!pt.ok() || *pt != plaintext) return CheckOutcome::fail("decrypt");
  return CheckOutcome::pass("a long message round-tripped");
}

Registry compaction_registry() {
  Registry r;
  // The plaintext comes from the check's seed: replay can make it again.
  r.add(CheckDef{"MSG-1.seeded", "MSG-1", "long message from the seed", {}, BaselineUse::none, [](CheckContext& c) {
                   Bytes p(6000);
                   c.rng().fill(p);
                   return send_big(c, p);
                 }});
  // The plaintext comes from elsewhere: nothing can make it again.
  r.add(CheckDef{
      "MSG-1.unseeded", "MSG-1", "long message from outside the seed", {}, BaselineUse::none, [](CheckContext& c) {
        Bytes p(6000);
        OsRng().fill(p);
        return send_big(c, p);
      }});
  // Many large exchanges (1.5 KB plaintexts, under the string limit): the transcript
  // passes the byte budget and is trimmed.
  r.add(CheckDef{"MSG-3.many", "MSG-3", "many messages", {}, BaselineUse::none, [](CheckContext& c) {
                   Target& t = c.target;
                   for (const char* p : {"alice", "bob"}) {
                     if (!t.create(p).ok()) return CheckOutcome::fail("create");
                   }
                   auto b = t.bundle("bob");
                   if (!b.ok() || !t.initiate("alice", "bob", b->bundle).ok()) return CheckOutcome::fail("session");
                   for (int i = 0; i < 300; ++i) {
                     if (!t.encrypt("alice", "bob", to_bytes("m" + std::to_string(i) + std::string(1500, 'x'))).ok()) {
                       return CheckOutcome::fail("encrypt");
                     }
                   }
                   return CheckOutcome::pass("300 messages");
                 }});
  return r;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(CliReplayCompacted, TranscriptsAreCompactedAndSeededPayloadsAreRegenerated) {
  const Registry r = compaction_registry();
  const std::string json_path = temp_path("compact.json");
  Cli c = cli(r, with(base_args(), {"--only", "MSG-1.seeded", "--json", json_path}));
  ASSERT_EQ(c.status, 0) << c.out << c.err;
  const json rec = read_json(json_path)["results"][0];
  EXPECT_EQ(rec["replay_exact"], true) << "the reference is deterministic";
  EXPECT_NE(rec["rerun"].get<std::string>().find("--only MSG-1.seeded"), std::string::npos);
  const std::string transcripts = rec["transcript"]["file"];
  const json line = json::parse(read_text(transcripts));
  expect_valid(line, "transcript_line");
  EXPECT_EQ(line["rerun"], rec["rerun"]);
  EXPECT_EQ(line["run_seed"].get<std::string>().size(), 64u);
  int compacted = 0;
  for (const json& e : line["transcript"]) {
    EXPECT_LE(e["line"].get<std::string>().size(), 4096u);
    if (e.value("compacted", false)) ++compacted;
  }
  EXPECT_EQ(compacted, 4) << "encrypt and decrypt, requests and responses";

  c = cli(r, {"replay", transcripts, "--target", kReference, "--check", "MSG-1.seeded"});
  EXPECT_EQ(c.status, 0) << c.out << c.err;
  EXPECT_NE(c.out.find("rerunning MSG-1.seeded from the run's seed"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("exchanges, identical"), std::string::npos) << c.out;
  EXPECT_EQ(c.out.find("differ"), std::string::npos) << c.out;
}

TEST(CliReplayCompacted, RequestsAreRebuiltFromTheFreshTargetsResponses) {
  // A whole transcript, then compacted by hand except the encrypt request: the decrypt
  // request's ciphertext can come only from the replayed encrypt response.
  const Registry r = compaction_registry();
  const std::string json_path = temp_path("whole.json");
  Cli c = cli(r, with(base_args(), {"--only", "MSG-1.unseeded", "--json", json_path, "--full-transcripts"}));
  ASSERT_EQ(c.status, 0) << c.out << c.err;
  const std::string transcripts = read_json(json_path)["results"][0]["transcript"]["file"];
  json line = json::parse(read_text(transcripts));
  int compacted = 0;
  for (json& e : line["transcript"]) {
    EXPECT_FALSE(e.contains("compacted")) << "--full-transcripts keeps lines whole";
    const std::string& text = e["line"].get_ref<const std::string&>();
    if (text.find("\"op\":\"encrypt\"") != std::string::npos) continue;
    auto one = Transcript::from_json(json::array({e}));
    ASSERT_TRUE(one.ok());
    const Transcript small = one->compacted();
    if (small.entries[0].compacted) {
      e = small.to_json()[0];
      ++compacted;
    }
  }
  ASSERT_EQ(compacted, 3) << "the encrypt response, the decrypt request and response";
  line.erase("run_seed");  // no rerun: the pool is the replay's own responses
  const std::string edited = write_file("rebuilt.jsonl", line.dump() + "\n");
  c = cli(r, {"replay", edited, "--target", kReference});
  EXPECT_EQ(c.status, 0) << c.out << c.err;
  EXPECT_NE(c.out.find("exchanges, identical"), std::string::npos) << c.out;
}

TEST(CliReplayCompacted, AMissingPayloadIsIncompleteNotDiffering) {
  const Registry r = compaction_registry();
  const std::string json_path = temp_path("unseeded.json");
  Cli c = cli(r, with(base_args(), {"--only", "MSG-1.unseeded", "--json", json_path}));
  ASSERT_EQ(c.status, 0) << c.out << c.err;
  const std::string transcripts = read_json(json_path)["results"][0]["transcript"]["file"];
  c = cli(r, {"replay", transcripts, "--target", kReference});
  EXPECT_EQ(c.status, kExitIncomplete) << c.out << c.err;
  EXPECT_NE(c.out.find("parity: transcript incomplete: " + transcripts + ":1: transcript entry "), std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("payload of 12000 bytes"), std::string::npos) << "6000 bytes in hex; " << c.out;
  EXPECT_NE(c.out.find("rerun the check with: "), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("--seed 0000000000000000000000000000000000000000000000000000000000000007 --only MSG-1.unseeded"),
            std::string::npos)
      << c.out;
  EXPECT_EQ(c.out.find("recorded:"), std::string::npos) << "nothing is called differing: " << c.out;
}

TEST(CliReplayCompacted, ATrimmedTranscriptIsIncomplete) {
  const Registry r = compaction_registry();
  const std::string json_path = temp_path("many.json");
  Cli c = cli(r, with(base_args(), {"--only", "MSG-3.many", "--json", json_path}));
  ASSERT_EQ(c.status, 0) << c.out << c.err;
  const std::string transcripts = read_json(json_path)["results"][0]["transcript"]["file"];
  const json line = json::parse(read_text(transcripts));
  ASSERT_EQ(line["transcript"].size(), 401u);
  EXPECT_GT(line["transcript"][200]["trimmed"].get<int>(), 0);
  c = cli(r, {"replay", transcripts, "--target", kReference});
  EXPECT_EQ(c.status, kExitIncomplete) << c.out << c.err;
  EXPECT_NE(c.out.find("parity: transcript incomplete: " + transcripts + ":1: transcript entry 200: "),
            std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("lines were left out"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("--only MSG-3.many"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("exchanges identical before that point"), std::string::npos) << c.out;
  EXPECT_EQ(c.out.find("recorded:"), std::string::npos) << c.out;
}

TEST(CliDoctor, ReferencePassesAndATargetThatIgnoresEofFails) {
  const Registry r = test_registry();
  Cli c = cli(r, {"doctor", "--target", kReference});
  EXPECT_EQ(c.status, 0) << c.out << c.err;
  EXPECT_EQ(c.out.find("FAIL "), std::string::npos) << c.out;

  c = cli(r, {"doctor", "--target", kBroken + " no-exit-on-eof", "--timeout-ms", "2000"});
  EXPECT_EQ(c.status, 1) << c.out << c.err;
  EXPECT_NE(c.out.find("FAIL eof"), std::string::npos) << c.out;

  c = cli(r, {"doctor", "--target", kBroken + " refuse-hello"});
  EXPECT_EQ(c.status, 3);
}

// proxied is the reference behind doctor_proxy.py acting out `mode`.
std::string proxied(const std::string& mode) {
  return "/usr/bin/python3 " + kDoctorProxy + " " + mode + " " + kReference;
}

// probe_line returns doctor's line for `probe` ("ok probe: ...", "FAIL probe: ..."), or "".
std::string probe_line(const std::string& out, const std::string& probe) {
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    const size_t space = line.find(' ');
    if (space != std::string::npos && line.compare(space + 1, probe.size() + 1, probe + ":") == 0) return line;
  }
  return "";
}

TEST(CliDoctor, TheProxyItselfPassesEveryProbe) {
  const Registry r = test_registry();
  // The proxy forwarding as is, and binding addresses into prekey messages while a clone
  // keeps its original's: neither is a fault, so neither may fail a probe.
  for (const char* mode : {"none", "clone-same-address"}) {
    Cli c = cli(r, {"doctor", "--target", proxied(mode)});
    EXPECT_EQ(c.status, 0) << mode << "\n" << c.out << c.err;
    EXPECT_EQ(c.out.find("FAIL "), std::string::npos) << mode << "\n" << c.out;
    for (const char* probe : {"party-names", "session-replace", "clone"}) {
      EXPECT_EQ(probe_line(c.out, probe).rfind("ok ", 0), 0u) << mode << " " << probe << "\n" << c.out;
    }
  }
}

TEST(CliDoctor, StdoutLoggingOnASessionReplaceFails) {
  const Registry r = test_registry();
  Cli c = cli(r, {"doctor", "--target", proxied("stdout-on-replace")});
  EXPECT_EQ(c.status, 1) << c.out << c.err;
  const std::string line = probe_line(c.out, "session-replace");
  EXPECT_EQ(line.rfind("FAIL ", 0), 0u) << c.out;
  EXPECT_NE(line.find("not_json"), std::string::npos) << line;
  EXPECT_NE(line.find("stdout is PTP's"), std::string::npos) << line;
  // Only the replacement logs: the other probes pass.
  EXPECT_EQ(probe_line(c.out, "party-names").rfind("ok ", 0), 0u) << c.out;
  EXPECT_EQ(probe_line(c.out, "clone").rfind("ok ", 0), 0u) << c.out;
}

TEST(CliDoctor, NamesCutAtTheirFirstDotFail) {
  const Registry r = test_registry();
  Cli c = cli(r, {"doctor", "--target", proxied("dot-names")});
  EXPECT_EQ(c.status, 1) << c.out << c.err;
  const std::string line = probe_line(c.out, "party-names");
  EXPECT_EQ(line.rfind("FAIL ", 0), 0u) << c.out;
  // party.1~... and party.2 became one party "party": the second create is refused.
  EXPECT_NE(line.find("create party.2"), std::string::npos) << line;
  EXPECT_NE(line.find("Party names"), std::string::npos) << line;
  EXPECT_EQ(probe_line(c.out, "session-replace").rfind("ok ", 0), 0u) << c.out;
}

TEST(CliDoctor, ACloneWithAnotherAddressFails) {
  const Registry r = test_registry();
  Cli c = cli(r, {"doctor", "--target", proxied("clone-address")});
  EXPECT_EQ(c.status, 1) << c.out << c.err;
  const std::string line = probe_line(c.out, "clone");
  EXPECT_EQ(line.rfind("FAIL ", 0), 0u) << c.out;
  EXPECT_NE(line.find("bob~clone1 cannot read a prekey message"), std::string::npos) << line;
  EXPECT_NE(line.find("Clones"), std::string::npos) << line;
  EXPECT_EQ(probe_line(c.out, "party-names").rfind("ok ", 0), 0u) << c.out;
}

TEST(CliDoctor, CloneIsSkippedWithoutExportAndImport) {
  const Registry r = test_registry();
  // The broken target's "well" mode declares no capability: clone cannot be probed.
  Cli c = cli(r, {"doctor", "--target", kBroken + " well"});
  const std::string line = probe_line(c.out, "clone");
  EXPECT_EQ(line.rfind("skip ", 0), 0u) << c.out;
  EXPECT_NE(line.find("export and import"), std::string::npos) << line;
  EXPECT_NE(c.out.find(" skipped"), std::string::npos) << c.out;
}

TEST(CliDoctor, ABadLimitIsABadHelloWithStatus3) {
  const Registry r = test_registry();
  Cli c = cli(r, {"doctor", "--target", kBroken + " negative-limit"});
  EXPECT_EQ(c.status, 3) << c.out << c.err;
  EXPECT_NE(c.err.find("limits.max_skip is -1"), std::string::npos) << c.err;
  // A null limit (no bound) is no fault.
  c = cli(r, {"doctor", "--target", kBroken + " null-limits"});
  EXPECT_NE(c.status, 3) << c.out << c.err;
  EXPECT_NE(probe_line(c.out, "hello").find("declared unbounded (null): max_skip, max_skipped_keys"), std::string::npos)
      << c.out;
}

// --- the real binary ---------------------------------------------------------------------

TEST(ParityBinary, ListNamesEveryCatalogueId) {
  Cli c = exec(kParity + " list");
  ASSERT_EQ(c.status, 0);
  for (const Requirement& req : catalogue()) {
    EXPECT_NE(c.out.find(std::string(req.id) + " "), std::string::npos) << req.id;
  }
  size_t lines = 0;
  for (char ch : c.out) lines += ch == '\n';
  EXPECT_EQ(lines, catalogue().size());
}

TEST(Listing, EveryGroupNamesTestsAndAPageThatExist) {
  for (const Group& g : groups()) {
    const GroupProof* found = nullptr;
    for (const GroupProof& p : group_proofs()) {
      if (p.group == g.id) found = &p;
    }
    ASSERT_NE(found, nullptr) << g.id << " has no tests or page in group_proofs()";
    EXPECT_FALSE(found->tests.empty()) << g.id;
    for (std::string_view t : found->tests) EXPECT_TRUE(std::filesystem::exists(std::string(t))) << t;
    EXPECT_TRUE(std::filesystem::exists(std::string(found->doc))) << found->doc;
  }
}

TEST(ParityBinary, MarkdownCatalogueIsCommitted) {
  Cli c = exec(kParity + " list --markdown");
  ASSERT_EQ(c.status, 0);
  std::ifstream in("docs/catalogue.md");
  std::string committed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(c.out, committed) << "regenerate: parity list --markdown > docs/catalogue.md";
  for (const Requirement& req : catalogue())
    EXPECT_NE(committed.find("| " + std::string(req.id) + " |"), std::string::npos);
}

TEST(ParityBinary, ExitStatuses) {
  EXPECT_EQ(exec(kParity).status, 2);
  EXPECT_EQ(exec(kParity + " run --target parity-no-such-command-xyz --seed 1").status, 3);
  EXPECT_EQ(exec(kParity + " run --target reference --seed 1 --shard 0/2").status, 2);
  EXPECT_EQ(exec(kParity + " --help").status, 0);
  // `reference` resolves from the build tree (../../targets/reference/ of the binary).
  Cli t = exec(kParity + " targets");
  EXPECT_EQ(t.status, 0);
  EXPECT_NE(t.out.find("targets/reference/parity-target-reference"), std::string::npos) << t.out;
  // `reference-alt` is the same program with the sound variant switched on.
  EXPECT_NE(t.out.find("targets/reference/parity-target-reference --variant alt"), std::string::npos) << t.out;
}

TEST(ParityBinary, VersionNamesRevisionVectorSetAndLibraries) {
  Cli v = exec(kParity + " --version");
  ASSERT_EQ(v.status, 0);
  EXPECT_EQ(v.out.rfind("parity " + build_version() + " (revision " + build_revision() + ")\n", 0), 0u) << v.out;
  // The build tree's parity, with no installed share/parity/ beside it, reads the source
  // tree's vectors (the tests run from the source root).
  auto set = vector_set_sha256("vectors");
  ASSERT_TRUE(set.ok());
  EXPECT_NE(v.out.find("vector set: SHA-256 " + *set + " ("), std::string::npos) << v.out;
  for (const char* lib :
       {"libsignal-protocol-c ", "libolm ", "OpenSSL 3.", "@signalapp/libsignal-client ", "ts-mls "}) {
    EXPECT_NE(v.out.find(std::string("\n  ") + lib), std::string::npos) << lib << " missing from\n" << v.out;
  }
}

TEST(ParityBinary, InstalledLayoutComesFirst) {
  // A parity copied into PREFIX/bin with PREFIX/share/parity/ beside it uses that tree,
  // not the source tree it was built from: the installed package's layout.
  namespace fs = std::filesystem;
  const fs::path prefix = temp_path("prefix");
  fs::remove_all(prefix);
  fs::create_directories(prefix / "bin");
  fs::create_directories(prefix / "share/parity/vectors/primitives");
  fs::create_directories(prefix / "share/parity/targets/python");
  fs::copy_file(kParity, prefix / "bin/parity");
  std::ofstream(prefix / "share/parity/vectors/primitives/only.json") << "{}";
  std::ofstream(prefix / "share/parity/vectors/README.md") << "not part of the set";
  std::ofstream(prefix / "share/parity/targets/python/parity_target.py") << "";
  auto set = vector_set_sha256((prefix / "share/parity/vectors").string());
  ASSERT_TRUE(set.ok());
  const std::string installed = (prefix / "bin/parity").string();
  Cli v = exec("cd / && " + installed + " --version");
  ASSERT_EQ(v.status, 0);
  EXPECT_NE(v.out.find("vector set: SHA-256 " + *set + " (" + fs::weakly_canonical(prefix).string() +
                       "/share/parity/vectors)"),
            std::string::npos)
      << v.out;
  Cli t = exec("cd / && " + installed + " targets");
  EXPECT_NE(t.out.find("python3 " + fs::weakly_canonical(prefix).string() +
                       "/share/parity/targets/python/parity_target.py\n"),
            std::string::npos)
      << t.out;
  fs::remove_all(prefix);
}

TEST(ParityBinary, HelpIsAManualAndTheManPageHasEveryCommand) {
  Cli h = exec(kParity + " --help");
  ASSERT_EQ(h.status, 0);
  for (const char* section : {"\nDESCRIPTION\n", "\nEXIT STATUS\n", "\nFILES\n", "\nENVIRONMENT\n", "\nEXAMPLES\n"}) {
    EXPECT_NE(h.out.find(section), std::string::npos) << section << h.out;
  }
  for (int status : {kExitOk, kExitFailed, kExitUsage, kExitTargetStart, kExitIncomplete, kExitInterrupted}) {
    EXPECT_NE(h.out.find("\n  " + std::to_string(status) + "\n"), std::string::npos) << "exit status " << status;
  }
  // `parity help` is the same manual as `parity --help`.
  Cli plain = exec(kParity + " help");
  EXPECT_EQ(plain.status, 0);
  EXPECT_EQ(plain.out, h.out);
  Cli m = exec(kParity + " help --man");
  ASSERT_EQ(m.status, 0);
  EXPECT_EQ(m.out.rfind(".TH PARITY 1", 0), 0u);
  for (const char* cmd : {"run", "list", "targets", "doctor", "replay", "report", "merge", "stanza validate"}) {
    EXPECT_NE(m.out.find(std::string(".SS parity ") + cmd + "\n"), std::string::npos) << cmd;
  }
  EXPECT_NE(m.out.find("\\fB\\-\\-target\\fR \\fITEXT\\fR"), std::string::npos) << "run's --target, in roff";
  EXPECT_EQ(m.out.find("\n'"), std::string::npos) << "a line starting with ' is a roff request";
}

}  // namespace
}  // namespace parity::harness
