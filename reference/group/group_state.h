// group_state.h: what one party keeps about one group under roster "server" (Sender Keys
// as WhatsApp uses them), as plain data: the Device holds one per group and exports it.
// The rules that change it are in group_member.h.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "reference/codec.h"
#include "reference/group/sender_key_distribution_message.h"
#include "reference/group/sender_key_record.h"

namespace parity::group {

struct GroupState {
  std::vector<std::string> roster;  // the server's last announcement (or the creator's own change)
  bool removed = false;             // the last roster did not name this party
  bool rotate_pending = false;      // make a fresh own key before the next send
  SenderKeyRecord own;              // empty until the first send, and after a removal of this party
  // origin is the own key's distribution at the iteration it was made (GroupHooks::distribute_from_origin).
  std::optional<SenderKeyDistributionMessage> origin;
  std::map<std::string, SenderKeyRecord> received;  // per sender, filed under the control delivery's `from`
  std::set<std::string> sent_current;               // members already sent the current own key
  bool operator==(const GroupState&) const = default;
};

// write_group_state / read_group_state serialise one group for export; the reader is strict
// (bounded counts and names, sorted maps, flags 0 or 1).
void write_group_state(ByteWriter& w, const GroupState& g);
Result<GroupState> read_group_state(ByteReader& r);

// kMaxGroupName bounds a group or member name in an imported state.
inline constexpr size_t kMaxGroupName = 256;

}  // namespace parity::group
