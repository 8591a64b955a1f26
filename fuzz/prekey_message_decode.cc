// prekey_message_decode.cc: the strict PreKeySignalMessage decoder never crashes, and
// whatever it accepts (embedded SignalMessage included) it re-encodes to exactly the input.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "reference/wire/signal_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const parity::ByteView input(data, size);
  auto decoded = parity::wire::decode_prekey_message(input);
  if (!decoded) return 0;
  const parity::Bytes again = decoded->serialize();
  parity::fuzz::require(again.size() == size && std::equal(again.begin(), again.end(), data),
                        "decode_prekey_message accepted bytes that serialize() does not reproduce", input);
  // The embedded message must be a SignalMessage that round-trips on its own too.
  const parity::Bytes inner = decoded->message.serialize();
  parity::fuzz::require(inner == decoded->message_bytes, "embedded SignalMessage does not round-trip", input);
  auto twice = parity::wire::decode_prekey_message(again);
  parity::fuzz::require(twice.ok() && *twice == *decoded, "decode(serialize(m)) != m", input);
  return 0;
}
