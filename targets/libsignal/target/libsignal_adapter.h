// libsignal_adapter.h: libsignal-protocol-c 2.3.3 as a PTP target (signal-v3).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

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

// GroupView is what a party keeps of one group besides its sender keys (which live in the
// Device): roster "server" (groups.md), so the roster is the one the server last
// announced, and the party acts on it as WhatsApp does.
struct GroupView {
  std::vector<std::string> roster;  // the whole roster, as announced (the party included)
  std::set<std::string> sent;       // members sent the current own sender key
  bool rotate = false;              // make a fresh own sender key before the next send
};

// LibsignalParty is one party: its device, the name it plays (an imported clone keeps
// the original's: it is the same member) and its groups.
struct LibsignalParty {
  libsignal::Device device;
  std::string self;
  std::map<std::string, GroupView> groups;
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
  Reply group_create(const request::GroupCreate& r) override;
  Reply group_add(const request::GroupAdd& r) override;
  Reply group_remove(const request::GroupRemove& r) override;
  Reply group_roster(const request::GroupRoster& r) override;
  Reply group_encrypt(const request::GroupEncrypt& r) override;
  Reply group_update(const request::GroupUpdate& r) override;
  Reply group_receive(const request::GroupReceive& r) override;
  Reply group_info(const request::GroupInfo& r) override;

 private:
  Result<LibsignalParty*> party(const std::string& name);
  // member_view finds `group` at a party that is in its roster (bad_request otherwise).
  Result<GroupView*> member_view(LibsignalParty& p, const std::string& group);

  // rng_ is declared before parties_ so that it outlives them (members are destroyed in
  // reverse order): every Device keeps a reference to it.
  ReseedableRng rng_;
  std::map<std::string, LibsignalParty> parties_;
  LibsignalPrimitives primitives_;
};

}  // namespace parity::ptp
