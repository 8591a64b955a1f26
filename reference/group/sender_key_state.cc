#include "reference/group/sender_key_state.h"

#include <algorithm>
#include <string>

namespace parity::group {

namespace {

// kMaxStoredSkipped bounds the skipped keys of one imported state; above the baseline's
// 2000 so that a variant keeping more can still be exported, and far below memory limits.
constexpr uint32_t kMaxStoredSkipped = 1u << 20;

}  // namespace

std::optional<size_t> SenderKeyState::find_skipped(uint32_t iteration) const {
  auto it = std::lower_bound(skipped.begin(), skipped.end(), iteration,
                             [](const SkippedKey& k, uint32_t i) { return k.iteration < i; });
  if (it == skipped.end() || it->iteration != iteration) return std::nullopt;
  return static_cast<size_t>(it - skipped.begin());
}

void SenderKeyState::add_skipped(SkippedKey key, size_t max_keys) {
  skipped.push_back(key);
  while (skipped.size() > max_keys) skipped.pop_front();
}

void write_sender_key_state(ByteWriter& w, const SenderKeyState& s) {
  w.u32(s.key_id);
  w.u32(s.chain.iteration);
  w.key(s.chain.key);
  w.key(s.signing_public);
  w.u8(s.signing_private ? 1 : 0);
  if (s.signing_private) w.key(*s.signing_private);
  w.u32(static_cast<uint32_t>(s.skipped.size()));
  for (const SkippedKey& k : s.skipped) {
    w.u32(k.iteration);
    w.key(k.seed);
  }
}

Result<SenderKeyState> read_sender_key_state(ByteReader& r) {
  SenderKeyState s;
  PARITY_ASSIGN(s.key_id, r.u32());
  PARITY_ASSIGN(s.chain.iteration, r.u32());
  PARITY_ASSIGN(s.chain.key, r.key());
  PARITY_ASSIGN(s.signing_public, r.key());
  PARITY_ASSIGN(uint8_t has_private, r.u8());
  if (has_private > 1) return make_error(Errc::malformed, "sender key state: bad private-key flag");
  if (has_private == 1) {
    PARITY_ASSIGN(Key32 k, r.key());
    s.signing_private = k;
  }
  PARITY_ASSIGN(uint32_t n, r.count(kMaxStoredSkipped));
  for (uint32_t i = 0; i < n; ++i) {
    SkippedKey k;
    PARITY_ASSIGN(k.iteration, r.u32());
    PARITY_ASSIGN(k.seed, r.key());
    if (k.iteration >= s.chain.iteration || (!s.skipped.empty() && k.iteration <= s.skipped.back().iteration)) {
      return make_error(Errc::malformed, "sender key state: skipped key " + std::to_string(k.iteration) +
                                             " out of order or not behind the chain");
    }
    s.skipped.push_back(k);
  }
  return s;
}

}  // namespace parity::group
