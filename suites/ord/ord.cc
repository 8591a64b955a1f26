#include "suites/ord/ord.h"

#include <algorithm>
#include <map>
#include <sstream>

#include <rapidcheck/state.h>

#include "suites/common/check_spec.h"
#include "suites/common/conversation.h"
#include "suites/common/schedule.h"

namespace parity::suites {

namespace {

using harness::CiphertextResult;
using harness::Figure;

// ---------------------------------------------------------------------------------
// ORD-1.property and ORD-4.property: random schedules of the one delivery model
// (schedule.h), delivering a message only where the process's declared bounds promise
// that it decrypts.
// ---------------------------------------------------------------------------------

// OrdStats add up what the cases of one process checked.
struct OrdStats {
  int cases = 0;
  int deliveries = 0;
  int replays = 0;
};

// OrdSut is the system under test of one case: two fresh parties in one process.
struct OrdSut {
  Target* target = nullptr;
  PropertyRun* run = nullptr;
  std::string names[2];
  std::vector<CiphertextResult> ciphertexts;  // by message number
  int deliveries = 0;
  int replays = 0;

  static Bytes plaintext(int n) { return to_bytes("ORD message m" + std::to_string(n)); }
  static std::string chain_name(int label) {
    return schedule::party_name(label >= 1000 ? 1 : 0) + std::string("'s chain ") + std::to_string(label % 1000);
  }

  void send(const schedule::Model&, int n, int party) {
    auto c = target->encrypt(names[party], names[1 - party], plaintext(n));
    ciphertexts.push_back(
        require(*run, std::move(c), std::string(schedule::party_name(party)) + " encrypting #" + std::to_string(n)));
  }
  // deliver hands a message to its recipient; the bounds promise it decrypts.
  void deliver(const schedule::Model& m, int n) {
    const schedule::Msg& msg = m.msgs[static_cast<size_t>(n)];
    const CiphertextResult& c = ciphertexts[static_cast<size_t>(n)];
    auto p = target->decrypt(names[1 - msg.from], names[msg.from], c.ciphertext, c.kind);
    Bytes got = require(*run, std::move(p),
                        "delivering #" + std::to_string(n) + " (" + chain_name(msg.chain) + ", counter " +
                            std::to_string(msg.counter) + ", within the declared bounds)");
    check_that(*run, got == plaintext(n), "#" + std::to_string(n) + " decrypted to other bytes");
    ++deliveries;
  }
  void drop(const schedule::Model&, int) {}
  // replay delivers an already delivered message again: it must be refused.
  void replay(const schedule::Model& m, int n) {
    const schedule::Msg& msg = m.msgs[static_cast<size_t>(n)];
    const CiphertextResult& c = ciphertexts[static_cast<size_t>(n)];
    auto p = target->decrypt(names[1 - msg.from], names[msg.from], c.ciphertext, c.kind);
    if (p.violated()) (void)require(*run, std::move(p), "replaying #" + std::to_string(n));
    check_that(*run, !p.ok(), "replayed #" + std::to_string(n) + " decrypted a second time");
    ++replays;
  }
};

using OrdSide = schedule::PropertySide<OrdStats>;

// ord_property runs the ORD-1 (one way) or ORD-4 (both ways, with loss) schedules on
// the process of `r`, within the bounds it declared (the baseline's where it did not).
// Each process plays its own cases; property.h lets one RapidCheck search run at a time.
OrdSide ord_property(Run& r, bool two_way, const std::string& what) {
  OrdSide side;
  PropertyRun run;
  run.targets = {&r.target};
  Target& t = r.target;
  auto property = [&] {
    const int n = side.stats.cases++;
    OrdSut sut;
    sut.target = &t;
    sut.run = &run;
    sut.names[0] = "a" + std::to_string(n);
    sut.names[1] = "b" + std::to_string(n);
    (void)require(run, t.create(sut.names[0]), "create " + sut.names[0]);
    (void)require(run, t.create(sut.names[1]), "create " + sut.names[1]);
    harness::BundleResult bundle = require(run, t.bundle(sut.names[1]), "bundle of " + sut.names[1]);
    (void)require(run, t.initiate(sut.names[0], sut.names[1], bundle.bundle), "initiate");
    schedule::Model m;
    m.two_way = two_way;
    m.reach = r.bounds;
    // Olm shares its 40 skipped keys among all chains of a session: the case stays
    // below every declared key bound, so the model never needs eviction order.
    m.cap = static_cast<size_t>(std::min<uint64_t>(30, r.bounds.max_skipped_keys));
    using Send = schedule::Send<OrdSut>;
    using Deliver = schedule::DeliverAny<OrdSut>;
    using Drop = schedule::Drop<OrdSut>;
    using Replay = schedule::Replay<OrdSut>;
    if (two_way) {
      (void)schedule::play(m, sut, rc::state::gen::execOneOfWithArgs<Send, Send, Deliver, Deliver, Drop, Replay>());
    } else {
      (void)schedule::play(m, sut, rc::state::gen::execOneOfWithArgs<Send, Deliver, Replay>());
    }
    side.stats.deliveries += sut.deliveries;
    side.stats.replays += sut.replays;
  };
  side.outcome = run_property(r, run, what, property, PropertyOptions{50, 50});
  side.outcome.observations.insert(side.outcome.observations.begin(), r.bounds.describe());
  side.outcome.observations.push_back(
      "a message is delivered only while the declared bounds promise it decrypts; every "
      "delivery must give its plaintext, every replay a refusal");
  return side;
}

CheckOutcome judge_ord_property(OrdSide& mine, OrdSide* base) {
  if (mine.stop) return *mine.stop;
  CheckOutcome o = mine.outcome;
  o.figures.push_back(schedule::stat_figure("random cases run", mine, base, &OrdStats::cases, "cases"));
  o.figures.push_back(schedule::stat_figure("deliveries checked", mine, base, &OrdStats::deliveries, "messages"));
  o.figures.push_back(schedule::stat_figure("replays refused", mine, base, &OrdStats::replays, "messages"));
  return o;
}

// ---------------------------------------------------------------------------------
// ORD-1.at-bound: a jump of exactly max_skip, then the skipped messages.
// ---------------------------------------------------------------------------------

struct AtBound {
  std::optional<CheckOutcome> stop;  // a violation or unexpected refusal
  Bounds bounds;                     // the bounds of the process it played on
  bool jump_read = false;
  int skipped_read = 0;
  int skipped_promised = 0;
  int replays_refused = 0;
  int replays = 0;
  std::string story;
};

AtBound at_bound(Run& r) {
  Target& t = r.target;
  const Bounds& b = r.bounds;
  Rng& rng = r.rng;
  AtBound out;
  out.bounds = b;
  Conversation c(t, "alice", "bob");
  auto stop = [&](CheckOutcome o) {
    out.story = c.story(12);
    o.counterexample = out.story;
    out.stop = std::move(o);
    return out;
  };
  if (auto e = c.establish(); !e.ok()) {
    return stop(e.violated() ? CheckOutcome::error(e.violation())
                             : CheckOutcome::unexpected_refusal("establishing the session", e.refusal()));
  }
  const uint64_t jump = b.max_skip;
  std::vector<Sent> sent;
  for (uint64_t i = 0; i <= jump; ++i) {
    if (i % 100 == 0) r.step("encrypting message " + std::to_string(i + 1) + " of " + std::to_string(jump + 1));
    auto m = c.send(0);
    if (!m.ok())
      return stop(m.violated() ? CheckOutcome::error(m.violation())
                               : CheckOutcome::unexpected_refusal("encrypting", m.refusal()));
    sent.push_back(std::move(*m));
  }
  c.note("(" + std::to_string(jump) + " messages held back)");
  auto last = c.deliver(sent.back());
  if (last.violated()) return stop(CheckOutcome::error(last.violation()));
  out.jump_read = last.ok() && *last == sent.back().plaintext;
  if (!out.jump_read) {
    out.story = c.story(6);
    return out;
  }
  // The newest min(max_skip, max_skipped_keys) skipped messages are promised.
  const uint64_t promised = std::min<uint64_t>(jump, b.max_skipped_keys);
  out.skipped_promised = static_cast<int>(promised);
  std::vector<size_t> order;
  for (uint64_t k = 0; k < promised; ++k) order.push_back(static_cast<size_t>(jump - 1 - k));
  for (size_t i = order.size(); i > 1; --i) {  // Fisher-Yates with the check's generator
    uint8_t draw[4];
    rng.fill(draw);
    const uint32_t v = (uint32_t{draw[0]} << 24) | (uint32_t{draw[1]} << 16) | (uint32_t{draw[2]} << 8) | draw[3];
    std::swap(order[i - 1], order[v % i]);
  }
  std::vector<size_t> read;
  for (size_t k = 0; k < order.size(); ++k) {
    const size_t i = order[k];
    if (k % 100 == 0) r.step("delivering skipped message " + std::to_string(k + 1) + " of " + std::to_string(promised));
    auto p = c.deliver(sent[i]);
    if (p.violated()) return stop(CheckOutcome::error(p.violation()));
    if (p.ok() && *p == sent[i].plaintext) {
      ++out.skipped_read;
      if (read.size() < 5) read.push_back(i);
    } else if (out.story.empty()) {
      out.story = c.story(4);
    }
  }
  for (size_t i : read) {
    auto p = c.deliver(sent[i]);
    if (p.violated()) return stop(CheckOutcome::error(p.violation()));
    ++out.replays;
    if (!p.ok())
      ++out.replays_refused;
    else if (out.story.empty())
      out.story = c.story(4);
  }
  return out;
}

CheckOutcome judge_at_bound(AtBound& mine, AtBound* theirs) {
  const AtBound& base = *theirs;
  const Bounds& b = mine.bounds;
  const Bounds& bb = base.bounds;
  if (mine.stop) return std::move(*mine.stop);
  CheckOutcome o;
  o.observations.push_back(b.describe());
  o.figures.push_back({"counter jump decrypted (max_skip ahead)", mine.jump_read ? double(b.max_skip) : 0.0,
                       base.jump_read ? double(bb.max_skip) : 0.0, "messages"});
  o.figures.push_back(
      {"skipped messages read after the jump", double(mine.skipped_read), double(base.skipped_read), "messages"});
  o.figures.push_back(
      {"replays of them refused", double(mine.replays_refused), double(base.replays_refused), "messages"});
  if (!mine.jump_read) {
    o.verdict = harness::Verdict::fail;
    o.summary = "the message exactly max_skip (" + std::to_string(b.max_skip) +
                ") ahead of the next expected counter was not decrypted, though the target declares that bound";
    o.counterexample = mine.story;
    return o;
  }
  if (mine.skipped_read < mine.skipped_promised) {
    o.verdict = harness::Verdict::fail;
    o.summary = "after a jump of " + std::to_string(b.max_skip) + ", only " + std::to_string(mine.skipped_read) +
                " of the " + std::to_string(mine.skipped_promised) +
                " newest skipped messages (within max_skipped_keys) decrypted, in random order";
    o.counterexample = mine.story;
    return o;
  }
  if (mine.replays_refused < mine.replays) {
    o.verdict = harness::Verdict::fail;
    o.summary = "a skipped message decrypted a second time when replayed";
    o.counterexample = mine.story;
    return o;
  }
  o.summary = "a jump of exactly max_skip (" + std::to_string(b.max_skip) + ") decrypted, then all " +
              std::to_string(mine.skipped_read) + " promised skipped messages in random order, each exactly once";
  return o;
}

// ---------------------------------------------------------------------------------
// ORD-2: messages delayed across ratchet steps.
// ---------------------------------------------------------------------------------

// kMaxEpochProbe is the largest delay probed: beyond the baseline's chains, so that a
// target keeping more is seen to keep more.
constexpr int kMaxEpochProbe = static_cast<int>(kSignalMaxReceiverChains) + 2;

struct EpochSide {
  std::optional<CheckOutcome> stop;
  Bounds bounds;            // the bounds of the process it played on
  std::vector<bool> works;  // works[d] for d = 1..kMaxEpochProbe (index 0 unused)
  std::vector<std::string> stories;
  int largest_contiguous() const {
    int d = 0;
    while (d + 1 < static_cast<int>(works.size()) && works[static_cast<size_t>(d + 1)]) ++d;
    return d;
  }
};

// epoch_probe sends a message in A's current chain after another of that chain was
// delivered (so B knows the chain), holds it through `delay` round trips (each a new
// receiving chain at B), then delivers it.
Op<bool> epoch_probe(Target& t, int delay, std::string& story_) {
  Conversation c(t, "e" + std::to_string(delay) + "a", "e" + std::to_string(delay) + "b");
  auto fail = [&](auto& op) -> Op<bool> {
    story_ = c.story(12);
    if (op.violated()) return op.violation();
    return op.refusal();
  };
  if (auto e = c.establish(); !e.ok()) return fail(e);
  auto x = c.send(0);
  if (!x.ok()) return fail(x);
  auto y = c.send(0);
  if (!y.ok()) return fail(y);
  if (auto d = c.deliver(*x); !d.ok()) return fail(d);
  c.note("#" + std::to_string(y->number) + " is held back");
  for (int i = 0; i < delay; ++i) {
    if (auto r = c.round_trip(1); !r.ok()) return fail(r);
  }
  auto late = c.deliver(*y);
  if (late.violated()) return late.violation();
  story_ = c.story(4 * delay + 8);
  return late.ok() && *late == y->plaintext;
}

EpochSide epochs(Target& t, const Bounds& b) {
  EpochSide side;
  side.bounds = b;
  side.works.assign(static_cast<size_t>(kMaxEpochProbe + 1), false);
  side.stories.resize(side.works.size());
  for (int d = 1; d <= kMaxEpochProbe; ++d) {
    auto r = epoch_probe(t, d, side.stories[static_cast<size_t>(d)]);
    if (r.violated()) {
      side.stop = CheckOutcome::error(r.violation());
      return side;
    }
    if (r.refused()) {
      side.stop = CheckOutcome::unexpected_refusal(
          "a step of the conversation with " + std::to_string(d) + " round trips", r.refusal());
      side.stop->counterexample = side.stories[static_cast<size_t>(d)];
      return side;
    }
    side.works[static_cast<size_t>(d)] = *r;
  }
  return side;
}

CheckOutcome judge_epochs(EpochSide& mine, EpochSide* theirs) {
  const EpochSide& base = *theirs;
  const Bounds& b = mine.bounds;
  const Bounds& bb = base.bounds;
  if (mine.stop) return std::move(*mine.stop);
  const int base_d = base.largest_contiguous();
  const int mine_d = mine.largest_contiguous();
  // A target declaring fewer receiver chains than the baseline is held to its own
  // declaration: the baseline's measured delay less the chains it declares fewer.
  int required = base_d;
  std::string held = "the baseline's";
  if (b.max_receiver_chains < bb.max_receiver_chains) {
    required = std::max(0, base_d - static_cast<int>(bb.max_receiver_chains - b.max_receiver_chains));
    held = "its own declaration (max_receiver_chains " + std::to_string(b.max_receiver_chains) +
           " against the baseline's " + std::to_string(bb.max_receiver_chains) + ")";
  }
  CheckOutcome o;
  o.observations.push_back(b.describe());
  std::string line = "delays (round trips a message waited, each a new receiving chain): ";
  for (int d = 1; d <= kMaxEpochProbe; ++d) {
    line += std::to_string(d) + (mine.works[static_cast<size_t>(d)] ? " read" : " lost") + " (baseline " +
            (base.works[static_cast<size_t>(d)] ? "read" : "lost") + ")" + (d < kMaxEpochProbe ? ", " : "");
  }
  o.observations.push_back(line);
  const auto shown = [](int d) { return d >= kMaxEpochProbe ? double(kMaxEpochProbe) : double(d); };
  o.figures.push_back({"largest epoch delay that decrypts", shown(mine_d), shown(base_d), "epochs"});
  o.figures.push_back({"epoch delay required", double(required), double(base_d), "epochs"});
  if (mine_d >= kMaxEpochProbe)
    o.observations.push_back("the target read every probed delay: it keeps at least as many chains as probed");
  if (mine_d < required) {
    o.verdict = harness::Verdict::fail;
    o.summary = "a message delayed by " + std::to_string(mine_d + 1) +
                " ratchet steps was not decrypted; the target is held to " + std::to_string(required) + " (" + held +
                ")";
    o.counterexample = mine.stories[static_cast<size_t>(mine_d + 1)];
    return o;
  }
  o.summary = "messages delayed by up to " + std::to_string(mine_d) + " ratchet steps decrypt (baseline " +
              std::to_string(base_d) + ", required " + std::to_string(required) + ", held to " + held + ")";
  return o;
}

// ORD-2.skipped-chains: skipped messages in several chains at once, each chain within
// max_skipped_keys and all chains within max_receiver_chains, then delivered late.
struct SpreadSide {
  std::optional<CheckOutcome> stop;
  Bounds bounds;  // the bounds of the process it played on
  int promised = 0;
  int read = 0;
  std::vector<int> per_epoch;
  std::string story;
};

constexpr int kSpreadEpochs = 3;

SpreadSide spread(Target& t, const Bounds& b) {
  SpreadSide side;
  side.bounds = b;
  Conversation c(t, "alice", "bob");
  auto stop = [&](auto& op, const std::string& what) {
    side.stop =
        op.violated() ? CheckOutcome::error(op.violation()) : CheckOutcome::unexpected_refusal(what, op.refusal());
    side.stop->counterexample = c.story(12);
    return side;
  };
  if (auto e = c.establish(); !e.ok()) return stop(e, "establishing the session");
  // Each chain's jump stays within max_skip and its held messages within max_skipped_keys.
  const uint64_t k = std::max<uint64_t>(1, std::min<uint64_t>({25, b.max_skipped_keys, b.max_skip}));
  const int epochs =
      static_cast<int>(std::min<uint64_t>(kSpreadEpochs, b.max_receiver_chains > 1 ? b.max_receiver_chains - 1 : 1));
  std::vector<std::vector<Sent>> held(static_cast<size_t>(epochs));
  for (int e = 0; e < epochs; ++e) {
    for (uint64_t i = 0; i < k; ++i) {
      auto m = c.send(0);
      if (!m.ok()) return stop(m, "encrypting");
      held[static_cast<size_t>(e)].push_back(std::move(*m));
    }
    auto m = c.send(0);
    if (!m.ok()) return stop(m, "encrypting");
    if (auto d = c.deliver(*m); !d.ok()) return stop(d, "delivering a message " + std::to_string(k) + " ahead");
    c.note("(" + std::to_string(k) + " messages of this chain held back)");
    auto r = c.send(1);
    if (!r.ok()) return stop(r, "encrypting the answer");
    if (auto d = c.deliver(*r); !d.ok()) return stop(d, "delivering the answer");
  }
  for (const auto& epoch : held) {
    int read = 0;
    for (const Sent& m : epoch) {
      ++side.promised;
      auto p = c.deliver(m);
      if (p.violated()) {
        side.stop = CheckOutcome::error(p.violation());
        return side;
      }
      if (p.ok() && *p == m.plaintext)
        ++read;
      else if (side.story.empty())
        side.story = c.story(10);
    }
    side.per_epoch.push_back(read);
    side.read += read;
  }
  return side;
}

CheckOutcome judge_spread(SpreadSide& mine, SpreadSide* theirs) {
  const SpreadSide& base = *theirs;
  if (mine.stop) return std::move(*mine.stop);
  CheckOutcome o;
  o.observations.push_back(mine.bounds.describe());
  std::string per = "read per chain (oldest first):";
  for (int r : mine.per_epoch) per += " " + std::to_string(r);
  o.observations.push_back(per + " of " +
                           std::to_string(mine.promised / std::max<int>(1, static_cast<int>(mine.per_epoch.size()))) +
                           " each");
  o.figures.push_back(
      {"skipped messages in several chains read late", double(mine.read), double(base.read), "messages"});
  o.figures.push_back({"promised by the declared bounds", double(mine.promised), double(base.promised), "messages"});
  if (mine.read < mine.promised) {
    o.verdict = harness::Verdict::fail;
    o.summary = "of " + std::to_string(mine.promised) + " skipped messages spread over " +
                std::to_string(mine.per_epoch.size()) +
                " chains (each chain within max_skipped_keys, all within max_receiver_chains) only " +
                std::to_string(mine.read) + " decrypted late: skipped keys are bounded per session, not per chain";
    o.counterexample = mine.story;
    return o;
  }
  o.summary = "all " + std::to_string(mine.read) + " skipped messages spread over " +
              std::to_string(mine.per_epoch.size()) + " chains decrypted after the ratchet steps";
  return o;
}

// ---------------------------------------------------------------------------------
// ORD-3: replays are refused.
// ---------------------------------------------------------------------------------

struct ReplaySide {
  std::optional<CheckOutcome> stop;
  int replays = 0;
  int refused = 0;
  std::vector<std::string> accepted;  // which replay decrypted
  std::string story;
};

ReplaySide replays(Target& t) {
  ReplaySide side;
  Conversation c(t, "alice", "bob");
  auto stop = [&](auto& op, const std::string& what) {
    side.stop =
        op.violated() ? CheckOutcome::error(op.violation()) : CheckOutcome::unexpected_refusal(what, op.refusal());
    side.stop->counterexample = c.story(12);
    return side;
  };
  auto replay = [&](const Sent& m, const std::string& when) -> bool {
    c.note("replay of #" + std::to_string(m.number) + " " + when + ":");
    auto p = c.deliver(m);
    if (p.violated()) {
      side.stop = CheckOutcome::error(p.violation());
      return false;
    }
    ++side.replays;
    if (p.ok()) {
      side.accepted.push_back("#" + std::to_string(m.number) + " (" + std::string(to_string(m.c.kind)) + ") " + when);
      if (side.story.empty()) side.story = c.story(14);
    } else {
      ++side.refused;
    }
    return true;
  };
  if (auto s = c.start(); !s.ok()) return stop(s, "starting the session");
  auto p0 = c.send(0);
  if (!p0.ok()) return stop(p0, "encrypting the first message");
  if (auto d = c.deliver(*p0); !d.ok()) return stop(d, "delivering the first message");
  if (!replay(*p0, "immediately (prekey message)")) return side;
  auto r0 = c.send(1);
  if (!r0.ok()) return stop(r0, "encrypting the reply");
  if (auto d = c.deliver(*r0); !d.ok()) return stop(d, "delivering the reply");
  if (!replay(*r0, "immediately (the responder's first message)")) return side;
  if (!replay(*p0, "after the responder answered")) return side;
  auto m1 = c.send(0);
  if (!m1.ok()) return stop(m1, "encrypting");
  if (auto d = c.deliver(*m1); !d.ok()) return stop(d, "delivering");
  if (!replay(*m1, "immediately (normal message)")) return side;
  auto m2 = c.send(0);
  auto m3 = c.send(0);
  auto m4 = c.send(0);
  if (!m2.ok() || !m3.ok() || !m4.ok()) return stop(!m2.ok() ? m2 : !m3.ok() ? m3 : m4, "encrypting");
  if (auto d = c.deliver(*m4); !d.ok()) return stop(d, "delivering out of order");
  if (auto d = c.deliver(*m2); !d.ok()) return stop(d, "delivering a skipped message");
  if (!replay(*m2, "immediately (read out of order, from a skipped key)")) return side;
  if (!replay(*m4, "later in the chain")) return side;
  if (!replay(*m1, "later in the chain")) return side;
  for (int i = 0; i < 2; ++i) {
    if (auto r = c.round_trip(1); !r.ok()) return stop(r, "a round trip");
  }
  if (!replay(*m1, "after two ratchet steps")) return side;
  if (!replay(*m2, "after two ratchet steps")) return side;
  if (!replay(*m4, "after two ratchet steps")) return side;
  if (!replay(*r0, "after two ratchet steps")) return side;
  if (!replay(*p0, "after two ratchet steps (prekey message)")) return side;
  if (auto d = c.deliver(*m3); !d.ok()) return stop(d, "delivering the last skipped message after the ratchet steps");
  if (!replay(*m3, "after its late delivery")) return side;
  // The refusals left the session intact.
  if (auto r = c.round_trip(0); !r.ok()) return stop(r, "a round trip after the replays");
  return side;
}

CheckOutcome judge_replays(ReplaySide& mine, ReplaySide* theirs) {
  const ReplaySide& base = *theirs;
  if (mine.stop) return std::move(*mine.stop);
  CheckOutcome o;
  o.figures.push_back({"replays refused", double(mine.refused), double(base.refused), "messages"});
  o.figures.push_back({"replays decrypted", double(mine.accepted.size()), double(base.accepted.size()), "messages"});
  if (!mine.accepted.empty()) {
    o.verdict = harness::Verdict::fail;
    o.summary = std::to_string(mine.accepted.size()) + " of " + std::to_string(mine.replays) +
                " replayed ciphertexts decrypted a second time";
    for (const std::string& a : mine.accepted) o.observations.push_back("decrypted again: " + a);
    o.counterexample = mine.story;
    return o;
  }
  o.summary =
      "all " + std::to_string(mine.replays) +
      " replays (prekey and normal messages; immediately, later in the chain, after ratchet steps) were refused "
      "and the session went on";
  return o;
}

}  // namespace

void register_ord_checks(harness::Registry& registry) {
  add_check(registry, CheckSpec<OrdSide>{
                          .id = "ORD-1.property",
                          .requirement = "ORD-1",
                          .description = "random out-of-order delivery within a chain (RapidCheck, stateful) decrypts "
                                         "each message exactly once",
                          .scenario =
                              [](Run& r) {
                                return ord_property(
                                    r, false,
                                    "out-of-order delivery within one chain decrypts every message exactly once");
                              },
                          .judge = judge_ord_property,
                      });
  add_check(registry, CheckSpec<AtBound>{
                          .id = "ORD-1.at-bound",
                          .requirement = "ORD-1",
                          .description = "a jump of exactly the declared max_skip decrypts, then every promised "
                                         "skipped message once",
                          .scenario = at_bound,
                          .judge = judge_at_bound,
                          .trim = {200, 200, 2048},
                      });
  add_check(registry, CheckSpec<EpochSide>{
                          .id = "ORD-2.epochs",
                          .requirement = "ORD-2",
                          .description = "messages delayed across ratchet steps decrypt as far back as the baseline's",
                          .scenario = [](Run& r) { return epochs(r.target, r.bounds); },
                          .judge = judge_epochs,
                      });
  add_check(registry, CheckSpec<SpreadSide>{
                          .id = "ORD-2.skipped-chains",
                          .requirement = "ORD-2",
                          .description = "skipped messages of several chains, each within max_skipped_keys, decrypt "
                                         "after the ratchet steps",
                          .scenario = [](Run& r) { return spread(r.target, r.bounds); },
                          .judge = judge_spread,
                      });
  add_check(registry, CheckSpec<ReplaySide>{
                          .id = "ORD-3.replay",
                          .requirement = "ORD-3",
                          .description = "replayed prekey and normal messages are refused, now, later and after "
                                         "ratchet steps",
                          .scenario = [](Run& r) { return replays(r.target); },
                          .judge = judge_replays,
                      });
  add_check(registry, CheckSpec<OrdSide>{
                          .id = "ORD-4.property",
                          .requirement = "ORD-4",
                          .description = "random loss, delay and reordering both ways (RapidCheck, stateful) never "
                                         "break the session",
                          .scenario =
                              [](Run& r) {
                                return ord_property(
                                    r, true,
                                    "lost, delayed and reordered messages never break the session for the others");
                              },
                          .judge = judge_ord_property,
                      });
}

}  // namespace parity::suites
