// bundle.mjs: this target's byte encoding of a PQXDH prekey bundle.
//
// libsignal has a PreKeyBundle object but no wire form for it (Signal's server hands the
// fields out as JSON), so the encoding is this target's own. All integers big-endian:
//
//   offset  size  field                                  layout name
//     0       4   magic "LSC1"
//     4       4   registration id
//     8       4   device id
//    12      33   identity key (0x05 || X25519)          identity
//    45       4   signed prekey id
//    49      33   signed prekey public (0x05 || X25519)  signed_prekey
//    82      64   signed prekey signature (XEdDSA)       signature
//   146       4   one-time prekey id
//   150      33   one-time prekey public (0x05 || X25519)
//   183       4   Kyber prekey id
//   187       2   K = length of the Kyber public key
//   189       K   Kyber prekey public (type byte || ML-KEM-1024 key)   kyber_prekey
//   189+K    64   Kyber prekey signature (XEdDSA)        kyber_signature
//
// `layout` names only bytes the library authenticates: the identity (its key signs both
// prekeys), both signed public keys and both signatures. The one-time prekey, the ids and
// the registration id are not signed by the protocol (as in X3DH), so they are left out: a
// tampered one-time prekey or id makes a session the responder cannot complete, which the
// bundle's signatures cannot catch.

import { KEMPublicKey, PreKeyBundle, PublicKey } from '@signalapp/libsignal-client';
import { PtpError } from '../ptp.mjs';

const MAGIC = Buffer.from('LSC1');
const KEY = 33;
const SIG = 64;

export function encodeBundle(f) {
  const kyber = Buffer.from(f.kyberPublic);
  const out = Buffer.alloc(189 + kyber.length + SIG);
  MAGIC.copy(out, 0);
  out.writeUInt32BE(f.registrationId, 4);
  out.writeUInt32BE(f.deviceId, 8);
  Buffer.from(f.identity).copy(out, 12);
  out.writeUInt32BE(f.signedId, 45);
  Buffer.from(f.signedPublic).copy(out, 49);
  Buffer.from(f.signedSignature).copy(out, 82);
  out.writeUInt32BE(f.prekeyId, 146);
  Buffer.from(f.prekeyPublic).copy(out, 150);
  out.writeUInt32BE(f.kyberId, 183);
  out.writeUInt16BE(kyber.length, 187);
  kyber.copy(out, 189);
  Buffer.from(f.kyberSignature).copy(out, 189 + kyber.length);
  const k = kyber.length;
  const layout = {
    identity: [12, 45], signed_prekey: [49, 82], signature: [82, 146],
    kyber_prekey: [189, 189 + k], kyber_signature: [189 + k, 189 + k + SIG],
  };
  return { bundle: out, layout };
}

/** Parses a bundle into the library's PreKeyBundle; anything malformed is invalid_bundle. */
export function decodeBundle(data) {
  const b = Buffer.from(data);
  const bad = (why) => { throw new PtpError('invalid_bundle', `bundle: ${why}`); };
  if (b.length < 189 || !b.subarray(0, 4).equals(MAGIC)) bad('not an LSC1 bundle');
  const k = b.readUInt16BE(187);
  if (b.length !== 189 + k + SIG) bad(`length ${b.length}, expected ${189 + k + SIG}`);
  const key = (start, what) => {
    try {
      return PublicKey.deserialize(new Uint8Array(b.subarray(start, start + KEY)));
    } catch (e) {
      return bad(`${what}: ${e.message}`);
    }
  };
  let kyber;
  try {
    kyber = KEMPublicKey.deserialize(new Uint8Array(b.subarray(189, 189 + k)));
  } catch (e) {
    bad(`Kyber prekey: ${e.message}`);
  }
  return {
    deviceId: b.readUInt32BE(8),
    identity: key(12, 'identity'),
    bundle: PreKeyBundle.new(
      b.readUInt32BE(4), b.readUInt32BE(8),
      b.readUInt32BE(146), key(150, 'one-time prekey'),
      b.readUInt32BE(45), key(49, 'signed prekey'), new Uint8Array(b.subarray(82, 82 + SIG)),
      key(12, 'identity'),
      b.readUInt32BE(183), kyber, new Uint8Array(b.subarray(189 + k, 189 + k + SIG)),
    ),
  };
}
