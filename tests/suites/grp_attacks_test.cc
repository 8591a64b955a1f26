// grp_attacks_test: GRP-7..12 and KAT-3 (groups.md) pass on the reference target process
// and fail a fake of it with the flaw each is about. The flaws are injected on the
// runner's side (forwarding_target.h): GroupFlaw sees every group_encrypt's deliveries,
// so it can read, where the reference refuses, a message a real implementation with that
// flaw would still read.
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "harness/runner/check.h"
#include "harness/runner/group_healing.h"
#include "reference/group/sender_key_message.h"
#include "tests/suites/check_runner.h"
#include "tests/suites/forwarding_target.h"

namespace parity::suites {
namespace {

using harness::CheckOutcome;
using harness::DeliveryKind;
using harness::Op;
using harness::Verdict;
using test::ForwardingTarget;
using test::run_registered_check;
using test::start_reference;

std::string explain(const CheckOutcome& o) {
  std::string s = std::string(harness::to_string(o.verdict)) + ": " + o.summary;
  for (const std::string& line : o.observations) s += "\n  " + line;
  if (!o.counterexample.empty()) s += "\n  counterexample: " + o.counterexample;
  return s;
}

std::string origin(const std::string& party) {
  return party.substr(0, party.find('~'));
}

// Flaw is what GroupFlaw breaks.
enum class Flaw {
  none,
  keeps_read_keys,     // a member (and so its clone) keeps the keys of messages it read
  sender_reads_own,    // a sender keeps the keys of its own messages
  keeps_every_key,     // a member never forgets a key: not at a removal, eviction, or in another group
  accepts_malformed,   // a 1000-byte delivery is taken as a control message
  slow_far_ahead,      // a claim far ahead is refused only after deriving the keys up to it
  wrong_version_byte,  // application envelopes start 0x32 on the wire (read back internally)
  flipped_ciphertext,  // application envelopes carry one flipped protobuf bit
};

class GroupFlaw final : public ForwardingTarget {
 public:
  GroupFlaw(std::unique_ptr<harness::Target> inner, Flaw flaw) : ForwardingTarget(std::move(inner)), flaw_(flaw) {}

  Op<harness::Deliveries> group_encrypt(const std::string& party, const std::string& group, ByteView plaintext,
                                        const harness::GroupInject& inject) override {
    auto r = ForwardingTarget::group_encrypt(party, group, plaintext, inject);
    if (!r.ok()) return r;
    for (harness::Delivery& d : *r) {
      if (d.kind != DeliveryKind::application || d.envelope.size() < 8) continue;
      if (flaw_ == Flaw::wrong_version_byte) d.envelope[0] = 0x32;
      if (flaw_ == Flaw::flipped_ciphertext) d.envelope[d.envelope.size() - 70] ^= 0x01;
      sent_[d.envelope] = Sent{party, Bytes(plaintext.begin(), plaintext.end())};
    }
    return r;
  }

  Op<harness::GroupReceived> group_receive(const std::string& party, const std::string& group, const std::string& from,
                                           ByteView envelope) override {
    Bytes env(envelope.begin(), envelope.end());
    if (flaw_ == Flaw::wrong_version_byte && !env.empty() && env[0] == 0x32) env[0] = 0x33;
    if (flaw_ == Flaw::slow_far_ahead) {
      auto m = group::decode_sender_key_message(env);
      if (m.ok() && m->iteration >= 100000) std::this_thread::sleep_for(std::chrono::milliseconds(2200));
    }
    auto r = ForwardingTarget::group_receive(party, group, from, env);
    if (r.ok() && r->kind == DeliveryKind::application)
      read_[origin(party)].insert(Bytes(envelope.begin(), envelope.end()));
    if (!r.refused()) return r;
    const Bytes key(envelope.begin(), envelope.end());
    auto it = sent_.find(key);
    const harness::GroupReceived leak{DeliveryKind::application, it == sent_.end() ? Bytes{} : it->second.plaintext};
    switch (flaw_) {
      case Flaw::keeps_read_keys:
        if (read_[origin(party)].count(key) != 0) return leak;
        break;
      case Flaw::sender_reads_own:
        if (it != sent_.end() && it->second.sender == origin(party)) return leak;
        break;
      case Flaw::keeps_every_key:
        if (it != sent_.end() && it->second.sender != origin(party)) return leak;
        break;
      case Flaw::accepts_malformed:
        if (envelope.size() == 1000) return harness::GroupReceived{DeliveryKind::control, {}};
        break;
      default:
        break;
    }
    return r;
  }

 private:
  struct Sent {
    std::string sender;
    Bytes plaintext;
  };
  Flaw flaw_;
  std::map<Bytes, Sent> sent_;
  std::map<std::string, std::set<Bytes>> read_;
};

CheckOutcome run(const std::string& id, Flaw flaw) {
  auto inner = start_reference();
  if (!inner) return CheckOutcome::fail("no reference");
  GroupFlaw t(std::move(inner), flaw);
  return run_registered_check(t, id);
}

// passes_and_catches runs `id` on the reference and on the flaw.
void passes_and_catches(const std::string& id, Flaw flaw) {
  CheckOutcome good = run(id, Flaw::none);
  EXPECT_EQ(good.verdict, Verdict::pass) << id << " on the reference: " << explain(good);
  CheckOutcome bad = run(id, flaw);
  EXPECT_EQ(bad.verdict, Verdict::fail) << id << " on the flaw: " << explain(bad);
}

TEST(GroupAttacks, Grp7ReceiverClone) {
  passes_and_catches("GRP-7.receiver-clone", Flaw::keeps_read_keys);
}
TEST(GroupAttacks, Grp7SenderClone) {
  passes_and_catches("GRP-7.sender-clone", Flaw::sender_reads_own);
}
TEST(GroupAttacks, Grp8FarAhead) {
  passes_and_catches("GRP-8.far-ahead", Flaw::slow_far_ahead);
}
TEST(GroupAttacks, Grp8SkippedKeys) {
  passes_and_catches("GRP-8.skipped-keys", Flaw::keeps_every_key);
}
TEST(GroupAttacks, Grp8SenderStates) {
  passes_and_catches("GRP-8.sender-states", Flaw::keeps_every_key);
}
TEST(GroupAttacks, Grp8Malformed) {
  passes_and_catches("GRP-8.malformed", Flaw::accepts_malformed);
}
TEST(GroupAttacks, Grp9MovedDelivery) {
  passes_and_catches("GRP-9.moved-delivery", Flaw::keeps_every_key);
}
TEST(GroupAttacks, Grp9ForgottenKey) {
  passes_and_catches("GRP-9.forgotten-key", Flaw::keeps_every_key);
}
TEST(GroupAttacks, Grp9EvictedState) {
  passes_and_catches("GRP-9.evicted-state", Flaw::keeps_every_key);
}
TEST(GroupAttacks, Grp12CrossImplementation) {
  passes_and_catches("GRP-12.cross-implementation", Flaw::wrong_version_byte);
}
TEST(GroupAttacks, Grp12ByteExact) {
  passes_and_catches("GRP-12.byte-exact", Flaw::flipped_ciphertext);
}

// KAT-3: a sender key step whose IV is taken from the wrong end of HKDF's 48 bytes.
class WrongSenderKeyIv final : public ForwardingTarget {
 public:
  using ForwardingTarget::ForwardingTarget;
  Op<harness::Json> primitive(const std::string& name, const harness::Json& fields) override {
    Op<harness::Json> r = ForwardingTarget::primitive(name, fields);
    if (name != "sender_key_step" || !r.ok()) return r;
    auto iv = ptp::get_hex(*r, "iv");
    auto key = ptp::get_hex(*r, "cipher_key");
    if (!iv.ok() || !key.ok() || key->size() < 16) return r;
    (*r)["iv"] = to_hex(Bytes(key->end() - 16, key->end()));
    return r;
  }
};

TEST(GroupAttacks, Kat3SenderKeyStep) {
  // The vectors come from branch g-libsignal (libsignal-protocol-c's own functions).
  if (!std::ifstream("vectors/signal/sender_keys.json"))
    GTEST_SKIP() << "vectors/signal/sender_keys.json not merged yet";
  CheckOutcome good = run("KAT-3.sender-key-step", Flaw::none);
  EXPECT_EQ(good.verdict, Verdict::pass) << explain(good);
  auto inner = start_reference();
  ASSERT_TRUE(inner);
  WrongSenderKeyIv t(std::move(inner));
  CheckOutcome bad = run_registered_check(t, "KAT-3.sender-key-step");
  EXPECT_EQ(bad.verdict, Verdict::fail) << explain(bad);
}

// GRP-10 and GRP-11 are INFO: they measure. On the reference, every variant shows the
// same figure on both sides; the healing round is 1..10 or "> 10".
TEST(GroupAttacks, Grp10HealingFiguresBesideTheBaseline) {
  for (const char* id :
       {"GRP-10.no-change", "GRP-10.victim-update", "GRP-10.other-removes", "GRP-10.victim-changes-membership"}) {
    CheckOutcome o = run(id, Flaw::none);
    ASSERT_TRUE(o.verdict == Verdict::pass || o.verdict == Verdict::not_applicable) << id << ": " << explain(o);
    if (o.verdict == Verdict::not_applicable) continue;
    ASSERT_EQ(o.figures.size(), 1u) << id;
    EXPECT_EQ(o.figures[0].name, harness::kGroupHealingFigure);
    ASSERT_TRUE(o.figures[0].target && o.figures[0].baseline) << id;
    EXPECT_EQ(*o.figures[0].target, *o.figures[0].baseline) << id << ": " << explain(o);
    EXPECT_GE(*o.figures[0].target, 1) << id;
    EXPECT_LE(*o.figures[0].target, harness::kGroupHealingBeyond) << id;
  }
  // A member that keeps every key it ever held heals later than the baseline, or not at all.
  CheckOutcome o = run("GRP-10.other-removes", Flaw::keeps_every_key);
  ASSERT_EQ(o.verdict, Verdict::pass) << explain(o);
  ASSERT_EQ(o.figures.size(), 1u);
  EXPECT_GE(*o.figures[0].target, *o.figures[0].baseline) << explain(o);
}

TEST(GroupAttacks, Grp11FiguresBesideTheBaseline) {
  for (const char* id : {"GRP-11.roster-fork", "GRP-11.injected-member"}) {
    CheckOutcome o = run(id, Flaw::none);
    ASSERT_EQ(o.verdict, Verdict::pass) << id << ": " << explain(o);
    ASSERT_EQ(o.figures.size(), 1u) << id;
    ASSERT_TRUE(o.figures[0].target && o.figures[0].baseline) << id;
    EXPECT_EQ(*o.figures[0].target, *o.figures[0].baseline) << id;
  }
}

}  // namespace
}  // namespace parity::suites
