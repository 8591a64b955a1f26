// reference_adapter.h: the Signal baseline as a PTP target.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "reference/device.h"
#include "ptp/server.h"

namespace parity::ptp {

// PartyHooks are the steps around a party's Device that a variant of this target may do
// otherwise: where the party's randomness comes from, and what it sends and accepts
// besides what its Device encrypts and decrypts. The defaults are the baseline: one
// generator for the run, every message encrypted and decrypted by the Device.
class PartyHooks {
 public:
  virtual ~PartyHooks() = default;
  // generator is the generator `party` draws its keys from; `run` is the run's.
  virtual Rng& generator(const std::string& party, Rng& run) {
    (void)party;
    return run;
  }
  // ciphertext_for is a ciphertext `party` sends for `plaintext` without encrypting it
  // again; nullopt (the baseline) encrypts afresh.
  virtual std::optional<signal::Ciphertext> ciphertext_for(const std::string& party, const std::string& peer,
                                                           ByteView plaintext) {
    (void)party;
    (void)peer;
    (void)plaintext;
    return std::nullopt;
  }
  // sent sees each message `party` encrypted for `peer`.
  virtual void sent(const std::string& party, const std::string& peer, ByteView plaintext,
                    const signal::Ciphertext& c) {
    (void)party;
    (void)peer;
    (void)plaintext;
    (void)c;
  }
  // plaintext_for is a plaintext `party` accepts for `ciphertext` without decrypting it;
  // nullopt (the baseline) leaves it to the Device.
  virtual std::optional<Bytes> plaintext_for(const std::string& party, ByteView ciphertext) {
    (void)party;
    (void)ciphertext;
    return std::nullopt;
  }
  // reset forgets what the hooks kept (PTP reset).
  virtual void reset() {}
};

// ReferenceConfig is what the target runs; the default is the Signal baseline.
struct ReferenceConfig {
  std::string version = "0.1.0";
  signal::SessionPolicy policy;          // every party's rules and protocol steps
  signal::RatchetRules declared_limits;  // the limits hello declares
  std::unique_ptr<PartyHooks> party_hooks = std::make_unique<PartyHooks>();
};

// ReferenceAdapter hosts parties that are reference Devices.
class ReferenceAdapter final : public Adapter {
 public:
  explicit ReferenceAdapter(ReferenceConfig config = {});
  HelloInfo hello() const override;
  Reply handle(const std::string& op, const Json& request) override;

 private:
  Reply reset(const Json& r);
  Reply create(const Json& r);
  Reply bundle(const Json& r);
  Reply initiate(const Json& r);
  Reply encrypt(const Json& r);
  Reply decrypt(const Json& r);
  Reply export_party(const Json& r);
  Reply import_party(const Json& r);
  // media_encrypt and media_decrypt are the `media` capability (reference/media).
  Reply media_encrypt(const Json& r);
  Reply media_decrypt(const Json& r);
  // media_encrypt_file and media_decrypt_file are the `media_file` capability: the same
  // attachments streamed from file to file (reference/media/media_file.h), for sizes no
  // JSON line carries.
  Reply media_encrypt_file(const Json& r);
  Reply media_decrypt_file(const Json& r);
  // stanza_wrap and stanza_unwrap are the `stanza` capability (reference/stanza).
  Reply stanza_wrap(const Json& r);
  Reply stanza_unwrap(const Json& r);
  Result<signal::Device*> party(const Json& r, const char* field = "party");
  // rng_for is the generator a party draws from (PartyHooks::generator).
  Rng& rng_for(const std::string& party);

  ReferenceConfig config_;
  std::unique_ptr<Rng> rng_;
  std::map<std::string, signal::Device> parties_;
};

}  // namespace parity::ptp
