#include "reference/session/session_record.h"

#include "reference/keys/kdf_labels.h"

namespace parity::signal {

ReceiverChain* SessionState::find_receiver_chain(const Key32& ratchet_key) {
  for (ReceiverChain& c : receiver_chains) {
    if (c.ratchet_key == ratchet_key) return &c;
  }
  return nullptr;
}

void SessionState::add_receiver_chain(const Key32& ratchet_key, const ChainKey& chain, size_t max_chains) {
  receiver_chains.push_back(ReceiverChain{ratchet_key, chain, {}});
  while (receiver_chains.size() > max_chains) receiver_chains.pop_front();
}

bool SessionRecord::has_state(uint32_t version, const Key32& alice_base_key) const {
  auto matches = [&](const SessionState& s) { return s.version == version && s.alice_base_key == alice_base_key; };
  if (current && matches(*current)) return true;
  for (const SessionState& s : previous) {
    if (matches(s)) return true;
  }
  return false;
}

void SessionRecord::promote(SessionState state) {
  if (current) previous.push_front(std::move(*current));
  current = std::move(state);
  while (previous.size() > kMaxArchivedStates) previous.pop_back();
}

}  // namespace parity::signal
