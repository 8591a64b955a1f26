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
  Reply reset(const request::Reset& r) override;
  Reply create(const request::Create& r) override;
  Reply bundle(const request::Bundle& r) override;
  Reply initiate(const request::Initiate& r) override;
  Reply encrypt(const request::Encrypt& r) override;
  Reply decrypt(const request::Decrypt& r) override;
  Reply export_state(const request::Export& r) override;
  Reply import_state(const request::Import& r) override;
  // PTP 1.3 groups over libolm's Megolm (olm_device.h), roster "server".
  Reply group_create(const request::GroupCreate& r) override;
  Reply group_add(const request::GroupAdd& r) override;
  Reply group_remove(const request::GroupRemove& r) override;
  Reply group_roster(const request::GroupRoster& r) override;
  Reply group_encrypt(const request::GroupEncrypt& r) override;
  Reply group_update(const request::GroupUpdate& r) override;
  Reply group_receive(const request::GroupReceive& r) override;
  Reply group_info(const request::GroupInfo& r) override;

 private:
  Result<olm::Device*> party(const std::string& name);

  std::unique_ptr<Rng> rng_;
  std::map<std::string, olm::Device> parties_;
};

// olm_library_version is libolm's version as "major.minor.patch" (olm_get_library_version).
std::string olm_library_version();

}  // namespace parity::ptp
