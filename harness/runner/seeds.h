// seeds.h: run seeds and per-check seeds. Every run has one 32-byte seed, printed in
// the results and the progress line, so any verdict can be reproduced with --seed.
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "harness/errors.h"

namespace parity::harness {

// parse_seed reads a --seed value: 1 to 64 hexadecimal digits (either case), read as a
// big-endian 256-bit number, so a shorter value is zero-padded on the left ("1" is 31
// zero bytes and 0x01). The canonical spelling, printed everywhere, is 64 lowercase
// digits. Anything else is an input error.
HarnessResult<Key32> parse_seed(std::string_view text);

// seed_hex spells a seed canonically (64 lowercase hex digits).
std::string seed_hex(const Key32& seed);

// random_seed draws a fresh run seed from the operating system.
Key32 random_seed();

// derive_check_seed is SHA-256(run_seed || check_id): each check gets its own stream,
// independent of which other checks run, so --only and --shard reproduce the same
// check with the same seed.
Key32 derive_check_seed(const Key32& run_seed, std::string_view check_id);

}  // namespace parity::harness
