#include "cli/listing.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <utility>

#include "harness/mutation_matrix.h"

namespace parity::harness {

namespace {

std::string pad(std::string_view s, size_t width) {
  std::string out(s);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

std::string md_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else {
      out += c;
    }
  }
  return out;
}

// group_review says, per group, what its checks do to a sound target that differs from
// Signal in bounds, AEAD, KDF labels or ratchet timing (issue 12): the answer of the
// review every check went through, kept beside the checks it is about.
std::string_view group_review(std::string_view group) {
  static const std::pair<std::string_view, std::string_view> kReview[] = {
      {"AKE",
       "Sound alternatives. AKE checks judge what decrypts and what is refused, never bytes, so another "
       "AEAD, other KDF labels or another key schedule change nothing. AKE-2 tampers the bundle where its "
       "format puts the authenticated parts: the signal-v3 fields in profile signal, the ranges of the "
       "bundle's `layout` otherwise (without a `layout` the suite cannot tell which bytes to flip and says "
       "so); a protocol with no signed prekey fails it, as the requirement intends. AKE-6 accepts both "
       "answers a sound design gives (refuse the second session, or start it without the consumed key). "
       "AKE-7 accepts a late message of a replaced session being read or refused; only a current session "
       "that stops working fails. Sessions are replaced only by a new initiate, which every target has."},
      {"MSG",
       "Sound alternatives. MSG-1 round-trips 0 bytes to 256 KiB whatever the cipher and padding; MSG-2 "
       "compares ciphertexts for equality only; MSG-3 flips every bit, truncates at every length, extends "
       "and splices, which any sound AEAD or encrypt-then-MAC refuses whatever its tag length or layout; "
       "MSG-4 and MSG-5 judge only what decrypts afterwards. No check reads a header, a counter or a MAC "
       "length, so ChaCha20-Poly1305 with other labels (`reference-alt`) passes all five."},
      {"PCS",
       "Sound alternatives. PCS-1..3 count the round trips after a compromise until the attacker's clone "
       "reads nothing more, and compare that count with the baseline's, phase by phase. Where inside a round "
       "trip the target steps its ratchet, how it derives keys and which AEAD it uses do not enter: a "
       "protocol healing in as many round trips as Signal or fewer passes, one that heals later fails (what "
       "the requirement asks). The clone is an exported and imported copy that keeps the original's address "
       "(docs/ptp.md), so a protocol binding addresses into messages is measured fairly. PCS-4 is INFO, and "
       "a lower bound: the clone forges only through the target's own encrypt."},
      {"KEY",
       "Sound alternatives. KEY-1 reads each public key from the signal-v3 formats in profile signal; for "
       "another format it compares whole bundles and first messages, which hold fresh keys and so never "
       "repeat either: another encoding is judged on what it shows. KEY-2 plants small-order and "
       "non-canonical points in the ranges the bundle's `layout` names (32 bytes, or 33 with a type byte); "
       "without a `layout` it is not applicable and listed under Not tested. A refusal passes, and so does a "
       "session whose key the planted point does not make predictable. KEY-3 is INFO and scans an export "
       "for delivered plaintexts, whatever the state's format."},
      {"KAT",
       "Sound alternatives. KAT-1 holds as a MUST only the domain the protocol uses a primitive in (named "
       "in each vector file: for signal-v3, HKDF with a 32-byte salt and up to 80 bytes out, HMAC with a "
       "32-byte key, no SHA-256 alone except for media); every other parameter is a SHOULD `-edge` check "
       "where `unsupported` is listed, not failed, and an `acceptable` vector (an all-zero X25519 result) "
       "passes with either answer. In profile equivalent a primitive answered `unsupported` throughout is "
       "not applicable and listed under Not tested: a protocol with another AEAD is not asked for AES-CBC. "
       "KAT-2 (Signal's own KDFs) is profile signal only. libsignal-protocol-c's HKDF, which never returns "
       "for 8129 to 8160 bytes of output, shows as one vector answered `unsupported` in "
       "`KAT-1.hkdf-sha256-edge` with the adapter's reason (docs/findings.md)."},
      {"SIG",
       "Sound alternatives. SIG checks are Signal's wire format itself and run in profile signal only; a "
       "protocol with its own name runs in profile equivalent, where they are not applicable and nothing "
       "about them is claimed."},
      {"STZ",
       "Sound alternatives. The stanza profile carries the encrypted payload as opaque base64, so STZ "
       "checks do not depend on the protocol inside; the target's own payload must decrypt at the target "
       "(STZ-1), never at the baseline."},
      {"MED",
       "Sound alternatives. Attachments use the gatekeeper's own format (docs/media.md), which the other "
       "side must read, so MED-1 and MED-2 are byte-exact whatever the 1:1 protocol; they run only for "
       "targets that declare `media`. MED-4's sizes (up to 64 MiB through files) are chosen by the suite, "
       "so each request gets time in proportion to its size on top of the request limit."},
      {"FS",
       "Bounds. FS-1..3 deliver only small jumps (FS-3: a refused delivery is not a delivery) and judge "
       "delivered messages only, so a smaller bound changes nothing. FS-4 sizes both streams from the "
       "target's declared `max_skip` (every jump within it; the jump of `max_skip` + 1 it then tries may "
       "be refused, as the bound permits) and from Signal's bounds (`suites/common/bounds.h`): each stream "
       "leaves more undelivered than Signal lets a clone read (one chain: more than 2000; epochs: more "
       "epochs than 5 chains and more messages than one chain), and what a clone reads is compared with "
       "Signal's bounds for that stream, never with what the baseline kept. A target with smaller sound "
       "bounds reads less and passes; one that keeps more than it declares fails where that exceeds "
       "Signal's bounds."},
      {"GRP",
       "Sound alternatives (GRP-1..6). The suite plays the server (suites/grp/group_world.h) and judges only "
       "what each member reads or refuses, never envelope bytes or refusal codes, so MLS (roster "
       "`protocol`: commits and welcomes are control deliveries, `group_roster` is never sent) or Megolm "
       "are held to the same promises as Sender Keys. Rosters are announced only for roster `server`; "
       "bundles are passed, fresh for each add, only with `group_bundles`. GRP-1 reorders one sender's "
       "messages only within min(`group_max_skip`, `group_max_skipped_keys`) as declared (absent: the "
       "baseline's 2000; null: sized as 2000) and gives held messages before each add or remove, since a "
       "message across a rotation or epoch is only a \"may\" (GRP-9); a smaller sound window passes. GRP-2 "
       "expects refusals of modified envelopes whatever their format, and a tampered bundle is tried only "
       "inside the ranges of its `layout`. GRP-3's forged messages are built from the signal-v3 formats "
       "(profile signal with `inject`), else made by `group_forge`, else the check is not applicable and "
       "listed; the key-distribution leg exists only in the formats. GRP-4 accepts a replayed or older "
       "control delivery being refused or accepted, and judges only that nothing is read again and new "
       "messages still are; its stale-distribution leg is signal only. GRP-5 and GRP-6 count messages read "
       "across the removal or join, whatever rotation or epoch change makes them unreadable."},
      {"ORD",
       "Bounds. ORD checks deliver only what the target's declared bounds promise: ORD-1 jumps at most "
       "`max_skip` and expects the newest `max_skipped_keys`, ORD-2.epochs holds a target declaring fewer "
       "receiver chains to its own declaration, ORD-2.skipped-chains keeps each chain's jump within "
       "`max_skip` and `max_skipped_keys` and its chains within `max_receiver_chains`, ORD-3 and ORD-4 "
       "stay within the schedule model's reach. A sound target with smaller bounds passes; one that "
       "breaks its own declaration fails."},
      {"DOS",
       "Bounds. DOS-1.genuine jumps the target's declared `max_skip` + 1, which it must refuse; "
       "DOS-1.forged claims +10^5 and more (profile signal). DOS-2 plays streams that stay within the "
       "target's `max_skip` and exceed Signal's bounds (one chain: twice 2000 skipped; epochs: as FS-4's), "
       "and compares what a clone reads with Signal's bounds for that stream (for the epochs: the larger of "
       "one chain's 2000 and 5 epochs' worth, or, in profile signal, the chains the messages name), never "
       "with what the baseline happened to keep. DOS-3 sends no jump. A sound target with smaller bounds "
       "passes."},
  };
  for (const auto& [g, text] : kReview) {
    if (g == group) return text;
  }
  return {};
}

const GroupProof* proof_of(std::string_view group) {
  for (const GroupProof& p : group_proofs()) {
    if (p.group == group) return &p;
  }
  return nullptr;
}

// group_where is the second table of a group: per requirement, where its checks are
// written, which mutants must fail it, the tests and the page.
std::string group_where(const Registry& registry, std::string_view group) {
  std::ostringstream out;
  out << "\n| Requirement | Checks (where written) | Mutants that must fail it |\n| --- | --- | --- |\n";
  for (const Requirement& r : catalogue()) {
    if (r.group != group) continue;
    std::string checks;
    for (const CheckDef& c : registry.checks()) {
      if (c.requirement != r.id) continue;
      checks += (checks.empty() ? "" : "<br>") + std::string("`") + c.id + "` " + c.file + ":" + std::to_string(c.line);
      if (c.level) checks += " (" + std::string(to_string(*c.level)) + ")";
      for (const std::string& a : c.aliases) checks += " (formerly `" + a + "`)";
    }
    std::string mutants;
    for (const MutantRow& m : mutation_matrix()) {
      if (m.must_fail.count(std::string(r.id)) != 0)
        mutants += (mutants.empty() ? "" : ", ") + std::string("`") + m.mutant + "`";
    }
    out << "| " << r.id << " | " << (checks.empty() ? "none yet" : checks) << " | " << (mutants.empty() ? "-" : mutants)
        << " |\n";
  }
  if (const GroupProof* p = proof_of(group)) {
    out << "\nTests that show these checks fail a target that breaks them:";
    for (std::string_view t : p->tests) out << " `" << t << "`";
    out << ". Explained in `" << p->doc << "`.\n";
  }
  return out.str();
}

}  // namespace

const std::vector<GroupProof>& group_proofs() {
  static const std::vector<GroupProof> kProofs = {
      {"KAT", {"tests/kat/kat_test.cc"}, "docs/reference.md"},
      {"SIG", {"tests/interop/byte_exact_test.cc", "tests/mutants/mutation_matrix_test.cc"}, "docs/reference.md"},
      {"AKE", {"tests/mutants/mutation_matrix_test.cc"}, "docs/mutants.md"},
      {"MSG", {"tests/mutants/mutation_matrix_test.cc"}, "docs/mutants.md"},
      {"FS", {"tests/mutants/mutation_matrix_test.cc"}, "docs/mutants.md"},
      {"PCS", {"tests/mutants/mutation_matrix_test.cc"}, "docs/mutants.md"},
      {"ORD", {"tests/mutants/mutation_matrix_test.cc"}, "docs/mutants.md"},
      {"DOS", {"tests/mutants/mutation_matrix_test.cc"}, "docs/mutants.md"},
      {"KEY", {"tests/mutants/mutation_matrix_test.cc"}, "docs/mutants.md"},
      {"STZ", {"tests/stanza/corpus_test.cc"}, "docs/stanza.md"},
      {"MED", {"tests/suites/med_test.cc"}, "docs/media.md"},
      {"GRP",
       {"tests/mutants/mutation_matrix_test.cc", "tests/suites/grp_test.cc", "tests/suites/grp_attacks_test.cc"},
       "docs/mutants.md"},
  };
  return kProofs;
}

std::string catalogue_lines() {
  std::ostringstream out;
  for (const Requirement& r : catalogue()) {
    out << pad(r.id, 7) << pad(to_string(r.level), 8) << pad(r.group, 5) << r.title << "\n";
  }
  return out.str();
}

std::string catalogue_markdown(const Registry& registry) {
  std::ostringstream out;
  out << "# Requirement catalogue\n\n"
      << "Generated by `parity list --markdown` from harness/catalogue.cc; do not edit by hand\n"
      << "(a test compares this file with the generator's output). The statements are\n"
      << "summaries: the authoritative text is the catalogue section of the specification.\n\n"
      << "Levels: `MUST` (a failure makes the target not equivalent), `SHOULD` (shown as a\n"
      << "deviation; fails the run only with `--strict`), `INFO` (a measurement; never fails).\n"
      << "Profile `signal` holds a target to every group; profile `equivalent` to every group\n"
      << "but the requirements marked *signal only*.\n\n"
      << "Capabilities each profile requires: `signal`: export, import, inject, primitives;\n"
      << "`equivalent`: export, import. A check needing a required capability the target lacks\n"
      << "is `not-tested` (a failure of its level); one needing an optional capability it lacks\n"
      << "is `not-applicable`.\n";
  for (const Group& g : groups()) {
    out << "\n## " << g.id << " — " << g.title << "\n\n";
    if (std::string_view b = group_review(g.id); !b.empty()) out << b << "\n\n";
    out << "| ID | Level | Profile | Title | Statement |\n";
    out << "| --- | --- | --- | --- | --- |\n";
    for (const Requirement& r : catalogue()) {
      if (r.group != g.id) continue;
      out << "| " << r.id << " | " << to_string(r.level) << " | " << (r.signal_only ? "signal only" : "all") << " | "
          << md_escape(r.title) << " | " << md_escape(r.text) << " |\n";
    }
    out << group_where(registry, g.id);
  }
  return out.str();
}

std::string check_lines(const Registry& registry) {
  std::vector<const CheckDef*> sorted;
  for (const CheckDef& c : registry.checks()) sorted.push_back(&c);
  std::sort(sorted.begin(), sorted.end(), [](const CheckDef* a, const CheckDef* b) { return a->id < b->id; });
  std::ostringstream out;
  for (const CheckDef* c : sorted) {
    std::string needs;
    for (const std::string& n : c->capability_names()) needs += (needs.empty() ? "" : ",") + n;
    if (c->needs_baseline()) needs += std::string(needs.empty() ? "" : ",") + "baseline";
    out << pad(c->id, 24) << pad(c->requirement, 7) << pad(needs.empty() ? "-" : needs, 24) << c->description << "\n";
  }
  return out.str();
}

}  // namespace parity::harness
