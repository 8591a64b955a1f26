#include "reference/session/session_codec.h"

#include <algorithm>

#include "reference/keys/kdf_labels.h"

namespace parity::signal {

namespace {

// kMaxStoredChains bounds an imported state; it is above kMaxReceiverChains because the
// keep-old-chains mutant exports more, and below anything that could exhaust memory.
constexpr uint32_t kMaxStoredChains = 4096;
// kMaxStoredSkipped bounds the skipped keys of one imported chain (the unbounded-skip mutant keeps more).
constexpr uint32_t kMaxStoredSkipped = 1u << 20;

void write_chain(ByteWriter& w, const ChainKey& c) {
  w.key(c.key);
  w.u32(c.index);
}

Result<ChainKey> read_chain(ByteReader& r) {
  ChainKey c;
  PARITY_ASSIGN(c.key, r.key());
  PARITY_ASSIGN(c.index, r.u32());
  return c;
}

void write_pair(ByteWriter& w, const KeyPair& k) {
  w.key(k.private_key);
  w.key(k.public_key);
}

Result<KeyPair> read_pair(ByteReader& r) {
  KeyPair k;
  PARITY_ASSIGN(k.private_key, r.key());
  PARITY_ASSIGN(k.public_key, r.key());
  return k;
}

}  // namespace

void write_state(ByteWriter& w, const SessionState& s) {
  w.u32(s.version);
  w.key(s.local_identity);
  w.key(s.remote_identity);
  w.u32(s.local_registration_id);
  w.u32(s.remote_registration_id);
  w.key(s.alice_base_key);
  w.key(s.root.key);
  w.u32(s.previous_counter);
  write_pair(w, s.sender_ratchet);
  write_chain(w, s.sender_chain);
  w.u32(static_cast<uint32_t>(s.receiver_chains.size()));
  for (const ReceiverChain& c : s.receiver_chains) {
    w.key(c.ratchet_key);
    write_chain(w, c.chain);
    w.u32(static_cast<uint32_t>(c.skipped.size()));
    for (const MessageKeys& mk : c.skipped) {
      w.key(mk.cipher_key);
      w.key(mk.mac_key);
      w.raw(mk.iv);
      w.u32(mk.counter);
    }
  }
  w.u8(s.pending_prekey ? 1 : 0);
  if (s.pending_prekey) {
    w.u8(s.pending_prekey->prekey_id ? 1 : 0);
    w.u32(s.pending_prekey->prekey_id.value_or(0));
    w.u32(s.pending_prekey->signed_prekey_id);
    w.key(s.pending_prekey->base_key);
  }
  w.u32(s.ratchet_steps);
}

Result<SessionState> read_state(ByteReader& r) {
  SessionState s;
  PARITY_ASSIGN(s.version, r.u32());
  PARITY_ASSIGN(s.local_identity, r.key());
  PARITY_ASSIGN(s.remote_identity, r.key());
  PARITY_ASSIGN(s.local_registration_id, r.u32());
  PARITY_ASSIGN(s.remote_registration_id, r.u32());
  PARITY_ASSIGN(s.alice_base_key, r.key());
  PARITY_ASSIGN(s.root.key, r.key());
  PARITY_ASSIGN(s.previous_counter, r.u32());
  PARITY_ASSIGN(s.sender_ratchet, read_pair(r));
  PARITY_ASSIGN(s.sender_chain, read_chain(r));
  PARITY_ASSIGN(uint32_t chains, r.count(kMaxStoredChains));
  for (uint32_t i = 0; i < chains; ++i) {
    ReceiverChain c;
    PARITY_ASSIGN(c.ratchet_key, r.key());
    PARITY_ASSIGN(c.chain, read_chain(r));
    PARITY_ASSIGN(uint32_t skipped, r.count(kMaxStoredSkipped));
    for (uint32_t j = 0; j < skipped; ++j) {
      MessageKeys mk;
      PARITY_ASSIGN(mk.cipher_key, r.key());
      PARITY_ASSIGN(mk.mac_key, r.key());
      PARITY_ASSIGN(Bytes iv, r.raw(16));
      std::copy(iv.begin(), iv.end(), mk.iv.begin());
      PARITY_ASSIGN(mk.counter, r.u32());
      c.skipped.push_back(mk);
    }
    s.receiver_chains.push_back(std::move(c));
  }
  PARITY_ASSIGN(uint8_t has_pending, r.u8());
  if (has_pending > 1) return make_error(Errc::malformed, "bad flag at offset " + std::to_string(r.offset() - 1));
  if (has_pending == 1) {
    PendingPrekey p;
    PARITY_ASSIGN(uint8_t has_id, r.u8());
    PARITY_ASSIGN(uint32_t id, r.u32());
    if (has_id > 1 || (has_id == 0 && id != 0)) {
      return make_error(Errc::malformed, "bad prekey id flag before offset " + std::to_string(r.offset()));
    }
    if (has_id == 1) p.prekey_id = id;
    PARITY_ASSIGN(p.signed_prekey_id, r.u32());
    PARITY_ASSIGN(p.base_key, r.key());
    s.pending_prekey = p;
  }
  PARITY_ASSIGN(s.ratchet_steps, r.u32());
  return s;
}

void write_record(ByteWriter& w, const SessionRecord& rec) {
  w.u8(rec.current ? 1 : 0);
  if (rec.current) write_state(w, *rec.current);
  w.u32(static_cast<uint32_t>(rec.previous.size()));
  for (const SessionState& s : rec.previous) write_state(w, s);
}

Result<SessionRecord> read_record(ByteReader& r) {
  SessionRecord rec;
  PARITY_ASSIGN(uint8_t has_current, r.u8());
  if (has_current > 1) return make_error(Errc::malformed, "bad flag at offset " + std::to_string(r.offset() - 1));
  if (has_current == 1) {
    PARITY_ASSIGN(SessionState s, read_state(r));
    rec.current = std::move(s);
  }
  PARITY_ASSIGN(uint32_t n, r.count(static_cast<uint32_t>(kMaxArchivedStates)));
  for (uint32_t i = 0; i < n; ++i) {
    PARITY_ASSIGN(SessionState s, read_state(r));
    rec.previous.push_back(std::move(s));
  }
  return rec;
}

}  // namespace parity::signal
