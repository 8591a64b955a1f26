#include "reference/group/group_member.h"

#include <algorithm>
#include <limits>

#include "reference/crypto/aes.h"
#include "reference/group/group_cipher.h"
#include "reference/group/group_labels.h"
#include "reference/group/sender_key_message.h"

namespace parity::group {

namespace {

// kMaxForgeDerivation bounds the chain steps group_forge takes; past it the forged
// message carries a random key (a receiver must refuse it before decrypting anyway).
constexpr uint32_t kMaxForgeDerivation = 1u << 16;

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

Error bad_request(std::string detail) {
  return make_error(Errc::invalid_argument, std::move(detail));
}

}  // namespace

Result<GroupState*> GroupMember::known(const std::string& group) {
  auto it = device_.groups().find(group);
  if (it == device_.groups().end()) return bad_request("unknown group " + group);
  return &it->second;
}

Result<GroupState*> GroupMember::acting(const std::string& group) {
  PARITY_ASSIGN(GroupState * g, known(group));
  if (g->removed) return bad_request(self_ + " is not in the roster of " + group);
  return g;
}

Result<std::vector<Delivery>> GroupMember::set_roster(const std::string& group,
                                                      const std::vector<std::string>& members) {
  std::vector<std::string> roster;
  for (const std::string& m : members) {
    if (m.empty() || m.size() > kMaxGroupName) return bad_request("bad member name in the roster");
    if (!contains(roster, m)) roster.push_back(m);
  }
  GroupState& g = device_.groups()[group];
  bool someone_left = false;
  for (const std::string& old : g.roster) {
    if (old == self_ || contains(roster, old)) continue;
    someone_left = true;
    g.received.erase(old);
    g.sent_current.erase(old);
  }
  g.roster = std::move(roster);
  if (!contains(g.roster, self_)) {
    // Removed: stop sending and drop the own key; keep the rest, to be re-added.
    g.removed = true;
    g.own = SenderKeyRecord{};
    g.origin.reset();
    g.sent_current.clear();
    g.rotate_pending = false;
    return std::vector<Delivery>{};
  }
  g.removed = false;
  if (someone_left && hooks_.rotate_on_removal && !g.own.empty()) g.rotate_pending = true;
  return std::vector<Delivery>{};
}

Result<std::vector<Delivery>> GroupMember::create(const std::string& group, const std::vector<std::string>& others) {
  std::vector<std::string> roster{self_};
  roster.insert(roster.end(), others.begin(), others.end());
  return set_roster(group, roster);
}

Result<std::vector<Delivery>> GroupMember::add(const std::string& group, const std::string& member) {
  PARITY_ASSIGN(GroupState * g, acting(group));
  std::vector<std::string> roster = g->roster;
  roster.push_back(member);
  return set_roster(group, roster);
}

Result<std::vector<Delivery>> GroupMember::remove(const std::string& group, const std::string& member) {
  PARITY_ASSIGN(GroupState * g, acting(group));
  std::vector<std::string> roster = g->roster;
  roster.erase(std::remove(roster.begin(), roster.end(), member), roster.end());
  return set_roster(group, roster);
}

Result<std::vector<Delivery>> GroupMember::update(const std::string& group) {
  PARITY_ASSIGN(GroupState * g, acting(group));
  if (!g->own.empty()) g->rotate_pending = true;
  return std::vector<Delivery>{};
}

Result<std::vector<Delivery>> GroupMember::encrypt(const std::string& group, ByteView plaintext,
                                                   const SenderKeyOptions& inject) {
  PARITY_ASSIGN(GroupState * g, acting(group));
  std::vector<std::string> others;
  for (const std::string& m : g->roster) {
    if (m != self_) others.push_back(m);
  }
  // Stage the own key: nothing changes until every step that can fail has passed.
  const bool fresh = g->own.empty() || g->rotate_pending;
  SenderKeyRecord own = g->own;
  std::optional<SenderKeyDistributionMessage> origin = g->origin;
  std::set<std::string> sent = g->sent_current;
  if (fresh) {
    PARITY_ASSIGN(SenderKeyState s, create_sender_key(rng_, inject));
    origin = distribution_of(s);
    own.set_state(std::move(s));
    sent.clear();
  }
  std::vector<std::string> to_send;
  for (const std::string& m : others) {
    if (sent.contains(m)) continue;
    if (!device_.has_session(m)) return make_error(Errc::no_session, "no pairwise session with " + m);
    to_send.push_back(m);
  }
  const SenderKeyDistributionMessage current = distribution_of(*own.newest());
  // The application message last: it steps the chain past `current`.
  PARITY_ASSIGN(Bytes application, group_encrypt(own, plaintext, rng_));

  std::vector<Delivery> out;
  for (const std::string& m : to_send) {
    const SenderKeyDistributionMessage& skdm = hooks_.distribute_from_origin && origin ? *origin : current;
    const GroupKeyWrapper wrapper{group, skdm.serialize()};
    PARITY_ASSIGN(signal::Ciphertext c, device_.encrypt(m, wrapper.serialize()));
    Bytes envelope;
    envelope.reserve(1 + c.bytes.size());
    envelope.push_back(c.kind == signal::MessageKind::prekey ? kControlPrekey : kControlMessage);
    envelope.insert(envelope.end(), c.bytes.begin(), c.bytes.end());
    out.push_back({m, std::move(envelope), DeliveryKind::control});
    sent.insert(m);
  }
  for (const std::string& m : others) out.push_back({m, application, DeliveryKind::application});
  g->own = std::move(own);
  g->origin = std::move(origin);
  g->sent_current = std::move(sent);
  g->rotate_pending = false;
  return out;
}

Result<Received> GroupMember::receive(const std::string& group, const std::string& from, ByteView envelope) {
  PARITY_ASSIGN(GroupState * g, acting(group));
  if (envelope.empty()) return make_error(Errc::malformed, "empty group envelope");
  if (envelope[0] == kControlPrekey || envelope[0] == kControlMessage) {
    return receive_control(group, *g, from, envelope);
  }
  if (envelope[0] != kSenderKeyVersionByte) {
    return make_error(Errc::malformed, "group envelope starts with " + std::to_string(envelope[0]));
  }
  // A message `from` this party itself is read with its own record (its chain is past it).
  SenderKeyRecord* record = nullptr;
  if (from == self_) {
    record = &g->own;
  } else if (auto it = g->received.find(from); it != g->received.end()) {
    record = &it->second;
  }
  if (record == nullptr || record->empty()) return make_error(Errc::no_session, "no sender key from " + from);
  PARITY_ASSIGN(Bytes plaintext, group_decrypt(*record, envelope, hooks_));
  return Received{DeliveryKind::application, std::move(plaintext)};
}

Result<Received> GroupMember::receive_control(const std::string& group, GroupState& g, const std::string& from,
                                              ByteView envelope) {
  if (from == self_ || !contains(g.roster, from))
    return bad_request("control delivery from " + from + ", not a member");
  signal::Ciphertext c;
  c.kind = envelope[0] == kControlPrekey ? signal::MessageKind::prekey : signal::MessageKind::message;
  c.bytes.assign(envelope.begin() + 1, envelope.end());
  signal::Device::PeerSnapshot before = device_.snapshot(from);
  PARITY_ASSIGN(Bytes plaintext, device_.decrypt(from, c, rng_));
  // From here a refusal undoes the pairwise decrypt, so the genuine delivery is still read.
  auto wrapper = decode_group_key_wrapper(plaintext);
  Status filed = [&]() -> Status {
    if (!wrapper) return wrapper.error();
    if (hooks_.bind_control_to_group && wrapper->group_id != group) {
      return make_error(Errc::malformed, "control delivery for group " + wrapper->group_id + " given in " + group);
    }
    PARITY_ASSIGN(SenderKeyDistributionMessage skdm, decode_distribution_message(wrapper->distribution));
    // Filed under `from`, the pairwise session's peer: never under a name in the plaintext.
    process_distribution(g.received[from], skdm, hooks_);
    return {};
  }();
  secure_wipe(plaintext.data(), plaintext.size());
  if (!filed) {
    device_.restore(std::move(before));
    return filed.error();
  }
  return Received{DeliveryKind::control, {}};
}

Result<Bytes> GroupMember::forge(const std::string& group, const std::string& as, std::optional<uint32_t> iteration) {
  PARITY_ASSIGN(GroupState * g, acting(group));
  const SenderKeyRecord* chain_owner = nullptr;
  if (as == self_) {
    chain_owner = &g->own;
  } else if (auto it = g->received.find(as); it != g->received.end()) {
    chain_owner = &it->second;
  }
  if (chain_owner == nullptr || chain_owner->empty()) return make_error(Errc::no_session, "no sender key of " + as);
  const SenderKeyState& victim = *chain_owner->newest();
  // The signature is this party's own: its own key if it has one, else a fresh key pair.
  Key32 signing = g->own.empty() ? rng_.key32() : *g->own.newest()->signing_private;
  const uint32_t i = iteration.value_or(victim.chain.iteration);
  SenderMessageKey mk;
  if (i >= victim.chain.iteration && i - victim.chain.iteration <= kMaxForgeDerivation) {
    SenderChainKey c = victim.chain;
    while (c.iteration < i) c = c.next();
    mk = c.message_key();
  } else if (auto k = victim.find_skipped(i)) {
    mk = SenderMessageKey::from_seed(i, victim.skipped[*k].seed);
  } else {
    mk = SenderMessageKey::from_seed(i, rng_.key32());
  }
  const ByteView pt{reinterpret_cast<const uint8_t*>(kForgedPlaintext.data()), kForgedPlaintext.size()};
  PARITY_ASSIGN(Bytes ciphertext, aes256_cbc_encrypt(mk.cipher_key, mk.iv, pt));
  SenderKeyMessage m{victim.key_id, i, std::move(ciphertext), {}};
  m.sign(signing, rng_);
  return m.serialize();
}

Result<GroupInfo> GroupMember::info(const std::string& group) const {
  auto it = device_.groups().find(group);
  if (it == device_.groups().end()) return bad_request("unknown group " + group);
  return GroupInfo{it->second.roster, it->second.removed};
}

}  // namespace parity::group
