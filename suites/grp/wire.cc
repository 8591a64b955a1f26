// wire.cc: GRP-12 (groups.md), Sender Keys on the wire as libsignal-protocol-c 2.3.3
// encodes them: a group whose members live in the target and in the reference
// ("Cross-implementation runs"), both ways and across rotations, and application
// envelopes equal byte for byte, with injected keys, to the ones the suite builds with the
// reference's encoders (but for the randomized XEdDSA signature, which must verify).
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "reference/crypto/aes.h"
#include "reference/crypto/x25519.h"
#include "reference/crypto/xeddsa.h"
#include "reference/group/group_labels.h"
#include "reference/group/sender_chain_key.h"
#include "reference/group/sender_key_message.h"
#include "suites/grp/grp_more.h"
#include "suites/grp/probes.h"

namespace parity::suites {

namespace {

using harness::DeliveryKind;
using harness::Verdict;

// --- cross-implementation runs ----------------------------------------------------------

// Mixed is one group whose parties each live in one process; the suite is the server
// between them: it makes the pairwise sessions across processes, announces every roster
// to every member in its own process and routes each delivery to its recipient's process
// with the performer as `from`.
class Mixed {
 public:
  Mixed(Target& target, Target& reference, std::string group) : t_(target), ref_(reference), group_(std::move(group)) {}

  void place(const std::string& party, bool in_target) { home_[party] = in_target ? &t_ : &ref_; }
  Target& at(const std::string& party) { return *home_.at(party); }
  std::string where(const std::string& party) { return home_.at(party) == &t_ ? "the target" : "the reference"; }
  const std::optional<CheckOutcome>& stop() const { return stop_; }
  const std::vector<std::string>& log() const { return log_; }

  template <class T>
  bool must(const Op<T>& op, const std::string& what) {
    if (op.ok()) return true;
    if (!stop_) {
      stop_ = outcome_of(op, what);
      stop_->counterexample = story();
    }
    return false;
  }
  void fail(const std::string& what) {
    if (stop_) return;
    stop_ = CheckOutcome::fail(what);
    stop_->counterexample = story();
  }
  std::string story() const {
    std::string s;
    const size_t first = log_.size() > 40 ? log_.size() - 40 : 0;
    for (size_t i = first; i < log_.size(); ++i) s += log_[i] + "\n";
    return s;
  }

  // setup creates every party in its process and a pairwise session between every two.
  bool setup() {
    std::vector<std::string> names;
    for (const auto& [p, t] : home_) {
      if (!must(t->create(p), "create " + p + " in " + where(p))) return false;
      names.push_back(p);
    }
    for (size_t i = 0; i < names.size(); ++i)
      for (size_t j = i + 1; j < names.size(); ++j)
        if (!pair(names[i], names[j])) return false;
    return true;
  }

  bool pair(const std::string& a, const std::string& b) {
    auto bundle = at(b).bundle(b);
    if (!must(bundle, "bundle of " + b + " in " + where(b))) return false;
    if (!must(at(a).initiate(a, b, bundle->bundle), a + " (" + where(a) + ") initiating with " + b)) return false;
    for (const auto& [x, y] : {std::pair{a, b}, std::pair{b, a}}) {
      const Bytes pt = to_bytes("pairwise " + x + " to " + y);
      auto c = at(x).encrypt(x, y, pt);
      if (!must(c, x + " (" + where(x) + ") encrypting to " + y)) return false;
      auto p = at(y).decrypt(y, x, c->ciphertext, c->kind);
      if (!must(p, y + " (" + where(y) + ") decrypting " + x + "'s pairwise message")) return false;
    }
    return true;
  }

  // announce gives the roster to every party that was ever a member.
  bool announce(const std::vector<std::string>& roster, const std::vector<std::string>& also = {}) {
    std::vector<std::string> to = roster;
    for (const std::string& a : also)
      if (std::find(to.begin(), to.end(), a) == to.end()) to.push_back(a);
    for (const std::string& p : to) {
      auto op = at(p).group_roster(p, group_, roster);
      if (!must(op, "group_roster at " + p + " (" + where(p) + ")")) return false;
      if (!route(p, *op, "the roster announced to " + p)) return false;
    }
    return true;
  }

  // route gives every delivery of an op performed by `from` in its recipient's process.
  bool route(const std::string& from, const harness::Deliveries& ds, const std::string& what) {
    for (const harness::Delivery& d : ds) {
      if (home_.count(d.to) == 0) {
        fail(what + " addressed a delivery to " + d.to + ", who is no party of the run");
        return false;
      }
      auto g = at(d.to).group_receive(d.to, group_, from, d.envelope);
      const std::string line = what + ": " + std::string(to_string(d.kind)) + " delivery from " + from + " (" +
                               where(from) + ") to " + d.to + " (" + where(d.to) + ")";
      if (!must(g, line)) return false;
      log_.push_back(line + ": " + (g->kind == DeliveryKind::control ? "accepted" : "read"));
      if (g->kind == DeliveryKind::application) reads_[d.to].push_back(g->plaintext);
    }
    return true;
  }

  // send has `sender` encrypt in its process and routes the deliveries; every party in
  // `readers` must then have read the plaintext exactly once.
  bool send(const std::string& sender, const std::vector<std::string>& readers, int n) {
    const Bytes pt = to_bytes(group_ + " m" + std::to_string(n) + " from " + sender);
    auto op = at(sender).group_encrypt(sender, group_, pt);
    if (!must(op, sender + " (" + where(sender) + ") sending m" + std::to_string(n))) return false;
    log_.push_back(sender + " (" + where(sender) + ") sends m" + std::to_string(n));
    if (!route(sender, *op, "m" + std::to_string(n))) return false;
    for (const std::string& r : readers) {
      if (r == sender) continue;
      const auto& got = reads_[r];
      const auto times = std::count(got.begin(), got.end(), pt);
      if (times != 1) {
        fail(r + " (" + where(r) + ") read m" + std::to_string(n) + " of " + sender + " (" + where(sender) + ") " +
             std::to_string(times) + " times, not once");
        return false;
      }
    }
    ++sent_;
    return true;
  }
  int sent() const { return sent_; }

 private:
  Target& t_;
  Target& ref_;
  std::string group_;
  std::map<std::string, Target*> home_;
  std::map<std::string, std::vector<Bytes>> reads_;
  std::vector<std::string> log_;
  std::optional<CheckOutcome> stop_;
  int sent_ = 0;
};

// cross_run: the creator lives in one process, the members in both; every member sends in
// every round, across a removal (a rotation of every key) and a re-add.
CheckOutcome cross_run(Run& r, bool target_creates) {
  Target& ref = *r.peer;
  Mixed m(r.target, ref, target_creates ? "g12t" : "g12r");
  // alice creates; alice and carol live with the creator, bob and dave in the other process.
  m.place("alice", target_creates);
  m.place("carol", target_creates);
  m.place("bob", !target_creates);
  m.place("dave", !target_creates);
  const std::vector<std::string> all = {"alice", "bob", "carol", "dave"};
  const std::vector<std::string> without_dave = {"alice", "bob", "carol"};
  int n = 0;
  auto round = [&](const std::vector<std::string>& members) {
    for (const std::string& p : members)
      if (!m.send(p, members, n++)) return false;
    return true;
  };
  auto run = [&] {
    if (!m.setup()) return false;
    auto c = m.at("alice").group_create("alice", target_creates ? "g12t" : "g12r", {"bob", "carol", "dave"});
    if (!m.must(c, "group_create at alice (" + m.where("alice") + ")")) return false;
    if (!m.route("alice", *c, "alice creates the group") || !m.announce(all)) return false;
    if (!round(all) || !round(all)) return false;
    auto rm = m.at("alice").group_remove("alice", target_creates ? "g12t" : "g12r", "dave");
    if (!m.must(rm, "alice removing dave")) return false;
    if (!m.route("alice", *rm, "alice removes dave") || !m.announce(without_dave, {"dave"})) return false;
    if (!round(without_dave)) return false;
    auto add = m.at("alice").group_add("alice", target_creates ? "g12t" : "g12r", "dave");
    if (!m.must(add, "alice re-adding dave")) return false;
    if (!m.route("alice", *add, "alice re-adds dave") || !m.announce(all)) return false;
    return round(all) && round(all);
  };
  if (!run()) return *m.stop();
  return CheckOutcome::pass(std::to_string(m.sent()) + " group messages with the creator in " +
                            (target_creates ? "the target" : "the reference") +
                            " were read once by every member in both processes, across a removal and a re-add");
}

CheckOutcome cross_runs(Run& r, Tally&) {
  CheckOutcome a = cross_run(r, true);
  if (a.verdict != Verdict::pass) return a;
  CheckOutcome b = cross_run(r, false);
  if (b.verdict != Verdict::pass) return b;
  CheckOutcome out = CheckOutcome::pass(
      "the target and the reference read each other's Sender Keys deliveries, "
      "both ways, across rotations");
  out.observations = {a.summary, b.summary};
  return out;
}

// --- byte-exact application envelopes ---------------------------------------------------

// expected_body is the signed part of the SenderKeyMessage of `plaintext` at `iteration`
// of the chain that starts at `chain_key`, as libsignal-protocol-c makes it.
Bytes expected_body(const Key32& chain_key, uint32_t chain_id, uint32_t iteration, ByteView plaintext) {
  group::SenderChainKey ck{0, chain_key};
  while (ck.iteration < iteration) ck = ck.next();
  const group::SenderMessageKey mk = ck.message_key();
  auto ct = aes256_cbc_encrypt(mk.cipher_key, mk.iv, plaintext);
  group::SenderKeyMessage m;
  m.key_id = chain_id;
  m.iteration = iteration;
  m.ciphertext = ct.ok() ? *ct : Bytes{};
  return m.body();
}

// byte_exact: alice's first messages, and her first after a rotation, made with injected
// keys, are compared with the suite's own encoding.
CheckOutcome byte_exact(Run& r, Tally& tally) {
  if (auto o = grp::fresh(r, 1)) return *o;
  grp::GroupWorld w(r, "g12x");
  PARITY_GRP(w, w.create("alice", {"bob", "carol", "dave"}), "group_create");
  int compared = 0;
  std::vector<std::string> wrong;
  for (int epoch = 0; epoch < 2; ++epoch) {
    // The rotation: group_update where the target has it (GRP-12 judges the wire, not
    // when a target rotates, which is GRP-5's), else a removal.
    if (epoch == 1 && r.target.hello().has("group_update")) PARITY_GRP(w, w.update("alice"), "alice's group_update");
    if (epoch == 1 && !r.target.hello().has("group_update"))
      PARITY_GRP(w, w.remove("dave"), "alice removing dave (a rotation)");
    Bytes k = random_bytes(r.rng, 64);
    harness::GroupInject inject;
    Key32 chain_key{};
    Key32 signing{};
    std::copy(k.begin(), k.begin() + 32, chain_key.begin());
    std::copy(k.begin() + 32, k.end(), signing.begin());
    signing[0] &= 248;
    signing[31] &= 127;
    signing[31] |= 64;
    const uint32_t chain_id = next_u32(r.rng) & 0x7fffffffu;
    inject.chain_key = chain_key;
    inject.signing_private = signing;
    inject.chain_id = chain_id;
    const Key32 signing_public = x25519_public(signing);
    for (uint32_t iteration = 0; iteration < 3; ++iteration) {
      int n = -1;
      PARITY_GRP(w, w.encrypt("alice", &n, std::nullopt, iteration == 0 ? inject : harness::GroupInject{}),
                 "alice sending");
      const grp::Message& msg = w.message(n);
      if (msg.deliveries.empty()) return grp::stopped_or(w, CheckOutcome::fail("alice's message has no delivery"));
      const Bytes& env = w.delivery(msg.deliveries.front()).envelope;
      for (int id : msg.deliveries) {
        if (w.delivery(id).envelope != env)
          wrong.push_back("m" + std::to_string(n) + ": the application envelope differs between recipients");
      }
      const Bytes want = expected_body(chain_key, chain_id, iteration, msg.plaintext);
      ++compared;
      const std::string label = (epoch == 0 ? "first key" : "key after the rotation") + std::string(", iteration ") +
                                std::to_string(iteration);
      if (env.size() != want.size() + group::kSenderKeySignatureLength ||
          !std::equal(want.begin(), want.end(), env.begin())) {
        wrong.push_back(label + ": want " + short_hex(want, 48) + " || signature, got " + short_hex(env, 48) + " (" +
                        std::to_string(env.size()) + " bytes)");
        continue;
      }
      const ByteView sig(env.data() + want.size(), group::kSenderKeySignatureLength);
      if (!xeddsa_verify(signing_public, want, sig))
        wrong.push_back(label + ": the signature does not verify under 0x05 || X25519(signing_private)");
    }
  }
  tally["application envelopes not as libsignal's"] = static_cast<double>(wrong.size());
  if (!wrong.empty()) {
    CheckOutcome out = CheckOutcome::fail(wrong.front());
    out.observations = wrong;
    out.counterexample = w.story();
    return out;
  }
  return CheckOutcome::pass(std::to_string(compared) +
                            " application envelopes made with injected keys (two chains, a rotation between) equal "
                            "libsignal-protocol-c's encoding byte for byte, and their XEdDSA signatures verify");
}

}  // namespace

void register_grp_wire_checks(harness::Registry& registry) {
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "GRP-12.cross-implementation",
                          .requirement = "GRP-12",
                          .description = "a group whose members live in the target and in the reference, the creator "
                                         "in each in turn, across a removal and a re-add",
                          .needs = {Capability::group},
                          .baseline = BaselineUse::peer,
                          .scenario = self_judged(cross_runs),
                          .judge = judge_verdicted({}),
                      });
  add_check(registry, CheckSpec<Verdicted>{
                          .id = "GRP-12.byte-exact",
                          .requirement = "GRP-12",
                          .description = "application envelopes with injected chain_key, signing_private and chain_id "
                                         "equal libsignal-protocol-c's but for a signature that verifies",
                          .needs = {Capability::group, Capability::inject},
                          .baseline = BaselineUse::none,
                          .scenario = self_judged(byte_exact),
                          .judge = judge_verdicted({{"application envelopes not as libsignal's", "envelopes"}}),
                      });
}

}  // namespace parity::suites
