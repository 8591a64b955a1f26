// bundle_decode.cc: the strict bundle decoder never crashes, whatever it accepts it
// re-encodes to exactly the input, and bundle_layout agrees with it on accepted bundles.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "reference/wire/bundle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const parity::ByteView input(data, size);
  auto decoded = parity::wire::decode_bundle(input);
  if (!decoded) return 0;
  const parity::Bytes again = decoded->serialize();
  parity::fuzz::require(again.size() == size && std::equal(again.begin(), again.end(), data),
                        "decode_bundle accepted bytes that serialize() does not reproduce", input);
  auto layout = parity::wire::bundle_layout(input);
  parity::fuzz::require(layout.ok(), "bundle_layout refused a bundle decode_bundle accepted", input);
  for (auto [start, end] : {layout->identity, layout->signed_prekey, layout->signature}) {
    parity::fuzz::require(start < end && end <= size, "bundle_layout range outside the bundle", input);
  }
  return 0;
}
