#include "reference/group/sender_key_record.h"

namespace parity::group {

namespace {

// kMaxStoredStates bounds an imported record (a variant may keep more than 5).
constexpr uint32_t kMaxStoredStates = 4096;

}  // namespace

SenderKeyState* SenderKeyRecord::find(uint32_t key_id) {
  for (SenderKeyState& s : states) {
    if (s.key_id == key_id) return &s;
  }
  return nullptr;
}

const SenderKeyState* SenderKeyRecord::find(uint32_t key_id) const {
  return const_cast<SenderKeyRecord*>(this)->find(key_id);
}

void SenderKeyRecord::add_state(SenderKeyState state, size_t max_states) {
  states.push_front(std::move(state));
  while (states.size() > max_states) states.pop_back();
}

void SenderKeyRecord::set_state(SenderKeyState state) {
  states.clear();
  states.push_back(std::move(state));
}

void write_sender_key_record(ByteWriter& w, const SenderKeyRecord& rec) {
  w.u32(static_cast<uint32_t>(rec.states.size()));
  for (const SenderKeyState& s : rec.states) write_sender_key_state(w, s);
}

Result<SenderKeyRecord> read_sender_key_record(ByteReader& r) {
  SenderKeyRecord rec;
  PARITY_ASSIGN(uint32_t n, r.count(kMaxStoredStates));
  for (uint32_t i = 0; i < n; ++i) {
    PARITY_ASSIGN(SenderKeyState s, read_sender_key_state(r));
    rec.states.push_back(std::move(s));
  }
  return rec;
}

}  // namespace parity::group
