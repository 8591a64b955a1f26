// reference_adapter.h: the Signal baseline as a PTP target.
#pragma once

#include <map>
#include <memory>

#include "reference/device.h"
#include "ptp/server.h"

namespace parity::ptp {

// ReferenceAdapter hosts parties that are reference Devices.
class ReferenceAdapter final : public Adapter {
 public:
  explicit ReferenceAdapter(signal::Mutant mutant = signal::Mutant::none);
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
  // rng_for is the generator a party draws from: the run's, or under the
  // weak-randomness mutant one that starts alike for every party.
  Rng& rng_for(const std::string& party);

  signal::Mutant mutant_;
  std::unique_ptr<Rng> rng_;
  std::map<std::string, signal::Device> parties_;
  std::map<std::string, std::unique_ptr<SeededRng>> weak_rngs_;  // weak-randomness mutant
  // last_sent_: deterministic-encryption mutant, (party, peer) -> (plaintext, response)
  std::map<std::pair<std::string, std::string>, std::pair<Bytes, Json>> last_sent_;
  // sent_: accept-reflection mutant, party -> ciphertext -> plaintext of what it sent
  std::map<std::string, std::map<Bytes, Bytes>> sent_;
};

}  // namespace parity::ptp
