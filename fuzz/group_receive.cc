// group_receive.cc: a member holding a sender's record (two distributed keys, kept
// skipped message keys) is handed arbitrary bytes as that sender's application envelope.
// Never a crash; a refused envelope leaves the record byte-for-byte as it was (PTP
// atomicity: checked on its serialisation); an accepted one is refused when replayed,
// again without a change.
//
// Each input is tried twice: with the baseline's hooks, and with the signature check off
// (the verify_signature mutant's rule). Random bytes almost never carry a valid XEdDSA
// signature, so only the second attempt lets the fuzzer reach what lies behind it: the
// skipped keys, the forward jump and its bound, AES-CBC and its padding, all of which
// must refuse without touching the record.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "fuzz/group_fixture.h"

namespace {

const parity::fuzz::GroupFixture& fixture() {
  static const parity::fuzz::GroupFixture fx = parity::fuzz::make_group_fixture();
  return fx;
}

void try_hooks(const parity::group::GroupHooks& hooks, parity::ByteView input, const char* refused_changed,
               const char* replay_changed) {
  const auto& fx = fixture();
  // A fresh record per attempt: an accepted envelope moves it on.
  parity::ByteReader reader(fx.receiver_record);
  parity::group::SenderKeyRecord record =
      parity::fuzz::must(parity::group::read_sender_key_record(reader), "read the fixture's record");
  auto plaintext = parity::group::group_decrypt(record, input, hooks);
  const parity::Bytes after = parity::fuzz::serialize_record(record);
  if (!plaintext) {
    parity::fuzz::require(after == fx.receiver_record, refused_changed, input);
    return;
  }
  auto replay = parity::group::group_decrypt(record, input, hooks);
  parity::fuzz::require(!replay.ok(), "an accepted envelope was accepted again (replay)", input);
  parity::fuzz::require(parity::fuzz::serialize_record(record) == after, replay_changed, input);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  (void)fixture();  // build the record before the first input, not inside its timing
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const parity::ByteView input(data, size);
  try_hooks(parity::group::GroupHooks{}, input, "a refused envelope changed the record",
            "a refused replay changed the record");
  parity::group::GroupHooks unsigned_hooks;
  unsigned_hooks.verify_signature = false;
  try_hooks(unsigned_hooks, input, "a refused envelope changed the record (signature check off)",
            "a refused replay changed the record (signature check off)");
  return 0;
}
