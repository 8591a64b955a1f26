// group_member.h: a party's group operations under roster "server", as WhatsApp runs
// Sender Keys: the server announces rosters, a member distributes its sender key inside
// the pairwise Signal sessions (WhatsApp's group-bound wrapper) with its next send,
// forgets a removed member's key and rotates its own before the next send after a
// removal. Profile signal-v3 envelopes (docs: /work/shared/spec/groups.md):
//   control     = 1 byte pairwise kind (0x01 prekey, 0x02 message) || pairwise ciphertext
//                 of GroupKeyWrapper{group, SenderKeyDistributionMessage}
//   application = the SenderKeyMessage.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reference/crypto/random.h"
#include "reference/device.h"
#include "reference/group/group_hooks.h"
#include "reference/group/group_session_builder.h"

#include "base/bytes.h"

namespace parity::group {

enum class DeliveryKind { control, application };

// Delivery is one envelope for one member, in the order the suite should route them.
struct Delivery {
  std::string to;
  Bytes envelope;
  DeliveryKind kind = DeliveryKind::application;
  bool operator==(const Delivery&) const = default;
};

// Received is what group_receive read: a control delivery (a key filed) or a plaintext.
struct Received {
  DeliveryKind kind = DeliveryKind::application;
  Bytes plaintext;  // application only
};

// GroupInfo is a member's view (PTP group_info).
struct GroupInfo {
  std::vector<std::string> members;
  bool removed = false;
};

// GroupMember applies the group rules to one party's Device (its pairwise sessions and its
// group states). Errors: invalid_argument is PTP bad_request (unknown group, a removed
// member acting, a control delivery from outside the roster); every failing operation
// leaves the device as it was (a failed pairwise encrypt midway through the control
// deliveries of a send excepted: the sessions it advanced stay advanced).
class GroupMember {
 public:
  GroupMember(signal::Device& device, std::string self, Rng& rng, GroupHooks hooks = {})
      : device_(device), self_(std::move(self)), rng_(rng), hooks_(hooks) {}

  // set_roster is a roster announcement (the whole roster, this party included unless it
  // was removed). A party learns a group from the first one. Members that left lose their
  // received keys and, with hooks.rotate_on_removal, make the own key rotate before the
  // next send; a roster without this party drops its own key. No deliveries: the key goes
  // out with the next send.
  Result<std::vector<Delivery>> set_roster(const std::string& group, const std::vector<std::string>& members);
  // create, add and remove are the creator's own roster changes (PTP group_create,
  // group_add, group_remove), applied like an announcement.
  Result<std::vector<Delivery>> create(const std::string& group, const std::vector<std::string>& others);
  Result<std::vector<Delivery>> add(const std::string& group, const std::string& member);
  Result<std::vector<Delivery>> remove(const std::string& group, const std::string& member);

  // encrypt makes the own key if there is none or a rotation is pending (with `inject`'s
  // keys if given), then a control delivery to each member not yet sent the current key
  // (no_session, before any change, when a pairwise session is missing), then the
  // application delivery to every member, in roster order.
  Result<std::vector<Delivery>> encrypt(const std::string& group, ByteView plaintext,
                                        const SenderKeyOptions& inject = {});
  // update makes the own key rotate before the next send (PTP group_update).
  Result<std::vector<Delivery>> update(const std::string& group);
  // receive reads a delivery from `from`: control (first byte 0x01/0x02) or application
  // (0x33); anything else is malformed.
  Result<Received> receive(const std::string& group, const std::string& from, ByteView envelope);
  // forge makes an application envelope with `as`'s chain (the newest state this party
  // holds for it) at `iteration` (default: its next one) signed by this party's own
  // signing key (PTP group_forge, for GRP-3/GRP-8). Changes nothing.
  Result<Bytes> forge(const std::string& group, const std::string& as, std::optional<uint32_t> iteration);
  Result<GroupInfo> info(const std::string& group) const;

 private:
  Result<GroupState*> known(const std::string& group);
  Result<GroupState*> acting(const std::string& group);
  Result<Received> receive_control(const std::string& group, GroupState& g, const std::string& from, ByteView envelope);

  signal::Device& device_;
  std::string self_;
  Rng& rng_;
  GroupHooks hooks_;
};

// kForgedPlaintext is what group_forge encrypts.
inline constexpr std::string_view kForgedPlaintext = "parity forged group message";

}  // namespace parity::group
