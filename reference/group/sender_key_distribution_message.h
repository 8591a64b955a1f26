// sender_key_distribution_message.h: libsignal-protocol-c's SenderKeyDistributionMessage
// and WhatsApp's group-bound wrapper of it, encoded exactly and decoded strictly.
#pragma once

#include <cstdint>
#include <string>

#include "base/bytes.h"

namespace parity::group {

// SenderKeyDistributionMessage is 0x33 || protobuf{1 id, 2 iteration, 3 chainKey (32),
// 4 signingKey (33, 0x05 || u)}: a sender key state as its owner hands it to a member.
struct SenderKeyDistributionMessage {
  uint32_t key_id = 0;
  uint32_t iteration = 0;
  Key32 chain_key{};
  Key32 signing_key{};  // raw u-coordinate; 0x05-prefixed on the wire

  Bytes serialize() const;
  bool operator==(const SenderKeyDistributionMessage&) const = default;
};

// decode_distribution_message parses strictly: version 0x33, the four fields once each in
// order, a 32-byte chain key, a 33-byte 0x05 key, no trailing byte.
Result<SenderKeyDistributionMessage> decode_distribution_message(ByteView data);

// GroupKeyWrapper is WhatsApp's protobuf SenderKeyDistributionMessage{1 groupId (string),
// 2 axolotlSenderKeyDistributionMessage (bytes)}: the plaintext of a control delivery,
// binding the distribution to a group.
struct GroupKeyWrapper {
  std::string group_id;
  Bytes distribution;  // the serialized 0x33 SenderKeyDistributionMessage

  Bytes serialize() const;
  bool operator==(const GroupKeyWrapper&) const = default;
};

// decode_group_key_wrapper parses strictly: both fields, once each, in order, no other
// field, no trailing byte, a non-empty group id and a distribution that decodes.
Result<GroupKeyWrapper> decode_group_key_wrapper(ByteView data);

}  // namespace parity::group
