// parity-target-olm: libolm speaking PTP/1 on stdin/stdout.
#include <cstring>
#include <iostream>
#include <string>

#include "targets/olm/target/olm_adapter.h"

namespace {

// help is the --help text, with what the target can and cannot do and why.
std::string help() {
  return "usage: parity-target-olm\n"
         "Speaks PTP/1 (JSON lines) on stdin/stdout; see docs/ptp.md.\n"
         "\n"
         "Parties are libolm " +
         parity::ptp::olm_library_version() +
         " accounts and sessions (parity_olm). Protocol olm-v1.\n"
         "Capabilities: export, import, deterministic, group, group_update.\n"
         "Limits (compiled into libolm, include/olm/ratchet.hh and src/ratchet.cpp):\n"
         "  max_skip 2000 (MAX_MESSAGE_GAP), max_skipped_keys 40 (MAX_SKIPPED_MESSAGE_KEYS,\n"
         "  one list per session shared by its chains), max_receiver_chains 5\n"
         "  (MAX_RECEIVER_CHAINS).\n"
         "\n"
         "identity: curve25519 key || ed25519 key (64 bytes), as in the bundle.\n"
         "bundle: 161 bytes (version, identity keys, one fresh one-time key, ed25519\n"
         "  signature over a label, the curve25519 identity and the one-time key); layout\n"
         "  names identity, signed_prekey (= the signed one-time key; olm has no signed\n"
         "  prekeys), onetime_prekey and signature.\n"
         "deterministic: after `reset` with a seed every random byte handed to libolm comes\n"
         "  from one SeededRng.\n"
         "not inject: libolm generates every key pair from random bytes it is given (and\n"
         "  expands ed25519 keys from them); its API offers no way to install a chosen\n"
         "  private key, so the *_private and *_id fields are answered `unsupported`.\n"
         "not primitives: libolm's C API exports no X25519, HKDF or ratchet functions.\n"
         "\n"
         "group (PTP 1.3, roster server): libolm's Megolm. A room key (Matrix m.room_key:\n"
         "  group, sender, recipient, the session sharing format) goes over the pairwise Olm\n"
         "  session with the sender's first send to each member; control envelope 0x4b ||\n"
         "  olm type (0 prekey, 1 message) || Olm message; application envelope 0x4d ||\n"
         "  session id (Ed25519 key) || Megolm message. A removal forgets the removed\n"
         "  member's sessions and rotates the sender's session before its next send;\n"
         "  group_update rotates too. Replays refused per (session, index), as Matrix\n"
         "  clients do, in memory only (not exported, as in Matrix clients).\n"
         "  Limits: group_max_skip, group_max_skipped_keys, group_max_sender_states null\n"
         "  (Megolm advances any distance in at most 1020 hashes and reads any index from\n"
         "  the first known one; every session of a member is kept). group_reads_own: a\n"
         "  sender keeps its own sessions, as Matrix clients do. No group_forge.\n";
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::cout << help();
      return 0;
    }
    std::cerr << "parity-target-olm: unknown argument " << argv[i] << "\n";
    return 2;
  }
  std::ios::sync_with_stdio(false);
  parity::ptp::OlmAdapter adapter;
  return parity::ptp::serve(adapter, std::cin, std::cout);
}
