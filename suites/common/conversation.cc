#include "suites/common/conversation.h"

namespace parity::suites {

Conversation::Conversation(Target& target, std::string initiator, std::string responder)
    : target_(target), names_{std::move(initiator), std::move(responder)} {}

Op<harness::Unit> Conversation::start() {
  for (const std::string& n : names_) {
    auto c = target_.create(n);
    if (!c.ok()) return c.violated() ? Op<harness::Unit>(c.violation()) : Op<harness::Unit>(c.refusal());
  }
  auto b = target_.bundle(names_[1]);
  if (!b.ok()) return b.violated() ? Op<harness::Unit>(b.violation()) : Op<harness::Unit>(b.refusal());
  log_.push_back(names_[1] + " publishes a bundle; " + names_[0] + " starts a session from it");
  return target_.initiate(names_[0], names_[1], b->bundle);
}

Op<harness::Unit> Conversation::establish() {
  auto s = start();
  if (!s.ok()) return s;
  for (int party : {0, 1}) {
    auto m = send(party);
    if (!m.ok()) return m.violated() ? Op<harness::Unit>(m.violation()) : Op<harness::Unit>(m.refusal());
    auto d = deliver(*m);
    if (!d.ok()) return d.violated() ? Op<harness::Unit>(d.violation()) : Op<harness::Unit>(d.refusal());
  }
  return harness::Unit{};
}

Op<Sent> Conversation::send(int party, std::optional<Bytes> plaintext) {
  Sent m;
  m.from = party;
  m.number = sent_++;
  m.plaintext = plaintext ? *plaintext : to_bytes("message #" + std::to_string(m.number) + " from " + name(party));
  auto c = target_.encrypt(name(party), peer_of(party), m.plaintext);
  if (!c.ok()) return c.violated() ? Op<Sent>(c.violation()) : Op<Sent>(c.refusal());
  m.c = std::move(c.value());
  log_.push_back(name(party) + " sends #" + std::to_string(m.number));
  return m;
}

Op<Bytes> Conversation::deliver(const Sent& m, const std::string& to, const std::string& from) {
  const std::string& recipient = to.empty() ? peer_of(m.from) : to;
  const std::string& sender = from.empty() ? name(m.from) : from;
  auto p = target_.decrypt(recipient, sender, m.c.ciphertext, m.c.kind);
  std::string outcome =
      p.ok() ? (p.value() == m.plaintext ? "reads it" : "reads other bytes")
             : (p.refused() ? "refuses it (" + std::string(ptp::to_string(p.refusal().code)) + ")" : "violates PTP");
  log_.push_back("#" + std::to_string(m.number) + " delivered to " + recipient + " as from " + sender + ": " + outcome);
  return p;
}

Op<harness::Unit> Conversation::round_trip(int party) {
  for (int p : {party, 1 - party}) {
    auto m = send(p);
    if (!m.ok()) return m.violated() ? Op<harness::Unit>(m.violation()) : Op<harness::Unit>(m.refusal());
    auto d = deliver(*m);
    if (!d.ok()) return d.violated() ? Op<harness::Unit>(d.violation()) : Op<harness::Unit>(d.refusal());
  }
  return harness::Unit{};
}

Op<harness::Unit> Conversation::clone(int party, const std::string& clone_name) {
  auto state = target_.export_state(name(party));
  if (!state.ok()) return state.violated() ? Op<harness::Unit>(state.violation()) : Op<harness::Unit>(state.refusal());
  log_.push_back("the attacker steals " + name(party) + "'s state and loads it as " + clone_name);
  return target_.import_state(clone_name, *state);
}

Op<harness::CiphertextResult> Conversation::encrypt(const std::string& from, const std::string& to,
                                                    const Bytes& plaintext, const std::string& label) {
  auto c = target_.encrypt(from, to, plaintext);
  log_.push_back(from + " sends " + label + " to " + to +
                 (c.ok()        ? " (" + std::string(harness::to_string(c->kind)) + ")"
                  : c.refused() ? ": refused"
                                : ": violates PTP"));
  return c;
}

Op<Bytes> Conversation::decrypt(const std::string& at, const std::string& from, const harness::CiphertextResult& c,
                                const std::string& label) {
  auto p = target_.decrypt(at, from, c.ciphertext, c.kind);
  std::string outcome = p.ok()        ? "reads it"
                        : p.refused() ? "refuses it (" + std::string(ptp::to_string(p.refusal().code)) + ")"
                                      : "violates PTP";
  log_.push_back(label + " delivered to " + at + " as from " + from + ": " + outcome);
  return p;
}

Op<harness::Unit> Conversation::snapshot(const std::string& party, const std::string& copy_name) {
  auto state = target_.export_state(party);
  if (!state.ok()) return state.violated() ? Op<harness::Unit>(state.violation()) : Op<harness::Unit>(state.refusal());
  log_.push_back("snapshot of " + party + " exported and imported as " + copy_name);
  return target_.import_state(copy_name, *state);
}

std::string Conversation::story(size_t max_lines) const {
  std::string out;
  size_t start = log_.size() > max_lines ? log_.size() - max_lines : 0;
  if (start > 0) out = "… (" + std::to_string(start) + " earlier steps)\n";
  for (size_t i = start; i < log_.size(); ++i) out += log_[i] + "\n";
  return out;
}

}  // namespace parity::suites
