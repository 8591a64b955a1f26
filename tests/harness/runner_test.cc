// runner_test.cc: the runner's rules with fake targets: verdict selection by profile
// and capability, exit statuses, waivers, seeds, shards, --only, restarts, the results
// stream (incremental, interruptible, schema-valid) and JUnit.
#include "harness/runner/runner.h"

#include <atomic>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include "harness/runner/seeds.h"
#include "harness/runner/waivers.h"
#include "reports/junit.h"
#include "tests/harness/fake_target.h"
#include "tests/harness/json_schema_lite.h"

namespace parity::harness {
namespace {

using nlohmann::json;
using reports::junit_xml;
using reports::xml_escape;
using test::FakeStats;

Hello make_hello(std::string protocol, std::vector<std::string> caps) {
  Hello h;
  h.implementation = "fake";
  h.version = "1";
  h.protocol = std::move(protocol);
  h.capabilities = std::move(caps);
  return h;
}

CheckDef def(std::string id, std::string req, std::vector<Capability> needs = {},
             std::function<CheckOutcome(CheckContext&)> run = nullptr) {
  CheckDef d;
  d.id = std::move(id);
  d.requirement = std::move(req);
  d.description = "test check " + d.id;
  d.needs = std::move(needs);
  d.run = run ? std::move(run) : [](CheckContext&) { return CheckOutcome::pass("fine"); };
  return d;
}

std::function<CheckOutcome(CheckContext&)> failing() {
  return [](CheckContext&) { return CheckOutcome::fail("broken"); };
}

// Harness runs a registry against fakes and keeps what it needs to look at.
struct Harness {
  Registry registry;
  std::shared_ptr<FakeStats> stats = std::make_shared<FakeStats>();
  Hello hello = make_hello("signal-v3", {"export", "import", "inject", "primitives", "deterministic"});
  RunConfig config;
  Waivers waivers;
  std::vector<std::string> only;
  Shard shard;

  RunOutcome run() {
    config.target_command = config.target_command.empty() ? "fake" : config.target_command;
    config.target_display = "fake";
    config.baseline_command = "fake-baseline";
    config.start = test::fake_starter(hello, stats);
    config.waivers = &waivers;
    auto sel = select_checks(registry, only, shard);
    EXPECT_TRUE(sel.ok());
    Progress quiet(ProgressMode::off);
    return run_suite(registry, *sel, config, quiet);
  }
  const ResultRecord& record(const RunOutcome& o, const std::string& id) {
    for (const ResultRecord& r : o.records) {
      if (r.check == id) return r;
    }
    ADD_FAILURE() << "no record of " << id;
    static ResultRecord none;
    return none;
  }
};

// --- verdict selection ---------------------------------------------------------------

TEST(RunnerGate, SignalOnlyRequirementIsNotApplicableInEquivalent) {
  Harness h;
  h.hello = make_hello("olm-v1", {"export", "import", "primitives"});
  h.registry.add(def("KAT-2.kdf", "KAT-2", {Capability::primitives}));
  h.registry.add(def("SIG-1.x", "SIG-1"));
  h.registry.add(def("MSG-1.x", "MSG-1"));
  RunOutcome o = h.run();
  EXPECT_EQ(o.info.profile, Profile::equivalent);
  EXPECT_EQ(h.record(o, "KAT-2.kdf").verdict, Verdict::not_applicable);
  EXPECT_EQ(h.record(o, "SIG-1.x").verdict, Verdict::not_applicable);
  EXPECT_EQ(h.record(o, "MSG-1.x").verdict, Verdict::pass);
  EXPECT_EQ(o.exit_status, kExitOk);
}

TEST(RunnerGate, ProfileSignalForcedOnOtherProtocolHoldsTargetToIt) {
  Harness h;
  h.hello = make_hello("custom:x", {"export", "import"});
  h.config.profile = Profile::signal;
  h.registry.add(def("SIG-1.x", "SIG-1"));
  h.registry.add(def("KAT-1.x", "KAT-1", {Capability::primitives}));
  RunOutcome o = h.run();
  EXPECT_EQ(o.info.profile, Profile::signal);
  EXPECT_EQ(o.info.profile_source, "option");
  EXPECT_EQ(h.record(o, "SIG-1.x").verdict, Verdict::pass);
  EXPECT_EQ(h.record(o, "KAT-1.x").verdict, Verdict::not_tested);  // primitives required in signal
  EXPECT_EQ(o.exit_status, kExitFailed);
}

TEST(RunnerGate, CapabilityRules) {
  const Hello bare = make_hello("olm-v1", {});
  const CheckDef needs_stanza = def("STZ-1.x", "STZ-1", {Capability::stanza});
  const CheckDef needs_export = def("FS-1.x", "FS-1", {Capability::export_state});
  const CheckDef needs_inject = def("FS-2.x", "FS-2", {Capability::inject});
  const CheckDef needs_both = def("FS-3.x", "FS-3", {Capability::stanza, Capability::import_state});

  auto g = gate_check(needs_stanza, Profile::signal, bare);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->outcome.verdict, Verdict::not_applicable);
  EXPECT_EQ(g->missing_optional, "stanza");

  g = gate_check(needs_export, Profile::equivalent, bare);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->outcome.verdict, Verdict::not_tested);

  g = gate_check(needs_inject, Profile::equivalent, bare);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->outcome.verdict, Verdict::not_applicable);  // inject is optional in equivalent
  g = gate_check(needs_inject, Profile::signal, bare);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->outcome.verdict, Verdict::not_tested);  // and required in signal

  g = gate_check(needs_both, Profile::equivalent, bare);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->outcome.verdict, Verdict::not_tested);  // a missing required capability wins

  const Hello full = make_hello("olm-v1", {"export", "import", "stanza", "inject"});
  EXPECT_FALSE(gate_check(needs_both, Profile::equivalent, full));
  EXPECT_FALSE(gate_check(needs_inject, Profile::signal, full));
}

TEST(RunnerGate, ChooseProfile) {
  EXPECT_EQ(choose_profile(std::nullopt, make_hello("signal-v3", {})), Profile::signal);
  EXPECT_EQ(choose_profile(std::nullopt, make_hello("olm-v1", {})), Profile::equivalent);
  EXPECT_EQ(choose_profile(std::nullopt, make_hello("custom:signal-v3", {})), Profile::equivalent);
  EXPECT_EQ(choose_profile(Profile::equivalent, make_hello("signal-v3", {})), Profile::equivalent);
}

TEST(RunnerGate, UntestedAreasAreNamed) {
  Harness h;
  h.hello = make_hello("olm-v1", {"export", "import"});
  h.registry.add(def("STZ-1.a", "STZ-1", {Capability::stanza}));
  h.registry.add(def("MED-1.a", "MED-1", {Capability::media}));
  h.registry.add(def("MED-2.a", "MED-2", {Capability::media}));
  RunOutcome o = h.run();
  ASSERT_EQ(o.summary.untested.size(), 2u);
  EXPECT_EQ(o.summary.untested[0].capability, "media");
  EXPECT_EQ(o.summary.untested[0].checks, (std::vector<std::string>{"MED-1.a", "MED-2.a"}));
  EXPECT_EQ(o.summary.untested[1].capability, "stanza");
  EXPECT_EQ(o.exit_status, kExitOk);
}

TEST(RunnerGate, MissingPrimitivesAndLayoutsAreNamedToo) {
  Harness h;
  h.hello = make_hello("olm-v1", {"export", "import"});
  const auto missing = [](std::string area) {
    return [area](CheckContext&) {
      CheckOutcome o;
      o.verdict = Verdict::not_applicable;
      o.summary = "missing";
      o.untested_area = area;
      return o;
    };
  };
  h.registry.add(def("KAT-1.sha256", "KAT-1", {}, missing("primitive sha256")));
  h.registry.add(def("KEY-2.layout", "KEY-2", {}, missing("bundle layout")));
  h.registry.add(def("KEY-2.other", "KEY-2", {}, [](CheckContext&) {
    CheckOutcome o;
    o.verdict = Verdict::not_applicable;  // not applicable for another reason: nothing is missing
    o.summary = "profile signal only";
    return o;
  }));
  RunOutcome o = h.run();
  ASSERT_EQ(o.summary.untested.size(), 2u);
  EXPECT_EQ(o.summary.untested[0].capability, "bundle layout");
  EXPECT_EQ(o.summary.untested[0].checks, std::vector<std::string>{"KEY-2.layout"});
  EXPECT_EQ(o.summary.untested[1].capability, "primitive sha256");
  EXPECT_EQ(o.summary.untested[1].checks, std::vector<std::string>{"KAT-1.sha256"});
}

// --- exit statuses -------------------------------------------------------------------

TEST(RunnerExit, LevelsAndStrictness) {
  EXPECT_TRUE(counts_against(Level::must, Verdict::fail, Strictness::normal));
  EXPECT_TRUE(counts_against(Level::must, Verdict::error, Strictness::normal));
  EXPECT_TRUE(counts_against(Level::must, Verdict::not_tested, Strictness::normal));
  EXPECT_FALSE(counts_against(Level::must, Verdict::waived, Strictness::normal));
  EXPECT_FALSE(counts_against(Level::must, Verdict::not_applicable, Strictness::normal));
  EXPECT_FALSE(counts_against(Level::should, Verdict::fail, Strictness::normal));
  EXPECT_TRUE(counts_against(Level::should, Verdict::fail, Strictness::strict));
  EXPECT_FALSE(counts_against(Level::info, Verdict::fail, Strictness::strict));
}

TEST(RunnerExit, ShouldFailsOnlyWhenStrict) {
  Harness h;
  h.registry.add(def("AKE-6.x", "AKE-6", {}, failing()));  // SHOULD
  EXPECT_EQ(h.run().exit_status, kExitOk);
  h.config.strictness = Strictness::strict;
  RunOutcome o = h.run();
  EXPECT_EQ(o.exit_status, kExitFailed);
  EXPECT_EQ(o.summary.failing, std::vector<std::string>{"AKE-6.x"});
}

TEST(RunnerExit, TargetThatCannotStartIsStatus3) {
  Harness h;
  h.registry.add(def("MSG-1.x", "MSG-1"));
  h.config.target_command = "fail";
  RunOutcome o = h.run();
  EXPECT_EQ(o.exit_status, kExitTargetStart);
  EXPECT_NE(o.error.find("could not be started"), std::string::npos);
}

// --- running ---------------------------------------------------------------------------

TEST(RunnerRun, ChecksGetDerivedSeedsAndDeterministicTargetsGetThemInReset) {
  Harness h;
  std::map<std::string, Key32> seen;
  auto record_seed = [&](CheckContext& c) {
    seen[c.target.name() + std::to_string(seen.size())] = c.seed;
    return CheckOutcome::pass("ok");
  };
  h.registry.add(def("MSG-1.a", "MSG-1", {}, record_seed));
  h.registry.add(def("MSG-1.b", "MSG-1", {}, record_seed));
  h.config.seed = *parse_seed("abc");
  RunOutcome o = h.run();
  EXPECT_EQ(h.record(o, "MSG-1.a").seed, seed_hex(derive_check_seed(h.config.seed, "MSG-1.a")));
  EXPECT_NE(h.record(o, "MSG-1.a").seed, h.record(o, "MSG-1.b").seed);
  ASSERT_EQ(h.stats->reset_seeds.size(), 2u);
  EXPECT_EQ(h.stats->reset_seeds[0], derive_check_seed(h.config.seed, "MSG-1.a"));
  EXPECT_EQ(o.info.seed, std::string(61, '0') + "abc");
}

TEST(RunnerRun, NonDeterministicTargetsGetNoSeed) {
  Harness h;
  h.hello = make_hello("olm-v1", {"export", "import"});
  h.registry.add(def("MSG-1.a", "MSG-1"));
  h.run();
  ASSERT_EQ(h.stats->reset_seeds.size(), 1u);
  EXPECT_FALSE(h.stats->reset_seeds[0]);
}

TEST(RunnerRun, BaselineStartsLazilyOnce) {
  Harness h;
  auto uses_baseline = [](CheckContext& c) {
    if (c.baseline == nullptr) return CheckOutcome::fail("no baseline");
    return c.baseline->hello().implementation == "reference" ? CheckOutcome::pass("ok") : CheckOutcome::fail("?");
  };
  CheckDef a = def("SIG-1.a", "SIG-1", {}, uses_baseline);
  a.baseline = BaselineUse::peer;
  CheckDef b = def("SIG-1.b", "SIG-1", {}, uses_baseline);
  b.baseline = BaselineUse::peer;
  h.registry.add(def("MSG-1.a", "MSG-1"));
  h.registry.add(std::move(a));
  h.registry.add(std::move(b));
  RunOutcome o = h.run();
  EXPECT_EQ(o.exit_status, kExitOk) << h.record(o, "SIG-1.a").summary;
  EXPECT_EQ(h.stats->starts, 2);  // target + one baseline
}

TEST(RunnerRun, DeadTargetMakesPassAnErrorAndIsRestarted) {
  Harness h;
  h.registry.add(def("MSG-1.a", "MSG-1", {}, [](CheckContext& c) {
    static_cast<test::FakeTarget&>(c.target).kill();
    return CheckOutcome::pass("looked fine");
  }));
  h.registry.add(def("MSG-1.b", "MSG-1", {}, [](CheckContext& c) {
    return c.target.alive() ? CheckOutcome::pass("alive") : CheckOutcome::fail("dead");
  }));
  RunOutcome o = h.run();
  const ResultRecord& a = h.record(o, "MSG-1.a");
  EXPECT_EQ(a.verdict, Verdict::error);
  bool noted = false;
  for (const std::string& obs : a.observations) noted = noted || obs.find("restarted") != std::string::npos;
  EXPECT_TRUE(noted);
  EXPECT_EQ(h.stats->restarts, 1);
  EXPECT_EQ(h.record(o, "MSG-1.b").verdict, Verdict::pass);
}

TEST(RunnerRun, ViolationBecomesErrorWithEvidence) {
  Violation v{ViolationKind::timeout, "no response within 10 ms", "panic: oops"};
  CheckOutcome o = CheckOutcome::error(v);
  EXPECT_EQ(o.verdict, Verdict::error);
  EXPECT_NE(o.summary.find("timeout"), std::string::npos);
  ASSERT_EQ(o.observations.size(), 1u);
  EXPECT_NE(o.observations[0].find("panic: oops"), std::string::npos);
  CheckOutcome r =
      CheckOutcome::unexpected_refusal("decrypt of message 3", Refusal{ptp::ErrorCode::invalid_message, "bad mac"});
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.summary.find("invalid_message"), std::string::npos);
}

// --- waivers ---------------------------------------------------------------------------

Registry waiver_registry() {
  Registry r;
  r.add(def("MSG-1.a", "MSG-1"));
  r.add(def("AKE-6.x", "AKE-6"));
  return r;
}

TEST(Waivers, ValidFile) {
  Registry r = waiver_registry();
  auto w = Waivers::parse("# comment\n\nMSG-3: our MAC is checked later # not a comment\n  MSG-1.a : legacy\r\n",
                          "w.txt", r);
  ASSERT_TRUE(w.ok()) << w.error().detail;
  ASSERT_EQ(w->all().size(), 2u);
  EXPECT_EQ(w->all().at("MSG-3").reason, "our MAC is checked later # not a comment");
  EXPECT_EQ(w->all().at("MSG-3").line, 3);
  EXPECT_EQ(w->find(*r.find("MSG-1.a"))->reason, "legacy");
  EXPECT_EQ(w->find(*r.find("AKE-6.x")), nullptr);
}

TEST(Waivers, Errors) {
  Registry r = waiver_registry();
  auto unknown = Waivers::parse("MSG-1: ok\nXYZ-9: because\n", "w.txt", r);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().detail.rfind("w.txt:2: ", 0), 0u) << unknown.error().detail;
  EXPECT_NE(unknown.error().detail.find("XYZ-9"), std::string::npos);

  auto no_reason = Waivers::parse("MSG-1:   \n", "w.txt", r);
  ASSERT_FALSE(no_reason.ok());
  EXPECT_EQ(no_reason.error().detail.rfind("w.txt:1: ", 0), 0u);
  EXPECT_NE(no_reason.error().detail.find("reason"), std::string::npos);

  auto no_colon = Waivers::parse("MSG-1 because\n", "w.txt", r);
  ASSERT_FALSE(no_colon.ok());

  auto dup = Waivers::parse("MSG-1: a\n# x\nMSG-1: b\n", "w.txt", r);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().detail.rfind("w.txt:3: ", 0), 0u);
  EXPECT_EQ(dup.error().detail.find('\n'), std::string::npos);  // one line
}

TEST(Waivers, TurnFailAndErrorIntoWaivedButNotNotTested) {
  Harness h;
  h.hello = make_hello("signal-v3", {"export", "import"});  // lacks inject: not-tested below
  h.registry.add(def("MSG-1.a", "MSG-1", {}, failing()));
  h.registry.add(def("MSG-2.a", "MSG-2", {}, [](CheckContext&) {
    return CheckOutcome::error(Violation{ViolationKind::exited, "status 1", ""});
  }));
  h.registry.add(def("FS-2.a", "FS-2", {Capability::inject}));
  auto w = Waivers::parse("MSG-1: known\nMSG-2.a: flaky\nFS-2: not implemented\n", "w", h.registry);
  ASSERT_TRUE(w.ok());
  h.waivers = std::move(w).value();
  RunOutcome o = h.run();
  EXPECT_EQ(h.record(o, "MSG-1.a").verdict, Verdict::waived);
  EXPECT_EQ(h.record(o, "MSG-1.a").waiver, "known");
  EXPECT_EQ(h.record(o, "MSG-1.a").waived_verdict, Verdict::fail);
  EXPECT_EQ(h.record(o, "MSG-2.a").verdict, Verdict::waived);
  EXPECT_EQ(h.record(o, "FS-2.a").verdict, Verdict::not_tested);
  EXPECT_EQ(o.exit_status, kExitFailed);
  EXPECT_EQ(o.summary.failing, std::vector<std::string>{"FS-2.a"});
}

// --- registry, seeds, selection ----------------------------------------------------------

TEST(RegistryTest, RefusesBadRegistrations) {
  Registry r;
  r.add(def("MSG-1.a", "MSG-1"));
  r.add(def("MSG-1.a", "MSG-1"));  // duplicate
  r.add(def("XX-1.a", "XX-1"));    // unknown requirement
  r.add(def("MSG-2.a", "MSG-1"));  // id not under its requirement
  r.add(def("MSG-10", "MSG-1"));   // a prefix that is not MSG-1 or MSG-1.
  CheckDef no_run = def("MSG-1.b", "MSG-1");
  no_run.run = nullptr;
  r.add(std::move(no_run));
  EXPECT_EQ(r.checks().size(), 1u);
  EXPECT_EQ(r.errors().size(), 5u);
}

// A check may weigh less than its requirement (KAT-1's vectors outside the protocol's
// domain), never more; its failure then counts at its own level.
TEST(RegistryTest, ACheckLevelMayOnlyLowerItsRequirements) {
  Harness h;
  CheckDef edge = def("KAT-1.edge", "KAT-1", {}, failing());
  edge.level = Level::should;
  h.registry.add(std::move(edge));
  CheckDef raised = def("KEY-2.raised", "KEY-2");
  raised.level = Level::must;
  h.registry.add(std::move(raised));
  ASSERT_EQ(h.registry.errors().size(), 1u);
  EXPECT_NE(h.registry.errors()[0].find("KEY-2.raised: level MUST above its requirement's"), std::string::npos)
      << h.registry.errors()[0];
  RunOutcome o = h.run();
  EXPECT_EQ(h.record(o, "KAT-1.edge").verdict, Verdict::fail);
  EXPECT_EQ(h.record(o, "KAT-1.edge").level, Level::should);
  EXPECT_EQ(o.exit_status, kExitOk);  // a SHOULD failure does not fail the run
}

TEST(RegistryTest, CheckNamesAreKebabCase) {
  Registry r;
  r.add(def("MED-3.fresh-keys", "MED-3"));
  r.add(def("MED-3.fresh_keys", "MED-3"));   // snake_case
  r.add(def("MED-3.Fresh", "MED-3"));        // capitals
  r.add(def("MED-3.two--dashes", "MED-3"));  // an empty word
  r.add(def("MED-3.-lead", "MED-3"));        // a leading dash
  r.add(def("MED-3", "MED-3"));              // no name at all
  EXPECT_EQ(r.checks().size(), 1u);
  ASSERT_EQ(r.errors().size(), 5u);
  EXPECT_NE(r.errors()[0].find("kebab-case"), std::string::npos) << r.errors()[0];
  EXPECT_TRUE(is_check_name("x25519"));
  EXPECT_TRUE(is_check_name("round-trip-64"));
  EXPECT_FALSE(is_check_name("hkdf_sha256"));
}

TEST(RegistryTest, AliasesNameTheCheckAndCannotCollide) {
  Registry r;
  CheckDef renamed = def("MED-3.fresh-keys", "MED-3");
  renamed.aliases = {"MED-3.fresh_keys"};
  r.add(std::move(renamed));
  ASSERT_TRUE(r.errors().empty());
  const CheckDef* by_alias = r.find("MED-3.fresh_keys");
  ASSERT_NE(by_alias, nullptr);
  EXPECT_EQ(by_alias->id, "MED-3.fresh-keys");
  CheckDef clash = def("MED-3.other", "MED-3");
  clash.aliases = {"MED-3.fresh-keys"};  // another check's id
  r.add(std::move(clash));
  EXPECT_EQ(r.checks().size(), 1u);
  EXPECT_EQ(r.errors().size(), 1u);
  // --only and waivers accept the former id and resolve it to the check.
  auto sel = select_checks(r, {"MED-3.fresh_keys"}, Shard{});
  ASSERT_TRUE(sel.ok()) << sel.error().detail;
  ASSERT_EQ(sel->checks.size(), 1u);
  EXPECT_EQ(sel->checks[0]->id, "MED-3.fresh-keys");
  auto w = Waivers::parse("MED-3.fresh_keys: accepted risk\n", "w.txt", r);
  ASSERT_TRUE(w.ok()) << w.error().detail;
  EXPECT_NE(w->find(r.checks()[0]), nullptr);
}

TEST(RunnerRun, ACheckThatThrowsIsAnErrorAndTheRunGoesOn) {
  Harness h;
  h.registry.add(def("MSG-1.a", "MSG-1", {}, [](CheckContext&) -> CheckOutcome {
    throw std::out_of_range("std::get: wrong index for variant");
  }));
  h.registry.add(def("MSG-1.b", "MSG-1"));
  RunOutcome o = h.run();
  ASSERT_EQ(o.records.size(), 2u);
  EXPECT_EQ(h.record(o, "MSG-1.a").verdict, Verdict::error);
  EXPECT_NE(h.record(o, "MSG-1.a").summary.find("suite defect"), std::string::npos);
  EXPECT_EQ(h.record(o, "MSG-1.b").verdict, Verdict::pass);
  EXPECT_TRUE(o.summary.complete);
}

TEST(Verdicts, RoundTrip) {
  for (Verdict v :
       {Verdict::pass, Verdict::fail, Verdict::error, Verdict::not_applicable, Verdict::not_tested, Verdict::waived}) {
    EXPECT_EQ(parse_verdict(to_string(v)), v);
  }
  EXPECT_EQ(to_string(Verdict::not_applicable), "not-applicable");
  EXPECT_FALSE(parse_verdict("passed"));
}

TEST(Seeds, ParseAndDerive) {
  auto full = parse_seed(std::string(64, 'A'));
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(seed_hex(*full), std::string(64, 'a'));
  auto one = parse_seed("1");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ((*one)[31], 1);
  EXPECT_EQ((*one)[0], 0);
  EXPECT_FALSE(parse_seed("").ok());
  EXPECT_FALSE(parse_seed(std::string(65, '1')).ok());
  EXPECT_FALSE(parse_seed("12g4").ok());
  EXPECT_EQ(derive_check_seed(*one, "A"), derive_check_seed(*one, "A"));
  EXPECT_NE(derive_check_seed(*one, "A"), derive_check_seed(*one, "B"));
  EXPECT_NE(random_seed(), random_seed());
}

Registry many_checks() {
  Registry r;
  for (const char* req : {"MSG-1", "MSG-2", "FS-1", "FS-2", "KAT-1", "AKE-1", "AKE-6"}) {
    r.add(def(std::string(req) + ".x", req));
    r.add(def(std::string(req) + ".y", req));
  }
  return r;
}

TEST(Selection, ShardsPartitionTheRun) {
  Registry r = many_checks();
  auto all = select_checks(r, {}, Shard{1, 1});
  ASSERT_TRUE(all.ok());
  std::set<std::string> full;
  for (const CheckDef* c : all->checks) full.insert(c->id);
  EXPECT_EQ(full.size(), 14u);
  std::set<std::string> unioned;
  size_t sum = 0;
  for (int i = 1; i <= 3; ++i) {
    auto part = select_checks(r, {}, Shard{i, 3});
    ASSERT_TRUE(part.ok());
    EXPECT_GE(part->checks.size(), 4u);
    sum += part->checks.size();
    for (const CheckDef* c : part->checks) unioned.insert(c->id);
  }
  EXPECT_EQ(sum, full.size());  // disjoint
  EXPECT_EQ(unioned, full);     // and complete
  // Deterministic: sorted by id, index % N == I - 1.
  auto first = select_checks(r, {}, Shard{1, 3});
  EXPECT_EQ(first->checks[0]->id, "AKE-1.x");
  EXPECT_EQ(first->checks[1]->id, "AKE-6.y");
}

TEST(Selection, ParseShard) {
  EXPECT_TRUE(parse_shard("2/3").ok());
  EXPECT_EQ(parse_shard("2/3")->index, 2);
  for (const char* bad : {"0/3", "4/3", "1", "a/b", "1/0", "/3", "1/3x", "-1/3"}) {
    EXPECT_FALSE(parse_shard(bad).ok()) << bad;
  }
}

TEST(Selection, Only) {
  Registry r = many_checks();
  auto ids = [&](std::vector<std::string> only) {
    auto s = select_checks(r, only, Shard{});
    std::vector<std::string> out;
    if (s.ok()) {
      for (const CheckDef* c : s->checks) out.push_back(c->id);
    }
    return out;
  };
  EXPECT_EQ(ids({"FS"}), (std::vector<std::string>{"FS-1.x", "FS-1.y", "FS-2.x", "FS-2.y"}));
  EXPECT_EQ(ids({"MSG-2", "KAT-1.y"}), (std::vector<std::string>{"KAT-1.y", "MSG-2.x", "MSG-2.y"}));
  EXPECT_EQ(ids({"fs-1"}), (std::vector<std::string>{"FS-1.x", "FS-1.y"}));
  EXPECT_EQ(split_list(" FS, ,MSG-1 ,"), (std::vector<std::string>{"FS", "MSG-1"}));
  auto unknown = select_checks(r, {"FS-99"}, Shard{});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().detail.find("FS-99"), std::string::npos);
  auto empty_req = select_checks(r, {"STZ-1"}, Shard{});  // in the catalogue, no checks here
  ASSERT_TRUE(empty_req.ok());
  EXPECT_TRUE(empty_req->checks.empty());
  EXPECT_EQ(empty_req->warnings.size(), 1u);
}

// --- results files -------------------------------------------------------------------------

std::vector<json> read_lines(const std::string& path) {
  std::vector<json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) out.push_back(json::parse(line));
  return out;
}

std::string temp_path(const std::string& name) {
  return testing::TempDir() + "parity_runner_test_" + std::to_string(::getpid()) + "_" + name;
}

void expect_valid(const json& value, const std::string& def_name) {
  const json schema = test::load_results_schema();
  const json& sub = def_name.empty() ? schema : schema["$defs"][def_name];
  auto errors = test::validate_json(schema, sub, value);
  std::string all;
  for (const auto& e : errors) all += e + "\n";
  EXPECT_TRUE(errors.empty()) << all;
}

TEST(Results, StreamIsWrittenLineByLineAndDocumentValidates) {
  Harness h;
  const ResultPaths paths = derive_result_paths(temp_path("stream.json"));
  EXPECT_EQ(paths.stream, temp_path("stream.jsonl"));
  EXPECT_EQ(paths.transcripts, temp_path("stream.transcripts.jsonl"));
  std::vector<size_t> lines_seen;
  auto peek = [&](CheckContext& c) {
    // Every earlier check's line is on disk already when the next one runs.
    lines_seen.push_back(read_lines(paths.stream).size());
    c.target.create("alice");
    CheckOutcome o = CheckOutcome::pass("ok \x01 <&> \xff");
    o.figures.push_back(Figure{"healing", 1.0, 1.0, "round trips"});
    o.figures.push_back(Figure{"window", std::nullopt, 2.0, "messages"});
    return o;
  };
  h.registry.add(def("MSG-1.a", "MSG-1", {}, peek));
  h.registry.add(def("MSG-1.b", "MSG-1", {}, peek));
  h.registry.add(def("MSG-1.c", "MSG-1", {}, failing()));
  h.registry.add(def("STZ-1.a", "STZ-1", {Capability::stanza}));
  h.config.paths = paths;
  RunOutcome o = h.run();
  EXPECT_EQ(lines_seen, (std::vector<size_t>{1, 2}));  // header; header + MSG-1.a

  const std::vector<json> stream = read_lines(paths.stream);
  ASSERT_EQ(stream.size(), 6u);
  EXPECT_TRUE(stream.front().contains("header"));
  EXPECT_TRUE(stream.back().contains("footer"));
  for (const json& line : stream) expect_valid(line, "stream_line");
  for (const json& line : read_lines(paths.transcripts)) expect_valid(line, "transcript_line");

  std::ifstream doc_in(paths.document);
  const json doc = json::parse(doc_in);
  expect_valid(doc, "");
  EXPECT_EQ(doc["summary"]["exit_status"], 1);
  EXPECT_EQ(doc["results"].size(), 4u);
  const json& a = doc["results"][0];
  EXPECT_EQ(a["transcript"]["index"], 0);
  EXPECT_NE(a["replay"].get<std::string>().find("replay"), std::string::npos);
  EXPECT_EQ(a["figures"][1]["target"], nullptr);
  EXPECT_EQ(doc["results"][3]["transcript"], nullptr);  // not run, no transcript

  // The transcript of MSG-1.a holds its reset and its create.
  const json tr = read_lines(paths.transcripts)[0];
  EXPECT_EQ(tr["check"], "MSG-1.a");
  EXPECT_EQ(tr["transcript"].size(), 2u);
}

TEST(Results, InterruptedRunKeepsWhatItDid) {
  Harness h;
  std::atomic<bool> interrupted{false};
  h.registry.add(def("MSG-1.a", "MSG-1"));
  h.registry.add(def("MSG-1.b", "MSG-1", {}, [&](CheckContext&) {
    interrupted.store(true);  // as SIGINT's handler does
    return CheckOutcome::pass("interrupted meanwhile");
  }));
  h.registry.add(def("MSG-1.c", "MSG-1"));
  h.config.paths = derive_result_paths(temp_path("interrupted.json"));
  h.config.interrupted = &interrupted;
  RunOutcome o = h.run();
  EXPECT_EQ(o.exit_status, kExitInterrupted);
  const std::vector<json> stream = read_lines(h.config.paths->stream);
  ASSERT_EQ(stream.size(), 3u);  // header, MSG-1.a, footer
  EXPECT_EQ(stream[1]["result"]["check"], "MSG-1.a");
  EXPECT_EQ(stream[2]["footer"]["complete"], false);
  for (const json& line : stream) expect_valid(line, "stream_line");
}

TEST(Results, EvidenceReplacesTheWholeExchange) {
  Harness h;
  h.registry.add(def("MSG-1.a", "MSG-1", {}, [](CheckContext& c) {
    for (int i = 0; i < 5; ++i) c.target.create("p" + std::to_string(i));
    CheckOutcome o = CheckOutcome::fail("shrunk");
    Transcript minimal;
    minimal.entries.push_back(TranscriptEntry{Direction::request, "target", "{\"op\":\"reset\"}", 0});
    o.evidence = minimal;
    return o;
  }));
  h.config.paths = derive_result_paths(temp_path("evidence.json"));
  h.run();
  const std::vector<json> lines = read_lines(h.config.paths->transcripts);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["transcript"].size(), 1u);
}

// --- JUnit ---------------------------------------------------------------------------------

TEST(JUnit, WellFormedWithOneElementPerVerdict) {
  Harness h;
  h.hello = make_hello("olm-v1", {"export"});  // lacks import (required) and stanza (optional)
  h.registry.add(def("MSG-1.pass", "MSG-1"));
  h.registry.add(def("MSG-2.fail", "MSG-2", {}, [](CheckContext&) {
    CheckOutcome o = CheckOutcome::fail("bad <xml> & \"quotes\" \x02 \xc3\x28");
    o.counterexample = "a]]>b";
    return o;
  }));
  h.registry.add(def("MSG-3.error", "MSG-3", {}, [](CheckContext&) {
    return CheckOutcome::error(Violation{ViolationKind::not_json, "<garbage>", ""});
  }));
  h.registry.add(def("FS-1.nt", "FS-1", {Capability::import_state}));
  h.registry.add(def("KEY-2.nt", "KEY-2", {Capability::import_state}));  // SHOULD: not-tested is skipped
  h.registry.add(def("STZ-1.na", "STZ-1", {Capability::stanza}));
  h.registry.add(def("MSG-4.waived", "MSG-4", {}, failing()));
  auto w = Waivers::parse("MSG-4: see <ticket> & co\n", "w", h.registry);
  ASSERT_TRUE(w.ok());
  h.waivers = std::move(w).value();
  RunOutcome o = h.run();

  const std::string xml = junit_xml(o.info, o.records, Strictness::normal);
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_string(xml.c_str());
  ASSERT_TRUE(parsed) << parsed.description() << "\n" << xml;
  pugi::xml_node suites = doc.child("testsuites");
  EXPECT_EQ(suites.attribute("tests").as_int(), 7);
  EXPECT_EQ(suites.attribute("failures").as_int(), 2);  // MSG-2 fail, FS-1 not-tested
  EXPECT_EQ(suites.attribute("errors").as_int(), 1);
  EXPECT_EQ(suites.attribute("skipped").as_int(), 3);
  std::map<std::string, pugi::xml_node> cases;
  for (pugi::xml_node s : suites.children("testsuite")) {
    for (pugi::xml_node c : s.children("testcase")) cases[c.attribute("name").value()] = c;
  }
  ASSERT_EQ(cases.size(), 7u);
  EXPECT_FALSE(cases["MSG-1.pass"].child("failure"));
  EXPECT_STREQ(cases["MSG-2.fail"].child("failure").attribute("message").value(),
               "fail: bad <xml> & \"quotes\" \xE2\x90\x82 \xEF\xBF\xBD(");  // U+2402 as in the HTML report
  EXPECT_TRUE(cases["MSG-3.error"].child("error"));
  EXPECT_TRUE(cases["FS-1.nt"].child("failure"));
  EXPECT_TRUE(cases["KEY-2.nt"].child("skipped"));
  EXPECT_TRUE(cases["STZ-1.na"].child("skipped"));
  EXPECT_STREQ(cases["MSG-4.waived"].child("skipped").attribute("message").value(), "waived: see <ticket> & co");
  EXPECT_STREQ(cases["MSG-2.fail"].parent().attribute("name").value(), "MSG");
}

TEST(JUnit, EscapesEverything) {
  EXPECT_EQ(xml_escape("<a href='x'>&\"</a>"), "&lt;a href=&apos;x&apos;&gt;&amp;&quot;&lt;/a&gt;");
  EXPECT_EQ(xml_escape(std::string("\0\x1f", 2)), "\xE2\x90\x80\xE2\x90\x9F");    // the Control Pictures of clean_text
  EXPECT_EQ(xml_escape("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(xml_escape("caf\xc3\xa9 \xf0\x9f\x94\x91"), "caf\xc3\xa9 \xf0\x9f\x94\x91");
}

}  // namespace
}  // namespace parity::harness
