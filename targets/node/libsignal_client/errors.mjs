// errors.mjs: libsignal's errors as PTP refusal codes.
//
// The Node binding gives a few errors their own ErrorCode (DuplicatedMessage,
// UntrustedIdentity, InvalidSession, InvalidSenderKeySession); every other
// SignalProtocolError arrives as ErrorCode.Generic with the Rust error's Display text, so
// those are told apart by that text (rust/protocol/src/error.rs).

import { ErrorCode, LibSignalErrorBase } from '@signalapp/libsignal-client';
import { PtpError } from '../ptp.mjs';

// Generic errors, by the Display text of the SignalProtocolError variant (first match wins).
const BY_TEXT = [
  // MAX_FORWARD_JUMPS exceeded (InvalidMessage "message from too far into the future")
  [/too far into the future/i, 'limit_exceeded'],
  [/session with .* not found|no session/i, 'no_session'],
  [/no sender key state/i, 'no_session'],
  [/untrusted identity/i, 'untrusted_identity'],
  [/duplicate/i, 'duplicate_message'],
  [/signature validation failed|invalid signature/i, 'invalid_message'],
  [/invalid (?:signed |kyber )?prekey id|no (?:one-time |signed |Kyber )prekey/i, 'invalid_message'],
  [/invalid message|invalid protobuf|unrecognized|unknown .*message|bad key type|bad kem|invalid mac|ciphertext|legacy|invalid key|too short|version|decrypt/i, 'invalid_message'],
];

/**
 * Maps an exception thrown by the library during `stage` to a PtpError.
 * `stage` 'bundle' turns message-ish failures into invalid_bundle (processPreKeyBundle).
 */
export function toPtp(e, stage) {
  if (e instanceof PtpError) return e;
  const text = e && e.message ? e.message : String(e);
  if (!(e instanceof LibSignalErrorBase)) {
    // The library wraps what a store threw; a missing prekey arrives this way.
    return new PtpError('internal', `${e && e.name ? e.name : 'Error'}: ${text}`);
  }
  let code;
  switch (e.code) {
    case ErrorCode.DuplicatedMessage: code = 'duplicate_message'; break;
    case ErrorCode.UntrustedIdentity: code = 'untrusted_identity'; break;
    case ErrorCode.InvalidSession: code = 'no_session'; break;
    case ErrorCode.InvalidSenderKeySession: code = 'no_session'; break;
    default: code = (BY_TEXT.find(([re]) => re.test(text)) || [null, 'internal'])[1];
  }
  if (stage === 'bundle' && (code === 'invalid_message' || code === 'internal')) code = 'invalid_bundle';
  return new PtpError(code, `${e.name}: ${text}`);
}
