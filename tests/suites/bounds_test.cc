// bounds_test: the retention and far-ahead checks (FS-4, DOS-1, DOS-2) judged against
// targets whose declared bounds differ from Signal's (issue 12):
// - a sound target declaring max_skip 200, which refuses every jump past it, passes: its
//   scenarios stay within what it declares and a refusal its bounds permit is no failure;
// - a target declaring max_skip and max_skipped_keys 1000 that keeps every skipped key
//   fails FS-4 and DOS-2: the streams go past the bound where the lie breaks Signal's;
// - a target without a DH ratchet, its skipped keys bounded in its one chain, does not
//   fail DOS-2 or FS-4 under profile equivalent: retention is compared with Signal's
//   bounds, not with what the baseline happened to keep in the same scenario.
// - a target declaring every bound null (no bound, PTP 1.2 clarified) is sized and judged
//   as Signal's figures: the sound reference declaring null passes, and the reference
//   without any bound declaring null (honestly) still fails FS-4, DOS-2 and DOS-1.
// Keeping keys and dropping (or not) a DH ratchet cannot be faked by forwarding: those
// fakes forward to a reference process started as a mutant (targets/reference/mutants).
#include <map>
#include <memory>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "harness/runner/check.h"
#include "reference/wire/signal_message.h"
#include "suites/common/bounds.h"
#include "tests/suites/check_runner.h"
#include "tests/suites/forwarding_target.h"

namespace parity::suites {
namespace {

using harness::CheckOutcome;
using harness::Op;
using harness::Verdict;
using test::ForwardingTarget;
using test::run_registered_check;
using test::RunOptions;
using test::start_reference;

std::string explain(const CheckOutcome& o) {
  std::string s = std::string(harness::to_string(o.verdict)) + ": " + o.summary;
  for (const std::string& line : o.observations) s += "\n  " + line;
  if (!o.counterexample.empty()) s += "\n  counterexample: " + o.counterexample.substr(0, 2000);
  return s;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// SmallSkip declares max_skip 200 and refuses (limit_exceeded) every message more than
// 200 past the next one its receiving chain expects, as a sound Double Ratchet with that
// bound does; everything else is the reference's. It reads counters and ratchet keys
// from the Signal wire format, and carries what it knows of a party's chains into the
// clones imported from that party's exported state.
class SmallSkip final : public ForwardingTarget {
 public:
  static constexpr uint32_t kMaxSkip = 200;

  explicit SmallSkip(std::unique_ptr<harness::Target> inner) : ForwardingTarget(std::move(inner)) {
    mutable_hello().limits["max_skip"] = kMaxSkip;
  }

  Op<harness::Unit> reset(std::optional<Key32> seed) override {
    next_.clear();
    exported_.clear();
    return ForwardingTarget::reset(seed);
  }
  Op<Bytes> decrypt(const std::string& party, const std::string& peer, ByteView ciphertext, harness::MessageKind kind,
                    const harness::Inject& inject) override {
    std::optional<wire::SignalMessage> m;
    if (kind == harness::MessageKind::prekey) {
      if (auto p = wire::decode_prekey_message(ciphertext)) m = p->message;
    } else if (auto s = wire::decode_signal_message(ciphertext)) {
      m = *s;
    }
    if (!m) return ForwardingTarget::decrypt(party, peer, ciphertext, kind, inject);
    uint32_t& next = next_[party][{peer, m->ratchet_key}];
    if (m->counter > next && m->counter - next > kMaxSkip) {
      return harness::Refusal{
          ptp::ErrorCode::limit_exceeded,
          "counter " + std::to_string(m->counter) + " is more than max_skip past " + std::to_string(next)};
    }
    Op<Bytes> r = ForwardingTarget::decrypt(party, peer, ciphertext, kind, inject);
    if (r.ok() && m->counter >= next) next = m->counter + 1;
    return r;
  }
  Op<Bytes> export_state(const std::string& party) override {
    Op<Bytes> r = ForwardingTarget::export_state(party);
    if (r.ok()) exported_[*r] = next_[party];
    return r;
  }
  Op<harness::Unit> import_state(const std::string& party, ByteView state) override {
    Op<harness::Unit> r = ForwardingTarget::import_state(party, state);
    auto it = exported_.find(Bytes(state.begin(), state.end()));
    if (r.ok() && it != exported_.end()) next_[party] = it->second;
    return r;
  }

 private:
  using Chains = std::map<std::pair<std::string, Key32>, uint32_t>;  // (peer, ratchet key) -> next counter
  std::map<std::string, Chains> next_;                               // by party
  std::map<Bytes, Chains> exported_;                                 // by exported state
};

template <class F = ForwardingTarget>
std::unique_ptr<F> fake(const std::string& args = "") {
  auto inner = start_reference("target", args);
  if (!inner) return nullptr;
  return std::make_unique<F>(std::move(inner));
}

// NullLimits declares every bound null (no bound); the rest is the process it wraps.
class NullLimits final : public ForwardingTarget {
 public:
  explicit NullLimits(std::unique_ptr<harness::Target> inner) : ForwardingTarget(std::move(inner)) {
    for (const char* name : harness::kBoundNames) mutable_hello().limits[name] = nullptr;
  }
};

// ---- a sound target with a smaller max_skip ------------------------------------------

TEST(Bounds, SmallSkipRefusesPastItsBound) {
  auto t = fake<SmallSkip>();
  ASSERT_TRUE(t);
  // The fake itself: DOS-1.genuine's jump of max_skip + 1 is refused, so the fake is the
  // bounded target the checks below must pass.
  CheckOutcome o = run_registered_check(*t, "DOS-1.genuine");
  EXPECT_EQ(o.verdict, Verdict::pass) << explain(o);
  EXPECT_TRUE(contains(o.observations.at(0), "max_skip 200")) << explain(o);
  EXPECT_TRUE(contains(explain(o), "refused (limit_exceeded)")) << explain(o);
}

TEST(Bounds, SmallSkipPassesFs4) {
  auto t = fake<SmallSkip>();
  ASSERT_TRUE(t);
  CheckOutcome o = run_registered_check(*t, "FS-4.retention");
  EXPECT_EQ(o.verdict, Verdict::pass) << explain(o);
  // Its streams were sized to its bound, and the jump past it was refused, as permitted.
  EXPECT_TRUE(contains(explain(o), "jumps of 200")) << explain(o);
  EXPECT_TRUE(contains(explain(o), "epochs of 200 undelivered")) << explain(o);
  EXPECT_TRUE(contains(explain(o), "a jump of max_skip + 1 (201) was refused")) << explain(o);
}

TEST(Bounds, SmallSkipPassesDos) {
  auto t = fake<SmallSkip>();
  ASSERT_TRUE(t);
  // DOS-3 sends no jump at all (malformed input only): nothing in it depends on bounds.
  for (const char* id : {"DOS-1.forged", "DOS-2.retention"}) {
    CheckOutcome o = run_registered_check(*t, id);
    EXPECT_EQ(o.verdict, Verdict::pass) << id << ": " << explain(o);
  }
}

// ---- a target that keeps more than it declares ----------------------------------------

TEST(Bounds, KeysKeptPastTheDeclaredBoundFailFs4AndDos2) {
  auto t = fake("--mutant keys-past-bound");
  ASSERT_TRUE(t);
  ASSERT_EQ(t->hello().limit("max_skip"), std::optional<uint64_t>(1000));
  CheckOutcome fs4 = run_registered_check(*t, "FS-4.retention");
  EXPECT_EQ(fs4.verdict, Verdict::fail) << explain(fs4);
  EXPECT_TRUE(contains(fs4.summary, "one chain: 2048 > 2000")) << explain(fs4);
  EXPECT_TRUE(contains(explain(fs4), "more than its declared max_skipped_keys (1000)")) << explain(fs4);
  CheckOutcome dos2 = run_registered_check(*t, "DOS-2.retention");
  EXPECT_EQ(dos2.verdict, Verdict::fail) << explain(dos2);
  // It refuses jumps past its declared max_skip: the lie is about keys only.
  CheckOutcome dos1 = run_registered_check(*t, "DOS-1.genuine");
  EXPECT_EQ(dos1.verdict, Verdict::pass) << explain(dos1);
}

// ---- a target without a DH ratchet: one chain, bounded keys ---------------------------

TEST(Bounds, OneBoundedChainDoesNotFailRetention) {
  auto t = fake("--mutant no-dh-ratchet");
  ASSERT_TRUE(t);
  RunOptions equivalent;
  equivalent.profile = harness::Profile::equivalent;  // the ratchet keys are not read
  for (const char* id : {"DOS-2.retention", "FS-4.retention"}) {
    CheckOutcome o = run_registered_check(*t, id, equivalent);
    EXPECT_EQ(o.verdict, Verdict::pass) << id << ": " << explain(o);
  }
}

// ---- bounds declared null ------------------------------------------------------------

TEST(Bounds, NullIsUnboundedSizedAsSignals) {
  auto t = fake<NullLimits>();
  ASSERT_TRUE(t);
  const Bounds b = bounds_of(*t, nullptr);
  EXPECT_EQ(b.max_skip, kSignalMaxSkip);
  EXPECT_EQ(b.max_skipped_keys, kSignalMaxSkippedKeys);
  EXPECT_EQ(b.max_receiver_chains, kSignalMaxReceiverChains);
  EXPECT_TRUE(b.borrowed.empty());
  EXPECT_EQ(b.unbounded.size(), 3u);
  EXPECT_TRUE(b.is_unbounded("max_skip"));
  EXPECT_TRUE(contains(b.describe(), "max_skip unbounded (declared null; sized as Signal's 2000)")) << b.describe();
  EXPECT_TRUE(contains(b.describe(), "max_receiver_chains unbounded (declared null; sized as Signal's 5)"))
      << b.describe();
  // A declared number stays the target's; a bound left out is borrowed, not unbounded.
  auto small = fake<SmallSkip>();
  ASSERT_TRUE(small);
  const Bounds s = bounds_of(*small, nullptr);
  EXPECT_EQ(s.max_skip, 200u);
  EXPECT_TRUE(s.unbounded.empty());
  EXPECT_FALSE(contains(s.describe(), "unbounded"));
}

TEST(Bounds, ASoundTargetDeclaringNullPasses) {
  auto t = fake<NullLimits>();
  ASSERT_TRUE(t);
  // The reference keeps Signal's bounds: declaring none is no false alarm anywhere the
  // bounds size or judge a scenario.
  for (const char* id : {"DOS-1.genuine", "DOS-2.retention", "FS-4.retention", "ORD-1.at-bound"}) {
    CheckOutcome o = run_registered_check(*t, id);
    EXPECT_EQ(o.verdict, Verdict::pass) << id << ": " << explain(o);
    if (std::string(id) != "ORD-1.at-bound") {
      EXPECT_TRUE(contains(explain(o), "unbounded (declared null; sized as Signal's 2000)"))
          << id << ": " << explain(o);
    }
  }
  // DOS-1 and FS-4 still go past Signal's bound, where the reference refuses.
  CheckOutcome dos1 = run_registered_check(*t, "DOS-1.genuine");
  EXPECT_TRUE(contains(explain(dos1),
                       "a genuine message 2001 ahead (past Signal's max_skip 2000; the target declares "
                       "none): refused"))
      << explain(dos1);
  CheckOutcome fs4 = run_registered_check(*t, "FS-4.retention");
  EXPECT_TRUE(contains(explain(fs4), "a jump of max_skip + 1 (2001) was refused")) << explain(fs4);
}

TEST(Bounds, NoBoundDeclaredNullStillFailsWhereSignalsBoundsDo) {
  // The reference without any skip bound, declaring so honestly: retention past Signal's
  // bounds fails, and so does a genuine message past Signal's max_skip.
  auto t = fake<NullLimits>("--mutant unbounded-skip");
  ASSERT_TRUE(t);
  CheckOutcome fs4 = run_registered_check(*t, "FS-4.retention");
  EXPECT_EQ(fs4.verdict, Verdict::fail) << explain(fs4);
  EXPECT_TRUE(contains(explain(fs4), "past Signal's max_skip (the target declares none) was accepted")) << explain(fs4);
  // It declared no max_skipped_keys, so it is not said to exceed one.
  EXPECT_FALSE(contains(explain(fs4), "more than its declared max_skipped_keys")) << explain(fs4);
  CheckOutcome dos2 = run_registered_check(*t, "DOS-2.retention");
  EXPECT_EQ(dos2.verdict, Verdict::fail) << explain(dos2);
  CheckOutcome dos1 = run_registered_check(*t, "DOS-1.genuine");
  EXPECT_EQ(dos1.verdict, Verdict::fail) << explain(dos1);
  EXPECT_TRUE(contains(dos1.summary, "2001 ahead (past Signal's max_skip 2000")) << explain(dos1);
}

}  // namespace
}  // namespace parity::suites
