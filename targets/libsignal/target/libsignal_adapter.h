// libsignal_adapter.h: libsignal-protocol-c 2.3.3 as a PTP target (signal-v3).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "reference/crypto/random.h"
#include "targets/libsignal/libsignal_device.h"
#include "targets/libsignal/target/primitives.h"
#include "ptp/server.h"

namespace parity::ptp {

// ReseedableRng is the one generator every party of the adapter holds by reference. Its
// address never changes; reseed swaps the generator behind it, so a `reset` with a seed
// cannot leave a party pointing at a destroyed Rng (the adapter also drops the parties
// before reseeding, as PTP's reset requires).
class ReseedableRng final : public Rng {
 public:
  ReseedableRng() : inner_(std::make_unique<OsRng>()) {}
  void fill(std::span<uint8_t> out_) override { inner_->fill(out_); }
  // reseed makes the generator a SeededRng(seed), or the OS generator without a seed.
  void reseed(const std::optional<Key32>& seed) {
    if (seed) {
      inner_ = std::make_unique<SeededRng>(*seed);
    } else {
      inner_ = std::make_unique<OsRng>();
    }
  }

 private:
  std::unique_ptr<Rng> inner_;
};

// LibsignalAdapter hosts parties that are parity::libsignal::Devices.
class LibsignalAdapter final : public Adapter {
 public:
  LibsignalAdapter() = default;
  HelloInfo hello() const override;
  Reply reset(const request::Reset& r) override;
  Reply create(const request::Create& r) override;
  Reply bundle(const request::Bundle& r) override;
  Reply initiate(const request::Initiate& r) override;
  Reply encrypt(const request::Encrypt& r) override;
  Reply decrypt(const request::Decrypt& r) override;
  Reply export_state(const request::Export& r) override;
  Reply import_state(const request::Import& r) override;
  Reply primitive(const request::Primitive& r) override;

 private:
  Result<libsignal::Device*> party(const std::string& name);

  // rng_ is declared before parties_ so that it outlives them (members are destroyed in
  // reverse order): every Device keeps a reference to it.
  ReseedableRng rng_;
  std::map<std::string, libsignal::Device> parties_;
  LibsignalPrimitives primitives_;
};

}  // namespace parity::ptp
