// sender_key_distribution_message_decode.cc: the strict decoders of the 0x33
// SenderKeyDistributionMessage and of WhatsApp's wrapper {1 groupId, 2 axolotlSKDM} never
// crash, and whatever they accept they re-encode to exactly the input (one encoding per
// key: the baseline compares held keys, and a relay must not be able to respell one).
// Each input is tried as both; a wrapper that decodes must carry an SKDM that decodes
// and round-trips on its own.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "reference/group/sender_key_distribution_message.h"

namespace {

bool same(const parity::Bytes& a, parity::ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

void try_skdm(parity::ByteView input, parity::ByteView reported) {
  auto decoded = parity::group::decode_distribution_message(input);
  if (!decoded) return;
  const parity::Bytes again = decoded->serialize();
  parity::fuzz::require(same(again, input),
                        "decode_distribution_message accepted bytes that serialize() does not reproduce", reported);
  auto twice = parity::group::decode_distribution_message(again);
  parity::fuzz::require(twice.ok() && *twice == *decoded, "SKDM: decode(serialize(m)) != m", reported);
}

void try_wrapper(parity::ByteView input) {
  auto decoded = parity::group::decode_group_key_wrapper(input);
  if (!decoded) return;
  parity::fuzz::require(!decoded->group_id.empty(), "the wrapper decoder accepted an empty group id", input);
  const parity::Bytes again = decoded->serialize();
  parity::fuzz::require(same(again, input),
                        "decode_group_key_wrapper accepted bytes that serialize() does not reproduce", input);
  auto twice = parity::group::decode_group_key_wrapper(again);
  parity::fuzz::require(twice.ok() && *twice == *decoded, "wrapper: decode(serialize(w)) != w", input);
  auto inner = parity::group::decode_distribution_message(decoded->distribution);
  parity::fuzz::require(inner.ok(), "the wrapper decoder accepted a distribution that does not decode", input);
  try_skdm(decoded->distribution, input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const parity::ByteView input(data, size);
  try_skdm(input, input);
  try_wrapper(input);
  return 0;
}
