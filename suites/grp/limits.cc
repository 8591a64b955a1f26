// limits.cc: GRP-8 (groups.md), the bounds of a group receiver: far-ahead claims refused
// quickly, skipped keys and sender states kept within the baseline's bounds (probed past
// the declared ones), malformed deliveries of 0 bytes to 1 MiB refused without a crash.
#include <chrono>
#include <string>
#include <vector>

#include "reference/crypto/x25519.h"
#include "reference/group/sender_key_message.h"
#include "suites/grp/grp_more.h"
#include "suites/grp/probes.h"

namespace parity::suites {

namespace {

using grp::GroupWorld;
using grp::Hold;
using harness::Verdict;

// kQuickMs is how long refusing a far-ahead claim may take: a receiver that derives the
// keys up to the claim spends minutes at 2^32-1, one that checks the bound first, micro
// seconds; the margin is for a loaded machine.
constexpr double kQuickMs = 2000;
const char* const kSlowestFigure = "slowest far-ahead refusal";

// FarAhead is how the suite makes a far-ahead application envelope for one target.
enum class FarAhead { signal_v3, forge, none };

FarAhead far_ahead_way(const Run& r) {
  if (r.signal() && r.target.hello().has("inject")) return FarAhead::signal_v3;
  if (r.target.hello().has("group_forge")) return FarAhead::forge;
  return FarAhead::none;
}

// GroupKeys are keys the suite injects into a sender's first group_encrypt, so that it
// can build that sender's SenderKeyMessages itself.
struct GroupKeys {
  Key32 chain_key{};
  Key32 signing_private{};
  uint32_t chain_id = 0;
  harness::GroupInject inject() const { return {chain_key, signing_private, chain_id}; }
};

GroupKeys draw_keys(Run& r) {
  GroupKeys k;
  Bytes b = random_bytes(r.rng, 64);
  std::copy(b.begin(), b.begin() + 32, k.chain_key.begin());
  std::copy(b.begin() + 32, b.end(), k.signing_private.begin());
  // Clamped as RFC 7748 says (groups.md, `inject`).
  k.signing_private[0] &= 248;
  k.signing_private[31] &= 127;
  k.signing_private[31] |= 64;
  k.chain_id = next_u32(r.rng) & 0x7fffffffu;
  return k;
}

// far_ahead: bob holds alice's key; the suite gives him messages claiming iterations
// 10^5, 2^31 and 2^32-1 of her chain, then a genuine message, which he must still read.
CheckOutcome far_ahead(Run& r, Tally& tally) {
  const FarAhead way = far_ahead_way(r);
  if (way == FarAhead::none) {
    CheckOutcome out;
    out.verdict = Verdict::not_applicable;
    out.summary =
        "the suite cannot make a far-ahead claim for this target: it has neither the signal-v3 formats with "
        "`inject` nor `group_forge`";
    out.untested_area = "far-ahead group iterations (no group_forge)";
    return out;
  }
  if (auto o = grp::fresh(r, 1)) return *o;
  GroupWorld w(r, "g8far");
  PARITY_GRP(w, w.create("alice", {"bob"}), "group_create");
  const GroupKeys keys = draw_keys(r);
  int first = -1;
  // The keys are needed only to build claims from the signal-v3 formats; a target that
  // forges its claims need not declare `inject` (it must refuse injected fields then).
  if (way == FarAhead::signal_v3) {
    PARITY_GRP(w, w.encrypt("alice", &first, std::nullopt, keys.inject()), "alice's first send (injected keys)");
  } else {
    PARITY_GRP(w, w.encrypt("alice", &first), "alice's first send");
  }
  if (w.times_read("bob", first) == 0)
    return grp::stopped_or(w, CheckOutcome::fail("bob did not read alice's first message (GRP-1)"));
  CheckOutcome out = CheckOutcome::pass("");
  double slowest = 0;
  std::vector<std::string> read;
  std::vector<std::string> slow;
  for (uint64_t claim : {uint64_t{100000}, uint64_t{1} << 31, (uint64_t{1} << 32) - 1}) {
    Bytes envelope;
    if (way == FarAhead::signal_v3) {
      group::SenderKeyMessage m;
      m.key_id = keys.chain_id;
      m.iteration = static_cast<uint32_t>(claim);
      m.ciphertext = random_bytes(r.rng, 32);
      m.sign(keys.signing_private, r.rng);
      envelope = m.serialize();
    } else {
      auto forged = r.target.group_forge("alice", w.group(), "alice", claim);
      if (!w.must(forged, "group_forge at iteration " + std::to_string(claim))) return *w.stop();
      envelope = *forged;
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto g = w.give_bytes("bob", "alice", envelope, "a claim of iteration " + std::to_string(claim));
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!g) return *w.stop();
    slowest = std::max(slowest, ms);
    out.observations.push_back("iteration " + std::to_string(claim) + ": " + (grp::reads(g) ? "read" : "refused") +
                               " in " + std::to_string(static_cast<int>(ms)) + " ms");
    if (g->got != grp::Got::refused) read.push_back(std::to_string(claim));
    if (ms > kQuickMs) slow.push_back(std::to_string(claim) + " (" + std::to_string(static_cast<int>(ms)) + " ms)");
  }
  int after = -1;
  PARITY_GRP(w, w.encrypt("alice", &after), "alice sending after the claims");
  const bool still = w.times_read("bob", after) > 0;
  tally[kSlowestFigure] = slowest;
  const std::string how =
      way == FarAhead::signal_v3 ? "built from the signal-v3 formats with injected keys" : "made with group_forge";
  if (!read.empty()) {
    out.verdict = Verdict::fail;
    out.summary = "a far-ahead claim (" + how + ") was accepted at iteration " + read.front();
  } else if (!slow.empty()) {
    out.verdict = Verdict::fail;
    out.summary = "far-ahead claims were refused slowly (over " + std::to_string(static_cast<int>(kQuickMs)) +
                  " ms): iteration " + slow.front() +
                  "; the keys up to the claim are derived before the bound is checked";
  } else if (!still) {
    out.verdict = Verdict::fail;
    out.summary =
        "after refusing far-ahead claims, bob no longer reads alice's next genuine message: a refused claim "
        "changed his state";
  } else {
    out.summary = "claims of iterations 10^5, 2^31 and 2^32-1 (" + how + ") were refused quickly and changed nothing";
    return out;
  }
  out.counterexample = w.story();
  return out;
}

// retained_skipped_keys: alice sends past 2000 + 16 messages; bob is given one message every
// min(group_max_skip, 1000) iterations, so he skips more keys than the baseline keeps
// (2000 per chain). The oldest ones must be gone.
CheckOutcome retained_skipped_keys(Run& r, Tally& tally) {
  if (auto o = grp::fresh(r, 2)) return *o;
  GroupWorld w(r, "g8skip");
  const uint64_t limit = kSignalGroupMaxSkippedKeys;  // the baseline's bound, whatever the target declares
  const uint64_t step = std::max<uint64_t>(1, std::min<uint64_t>(w.bounds().max_skip, 1000));
  constexpr uint64_t kPast = 16;
  PARITY_GRP(w, w.create("alice", {"bob"}), "group_create");
  if (!w.round()) return *w.stop();
  w.set_hold(Hold::application);
  // Bob is given messages i*(step+1)+step (a skip of `step` each time) until he has
  // skipped limit + kPast keys.
  std::vector<int> sent;
  uint64_t skipped = 0;
  uint64_t given = 0;
  std::vector<int> unread;
  r.step("GRP-8: alice sends " + std::to_string(limit + kPast + limit / step + 2) + " messages");
  while (skipped < limit + kPast) {
    int n = -1;
    PARITY_GRP(w, w.encrypt("alice", &n), "alice sending");
    sent.push_back(n);
    const uint64_t index = sent.size() - 1;
    if ((index + 1) % (step + 1) == 0) {
      auto g = w.give(grp::first_delivery_to(w, n, "bob"));
      if (!g) return *w.stop();
      ++given;
    } else {
      unread.push_back(n);
      ++skipped;
    }
  }
  // The last message bob was given closes the skip: he is given the next one.
  int last = -1;
  PARITY_GRP(w, w.encrypt("alice", &last), "alice sending the last message");
  auto lg = w.give(grp::first_delivery_to(w, last, "bob"));
  if (!lg) return *w.stop();
  const uint64_t evicted = skipped > limit ? skipped - limit : 0;
  std::vector<int> kept;
  for (uint64_t i = 0; i < evicted; ++i) {
    const int n = unread[i];
    auto g = w.give(grp::first_delivery_to(w, n, "bob"));
    if (!g) return *w.stop();
    if (grp::reads(g)) kept.push_back(n);
  }
  // The newest skipped key must still be there: the probe is live (GRP-1 reads it).
  auto newest = w.give(grp::first_delivery_to(w, unread.back(), "bob"));
  if (!newest) return *w.stop();
  tally["skipped keys kept past 2000"] = static_cast<double>(kept.size());
  CheckOutcome out = CheckOutcome::pass("");
  out.observations.push_back("bob was given " + std::to_string(given + 1) + " of " + std::to_string(sent.size() + 1) +
                             " messages (a skip of " + std::to_string(step) + " each), skipping " +
                             std::to_string(skipped) + " keys; the newest skipped one was " +
                             (grp::reads(newest) ? "read" : "refused"));
  if (!kept.empty()) {
    out.verdict = Verdict::fail;
    out.summary = "bob read " + std::to_string(kept.size()) + " of the " + std::to_string(evicted) +
                  " oldest skipped messages, past the " + std::to_string(limit) +
                  " skipped keys per sender chain the baseline keeps";
    out.counterexample = w.story();
    return out;
  }
  out.summary = "with " + std::to_string(skipped) + " keys skipped in one sender chain, the " +
                std::to_string(evicted) + " oldest were gone (at most " + std::to_string(limit) + " kept)";
  return out;
}

// retained_sender_states: alice rotates 5 times (the baseline keeps 5 states, the
// current one included); a message of her first state must be refused.
CheckOutcome retained_sender_states(Run& r, Tally& tally) {
  if (auto o = grp::fresh(r, 3)) return *o;
  grp::Eviction e;
  const int rotations = static_cast<int>(kSignalGroupMaxSenderStates);
  if (auto o = grp::probe_sender_states(r, "g8states", rotations, e)) return *o;
  tally["messages of a sixth-oldest state read"] = e.old_read ? 1 : 0;
  const std::string what = "after alice rotated " + std::to_string(e.rotations) + " times";
  if (e.old_read)
    return CheckOutcome::fail(what + ", bob still read a message of her first state: more than " +
                              std::to_string(kSignalGroupMaxSenderStates) + " sender states are kept per sender");
  return CheckOutcome::pass(what + ", bob refused a message of her first state (at most " +
                            std::to_string(kSignalGroupMaxSenderStates) + " states kept)");
}

// malformed: random envelopes of 0 bytes to 1 MiB, raw and after the version byte 0x33,
// are given to bob as from alice; each must be refused, and bob keeps reading.
CheckOutcome malformed(Run& r, Tally& tally) {
  if (auto o = grp::fresh(r, 4)) return *o;
  GroupWorld w(r, "g8bad");
  PARITY_GRP(w, w.create("alice", {"bob"}), "group_create");
  if (!w.round()) return *w.stop();
  std::vector<std::string> accepted;
  int tried = 0;
  for (size_t size : {size_t{0}, size_t{1}, size_t{2}, size_t{16}, size_t{33}, size_t{64}, size_t{65}, size_t{100},
                      size_t{1000}, size_t{4096}, size_t{65536}, size_t{1} << 20}) {
    for (bool versioned : {false, true}) {
      if (size == 0 && versioned) continue;
      Bytes env = random_bytes(r.rng, size);
      if (versioned) env[0] = 0x33;
      const std::string label = std::to_string(size) + " random bytes" + (versioned ? " after 0x33" : "");
      auto g = w.give_bytes("bob", "alice", env, label);
      if (!g) return *w.stop();
      ++tried;
      if (g->got != grp::Got::refused) accepted.push_back(label);
    }
  }
  int after = -1;
  PARITY_GRP(w, w.encrypt("alice", &after), "alice sending after the malformed deliveries");
  const bool still = w.times_read("bob", after) > 0;
  tally["malformed deliveries accepted"] = static_cast<double>(accepted.size());
  if (!accepted.empty()) {
    CheckOutcome out = CheckOutcome::fail("a malformed delivery was accepted: " + accepted.front());
    out.counterexample = w.story();
    return out;
  }
  if (!still) {
    CheckOutcome out = CheckOutcome::fail("after refusing malformed deliveries bob no longer reads alice");
    out.counterexample = w.story();
    return out;
  }
  return CheckOutcome::pass(
      std::to_string(tried) +
      " malformed deliveries of 0 bytes to 1 MiB were refused without a crash, and bob kept reading");
}

}  // namespace

void register_grp_bounds_checks(harness::Registry& registry) {
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "GRP-8.far-ahead",
                          .requirement = "GRP-8",
                          .description = "application envelopes claiming iterations 10^5, 2^31 and 2^32-1 of a held "
                                         "sender chain are refused quickly and change nothing",
                          .needs = {Capability::group},
                          .scenario = self_judged(far_ahead),
                          .judge = judge_verdicted({{kSlowestFigure, "ms"}}),
                      });
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "GRP-8.skipped-keys",
                          .requirement = "GRP-8",
                          .description = "skipped keys per sender chain stay within the baseline's 2000, probed past "
                                         "the declared bound",
                          .needs = {Capability::group},
                          .scenario = self_judged(retained_skipped_keys),
                          .judge = judge_verdicted({{"skipped keys kept past 2000", "keys"}}),
                      });
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "GRP-8.sender-states",
                          .requirement = "GRP-8",
                          .description = "sender states per sender and group stay within the baseline's 5",
                          .needs = {Capability::group},
                          .scenario = self_judged(retained_sender_states),
                          .judge = judge_verdicted({{"messages of a sixth-oldest state read", "messages"}}),
                      });
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "GRP-8.malformed",
                          .requirement = "GRP-8",
                          .description = "random deliveries of 0 bytes to 1 MiB, raw and after the version byte, are "
                                         "refused without a crash",
                          .needs = {Capability::group},
                          .scenario = self_judged(malformed),
                          .judge = judge_verdicted({{"malformed deliveries accepted", "deliveries"}}),
                      });
}

}  // namespace parity::suites
