// session_state.h: the state of one Double Ratchet session, as libsignal keeps it.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "base/bytes.h"
#include "reference/crypto/x25519.h"
#include "reference/keys/chain_key.h"
#include "reference/keys/kdf_labels.h"
#include "reference/keys/message_keys.h"
#include "reference/keys/root_key.h"

namespace parity::signal {

// ReceiverChain is a receiving chain: the peer's ratchet key, the next chain key, and
// the message keys skipped in it (oldest first, at most kMaxMessageKeys).
struct ReceiverChain {
  Key32 ratchet_key{};
  ChainKey chain;
  std::deque<MessageKeys> skipped;
  bool operator==(const ReceiverChain&) const = default;
};

// PendingPrekey is what an initiator repeats in every message until the peer answers.
struct PendingPrekey {
  std::optional<uint32_t> prekey_id;
  uint32_t signed_prekey_id = 0;
  Key32 base_key{};
  bool operator==(const PendingPrekey&) const = default;
};

// SessionState is one session: identities, root key, the sending chain and up to
// kMaxReceiverChains receiving chains (oldest first).
struct SessionState {
  uint32_t version = 3;
  Key32 local_identity{};
  Key32 remote_identity{};
  uint32_t local_registration_id = 0;
  uint32_t remote_registration_id = 0;
  Key32 alice_base_key{};
  RootKey root;
  uint32_t previous_counter = 0;
  KeyPair sender_ratchet;
  ChainKey sender_chain;
  std::deque<ReceiverChain> receiver_chains;
  std::optional<PendingPrekey> pending_prekey;
  uint32_t ratchet_steps = 0;  // DH ratchet steps taken since the session started

  ReceiverChain* find_receiver_chain(const Key32& ratchet_key);
  // add_receiver_chain appends a chain and drops the oldest beyond `max_chains`.
  void add_receiver_chain(const Key32& ratchet_key, const ChainKey& chain, size_t max_chains = kMaxReceiverChains);
  bool operator==(const SessionState&) const = default;
};

}  // namespace parity::signal
