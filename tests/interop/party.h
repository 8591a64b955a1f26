// party.h: one interface over the two Signal parties the interop tests drive, so a
// conversation can be run with any pairing of implementations.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "reference/crypto/random.h"
#include "reference/device.h"
#include "reference/wire/bundle.h"

namespace parity::interop {

using signal::BundleOptions;
using signal::Ciphertext;
using signal::MessageKind;

// Impl names an implementation of the Signal Protocol under test.
enum class Impl { libsignal, reference };

inline const char* impl_name(Impl i) { return i == Impl::libsignal ? "libsignal" : "reference"; }

// Party is a device of either implementation; it keeps the Rng it was made with.
class Party {
 public:
  virtual ~Party() = default;
  virtual Impl impl() const = 0;
  virtual Key32 identity() const = 0;
  virtual uint32_t registration_id() const = 0;
  virtual Result<wire::Bundle> bundle(const BundleOptions& options = {}) = 0;
  virtual Status initiate(const std::string& peer, const wire::Bundle& bundle,
                          std::optional<Key32> base_private = std::nullopt,
                          std::optional<Key32> ratchet_private = std::nullopt) = 0;
  virtual Result<Ciphertext> encrypt(const std::string& peer, ByteView plaintext) = 0;
  virtual Result<Bytes> decrypt(const std::string& peer, const Ciphertext& ciphertext,
                                std::optional<Key32> ratchet_private = std::nullopt) = 0;
  virtual bool has_session(const std::string& peer) const = 0;
  // reload replaces the party by deserialize(serialize()) of itself.
  virtual Status reload() = 0;
};

// make_party creates a party of `impl` drawing from `rng` (which must outlive it).
Result<std::unique_ptr<Party>> make_party(Impl impl, Rng& rng, std::optional<Key32> identity_private = std::nullopt,
                                          std::optional<uint32_t> registration_id = std::nullopt);

// has_reference tells whether this test binary was built with the reference party.
bool has_reference();

}  // namespace parity::interop
