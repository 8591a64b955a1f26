// envelope.mjs: the 1:1 envelope of the MLS target (the adapter's own format; MLS has none).
//
// A 1:1 session is a two-member MLS group. What one core `encrypt` produces is
//
//   0x01 (version) ‖ flags ‖ [u32 len ‖ Welcome MLSMessage] ‖ [u32 len ‖ commit MLSMessage]
//        ‖ application MLSMessage (PrivateMessage, to the end)
//
// flags bit 0: a Welcome rides along (the initiator's messages until the peer has answered;
// PTP kind `prekey`); bit 1: a commit rides along (the sender's latest commit until the
// peer has answered from its epoch). Other bits must be zero. Lengths are big-endian.
//
// The application message's MLS authenticated_data is SHA-256(label ‖ header), header being
// every byte before the application message, so the riding Welcome and commit are bound to
// a message that MLS authenticates (AEAD + the sender's signature): a receiver that has
// already used them and would skip them still refuses a tampered copy.

import { createHash } from 'node:crypto';

export const VERSION = 0x01;
const WELCOME = 0x01;
const COMMIT = 0x02;
const LABEL = Buffer.from('parity mls 1:1 envelope v1');

function u32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** The header for the riding parts (Uint8Array or null each). */
export function encodeHeader(welcome, commit) {
  const parts = [Buffer.from([VERSION, (welcome ? WELCOME : 0) | (commit ? COMMIT : 0)])];
  if (welcome) parts.push(u32(welcome.length), Buffer.from(welcome));
  if (commit) parts.push(u32(commit.length), Buffer.from(commit));
  return Buffer.concat(parts);
}

export const headerDigest = (header) => new Uint8Array(createHash('sha256').update(LABEL).update(header).digest());

/** Splits an envelope; undefined when it is malformed. */
export function decodeEnvelope(bytes) {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 2 || b[0] !== VERSION || (b[1] & ~(WELCOME | COMMIT)) !== 0) return undefined;
  let o = 2;
  const take = () => {
    if (o + 4 > b.length) return undefined;
    const n = b.readUInt32BE(o);
    if (n === 0 || o + 4 + n > b.length) return undefined;
    const part = new Uint8Array(b.subarray(o + 4, o + 4 + n));
    o += 4 + n;
    return part;
  };
  let welcome = null;
  let commit = null;
  if (b[1] & WELCOME) if ((welcome = take()) === undefined) return undefined;
  if (b[1] & COMMIT) if ((commit = take()) === undefined) return undefined;
  if (o >= b.length) return undefined;
  return { header: b.subarray(0, o), welcome, commit, application: new Uint8Array(b.subarray(o)) };
}
