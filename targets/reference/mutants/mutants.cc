#include "targets/reference/mutants/mutants.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "reference/crypto/hash.h"
#include "reference/crypto/random.h"
#include "reference/ratchet.h"

namespace parity::mutants {

namespace {

using signal::Ciphertext;
using signal::SessionHooks;
using signal::SessionState;

// keep-used-keys: message keys stay in the state after they decrypted.
class KeepUsedKeys final : public SessionHooks {
 public:
  bool keeps_used_message_key() const override { return true; }
};

// no-dh-ratchet: the DH ratchet never turns: one sending chain for ever.
class NoDhRatchet final : public SessionHooks {
 public:
  std::optional<KeyPair> next_ratchet_key(const SessionState&, const signal::RatchetKeySource&) const override {
    return std::nullopt;
  }
};

// dh-every-second-turn: every second new ratchet key follows from the previous one, so
// a clone holding the previous one derives it too and healing waits a round trip longer.
class DhEverySecondTurn final : public SessionHooks {
 public:
  std::optional<KeyPair> next_ratchet_key(const SessionState& state,
                                          const signal::RatchetKeySource& keys) const override {
    KeyPair ours = keys.next();  // drawn anyway, so the generator moves as the baseline's
    if (state.ratchet_steps % 2 == 1) {
      static const Bytes kLabel = to_bytes("parity mutant dh-every-second-turn");
      ours = key_pair_from_private(sha256(concat({kLabel, state.sender_ratchet.private_key})));
    }
    return ours;
  }
};

// no-mac-check: the MAC of a message is not verified.
class NoMacCheck final : public SessionHooks {
 public:
  bool mac_matches(const signal::MacValue&, const signal::MacValue&) const override { return true; }
};

// advance-on-refusal: a message refused for its MAC still moves the receiving chain,
// and the keys it skipped are lost.
class AdvanceOnRefusal final : public SessionHooks {
 public:
  bool keeps_refused_state(SessionState& refused_, const SessionState& before,
                           const Key32& their_ratchet) const override {
    size_t skipped_before = 0;  // a chain the message created had none
    for (const signal::ReceiverChain& old : before.receiver_chains) {
      if (old.ratchet_key == their_ratchet) {
        skipped_before = old.skipped.size();
        break;
      }
    }
    signal::ReceiverChain* rc = refused_.find_receiver_chain(their_ratchet);
    if (rc != nullptr && rc->skipped.size() > skipped_before) rc->skipped.resize(skipped_before);
    return true;
  }
};

// late-message-drops-current: an archived state that decrypts a late message replaces the
// current state, which is lost (not archived), so the current session's next messages fail.
class LateMessageDropsCurrent final : public SessionHooks {
 public:
  bool archives_displaced_state() const override { return false; }
};

// no-prekey-signature: a bundle's signed prekey signature is not verified.
class NoPrekeySignature final : public SessionHooks {
 public:
  bool signed_prekey_valid(const wire::Bundle&) const override { return true; }
};

// no-identity-binding: the MAC omits the identities and every session is tried.
class NoIdentityBinding final : public SessionHooks {
 public:
  std::pair<Key32, Key32> mac_identities(const Key32&, const Key32&) const override { return {Key32{}, Key32{}}; }
  bool tries_other_peers() const override { return true; }
};

// weak-randomness: every party draws from a generator that starts alike for everyone.
class WeakRandomness final : public ptp::PartyHooks {
 public:
  Rng& generator(const std::string& party, Rng&) override {
    auto& weak = rngs_[party];
    if (!weak) weak = std::make_unique<SeededRng>(Key32{});
    return *weak;
  }
  void reset() override { rngs_.clear(); }

 private:
  std::map<std::string, std::unique_ptr<SeededRng>> rngs_;
};

// deterministic-encryption: the same plaintext again gives the same ciphertext again.
class DeterministicEncryption final : public ptp::PartyHooks {
 public:
  std::optional<Ciphertext> ciphertext_for(const std::string& party, const std::string& peer,
                                           ByteView plaintext) override {
    auto it = last_.find({party, peer});
    if (it == last_.end() ||
        !std::equal(plaintext.begin(), plaintext.end(), it->second.first.begin(), it->second.first.end())) {
      return std::nullopt;
    }
    return it->second.second;
  }
  void sent(const std::string& party, const std::string& peer, ByteView plaintext, const Ciphertext& c) override {
    last_[{party, peer}] = {Bytes(plaintext.begin(), plaintext.end()), c};
  }
  void reset() override { last_.clear(); }

 private:
  // (party, peer) -> (plaintext, ciphertext) of the last message sent
  std::map<std::pair<std::string, std::string>, std::pair<Bytes, Ciphertext>> last_;
};

// accept-reflection: a party's own message, reflected back to it, decrypts.
class AcceptReflection final : public ptp::PartyHooks {
 public:
  void sent(const std::string& party, const std::string&, ByteView plaintext, const Ciphertext& c) override {
    sent_[party][c.bytes] = Bytes(plaintext.begin(), plaintext.end());
  }
  std::optional<Bytes> plaintext_for(const std::string& party, ByteView ciphertext) override {
    auto& mine = sent_[party];
    auto it = mine.find(Bytes(ciphertext.begin(), ciphertext.end()));
    if (it == mine.end()) return std::nullopt;
    return it->second;
  }
  void reset() override { sent_.clear(); }

 private:
  std::map<std::string, std::map<Bytes, Bytes>> sent_;  // party -> ciphertext -> plaintext
};

template <class Hooks>
void session_hooks(ptp::ReferenceConfig& c) {
  c.policy.hooks = std::make_shared<const Hooks>();
}

template <class Hooks>
void party_hooks(ptp::ReferenceConfig& c) {
  c.party_hooks = std::make_unique<Hooks>();
}

struct Entry {
  MutantInfo info;
  std::function<void(ptp::ReferenceConfig&)> apply;
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> all = {
      {{"none", "the Signal baseline, no flaw"}, [](ptp::ReferenceConfig&) {}},
      {{"keep-used-keys", "keeps message keys after use (a later clone reads old messages)"},
       session_hooks<KeepUsedKeys>},
      {{"no-dh-ratchet", "never takes a DH ratchet step (no healing after compromise)"}, session_hooks<NoDhRatchet>},
      {{"dh-every-second-turn", "every second ratchet key is derived from the previous one (heals a round trip later)"},
       session_hooks<DhEverySecondTurn>},
      {{"no-mac-check", "does not verify message MACs"}, session_hooks<NoMacCheck>},
      {{"advance-on-refusal", "a message refused for its MAC still advances the chain"},
       session_hooks<AdvanceOnRefusal>},
      {{"late-message-drops-current",
        "a late message of a replaced session, read in its archived state, makes it current and drops the current "
        "one"},
       session_hooks<LateMessageDropsCurrent>},
      {{"unbounded-skip", "no bound on skipped message keys"},
       [](ptp::ReferenceConfig& c) {
         c.policy.rules.max_skip = std::nullopt;
         c.policy.rules.max_message_keys = std::nullopt;
       }},
      {{"no-prekey-signature", "does not verify the signed prekey's signature"}, session_hooks<NoPrekeySignature>},
      {{"weak-randomness", "every party draws the same keys"}, party_hooks<WeakRandomness>},
      {{"deterministic-encryption", "encrypting the same plaintext again repeats the ciphertext"},
       party_hooks<DeterministicEncryption>},
      {{"accept-reflection", "accepts its own messages reflected back to it"}, party_hooks<AcceptReflection>},
      {{"no-identity-binding",
        "MAC without identities, and a message is tried against every session (unknown key share)"},
       session_hooks<NoIdentityBinding>},
      {{"keep-old-chains", "never drops old receiving chains"},
       [](ptp::ReferenceConfig& c) { c.policy.rules.max_receiver_chains = SIZE_MAX; }},
      // The two below declare bounds smaller than Signal's and keep one of them only on
      // paper: the retention checks must see the lie where it breaks Signal's bounds,
      // with scenarios that stay within what they declare.
      {{"keys-past-bound",
        "declares max_skip and max_skipped_keys 1000, refuses jumps past 1000, keeps every skipped key"},
       [](ptp::ReferenceConfig& c) {
         c.policy.rules.max_skip = 1000;
         c.policy.rules.max_message_keys = std::nullopt;
         c.declared_limits.max_skip = 1000;
         c.declared_limits.max_message_keys = 1000;
       }},
      {{"small-bounds-keep-chains",
        "declares max_skip 100, 100 skipped keys and 3 receiver chains, keeps the first two but every receiving chain"},
       [](ptp::ReferenceConfig& c) {
         c.policy.rules.max_skip = 100;
         c.policy.rules.max_message_keys = 100;
         c.policy.rules.max_receiver_chains = SIZE_MAX;
         c.declared_limits.max_skip = 100;
         c.declared_limits.max_message_keys = 100;
         c.declared_limits.max_receiver_chains = 3;
       }},
      // Group mutants: one rule of the Sender Keys baseline changed through GroupHooks
      // (reference/group/group_hooks.h); hello keeps declaring the baseline's group limits.
      {{"group-no-rotation-on-removal", "keeps its own sender key after a member is removed (the removed reads on)"},
       [](ptp::ReferenceConfig& c) { c.group_hooks.rotate_on_removal = false; }},
      {{"group-no-signature-check",
        "does not verify a SenderKeyMessage's signature (any holder of a chain speaks as "
        "its owner)"},
       [](ptp::ReferenceConfig& c) { c.group_hooks.verify_signature = false; }},
      {{"group-replays-accepted", "keeps group message keys after use (a replayed group message is read again)"},
       [](ptp::ReferenceConfig& c) { c.group_hooks.reject_replays = false; }},
      {{"group-distribution-rollback",
        "adds every distribution message as a new state, as libsignal-protocol-c does (an older copy moves the chain "
        "back)"},
       [](ptp::ReferenceConfig& c) { c.group_hooks.allow_rollback = true; }},
      {{"group-unbounded-jump", "no bound on a group message's forward jump (declares the baseline's 2000)"},
       [](ptp::ReferenceConfig& c) { c.group_hooks.max_skip = std::nullopt; }},
      {{"group-joiner-gets-origin-chain",
        "hands a new member its chain at the iteration it was made (the joiner reads earlier messages)"},
       [](ptp::ReferenceConfig& c) { c.group_hooks.distribute_from_origin = true; }},
      {{"group-control-not-bound", "accepts a control delivery whose wrapper names another group"},
       [](ptp::ReferenceConfig& c) { c.group_hooks.bind_control_to_group = false; }},
  };
  return all;
}

}  // namespace

const std::vector<MutantInfo>& mutants() {
  static const std::vector<MutantInfo> all = [] {
    std::vector<MutantInfo> v;
    for (const Entry& e : entries()) v.push_back(e.info);
    return v;
  }();
  return all;
}

bool apply_mutant(std::string_view name, ptp::ReferenceConfig& config_) {
  for (const Entry& e : entries()) {
    if (e.info.name != name) continue;
    // The declared limits stay what they were unless the entry sets them: a flaw does not
    // announce itself.
    if (name != "none") config_.version += "+mutant." + std::string(name);
    e.apply(config_);
    return true;
  }
  return false;
}

std::optional<ptp::ReferenceConfig> mutant_config(std::string_view name) {
  ptp::ReferenceConfig c;
  if (!apply_mutant(name, c)) return std::nullopt;
  return c;
}

}  // namespace parity::mutants
