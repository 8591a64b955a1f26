// reference_adapter.h: the Signal baseline as a PTP target.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "reference/device.h"
#include "reference/group/group_hooks.h"
#include "reference/group/group_member.h"

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

// GroupLimits are the group bounds hello declares (group_max_skip, group_max_skipped_keys,
// group_max_sender_states); the default is the baseline's. Kept apart from the group
// rules so that a mutant's flaw does not announce itself.
struct GroupLimits {
  std::optional<uint32_t> max_skip = group::kMaxGroupSkip;  // nullopt: declared null (no bound)
  size_t max_skipped_keys = group::kMaxGroupSkippedKeys;
  size_t max_sender_states = group::kMaxSenderStates;
};

// ReferenceConfig is what the target runs; the default is the Signal baseline.
struct ReferenceConfig {
  std::string implementation = "parity-reference";  // hello's implementation
  std::string version = "0.1.0";
  std::string protocol = "signal-v3";    // hello's protocol (custom:NAME for a variant)
  signal::SessionPolicy policy;          // every party's rules and protocol steps
  signal::RatchetRules declared_limits;  // the limits hello declares
  std::unique_ptr<PartyHooks> party_hooks = std::make_unique<PartyHooks>();
  // group_hooks are every party's group rules (reference/group/group_hooks.h).
  group::GroupHooks group_hooks;
  GroupLimits declared_group_limits;  // the group limits hello declares
};

// ReferenceAdapter hosts parties that are reference Devices.
class ReferenceAdapter final : public Adapter {
 public:
  ReferenceAdapter();  // the baseline
  explicit ReferenceAdapter(ReferenceConfig config);
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
  // media_encrypt and media_decrypt are the `media` capability (reference/media).
  Reply media_encrypt(const request::MediaEncrypt& r) override;
  Reply media_decrypt(const request::MediaDecrypt& r) override;
  // media_encrypt_file and media_decrypt_file are the `media_file` capability: the same
  // attachments streamed from file to file (reference/media/media_file.h), for sizes no
  // JSON line carries.
  Reply media_encrypt_file(const request::MediaEncryptFile& r) override;
  Reply media_decrypt_file(const request::MediaDecryptFile& r) override;
  // wrap and unwrap are the `stanza` capability (reference/stanza).
  Reply wrap(const request::Wrap& r) override;
  Reply unwrap(const request::Unwrap& r) override;
  // group_* are the `group`, `group_update` and `group_forge` capabilities (PTP 1.3):
  // Sender Keys with WhatsApp's rules (reference/group/group_member.h), roster "server".
  Reply group_create(const request::GroupCreate& r) override;
  Reply group_add(const request::GroupAdd& r) override;
  Reply group_remove(const request::GroupRemove& r) override;
  Reply group_roster(const request::GroupRoster& r) override;
  Reply group_encrypt(const request::GroupEncrypt& r) override;
  Reply group_update(const request::GroupUpdate& r) override;
  Reply group_forge(const request::GroupForge& r) override;
  Reply group_receive(const request::GroupReceive& r) override;
  Reply group_info(const request::GroupInfo& r) override;

 private:
  // member binds a party's device to the group rules for one op.
  Result<group::GroupMember> member(const std::string& name);
  Result<signal::Device*> party(const std::string& name);
  // rng_for is the generator a party draws from (PartyHooks::generator).
  Rng& rng_for(const std::string& party);

  ReferenceConfig config_;
  std::unique_ptr<Rng> rng_;
  std::map<std::string, signal::Device> parties_;
};

}  // namespace parity::ptp
