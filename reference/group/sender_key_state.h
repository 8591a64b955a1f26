// sender_key_state.h: one sender key state (libsignal-protocol-c sender_key_state): key
// id, chain key, signing key and the message keys kept for skipped iterations.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "reference/codec.h"
#include "reference/group/sender_chain_key.h"

#include "base/bytes.h"

namespace parity::group {

// SkippedKey is a message-key seed kept for an iteration not yet read.
struct SkippedKey {
  uint32_t iteration = 0;
  Key32 seed{};
  bool operator==(const SkippedKey&) const = default;
};

struct SenderKeyState {
  uint32_t key_id = 0;
  SenderChainKey chain;
  Key32 signing_public{};
  std::optional<Key32> signing_private;  // only in the owner's own state
  std::deque<SkippedKey> skipped;        // ascending iterations, oldest first

  // find_skipped returns the index of the kept key of `iteration`, if any.
  std::optional<size_t> find_skipped(uint32_t iteration) const;
  // add_skipped appends a key and evicts the oldest past `max_keys`.
  void add_skipped(SkippedKey key, size_t max_keys);
  bool operator==(const SenderKeyState&) const = default;
};

// write_state / read_state serialise a state for export; read_state is strict (skipped
// iterations ascending and below the chain's, counts bounded).
void write_sender_key_state(ByteWriter& w, const SenderKeyState& s);
Result<SenderKeyState> read_sender_key_state(ByteReader& r);

}  // namespace parity::group
