#include "reference/group/group_session_builder.h"

#include "reference/crypto/x25519.h"
#include "reference/group/group_labels.h"

namespace parity::group {

Result<SenderKeyState> create_sender_key(Rng& rng, const SenderKeyOptions& options) {
  SenderKeyState s;
  if (options.key_id) {
    if (*options.key_id >= kSenderKeyIdBound) {
      return make_error(Errc::invalid_argument, "sender key id must be below 2^31");
    }
    s.key_id = *options.key_id;
  } else {
    uint8_t b[4];
    rng.fill(b);
    s.key_id =
        ((uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3]) & (kSenderKeyIdBound - 1);
  }
  s.chain.iteration = 0;
  s.chain.key = options.chain_key ? *options.chain_key : rng.key32();
  const KeyPair pair = key_pair_from_private(options.signing_private ? *options.signing_private : rng.key32());
  s.signing_public = pair.public_key;
  s.signing_private = pair.private_key;
  return s;
}

SenderKeyDistributionMessage distribution_of(const SenderKeyState& state) {
  return SenderKeyDistributionMessage{state.key_id, state.chain.iteration, state.chain.key, state.signing_public};
}

DistributionOutcome process_distribution(SenderKeyRecord& record, const SenderKeyDistributionMessage& message,
                                         const GroupHooks& hooks) {
  if (!hooks.allow_rollback) {
    const SenderKeyState* held = record.find(message.key_id);
    if (held != nullptr && held->signing_public == message.signing_key) {
      // The same key: an older (or equal) copy must not move the chain back.
      if (message.iteration <= held->chain.iteration) return DistributionOutcome::ignored;
      // A later copy our chain derives adds nothing (and keeps our skipped keys).
      const uint32_t gap = message.iteration - held->chain.iteration;
      if (!hooks.max_skip || gap <= *hooks.max_skip) {
        SenderChainKey c = held->chain;
        while (c.iteration < message.iteration) c = c.next();
        if (c.key == message.chain_key) return DistributionOutcome::ignored;
      }
    }
  }
  SenderKeyState s;
  s.key_id = message.key_id;
  s.chain = SenderChainKey{message.iteration, message.chain_key};
  s.signing_public = message.signing_key;
  record.add_state(std::move(s), hooks.max_sender_states);
  return DistributionOutcome::added;
}

}  // namespace parity::group
