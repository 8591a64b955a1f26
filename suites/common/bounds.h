// bounds.h: the delivery bounds a process declares in hello, and Signal's own, named
// once. A scenario stays within the bounds of the process it plays on; retention is
// compared with the baseline's bounds, never with what the baseline happened to keep.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/client/target.h"

namespace parity::suites {

// kSignalMaxSkip and friends are the Signal baseline's bounds (requirements.md,
// libsignal-protocol-c 2.3.3), used when neither process declares a bound.
inline constexpr uint64_t kSignalMaxSkip = 2000;
inline constexpr uint64_t kSignalMaxSkippedKeys = 2000;
inline constexpr uint64_t kSignalMaxReceiverChains = 5;

// Bounds are the limits within which delivery requirements hold for one process.
// A limit declared `null` (no bound) is sized and judged as the baseline's figure, so
// scenarios stay finite and retention is still compared with Signal's bounds; it is
// listed in `unbounded`, and probes past a bound (FS-4, DOS-1) still go past that figure.
struct Bounds {
  uint64_t max_skip = kSignalMaxSkip;
  uint64_t max_skipped_keys = kSignalMaxSkippedKeys;
  uint64_t max_receiver_chains = kSignalMaxReceiverChains;
  std::vector<std::string> borrowed;   // the names taken from the baseline, not declared
  std::vector<std::string> unbounded;  // the names declared null, sized as the baseline's

  // is_unbounded tells whether `name` was declared null.
  bool is_unbounded(std::string_view name) const;

  // describe says where the bounds come from, for observations.
  std::string describe() const;
};

// bounds_of reads the bounds `t` declares; a bound it leaves out, or declares null, is
// the baseline's numeric declaration, or Signal's figure when the baseline has none.
Bounds bounds_of(const harness::Target& t, const harness::Target* baseline);

// chains_allowance is what the baseline's bounds let a clone read of `epochs` ratchet
// epochs that each left `per_epoch` messages undelivered: the larger of one chain's worth
// (a target whose turns share one chain) and the newest max_receiver_chains epochs' worth
// (a chain per turn), so a target is not presumed to ratchet.
uint64_t chains_allowance(const Bounds& baseline, uint64_t per_epoch, uint64_t epochs);

// EpochPlan is a retention stream over several receiving chains (FS-4, DOS-2): each epoch
// leaves `per_epoch` messages undelivered and delivers the next one, a jump no larger than
// the target's max_skip (so every delivery is one its bounds permit), and there are more
// epochs than the baseline keeps chains and, together, more messages than one chain may
// keep: a target that never drops a chain reads more than `allowance`, whatever its
// declared max_skip.
struct EpochPlan {
  uint64_t per_epoch = 0;
  uint64_t epochs = 0;
  uint64_t allowance = 0;  // chains_allowance of the stream
};

// kSignalGroupMaxSkip and friends are the Sender Keys baseline's group bounds
// (groups.md "Definitions", libsignal-protocol-c 2.3.3's group cipher).
inline constexpr uint64_t kSignalGroupMaxSkip = 2000;
inline constexpr uint64_t kSignalGroupMaxSkippedKeys = 2000;
inline constexpr uint64_t kSignalGroupMaxSenderStates = 5;

// GroupBounds are a process's group limits (hello `group_max_skip`,
// `group_max_skipped_keys`, `group_max_sender_states`), read by Bounds' rules: absent is
// the baseline's declaration (Signal's figure without one), null is unbounded, sized as
// that figure and listed in `unbounded`.
struct GroupBounds {
  uint64_t max_skip = kSignalGroupMaxSkip;
  uint64_t max_skipped_keys = kSignalGroupMaxSkippedKeys;
  uint64_t max_sender_states = kSignalGroupMaxSenderStates;
  std::vector<std::string> borrowed;
  std::vector<std::string> unbounded;

  bool is_unbounded(std::string_view name) const;
  // reorder_window is min(group_max_skip, group_max_skipped_keys): how far GRP-1 may
  // reorder one sender chain.
  uint64_t reorder_window() const { return max_skip < max_skipped_keys ? max_skip : max_skipped_keys; }
  std::string describe() const;
};

// group_bounds_of reads the group bounds `t` declares (the baseline's where it does not).
GroupBounds group_bounds_of(const harness::Target& t, const harness::Target* baseline);

// plan_epochs sizes the stream for a target with bounds `target` against `baseline`.
EpochPlan plan_epochs(const Bounds& target, const Bounds& baseline);

}  // namespace parity::suites
