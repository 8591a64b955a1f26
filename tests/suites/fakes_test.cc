// fakes_test: for each check group, one check passes against the reference target process
// and fails against a fake that is the reference in everything but one flaw a real
// implementation could have: the flaw the check is about. Each fake is a
// ForwardingTarget (forwarding_target.h) that overrides one behaviour; every check runs
// through run_registered_check (check_runner.h), as `parity run` runs it.
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "harness/runner/check.h"
#include "reference/wire/bundle.h"
#include "tests/suites/check_runner.h"
#include "tests/suites/forwarding_target.h"

namespace parity::suites {
namespace {

using harness::CheckOutcome;
using harness::Json;
using harness::Op;
using harness::Verdict;
using test::ForwardingTarget;
using test::run_registered_check;
using test::RunOptions;
using test::start_reference;

// contains tells whether `text` holds `part`, for assertions that print both.
bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// explain shows an outcome in a failed assertion.
std::string explain(const CheckOutcome& o) {
  std::string s = std::string(harness::to_string(o.verdict)) + ": " + o.summary;
  for (const std::string& line : o.observations) s += "\n  " + line;
  if (!o.counterexample.empty()) s += "\n  counterexample: " + o.counterexample;
  return s;
}

// fake starts the reference process inside a fake of type F.
template <class F>
std::unique_ptr<F> fake() {
  auto inner = start_reference();
  if (!inner) return nullptr;
  return std::make_unique<F>(std::move(inner));
}

// on_reference runs `id` against the reference process behind a plain forwarder.
CheckOutcome on_reference(const std::string& id, const RunOptions& options = {}) {
  auto t = fake<ForwardingTarget>();
  if (!t) return CheckOutcome::fail("no reference");
  return run_registered_check(*t, id, options);
}

// ---- KAT: a primitive that answers a wrong X25519 result ----------------------------------

class WrongX25519 final : public ForwardingTarget {
 public:
  using ForwardingTarget::ForwardingTarget;
  Op<Json> primitive(const std::string& name, const Json& fields) override {
    Op<Json> r = ForwardingTarget::primitive(name, fields);
    if (name != "x25519" || !r.ok()) return r;
    auto shared = ptp::get_hex(*r, "shared");
    if (!shared.ok() || shared->empty()) return r;
    (*shared)[31] ^= 0x01;  // the lowest bit of the last byte: a carry lost in the field arithmetic
    (*r)["shared"] = to_hex(*shared);
    return r;
  }
};

TEST(Fakes, KatPassesOnReferenceAndFailsAWrongX25519) {
  CheckOutcome good = on_reference("KAT-1.x25519");
  EXPECT_EQ(good.verdict, Verdict::pass) << explain(good);
  EXPECT_TRUE(contains(good.summary, "x25519 vectors of vectors/primitives/x25519.json behave as published"))
      << good.summary;

  auto t = fake<WrongX25519>();
  ASSERT_TRUE(t);
  CheckOutcome bad = run_registered_check(*t, "KAT-1.x25519");
  EXPECT_EQ(bad.verdict, Verdict::fail) << explain(bad);
  EXPECT_TRUE(contains(bad.summary, "x25519 vectors do not behave as published")) << bad.summary;
  ASSERT_FALSE(bad.observations.empty());
  EXPECT_TRUE(contains(bad.observations[0], "x25519.json tcId")) << bad.observations[0];
}

// ---- KAT-1: the domain Signal v3 uses its primitives in ------------------------------------

// RefusesZeroSharedSecret refuses an X25519 whose result is all zero, as RFC 7748 section
// 6.1 permits: every vector it refuses is `acceptable`, so KAT-1.x25519 passes.
class RefusesZeroSharedSecret final : public ForwardingTarget {
 public:
  using ForwardingTarget::ForwardingTarget;
  int refused = 0;
  Op<Json> primitive(const std::string& name, const Json& fields) override {
    Op<Json> r = ForwardingTarget::primitive(name, fields);
    if (name != "x25519" || !r.ok()) return r;
    auto shared = ptp::get_hex(*r, "shared");
    if (!shared.ok() || !std::all_of(shared->begin(), shared->end(), [](uint8_t b) { return b == 0; })) return r;
    ++refused;
    return harness::Refusal{ptp::ErrorCode::bad_request, "all-zero shared secret"};
  }
};

// SignalOnly is a library with only what Signal v3 sessions call (no `media`): HKDF with a
// 32-byte salt and at most 80 bytes out, no SHA-256 or SHA-512 alone, no AES-GCM. With
// `also_refuse_64` it lacks HKDF's 64-byte output too, which Signal's root step needs.
class SignalOnly final : public ForwardingTarget {
 public:
  SignalOnly(std::unique_ptr<harness::Target> inner, bool also_refuse_64)
      : ForwardingTarget(std::move(inner)), also_refuse_64_(also_refuse_64) {
    auto& caps = mutable_hello().capabilities;
    caps.erase(std::remove(caps.begin(), caps.end(), "media"), caps.end());
  }
  Op<Json> primitive(const std::string& name, const Json& fields) override {
    const auto no = harness::Refusal{ptp::ErrorCode::unsupported, "not used by Signal v3"};
    if (name == "sha256" || name == "sha512" || name.starts_with("aes256_gcm")) return no;
    if (name == "hkdf_sha256") {
      auto salt = ptp::get_hex(fields, "salt");
      const int64_t length = fields.at("length").get<int64_t>();
      if (!salt.ok() || salt->size() != 32 || length > 80 || (also_refuse_64_ && length == 64)) return no;
    }
    return ForwardingTarget::primitive(name, fields);
  }

 private:
  bool also_refuse_64_;
};

TEST(Fakes, KatAcceptsARefusedAllZeroSharedSecret) {
  auto t = fake<RefusesZeroSharedSecret>();
  ASSERT_TRUE(t);
  CheckOutcome o = run_registered_check(*t, "KAT-1.x25519");
  EXPECT_GT(t->refused, 0) << "no vector gave an all-zero result";
  EXPECT_EQ(o.verdict, Verdict::pass) << explain(o);
}

TEST(Fakes, KatJudgesSignalsDomainAsAMustAndListsUnsupportedOutsideIt) {
  auto t = std::make_unique<SignalOnly>(start_reference(), false);
  // In the domain: every vector answered, so the MUST checks pass.
  CheckOutcome hkdf = run_registered_check(*t, "KAT-1.hkdf-sha256");
  EXPECT_EQ(hkdf.verdict, Verdict::pass) << explain(hkdf);
  EXPECT_TRUE(contains(hkdf.summary, "6 hkdf_sha256 vectors")) << hkdf.summary;
  // Outside it, `unsupported` is not-applicable, and listed.
  for (const char* id : {"KAT-1.hkdf-sha256-edge", "KAT-1.sha256-edge", "KAT-1.sha512", "KAT-1.aes256-gcm"}) {
    CheckOutcome o = run_registered_check(*t, id);
    EXPECT_EQ(o.verdict, Verdict::not_applicable) << id << ": " << explain(o);
    EXPECT_FALSE(o.observations.empty()) << id;
  }
  // SHA-256 alone is in the domain of attachments only: without `media`, no vector is.
  CheckOutcome sha = run_registered_check(*t, "KAT-1.sha256");
  EXPECT_EQ(sha.verdict, Verdict::not_applicable) << explain(sha);

  // `unsupported` inside the domain (HKDF's 64-byte output of the root step) fails the MUST.
  auto lacks = std::make_unique<SignalOnly>(start_reference(), true);
  CheckOutcome bad = run_registered_check(*lacks, "KAT-1.hkdf-sha256");
  EXPECT_EQ(bad.verdict, Verdict::fail) << explain(bad);
  EXPECT_TRUE(contains(bad.counterexample, "refused as unsupported")) << bad.counterexample;
}

// ---- SIG: bundles whose prekey signature does not verify ----------------------------------

class BadPrekeySignature final : public ForwardingTarget {
 public:
  using ForwardingTarget::ForwardingTarget;
  Op<harness::BundleResult> bundle(const std::string& party, const harness::Inject& inject) override {
    Op<harness::BundleResult> r = ForwardingTarget::bundle(party, inject);
    if (!r.ok()) return r;
    auto b = wire::decode_bundle(r->bundle);
    if (!b.ok()) return r;
    b->signed_prekey_signature[5] ^= 0x10;  // signed over other bytes than it publishes
    r->bundle = b->serialize();
    return r;
  }
};

TEST(Fakes, SigPassesOnReferenceAndFailsABadPrekeySignature) {
  CheckOutcome good = on_reference("SIG-2.bundle");
  EXPECT_EQ(good.verdict, Verdict::pass) << explain(good);
  EXPECT_TRUE(contains(good.summary, "valid XEdDSA prekey signature")) << good.summary;

  auto t = fake<BadPrekeySignature>();
  ASSERT_TRUE(t);
  CheckOutcome bad = run_registered_check(*t, "SIG-2.bundle");
  EXPECT_EQ(bad.verdict, Verdict::fail) << explain(bad);
  EXPECT_EQ(bad.summary, "the signed prekey's signature does not verify under the identity key") << explain(bad);
}

// ---- AKE: initiate that does not verify the bundle ----------------------------------------

class UncheckedBundles final : public ForwardingTarget {
 public:
  using ForwardingTarget::ForwardingTarget;
  Op<harness::Unit> initiate(const std::string& party, const std::string& peer, ByteView bundle_bytes,
                             const harness::Inject& inject) override {
    Op<harness::Unit> r = ForwardingTarget::initiate(party, peer, bundle_bytes, inject);
    if (r.refused()) return harness::Unit{};  // the signature is never checked
    return r;
  }
};

TEST(Fakes, AkePassesOnReferenceAndFailsUncheckedBundles) {
  CheckOutcome good = on_reference("AKE-2.tampered-bundle");
  EXPECT_EQ(good.verdict, Verdict::pass) << explain(good);
  EXPECT_TRUE(contains(good.summary, "initiate refused all")) << good.summary;

  auto t = fake<UncheckedBundles>();
  ASSERT_TRUE(t);
  CheckOutcome bad = run_registered_check(*t, "AKE-2.tampered-bundle");
  EXPECT_EQ(bad.verdict, Verdict::fail) << explain(bad);
  EXPECT_TRUE(contains(bad.summary, "initiate accepted")) << bad.summary;
  EXPECT_TRUE(contains(bad.counterexample, "alice's initiate from it is accepted")) << bad.counterexample;
}

// ---- AKE-7: a late message of a replaced session loses the current one ------------------

// pair_key names the two parties of a session, in either order.
std::pair<std::string, std::string> pair_key(const std::string& a, const std::string& b) {
  return a < b ? std::pair{a, b} : std::pair{b, a};
}

// LosesCurrentSession is the flaw of a JS Signal library: reading a late message of a
// session that a newer one replaced makes the old session current and loses the newer
// one, so the receiver refuses every later message from that peer. The fake numbers the
// sessions of each pair by their initiates and remembers the session each ciphertext was
// sent in.
class LosesCurrentSession final : public ForwardingTarget {
 public:
  using ForwardingTarget::ForwardingTarget;
  Op<harness::Unit> initiate(const std::string& party, const std::string& peer, ByteView bundle_bytes,
                             const harness::Inject& inject) override {
    Op<harness::Unit> r = ForwardingTarget::initiate(party, peer, bundle_bytes, inject);
    if (r.ok()) ++session_[pair_key(party, peer)];
    return r;
  }
  Op<harness::CiphertextResult> encrypt(const std::string& party, const std::string& peer, ByteView plaintext,
                                        const harness::Inject& inject) override {
    Op<harness::CiphertextResult> r = ForwardingTarget::encrypt(party, peer, plaintext, inject);
    if (r.ok()) sent_in_[r->ciphertext] = session_[pair_key(party, peer)];
    return r;
  }
  Op<Bytes> decrypt(const std::string& party, const std::string& peer, ByteView ciphertext, harness::MessageKind kind,
                    const harness::Inject& inject) override {
    if (lost_.contains({party, peer})) return harness::Refusal{ptp::ErrorCode::no_session, "the session was lost"};
    Op<Bytes> r = ForwardingTarget::decrypt(party, peer, ciphertext, kind, inject);
    auto it = sent_in_.find(Bytes(ciphertext.begin(), ciphertext.end()));
    if (r.ok() && it != sent_in_.end() && it->second < session_[pair_key(party, peer)]) lost_.insert({party, peer});
    return r;
  }
  Op<harness::Unit> reset(std::optional<Key32> seed) override {
    session_.clear();
    sent_in_.clear();
    lost_.clear();
    return ForwardingTarget::reset(seed);
  }

 private:
  std::map<std::pair<std::string, std::string>, int> session_;  // pair -> sessions started
  std::map<Bytes, int> sent_in_;                                // ciphertext -> its session
  std::set<std::pair<std::string, std::string>> lost_;          // (party, peer) without a session
};

TEST(Fakes, AkeSevenPassesOnReferenceAndFailsALostCurrentSession) {
  CheckOutcome good = on_reference("AKE-7.replaced-session");
  EXPECT_EQ(good.verdict, Verdict::pass) << explain(good);
  EXPECT_TRUE(contains(good.summary, "16/16 late S1 messages were read")) << good.summary;
  ASSERT_EQ(good.figures.size(), 3u);
  EXPECT_EQ(good.figures[0].name, "late messages read");
  EXPECT_EQ(good.figures[0].target.value_or(-1), 16);
  EXPECT_EQ(good.figures[1].target.value_or(-1), 0) << "replays the reference read";
  EXPECT_GT(good.figures[2].target.value_or(0), 0) << "current messages read after the late ones";

  auto t = fake<LosesCurrentSession>();
  ASSERT_TRUE(t);
  CheckOutcome bad = run_registered_check(*t, "AKE-7.replaced-session");
  EXPECT_EQ(bad.verdict, Verdict::fail) << explain(bad);
  EXPECT_TRUE(contains(bad.summary, "the current session broke")) << bad.summary;
  EXPECT_TRUE(contains(bad.summary, "bob refused alice's message")) << bad.summary;
  EXPECT_TRUE(contains(bad.counterexample, "held-back S1 messages, late: reads")) << bad.counterexample;
  ASSERT_FALSE(bad.figures.empty());
  // bob reads the first late message; it loses his current session, so he refuses the rest.
  EXPECT_EQ(bad.figures[0].target.value_or(-1), 1) << "the late messages bob read";
}

// NoSecondSession refuses a party's second initiate with the same peer as unsupported.
class NoSecondSession final : public ForwardingTarget {
 public:
  using ForwardingTarget::ForwardingTarget;
  Op<harness::Unit> initiate(const std::string& party, const std::string& peer, ByteView bundle_bytes,
                             const harness::Inject& inject) override {
    if (!started_.insert({party, peer}).second)
      return harness::Refusal{ptp::ErrorCode::unsupported, "one session per peer"};
    return ForwardingTarget::initiate(party, peer, bundle_bytes, inject);
  }
  Op<harness::Unit> reset(std::optional<Key32> seed) override {
    started_.clear();
    return ForwardingTarget::reset(seed);
  }

 private:
  std::set<std::pair<std::string, std::string>> started_;
};

TEST(Fakes, AkeSevenIsNotApplicableWithoutASecondSession) {
  auto t = fake<NoSecondSession>();
  ASSERT_TRUE(t);
  CheckOutcome o = run_registered_check(*t, "AKE-7.replaced-session");
  EXPECT_EQ(o.verdict, Verdict::not_applicable) << explain(o);
  EXPECT_TRUE(contains(o.summary, "cannot make a second session")) << o.summary;
  EXPECT_TRUE(contains(o.summary, "unsupported: one session per peer")) << o.summary;
}

// ---- MSG: decrypt that answers a modified message with an earlier plaintext --------------

class AcceptsModified final : public ForwardingTarget {
 public:
  using ForwardingTarget::ForwardingTarget;
  Op<Bytes> decrypt(const std::string& party, const std::string& peer, ByteView ciphertext, harness::MessageKind kind,
                    const harness::Inject& inject) override {
    Op<Bytes> r = ForwardingTarget::decrypt(party, peer, ciphertext, kind, inject);
    if (r.ok()) last_ = *r;
    // No MAC check: a modified message "decrypts", here to the last plaintext read.
    if (r.refused() && last_) return *last_;
    return r;
  }

 private:
  std::optional<Bytes> last_;
};

TEST(Fakes, MsgPassesOnReferenceAndFailsAcceptedModifications) {
  CheckOutcome good = on_reference("MSG-3.modifications");
  EXPECT_EQ(good.verdict, Verdict::pass) << explain(good);
  EXPECT_TRUE(contains(good.summary, "were refused")) << good.summary;

  auto t = fake<AcceptsModified>();
  ASSERT_TRUE(t);
  CheckOutcome bad = run_registered_check(*t, "MSG-3.modifications");
  EXPECT_EQ(bad.verdict, Verdict::fail) << explain(bad);
  EXPECT_TRUE(contains(bad.summary, "a modified message was accepted and decrypted to other bytes")) << explain(bad);
}

// ---- FS and ORD: message keys kept after use -----------------------------------------------

// KeepsUsedKeys never deletes a message key: a ciphertext a party decrypted once
// decrypts again, at that party and at every clone of it imported from a later export.
class KeepsUsedKeys final : public ForwardingTarget {
 public:
  using ForwardingTarget::ForwardingTarget;
  using Kept = std::map<Bytes, Bytes>;  // ciphertext -> plaintext

  Op<Bytes> decrypt(const std::string& party, const std::string& peer, ByteView ciphertext, harness::MessageKind kind,
                    const harness::Inject& inject) override {
    Op<Bytes> r = ForwardingTarget::decrypt(party, peer, ciphertext, kind, inject);
    Kept& kept = kept_[party];
    const Bytes key(ciphertext.begin(), ciphertext.end());
    if (r.ok()) kept[key] = *r;
    if (r.refused()) {
      if (auto it = kept.find(key); it != kept.end()) return it->second;
    }
    return r;
  }
  Op<Bytes> export_state(const std::string& party) override {
    Op<Bytes> r = ForwardingTarget::export_state(party);
    if (r.ok()) exported_[*r] = kept_[party];  // the kept keys travel in the state
    return r;
  }
  Op<harness::Unit> import_state(const std::string& party, ByteView state) override {
    Op<harness::Unit> r = ForwardingTarget::import_state(party, state);
    if (auto it = exported_.find(Bytes(state.begin(), state.end())); r.ok() && it != exported_.end()) {
      kept_[party] = it->second;
    }
    return r;
  }
  Op<harness::Unit> reset(std::optional<Key32> seed) override {
    kept_.clear();
    exported_.clear();
    return ForwardingTarget::reset(seed);
  }

 private:
  std::map<std::string, Kept> kept_;
  std::map<Bytes, Kept> exported_;
};

TEST(Fakes, FsPassesOnReferenceAndFailsKeptMessageKeys) {
  CheckOutcome good = on_reference("FS-1.delivered");
  EXPECT_EQ(good.verdict, Verdict::pass) << explain(good);
  EXPECT_TRUE(contains(good.summary, "no clone made after delivery reads any")) << good.summary;

  auto t = fake<KeepsUsedKeys>();
  ASSERT_TRUE(t);
  CheckOutcome bad = run_registered_check(*t, "FS-1.delivered");
  EXPECT_EQ(bad.verdict, Verdict::fail) << explain(bad);
  EXPECT_TRUE(contains(bad.summary, "a clone made after delivery reads")) << bad.summary;
  ASSERT_FALSE(bad.figures.empty());
  EXPECT_GT(bad.figures[0].target.value_or(0), 0) << "messages the target's clones read";
  EXPECT_EQ(bad.figures[0].baseline.value_or(-1), 0) << "messages the baseline's clones read";
}

TEST(Fakes, OrdPassesOnReferenceAndFailsAcceptedReplays) {
  CheckOutcome good = on_reference("ORD-3.replay");
  EXPECT_EQ(good.verdict, Verdict::pass) << explain(good);
  EXPECT_TRUE(contains(good.summary, "were refused")) << good.summary;

  auto t = fake<KeepsUsedKeys>();
  ASSERT_TRUE(t);
  CheckOutcome bad = run_registered_check(*t, "ORD-3.replay");
  EXPECT_EQ(bad.verdict, Verdict::fail) << explain(bad);
  EXPECT_TRUE(contains(bad.summary, "replayed ciphertexts decrypted a second time")) << explain(bad);
  ASSERT_GE(bad.figures.size(), 2u);
  EXPECT_GT(bad.figures[1].target.value_or(0), 0) << "replays the target decrypted";
  EXPECT_EQ(bad.figures[1].baseline.value_or(-1), 0) << "replays the baseline decrypted";
}

// ---- PCS: a clone that never heals ---------------------------------------------------------

// ClonesNeverHeal is a target whose fresh ratchet keys a copy of its state can predict
// (say, drawn from a generator kept in the state): a clone decrypts whatever its
// original could decrypt now. It decrypts a message the clone's own state refuses with
// a copy of the original's current state.
class ClonesNeverHeal final : public ForwardingTarget {
 public:
  using ForwardingTarget::ForwardingTarget;
  Op<Bytes> decrypt(const std::string& party, const std::string& peer, ByteView ciphertext, harness::MessageKind kind,
                    const harness::Inject& inject) override {
    Op<Bytes> r = ForwardingTarget::decrypt(party, peer, ciphertext, kind, inject);
    auto origin = clone_of_.find(party);
    if (!r.refused() || origin == clone_of_.end()) return r;
    Op<Bytes> now = ForwardingTarget::export_state(origin->second);
    if (!now.ok()) return r;
    const std::string copy = party + "~predicted" + std::to_string(++copies_);  // import needs a new name
    if (!ForwardingTarget::import_state(copy, *now).ok()) return r;
    Op<Bytes> predicted = ForwardingTarget::decrypt(copy, peer, ciphertext, kind, inject);
    return predicted.ok() ? predicted : r;
  }
  Op<Bytes> export_state(const std::string& party) override {
    Op<Bytes> r = ForwardingTarget::export_state(party);
    if (r.ok()) exported_by_[*r] = party;
    return r;
  }
  Op<harness::Unit> import_state(const std::string& party, ByteView state) override {
    Op<harness::Unit> r = ForwardingTarget::import_state(party, state);
    if (auto it = exported_by_.find(Bytes(state.begin(), state.end())); r.ok() && it != exported_by_.end()) {
      clone_of_[party] = it->second;
    }
    return r;
  }
  Op<harness::Unit> reset(std::optional<Key32> seed) override {
    clone_of_.clear();
    exported_by_.clear();
    return ForwardingTarget::reset(seed);
  }

 private:
  std::map<std::string, std::string> clone_of_;  // clone -> the party whose export it imported
  std::map<Bytes, std::string> exported_by_;
  int copies_ = 0;
};

TEST(Fakes, PcsPassesOnReferenceAndFailsAClonesThatNeverHeal) {
  CheckOutcome good = on_reference("PCS-1.healing");
  EXPECT_EQ(good.verdict, Verdict::pass) << explain(good);
  EXPECT_TRUE(contains(good.summary, "the target heals no later than Signal")) << good.summary;

  auto t = fake<ClonesNeverHeal>();
  ASSERT_TRUE(t);
  CheckOutcome bad = run_registered_check(*t, "PCS-1.healing");
  EXPECT_EQ(bad.verdict, Verdict::fail) << explain(bad);
  EXPECT_TRUE(contains(bad.summary, "the target heals later than Signal")) << bad.summary;
  ASSERT_FALSE(bad.figures.empty());
  EXPECT_FALSE(bad.figures[0].target.has_value()) << "the target's clone is never locked out\n" << explain(bad);
  EXPECT_TRUE(bad.figures[0].baseline.has_value());
}

// ---- DOS: a declared max_skip that is not enforced -----------------------------------------

class UnenforcedMaxSkip final : public ForwardingTarget {
 public:
  explicit UnenforcedMaxSkip(std::unique_ptr<harness::Target> inner) : ForwardingTarget(std::move(inner)) {
    mutable_hello().limits["max_skip"] = 16;  // declared; the reference behind it walks 2000
  }
};

TEST(Fakes, DosPassesOnReferenceAndFailsAnUnenforcedMaxSkip) {
  CheckOutcome good = on_reference("DOS-1.genuine");
  EXPECT_EQ(good.verdict, Verdict::pass) << explain(good);
  EXPECT_TRUE(contains(good.summary, "every claim was refused")) << good.summary;

  auto t = fake<UnenforcedMaxSkip>();
  ASSERT_TRUE(t);
  CheckOutcome bad = run_registered_check(*t, "DOS-1.genuine");
  EXPECT_EQ(bad.verdict, Verdict::fail) << explain(bad);
  EXPECT_TRUE(contains(bad.summary, "was accepted: the target walks its chain as far as a message claims"))
      << bad.summary;
}

// ---- KEY: bundles that repeat their keys -----------------------------------------------------

// RepeatedBundle serves the first bundle it gave again and again: prekeys from a
// generator that does not advance.
class RepeatedBundle final : public ForwardingTarget {
 public:
  using ForwardingTarget::ForwardingTarget;
  Op<harness::BundleResult> bundle(const std::string& party, const harness::Inject& inject) override {
    Op<harness::BundleResult> r = ForwardingTarget::bundle(party, inject);
    if (!r.ok()) return r;
    if (!first_) first_ = *r;
    return *first_;
  }

 private:
  std::optional<harness::BundleResult> first_;
};

TEST(Fakes, KeyPassesOnReferenceAndFailsRepeatedBundleKeys) {
  const RunOptions few{.cases = 4};
  CheckOutcome good = on_reference("KEY-1.fresh", few);
  EXPECT_EQ(good.verdict, Verdict::pass) << explain(good);
  EXPECT_TRUE(contains(good.summary, "no public key repeated")) << good.summary;

  auto t = fake<RepeatedBundle>();
  ASSERT_TRUE(t);
  CheckOutcome bad = run_registered_check(*t, "KEY-1.fresh", few);
  EXPECT_EQ(bad.verdict, Verdict::fail) << explain(bad);
  EXPECT_TRUE(contains(bad.summary, "a public key repeated after 2 sessions")) << bad.summary;
  EXPECT_TRUE(contains(bad.counterexample, "a whole bundle")) << bad.counterexample;
}

// ---- KEY-2 under equivalent: small-order keys planted through the bundle's layout ---------

// AcceptsPlantedKeys accepts every bundle (it initiates from the genuine one it gave out)
// and records which bytes the suite changed, and whether they lay in the layout's ranges.
class AcceptsPlantedKeys final : public ForwardingTarget {
 public:
  using ForwardingTarget::ForwardingTarget;
  int planted = 0;
  int outside = 0;  // changed bytes outside every key and signature range of the layout
  Op<harness::BundleResult> bundle(const std::string& party, const harness::Inject& inject) override {
    Op<harness::BundleResult> r = ForwardingTarget::bundle(party, inject);
    if (r.ok()) last_ = *r;
    return r;
  }
  Op<harness::Unit> initiate(const std::string& party, const std::string& peer, ByteView bytes,
                             const harness::Inject& inject) override {
    if (!last_ || !last_->layout || bytes.size() != last_->bundle.size())
      return ForwardingTarget::initiate(party, peer, bytes, inject);
    for (size_t i = 0; i < bytes.size(); ++i) {
      if (bytes[i] == last_->bundle[i]) continue;
      ++planted;
      bool inside = false;
      for (const harness::LayoutRange& r : last_->layout->ranges) inside |= i >= r.start && i < r.end;
      if (!inside) ++outside;
    }
    return ForwardingTarget::initiate(party, peer, last_->bundle, inject);
  }

 private:
  std::optional<harness::BundleResult> last_;
};

TEST(Fakes, KeyTwoPlantsKeysInTheLayoutUnderEquivalent) {
  const RunOptions equivalent{.profile = harness::Profile::equivalent};
  CheckOutcome good = on_reference("KEY-2.small-order", equivalent);
  EXPECT_EQ(good.verdict, Verdict::pass) << explain(good);
  EXPECT_TRUE(contains(good.summary, "0 of 21 small-order or non-canonical probes accepted")) << good.summary;
  bool identity_probed = false;
  for (const std::string& line : good.observations) identity_probed |= contains(line, "range identity u=0");
  EXPECT_TRUE(identity_probed) << explain(good);

  auto t = fake<AcceptsPlantedKeys>();
  ASSERT_TRUE(t);
  CheckOutcome bad = run_registered_check(*t, "KEY-2.small-order", equivalent);
  EXPECT_EQ(bad.verdict, Verdict::fail) << explain(bad);
  EXPECT_TRUE(contains(bad.summary, "every key range u=0, signature forged")) << bad.summary;
  EXPECT_GT(t->planted, 0);
  EXPECT_EQ(t->outside, 0) << "bytes changed outside the layout's ranges";
}

// ---- STZ: a stanza reader too lenient, and one too strict ------------------------------------

// LenientUnwrap answers every stanza the reference refuses with the last message it read.
class LenientUnwrap final : public ForwardingTarget {
 public:
  using ForwardingTarget::ForwardingTarget;
  Op<harness::Unwrapped> unwrap(const std::string& party, std::string_view stanza,
                                harness::StanzaEncoding encoding) override {
    Op<harness::Unwrapped> r = ForwardingTarget::unwrap(party, stanza, encoding);
    if (r.ok()) {
      last_ok_ = *r;
    } else if (r.refused() && last_ok_) {
      return *last_ok_;
    }
    return r;
  }

 private:
  std::optional<harness::Unwrapped> last_ok_;
};

// NoCdata refuses stanzas with a CDATA section, which the profile allows.
class NoCdata final : public ForwardingTarget {
 public:
  using ForwardingTarget::ForwardingTarget;
  Op<harness::Unwrapped> unwrap(const std::string& party, std::string_view stanza,
                                harness::StanzaEncoding encoding) override {
    if (contains(std::string(stanza), "<![CDATA[")) {
      return harness::Refusal{ptp::ErrorCode::invalid_message, "CDATA is not supported"};
    }
    return ForwardingTarget::unwrap(party, stanza, encoding);
  }
};

TEST(Fakes, StzPassesOnReferenceAndFailsALenientReader) {
  CheckOutcome good = on_reference("STZ-2.invalid_corpus");
  EXPECT_EQ(good.verdict, Verdict::pass) << explain(good);
  EXPECT_TRUE(contains(good.summary, "invalid corpus stanzas are refused")) << good.summary;

  auto t = fake<LenientUnwrap>();
  ASSERT_TRUE(t);
  CheckOutcome bad = run_registered_check(*t, "STZ-2.invalid_corpus");
  EXPECT_EQ(bad.verdict, Verdict::fail) << explain(bad);
  EXPECT_TRUE(contains(bad.summary, "invalid corpus stanzas are accepted")) << bad.summary;
  EXPECT_TRUE(contains(bad.counterexample, ": accepted")) << bad.counterexample;
}

TEST(Fakes, StzPassesOnReferenceAndFailsAStrictReader) {
  CheckOutcome good = on_reference("STZ-2.valid_corpus");
  EXPECT_EQ(good.verdict, Verdict::pass) << explain(good);
  EXPECT_TRUE(contains(good.summary, "valid corpus messages")) << good.summary;

  auto t = fake<NoCdata>();
  ASSERT_TRUE(t);
  CheckOutcome bad = run_registered_check(*t, "STZ-2.valid_corpus");
  EXPECT_EQ(bad.verdict, Verdict::fail) << explain(bad);
  EXPECT_TRUE(contains(bad.summary, "1 of ")) << bad.summary;
  EXPECT_TRUE(contains(bad.counterexample, "message_cdata.xml: refused")) << bad.counterexample;
}

// ---- MED: one media key for every attachment ----------------------------------------------------

class StaticMediaKey final : public ForwardingTarget {
 public:
  using ForwardingTarget::ForwardingTarget;
  Op<harness::MediaEncrypted> media_encrypt(media::MediaType type, ByteView p, std::optional<ByteView> key) override {
    static const Bytes kCompiledIn(32, 0x77);  // a key compiled in
    return ForwardingTarget::media_encrypt(type, p, key ? key : std::optional<ByteView>(kCompiledIn));
  }
};

TEST(Fakes, MedPassesOnReferenceAndFailsAStaticMediaKey) {
  CheckOutcome good = on_reference("MED-3.fresh_keys");
  EXPECT_EQ(good.verdict, Verdict::pass) << explain(good);

  auto t = fake<StaticMediaKey>();
  ASSERT_TRUE(t);
  CheckOutcome bad = run_registered_check(*t, "MED-3.fresh_keys");
  EXPECT_EQ(bad.verdict, Verdict::fail) << explain(bad);
  EXPECT_TRUE(contains(bad.summary, "encryptions of one attachment repeat a key or a file")) << bad.summary;
  EXPECT_TRUE(contains(bad.counterexample, "media_key repeated: 7777")) << bad.counterexample;
}

}  // namespace
}  // namespace parity::suites
