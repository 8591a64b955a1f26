// sender_key_record.h: the states of one sender in one group, newest first
// (libsignal-protocol-c sender_key_record, at most kMaxSenderStates).
#pragma once

#include <cstdint>
#include <deque>

#include "reference/codec.h"
#include "reference/group/sender_key_state.h"

namespace parity::group {

struct SenderKeyRecord {
  std::deque<SenderKeyState> states;  // newest first

  bool empty() const { return states.empty(); }
  // find returns the newest state with this key id, or null.
  SenderKeyState* find(uint32_t key_id);
  const SenderKeyState* find(uint32_t key_id) const;
  // newest returns the current state, or null.
  SenderKeyState* newest() { return states.empty() ? nullptr : &states.front(); }
  const SenderKeyState* newest() const { return states.empty() ? nullptr : &states.front(); }
  // add_state puts a state in front and drops the oldest past `max_states`
  // (sender_key_record_add_sender_key_state).
  void add_state(SenderKeyState state, size_t max_states);
  // set_state makes `state` the only one (sender_key_record_set_sender_key_state: an own key).
  void set_state(SenderKeyState state);
  bool operator==(const SenderKeyRecord&) const = default;
};

void write_sender_key_record(ByteWriter& w, const SenderKeyRecord& rec);
Result<SenderKeyRecord> read_sender_key_record(ByteReader& r);

}  // namespace parity::group
