// session_record.h: the current session with a peer and the earlier ones kept for
// messages still in flight.
#pragma once

#include <deque>
#include <optional>

#include "reference/session/session_state.h"

namespace parity::signal {

// SessionRecord holds the current state and up to kMaxArchivedStates earlier ones
// (newest first), as libsignal's session_record does.
struct SessionRecord {
  std::optional<SessionState> current;
  std::deque<SessionState> previous;

  // has_state tells whether the current or an archived state was started from this
  // base key (a replayed prekey message must not start a second session).
  bool has_state(uint32_t version, const Key32& alice_base_key) const;
  // promote makes `state` current and archives the old current state.
  void promote(SessionState state);
  bool operator==(const SessionRecord&) const = default;
};

}  // namespace parity::signal
