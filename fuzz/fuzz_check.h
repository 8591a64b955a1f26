// fuzz_check.h: what a fuzz target does when a property breaks. abort() is what
// libFuzzer (and the replay driver, through ctest) report as a crash.
#pragma once

#include <cstdio>
#include <cstdlib>

#include "base/bytes.h"

namespace parity::fuzz {

// fuzz_fail prints why the property broke, with the input in hex, and aborts.
[[noreturn]] inline void fuzz_fail(const char* what, ByteView input) {
  std::fprintf(stderr, "fuzz property broken: %s\ninput (%zu bytes): %s\n", what, input.size(), to_hex(input).c_str());
  std::abort();
}

// require aborts through fuzz_fail unless `ok`.
inline void require(bool ok, const char* what, ByteView input) {
  if (!ok) fuzz_fail(what, input);
}

}  // namespace parity::fuzz
