#include "harness/catalogue.h"

#include <algorithm>
#include <array>

namespace parity::harness {

std::string_view to_string(Level level) {
  switch (level) {
    case Level::must:
      return "MUST";
    case Level::should:
      return "SHOULD";
    case Level::info:
      return "INFO";
  }
  return "MUST";
}

std::string_view to_string(Profile profile) {
  return profile == Profile::signal ? "signal" : "equivalent";
}

std::optional<Profile> parse_profile(std::string_view s) {
  if (s == "signal") return Profile::signal;
  if (s == "equivalent") return Profile::equivalent;
  return std::nullopt;
}

const std::vector<Group>& groups() {
  static const std::vector<Group> g = {
      {"AKE", "Session establishment"},
      {"MSG", "Confidentiality and integrity of each message"},
      {"FS", "Forward secrecy"},
      {"PCS", "Post-compromise security (healing)"},
      {"ORD", "Delivery order, loss and replay"},
      {"DOS", "Resource bounds"},
      {"KEY", "Key hygiene"},
      {"KAT", "Known answers"},
      {"SIG", "Signal wire interoperability"},
      {"STZ", "Stanzas"},
      {"MED", "Attachments"},
      {"GRP", "Group chats"},
  };
  return g;
}

const std::vector<Requirement>& catalogue() {
  using L = Level;
  static const std::vector<Requirement> c = {
      {"AKE-1", "AKE", L::must, false, "Asynchronous start from a bundle",
       "A session starts asynchronously from a bundle alone; the initiator's first messages decrypt at the responder "
       "before the responder has sent anything."},
      {"AKE-2", "AKE", L::must, false, "Tampered bundles are refused",
       "A bundle whose signed prekey does not verify under the bundle's identity key (flipped signature bit, flipped "
       "prekey bit, flipped identity bit, identity key of another party) is refused by initiate."},
      {"AKE-3", "AKE", L::must, false, "Sessions are bound to both identities",
       "A message of the session A->B is refused when delivered to a third party C that holds its own session with A, "
       "and when B, holding sessions with both A and C, is told that it comes from C (unknown-key-share resistance)."},
      {"AKE-4", "AKE", L::must, false, "Replayed first messages give nothing",
       "A replayed first (prekey) message yields no second plaintext and no second session, also after the session "
       "has moved on."},
      {"AKE-5", "AKE", L::must, false, "Sessions are independent",
       "Two sessions between the same two parties are independent: neither's state decrypts the other's messages."},
      {"AKE-6", "AKE", L::should, false, "A one-time prekey serves one session",
       "A second session started from the same bundle is refused by the responder, or starts without the consumed "
       "key."},
      {"AKE-7", "AKE", L::must, false, "A late or replayed message of a replaced session never breaks the current one",
       "A newer session that replaces an older one between the same two parties is not broken by the older one: a "
       "late, replayed or tampered message of the older session is read in the older state or refused, and in either "
       "case the current session goes on both ways (Signal keeps archived states for exactly this)."},
      {"MSG-1", "MSG", L::must, false, "Every plaintext round-trips",
       "Every plaintext from 0 bytes to 256 KiB, of arbitrary content, decrypts to itself."},
      {"MSG-2", "MSG", L::must, false, "Encryption is not deterministic",
       "Equal plaintexts never give equal ciphertexts."},
      {"MSG-3", "MSG", L::must, false, "Every modification is refused",
       "Each single bit flipped, truncation at each length, extension, and a splice of two genuine messages is "
       "refused."},
      {"MSG-4", "MSG", L::must, false, "A refused message changes nothing",
       "A refused message leaves the session unchanged: the genuine messages that follow decrypt."},
      {"MSG-5", "MSG", L::must, false, "Messages are bound to their direction",
       "A's message to B, given back to A as if from B, is refused."},
      {"FS-1", "FS", L::must, false, "Received messages are unreadable to a later clone",
       "Once B has decrypted a message, a clone of B made afterwards cannot decrypt it."},
      {"FS-2", "FS", L::must, false, "Sent messages are unreadable to the sender's later state",
       "Once A has encrypted a message, A's state no longer holds what decrypts it."},
      {"FS-3", "FS", L::must, false, "Earlier epochs stay unreadable",
       "Messages of earlier ratchet epochs stay unreadable to a later clone, including when the clone holds skipped "
       "keys of other messages."},
      {"FS-4", "FS", L::must, false, "Retention is bounded",
       "Of messages sent before t and never delivered, a clone made at t can read no more than the Signal baseline's "
       "bounds allow (2000 skipped keys per chain, 5 receiver chains)."},
      {"PCS-1", "PCS", L::must, false, "Healing after compromise of the responder",
       "After a compromise of the responder, the round trips needed before the attacker's clone reads no further "
       "message must not exceed the Signal baseline's, phase by phase."},
      {"PCS-2", "PCS", L::must, false, "Healing after compromise of the initiator",
       "The same as PCS-1 after a compromise of the initiator."},
      {"PCS-3", "PCS", L::must, false, "Healing survives loss and reordering",
       "Healing happens at the first round trip completed among the messages that were delivered."},
      {"PCS-4", "PCS", L::info, false, "Active-attacker window",
       "After healing, whether a message forged with the clone's state is still accepted, and for how long."},
      {"ORD-1", "ORD", L::must, false, "Out-of-order delivery within a chain",
       "Out-of-order delivery within a chain, up to the target's declared bound, decrypts every message exactly once."},
      {"ORD-2", "ORD", L::must, false, "Delayed messages across ratchet steps",
       "Messages delayed across ratchet steps still decrypt, for at least as many epochs back as the baseline keeps."},
      {"ORD-3", "ORD", L::must, false, "Replays are refused", "A ciphertext delivered a second time is refused."},
      {"ORD-4", "ORD", L::must, false, "Loss never breaks the session",
       "Lost messages never break the session for the messages that follow."},
      {"DOS-1", "DOS", L::must, false, "Far-ahead counters are refused cheaply",
       "A message claiming a counter far ahead is refused quickly and without memory growing with the claim; the "
       "session stays usable."},
      {"DOS-2", "DOS", L::must, false, "Retained keys are bounded",
       "A stream of skip-ahead messages cannot grow retained keys past a bound no larger than the baseline's."},
      {"DOS-3", "DOS", L::must, false, "Malformed input is refused without crashing",
       "Malformed input of any size (empty, random bytes, 16 MiB) is refused without crashing."},
      {"KEY-1", "KEY", L::must, false, "Public keys never repeat",
       "Identity, prekey, base and ratchet public keys never repeat, over 10,000 generations."},
      {"KEY-2", "KEY", L::should, false, "Small-order and non-canonical keys",
       "Small-order and non-canonical public keys in bundles and message headers are refused or cannot make the "
       "session key predictable."},
      {"KEY-3", "KEY", L::info, false, "Plaintexts in exported state",
       "Whether an exported state holds plaintexts of delivered messages."},
      {"KAT-1", "KAT", L::must, false, "Primitives match published vectors",
       "The primitives the protocol uses match published vectors within the domain it uses them in; for signal-v3: "
       "X25519, XEdDSA verify, HKDF-SHA256 with a 32-byte salt and up to 80 bytes out, HMAC-SHA256 with a 32-byte "
       "key, AES-256-CBC, and SHA-256 where the target declares media. Every other name or parameter (SHA-512, "
       "AES-256-GCM, other salts, keys and lengths) is a SHOULD, where `unsupported` is not-applicable. An "
       "`acceptable` vector passes with either behaviour (X25519 may refuse an all-zero shared secret)."},
      {"KAT-2", "KAT", L::must, true, "Signal KDFs match libsignal",
       "kdf_rk, kdf_ck and message_keys match libsignal's values."},
      {"KAT-3", "KAT", L::must, true, "Sender key derivations match libsignal",
       "Message key seed HMAC(chainKey, 0x01), next chain key HMAC(chainKey, 0x02), and HKDF(seed, 32 zero bytes, "
       "\"WhisperGroup\", 48) split as IV (16) then AES-256 key (32) match libsignal's values (groups.md)."},
      {"SIG-1", "SIG", L::must, true, "Sessions with the reference work both ways",
       "A session the target starts with the reference works both ways, and so does one the reference starts with "
       "the target."},
      {"SIG-2", "SIG", L::must, true, "Signal v3 on the wire",
       "The target's messages are Signal v3 on the wire: version byte, protobuf fields, 8-byte MAC over both "
       "identities; its bundles follow ptp-1.md."},
      {"SIG-3", "SIG", L::must, true, "Byte-exact transcripts with injected keys",
       "Given injected keys, the target's ciphertexts equal the transcript vectors byte for byte."},
      {"SIG-4", "SIG", L::must, true, "Long random conversations stay in step",
       "Long random conversations with the reference, with loss and reordering, stay in step."},
      {"STZ-1", "STZ", L::must, false, "Written stanzas validate",
       "Every stanza the target writes validates against the stanza profile, and its payload decrypts."},
      {"STZ-2", "STZ", L::must, false, "The corpus is read correctly",
       "The target reads every valid stanza of the corpus and refuses every invalid one with an error, not a crash."},
      {"STZ-3", "STZ", L::must, false, "Hostile XML is refused",
       "Hostile XML (DOCTYPE, entity declarations, deep nesting, huge attributes, invalid UTF-8) is refused."},
      {"MED-1", "MED", L::must, false, "Attachment vectors match",
       "Encryption with a given media key matches the attachment vectors."},
      {"MED-2", "MED", L::must, false, "Tampered attachments are refused",
       "A tampered encrypted file (any bit, truncation, wrong file_enc_sha256) is refused."},
      {"MED-3", "MED", L::must, false, "Fresh media keys", "Every attachment gets a fresh media key."},
      {"MED-4", "MED", L::must, false, "Attachments round-trip",
       "Attachments of every type and of 0 bytes to 64 MiB round-trip."},
      // Group chats (groups.md, PTP 1.3 capability `group`).
      {"GRP-1", "GRP", L::must, false, "Group delivery",
       "With 2 to 8 members, every application message of every sender is read exactly once by every other member "
       "that has received its control deliveries, in order or reordered within the declared bounds, from the time "
       "its join took effect for that sender."},
      {"GRP-2", "GRP", L::must, false, "Group integrity",
       "Every bit flip, truncation, extension and splice of every kind of envelope is refused and changes nothing; "
       "a bundle tampered inside its layout is refused by group_create/group_add."},
      {"GRP-3", "GRP", L::must, false, "Sender authentication",
       "A member cannot make another accept a message as sent by a third: not by relabelling `from`, not with the "
       "third's chain under its own signature, not by distributing its own key as the third's."},
      {"GRP-4", "GRP", L::must, false, "Group replay and rollback",
       "An application delivery given twice gives no second plaintext; a control delivery replayed, or an older "
       "copy of one, is refused or has no effect: no refused replay becomes readable and new messages are read."},
      {"GRP-5", "GRP", L::must, false, "Removal",
       "Neither a removed member nor its clone reads any message a remaining member sends after the removal took "
       "effect for that sender."},
      {"GRP-6", "GRP", L::must, false, "Joining",
       "A member whose join took effect at t reads no message sent before t, even given every earlier delivery."},
      {"GRP-7", "GRP", L::must, false, "Group forward secrecy",
       "A clone of a member made after it read a message cannot read it; a clone of a sender made after it sent a "
       "message cannot read it (unless the target declares group_reads_own)."},
      {"GRP-8", "GRP", L::must, false, "Group bounds",
       "Far-ahead iterations are refused quickly without memory growing with the claim; skipped keys and sender "
       "states stay within the baseline's bounds; malformed deliveries of 0 bytes to 1 MiB are refused."},
      {"GRP-9", "GRP", L::must, false, "Group binding",
       "A delivery moved to another group the same members share is refused; a message of a key the receiver no "
       "longer holds is refused."},
      {"GRP-10", "GRP", L::info, false, "Group healing",
       "After a compromise, the first round whose messages the clone reads none of (up to 10), with no change, "
       "after the victim's group_update, after another member removes a third, after the victim changes the "
       "membership; beside the baseline."},
      {"GRP-11", "GRP", L::info, false, "Membership agreement",
       "Whether members detect a server that forks the group (different rosters or concurrent commits): their "
       "epochs differ, or deliveries across the fork are refused."},
      {"GRP-12", "GRP", L::must, true, "Sender Keys on the wire",
       "SenderKeyMessage and SenderKeyDistributionMessage as libsignal-protocol-c 2.3.3 encodes them, read both "
       "ways with the reference across rotations, byte-exact with injected keys but for the XEdDSA signature."},
  };
  return c;
}

const Requirement* find_requirement(std::string_view id) {
  for (const Requirement& r : catalogue()) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

namespace {

struct CapabilityName {
  Capability capability;
  std::string_view name;
};

// kCapabilityNames is the one table of capability spellings (PTP's, public interface).
constexpr std::array<CapabilityName, 11> kCapabilityNames = {{
    {Capability::export_state, "export"},
    {Capability::import_state, "import"},
    {Capability::deterministic, "deterministic"},
    {Capability::inject, "inject"},
    {Capability::primitives, "primitives"},
    {Capability::media, "media"},
    {Capability::media_file, "media_file"},
    {Capability::stanza, "stanza"},
    {Capability::group, "group"},
    {Capability::group_update, "group_update"},
    {Capability::group_forge, "group_forge"},
}};

}  // namespace

std::string_view to_string(Capability c) {
  for (const CapabilityName& n : kCapabilityNames) {
    if (n.capability == c) return n.name;
  }
  return "?";
}

std::optional<Capability> parse_capability(std::string_view s) {
  for (const CapabilityName& n : kCapabilityNames) {
    if (n.name == s) return n.capability;
  }
  return std::nullopt;
}

bool profile_requires(Profile profile, Capability capability) {
  static const std::vector<Capability> kSignal = {Capability::export_state, Capability::import_state,
                                                  Capability::inject, Capability::primitives};
  static const std::vector<Capability> kEquivalent = {Capability::export_state, Capability::import_state};
  const auto& list = profile == Profile::signal ? kSignal : kEquivalent;
  return std::find(list.begin(), list.end(), capability) != list.end();
}

bool applies(const Requirement& r, Profile profile) {
  return profile == Profile::signal || !r.signal_only;
}

}  // namespace parity::harness
