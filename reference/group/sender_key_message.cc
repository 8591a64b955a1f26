#include "reference/group/sender_key_message.h"

#include <algorithm>
#include <string>

#include "reference/group/group_labels.h"
#include "reference/wire/protobuf.h"

namespace parity::group {

Bytes SenderKeyMessage::body() const {
  wire::ProtoWriter w;
  w.uint32_field(1, key_id);
  w.uint32_field(2, iteration);
  w.bytes_field(3, ciphertext);
  Bytes out;
  out.reserve(1 + w.bytes().size() + kSenderKeySignatureLength);
  out.push_back(kSenderKeyVersionByte);
  out.insert(out.end(), w.bytes().begin(), w.bytes().end());
  return out;
}

Bytes SenderKeyMessage::serialize() const {
  Bytes out = body();
  out.insert(out.end(), signature.begin(), signature.end());
  return out;
}

void SenderKeyMessage::sign(const Key32& signing_private, Rng& rng) {
  std::array<uint8_t, 64> random{};
  rng.fill(random);
  signature = xeddsa_sign(signing_private, body(), random);
}

ByteView signed_part(ByteView data) {
  return data.first(data.size() - kSenderKeySignatureLength);
}

Result<SenderKeyMessage> decode_sender_key_message(ByteView data) {
  if (data.size() > kMaxGroupMessageSize) {
    return make_error(Errc::limit_exceeded,
                      "SenderKeyMessage of " + std::to_string(data.size()) + " bytes exceeds 1 MiB");
  }
  if (data.size() < 1 + kSenderKeySignatureLength) {
    return make_error(Errc::malformed, "SenderKeyMessage of " + std::to_string(data.size()) + " bytes is too short");
  }
  if (data[0] != kSenderKeyVersionByte) {
    return make_error(Errc::bad_version,
                      "SenderKeyMessage version byte " + std::to_string(data[0]) + ", expected 0x33");
  }
  SenderKeyMessage m;
  wire::ProtoReader r(data.subspan(1, data.size() - 1 - kSenderKeySignatureLength), 3);
  bool has[4] = {false, false, false, false};
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
        if (b.empty() || b.size() % 16 != 0) {
          return make_error(Errc::malformed, "SenderKeyMessage ciphertext of " + std::to_string(b.size()) +
                                                 " bytes is not a positive multiple of 16");
        }
        m.ciphertext.assign(b.begin(), b.end());
        break;
      }
      default:
        return make_error(Errc::internal, "unreachable field");
    }
    has[f.number] = true;
  }
  if (!has[1] || !has[2] || !has[3]) {
    return make_error(Errc::malformed, "SenderKeyMessage lacks id, iteration or ciphertext");
  }
  std::copy(data.end() - static_cast<std::ptrdiff_t>(kSenderKeySignatureLength), data.end(), m.signature.begin());
  return m;
}

}  // namespace parity::group
