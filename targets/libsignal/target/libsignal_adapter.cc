#include "targets/libsignal/target/libsignal_adapter.h"

#include <algorithm>
#include <cstring>

#include "reference/wire/bundle.h"
#include "reference/wire/public_key.h"

namespace parity::ptp {

namespace {

// Bounds of libsignal-protocol-c 2.3.3 (the values it compiles in, not parity's choice):
// session_cipher.c refuses a counter more than 2000 past the chain ("Over 2000 messages
// into the future!", SG_ERR_INVALID_MESSAGE), session_state.c keeps at most
// MAX_MESSAGE_KEYS = 2000 skipped keys per receiver chain and MAX_RECEIVER_CHAINS = 5
// receiver chains per session state.
constexpr int kMaxSkip = 2000;
constexpr int kMaxSkippedKeys = 2000;
constexpr int kMaxReceiverChains = 5;

// Group bounds, likewise compiled in: group_cipher.c group_cipher_get_sender_key refuses
// an iteration more than 2000 past the chain ("Over 2000 messages into the future!"),
// sender_key_state.c keeps MAX_MESSAGE_KEYS = 2000 skipped keys per state (oldest
// evicted first) and sender_key_record.c MAX_STATES = 5 states per sender key record.
constexpr int kGroupMaxSkip = 2000;
constexpr int kGroupMaxSkippedKeys = 2000;
constexpr int kGroupMaxSenderStates = 5;

// Control envelopes start with the pairwise kind (groups.md, profile signal-v3).
constexpr uint8_t kControlPrekey = 0x01;
constexpr uint8_t kControlMessage = 0x02;

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// group_fail maps a device error of a group op to PTP's codes (groups.md "Refusals").
Reply group_fail(const Error& e) {
  ErrorCode code = ErrorCode::invalid_message;
  switch (e.code) {
    case Errc::duplicate_message:
      code = ErrorCode::duplicate_message;
      break;
    case Errc::no_session:
      code = ErrorCode::no_session;
      break;
    case Errc::counter_too_far:
    case Errc::limit_exceeded:
      code = ErrorCode::limit_exceeded;
      break;
    case Errc::untrusted_identity:
      code = ErrorCode::untrusted_identity;
      break;
    case Errc::invalid_argument:
      code = ErrorCode::bad_request;
      break;
    case Errc::internal:
    case Errc::crypto_failure:
      code = ErrorCode::internal;
      break;
    default:
      break;
  }
  return Failure{code, std::string(to_string(e.code)) + ": " + e.detail};
}

// --- WhatsApp's group-bound wrapper: protobuf {1 groupId string, 2 SKDM bytes} --------

void put_varint(Bytes& out_, uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<uint8_t>(v));
}

Bytes encode_wrapper(const std::string& group, ByteView skdm) {
  Bytes out{0x0a};
  put_varint(out, group.size());
  out.insert(out.end(), group.begin(), group.end());
  out.push_back(0x12);
  put_varint(out, skdm.size());
  out.insert(out.end(), skdm.begin(), skdm.end());
  return out;
}

// read_field reads one length-delimited field with the key `tag` at `pos`: a minimal
// varint length that fits in what is left.
Result<ByteView> read_field(ByteView in, size_t& pos, uint8_t tag) {
  if (pos >= in.size() || in[pos] != tag)
    return make_error(Errc::malformed, "wrapper: expected key " + std::to_string(tag));
  ++pos;
  uint64_t len = 0;
  for (int shift = 0;; shift += 7) {
    if (pos >= in.size() || shift > 28) return make_error(Errc::malformed, "wrapper: bad length");
    const uint8_t b = in[pos++];
    len |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      if (b == 0 && shift > 0) return make_error(Errc::malformed, "wrapper: length not minimal");
      break;
    }
  }
  if (len > in.size() - pos) return make_error(Errc::malformed, "wrapper: field longer than the message");
  ByteView field = in.subspan(pos, static_cast<size_t>(len));
  pos += static_cast<size_t>(len);
  return field;
}

// decode_wrapper is strict: field 1 then field 2, each once, nothing else.
Result<std::pair<std::string, Bytes>> decode_wrapper(ByteView in) {
  size_t pos = 0;
  PARITY_ASSIGN(ByteView group, read_field(in, pos, 0x0a));
  PARITY_ASSIGN(ByteView skdm, read_field(in, pos, 0x12));
  if (pos != in.size()) return make_error(Errc::malformed, "wrapper: bytes after field 2");
  return std::make_pair(std::string(group.begin(), group.end()), Bytes(skdm.begin(), skdm.end()));
}

// --- exported party state: "PLA1", self, device state, groups -------------------------

constexpr uint32_t kPartyMagic = 0x504c4131;   // "PLA1"
constexpr uint32_t kDeviceMagic = 0x504c5331;  // "PLS1": a bare device state (no groups)

void put_u32(Bytes& out_, uint32_t v) {
  for (int i = 3; i >= 0; --i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void put_bytes(Bytes& out_, ByteView b) {
  put_u32(out_, static_cast<uint32_t>(b.size()));
  out_.insert(out_.end(), b.begin(), b.end());
}
void put_str(Bytes& out_, const std::string& s) {
  put_bytes(out_, view(s));
}

struct StateReader {
  ByteView in;
  size_t pos = 0;
  Result<uint32_t> u32() {
    if (in.size() - pos < 4) return make_error(Errc::malformed, "party state truncated");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | in[pos++];
    return v;
  }
  Result<ByteView> bytes() {
    PARITY_ASSIGN(uint32_t n, u32());
    if (in.size() - pos < n) return make_error(Errc::malformed, "party state truncated");
    ByteView b = in.subspan(pos, n);
    pos += n;
    return b;
  }
  Result<std::string> str() {
    PARITY_ASSIGN(ByteView b, bytes());
    return std::string(b.begin(), b.end());
  }
};

Bytes export_party(const LibsignalParty& p) {
  Bytes out;
  put_u32(out, kPartyMagic);
  put_str(out, p.self);
  Bytes device = p.device.serialize();
  put_bytes(out, device);
  secure_wipe(device.data(), device.size());
  put_u32(out, static_cast<uint32_t>(p.groups.size()));
  for (const auto& [name, v] : p.groups) {
    put_str(out, name);
    put_u32(out, v.rotate ? 1 : 0);
    put_u32(out, static_cast<uint32_t>(v.roster.size()));
    for (const std::string& m : v.roster) put_str(out, m);
    put_u32(out, static_cast<uint32_t>(v.sent.size()));
    for (const std::string& m : v.sent) put_str(out, m);
  }
  return out;
}

Result<LibsignalParty> import_party(Rng& rng, ByteView state, const std::string& name) {
  StateReader r{state};
  PARITY_ASSIGN(uint32_t magic, r.u32());
  if (magic == kDeviceMagic) {  // a device without groups
    PARITY_ASSIGN(libsignal::Device d, libsignal::Device::deserialize(rng, state));
    return LibsignalParty{std::move(d), name, {}};
  }
  if (magic != kPartyMagic) return make_error(Errc::malformed, "not a parity-target-libsignal party state");
  PARITY_ASSIGN(std::string self, r.str());
  PARITY_ASSIGN(ByteView device, r.bytes());
  PARITY_ASSIGN(libsignal::Device d, libsignal::Device::deserialize(rng, device));
  LibsignalParty p{std::move(d), std::move(self), {}};
  PARITY_ASSIGN(uint32_t n_groups, r.u32());
  for (uint32_t g = 0; g < n_groups; ++g) {
    PARITY_ASSIGN(std::string group, r.str());
    GroupView v;
    PARITY_ASSIGN(uint32_t rotate, r.u32());
    if (rotate > 1) return make_error(Errc::malformed, "bad rotation flag");
    v.rotate = rotate == 1;
    PARITY_ASSIGN(uint32_t n_roster, r.u32());
    for (uint32_t i = 0; i < n_roster; ++i) {
      PARITY_ASSIGN(std::string m, r.str());
      if (contains(v.roster, m)) return make_error(Errc::malformed, "roster names a member twice");
      v.roster.push_back(std::move(m));
    }
    PARITY_ASSIGN(uint32_t n_sent, r.u32());
    for (uint32_t i = 0; i < n_sent; ++i) {
      PARITY_ASSIGN(std::string m, r.str());
      if (!v.sent.insert(std::move(m)).second) return make_error(Errc::malformed, "sent names a member twice");
    }
    if (!p.groups.emplace(std::move(group), std::move(v)).second) return make_error(Errc::malformed, "group twice");
  }
  if (r.pos != state.size()) return make_error(Errc::malformed, "trailing bytes after party state");
  return p;
}

}  // namespace

HelloInfo LibsignalAdapter::hello() const {
  HelloInfo h;
  h.implementation = "libsignal-protocol-c";
  h.version = "2.3.3";
  h.protocol = "signal-v3";
  h.capabilities = {"export", "import", "deterministic", "inject", "primitives", "group", "group_update"};
  h.limits = {{"max_skip", kMaxSkip},
              {"max_skipped_keys", kMaxSkippedKeys},
              {"max_receiver_chains", kMaxReceiverChains},
              {"group_max_skip", kGroupMaxSkip},
              {"group_max_skipped_keys", kGroupMaxSkippedKeys},
              {"group_max_sender_states", kGroupMaxSenderStates}};
  h.extra = {{"group_roster", "server"}};
  return h;
}

Result<LibsignalParty*> LibsignalAdapter::party(const std::string& name) {
  return find_party(parties_, name);
}

Reply LibsignalAdapter::reset(const request::Reset& r) {
  // Parties first: nothing may draw from the generator while it is being replaced.
  parties_.clear();
  rng_.reseed(r.seed);
  return Json::object();
}

Reply LibsignalAdapter::create(const request::Create& r) {
  if (parties_.contains(r.party)) return fail(ErrorCode::bad_request, "party " + r.party + " exists");
  auto d = libsignal::Device::create(rng_, r.identity_private, r.registration_id);
  if (!d) return fail_from(d.error());
  Json out = {{"identity", to_hex(wire::serialize_key(d->identity()))}};
  parties_.emplace(r.party, LibsignalParty{std::move(d).value(), r.party, {}});
  return out;
}

Reply LibsignalAdapter::bundle(const request::Bundle& r) {
  PTP_TRY(p, party(r.party));
  libsignal::Device* d = &p->device;
  libsignal::BundleOptions o;
  o.signed_prekey_private = r.signed_prekey_private;
  o.signed_prekey_id = r.signed_prekey_id;
  o.onetime_prekey_private = r.onetime_prekey_private;
  o.prekey_id = r.prekey_id;
  auto b = d->bundle(o);
  if (!b) return fail_from(b.error());
  Bytes enc = b->serialize();
  Json out = {{"bundle", to_hex(enc)}};
  auto layout = wire::bundle_layout(enc);
  if (layout) {
    out["layout"] = {{"identity", {layout->identity.first, layout->identity.second}},
                     {"signed_prekey", {layout->signed_prekey.first, layout->signed_prekey.second}},
                     {"signature", {layout->signature.first, layout->signature.second}}};
  }
  return out;
}

Reply LibsignalAdapter::initiate(const request::Initiate& r) {
  PTP_TRY(p, party(r.party));
  libsignal::Device* d = &p->device;
  auto b = wire::decode_bundle(r.bundle);
  if (!b) return fail(ErrorCode::invalid_bundle, b.error().detail);
  auto st = d->initiate(r.peer, *b, r.base_private, r.ratchet_private);
  if (!st) {
    // Whatever fails to decode in initiate is part of the bundle.
    if (st.code() == Errc::malformed) return fail(ErrorCode::invalid_bundle, st.error().detail);
    return fail_from(st.error());
  }
  return Json::object();
}

// ratchet_private is read (so a malformed one is refused) and unused: libsignal's
// session_cipher_encrypt generates no key pair.
Reply LibsignalAdapter::encrypt(const request::Encrypt& r) {
  PTP_TRY(p, party(r.party));
  auto c = p->device.encrypt(r.peer, r.plaintext);
  if (!c) return fail_from(c.error());
  return Json{{"ciphertext", to_hex(c->bytes)},
              {"kind", c->kind == libsignal::MessageKind::prekey ? "prekey" : "message"}};
}

Reply LibsignalAdapter::decrypt(const request::Decrypt& r) {
  PTP_TRY(p, party(r.party));
  libsignal::Ciphertext c{
      r.kind == request::Kind::prekey ? libsignal::MessageKind::prekey : libsignal::MessageKind::message, r.ciphertext};
  auto pt = p->device.decrypt(r.peer, c, r.ratchet_private);
  if (!pt) return fail_from(pt.error());
  return Json{{"plaintext", to_hex(*pt)}};
}

Reply LibsignalAdapter::export_state(const request::Export& r) {
  PTP_TRY(p, party(r.party));
  Bytes state = export_party(*p);
  Json out = {{"state", to_hex(state)}};
  secure_wipe(state.data(), state.size());
  return out;
}

Reply LibsignalAdapter::import_state(const request::Import& r) {
  if (parties_.contains(r.party)) return fail(ErrorCode::bad_request, "party " + r.party + " exists");
  Bytes state = r.state;
  auto d = import_party(rng_, state, r.party);
  secure_wipe(state.data(), state.size());
  // Any state libsignal cannot read back is a malformed request, whatever code the
  // failing deserialiser reported (libsignal answers some garbage with SG_ERR_UNKNOWN).
  if (!d) return fail(ErrorCode::bad_request, "state: " + d.error().detail);
  parties_.emplace(r.party, std::move(d).value());
  return Json::object();
}

Reply LibsignalAdapter::primitive(const request::Primitive& r) {
  return primitives_.handle(r);
}

// --- groups (PTP 1.3, roster "server": Sender Keys with WhatsApp's rules) ------------

namespace {

// apply_roster acts on an announced roster as WhatsApp does (groups.md "Roster
// \"server\""): a removed member's keys are forgotten and the own key is rotated before
// the next send; a party left out stops sending and drops its own key, keeping the rest.
void apply_roster(LibsignalParty& p, const std::string& group, GroupView& v, std::vector<std::string> roster) {
  for (const std::string& m : v.roster) {
    if (m == p.self || contains(roster, m)) continue;
    p.device.forget_sender_key(group, m);
    v.sent.erase(m);
    v.rotate = true;
  }
  if (!contains(roster, p.self)) {
    p.device.forget_sender_key(group, p.self);
    v.sent.clear();
    v.rotate = false;
  }
  v.roster = std::move(roster);
}

// distinct refuses a member list that names a party twice.
bool distinct(const std::vector<std::string>& names) {
  std::set<std::string> seen(names.begin(), names.end());
  return seen.size() == names.size();
}

}  // namespace

Result<GroupView*> LibsignalAdapter::member_view(LibsignalParty& p, const std::string& group) {
  auto it = p.groups.find(group);
  if (it == p.groups.end()) return make_error(Errc::invalid_argument, p.self + " does not know group " + group);
  if (!contains(it->second.roster, p.self)) {
    return make_error(Errc::invalid_argument, p.self + " is not in its roster of " + group);
  }
  return &it->second;
}

Reply LibsignalAdapter::group_create(const request::GroupCreate& r) {
  PTP_TRY(p, party(r.party));
  if (p->groups.contains(r.group)) return fail(ErrorCode::bad_request, "group " + r.group + " exists at " + r.party);
  std::vector<std::string> roster{p->self};
  roster.insert(roster.end(), r.members.begin(), r.members.end());
  if (!distinct(roster)) return fail(ErrorCode::bad_request, "members name a party twice (or the creator)");
  // Keys are distributed with the first send, to the members then in the roster.
  p->groups[r.group].roster = std::move(roster);
  return deliveries_reply({});
}

Reply LibsignalAdapter::group_add(const request::GroupAdd& r) {
  PTP_TRY(p, party(r.party));
  PTP_TRY(v, member_view(*p, r.group));
  if (contains(v->roster, r.member)) return fail(ErrorCode::bad_request, r.member + " is in the group");
  std::vector<std::string> roster = v->roster;
  roster.push_back(r.member);
  apply_roster(*p, r.group, *v, std::move(roster));
  return deliveries_reply({});
}

Reply LibsignalAdapter::group_remove(const request::GroupRemove& r) {
  PTP_TRY(p, party(r.party));
  PTP_TRY(v, member_view(*p, r.group));
  if (r.member == p->self) return fail(ErrorCode::bad_request, "a member cannot remove itself");
  if (!contains(v->roster, r.member)) return fail(ErrorCode::bad_request, r.member + " is not in the group");
  std::vector<std::string> roster;
  for (const std::string& m : v->roster) {
    if (m != r.member) roster.push_back(m);
  }
  apply_roster(*p, r.group, *v, std::move(roster));
  return deliveries_reply({});
}

Reply LibsignalAdapter::group_roster(const request::GroupRoster& r) {
  PTP_TRY(p, party(r.party));
  if (!distinct(r.members)) return fail(ErrorCode::bad_request, "roster names a party twice");
  apply_roster(*p, r.group, p->groups[r.group], r.members);  // a party learns a group from its roster
  return deliveries_reply({});
}

Reply LibsignalAdapter::group_update(const request::GroupUpdate& r) {
  PTP_TRY(p, party(r.party));
  PTP_TRY(v, member_view(*p, r.group));
  v->rotate = true;  // the fresh key goes out with the next send
  return deliveries_reply({});
}

Reply LibsignalAdapter::group_encrypt(const request::GroupEncrypt& r) {
  PTP_TRY(p, party(r.party));
  PTP_TRY(v, member_view(*p, r.group));
  libsignal::Device& d = p->device;
  // A send is one operation: the key made, the pairwise sessions advanced and the view are
  // all undone when any step fails.
  libsignal::Checkpoint saved = d.checkpoint();
  const GroupView saved_view = *v;
  auto undo = [&](Reply reply) {
    d.rollback(std::move(saved));
    *v = saved_view;
    return reply;
  };

  if (v->rotate || !d.has_sender_key(r.group, p->self)) {
    auto st = d.new_sender_key(r.group, p->self, {r.chain_key, r.signing_private, r.chain_id});
    if (!st) return undo(group_fail(st.error()));
    v->sent.clear();
    v->rotate = false;
  }
  std::vector<std::string> unsent;
  for (const std::string& m : v->roster) {
    if (m == p->self || v->sent.contains(m)) continue;
    if (!d.has_session(m)) return undo(fail(ErrorCode::no_session, "no pairwise session with " + m));
    unsent.push_back(m);
  }
  std::vector<Delivery> out;
  if (!unsent.empty()) {
    auto skdm = d.sender_key_distribution(r.group, p->self);
    if (!skdm) return undo(group_fail(skdm.error()));
    Bytes wrapper = encode_wrapper(r.group, *skdm);
    for (const std::string& m : unsent) {
      auto c = d.encrypt(m, wrapper);
      if (!c) return undo(group_fail(c.error()));
      Bytes envelope{c->kind == libsignal::MessageKind::prekey ? kControlPrekey : kControlMessage};
      envelope.insert(envelope.end(), c->bytes.begin(), c->bytes.end());
      out.push_back({m, std::move(envelope), DeliveryKind::control});
      v->sent.insert(m);
    }
    secure_wipe(wrapper.data(), wrapper.size());
  }
  auto message = d.group_encrypt(r.group, p->self, r.plaintext);
  if (!message) return undo(group_fail(message.error()));
  for (const std::string& m : v->roster) {
    if (m != p->self) out.push_back({m, *message, DeliveryKind::application});
  }
  return deliveries_reply(out);
}

Reply LibsignalAdapter::group_receive(const request::GroupReceive& r) {
  PTP_TRY(p, party(r.party));
  PTP_TRY(v, member_view(*p, r.group));
  libsignal::Device& d = p->device;
  const Bytes& env = r.envelope;
  if (env.empty()) return fail(ErrorCode::invalid_message, "empty envelope");
  if (env[0] != kControlPrekey && env[0] != kControlMessage) {
    auto pt = d.group_decrypt(r.group, r.from, env);
    if (!pt) return group_fail(pt.error());
    return Json{{"kind", "application"}, {"plaintext", to_hex(*pt)}};
  }
  // Control: the pairwise session with `from` authenticates it, and the key is filed
  // under `from`, never under a name inside the plaintext.
  if (!contains(v->roster, r.from)) return fail(ErrorCode::bad_request, r.from + " is not in the roster of " + r.group);
  libsignal::Checkpoint saved = d.checkpoint();
  auto undo = [&](Reply reply) {
    d.rollback(std::move(saved));
    return reply;
  };
  libsignal::Ciphertext c{env[0] == kControlPrekey ? libsignal::MessageKind::prekey : libsignal::MessageKind::message,
                          Bytes(env.begin() + 1, env.end())};
  auto pt = d.decrypt(r.from, c);
  if (!pt) return undo(group_fail(pt.error()));
  auto wrapper = decode_wrapper(*pt);
  secure_wipe(pt->data(), pt->size());
  if (!wrapper) return undo(fail(ErrorCode::invalid_message, wrapper.error().detail));
  if (wrapper->first != r.group) {
    return undo(
        fail(ErrorCode::invalid_message, "distribution for group " + wrapper->first + " delivered in " + r.group));
  }
  auto st = d.process_distribution(r.group, r.from, wrapper->second);
  secure_wipe(wrapper->second.data(), wrapper->second.size());
  if (!st) return undo(group_fail(st.error()));
  return Json{{"kind", "control"}};
}

Reply LibsignalAdapter::group_info(const request::GroupInfo& r) {
  PTP_TRY(p, party(r.party));
  auto it = p->groups.find(r.group);
  if (it == p->groups.end()) return fail(ErrorCode::bad_request, r.party + " does not know group " + r.group);
  Json out = {{"members", it->second.roster}};
  if (!contains(it->second.roster, p->self)) out["removed"] = true;
  return out;
}

#undef PTP_TRY

}  // namespace parity::ptp
