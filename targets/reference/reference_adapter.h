// reference_adapter.h: the Signal baseline as a PTP target.
#pragma once

#include <map>
#include <memory>

#include "reference/device.h"
#include "targets/ptp_server/server.h"

namespace parity::ptp {

// ReferenceAdapter hosts parties that are reference Devices.
class ReferenceAdapter final : public Adapter {
 public:
  ReferenceAdapter();
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
  Result<signal::Device*> party(const Json& r, const char* field = "party");

  std::unique_ptr<Rng> rng_;
  std::map<std::string, signal::Device> parties_;
};

}  // namespace parity::ptp
