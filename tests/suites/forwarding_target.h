// forwarding_target.h: fake targets for the suites' tests. ForwardingTarget forwards every
// operation of harness::Target to an inner target (the reference target process); a test
// derives from it and overrides the one behaviour it breaks, so the check under test meets
// a target that is the reference in everything but the flaw.
//
// Every per-operation forward lives here, so a change to harness::Target (a new typed
// operation, a changed result type) is made once, in this header. Media and stanza
// operations have typed methods too; a fake overrides the one it perturbs.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "harness/client/target.h"

namespace parity::suites::test {

class ForwardingTarget : public harness::Target {
 public:
  explicit ForwardingTarget(std::unique_ptr<harness::Target> inner)
      : inner_(std::move(inner)), hello_(inner_->hello()) {}

  harness::Target& inner() { return *inner_; }
  // hello_ is what hello() answers: a fake may hide capabilities or change limits.
  harness::Hello& mutable_hello() { return hello_; }

  const std::string& name() const override { return inner_->name(); }
  const harness::Hello& hello() const override { return hello_; }
  harness::Op<harness::Json> call(harness::Json request) override { return inner_->call(std::move(request)); }
  harness::Op<harness::Json> send_raw(const std::string& line) override { return inner_->send_raw(line); }
  harness::Op<harness::Unit> reset(std::optional<Key32> seed) override { return inner_->reset(seed); }
  harness::Op<Bytes> create(const std::string& party, const harness::Inject& inject) override {
    return inner_->create(party, inject);
  }
  harness::Op<harness::BundleResult> bundle(const std::string& party, const harness::Inject& inject) override {
    return inner_->bundle(party, inject);
  }
  harness::Op<harness::Unit> initiate(const std::string& party, const std::string& peer, ByteView bundle_bytes,
                                      const harness::Inject& inject) override {
    return inner_->initiate(party, peer, bundle_bytes, inject);
  }
  harness::Op<harness::CiphertextResult> encrypt(const std::string& party, const std::string& peer, ByteView plaintext,
                                                 const harness::Inject& inject) override {
    return inner_->encrypt(party, peer, plaintext, inject);
  }
  harness::Op<Bytes> decrypt(const std::string& party, const std::string& peer, ByteView ciphertext,
                             harness::MessageKind kind, const harness::Inject& inject) override {
    return inner_->decrypt(party, peer, ciphertext, kind, inject);
  }
  harness::Op<Bytes> export_state(const std::string& party) override { return inner_->export_state(party); }
  harness::Op<harness::Unit> import_state(const std::string& party, ByteView state) override {
    return inner_->import_state(party, state);
  }
  harness::Op<harness::Json> primitive(const std::string& name, const harness::Json& fields) override {
    return inner_->primitive(name, fields);
  }
  harness::Op<harness::MediaEncrypted> media_encrypt(media::MediaType type, ByteView p,
                                                     std::optional<ByteView> key) override {
    return inner_->media_encrypt(type, p, key);
  }
  harness::Op<Bytes> media_decrypt(media::MediaType type, ByteView key, ByteView encrypted, ByteView hash) override {
    return inner_->media_decrypt(type, key, encrypted, hash);
  }
  harness::Op<harness::MediaFileEncrypted> media_encrypt_file(media::MediaType type, const std::string& path,
                                                              const std::string& out,
                                                              std::optional<ByteView> key) override {
    return inner_->media_encrypt_file(type, path, out, key);
  }
  harness::Op<uint64_t> media_decrypt_file(media::MediaType type, ByteView key, const std::string& path, ByteView hash,
                                           const std::string& out) override {
    return inner_->media_decrypt_file(type, key, path, hash, out);
  }
  harness::Op<std::string> wrap(const std::string& party, const std::string& peer, ByteView c,
                                harness::MessageKind kind, const harness::StanzaAddress& address) override {
    return inner_->wrap(party, peer, c, kind, address);
  }
  harness::Op<harness::Unwrapped> unwrap(const std::string& party, std::string_view stanza,
                                         harness::StanzaEncoding encoding) override {
    return inner_->unwrap(party, stanza, encoding);
  }
  harness::Op<harness::Deliveries> group_create(const std::string& party, const std::string& group,
                                                const std::vector<std::string>& members,
                                                const std::map<std::string, Bytes>& bundles) override {
    return inner_->group_create(party, group, members, bundles);
  }
  harness::Op<harness::Deliveries> group_add(const std::string& party, const std::string& group,
                                             const std::string& member, std::optional<ByteView> bundle) override {
    return inner_->group_add(party, group, member, bundle);
  }
  harness::Op<harness::Deliveries> group_remove(const std::string& party, const std::string& group,
                                                const std::string& member) override {
    return inner_->group_remove(party, group, member);
  }
  harness::Op<harness::Deliveries> group_roster(const std::string& party, const std::string& group,
                                                const std::vector<std::string>& members) override {
    return inner_->group_roster(party, group, members);
  }
  harness::Op<harness::Deliveries> group_encrypt(const std::string& party, const std::string& group, ByteView plaintext,
                                                 const harness::GroupInject& inject) override {
    return inner_->group_encrypt(party, group, plaintext, inject);
  }
  harness::Op<harness::Deliveries> group_update(const std::string& party, const std::string& group) override {
    return inner_->group_update(party, group);
  }
  harness::Op<Bytes> group_forge(const std::string& party, const std::string& group, const std::string& as,
                                 std::optional<uint64_t> iteration) override {
    return inner_->group_forge(party, group, as, iteration);
  }
  harness::Op<harness::GroupReceived> group_receive(const std::string& party, const std::string& group,
                                                    const std::string& from, ByteView envelope) override {
    return inner_->group_receive(party, group, from, envelope);
  }
  harness::Op<harness::GroupView> group_info(const std::string& party, const std::string& group) override {
    return inner_->group_info(party, group);
  }
  harness::Op<harness::Unit> restart() override { return inner_->restart(); }
  bool alive() const override { return inner_->alive(); }
  harness::Transcript take_transcript() override { return inner_->take_transcript(); }
  std::string stderr_tail() const override { return inner_->stderr_tail(); }
  uint64_t round_trips() const override { return inner_->round_trips(); }

 private:
  std::unique_ptr<harness::Target> inner_;
  harness::Hello hello_;
};

}  // namespace parity::suites::test
