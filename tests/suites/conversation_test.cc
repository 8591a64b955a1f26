// conversation_test: Conversation's named-party steps (encrypt, decrypt, snapshot: what
// AKE-3, AKE-5 and AKE-6 drive third parties and clones with) against the reference
// target process, and AKE-5 through run_sides on a target and a baseline process.
#include "suites/common/conversation.h"

#include <chrono>
#include <memory>
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "harness/runner/check.h"
#include "suites/ake/ake.h"

namespace parity::suites {
namespace {

std::unique_ptr<Target> reference(const std::string& label) {
  harness::Limits limits;
  limits.request = std::chrono::milliseconds(60000);  // a loaded test machine
  auto r = harness::start_target(PARITY_REFERENCE_TARGET, label, limits);
  if (auto* e = std::get_if<harness::StartError>(&r)) {
    ADD_FAILURE() << "the reference does not start: " << e->violation.detail;
    return nullptr;
  }
  return std::get<std::unique_ptr<Target>>(std::move(r));
}

TEST(ConversationNamed, ThirdPartiesTalkAndTheLogSaysSo) {
  auto t = reference("target");
  ASSERT_TRUE(t);
  for (const char* n : {"alice", "bob", "carol"}) ASSERT_TRUE(t->create(n).ok()) << n;
  Conversation c(*t);
  auto b = t->bundle("carol");
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE(t->initiate("bob", "carol", b->bundle).ok());

  auto m = c.encrypt("bob", "carol", to_bytes("hi carol"), "a first message");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->kind, harness::MessageKind::prekey);
  auto read = c.decrypt("carol", "bob", *m, "bob's first message");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, to_bytes("hi carol"));
  // A replay is refused, and the log names the refusal's code.
  auto replay = c.decrypt("carol", "bob", *m, "bob's first message");
  ASSERT_TRUE(replay.refused());

  ASSERT_EQ(c.log().size(), 3u);
  EXPECT_EQ(c.log()[0], "bob sends a first message to carol (prekey)");
  EXPECT_EQ(c.log()[1], "bob's first message delivered to carol as from bob: reads it");
  EXPECT_EQ(c.log()[2], "bob's first message delivered to carol as from bob: refuses it (" +
                            std::string(ptp::to_string(replay.refusal().code)) + ")");
}

TEST(ConversationNamed, SnapshotCopiesAPartyAndRefusesAnUnknownOne) {
  auto t = reference("target");
  ASSERT_TRUE(t);
  Conversation c(*t);
  ASSERT_TRUE(c.establish().ok());
  ASSERT_TRUE(c.snapshot("bob", "bob~1").ok());
  EXPECT_EQ(c.log().back(), "snapshot of bob exported and imported as bob~1");
  // The copy holds bob's session: it reads alice's next message, as bob does.
  auto m = c.encrypt("alice", "bob", to_bytes("to both"), "a later message");
  ASSERT_TRUE(m.ok());
  auto at_copy = c.decrypt("bob~1", "alice", *m, "alice's message");
  ASSERT_TRUE(at_copy.ok());
  EXPECT_EQ(*at_copy, to_bytes("to both"));
  auto at_bob = c.decrypt("bob", "alice", *m, "alice's message");
  ASSERT_TRUE(at_bob.ok());
  EXPECT_EQ(*at_bob, to_bytes("to both"));

  const size_t lines = c.log().size();
  auto none = c.snapshot("nobody", "nobody~1");
  EXPECT_FALSE(none.ok());
  EXPECT_EQ(c.log().size(), lines) << "a failed snapshot is not logged as made";
}

TEST(AkeOnCheckSpec, IndependentSessionsPassOnTheReferenceBesideTheBaseline) {
  auto t = reference("target");
  auto base = reference("baseline");
  ASSERT_TRUE(t && base);
  harness::Registry registry;
  register_ake_checks(registry);
  const harness::CheckDef* def = registry.find("AKE-5.independent-sessions");
  ASSERT_NE(def, nullptr);
  ASSERT_TRUE(def->run);
  Key32 seed{};
  seed.fill(0x5e);
  harness::CheckContext ctx{*t, base.get(), harness::Profile::signal, seed, harness::CheckOptions{}, "vectors"};
  harness::CheckOutcome o = def->run(ctx);
  EXPECT_EQ(o.verdict, harness::Verdict::pass) << o.summary;
  ASSERT_EQ(o.figures.size(), 1u);
  EXPECT_EQ(o.figures[0].name, "cross-session decryptions");
  EXPECT_EQ(o.figures[0].target, 0.0);
  EXPECT_EQ(o.figures[0].baseline, 0.0);
}

}  // namespace
}  // namespace parity::suites
