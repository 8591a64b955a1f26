// primitives.h: the PTP `primitive` op answered by libsignal-protocol-c 2.3.3's own code
// where the library has it (curve, HKDF, ratchet keys), and by the OpenSSL code of the
// crypto provider parity_libsignal gives the library where it has none (hashes, HMAC,
// AES: libsignal-protocol-c calls the application's provider for those).
#pragma once

#include <memory>

#include "ptp/server.h"

namespace parity::ptp {

// LibsignalPrimitives answers {name, ...} for the primitive names of PTP/1. It owns one
// signal_context with parity_libsignal's crypto provider, made once and reused: the
// primitives draw no randomness, so they do not depend on the adapter's generator.
class LibsignalPrimitives {
 public:
  LibsignalPrimitives();
  ~LibsignalPrimitives();
  LibsignalPrimitives(const LibsignalPrimitives&) = delete;
  LibsignalPrimitives& operator=(const LibsignalPrimitives&) = delete;

  // handle answers one `primitive` request; an unknown name is `unsupported`.
  Reply handle(const request::Primitive& request);

  struct Context;  // the signal_context and provider (primitives.cc)

 private:
  std::unique_ptr<Context> ctx_;
};

// kLibsignalHkdfMaxLength is the longest HKDF output libsignal-protocol-c 2.3.3 can
// produce: hkdf_expand counts blocks in a uint8_t starting at 1 (message version 3) and
// loops while it is below blocks + 1, so 255 blocks (8129..8160 bytes) never terminate.
inline constexpr size_t kLibsignalHkdfMaxLength = 254 * 32;

}  // namespace parity::ptp
