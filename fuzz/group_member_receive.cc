// group_member_receive.cc: bob, a member of a group with alice and carol (pairwise
// sessions, their sender keys, his own), is handed arbitrary bytes as a group delivery
// from alice, from carol and from mallory (never in the roster): control (a pairwise
// message carrying a distribution) and application envelopes alike. Never a crash; a
// refused delivery leaves bob's whole device byte-for-byte as it was (PTP atomicity:
// checked on its serialisation); an accepted one is refused when replayed, again
// without a change.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "fuzz/member_fixture.h"

namespace {

const parity::fuzz::MemberFixture& fixture() {
  static const parity::fuzz::MemberFixture fx = parity::fuzz::make_member_fixture();
  return fx;
}

void try_from(const std::string& from, parity::ByteView input) {
  const auto& fx = fixture();
  // A fresh bob per attempt: an accepted delivery moves him on.
  parity::signal::Device bob = parity::fuzz::must(parity::signal::Device::deserialize(fx.bob_state), "deserialize bob");
  parity::SeededRng rng(parity::fuzz::member_receive_seed());
  parity::group::GroupMember member(bob, "bob", rng);
  auto received = member.receive(parity::fuzz::kMemberGroup, from, input);
  const parity::Bytes after = bob.serialize();
  if (!received) {
    parity::fuzz::require(after == fx.bob_state, "a refused delivery changed bob's device", input);
    return;
  }
  auto replay = member.receive(parity::fuzz::kMemberGroup, from, input);
  parity::fuzz::require(!replay.ok(), "an accepted delivery was accepted again (replay)", input);
  parity::fuzz::require(bob.serialize() == after, "a refused replay changed bob's device", input);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  (void)fixture();  // build the group before the first input, not inside its timing
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const parity::ByteView input(data, size);
  for (const std::string& from : parity::fuzz::member_senders()) try_from(from, input);
  return 0;
}
