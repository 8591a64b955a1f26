#include "reference/group/sender_key_distribution_message.h"

#include <algorithm>
#include <string>

#include "reference/group/group_labels.h"
#include "reference/group/sender_key_message.h"
#include "reference/wire/protobuf.h"
#include "reference/wire/public_key.h"

namespace parity::group {

Bytes SenderKeyDistributionMessage::serialize() const {
  wire::ProtoWriter w;
  w.uint32_field(1, key_id);
  w.uint32_field(2, iteration);
  w.bytes_field(3, chain_key);
  w.bytes_field(4, wire::serialize_key(signing_key));
  Bytes out;
  out.reserve(1 + w.bytes().size());
  out.push_back(kSenderKeyVersionByte);
  out.insert(out.end(), w.bytes().begin(), w.bytes().end());
  return out;
}

Result<SenderKeyDistributionMessage> decode_distribution_message(ByteView data) {
  if (data.size() > kMaxGroupMessageSize) {
    return make_error(Errc::limit_exceeded, "SenderKeyDistributionMessage exceeds 1 MiB");
  }
  if (data.empty()) return make_error(Errc::malformed, "empty SenderKeyDistributionMessage");
  if (data[0] != kSenderKeyVersionByte) {
    return make_error(Errc::bad_version,
                      "SenderKeyDistributionMessage version byte " + std::to_string(data[0]) + ", expected 0x33");
  }
  SenderKeyDistributionMessage m;
  wire::ProtoReader r(data.subspan(1), 4);
  bool has[5] = {false, false, false, false, false};
  while (!r.done()) {
    PARITY_ASSIGN(wire::ProtoField f, r.next());
    switch (f.number) {
      case 1: {
        PARITY_ASSIGN(m.key_id, wire::uint32_of(f));
        break;
      }
      case 2: {
        PARITY_ASSIGN(m.iteration, wire::uint32_of(f));
        break;
      }
      case 3: {
        PARITY_ASSIGN(ByteView b, wire::bytes_of(f));
        if (b.size() != m.chain_key.size()) {
          return make_error(Errc::malformed, "chain key of " + std::to_string(b.size()) + " bytes, expected 32");
        }
        std::copy(b.begin(), b.end(), m.chain_key.begin());
        break;
      }
      case 4: {
        PARITY_ASSIGN(ByteView b, wire::bytes_of(f));
        auto k = wire::parse_key(b);
        if (!k) return make_error(Errc::malformed, "signing key: " + k.error().detail);
        m.signing_key = *k;
        break;
      }
      default:
        return make_error(Errc::internal, "unreachable field");
    }
    has[f.number] = true;
  }
  if (!has[1] || !has[2] || !has[3] || !has[4]) {
    return make_error(Errc::malformed, "SenderKeyDistributionMessage lacks id, iteration, chain key or signing key");
  }
  return m;
}

Bytes GroupKeyWrapper::serialize() const {
  wire::ProtoWriter w;
  w.bytes_field(1, view(group_id));
  w.bytes_field(2, distribution);
  return w.take();
}

Result<GroupKeyWrapper> decode_group_key_wrapper(ByteView data) {
  if (data.size() > kMaxGroupMessageSize) {
    return make_error(Errc::limit_exceeded, "group key wrapper exceeds 1 MiB");
  }
  GroupKeyWrapper m;
  wire::ProtoReader r(data, 2);
  bool has[3] = {false, false, false};
  while (!r.done()) {
    PARITY_ASSIGN(wire::ProtoField f, r.next());
    PARITY_ASSIGN(ByteView b, wire::bytes_of(f));
    if (f.number == 1) {
      if (b.empty()) return make_error(Errc::malformed, "group key wrapper: empty group id");
      m.group_id.assign(b.begin(), b.end());
    } else {
      PARITY_TRY(decode_distribution_message(b));
      m.distribution.assign(b.begin(), b.end());
    }
    has[f.number] = true;
  }
  if (!has[1] || !has[2]) return make_error(Errc::malformed, "group key wrapper lacks group id or distribution");
  return m;
}

}  // namespace parity::group
