// signal_message_decode.cc: the strict SignalMessage decoder never crashes, and whatever
// it accepts it re-encodes to exactly the input (one encoding per message: a decoder that
// accepted two spellings would let a relay alter bytes the MAC does not bind the same way).
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "reference/wire/signal_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const parity::ByteView input(data, size);
  auto decoded = parity::wire::decode_signal_message(input);
  if (!decoded) return 0;
  const parity::Bytes again = decoded->serialize();
  parity::fuzz::require(again.size() == size && std::equal(again.begin(), again.end(), data),
                        "decode_signal_message accepted bytes that serialize() does not reproduce", input);
  auto twice = parity::wire::decode_signal_message(again);
  parity::fuzz::require(twice.ok() && *twice == *decoded, "decode(serialize(m)) != m", input);
  return 0;
}
