#include "reference/ratchet.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "reference/keys/kdf_labels.h"
#include "reference/wire/public_key.h"

namespace parity::signal {

KeyPair RatchetKeySource::next() const {
  if (injected) return key_pair_from_private(*injected);
  return generate_key_pair(*rng);
}

Result<EncryptedMessage> encrypt_with_state(SessionState& state_, ByteView plaintext, const SessionPolicy& policy) {
  if (plaintext.size() > kMaxPlaintextSize) {
    return make_error(Errc::limit_exceeded,
                      "plaintext of " + std::to_string(plaintext.size()) + " bytes exceeds the bound");
  }
  auto [mk, next_chain] = state_.sender_chain.step(policy.kdf);

  wire::SignalMessage m;
  m.format = policy.scheme->wire_format();
  m.ratchet_key = state_.sender_ratchet.public_key;
  m.counter = state_.sender_chain.index;
  m.previous_counter = state_.previous_counter;
  auto [sender, receiver] = policy.hooks->mac_identities(state_.local_identity, state_.remote_identity);
  auto sealed = policy.scheme->seal(m, mk, sender, receiver, plaintext);
  secure_wipe(&mk, sizeof mk);
  PARITY_ASSIGN(Bytes out, std::move(sealed));

  EncryptedMessage result;
  if (state_.pending_prekey) {
    wire::PreKeySignalMessage pk;
    pk.format = m.format;
    pk.prekey_id = state_.pending_prekey->prekey_id;
    pk.base_key = state_.pending_prekey->base_key;
    pk.identity_key = state_.local_identity;
    pk.message_bytes = std::move(out);
    pk.registration_id = state_.local_registration_id;
    pk.signed_prekey_id = state_.pending_prekey->signed_prekey_id;
    result.prekey = true;
    result.bytes = pk.serialize();
  } else {
    result.bytes = std::move(out);
  }
  state_.sender_chain = next_chain;
  return result;
}

namespace {

// receiver_chain_for returns the chain key for the peer's ratchet key, taking a DH
// ratchet step (a new receiving and a new sending chain) when the key is new.
ChainKey receiver_chain_for(SessionState& s, const Key32& their_ratchet, const RatchetKeySource& keys,
                            const SessionPolicy& policy) {
  if (const ReceiverChain* rc = s.find_receiver_chain(their_ratchet)) return rc->chain;
  const size_t max_chains = policy.rules.max_receiver_chains;
  RootStep receiving = s.root.create_chain(their_ratchet, s.sender_ratchet, policy.kdf);
  std::optional<KeyPair> ours = policy.hooks->next_ratchet_key(s, keys);
  if (!ours) {
    // Receive on the new chain and keep sending on ours.
    s.root = receiving.root;
    s.add_receiver_chain(their_ratchet, receiving.chain, max_chains);
    return receiving.chain;
  }
  RootStep sending = receiving.root.create_chain(their_ratchet, *ours, policy.kdf);
  s.root = sending.root;
  s.add_receiver_chain(their_ratchet, receiving.chain, max_chains);
  s.ratchet_steps++;
  s.previous_counter = s.sender_chain.index > 0 ? s.sender_chain.index - 1 : 0;
  s.sender_ratchet = *ours;
  s.sender_chain = sending.chain;
  return receiving.chain;
}

// message_keys_for returns the keys of `counter` in the chain, keeping the keys of the
// messages it skips (at most max_message_keys, the oldest dropped first).
Result<MessageKeys> message_keys_for(SessionState& s, const Key32& their_ratchet, const ChainKey& chain,
                                     uint32_t counter, const SessionPolicy& policy) {
  const RatchetRules& rules = policy.rules;
  const bool keep_used = policy.hooks->keeps_used_message_key();
  ReceiverChain* rc = s.find_receiver_chain(their_ratchet);
  if (rc == nullptr) return make_error(Errc::internal, "receiving chain vanished");
  if (chain.index > counter) {
    auto it = std::find_if(rc->skipped.begin(), rc->skipped.end(),
                           [&](const MessageKeys& k) { return k.counter == counter; });
    if (it == rc->skipped.end()) {
      return make_error(Errc::duplicate_message, "no key for counter " + std::to_string(counter) + " (chain at " +
                                                     std::to_string(chain.index) + ")");
    }
    MessageKeys mk = *it;
    if (!keep_used) rc->skipped.erase(it);
    return mk;
  }
  if (rules.max_skip && counter - chain.index > *rules.max_skip) {
    return make_error(Errc::counter_too_far, "counter " + std::to_string(counter) + " is " +
                                                 std::to_string(counter - chain.index) + " ahead of the chain (max " +
                                                 std::to_string(*rules.max_skip) + ")");
  }
  ChainKey cur = chain;
  auto step = cur.step(policy.kdf);
  while (cur.index < counter) {
    rc->skipped.push_back(step.first);
    if (rules.max_message_keys && rc->skipped.size() > *rules.max_message_keys) rc->skipped.pop_front();
    cur = step.second;
    step = cur.step(policy.kdf);
  }
  rc->chain = step.second;
  if (keep_used) rc->skipped.push_back(step.first);
  return step.first;
}

}  // namespace

Result<Bytes> decrypt_with_state(SessionState& state_, const wire::SignalMessage& message, ByteView raw,
                                 const RatchetKeySource& keys, const SessionPolicy& policy) {
  if (state_.version != kCiphertextVersion) return make_error(Errc::bad_version, "session version is not 3");
  if (raw.size() < policy.scheme->wire_format().mac_length()) {
    return make_error(Errc::malformed, "message shorter than its MAC");
  }
  ChainKey chain = receiver_chain_for(state_, message.ratchet_key, keys, policy);
  PARITY_ASSIGN(MessageKeys mk, message_keys_for(state_, message.ratchet_key, chain, message.counter, policy));
  auto [sender, receiver] = policy.hooks->mac_identities(state_.remote_identity, state_.local_identity);
  auto plaintext = policy.scheme->open(message, raw, mk, sender, receiver, *policy.hooks);
  secure_wipe(&mk, sizeof mk);
  if (!plaintext) return plaintext.error();
  state_.pending_prekey.reset();
  return std::move(plaintext).value();
}

Result<Bytes> decrypt_with_record(SessionRecord& record_, const wire::SignalMessage& message, ByteView raw,
                                  const RatchetKeySource& keys, const SessionPolicy& policy) {
  std::optional<Error> first_error;
  if (record_.current) {
    SessionState copy = *record_.current;
    auto pt = decrypt_with_state(copy, message, raw, keys, policy);
    if (pt || (pt.code() == Errc::bad_mac &&
               policy.hooks->keeps_refused_state(copy, *record_.current, message.ratchet_key))) {
      record_.current = std::move(copy);
      return pt;
    }
    // A used key ends the search, as in libsignal: older states cannot hold it either.
    if (pt.code() == Errc::duplicate_message) return pt.error();
    first_error = pt.error();
  }
  for (auto it = record_.previous.begin(); it != record_.previous.end(); ++it) {
    SessionState copy = *it;
    auto pt = decrypt_with_state(copy, message, raw, keys, policy);
    if (pt) {
      record_.previous.erase(it);
      if (policy.hooks->archives_displaced_state()) {
        record_.promote(std::move(copy));
      } else {
        record_.current = std::move(copy);
      }
      return pt;
    }
    if (pt.code() == Errc::duplicate_message) return pt.error();
    if (!first_error) first_error = pt.error();
  }
  if (first_error) return *first_error;
  return make_error(Errc::no_session, "no session state");
}

}  // namespace parity::signal
