// parties.h: one adapter per implementation, so the ratchet benchmarks drive the
// reference, libsignal-protocol-c and libolm through the same code.
//
// An adapter P has: `name`, `Dev`, and static create(rng), bundle(dev, rng),
// initiate(dev, peer, bundle, rng), encrypt(dev, peer, plaintext, rng) and
// decrypt(dev, peer, ciphertext, rng), each returning a Result. Arguments an
// implementation does not take (libsignal keeps the Rng given at creation, the reference
// encrypts without randomness) are dropped here, not in the benchmarks.
#pragma once

#include <string>

#include "base/bytes.h"
#include "reference/crypto/random.h"
#include "reference/device.h"
#include "base/result.h"

#if PARITY_BENCH_LIBSIGNAL
#include "targets/libsignal/libsignal_device.h"
#endif
#if PARITY_BENCH_OLM
#include "targets/olm/olm_device.h"
#endif

namespace parity::bench {

// ReferenceParty drives parity::signal::Device.
struct ReferenceParty {
  static constexpr const char* name = "reference";
  using Dev = signal::Device;
  static Result<Dev> create(Rng& rng) { return signal::Device::create(rng); }
  static auto bundle(Dev& d, Rng& rng) { return d.bundle(rng); }
  static Status initiate(Dev& d, const std::string& peer, const wire::Bundle& b, Rng& rng) {
    return d.initiate(peer, b, rng);
  }
  static Result<signal::Ciphertext> encrypt(Dev& d, const std::string& peer, ByteView pt, Rng& /*rng*/) {
    return d.encrypt(peer, pt);
  }
  static Result<Bytes> decrypt(Dev& d, const std::string& peer, const signal::Ciphertext& c, Rng& rng) {
    return d.decrypt(peer, c, rng);
  }
};

#if PARITY_BENCH_LIBSIGNAL
// LibsignalParty drives parity::libsignal::Device; the device keeps the Rng it was
// created with, which must outlive it.
struct LibsignalParty {
  static constexpr const char* name = "libsignal";
  using Dev = libsignal::Device;
  static Result<Dev> create(Rng& rng) { return libsignal::Device::create(rng); }
  static auto bundle(Dev& d, Rng& /*rng*/) { return d.bundle(); }
  static Status initiate(Dev& d, const std::string& peer, const wire::Bundle& b, Rng& /*rng*/) {
    return d.initiate(peer, b);
  }
  static Result<signal::Ciphertext> encrypt(Dev& d, const std::string& peer, ByteView pt, Rng& /*rng*/) {
    return d.encrypt(peer, pt);
  }
  static Result<Bytes> decrypt(Dev& d, const std::string& peer, const signal::Ciphertext& c, Rng& /*rng*/) {
    return d.decrypt(peer, c);
  }
};
#endif

#if PARITY_BENCH_OLM
// OlmParty drives parity::olm::Device.
struct OlmParty {
  static constexpr const char* name = "olm";
  using Dev = olm::Device;
  static Result<Dev> create(Rng& rng) { return olm::Device::create(rng); }
  static auto bundle(Dev& d, Rng& rng) { return d.bundle(rng); }
  static Status initiate(Dev& d, const std::string& peer, const Bytes& b, Rng& rng) {
    return d.initiate(peer, b, rng);
  }
  static Result<signal::Ciphertext> encrypt(Dev& d, const std::string& peer, ByteView pt, Rng& rng) {
    return d.encrypt(peer, pt, rng);
  }
  static Result<Bytes> decrypt(Dev& d, const std::string& peer, const signal::Ciphertext& c, Rng& rng) {
    return d.decrypt(peer, c, rng);
  }
};
#endif

}  // namespace parity::bench
