// olm_group.cc: Megolm groups of parity::olm::Device (olm_device.h), over libolm's
// olm_outbound_group_session / olm_inbound_group_session, with room keys shared over the
// device's pairwise Olm sessions as Matrix clients share m.room_key.
#include <algorithm>
#include <utility>

#include "targets/olm/olm_device.h"
#include "targets/olm/olm_internal.h"

namespace parity::olm {

using namespace detail;  // NOLINT(google-build-using-namespace): this target's own helpers

namespace {

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

Status unique_members(const std::vector<std::string>& members) {
  std::set<std::string> seen;
  for (const auto& m : members) {
    if (!seen.insert(m).second) return make_error(Errc::invalid_argument, "member " + m + " named twice");
  }
  return {};
}

// megolm_error maps a Megolm refusal: a bad signature is a bad message here (olm's
// bad_signature mapping is for bundles).
Error megolm_error(Error e) {
  if (e.code == Errc::bad_signature) e.code = Errc::bad_mac;
  return e;
}

void put_u8(Bytes& out_, uint8_t v) {
  out_.push_back(v);
}

Result<Key32> outbound_id(const Device::OlmObject& ob) {
  std::string id(olm_outbound_group_session_id_length(ob.outbound()), '\0');
  size_t n = olm_outbound_group_session_id(ob.outbound(), reinterpret_cast<uint8_t*>(id.data()), id.size());
  if (n == olm_error()) return ob.outbound_error("olm_outbound_group_session_id");
  id.resize(n);
  return b64_decode32(id);
}

Result<Key32> inbound_id(const Device::OlmObject& ib) {
  std::string id(olm_inbound_group_session_id_length(ib.inbound()), '\0');
  size_t n = olm_inbound_group_session_id(ib.inbound(), reinterpret_cast<uint8_t*>(id.data()), id.size());
  if (n == olm_error()) return ib.inbound_error("olm_inbound_group_session_id");
  id.resize(n);
  return b64_decode32(id);
}

// session_key is the outbound session's sharing format at its next index (base64).
Result<std::string> session_key(const Device::OlmObject& ob) {
  std::string key(olm_outbound_group_session_key_length(ob.outbound()), '\0');
  size_t n = olm_outbound_group_session_key(ob.outbound(), reinterpret_cast<uint8_t*>(key.data()), key.size());
  if (n == olm_error()) return ob.outbound_error("olm_outbound_group_session_key");
  key.resize(n);
  return key;
}

// inbound_from_key makes an inbound session from a sharing-format key; libolm checks the
// key's signature by the session's own Ed25519 key.
Result<std::unique_ptr<Device::OlmObject>> inbound_from_key(std::string key_b64) {
  auto ib = std::make_unique<Device::OlmObject>(Device::OlmObject::Kind::inbound_group);
  size_t n =
      olm_init_inbound_group_session(ib->inbound(), reinterpret_cast<const uint8_t*>(key_b64.data()), key_b64.size());
  secure_wipe(key_b64.data(), key_b64.size());
  if (n == olm_error()) return megolm_error(ib->inbound_error("olm_init_inbound_group_session"));
  return ib;
}

Result<std::string> pickle_outbound(const Device::OlmObject& ob) {
  std::string p(olm_pickle_outbound_group_session_length(ob.outbound()), '\0');
  size_t n = olm_pickle_outbound_group_session(ob.outbound(), kPickleKey.data(), kPickleKey.size(), p.data(), p.size());
  if (n == olm_error()) return ob.outbound_error("olm_pickle_outbound_group_session");
  p.resize(n);
  return p;
}

Result<std::string> pickle_inbound(const Device::OlmObject& ib) {
  std::string p(olm_pickle_inbound_group_session_length(ib.inbound()), '\0');
  size_t n = olm_pickle_inbound_group_session(ib.inbound(), kPickleKey.data(), kPickleKey.size(), p.data(), p.size());
  if (n == olm_error()) return ib.inbound_error("olm_pickle_inbound_group_session");
  p.resize(n);
  return p;
}

// RoomKey is a decoded room key plaintext (olm_device.h).
struct RoomKey {
  std::string group;
  std::string sender;
  std::string recipient;
  Bytes session_key;
};

Bytes encode_room_key(const std::string& group, const std::string& sender, const std::string& recipient,
                      ByteView session_key) {
  Bytes out{kRoomKeyVersion};
  put_blob(out, group);
  put_blob(out, sender);
  put_blob(out, recipient);
  out.insert(out.end(), session_key.begin(), session_key.end());
  return out;
}

Result<RoomKey> decode_room_key(ByteView data) {
  Reader r{data};
  uint8_t version = 0;
  if (!r.u8(version) || version != kRoomKeyVersion) return make_error(Errc::malformed, "room key version");
  RoomKey k;
  if (!r.blob(k.group) || !r.blob(k.sender) || !r.blob(k.recipient)) {
    return make_error(Errc::malformed, "room key fields");
  }
  if (data.size() - r.pos != kMegolmSessionKeySize) return make_error(Errc::malformed, "room key session key size");
  k.session_key.assign(data.begin() + static_cast<ptrdiff_t>(r.pos), data.end());
  return k;
}

}  // namespace

// --- roster ---

Result<Device::GroupState*> Device::known_group(const std::string& group) {
  auto it = groups_.find(group);
  if (it == groups_.end()) return make_error(Errc::invalid_argument, "unknown group " + group);
  return it->second.get();
}

Result<Device::GroupState*> Device::acting_group(const std::string& group) {
  PARITY_ASSIGN(GroupState * g, known_group(group));
  if (g->removed) return make_error(Errc::invalid_argument, "removed from group " + group);
  return g;
}

void Device::apply_roster(GroupState& g, const std::vector<std::string>& members) {
  for (const auto& m : g.roster) {
    if (m == g.self || contains(members, m)) continue;
    // A removed member: forget its sessions, resend nothing to it, rotate before the next
    // send (groups.md roster "server"; Matrix clients rotate on a member leaving).
    g.inbound.erase(m);
    g.sent_to.erase(m);
    if (g.outbound) g.rotate = true;
  }
  if (!contains(members, g.self)) {
    g.removed = true;
    g.outbound.reset();
    g.sent_to.clear();
    g.rotate = false;
  } else {
    g.removed = false;
  }
  g.roster = members;
}

Result<std::vector<GroupDelivery>> Device::group_create(const std::string& self, const std::string& group,
                                                        const std::vector<std::string>& others) {
  if (groups_.contains(group)) return make_error(Errc::invalid_argument, "group " + group + " exists");
  std::vector<std::string> roster{self};
  roster.insert(roster.end(), others.begin(), others.end());
  PARITY_TRY(unique_members(roster));
  auto g = std::make_unique<GroupState>();
  g->self = self;
  g->roster = std::move(roster);
  groups_.emplace(group, std::move(g));
  return std::vector<GroupDelivery>{};
}

Result<std::vector<GroupDelivery>> Device::group_roster(const std::string& self, const std::string& group,
                                                        const std::vector<std::string>& members) {
  PARITY_TRY(unique_members(members));
  auto it = groups_.find(group);
  if (it == groups_.end()) {
    auto g = std::make_unique<GroupState>();
    g->self = self;
    g->roster = members;
    g->removed = !contains(members, self);
    groups_.emplace(group, std::move(g));
  } else {
    apply_roster(*it->second, members);
  }
  return std::vector<GroupDelivery>{};
}

Result<std::vector<GroupDelivery>> Device::group_add(const std::string& group, const std::string& member) {
  PARITY_ASSIGN(GroupState * g, acting_group(group));
  if (contains(g->roster, member)) return make_error(Errc::invalid_argument, member + " is a member");
  std::vector<std::string> roster = g->roster;
  roster.push_back(member);
  apply_roster(*g, roster);
  return std::vector<GroupDelivery>{};
}

Result<std::vector<GroupDelivery>> Device::group_remove(const std::string& group, const std::string& member) {
  PARITY_ASSIGN(GroupState * g, acting_group(group));
  if (member == g->self) return make_error(Errc::invalid_argument, "a member does not remove itself");
  if (!contains(g->roster, member)) return make_error(Errc::invalid_argument, member + " is not a member");
  std::vector<std::string> roster = g->roster;
  std::erase(roster, member);
  apply_roster(*g, roster);
  return std::vector<GroupDelivery>{};
}

Result<std::vector<GroupDelivery>> Device::group_update(const std::string& group) {
  PARITY_ASSIGN(GroupState * g, acting_group(group));
  // Without a session yet, the next send starts one anyway.
  if (g->outbound) g->rotate = true;
  return std::vector<GroupDelivery>{};
}

Result<GroupView> Device::group_info(const std::string& group) const {
  auto it = groups_.find(group);
  if (it == groups_.end()) return make_error(Errc::invalid_argument, "unknown group " + group);
  return GroupView{it->second->roster, it->second->removed};
}

// --- send ---

Result<std::vector<GroupDelivery>> Device::group_encrypt(const std::string& group, ByteView plaintext, Rng& rng) {
  PARITY_ASSIGN(GroupState * g, acting_group(group));
  std::vector<std::string> recipients;
  for (const auto& m : g->roster) {
    if (m != g->self) recipients.push_back(m);
  }
  const bool fresh = !g->outbound || g->rotate;
  std::vector<std::string> key_to;
  for (const auto& m : recipients) {
    if (fresh || !g->sent_to.contains(m)) key_to.push_back(m);
  }
  for (const auto& m : key_to) {
    if (!has_session(m)) return make_error(Errc::no_session, "no olm session with " + m);
  }

  // A new outbound session, and the inbound copy its sender keeps (Matrix clients file
  // their own session so they read their own messages: hello group_reads_own).
  std::unique_ptr<OlmObject> made;
  std::optional<std::pair<Key32, GroupState::Inbound>> own;
  if (fresh) {
    made = std::make_unique<OlmObject>(OlmObject::Kind::outbound_group);
    SecretBuffer random(rng, olm_init_outbound_group_session_random_length(made->outbound()));
    if (olm_init_outbound_group_session(made->outbound(), random.data(), random.size()) == olm_error()) {
      return made->outbound_error("olm_init_outbound_group_session");
    }
    PARITY_ASSIGN(std::string key, session_key(*made));
    PARITY_ASSIGN(auto ib, inbound_from_key(std::move(key)));
    PARITY_ASSIGN(Key32 id, inbound_id(*ib));
    own.emplace(id, GroupState::Inbound{std::move(ib), {}});
  }
  OlmObject& ob = made ? *made : *g->outbound;
  PARITY_ASSIGN(Key32 id, outbound_id(ob));

  std::vector<GroupDelivery> out;
  if (!key_to.empty()) {
    PARITY_ASSIGN(std::string key_b64, session_key(ob));
    PARITY_ASSIGN(Bytes key, b64_decode(key_b64));
    secure_wipe(key_b64.data(), key_b64.size());
    for (const auto& m : key_to) {
      Bytes room_key = encode_room_key(group, g->self, m, key);
      auto c = encrypt(m, room_key, rng);
      secure_wipe(room_key.data(), room_key.size());
      if (!c) {
        secure_wipe(key.data(), key.size());
        return c.error();
      }
      Bytes envelope{kGroupControlTag, static_cast<uint8_t>(c->kind == signal::MessageKind::prekey ? 0 : 1)};
      envelope.insert(envelope.end(), c->bytes.begin(), c->bytes.end());
      out.push_back({m, std::move(envelope), GroupDeliveryKind::control});
    }
    secure_wipe(key.data(), key.size());
  }

  Bytes inner;
  put_blob(inner, group);
  inner.insert(inner.end(), plaintext.begin(), plaintext.end());
  std::string message(olm_group_encrypt_message_length(ob.outbound(), inner.size()), '\0');
  size_t n = olm_group_encrypt(ob.outbound(), inner.data(), inner.size(), reinterpret_cast<uint8_t*>(message.data()),
                               message.size());
  secure_wipe(inner.data(), inner.size());
  if (n == olm_error()) return ob.outbound_error("olm_group_encrypt");
  message.resize(n);
  PARITY_ASSIGN(Bytes megolm, b64_decode(message));
  Bytes envelope{kGroupApplicationTag};
  envelope.insert(envelope.end(), id.begin(), id.end());
  envelope.insert(envelope.end(), megolm.begin(), megolm.end());
  for (const auto& m : recipients) out.push_back({m, envelope, GroupDeliveryKind::application});

  if (made) {
    g->outbound = std::move(made);
    g->rotate = false;
    g->sent_to.clear();
    g->inbound[g->self].insert_or_assign(own->first, std::move(own->second));
  }
  g->sent_to.insert(key_to.begin(), key_to.end());
  return out;
}

// --- receive ---

Result<GroupReceived> Device::group_receive(const std::string& group, const std::string& from, ByteView envelope) {
  PARITY_ASSIGN(GroupState * g, acting_group(group));
  if (envelope.empty()) return make_error(Errc::malformed, "empty group envelope");

  if (envelope[0] == kGroupControlTag) {
    if (!contains(g->roster, from)) return make_error(Errc::invalid_argument, from + " is not in the roster");
    if (from == g->self) return make_error(Errc::malformed, "a room key from oneself");
    if (envelope.size() < 3 || envelope[1] > 1) return make_error(Errc::malformed, "room key envelope");
    signal::Ciphertext c{envelope[1] == 0 ? signal::MessageKind::prekey : signal::MessageKind::message,
                         Bytes(envelope.begin() + 2, envelope.end())};
    PARITY_ASSIGN(PendingDecrypt pending, decrypt_pending(from, c, Attempt::on_copy));
    auto key = decode_room_key(pending.plaintext);
    secure_wipe(pending.plaintext.data(), pending.plaintext.size());
    if (!key) return key.error();
    // Bound as Matrix binds m.room_key (room_id, sender, recipient); filed under `from`.
    if (key->group != group) return make_error(Errc::malformed, "room key for another group");
    if (key->sender != from) return make_error(Errc::malformed, "room key names another sender");
    if (key->recipient != g->self) return make_error(Errc::malformed, "room key for another recipient");
    auto ib = inbound_from_key(b64_encode(key->session_key));
    secure_wipe(key->session_key.data(), key->session_key.size());
    if (!ib) return ib.error();
    PARITY_ASSIGN(Key32 id, inbound_id(**ib));
    PARITY_TRY(commit(from, pending));
    auto& sessions = g->inbound[from];
    auto held = sessions.find(id);
    if (held == sessions.end()) {
      sessions.emplace(id, GroupState::Inbound{std::move(*ib), {}});
    } else if (olm_inbound_group_session_first_known_index((*ib)->inbound()) <
               olm_inbound_group_session_first_known_index(held->second.session->inbound())) {
      // matrix-js-sdk keeps the copy that reaches further back; the indices seen stay.
      held->second.session = std::move(*ib);
    }
    return GroupReceived{GroupDeliveryKind::control, {}};
  }

  if (envelope[0] != kGroupApplicationTag) return make_error(Errc::malformed, "unknown group envelope tag");
  if (envelope.size() < 1 + 32 + 1) return make_error(Errc::malformed, "Megolm envelope too short");
  Key32 id{};
  std::copy_n(envelope.begin() + 1, 32, id.begin());
  auto sessions = g->inbound.find(from);
  if (sessions == g->inbound.end()) return make_error(Errc::no_session, "no Megolm session from " + from);
  auto held = sessions->second.find(id);
  if (held == sessions->second.end()) return make_error(Errc::no_session, "no such Megolm session from " + from);
  OlmObject& ib = *held->second.session;

  const std::string message = b64_encode(envelope.subspan(33));
  std::string scratch = message;  // libolm decodes in place
  size_t max =
      olm_group_decrypt_max_plaintext_length(ib.inbound(), reinterpret_cast<uint8_t*>(scratch.data()), scratch.size());
  if (max == olm_error()) return megolm_error(ib.inbound_error("olm_group_decrypt_max_plaintext_length"));
  scratch = message;
  SecretBuffer inner(max);
  uint32_t index = 0;
  size_t n = olm_group_decrypt(ib.inbound(), reinterpret_cast<uint8_t*>(scratch.data()), scratch.size(), inner.data(),
                               inner.size(), &index);
  if (n == olm_error()) return megolm_error(ib.inbound_error("olm_group_decrypt"));
  // libolm reads an index any number of times (megolm.md, "Message Replays"); Matrix
  // clients refuse a (session, index) already read.
  if (held->second.seen.contains(index)) {
    return make_error(Errc::duplicate_message, "Megolm index " + std::to_string(index) + " already read");
  }
  Reader r{ByteView(inner.data(), n)};
  std::string named;
  if (!r.blob(named)) return make_error(Errc::malformed, "Megolm payload");
  if (named != group) return make_error(Errc::malformed, "Megolm message for another group");
  Bytes plaintext = inner.take(n);
  plaintext.erase(plaintext.begin(), plaintext.begin() + static_cast<ptrdiff_t>(r.pos));
  held->second.seen.insert(index);
  return GroupReceived{GroupDeliveryKind::application, std::move(plaintext)};
}

// --- export ---

// Groups in the export: u32 count, then per group ascending by name: blob(name) |
// blob(self) | u8 flags (1 removed, 2 rotate pending, 4 outbound present) | u32 n |
// n x blob(member) in roster order | [blob(outbound pickle)] | u32 n | n x blob(member
// sent the key), ascending | u32 n | n x (blob(sender) | u32 m | m x (session id (32) |
// blob(inbound pickle))), senders and ids ascending.
// The indices read (replay tracking) are not exported: Matrix clients keep them in memory
// only (matrix-js-sdk's OlmDevice.inboundGroupSessionMessageIndexes, MXOlmDevice on
// Android and iOS), so a device's stored state, what a thief takes, reads every message
// of a session from its first known index (megolm.md, "Partial Forward Secrecy").
Status Device::serialize_groups(Bytes& out_) const {
  put_u32(out_, static_cast<uint32_t>(groups_.size()));
  for (const auto& [name, g] : groups_) {
    put_blob(out_, name);
    put_blob(out_, g->self);
    put_u8(out_, static_cast<uint8_t>((g->removed ? 1 : 0) | (g->rotate ? 2 : 0) | (g->outbound ? 4 : 0)));
    put_u32(out_, static_cast<uint32_t>(g->roster.size()));
    for (const auto& m : g->roster) put_blob(out_, m);
    if (g->outbound) {
      PARITY_ASSIGN(std::string p, pickle_outbound(*g->outbound));
      put_blob(out_, p);
      secure_wipe(p.data(), p.size());
    }
    put_u32(out_, static_cast<uint32_t>(g->sent_to.size()));
    for (const auto& m : g->sent_to) put_blob(out_, m);
    put_u32(out_, static_cast<uint32_t>(g->inbound.size()));
    for (const auto& [sender, sessions] : g->inbound) {
      put_blob(out_, sender);
      put_u32(out_, static_cast<uint32_t>(sessions.size()));
      for (const auto& [id, in] : sessions) {
        out_.insert(out_.end(), id.begin(), id.end());
        PARITY_ASSIGN(std::string p, pickle_inbound(*in.session));
        put_blob(out_, p);
        secure_wipe(p.data(), p.size());
      }
    }
  }
  return {};
}

Status Device::deserialize_groups(Reader& r) {
  auto bad = [](const std::string& what) { return make_error(Errc::malformed, "olm export: group " + what); };
  uint32_t count = 0;
  if (!r.u32(count)) return bad("count");
  for (uint32_t gi = 0; gi < count; ++gi) {
    std::string name;
    auto g = std::make_unique<GroupState>();
    uint8_t flags = 0;
    if (!r.blob(name) || !r.blob(g->self) || !r.u8(flags)) return bad("header");
    if (!groups_.empty() && groups_.rbegin()->first >= name) return bad("names not ascending");
    if ((flags & ~7u) != 0) return bad("flags");
    g->removed = (flags & 1) != 0;
    g->rotate = (flags & 2) != 0;
    uint32_t n = 0;
    if (!r.u32(n)) return bad("roster count");
    for (uint32_t i = 0; i < n; ++i) {
      std::string m;
      if (!r.blob(m)) return bad("roster");
      g->roster.push_back(std::move(m));
    }
    if (!unique_members(g->roster)) return bad("roster repeats a member");
    if (g->removed == contains(g->roster, g->self)) return bad("removed disagrees with the roster");
    if ((flags & 4) != 0) {
      if (g->removed) return bad("a removed member's outbound session");
      std::string p;
      if (!r.blob(p)) return bad("outbound");
      g->outbound = std::make_unique<OlmObject>(OlmObject::Kind::outbound_group);
      if (olm_unpickle_outbound_group_session(g->outbound->outbound(), kPickleKey.data(), kPickleKey.size(), p.data(),
                                              p.size()) == olm_error()) {
        return g->outbound->outbound_error("olm_unpickle_outbound_group_session");
      }
    } else if (g->rotate) {
      return bad("rotation pending without a session");
    }
    if (!r.u32(n)) return bad("sent count");
    for (uint32_t i = 0; i < n; ++i) {
      std::string m;
      if (!r.blob(m)) return bad("sent");
      if (!g->sent_to.empty() && *g->sent_to.rbegin() >= m) return bad("sent not ascending");
      if (!contains(g->roster, m) || m == g->self) return bad("sent to a non-member");
      g->sent_to.insert(std::move(m));
    }
    if (!g->outbound && !g->sent_to.empty()) return bad("sent without a session");
    if (!r.u32(n)) return bad("sender count");
    for (uint32_t i = 0; i < n; ++i) {
      std::string sender;
      uint32_t m = 0;
      if (!r.blob(sender) || !r.u32(m)) return bad("sender");
      if (!g->inbound.empty() && g->inbound.rbegin()->first >= sender) return bad("senders not ascending");
      if (m == 0) return bad("sender without sessions");
      auto& sessions = g->inbound[sender];
      for (uint32_t j = 0; j < m; ++j) {
        Key32 id{};
        std::string p;
        if (!r.key(id) || !r.blob(p)) return bad("inbound session");
        if (!sessions.empty() && sessions.rbegin()->first >= id) return bad("session ids not ascending");
        GroupState::Inbound in{std::make_unique<OlmObject>(OlmObject::Kind::inbound_group), {}};
        if (olm_unpickle_inbound_group_session(in.session->inbound(), kPickleKey.data(), kPickleKey.size(), p.data(),
                                               p.size()) == olm_error()) {
          return in.session->inbound_error("olm_unpickle_inbound_group_session");
        }
        PARITY_ASSIGN(Key32 actual, inbound_id(*in.session));
        if (actual != id) return bad("session id does not match its session");
        sessions.emplace(id, std::move(in));
      }
    }
    groups_.emplace(std::move(name), std::move(g));
  }
  return {};
}

}  // namespace parity::olm
