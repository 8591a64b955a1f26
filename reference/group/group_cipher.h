// group_cipher.h: Sender Keys encryption and decryption (libsignal-protocol-c
// group_cipher) over one sender's record. Every failing operation leaves the record as
// it was.
#pragma once

#include "reference/crypto/random.h"
#include "reference/group/group_hooks.h"
#include "reference/group/sender_key_record.h"

#include "base/bytes.h"

namespace parity::group {

// group_encrypt encrypts with the record's current state (which must hold the signing
// private key): AES-256-CBC/PKCS#7 under the chain's message key, a SenderKeyMessage
// signed with XEdDSA, then the chain steps. Empty record: no_session.
Result<Bytes> group_encrypt(SenderKeyRecord& record, ByteView plaintext, Rng& rng);

// group_decrypt reads a SenderKeyMessage: the state of its key id (no_session if none),
// the signature (bad_signature) before any change, then the message key: a kept skipped
// key, duplicate_message behind the chain without one, limit_exceeded for a jump past
// hooks.max_skip; skipped keys are kept (oldest evicted past hooks.max_skipped_keys) only
// once the ciphertext has decrypted.
Result<Bytes> group_decrypt(SenderKeyRecord& record, ByteView envelope, const GroupHooks& hooks = {});

}  // namespace parity::group
