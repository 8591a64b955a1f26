// device_deserialize.cc: Device::deserialize reads an exported state strictly: it never
// crashes, and a state it accepts serialises back to exactly the input (PTP `import` of
// an attacker-made state must not be a way in, and export/import must be lossless).
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "reference/device.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const parity::ByteView input(data, size);
  auto device = parity::signal::Device::deserialize(input);
  if (!device) return 0;
  const parity::Bytes again = device->serialize();
  parity::fuzz::require(again.size() == size && std::equal(again.begin(), again.end(), data),
                        "Device::deserialize accepted bytes that serialize() does not reproduce", input);
  return 0;
}
