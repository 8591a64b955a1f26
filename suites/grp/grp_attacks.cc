#include "suites/grp/grp_attacks.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "reference/crypto/aes.h"
#include "reference/crypto/x25519.h"
#include "reference/group/group_labels.h"
#include "reference/group/sender_chain_key.h"
#include "reference/group/sender_key_distribution_message.h"
#include "reference/group/sender_key_message.h"
#include "suites/common/check_spec.h"
#include "suites/common/tamper.h"
#include "suites/grp/group_world.h"

namespace parity::suites {

namespace {

using grp::Announce;
using grp::Given;
using grp::Got;
using grp::GroupWorld;
using grp::Hold;
using grp::Ids;
using grp::Routed;
using harness::DeliveryKind;

// PARITY_GRP_OK ends a scenario with the world's stop when a step failed.
#define PARITY_GRP_OK(world, expr) \
  if (!(expr)) return *(world).stop()
// PARITY_GRP_MUST ends a scenario when an op that must work did not.
#define PARITY_GRP_MUST(world, expr, what) \
  if (!(world).must((expr), (what))) return *(world).stop()

// Findings are what a scenario found against its requirement, and notes for people.
struct Findings {
  std::vector<std::string> problems;
  std::vector<std::string> notes;

  void add(const std::vector<std::string>& more) { problems.insert(problems.end(), more.begin(), more.end()); }
  CheckOutcome outcome(const std::string& pass_summary, const GroupWorld& w) const {
    CheckOutcome o = problems.empty() ? CheckOutcome::pass(pass_summary) : CheckOutcome::fail(problems.front());
    for (size_t i = 0; i < problems.size() && i < 12; ++i) o.observations.push_back(problems[i]);
    if (problems.size() > 12) o.observations.push_back("(" + std::to_string(problems.size() - 12) + " more)");
    o.observations.insert(o.observations.end(), notes.begin(), notes.end());
    o.observations.push_back(w.bounds().describe());
    if (!problems.empty()) o.counterexample = w.story(40);
    return o;
  }
};

std::string got_words(const Given& g) {
  switch (g.got) {
    case Got::read:
      return "read";
    case Got::control:
      return "accepted as a control delivery";
    case Got::refused:
      return "refused (" + refusal_text(*g.refusal) + ")";
  }
  return "?";
}

bool has_clones(const Target& t) {
  return t.hello().has("export") && t.hello().has("import");
}

// delivery_to finds the delivery of `kind` produced by message `m` (or, for control, by
// the op that sent it) to `to`; -1 when there is none.
int delivery_to(const GroupWorld& w, int message, const std::string& to, DeliveryKind kind) {
  const std::string op = w.delivery(w.message(message).deliveries.front()).op;
  for (const Routed& d : w.deliveries())
    if (d.op == op && d.to == to && d.kind == kind) return d.id;
  return -1;
}

// ---------------------------------------------------------------------------------
// Signal-v3 envelopes (groups.md "Profile signal-v3 envelopes"): a control envelope is a
// kind byte and a pairwise message; the suite opens one at a clone of its recipient and
// seals plaintexts as NEW pairwise messages from a sender's party.
// ---------------------------------------------------------------------------------

Op<Bytes> open_control(Target& t, const std::string& at, const std::string& from, ByteView env) {
  if (env.empty() || (env[0] != group::kControlPrekey && env[0] != group::kControlMessage))
    return harness::Refusal{ptp::ErrorCode::invalid_message, "not a signal-v3 control envelope"};
  return t.decrypt(at, from, env.subspan(1),
                   env[0] == group::kControlPrekey ? harness::MessageKind::prekey : harness::MessageKind::message);
}

Op<Bytes> seal_control(Target& t, const std::string& from, const std::string& to, ByteView plaintext) {
  auto c = t.encrypt(from, to, plaintext);
  if (!c.ok()) return c.violated() ? Op<Bytes>(c.violation()) : Op<Bytes>(c.refusal());
  Bytes env = {c->kind == harness::MessageKind::prekey ? group::kControlPrekey : group::kControlMessage};
  env.insert(env.end(), c->ciphertext.begin(), c->ciphertext.end());
  return env;
}

// forge_message makes a SenderKeyMessage of chain `chain_key` (at iteration 0) at
// `iteration`, under key id `key_id`, signed with `signing_private`.
Bytes forge_message(uint32_t key_id, const Key32& chain_key, uint32_t iteration, const Key32& signing_private,
                    ByteView plaintext, Rng& rng) {
  group::SenderChainKey ck{0, chain_key};
  for (uint32_t i = 0; i < iteration; ++i) ck = ck.next();
  const group::SenderMessageKey mk = ck.message_key();
  group::SenderKeyMessage m;
  m.key_id = key_id;
  m.iteration = iteration;
  auto c = aes256_cbc_encrypt(mk.cipher_key, mk.iv, plaintext);
  if (c) m.ciphertext = std::move(*c);
  m.sign(signing_private, rng);
  return m.serialize();
}

Key32 random_key(Rng& rng) {
  Key32 k{};
  rng.fill(k);
  return k;
}

// ---------------------------------------------------------------------------------
// GRP-2.tamper: bit flips, truncations, extensions and splices of control and application
// envelopes are refused, and the genuine deliveries that follow are read; with
// group_bundles, a bundle tampered inside its layout is refused by group_add and
// group_create.
// ---------------------------------------------------------------------------------

std::vector<std::pair<Bytes, std::string>> tamperings(ByteView env, ByteView partner, Rng& rng) {
  std::vector<std::pair<Bytes, std::string>> out;
  const size_t bits = env.size() * 8;
  std::set<size_t> flips;
  for (size_t b = 0; b < std::min<size_t>(16, bits); ++b) flips.insert(b);
  for (size_t b = bits > 16 ? bits - 16 : 0; b < bits; ++b) flips.insert(b);
  for (int i = 0; i < 24 && bits > 0; ++i) flips.insert(next_u32(rng) % bits);
  for (size_t b : flips) out.emplace_back(flip_bit(env, b), "bit " + std::to_string(b) + " flipped");
  out.emplace_back(Bytes{}, "truncated to 0 bytes");
  for (size_t c : cut_points(env.size(), 6))
    out.emplace_back(truncated(env, c), "truncated to " + std::to_string(c) + " bytes");
  out.emplace_back(extended(env, Bytes{0}), "extended by a zero byte");
  out.emplace_back(extended(env, random_bytes(rng, 16)), "extended by 16 random bytes");
  if (!partner.empty()) {
    for (size_t c : cut_points(std::min(env.size(), partner.size()), 4)) {
      Bytes s = spliced(env, partner, c);
      // A splice equal to either envelope is no modification (equal to the partner, a replay: GRP-4).
      if (!std::equal(s.begin(), s.end(), env.begin(), env.end()) &&
          !std::equal(s.begin(), s.end(), partner.begin(), partner.end()))
        out.emplace_back(std::move(s), "spliced at byte " + std::to_string(c) + " with another envelope");
    }
  }
  return out;
}

CheckOutcome grp2_tamper(Run& r, Tally& out_) {
  GroupWorld w(r, "g2");
  Findings f;
  r.step("making the group");
  PARITY_GRP_MUST(w, w.create("alice", {"bob", "carol"}), "group_create");
  PARITY_GRP_OK(w, w.round());
  // Fresh control deliveries: dave joins, and alice and carol send while all is held.
  w.set_hold(Hold::all);
  PARITY_GRP_MUST(w, w.add("dave"), "group_add of dave");
  PARITY_GRP_MUST(w, w.encrypt("alice"), "alice sending");
  PARITY_GRP_MUST(w, w.encrypt("carol"), "carol sending");
  int tried = 0;
  int accepted = 0;
  int envelopes = 0;
  std::set<Bytes> done;
  for (const std::string& to : std::vector<std::string>(w.roster())) {
    for (int id : w.pending(to)) {
      const Ids now = w.pending(to);
      if (std::find(now.begin(), now.end(), id) == now.end()) continue;  // given before an application one
      const Routed d = w.delivery(id);
      if (done.insert(d.envelope).second && envelopes < 6) {
        ++envelopes;
        Bytes partner;
        for (const Routed& o : w.deliveries())
          if (o.kind == d.kind && o.envelope != d.envelope) {
            partner = o.envelope;
            break;
          }
        const std::string what =
            std::string(d.kind == DeliveryKind::control ? "control" : "application") + " #" + std::to_string(id);
        r.step("tampering " + what);
        for (auto& [bytes, how] : tamperings(d.envelope, partner, r.rng)) {
          auto g = w.give_bytes(to, d.from, bytes, what + " " + how);
          PARITY_GRP_OK(w, g);
          ++tried;
          if (g->got != Got::refused) {
            ++accepted;
            f.problems.push_back(what + " (" + d.op + ") to " + to + ", " + how + ": " + got_words(*g));
          }
        }
      }
      PARITY_GRP_OK(w, w.give(id));
    }
  }
  w.set_hold(Hold::none);
  PARITY_GRP_OK(w, w.round());
  out_["modifications tried"] = tried;
  out_["modifications accepted"] = accepted;
  const grp::ReadCheck reads = grp::expected_reads(w);
  f.add(reads.problems);
  out_["genuine readings"] = reads.read;

  // Bundles, where members join from them.
  int bundles_tried = 0;
  if (w.with_bundles()) {
    if (!w.make_party("erin")) return *w.stop();
    auto probe2 = w.target().bundle("erin");  // only to learn the layout's ranges
    PARITY_GRP_MUST(w, probe2, "bundle of erin");
    if (!probe2->layout || probe2->layout->ranges.empty()) {
      f.notes.push_back("erin's bundle has no layout: the tampered-bundle leg is not tested (AKE-2 judges layouts)");
    } else {
      for (const harness::LayoutRange& range : probe2->layout->ranges) {
        auto edit = [&range](const std::string&, harness::BundleResult& b) {
          const size_t at = (range.start + range.end) / 2;
          if (at < b.bundle.size()) b.bundle[at] ^= 0x01;
        };
        ++bundles_tried;
        auto op = w.add("erin", edit);
        if (op.violated()) return *w.stop();
        if (op.ok()) {
          f.problems.push_back("group_add accepted erin's bundle with a bit flipped inside its `" + range.name + "`");
          break;
        }
        GroupWorld other(r, "g2b");
        ++bundles_tried;
        auto c = other.create("alice", {"erin"}, edit);
        if (c.violated()) return *other.stop();
        if (c.ok())
          f.problems.push_back("group_create accepted erin's bundle with a bit flipped inside its `" + range.name +
                               "`");
      }
      if (!w.in_roster("erin")) {
        PARITY_GRP_MUST(w, w.add("erin"), "group_add of erin with a genuine bundle, after the tampered ones");
        PARITY_GRP_OK(w, w.round());
        f.add(grp::expected_reads(w).problems);
      }
    }
  } else {
    f.notes.push_back("the target does not declare group_bundles: no bundle is passed, none is tampered");
  }
  out_["tampered bundles"] = bundles_tried;
  return f.outcome(
      std::to_string(tried) + " modifications of " + std::to_string(envelopes) +
          " control and application envelopes were refused and every genuine delivery was read after "
          "them" +
          (bundles_tried > 0 ? "; " + std::to_string(bundles_tried) + " tampered bundles were refused" : ""),
      w);
}

// ---------------------------------------------------------------------------------
// GRP-3.relabel: bob's deliveries given as from carol are not read.
// ---------------------------------------------------------------------------------

CheckOutcome grp3_relabel(Run& r, Tally& out_) {
  GroupWorld w(r, "g3");
  Findings f;
  int tried = 0;
  int read = 0;
  PARITY_GRP_MUST(w, w.create("alice", {"bob", "carol"}), "group_create");
  PARITY_GRP_OK(w, w.round());
  w.set_hold(Hold::application);
  int m = -1;
  PARITY_GRP_MUST(w, w.encrypt("bob", &m), "bob sending");
  const int to_alice = delivery_to(w, m, "alice", DeliveryKind::application);
  if (to_alice >= 0) {
    auto g = w.give(to_alice, "alice", "carol");
    PARITY_GRP_OK(w, g);
    ++tried;
    if (g->got == Got::read) {
      ++read;
      f.problems.push_back("bob's m" + std::to_string(m) + " given to alice as from carol was read");
    }
  }
  PARITY_GRP_OK(w, w.flush_all());
  // A new member: bob's control delivery to dave, and then his message, as from carol.
  w.set_hold(Hold::all);
  PARITY_GRP_MUST(w, w.add("dave"), "group_add of dave");
  PARITY_GRP_OK(w, w.flush_all());  // the add's own deliveries (a commit, a welcome), genuine
  int m2 = -1;
  PARITY_GRP_MUST(w, w.encrypt("bob", &m2), "bob sending");
  for (int id : w.pending("dave")) {
    const Routed d = w.delivery(id);
    if (d.from != "bob") continue;
    auto g = w.give(id, "dave", "carol");
    PARITY_GRP_OK(w, g);
    ++tried;
    if (d.kind == DeliveryKind::application && g->got == Got::read) {
      ++read;
      f.problems.push_back("bob's m" + std::to_string(m2) + " given to dave as from carol was read");
    } else if (d.kind == DeliveryKind::control) {
      f.notes.push_back("bob's control delivery to dave given as from carol: " + got_words(*g));
    }
  }
  PARITY_GRP_OK(w, w.flush_all());
  w.set_hold(Hold::none);
  PARITY_GRP_OK(w, w.round());
  out_["relabelled deliveries"] = tried;
  out_["relabelled deliveries read"] = read;
  const grp::ReadCheck reads = grp::expected_reads(w);
  if (read == 0) f.add(reads.problems);
  return f.outcome(
      std::to_string(tried) + " of bob's deliveries given as from carol were not read, and the genuine ones were", w);
}

// ---------------------------------------------------------------------------------
// GRP-3.forged: bob encrypts with carol's chain under his own signature, and distributes
// his own key as carol's (signal-v3 formats with injected keys; else group_forge).
// ---------------------------------------------------------------------------------

CheckOutcome grp3_forged(Run& r, Tally& out_) {
  const bool formats = r.signal() && r.target.hello().has("inject");
  const bool forge_op = r.target.hello().has("group_forge");
  if (!formats && !forge_op) {
    CheckOutcome o;
    o.verdict = harness::Verdict::not_applicable;
    o.summary =
        "forged sender keys are built from the signal-v3 formats (profile signal with inject) or made with "
        "group_forge; this target has neither";
    o.untested_area = "group_forge";
    return o;
  }
  GroupWorld w(r, "g3f");
  Findings f;
  int tried = 0;
  int read = 0;
  PARITY_GRP_MUST(w, w.create("alice", {"bob", "carol"}), "group_create");
  struct Keys {
    harness::GroupInject inject;
    Key32 chain{};
    Key32 signing{};
    uint32_t id = 0;
  };
  std::map<std::string, Keys> keys;
  for (const std::string& p : std::vector<std::string>(w.roster())) {
    Keys k;
    k.chain = random_key(r.rng);
    k.signing = clamp_private(random_key(r.rng));
    k.id = next_u32(r.rng) & 0x7fffffffu;
    if (formats) k.inject = harness::GroupInject{k.chain, k.signing, k.id};
    PARITY_GRP_MUST(w, w.encrypt(p, nullptr, std::nullopt, k.inject), p + " sending its first message");
    keys[p] = k;
  }
  auto try_forged = [&](ByteView env, const std::string& how) -> bool {
    auto g = w.give_bytes("alice", "carol", env, how);
    if (!g) return false;
    ++tried;
    if (g->got == Got::read) {
      ++read;
      f.problems.push_back(how + ", given to alice as from carol: read");
    }
    return true;
  };
  if (formats) {
    const Keys& carol = keys["carol"];
    const Keys& bob = keys["bob"];
    // 1. carol's chain (which bob holds) at her next iterations, under bob's signature.
    for (uint32_t it : {1u, 5u}) {
      Bytes env = forge_message(carol.id, carol.chain, it, bob.signing, to_bytes("forged by bob as carol"), r.rng);
      PARITY_GRP_OK(
          w, try_forged(env, "a message of carol's chain at iteration " + std::to_string(it) + " signed by bob's key"));
    }
    // 2. bob's own new key distributed under carol's key id, then a message of it.
    const Key32 chain = random_key(r.rng);
    const Key32 signing = clamp_private(random_key(r.rng));
    group::SenderKeyDistributionMessage skdm;
    skdm.key_id = carol.id;
    skdm.iteration = 0;
    skdm.chain_key = chain;
    skdm.signing_key = x25519_public(signing);
    group::GroupKeyWrapper wrapper{w.group(), skdm.serialize()};
    for (const char* as : {"bob", "carol"}) {
      auto env = seal_control(w.target(), "bob", "alice", wrapper.serialize());
      PARITY_GRP_MUST(w, env, "core encrypt from bob to alice");
      auto g = w.give_bytes("alice", as, *env,
                            std::string("bob's own key under carol's key id, in a new pairwise message as from ") + as);
      PARITY_GRP_OK(w, g);
      f.notes.push_back(std::string("bob's own key under carol's key id, as from ") + as + ": " + got_words(*g));
    }
    for (uint32_t it : {0u, 1u}) {
      Bytes env = forge_message(carol.id, chain, it, signing, to_bytes("bob's key as carol's"), r.rng);
      PARITY_GRP_OK(w, try_forged(env, "a message of bob's key distributed under carol's key id, iteration " +
                                           std::to_string(it)));
    }
  } else {
    auto env = w.target().group_forge("bob", w.group(), "carol");
    PARITY_GRP_MUST(w, env, "group_forge by bob as carol");
    PARITY_GRP_OK(w, try_forged(*env, "group_forge: bob's envelope with carol's chain"));
    f.notes.push_back(
        "distributing one's own key as another member's is built from the signal-v3 formats only: not tested here");
  }
  PARITY_GRP_OK(w, w.round());
  out_["forgeries"] = tried;
  out_["forgeries read"] = read;
  if (read == 0) f.add(grp::expected_reads(w).problems);
  return f.outcome(std::to_string(tried) + " forged messages as from carol were refused (" +
                       (formats ? "signal-v3 formats with injected keys" : "group_forge") +
                       "), and genuine messages were read after them",
                   w);
}

// ---------------------------------------------------------------------------------
// GRP-4.replay: application replays give no second plaintext; control replays and older
// copies change nothing; under signal a stale distribution message in a NEW pairwise
// message does not move the chain back.
// ---------------------------------------------------------------------------------

CheckOutcome grp4_replay(Run& r, Tally& out_) {
  GroupWorld w(r, "g4");
  Findings f;
  int app_replays = 0;
  int control_replays = 0;
  int control_accepted = 0;
  PARITY_GRP_MUST(w, w.create("alice", {"bob", "carol", "dave"}), "group_create");
  // bob's clone before he reads alice's first distribution (signal's stale-key leg).
  w.set_hold(Hold::all);
  int first = -1;
  PARITY_GRP_MUST(w, w.encrypt("alice", &first), "alice sending");
  std::optional<std::string> bob_before;
  if (r.signal() && has_clones(r.target)) {
    bob_before = w.clone("bob", false);
    PARITY_GRP_OK(w, bob_before);
  }
  PARITY_GRP_OK(w, w.flush_all());
  w.set_hold(Hold::none);
  PARITY_GRP_OK(w, w.round());
  PARITY_GRP_OK(w, w.round());
  auto replay_apps = [&](const std::string& when) -> bool {
    const std::vector<Routed> all = w.deliveries();
    for (const Routed& d : all) {
      if (d.kind != DeliveryKind::application || !w.in_roster(d.to)) continue;
      auto g = w.give(d.id);
      if (!g) return false;
      ++app_replays;
      if (g->got == Got::read)
        f.problems.push_back("m" + std::to_string(d.message) + " given again to " + d.to + " " + when +
                             " was read a second time");
    }
    return true;
  };
  auto replay_controls = [&](const std::string& when) -> bool {
    const std::vector<Routed> all = w.deliveries();
    for (const Routed& d : all) {
      if (d.kind != DeliveryKind::control || !w.in_roster(d.to)) continue;
      auto g = w.give(d.id);
      if (!g) return false;
      ++control_replays;
      if (g->got == Got::control) ++control_accepted;
      (void)when;
    }
    return true;
  };
  r.step("replaying application deliveries");
  PARITY_GRP_OK(w, replay_apps("(a replay)"));
  // Signal: alice's first distribution, opened at bob's earlier clone, re-sent in a new
  // pairwise message from alice: bob already holds that key at a later iteration.
  if (bob_before) {
    const int control = delivery_to(w, first, "bob", DeliveryKind::control);
    if (control < 0) {
      f.notes.push_back("alice's first message made no control delivery to bob: the stale-distribution leg is skipped");
    } else {
      auto wrapper = open_control(w.target(), *bob_before, "alice", w.delivery(control).envelope);
      PARITY_GRP_MUST(w, wrapper, "opening alice's first distribution at " + *bob_before + " with core decrypt");
      auto env = seal_control(w.target(), "alice", "bob", *wrapper);
      PARITY_GRP_MUST(w, env, "core encrypt from alice to bob");
      auto g = w.give_bytes("bob", "alice", *env, "alice's first distribution (iteration 0) in a new pairwise message");
      PARITY_GRP_OK(w, g);
      f.notes.push_back("a stale distribution of alice's key (iteration 0) in a new pairwise message: " +
                        got_words(*g));
      PARITY_GRP_OK(w, replay_apps("after a stale distribution message"));
    }
  } else {
    f.notes.push_back(r.signal() ? "no export/import: the stale-distribution leg is not tested"
                                 : "the stale-distribution leg is built from the signal-v3 formats: not tested");
  }
  r.step("replaying control deliveries");
  PARITY_GRP_OK(w, replay_controls("(a replay)"));
  PARITY_GRP_OK(w, replay_apps("after control replays"));
  PARITY_GRP_OK(w, w.round());
  // Older copies: after dave's removal every sender's key is superseded.
  PARITY_GRP_MUST(w, w.remove("dave"), "group_remove of dave");
  PARITY_GRP_OK(w, w.round());
  PARITY_GRP_OK(w, replay_controls("(older copies)"));
  PARITY_GRP_OK(w, replay_apps("after older control copies"));
  PARITY_GRP_OK(w, w.round());
  out_["application replays"] = app_replays;
  out_["control replays"] = control_replays;
  out_["control replays accepted"] = control_accepted;
  const grp::ReadCheck reads = grp::expected_reads(w);
  f.add(reads.problems);
  return f.outcome(std::to_string(app_replays) + " application replays gave no second plaintext; " +
                       std::to_string(control_replays) +
                       " control replays and older copies changed nothing (new messages were read after them)",
                   w);
}

// ---------------------------------------------------------------------------------
// GRP-5.removed: carol and her clone, exported right after group_remove and given every
// later delivery, read nothing sent after the removal took effect.
// ---------------------------------------------------------------------------------

CheckOutcome grp5_removed(Run& r, Tally& out_) {
  GroupWorld w(r, "g5");
  Findings f;
  PARITY_GRP_MUST(w, w.create("alice", {"bob", "carol", "dave"}), "group_create");
  PARITY_GRP_OK(w, w.round());
  PARITY_GRP_OK(w, w.round());
  w.set_hold(Hold::all);
  PARITY_GRP_MUST(w, w.remove("carol", Announce::later), "group_remove of carol");
  auto clone = w.clone("carol");
  PARITY_GRP_OK(w, clone);
  w.watch("carol");
  w.set_hold(Hold::none);
  PARITY_GRP_OK(w, w.flush_all());
  PARITY_GRP_MUST(w, w.announce({"carol"}), "announcing the roster without carol");
  const int after = static_cast<int>(w.messages().size());
  for (int i = 0; i < 3; ++i) PARITY_GRP_OK(w, w.round());
  int read = 0;
  for (const std::string& p : {std::string("carol"), *clone})
    for (int m : w.read_by(p))
      if (m >= after) {
        ++read;
        f.problems.push_back(p + " read m" + std::to_string(m) + " from " + w.message(m).sender +
                             ", sent after carol's removal took effect");
      }
  out_["messages sent after the removal"] = static_cast<double>(w.messages().size()) - after;
  out_["read by the removed member or its clone"] = read;
  f.add(grp::expected_reads(w).problems);
  return f.outcome("neither carol nor " + *clone +
                       " (exported right after group_remove), given every later delivery, "
                       "read any of the " +
                       std::to_string(w.messages().size() - static_cast<size_t>(after)) +
                       " messages sent after the removal took effect",
                   w);
}

// ---------------------------------------------------------------------------------
// GRP-6.joined: dave, given every delivery made before his join (those addressed to others
// included), reads none of them, and reads what is sent after it.
// ---------------------------------------------------------------------------------

CheckOutcome grp6_joined(Run& r, Tally& out_) {
  GroupWorld w(r, "g6");
  Findings f;
  PARITY_GRP_MUST(w, w.create("alice", {"bob", "carol"}), "group_create");
  PARITY_GRP_OK(w, w.round());
  PARITY_GRP_OK(w, w.round());
  // One message still held when dave joins.
  w.set_hold(Hold::application);
  PARITY_GRP_MUST(w, w.encrypt("bob"), "bob sending");
  const int before = static_cast<int>(w.deliveries().size());
  const int sent_before = static_cast<int>(w.messages().size());
  PARITY_GRP_MUST(w, w.add("dave"), "group_add of dave");
  PARITY_GRP_OK(w, w.flush("dave"));
  std::set<Bytes> seen;
  for (DeliveryKind kind : {DeliveryKind::control, DeliveryKind::application})
    for (int id = 0; id < before; ++id) {
      const Routed d = w.delivery(id);
      if (d.kind != kind || !seen.insert(d.envelope).second) continue;
      PARITY_GRP_OK(w, w.give(id, "dave", d.from));
    }
  PARITY_GRP_OK(w, w.flush_all());
  w.set_hold(Hold::none);
  PARITY_GRP_OK(w, w.round());
  PARITY_GRP_OK(w, w.round());
  // Again now that dave holds every sender's key (Sender Keys hand it over with the next
  // send): a key handed over at an earlier iteration would read them now.
  std::set<Bytes> again;
  for (int id = 0; id < before; ++id) {
    const Routed d = w.delivery(id);
    if (d.kind != DeliveryKind::application || !again.insert(d.envelope).second) continue;
    PARITY_GRP_OK(w, w.give(id, "dave", d.from));
  }
  int read = 0;
  for (int m : w.read_by("dave"))
    if (m < sent_before) {
      ++read;
      f.problems.push_back("dave read m" + std::to_string(m) + " from " + w.message(m).sender +
                           ", sent before his join took effect");
    }
  out_["earlier deliveries given"] = static_cast<double>(seen.size());
  out_["earlier messages read"] = read;
  f.add(grp::expected_reads(w).problems);
  return f.outcome("dave, given all " + std::to_string(seen.size()) +
                       " distinct earlier deliveries (those addressed to others included), read none of the " +
                       std::to_string(sent_before) + " earlier messages, and read every later one",
                   w);
}

}  // namespace

void register_grp_attack_checks(harness::Registry& registry) {
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "GRP-2.tamper",
                          .requirement = "GRP-2",
                          .description = "bit flips, truncations, extensions and splices of control and application "
                                         "envelopes (and of bundles, with group_bundles) are refused and change "
                                         "nothing",
                          .needs = {Capability::group},
                          .scenario = self_judged(grp2_tamper),
                          .judge = judge_verdicted({{"modifications tried", "envelopes"},
                                                    {"modifications accepted", "envelopes"},
                                                    {"genuine readings", "readings"},
                                                    {"tampered bundles", "bundles"}}),
                      });
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "GRP-3.relabel",
                          .requirement = "GRP-3",
                          .description = "a member's control and application deliveries given as from a third "
                                         "member are not read",
                          .needs = {Capability::group},
                          .scenario = self_judged(grp3_relabel),
                          .judge = judge_verdicted(
                              {{"relabelled deliveries", "deliveries"}, {"relabelled deliveries read", "deliveries"}}),
                      });
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "GRP-3.forged",
                          .requirement = "GRP-3",
                          .description = "a member encrypting with a third's chain under its own signature, or "
                                         "distributing its own key as the third's, is not read as the third",
                          .needs = {Capability::group},
                          .scenario = self_judged(grp3_forged),
                          .judge = judge_verdicted({{"forgeries", "messages"}, {"forgeries read", "messages"}}),
                      });
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "GRP-4.replay",
                          .requirement = "GRP-4",
                          .description = "replayed application deliveries give no second plaintext; replayed and "
                                         "older control deliveries (and, under signal, a stale distribution in a new "
                                         "pairwise message) change nothing",
                          .needs = {Capability::group},
                          .scenario = self_judged(grp4_replay),
                          .judge = judge_verdicted({{"application replays", "deliveries"},
                                                    {"control replays", "deliveries"},
                                                    {"control replays accepted", "deliveries"}}),
                      });
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "GRP-5.removed",
                          .requirement = "GRP-5",
                          .description = "a removed member and its clone, given every later delivery, read nothing "
                                         "sent after the removal",
                          .needs = {Capability::group, Capability::export_state, Capability::import_state},
                          .scenario = self_judged(grp5_removed),
                          .judge = judge_verdicted({{"messages sent after the removal", "messages"},
                                                    {"read by the removed member or its clone", "messages"}}),
                      });
  add_check(
      registry,
      CheckSpec<Verdicted>{
          .id = "GRP-6.joined",
          .requirement = "GRP-6",
          .description = "a new member given every earlier delivery of the group reads none of them",
          .needs = {Capability::group},
          .scenario = self_judged(grp6_joined),
          .judge = judge_verdicted({{"earlier deliveries given", "deliveries"}, {"earlier messages read", "messages"}}),
      });
}

}  // namespace parity::suites
