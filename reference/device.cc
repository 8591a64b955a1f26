#include "reference/device.h"

#include <string>

#include "reference/codec.h"
#include "reference/keys/kdf_labels.h"
#include "reference/ratchet.h"
#include "reference/session/session_codec.h"
#include "reference/wire/public_key.h"
#include "reference/x3dh.h"

namespace parity::signal {

namespace {

// kMagic starts a device without groups (the format before groups, unchanged); kMagicGroups
// one followed by its groups.
constexpr char kMagic[] = "PARITY-SIGNAL-DEVICE-1";
constexpr char kMagicGroups[] = "PARITY-SIGNAL-DEVICE-2";
static_assert(sizeof(kMagic) == sizeof(kMagicGroups));
constexpr uint32_t kMaxStoredKeys = 1u << 20;  // bounds an imported state, not the protocol
constexpr size_t kMaxPeerName = 256;

// draw_registration_id picks a registration id in 1..16380, as libsignal's key helper does.
uint32_t draw_registration_id(Rng& rng) {
  uint8_t b[4];
  rng.fill(b);
  uint32_t v = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
  return (v % 16380) + 1;
}

// out_of_order refuses a state whose keys are not strictly ascending: the maps would
// merge or re-sort them, and the state would not serialise back to the same bytes.
Error out_of_order(const ByteReader& r, const char* what) {
  return make_error(Errc::malformed,
                    std::string(what) + " out of order or repeated before offset " + std::to_string(r.offset()));
}

}  // namespace

Device Device::create(Rng& rng, std::optional<Key32> identity_private, std::optional<uint32_t> registration_id) {
  Device d;
  d.identity_ = identity_private ? key_pair_from_private(*identity_private) : generate_key_pair(rng);
  d.registration_id_ = registration_id ? *registration_id : draw_registration_id(rng);
  return d;
}

Result<wire::Bundle> Device::bundle(Rng& rng, const BundleOptions& options) {
  Device next = *this;  // atomic: work on a copy, commit at the end
  if (options.signed_prekey_private || options.signed_prekey_id || !next.current_signed_prekey_) {
    uint32_t id = options.signed_prekey_id.value_or(next.next_signed_prekey_id_);
    if (!options.signed_prekey_id) next.next_signed_prekey_id_ = (next.next_signed_prekey_id_ % kMaxPrekeyId) + 1;
    SignedPrekey spk;
    spk.key =
        options.signed_prekey_private ? key_pair_from_private(*options.signed_prekey_private) : generate_key_pair(rng);
    std::array<uint8_t, 64> z{};
    rng.fill(z);
    spk.signature = xeddsa_sign(next.identity_.private_key, wire::serialize_key(spk.key.public_key), z);
    next.signed_prekeys_[id] = spk;
    next.current_signed_prekey_ = id;
  }
  const SignedPrekey& spk = next.signed_prekeys_.at(*next.current_signed_prekey_);

  wire::Bundle b;
  b.registration_id = next.registration_id_;
  b.device_id = 1;
  b.signed_prekey_id = *next.current_signed_prekey_;
  b.signed_prekey_public = spk.key.public_key;
  b.signed_prekey_signature = spk.signature;
  b.identity_key = next.identity_.public_key;
  if (options.with_onetime_prekey) {
    uint32_t id = options.prekey_id.value_or(next.next_prekey_id_);
    if (id == 0 || id >= kMaxPrekeyId) {
      return make_error(Errc::invalid_argument, "prekey id " + std::to_string(id) + " outside 1..16777214");
    }
    if (!options.prekey_id) next.next_prekey_id_ = (next.next_prekey_id_ % (kMaxPrekeyId - 1)) + 1;
    KeyPair opk = options.onetime_prekey_private ? key_pair_from_private(*options.onetime_prekey_private)
                                                 : generate_key_pair(rng);
    next.onetime_prekeys_[id] = opk;
    b.prekey_id = id;
    b.prekey_public = opk.public_key;
  }
  *this = std::move(next);
  return b;
}

Status Device::initiate(const std::string& peer, const wire::Bundle& bundle, Rng& rng,
                        std::optional<Key32> base_private, std::optional<Key32> ratchet_private) {
  if (!policy_.hooks->signed_prekey_valid(bundle)) {
    return make_error(Errc::bad_signature, "signed prekey signature does not verify under the bundle's identity");
  }
  auto trusted = trusted_.find(peer);
  if (trusted != trusted_.end() && trusted->second != bundle.identity_key) {
    return make_error(Errc::untrusted_identity, "identity key of " + peer + " changed");
  }
  // Same draw order as libsignal: the base key, then the first ratchet key.
  AliceParameters p;
  p.our_identity = identity_;
  p.our_base_key = base_private ? key_pair_from_private(*base_private) : generate_key_pair(rng);
  p.our_ratchet_key = ratchet_private ? key_pair_from_private(*ratchet_private) : generate_key_pair(rng);
  p.their_identity = bundle.identity_key;
  p.their_signed_prekey = bundle.signed_prekey_public;
  p.their_onetime_prekey = bundle.prekey_public;

  SessionState s = initialize_alice(p, policy_.kdf);
  s.pending_prekey = PendingPrekey{bundle.prekey_id, bundle.signed_prekey_id, p.our_base_key.public_key};
  s.local_registration_id = registration_id_;
  s.remote_registration_id = bundle.registration_id;
  s.alice_base_key = p.our_base_key.public_key;
  sessions_[peer].promote(std::move(s));
  trusted_[peer] = bundle.identity_key;
  return {};
}

Result<Ciphertext> Device::encrypt(const std::string& peer, ByteView plaintext) {
  auto it = sessions_.find(peer);
  if (it == sessions_.end() || !it->second.current) return make_error(Errc::no_session, "no session with " + peer);
  SessionState copy = *it->second.current;
  PARITY_ASSIGN(EncryptedMessage m, encrypt_with_state(copy, plaintext, policy_));
  it->second.current = std::move(copy);
  return Ciphertext{m.prekey ? MessageKind::prekey : MessageKind::message, std::move(m.bytes)};
}

Result<Bytes> Device::decrypt(const std::string& peer, const Ciphertext& ciphertext, Rng& rng,
                              std::optional<Key32> ratchet_private) {
  RatchetKeySource keys{&rng, ratchet_private};
  if (ciphertext.kind == MessageKind::message) {
    auto it = sessions_.find(peer);
    if (it == sessions_.end()) return make_error(Errc::no_session, "no session with " + peer);
    PARITY_ASSIGN(wire::SignalMessage m, wire::decode_signal_message(ciphertext.bytes, policy_.scheme->wire_format()));
    // decrypt_with_record changes the record only when it succeeds.
    auto pt = decrypt_with_record(it->second, m, ciphertext.bytes, keys, policy_);
    if (!pt && pt.code() != Errc::duplicate_message && policy_.hooks->tries_other_peers()) {
      for (auto& [other, record] : sessions_) {
        if (other == peer) continue;
        auto tried = decrypt_with_record(record, m, ciphertext.bytes, keys, policy_);
        if (tried) return tried;
      }
    }
    return pt;
  }

  PARITY_ASSIGN(wire::PreKeySignalMessage m,
                wire::decode_prekey_message(ciphertext.bytes, policy_.scheme->wire_format()));
  auto trusted = trusted_.find(peer);
  if (trusted != trusted_.end() && trusted->second != m.identity_key) {
    return make_error(Errc::untrusted_identity, "identity key of " + peer + " changed");
  }
  auto existing = sessions_.find(peer);
  SessionRecord record = existing != sessions_.end() ? existing->second : SessionRecord{};
  std::optional<uint32_t> consumed_prekey;
  if (!record.has_state(kCiphertextVersion, m.base_key)) {
    auto spk = signed_prekeys_.find(m.signed_prekey_id);
    if (spk == signed_prekeys_.end()) {
      return make_error(Errc::unknown_prekey, "no signed prekey with id " + std::to_string(m.signed_prekey_id));
    }
    BobParameters p;
    p.our_identity = identity_;
    p.our_signed_prekey = spk->second.key;
    p.their_identity = m.identity_key;
    p.their_base_key = m.base_key;
    if (m.prekey_id) {
      auto opk = onetime_prekeys_.find(*m.prekey_id);
      if (opk == onetime_prekeys_.end()) {
        return make_error(Errc::unknown_prekey, "no one-time prekey with id " + std::to_string(*m.prekey_id));
      }
      p.our_onetime_prekey = opk->second;
      if (*m.prekey_id != kMaxPrekeyId) consumed_prekey = *m.prekey_id;
    }
    SessionState s = initialize_bob(p, policy_.kdf);
    s.local_registration_id = registration_id_;
    s.remote_registration_id = m.registration_id.value_or(0);
    s.alice_base_key = m.base_key;
    record.promote(std::move(s));
  }
  PARITY_ASSIGN(Bytes pt, decrypt_with_record(record, m.message, m.message_bytes, keys, policy_));
  sessions_[peer] = std::move(record);
  trusted_[peer] = m.identity_key;
  if (consumed_prekey) onetime_prekeys_.erase(*consumed_prekey);
  return pt;
}

Device::PeerSnapshot Device::snapshot(const std::string& peer) const {
  PeerSnapshot s;
  s.peer = peer;
  if (auto it = sessions_.find(peer); it != sessions_.end()) s.session = it->second;
  if (auto it = trusted_.find(peer); it != trusted_.end()) s.trusted = it->second;
  s.onetime_prekeys = onetime_prekeys_;
  return s;
}

void Device::restore(PeerSnapshot snapshot) {
  if (snapshot.session) {
    sessions_[snapshot.peer] = std::move(*snapshot.session);
  } else {
    sessions_.erase(snapshot.peer);
  }
  if (snapshot.trusted) {
    trusted_[snapshot.peer] = *snapshot.trusted;
  } else {
    trusted_.erase(snapshot.peer);
  }
  onetime_prekeys_ = std::move(snapshot.onetime_prekeys);
}

bool Device::has_session(const std::string& peer) const {
  auto it = sessions_.find(peer);
  return it != sessions_.end() && it->second.current.has_value();
}

const SessionRecord* Device::session(const std::string& peer) const {
  auto it = sessions_.find(peer);
  return it == sessions_.end() ? nullptr : &it->second;
}

Bytes Device::serialize() const {
  ByteWriter w;
  w.raw(view(std::string(groups_.empty() ? kMagic : kMagicGroups)));
  w.key(identity_.private_key);
  w.key(identity_.public_key);
  w.u32(registration_id_);
  w.u32(next_prekey_id_);
  w.u32(next_signed_prekey_id_);
  w.u8(current_signed_prekey_ ? 1 : 0);
  w.u32(current_signed_prekey_.value_or(0));
  w.u32(static_cast<uint32_t>(signed_prekeys_.size()));
  for (const auto& [id, spk] : signed_prekeys_) {
    w.u32(id);
    w.key(spk.key.private_key);
    w.key(spk.key.public_key);
    w.raw(spk.signature);
  }
  w.u32(static_cast<uint32_t>(onetime_prekeys_.size()));
  for (const auto& [id, kp] : onetime_prekeys_) {
    w.u32(id);
    w.key(kp.private_key);
    w.key(kp.public_key);
  }
  w.u32(static_cast<uint32_t>(trusted_.size()));
  for (const auto& [peer, key] : trusted_) {
    w.str(peer);
    w.key(key);
  }
  w.u32(static_cast<uint32_t>(sessions_.size()));
  for (const auto& [peer, rec] : sessions_) {
    w.str(peer);
    write_record(w, rec);
  }
  if (!groups_.empty()) {
    w.u32(static_cast<uint32_t>(groups_.size()));
    for (const auto& [name, g] : groups_) {
      w.str(name);
      group::write_group_state(w, g);
    }
  }
  return w.take();
}

Result<Device> Device::deserialize(ByteView data) {
  ByteReader r(data);
  const std::string magic(kMagic);
  PARITY_ASSIGN(Bytes m, r.raw(magic.size()));
  const bool with_groups = std::string(m.begin(), m.end()) == std::string(kMagicGroups);
  if (std::string(m.begin(), m.end()) != magic && !with_groups) {
    return make_error(Errc::malformed, "not a reference device state (bad magic at offset 0)");
  }
  Device d;
  PARITY_ASSIGN(d.identity_.private_key, r.key());
  PARITY_ASSIGN(d.identity_.public_key, r.key());
  PARITY_ASSIGN(d.registration_id_, r.u32());
  PARITY_ASSIGN(d.next_prekey_id_, r.u32());
  PARITY_ASSIGN(d.next_signed_prekey_id_, r.u32());
  PARITY_ASSIGN(uint8_t has_current, r.u8());
  PARITY_ASSIGN(uint32_t current, r.u32());
  // Import refuses what serialize would not write back the same way.
  if (has_current > 1 || (has_current == 0 && current != 0)) {
    return make_error(Errc::malformed, "bad current signed prekey before offset " + std::to_string(r.offset()));
  }
  if (has_current == 1) d.current_signed_prekey_ = current;
  PARITY_ASSIGN(uint32_t n_spk, r.count(kMaxStoredKeys));
  for (uint32_t i = 0; i < n_spk; ++i) {
    PARITY_ASSIGN(uint32_t id, r.u32());
    if (i > 0 && id <= d.signed_prekeys_.rbegin()->first) return out_of_order(r, "signed prekey id");
    SignedPrekey spk;
    PARITY_ASSIGN(spk.key.private_key, r.key());
    PARITY_ASSIGN(spk.key.public_key, r.key());
    PARITY_ASSIGN(Bytes sig, r.raw(64));
    std::copy(sig.begin(), sig.end(), spk.signature.begin());
    d.signed_prekeys_[id] = spk;
  }
  if (d.current_signed_prekey_ && !d.signed_prekeys_.contains(*d.current_signed_prekey_)) {
    return make_error(Errc::malformed,
                      "current signed prekey " + std::to_string(*d.current_signed_prekey_) + " is not stored");
  }
  PARITY_ASSIGN(uint32_t n_opk, r.count(kMaxStoredKeys));
  for (uint32_t i = 0; i < n_opk; ++i) {
    PARITY_ASSIGN(uint32_t id, r.u32());
    if (i > 0 && id <= d.onetime_prekeys_.rbegin()->first) return out_of_order(r, "one-time prekey id");
    KeyPair kp;
    PARITY_ASSIGN(kp.private_key, r.key());
    PARITY_ASSIGN(kp.public_key, r.key());
    d.onetime_prekeys_[id] = kp;
  }
  PARITY_ASSIGN(uint32_t n_trust, r.count(kMaxStoredKeys));
  for (uint32_t i = 0; i < n_trust; ++i) {
    PARITY_ASSIGN(std::string peer, r.str(kMaxPeerName));
    if (i > 0 && peer <= d.trusted_.rbegin()->first) return out_of_order(r, "trusted peer");
    PARITY_ASSIGN(Key32 key, r.key());
    d.trusted_[peer] = key;
  }
  PARITY_ASSIGN(uint32_t n_sessions, r.count(kMaxStoredKeys));
  for (uint32_t i = 0; i < n_sessions; ++i) {
    PARITY_ASSIGN(std::string peer, r.str(kMaxPeerName));
    if (i > 0 && peer <= d.sessions_.rbegin()->first) return out_of_order(r, "session peer");
    PARITY_ASSIGN(SessionRecord rec, read_record(r));
    d.sessions_[peer] = std::move(rec);
  }
  if (with_groups) {
    // At least one group: serialize writes the first format without any.
    PARITY_ASSIGN(uint32_t n_groups, r.count(kMaxStoredKeys));
    if (n_groups == 0) return make_error(Errc::malformed, "a device state with groups lists none");
    for (uint32_t i = 0; i < n_groups; ++i) {
      PARITY_ASSIGN(std::string name, r.str(group::kMaxGroupName));
      if (i > 0 && name <= d.groups_.rbegin()->first) return out_of_order(r, "group name");
      PARITY_ASSIGN(group::GroupState g, group::read_group_state(r));
      d.groups_[name] = std::move(g);
    }
  }
  PARITY_TRY(r.finish());
  return d;
}

}  // namespace parity::signal
