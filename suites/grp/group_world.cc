#include "suites/grp/group_world.h"

#include <algorithm>

namespace parity::suites::grp {

namespace {

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

std::string outcome_words(const Given& g, const std::vector<Message>& messages) {
  switch (g.got) {
    case Got::control:
      return "accepted (control)";
    case Got::read:
      if (g.message >= 0) {
        const Message& m = messages[static_cast<size_t>(g.message)];
        return "reads m" + std::to_string(m.n) + (m.sender != g.from ? " (sent by " + m.sender + ")" : "");
      }
      return "reads other bytes (" + short_hex(g.plaintext) + ")";
    case Got::refused:
      return "refuses it (" + std::string(ptp::to_string(g.refusal->code)) + ")";
  }
  return "?";
}

}  // namespace

std::string origin_of(const std::string& party) {
  const size_t tilde = party.find('~');
  return tilde == std::string::npos ? party : party.substr(0, tilde);
}

GroupWorld::GroupWorld(Run& r, std::string group)
    : t_(r.target),
      group_(std::move(group)),
      bounds_(group_bounds_of(r.target, r.is_baseline ? nullptr : r.ctx.baseline)),
      server_roster_(r.target.hello().group_roster == harness::GroupRoster::server),
      bundles_(r.target.hello().group_bundles) {}

bool GroupWorld::in_roster(const std::string& party) const {
  return std::find(roster_.begin(), roster_.end(), party) != roster_.end();
}

void GroupWorld::halt(CheckOutcome o) {
  if (stop_) return;
  o.counterexample = story(30);
  stop_ = std::move(o);
}

void GroupWorld::violated(const harness::Violation& v) {
  if (!stop_) violation_ = v;
  halt(CheckOutcome::error(v));
}

bool GroupWorld::make_party(const std::string& party) {
  if (stopped()) return false;
  if (parties_.count(party) != 0) return true;
  if (!must(t_.create(party), "create " + party)) return false;
  parties_.insert(party);
  return true;
}

bool GroupWorld::pair(const std::string& a, const std::string& b) {
  if (!make_party(a) || !make_party(b)) return false;
  const auto key = a < b ? std::make_pair(a, b) : std::make_pair(b, a);
  if (paired_.count(key) != 0) return true;
  const std::string what = "the pairwise session " + a + " - " + b;
  auto bundle = t_.bundle(b);
  if (!must(bundle, what + ": bundle of " + b)) return false;
  if (!must(t_.initiate(a, b, bundle->bundle), what + ": initiate")) return false;
  const Bytes hello_ab = to_bytes("pairwise " + a + " to " + b);
  auto c1 = t_.encrypt(a, b, hello_ab);
  if (!must(c1, what + ": encrypt " + a + " to " + b)) return false;
  if (!must(t_.decrypt(b, a, c1->ciphertext, c1->kind), what + ": decrypt at " + b)) return false;
  const Bytes hello_ba = to_bytes("pairwise " + b + " to " + a);
  auto c2 = t_.encrypt(b, a, hello_ba);
  if (!must(c2, what + ": encrypt " + b + " to " + a)) return false;
  if (!must(t_.decrypt(a, b, c2->ciphertext, c2->kind), what + ": decrypt at " + a)) return false;
  paired_.insert(key);
  return true;
}

Op<Bytes> GroupWorld::fresh_bundle(const std::string& member, const BundleEdit& edit) {
  // A fresh bundle for each add, never one used for initiate (key packages are single-use).
  auto b = t_.bundle(member);
  if (!b.ok()) return b.violated() ? Op<Bytes>(b.violation()) : Op<Bytes>(b.refusal());
  if (edit) edit(member, b.value());
  return std::move(b->bundle);
}

std::vector<std::string> GroupWorld::audience(const std::string& sender) const {
  auto view = views_.find(sender);
  if (server_roster_ || view == views_.end()) return roster_;
  std::vector<std::string> out;
  for (const std::string& p : roster_)
    if (std::find(view->second.begin(), view->second.end(), p) != view->second.end()) out.push_back(p);
  return out;
}

Ids GroupWorld::take(const Deliveries& ds, const std::string& from, const std::string& op, int message) {
  Ids ids;
  for (const harness::Delivery& d : ds) {
    Routed rd;
    rd.id = static_cast<int>(routed_.size());
    rd.from = from;
    rd.to = d.to;
    rd.kind = d.kind;
    rd.envelope = d.envelope;
    rd.op = op;
    rd.message = d.kind == DeliveryKind::application ? message : -1;
    rd.roster = roster_;
    if (message >= 0 && d.kind == DeliveryKind::application)
      messages_[static_cast<size_t>(message)].deliveries.push_back(rd.id);
    ids.push_back(rd.id);
    routed_.push_back(std::move(rd));
  }
  return ids;
}

bool GroupWorld::route(const Ids& ids, bool at_once) {
  for (int id : ids) {
    if (stopped()) return false;
    const Routed& rd = delivery(id);
    const bool held =
        !at_once && (hold_ == Hold::all || (hold_ == Hold::application && rd.kind == DeliveryKind::application));
    if (held) {
      pending_[rd.to].push_back(id);
    } else if (!give(id)) {
      return false;
    }
  }
  return !stopped();
}

std::optional<Op<Ids>> GroupWorld::failed(const Op<harness::Deliveries>& op, const std::string& words) {
  if (op.violated()) {
    note(words + ": violates PTP");
    violated(op.violation());
    return Op<Ids>(op.violation());
  }
  if (op.refused()) {
    note(words + ": refused (" + std::string(ptp::to_string(op.refusal().code)) + ")");
    return Op<Ids>(op.refusal());
  }
  return std::nullopt;
}

Op<Ids> GroupWorld::create(const std::string& creator, const std::vector<std::string>& members,
                           const BundleEdit& edit) {
  if (stopped()) return harness::Refusal{ptp::ErrorCode::internal, "stopped"};
  std::vector<std::string> all = {creator};
  all.insert(all.end(), members.begin(), members.end());
  for (size_t i = 0; i < all.size(); ++i)
    for (size_t j = i + 1; j < all.size(); ++j)
      if (!pair(all[i], all[j])) return harness::Refusal{ptp::ErrorCode::internal, "stopped"};
  std::map<std::string, Bytes> bundles;
  if (bundles_) {
    for (const std::string& m : members) {
      auto b = fresh_bundle(m, edit);
      if (!must(b, "a fresh bundle of " + m)) return b.violated() ? Op<Ids>(b.violation()) : Op<Ids>(b.refusal());
      bundles[m] = std::move(*b);
    }
  }
  auto op = t_.group_create(creator, group_, members, bundles);
  const std::string words = creator + " creates " + group_ + " with " + join(members);
  if (auto f = failed(op, words)) return *f;
  note(words);
  creator_ = creator;
  roster_ = all;
  views_[creator] = roster_;
  Ids ids = take(*op, creator, words, -1);
  if (!route(ids, false)) return harness::Refusal{ptp::ErrorCode::internal, "stopped"};
  auto a = announce();
  if (!a.ok()) return a;
  ids.insert(ids.end(), a->begin(), a->end());
  return ids;
}

Op<Ids> GroupWorld::add(const std::string& member, const BundleEdit& edit, Announce announce_when) {
  if (stopped()) return harness::Refusal{ptp::ErrorCode::internal, "stopped"};
  for (const std::string& m : std::vector<std::string>(roster_))
    if (!pair(m, member)) return harness::Refusal{ptp::ErrorCode::internal, "stopped"};
  std::optional<Bytes> bundle;
  if (bundles_) {
    auto b = fresh_bundle(member, edit);
    if (!must(b, "a fresh bundle of " + member)) return b.violated() ? Op<Ids>(b.violation()) : Op<Ids>(b.refusal());
    bundle = std::move(*b);
  }
  auto op = bundle ? t_.group_add(creator_, group_, member, ByteView(*bundle)) : t_.group_add(creator_, group_, member);
  const std::string words = creator_ + " adds " + member;
  if (auto f = failed(op, words)) return *f;
  note(words);
  roster_.push_back(member);
  removed_.erase(member);
  views_[creator_] = roster_;
  Ids ids = take(*op, creator_, words, -1);
  if (!route(ids, false)) return harness::Refusal{ptp::ErrorCode::internal, "stopped"};
  if (announce_when == Announce::now) {
    auto a = announce();
    if (!a.ok()) return a;
    ids.insert(ids.end(), a->begin(), a->end());
  }
  return ids;
}

Op<Ids> GroupWorld::remove(const std::string& member, Announce announce_when, const std::string& performer) {
  if (stopped()) return harness::Refusal{ptp::ErrorCode::internal, "stopped"};
  const std::string by = performer.empty() ? creator_ : performer;
  auto op = t_.group_remove(by, group_, member);
  const std::string words = by + " removes " + member;
  if (auto f = failed(op, words)) return *f;
  note(words);
  roster_.erase(std::remove(roster_.begin(), roster_.end(), member), roster_.end());
  removed_.insert(member);
  views_[by] = roster_;
  Ids ids = take(*op, by, words, -1);
  if (!route(ids, false)) return harness::Refusal{ptp::ErrorCode::internal, "stopped"};
  if (announce_when == Announce::now) {
    auto a = announce({member});
    if (!a.ok()) return a;
    ids.insert(ids.end(), a->begin(), a->end());
  }
  return ids;
}

Op<Ids> GroupWorld::announce(const std::vector<std::string>& also) {
  if (stopped()) return harness::Refusal{ptp::ErrorCode::internal, "stopped"};
  Ids all;
  if (!server_roster_) return all;
  std::vector<std::string> to = roster_;
  for (const std::string& a : also)
    if (std::find(to.begin(), to.end(), a) == to.end()) to.push_back(a);
  note("the server announces the roster [" + join(roster_) + "] to " + join(to));
  for (const std::string& p : to) {
    auto op = t_.group_roster(p, group_, roster_);
    if (!must(op, "group_roster at " + p)) return op.violated() ? Op<Ids>(op.violation()) : Op<Ids>(op.refusal());
    Ids ids = take(*op, p, "the roster announced to " + p, -1);
    if (!route(ids, false)) return harness::Refusal{ptp::ErrorCode::internal, "stopped"};
    all.insert(all.end(), ids.begin(), ids.end());
  }
  return all;
}

Op<Ids> GroupWorld::encrypt(const std::string& sender, int* message_out, std::optional<Bytes> plaintext,
                            const harness::GroupInject& inject) {
  if (stopped()) return harness::Refusal{ptp::ErrorCode::internal, "stopped"};
  const int n = static_cast<int>(messages_.size());
  Bytes pt = plaintext ? *plaintext : to_bytes(group_ + " m" + std::to_string(n) + " from " + sender);
  auto op = t_.group_encrypt(sender, group_, pt, inject);
  const std::string words = sender + " sends m" + std::to_string(n);
  if (auto f = failed(op, words)) return *f;
  Message m;
  m.n = n;
  m.sender = sender;
  m.plaintext = pt;
  m.roster = audience(sender);
  messages_.push_back(std::move(m));
  by_plaintext_.emplace(pt, n);
  note(words);
  if (message_out != nullptr) *message_out = n;
  Ids ids = take(*op, sender, words, n);
  if (!route(ids, false)) return harness::Refusal{ptp::ErrorCode::internal, "stopped"};
  return ids;
}

Op<Ids> GroupWorld::update(const std::string& party) {
  if (stopped()) return harness::Refusal{ptp::ErrorCode::internal, "stopped"};
  auto op = t_.group_update(party, group_);
  const std::string words = party + " updates its keys";
  if (auto f = failed(op, words)) return *f;
  note(words);
  Ids ids = take(*op, party, words, -1);
  if (!route(ids, false)) return harness::Refusal{ptp::ErrorCode::internal, "stopped"};
  return ids;
}

Op<Ids> GroupWorld::announce_to(const std::string& party, const std::vector<std::string>& roster) {
  if (stopped()) return harness::Refusal{ptp::ErrorCode::internal, "stopped"};
  note("the server announces the roster [" + join(roster) + "] to " + party);
  auto op = t_.group_roster(party, group_, roster);
  if (op.violated()) violated(op.violation());
  if (!op.ok()) return op.violated() ? Op<Ids>(op.violation()) : Op<Ids>(op.refusal());
  Ids ids = take(*op, party, "the roster announced to " + party, -1);
  if (!route(ids, false)) return harness::Refusal{ptp::ErrorCode::internal, "stopped"};
  return ids;
}

void GroupWorld::adopt(const GroupWorld& other) {
  parties_.insert(other.parties_.begin(), other.parties_.end());
  paired_.insert(other.paired_.begin(), other.paired_.end());
}

std::optional<std::vector<int>> GroupWorld::round() {
  std::vector<int> sent;
  const Hold before = hold_;
  hold_ = Hold::none;  // a round routes at once
  for (const std::string& p : std::vector<std::string>(roster_)) {
    int n = -1;
    auto op = encrypt(p, &n);
    if (!must(op, p + " sending in a round")) {
      hold_ = before;
      return std::nullopt;
    }
    sent.push_back(n);
  }
  hold_ = before;
  return sent;
}

std::optional<std::string> GroupWorld::clone(const std::string& party, bool follow) {
  if (stopped()) return std::nullopt;
  size_t count = 0;
  for (const auto& [p, cs] : clones_) count += cs.size();
  const std::string name = party + "~" + std::to_string(count + 1);
  auto state = t_.export_state(party);
  if (!must(state, "export " + party)) return std::nullopt;
  if (!must(t_.import_state(name, *state), "import " + party + "'s state as " + name)) return std::nullopt;
  note("the attacker exports " + party + " and imports it as " + name);
  parties_.insert(name);
  clones_[party].push_back(name);
  if (follow) following_.insert(name);
  return name;
}

const std::vector<std::string>& GroupWorld::clones_of(const std::string& party) const {
  static const std::vector<std::string> kNone;
  auto it = clones_.find(party);
  return it == clones_.end() ? kNone : it->second;
}

void GroupWorld::watch(const std::string& party) {
  watchers_.emplace(party, std::set<Bytes>{});
  note(party + " is given every later delivery of the group");
}

std::optional<Given> GroupWorld::receive(const std::string& at, const std::string& from, ByteView envelope,
                                         int delivery_id, const std::string& label) {
  if (stopped()) return std::nullopt;
  auto op = t_.group_receive(at, group_, from, envelope);
  if (op.violated()) {
    note(label + " given to " + at + " as from " + from + ": violates PTP");
    violated(op.violation());
    return std::nullopt;
  }
  Given g;
  g.delivery = delivery_id;
  g.at = at;
  g.from = from;
  if (op.refused()) {
    g.got = Got::refused;
    g.refusal = op.refusal();
  } else if (op->kind == DeliveryKind::control) {
    g.got = Got::control;
    // The member now knows the group as the op that made this delivery left it.
    if (delivery_id >= 0 && routed_[static_cast<size_t>(delivery_id)].to == origin_of(at))
      views_[at] = routed_[static_cast<size_t>(delivery_id)].roster;
  } else {
    g.got = Got::read;
    g.plaintext = op->plaintext;
    g.message = message_of(g.plaintext);
  }
  note(label + " given to " + at + (from != origin_of(at) ? " as from " + from : "") + ": " +
       outcome_words(g, messages_));
  given_.push_back(g);
  return g;
}

std::optional<Given> GroupWorld::give_one(int id, const std::string& at, const std::string& from) {
  const Routed& rd = delivery(id);
  std::string label = rd.kind == DeliveryKind::control ? "control #" + std::to_string(id) + " (" + rd.op + ")"
                                                       : "m" + std::to_string(rd.message) + " #" + std::to_string(id);
  if (at != rd.to) label += " (addressed to " + rd.to + ")";
  return receive(at, from, rd.envelope, id, label);
}

std::optional<Given> GroupWorld::give(int id, const std::string& at, const std::string& from) {
  if (stopped()) return std::nullopt;
  const Routed rd = delivery(id);
  const std::string to = at.empty() ? rd.to : at;
  const std::string sender = from.empty() ? rd.from : from;
  if (to != rd.to || sender != rd.from) return give_one(id, to, sender);  // the scenario's own routing
  std::deque<int>& q = pending_[rd.to];
  q.erase(std::remove(q.begin(), q.end(), id), q.end());
  if (rd.kind == DeliveryKind::application) {
    // Control deliveries to a recipient keep their order and precede later application ones.
    std::vector<int> before;
    for (int p : q)
      if (p < id && delivery(p).kind == DeliveryKind::control) before.push_back(p);
    for (int p : before)
      if (!give(p)) return std::nullopt;
  }
  std::optional<Given> g = give_one(id, rd.to, rd.from);
  if (!g) return g;
  for (const std::string& c : clones_of(rd.to))
    if (following_.count(c) != 0 && !give_one(id, c, rd.from)) return std::nullopt;
  for (auto& [watcher, seen] : watchers_) {
    if (!seen.insert(rd.envelope).second || watcher == rd.to) continue;
    if (!give_one(id, watcher, rd.from)) return std::nullopt;
    for (const std::string& c : clones_of(watcher))
      if (following_.count(c) != 0 && !give_one(id, c, rd.from)) return std::nullopt;
  }
  return g;
}

std::optional<Given> GroupWorld::give_bytes(const std::string& at, const std::string& from, ByteView envelope,
                                            const std::string& label) {
  return receive(at, from, envelope, -1, label);
}

bool GroupWorld::flush(const std::string& at) {
  while (!stopped()) {
    auto it = pending_.find(at);
    if (it == pending_.end() || it->second.empty()) break;
    if (!give(it->second.front())) return false;
  }
  return !stopped();
}

bool GroupWorld::flush_all() {
  std::vector<std::string> recipients;
  for (const auto& [to, q] : pending_)
    if (!q.empty()) recipients.push_back(to);
  for (const std::string& to : recipients)
    if (!flush(to)) return false;
  return !stopped();
}

void GroupWorld::drop(int id) {
  const Routed& rd = delivery(id);
  std::deque<int>& q = pending_[rd.to];
  q.erase(std::remove(q.begin(), q.end(), id), q.end());
  note((rd.kind == DeliveryKind::control ? "control #" : "m" + std::to_string(rd.message) + " #") + std::to_string(id) +
       " to " + rd.to + " dropped");
}

Ids GroupWorld::pending(const std::string& at) const {
  auto it = pending_.find(at);
  return it == pending_.end() ? Ids{} : Ids(it->second.begin(), it->second.end());
}

int GroupWorld::message_of(ByteView plaintext) const {
  auto it = by_plaintext_.find(Bytes(plaintext.begin(), plaintext.end()));
  return it == by_plaintext_.end() ? -1 : it->second;
}

int GroupWorld::times_read(const std::string& at, int message) const {
  return static_cast<int>(std::count_if(given_.begin(), given_.end(), [&](const Given& g) {
    return g.at == at && g.delivery >= 0 && g.got == Got::read && g.message == message;
  }));
}

std::vector<int> GroupWorld::read_by(const std::string& at) const {
  std::vector<int> out;
  for (const Given& g : given_)
    if (g.at == at && g.delivery >= 0 && g.got == Got::read && g.message >= 0 &&
        std::find(out.begin(), out.end(), g.message) == out.end())
      out.push_back(g.message);
  return out;
}

std::string GroupWorld::story(size_t max_lines) const {
  std::string s;
  const size_t first = log_.size() > max_lines ? log_.size() - max_lines : 0;
  if (first > 0) s += "(" + std::to_string(first) + " earlier steps left out)\n";
  for (size_t i = first; i < log_.size(); ++i) s += log_[i] + "\n";
  return s;
}

ReadCheck expected_reads(const GroupWorld& w) {
  ReadCheck out;
  for (const Message& m : w.messages()) {
    for (const std::string& r : m.roster) {
      if (r == m.sender) continue;
      out.expected += 1;
      const int times = w.times_read(r, m.n);
      if (times == 1) {
        out.read += 1;
        continue;
      }
      if (times > 1) {
        out.problems.push_back(r + " read m" + std::to_string(m.n) + " from " + m.sender + " " + std::to_string(times) +
                               " times");
        continue;
      }
      std::string why = "it was never given to it";
      for (const Given& g : w.given())
        if (g.at == r && g.delivery >= 0 && w.delivery(g.delivery).message == m.n)
          why = g.got == Got::refused ? "refused (" + refusal_text(*g.refusal) + ")"
                                      : (g.got == Got::control ? "taken as a control delivery" : "read other bytes");
      out.problems.push_back(r + " did not read m" + std::to_string(m.n) + " from " + m.sender + ": " + why);
    }
  }
  return out;
}

}  // namespace parity::suites::grp
