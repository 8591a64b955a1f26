// sender_key_message_decode.cc: the strict SenderKeyMessage decoder never crashes, and
// whatever it accepts it re-encodes to exactly the input: the signature covers the bytes
// as sent, so a decoder accepting a second spelling of a message would let a relay change
// what members compare (duplicate detection, logs) without breaking the signature.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "reference/group/group_labels.h"
#include "reference/group/sender_key_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const parity::ByteView input(data, size);
  auto decoded = parity::group::decode_sender_key_message(input);
  if (!decoded) return 0;
  const parity::Bytes again = decoded->serialize();
  parity::fuzz::require(again.size() == size && std::equal(again.begin(), again.end(), data),
                        "decode_sender_key_message accepted bytes that serialize() does not reproduce", input);
  // The signed part is everything but the signature, and body() is that part.
  const parity::ByteView signed_bytes = parity::group::signed_part(input);
  const parity::Bytes body = decoded->body();
  parity::fuzz::require(signed_bytes.size() + parity::group::kSenderKeySignatureLength == size &&
                            std::equal(body.begin(), body.end(), signed_bytes.begin(), signed_bytes.end()),
                        "signed_part(x) is not body() of decode(x)", input);
  auto twice = parity::group::decode_sender_key_message(again);
  parity::fuzz::require(twice.ok() && *twice == *decoded, "decode(serialize(m)) != m", input);
  return 0;
}
