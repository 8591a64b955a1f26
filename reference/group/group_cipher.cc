#include "reference/group/group_cipher.h"

#include <limits>
#include <string>
#include <vector>

#include "reference/crypto/aes.h"
#include "reference/crypto/xeddsa.h"
#include "reference/group/sender_key_message.h"

namespace parity::group {

Result<Bytes> group_encrypt(SenderKeyRecord& record, ByteView plaintext, Rng& rng) {
  SenderKeyState* state = record.newest();
  if (state == nullptr) return make_error(Errc::no_session, "no own sender key");
  if (!state->signing_private) return make_error(Errc::invalid_key, "sender key state has no signing private key");
  if (state->chain.iteration == std::numeric_limits<uint32_t>::max()) {
    return make_error(Errc::limit_exceeded, "sender chain exhausted");
  }
  const SenderMessageKey mk = state->chain.message_key();
  PARITY_ASSIGN(Bytes ciphertext, aes256_cbc_encrypt(mk.cipher_key, mk.iv, plaintext));
  SenderKeyMessage m;
  m.key_id = state->key_id;
  m.iteration = mk.iteration;
  m.ciphertext = std::move(ciphertext);
  m.sign(*state->signing_private, rng);
  state->chain = state->chain.next();
  return m.serialize();
}

Result<Bytes> group_decrypt(SenderKeyRecord& record, ByteView envelope, const GroupHooks& hooks) {
  PARITY_ASSIGN(SenderKeyMessage m, decode_sender_key_message(envelope));
  SenderKeyState* state = record.find(m.key_id);
  if (state == nullptr) return make_error(Errc::no_session, "no sender key state " + std::to_string(m.key_id));
  if (hooks.verify_signature && !xeddsa_verify(state->signing_public, signed_part(envelope), m.signature)) {
    return make_error(Errc::bad_signature, "SenderKeyMessage signature does not verify");
  }

  // Plan the key without touching the state, decrypt, then commit.
  SenderMessageKey mk;
  std::optional<size_t> used_skipped;
  std::vector<SkippedKey> new_skipped;
  SenderChainKey new_chain = state->chain;
  if (m.iteration < state->chain.iteration) {
    used_skipped = state->find_skipped(m.iteration);
    if (!used_skipped) {
      return make_error(Errc::duplicate_message,
                        "iteration " + std::to_string(m.iteration) + " is behind the chain and no key is kept");
    }
    mk = SenderMessageKey::from_seed(m.iteration, state->skipped[*used_skipped].seed);
  } else {
    const uint32_t jump = m.iteration - state->chain.iteration;
    if (hooks.max_skip && jump > *hooks.max_skip) {
      return make_error(Errc::limit_exceeded, "iteration " + std::to_string(m.iteration) + " jumps " +
                                                  std::to_string(jump) + " past the chain");
    }
    if (m.iteration == std::numeric_limits<uint32_t>::max()) {
      return make_error(Errc::limit_exceeded, "iteration 2^32-1 would exhaust the chain");
    }
    SenderChainKey c = state->chain;
    while (c.iteration < m.iteration) {
      // Only the newest max_skipped_keys could survive eviction: do not keep the rest.
      if (m.iteration - c.iteration <= hooks.max_skipped_keys) new_skipped.push_back({c.iteration, c.seed()});
      c = c.next();
    }
    mk = c.message_key();
    new_chain = c.next();
  }
  PARITY_ASSIGN(Bytes plaintext, aes256_cbc_decrypt(mk.cipher_key, mk.iv, m.ciphertext));

  if (used_skipped) {
    if (hooks.reject_replays) state->skipped.erase(state->skipped.begin() + static_cast<std::ptrdiff_t>(*used_skipped));
  } else {
    for (const SkippedKey& k : new_skipped) state->add_skipped(k, hooks.max_skipped_keys);
    // A variant that accepts replays keeps the key it just used.
    if (!hooks.reject_replays) state->add_skipped({mk.iteration, mk.seed}, hooks.max_skipped_keys);
    state->chain = new_chain;
  }
  return plaintext;
}

}  // namespace parity::group
