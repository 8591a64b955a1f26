// bounds.h: the delivery bounds a process declares in hello, and Signal's own, named
// once. A scenario stays within the bounds of the process it plays on; retention is
// compared with the baseline's bounds, never with what the baseline happened to keep.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/client/target.h"

namespace parity::suites {

// kSignalMaxSkip and friends are the Signal baseline's bounds (requirements.md,
// libsignal-protocol-c 2.3.3), used when neither process declares a bound.
inline constexpr uint64_t kSignalMaxSkip = 2000;
inline constexpr uint64_t kSignalMaxSkippedKeys = 2000;
inline constexpr uint64_t kSignalMaxReceiverChains = 5;

// Bounds are the limits within which delivery requirements hold for one process.
struct Bounds {
  uint64_t max_skip = kSignalMaxSkip;
  uint64_t max_skipped_keys = kSignalMaxSkippedKeys;
  uint64_t max_receiver_chains = kSignalMaxReceiverChains;
  std::vector<std::string> borrowed;  // the names taken from the baseline, not declared

  // describe says where the bounds come from, for observations.
  std::string describe() const;
};

// bounds_of reads the bounds `t` declares; a bound it leaves out is the baseline's
// declaration, or Signal's figure when the baseline is absent too.
Bounds bounds_of(const harness::Target& t, const harness::Target* baseline);

}  // namespace parity::suites
