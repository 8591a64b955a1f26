// parity-target-libsignal: libsignal-protocol-c 2.3.3 speaking PTP/1 on stdin/stdout.
#include <cstring>
#include <iostream>

#include "targets/libsignal/target/libsignal_adapter.h"

namespace {

// kHelp is the --help text; it says where each answer comes from, since a conformance
// report is only as good as knowing which code produced it.
constexpr const char* kHelp =
    "usage: parity-target-libsignal\n"
    "Speaks PTP/1 (JSON lines) on stdin/stdout; see docs/ptp.md.\n"
    "\n"
    "Parties are libsignal-protocol-c 2.3.3 devices (parity_libsignal) with in-memory\n"
    "stores and an OpenSSL 3 crypto provider. Protocol signal-v3.\n"
    "Capabilities: export, import, deterministic, inject, primitives, group, group_update.\n"
    "Limits (compiled into libsignal-protocol-c): max_skip 2000, max_skipped_keys 2000,\n"
    "max_receiver_chains 5; group_max_skip 2000 (group_cipher.c), group_max_skipped_keys\n"
    "2000 (sender_key_state.c MAX_MESSAGE_KEYS), group_max_sender_states 5\n"
    "(sender_key_record.c MAX_STATES).\n"
    "\n"
    "Groups (PTP 1.3, group_roster \"server\"): Sender Keys by libsignal's group_session_builder\n"
    "and group_cipher, with WhatsApp's rules: the key goes to each member not yet sent it\n"
    "inside the pairwise session (kind byte 0x01/0x02 || Signal message of protobuf\n"
    "{1 groupId, 2 SenderKeyDistributionMessage}); a removal announced by the roster makes\n"
    "the others forget the removed member's key and rotate their own before the next send.\n"
    "A distribution message is processed as libsignal processes it (a state is added),\n"
    "even an old one of a key already held.\n"
    "\n"
    "deterministic: after `reset` with a seed every party draws from one SeededRng.\n"
    "inject: libsignal makes every key pair itself from the random callback, so injected\n"
    "private keys are served through that callback (see libsignal_device.h).\n"
    "\n"
    "primitive: answered by libsignal-protocol-c's own code where it has some:\n"
    "  x25519 (curve_calculate_agreement), x25519_public (curve_generate_public_key);\n"
    "  libsignal's curve25519_donna does not clamp (curve_generate_private_key does, for\n"
    "  every key the library makes), so the private key is clamped before the call;\n"
    "  xeddsa_verify (curve_verify_signature), hkdf_sha256 (hkdf_derive_secrets),\n"
    "  kdf_rk (hkdf_derive_secrets, \"WhisperRatchet\"), kdf_ck (ratchet_chain_key_create_next;\n"
    "  the seed is HMAC-SHA256(chain, 0x01) through the crypto provider, as libsignal has\n"
    "  no call returning it), message_keys (hkdf_derive_secrets, \"WhisperMessageKeys\"),\n"
    "  sender_key_step (sender_chain_key_create_message_key / _create_next,\n"
    "  sender_message_key_get_iv / _get_cipher_key).\n"
    "  libsignal-protocol-c has no code of its own for hmac_sha256, sha512 and\n"
    "  aes256_cbc_*: it calls the application's crypto provider, and these primitives are\n"
    "  answered by that same provider (OpenSSL 3). sha256 and aes256_gcm_* are not in the\n"
    "  provider interface at all; they are answered by parity's reference OpenSSL code.\n"
    "  hkdf_sha256 lengths 8129..8160 are answered `unsupported`: libsignal's HKDF counts\n"
    "  blocks in a uint8_t and never terminates for 255 blocks.\n";

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::cout << kHelp;
      return 0;
    }
    std::cerr << "parity-target-libsignal: unknown argument " << argv[i] << "\n";
    return 2;
  }
  std::ios::sync_with_stdio(false);
  parity::ptp::LibsignalAdapter adapter;
  return parity::ptp::serve(adapter, std::cin, std::cout);
}
