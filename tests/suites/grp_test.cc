// grp_test: each GRP check passes on the reference target process and fails a fake that is
// the reference in everything but one flaw a real group implementation could have. The
// flaw lives in the fake (a ForwardingTarget), on the runner's side: the compared code,
// the reference, is untouched.
#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "harness/runner/check.h"
#include "tests/suites/check_runner.h"
#include "tests/suites/forwarding_target.h"

namespace parity::suites {
namespace {

using harness::CheckOutcome;
using harness::Deliveries;
using harness::DeliveryKind;
using harness::GroupReceived;
using harness::Op;
using harness::Verdict;
using test::ForwardingTarget;
using test::run_registered_check;
using test::RunOptions;
using test::start_reference;

std::string explain(const CheckOutcome& o) {
  std::string s = std::string(harness::to_string(o.verdict)) + ": " + o.summary;
  for (const std::string& line : o.observations) s += "\n  " + line;
  if (!o.counterexample.empty()) s += "\n  counterexample:\n" + o.counterexample;
  return s;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

template <class F>
std::unique_ptr<F> fake() {
  auto inner = start_reference();
  if (!inner) return nullptr;
  return std::make_unique<F>(std::move(inner));
}

CheckOutcome on_reference(const std::string& id, const RunOptions& options = {}) {
  auto t = fake<ForwardingTarget>();
  if (!t) return CheckOutcome::fail("no reference");
  return run_registered_check(*t, id, options);
}

// figure returns the named figure's (target, baseline) values.
std::pair<double, double> figure(const CheckOutcome& o, const std::string& name) {
  for (const harness::Figure& f : o.figures)
    if (f.name == name) return {f.target.value_or(-1), f.baseline.value_or(-1)};
  return {-1, -1};
}

// ---- Fakes ----------------------------------------------------------------------------

// KeepsReadMessages remembers every application plaintext a party read and answers a
// refused envelope it read before with that plaintext again: replays are read twice.
class KeepsReadMessages final : public ForwardingTarget {
 public:
  using ForwardingTarget::ForwardingTarget;
  Op<GroupReceived> group_receive(const std::string& party, const std::string& group, const std::string& from,
                                  ByteView envelope) override {
    Op<GroupReceived> r = ForwardingTarget::group_receive(party, group, from, envelope);
    const auto key = std::make_tuple(party, group, Bytes(envelope.begin(), envelope.end()));
    if (r.ok() && r->kind == DeliveryKind::application) read_[key] = r->plaintext;
    if (!r.refused()) return r;
    auto it = read_.find(key);
    if (it == read_.end()) return r;
    return GroupReceived{DeliveryKind::application, it->second};
  }
  Op<harness::Unit> reset(std::optional<Key32> seed) override {
    read_.clear();
    return ForwardingTarget::reset(seed);
  }

 private:
  std::map<std::tuple<std::string, std::string, Bytes>, Bytes> read_;
};

// SharesPlaintexts keeps the plaintext of every application envelope any party read and
// answers any party's refusal of that envelope with it: a removed member, or a new one,
// reads what the group reads (a server-side cache keyed by ciphertext).
class SharesPlaintexts final : public ForwardingTarget {
 public:
  using ForwardingTarget::ForwardingTarget;
  Op<GroupReceived> group_receive(const std::string& party, const std::string& group, const std::string& from,
                                  ByteView envelope) override {
    Op<GroupReceived> r = ForwardingTarget::group_receive(party, group, from, envelope);
    const Bytes env(envelope.begin(), envelope.end());
    if (r.ok() && r->kind == DeliveryKind::application) {
      read_by_[env].insert(party);
      plaintext_[env] = r->plaintext;
    }
    if (!r.refused()) return r;
    auto it = plaintext_.find(env);
    if (it == plaintext_.end() || read_by_[env].count(party) != 0) return r;  // no replays: GRP-4's fake
    read_by_[env].insert(party);
    return GroupReceived{DeliveryKind::application, it->second};
  }
  Op<harness::Unit> reset(std::optional<Key32> seed) override {
    plaintext_.clear();
    read_by_.clear();
    return ForwardingTarget::reset(seed);
  }

 private:
  std::map<Bytes, Bytes> plaintext_;
  std::map<Bytes, std::set<std::string>> read_by_;
};

// LenientReceiver answers every refused delivery as an accepted control delivery: a
// reader that ignores what it cannot decode instead of refusing it.
class LenientReceiver final : public ForwardingTarget {
 public:
  using ForwardingTarget::ForwardingTarget;
  Op<GroupReceived> group_receive(const std::string& party, const std::string& group, const std::string& from,
                                  ByteView envelope) override {
    Op<GroupReceived> r = ForwardingTarget::group_receive(party, group, from, envelope);
    if (!r.refused()) return r;
    return GroupReceived{DeliveryKind::control, {}};
  }
};

// AnySenderKey tries a refused application envelope as from every other party it knows:
// a target that finds a sender key by its id alone, whoever the delivery is from.
class AnySenderKey final : public ForwardingTarget {
 public:
  using ForwardingTarget::ForwardingTarget;
  Op<Bytes> create(const std::string& party, const harness::Inject& inject) override {
    parties_.insert(party);
    return ForwardingTarget::create(party, inject);
  }
  Op<GroupReceived> group_receive(const std::string& party, const std::string& group, const std::string& from,
                                  ByteView envelope) override {
    Op<GroupReceived> r = ForwardingTarget::group_receive(party, group, from, envelope);
    if (!r.refused()) return r;
    for (const std::string& other : parties_) {
      if (other == from || other == party) continue;
      Op<GroupReceived> again = ForwardingTarget::group_receive(party, group, other, envelope);
      if (again.ok() && again->kind == DeliveryKind::application) return again;
    }
    return r;
  }
  Op<harness::Unit> reset(std::optional<Key32> seed) override {
    parties_.clear();
    return ForwardingTarget::reset(seed);
  }

 private:
  std::set<std::string> parties_;
};

// ForgetsNewMembers never gives its key to a member added after the group was made: the
// control deliveries a send makes for such members are left out.
class ForgetsNewMembers final : public ForwardingTarget {
 public:
  using ForwardingTarget::ForwardingTarget;
  Op<Deliveries> group_add(const std::string& party, const std::string& group, const std::string& member,
                           std::optional<ByteView> bundle) override {
    added_.insert(member);
    return ForwardingTarget::group_add(party, group, member, bundle);
  }
  Op<Deliveries> group_encrypt(const std::string& party, const std::string& group, ByteView plaintext,
                               const harness::GroupInject& inject) override {
    Op<Deliveries> r = ForwardingTarget::group_encrypt(party, group, plaintext, inject);
    if (!r.ok()) return r;
    Deliveries kept;
    for (harness::Delivery& d : *r)
      if (d.kind != DeliveryKind::control || added_.count(d.to) == 0) kept.push_back(std::move(d));
    return kept;
  }
  Op<harness::Unit> reset(std::optional<Key32> seed) override {
    added_.clear();
    return ForwardingTarget::reset(seed);
  }

 private:
  std::set<std::string> added_;
};

// ---- Tests ----------------------------------------------------------------------------

TEST(Grp, DeliveryPassesOnReferenceAndFailsAForgottenNewMember) {
  CheckOutcome good = on_reference("GRP-1.order");
  EXPECT_EQ(good.verdict, Verdict::pass) << explain(good);
  auto t = fake<ForgetsNewMembers>();
  ASSERT_TRUE(t);
  CheckOutcome bad = run_registered_check(*t, "GRP-1.order");
  EXPECT_EQ(bad.verdict, Verdict::fail) << explain(bad);
  EXPECT_TRUE(contains(bad.summary, "dave did not read")) << explain(bad);
  const auto [mine, base] = figure(bad, "readings");
  EXPECT_LT(mine, base) << explain(bad);
}

TEST(Grp, DeliveryPropertyPassesOnReferenceAndShrinksADuplicateRead) {
  RunOptions few;
  few.cases = 8;
  CheckOutcome good = on_reference("GRP-1.property", few);
  EXPECT_EQ(good.verdict, Verdict::pass) << explain(good);
  auto t = fake<KeepsReadMessages>();
  ASSERT_TRUE(t);
  RunOptions more;
  more.cases = 30;
  CheckOutcome bad = run_registered_check(*t, "GRP-1.property", more);
  EXPECT_EQ(bad.verdict, Verdict::fail) << explain(bad);
  EXPECT_TRUE(contains(bad.summary, "was read a second time")) << explain(bad);
  EXPECT_TRUE(contains(bad.counterexample, "given again to")) << explain(bad);
}

TEST(Grp, IntegrityPassesOnReferenceAndFailsALenientReceiver) {
  CheckOutcome good = on_reference("GRP-2.tamper");
  EXPECT_EQ(good.verdict, Verdict::pass) << explain(good);
  EXPECT_GT(figure(good, "modifications tried").first, 100) << explain(good);
  auto t = fake<LenientReceiver>();
  ASSERT_TRUE(t);
  CheckOutcome bad = run_registered_check(*t, "GRP-2.tamper");
  EXPECT_EQ(bad.verdict, Verdict::fail) << explain(bad);
  EXPECT_TRUE(contains(bad.summary, "accepted as a control delivery")) << explain(bad);
  EXPECT_EQ(figure(bad, "modifications accepted").second, 0) << explain(bad);
}

TEST(Grp, SenderAuthenticationPassesOnReferenceAndFailsAnyKeyById) {
  for (const char* id : {"GRP-3.relabel", "GRP-3.forged"}) {
    CheckOutcome good = on_reference(id);
    EXPECT_EQ(good.verdict, Verdict::pass) << id << ": " << explain(good);
    auto t = fake<AnySenderKey>();
    ASSERT_TRUE(t);
    CheckOutcome bad = run_registered_check(*t, id);
    EXPECT_EQ(bad.verdict, Verdict::fail) << id << ": " << explain(bad);
    EXPECT_TRUE(contains(bad.summary, "as from carol")) << id << ": " << explain(bad);
  }
}

TEST(Grp, ForgedIsNotApplicableWithoutFormatsOrForge) {
  auto t = fake<ForwardingTarget>();
  ASSERT_TRUE(t);
  auto& caps = t->mutable_hello().capabilities;
  caps.erase(std::remove(caps.begin(), caps.end(), "group_forge"), caps.end());
  RunOptions equivalent;
  equivalent.profile = harness::Profile::equivalent;
  CheckOutcome o = run_registered_check(*t, "GRP-3.forged", equivalent);
  EXPECT_EQ(o.verdict, Verdict::not_applicable) << explain(o);
  EXPECT_EQ(o.untested_area, "group_forge");
}

TEST(Grp, ReplayPassesOnReferenceAndFailsKeptPlaintexts) {
  CheckOutcome good = on_reference("GRP-4.replay");
  EXPECT_EQ(good.verdict, Verdict::pass) << explain(good);
  auto t = fake<KeepsReadMessages>();
  ASSERT_TRUE(t);
  CheckOutcome bad = run_registered_check(*t, "GRP-4.replay");
  EXPECT_EQ(bad.verdict, Verdict::fail) << explain(bad);
  EXPECT_TRUE(contains(bad.summary, "was read a second time")) << explain(bad);
}

TEST(Grp, RemovalAndJoiningPassOnReferenceAndFailSharedPlaintexts) {
  for (const char* id : {"GRP-5.removed", "GRP-6.joined"}) {
    CheckOutcome good = on_reference(id);
    EXPECT_EQ(good.verdict, Verdict::pass) << id << ": " << explain(good);
    auto t = fake<SharesPlaintexts>();
    ASSERT_TRUE(t);
    CheckOutcome bad = run_registered_check(*t, id);
    EXPECT_EQ(bad.verdict, Verdict::fail) << id << ": " << explain(bad);
    EXPECT_TRUE(contains(bad.summary, id == std::string("GRP-5.removed") ? "after carol's removal" : "before his join"))
        << id << ": " << explain(bad);
  }
}

}  // namespace
}  // namespace parity::suites
