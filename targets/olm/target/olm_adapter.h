// olm_adapter.h: libolm as a PTP target (olm-v1).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "reference/crypto/random.h"
#include "targets/olm/olm_device.h"
#include "ptp/server.h"

namespace parity::ptp {

// OlmAdapter hosts parties that are parity::olm::Devices. libolm takes its randomness as
// arguments, so the devices keep no generator: every op passes the adapter's current one.
class OlmAdapter final : public Adapter {
 public:
  OlmAdapter();
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
  Result<olm::Device*> party(const Json& r, const char* field = "party");

  std::unique_ptr<Rng> rng_;
  std::map<std::string, olm::Device> parties_;
};

// olm_library_version is libolm's version as "major.minor.patch" (olm_get_library_version).
std::string olm_library_version();

}  // namespace parity::ptp
