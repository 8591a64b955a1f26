// group_hooks.h: the rules of the Sender Keys baseline that a variant of the reference
// target may change to plant a flaw (targets/reference/mutants). The defaults are the
// baseline's: libsignal-protocol-c's bounds with WhatsApp's rules on top.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "reference/group/group_labels.h"

namespace parity::group {

struct GroupHooks {
  // rotate_on_removal makes a fresh own sender key before the next send after a member
  // leaves the roster (WhatsApp).
  bool rotate_on_removal = true;
  // verify_signature checks a SenderKeyMessage's XEdDSA signature before anything else.
  bool verify_signature = true;
  // reject_replays forgets a message key once used; false keeps it, so a replay is read again.
  bool reject_replays = true;
  // allow_rollback adds every distribution message as a new state, as libsignal-protocol-c
  // does, so an older copy moves the chain back; the baseline keeps the higher iteration.
  bool allow_rollback = false;
  // max_skip bounds the forward jump within one chain; nullopt: unbounded.
  std::optional<uint32_t> max_skip = kMaxGroupSkip;
  // max_skipped_keys and max_sender_states bound what a record keeps.
  size_t max_skipped_keys = kMaxGroupSkippedKeys;
  size_t max_sender_states = kMaxSenderStates;
  // distribute_from_origin hands a member the own chain at the iteration it was made,
  // not the current one, so a late joiner reads earlier messages.
  bool distribute_from_origin = false;
  // bind_control_to_group refuses a control delivery whose wrapper names another group.
  bool bind_control_to_group = true;
};

}  // namespace parity::group
