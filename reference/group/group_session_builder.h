// group_session_builder.h: making an own sender key and filing a received one
// (libsignal-protocol-c group_session_builder), with the baseline's rule against rollback.
#pragma once

#include <optional>

#include "reference/crypto/random.h"
#include "reference/group/group_hooks.h"
#include "reference/group/sender_key_distribution_message.h"
#include "reference/group/sender_key_record.h"

namespace parity::group {

// SenderKeyOptions fixes the keys of a new sender key (PTP `inject`); unset ones are drawn.
struct SenderKeyOptions {
  std::optional<Key32> chain_key;        // the chain key at iteration 0
  std::optional<Key32> signing_private;  // clamped; public = X25519(private, 9)
  std::optional<uint32_t> key_id;        // below 2^31
};

// create_sender_key makes a fresh own state at iteration 0: a random 31-bit key id, a
// random chain key and signing key pair. A key id of 2^31 or more is invalid_argument.
Result<SenderKeyState> create_sender_key(Rng& rng, const SenderKeyOptions& options = {});

// distribution_of is the distribution message of a state at its current iteration.
SenderKeyDistributionMessage distribution_of(const SenderKeyState& state);

// DistributionOutcome says what process_distribution did.
enum class DistributionOutcome {
  added,    // a new state, in front
  ignored,  // the record already holds this key at this iteration or later
};

// process_distribution files a received key in `record`. libsignal-protocol-c adds every
// distribution as a new state, so an older copy of a key moves its chain back; the
// baseline (unless hooks.allow_rollback) ignores a copy of a key it holds (same id and
// signing key) at an iteration not above its own, and one further on that its own chain
// derives; anything else is a new state (the oldest dropped past hooks.max_sender_states).
DistributionOutcome process_distribution(SenderKeyRecord& record, const SenderKeyDistributionMessage& message,
                                         const GroupHooks& hooks = {});

}  // namespace parity::group
