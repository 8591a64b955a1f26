#include "tests/interop/party.h"

#include "targets/libsignal/libsignal_device.h"

namespace parity::interop {
namespace {

class LibsignalParty final : public Party {
 public:
  LibsignalParty(libsignal::Device d, Rng& rng) : d_(std::move(d)), rng_(rng) {}
  Impl impl() const override { return Impl::libsignal; }
  Key32 identity() const override { return d_.identity(); }
  uint32_t registration_id() const override { return d_.registration_id(); }
  Result<wire::Bundle> bundle(const BundleOptions& options) override { return d_.bundle(options); }
  Status initiate(const std::string& peer, const wire::Bundle& bundle, std::optional<Key32> base_private,
                  std::optional<Key32> ratchet_private) override {
    return d_.initiate(peer, bundle, base_private, ratchet_private);
  }
  Result<Ciphertext> encrypt(const std::string& peer, ByteView plaintext) override { return d_.encrypt(peer, plaintext); }
  Result<Bytes> decrypt(const std::string& peer, const Ciphertext& ciphertext,
                        std::optional<Key32> ratchet_private) override {
    return d_.decrypt(peer, ciphertext, ratchet_private);
  }
  bool has_session(const std::string& peer) const override { return d_.has_session(peer); }
  Status reload() override {
    PARITY_ASSIGN(libsignal::Device d, libsignal::Device::deserialize(rng_, d_.serialize()));
    d_ = std::move(d);
    return {};
  }

 private:
  libsignal::Device d_;
  Rng& rng_;
};

#ifdef PARITY_INTEROP_WITH_REFERENCE
class ReferenceParty final : public Party {
 public:
  ReferenceParty(signal::Device d, Rng& rng) : d_(std::move(d)), rng_(rng) {}
  Impl impl() const override { return Impl::reference; }
  Key32 identity() const override { return d_.identity().public_key; }
  uint32_t registration_id() const override { return d_.registration_id(); }
  Result<wire::Bundle> bundle(const BundleOptions& options) override { return d_.bundle(rng_, options); }
  Status initiate(const std::string& peer, const wire::Bundle& bundle, std::optional<Key32> base_private,
                  std::optional<Key32> ratchet_private) override {
    return d_.initiate(peer, bundle, rng_, base_private, ratchet_private);
  }
  Result<Ciphertext> encrypt(const std::string& peer, ByteView plaintext) override { return d_.encrypt(peer, plaintext); }
  Result<Bytes> decrypt(const std::string& peer, const Ciphertext& ciphertext,
                        std::optional<Key32> ratchet_private) override {
    return d_.decrypt(peer, ciphertext, rng_, ratchet_private);
  }
  bool has_session(const std::string& peer) const override { return d_.has_session(peer); }
  Status reload() override {
    PARITY_ASSIGN(signal::Device d, signal::Device::deserialize(d_.serialize()));
    d_ = std::move(d);
    return {};
  }

 private:
  signal::Device d_;
  Rng& rng_;
};
#endif

}  // namespace

bool has_reference() {
#ifdef PARITY_INTEROP_WITH_REFERENCE
  return true;
#else
  return false;
#endif
}

Result<std::unique_ptr<Party>> make_party(Impl impl, Rng& rng, std::optional<Key32> identity_private,
                                          std::optional<uint32_t> registration_id) {
  if (impl == Impl::libsignal) {
    PARITY_ASSIGN(libsignal::Device d, libsignal::Device::create(rng, identity_private, registration_id));
    return std::unique_ptr<Party>(std::make_unique<LibsignalParty>(std::move(d), rng));
  }
#ifdef PARITY_INTEROP_WITH_REFERENCE
  return std::unique_ptr<Party>(
      std::make_unique<ReferenceParty>(signal::Device::create(rng, identity_private, registration_id), rng));
#else
  return make_error(Errc::unsupported, "built without the reference party");
#endif
}

}  // namespace parity::interop
