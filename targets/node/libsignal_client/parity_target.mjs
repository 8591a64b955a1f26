#!/usr/bin/env node
// parity_target.mjs: the built-in target `libsignal-client`: PTP/1 over the official Rust
// libsignal through its Node binding, @signalapp/libsignal-client 0.103.0.
//
// The library is used as Signal's apps use it: the adapter supplies the stores
// (stores.mjs), a wire form for prekey bundles (bundle.mjs) and, for groups, the rules an
// application applies around Sender Keys (groups.mjs). Everything cryptographic is the
// library's: PQXDH session setup (processPreKeyBundle, X25519 + ML-KEM-1024 prekeys), the
// Double Ratchet with the SPQR post-quantum ratchet alongside it (message version 4), and
// Sender Keys. The library draws its own randomness, so the target declares neither
// `deterministic` nor `inject`, and it exposes no primitives (no KATs).

import { randomInt } from 'node:crypto';
import { serve, refuse, name, hex, string, toHex, requirePackage } from '../ptp.mjs';

const S = await requirePackage('@signalapp/libsignal-client');
const { newParty, snapshot, storesOf, identityKeyPair, checkParty, DEVICE_ID } = await import('./stores.mjs');
const { encodeBundle, decodeBundle } = await import('./bundle.mjs');
const { toPtp } = await import('./errors.mjs');
const { groupHandlers, checkGroups, GROUP_LIMITS } = await import('./groups.mjs');

const VERSION = '0.103.0';

// Bounds, the library's own constants (signalapp/libsignal, rust/protocol/src/consts.rs,
// `pub mod limits`): MAX_FORWARD_JUMPS = 25_000 (session_cipher.rs refuses a counter jump
// beyond it), MAX_MESSAGE_KEYS = 2000 (skipped message keys kept per receiving chain),
// MAX_RECEIVER_CHAINS = 5 (receiving chains kept per session state).
// The SPQR ratchet that runs alongside (signalapp/SparsePostQuantumRatchet, src/chain.rs)
// has its own MAX_JUMP = 25_000, counted from the last key it returned rather than from the
// next expected one, and its index runs across Double Ratchet chains within an SPQR epoch:
// the library as a whole reads a message at most 24999 ahead of the next expected counter.
// The declaration stays the library's constant; ORD-1.at-bound shows the difference.
const LIMITS = { max_skip: 25000, max_skipped_keys: 2000, max_receiver_chains: 5, ...GROUP_LIMITS };

const HELLO = {
  ptp: 1,
  implementation: 'libsignal-client',
  version: VERSION,
  protocol: 'custom:libsignal-v4',
  capabilities: ['export', 'import', 'group', 'group_update', 'group_forge'],
  limits: LIMITS,
  group_roster: 'server',
  // `notes` is for people reading the transcript; `post_quantum` (PTP 1.3, clarified) is
  // shown in the report beside the baseline's none.
  notes: 'Signal Protocol as the Rust libsignal 0.103.0 speaks it: PQXDH setup (X25519 + ML-KEM-1024 '
    + 'Kyber prekey in every bundle, KEM ciphertext in every PreKeySignalMessage), Double Ratchet with '
    + 'the SPQR post-quantum ratchet (message version 4, byte 0x44), Sender Keys (version 3) for groups',
  post_quantum: { setup: 'PQXDH (ML-KEM-1024)', ratchet: 'SPQR (triple ratchet, message version 4)' },
};

const parties = new Map();

function partyOf(req, key = 'party') {
  const n = name(req, key);
  const p = parties.get(n);
  if (p === undefined) refuse('bad_request', `unknown party ${n}`);
  return p;
}

const address = (n) => S.ProtocolAddress.new(n, DEVICE_ID);

/**
 * Runs `fn` on `party`; if it throws, the party is put back exactly as it was (the library
 * may have saved records before it failed) and the error becomes a PTP refusal.
 */
async function atomic(party, fn, stage) {
  const before = snapshot(party);
  try {
    return await fn();
  } catch (e) {
    for (const k of Object.keys(party)) delete party[k];
    Object.assign(party, before);
    throw toPtp(e, stage);
  }
}

// ---- 1:1 ----

async function encryptPairwise(party, peer, plaintext) {
  const st = storesOf(party);
  const msg = await S.signalEncrypt(new Uint8Array(plaintext), address(peer), address(party.address),
    st.sessions, st.identities);
  const type = msg.type();
  const kind = type === S.CiphertextMessageType.PreKey ? 'prekey' : 'message';
  return { ciphertext: Buffer.from(msg.serialize()), kind };
}

async function decryptPairwise(party, peer, data, kind) {
  const st = storesOf(party);
  let parsed;
  try {
    parsed = kind === 'prekey' ? S.PreKeySignalMessage.deserialize(new Uint8Array(data))
      : S.SignalMessage.deserialize(new Uint8Array(data));
  } catch (e) {
    refuse('invalid_message', `not a ${kind} message: ${e.message}`);
  }
  if (kind === 'prekey') {
    return Buffer.from(await S.signalDecryptPreKey(parsed, address(peer), address(party.address),
      st.sessions, st.identities, st.prekeys, st.signed, st.kyber));
  }
  if (party.sessions[peer] === undefined) refuse('no_session', `no session with ${peer}`);
  return Buffer.from(await S.signalDecrypt(parsed, address(peer), address(party.address),
    st.sessions, st.identities));
}

const handlers = {
  reset(req) {
    hex(req, 'seed', { optional: true, length: 32 }); // accepted; the library's randomness is its own
    parties.clear();
  },

  create(req) {
    const n = name(req, 'party');
    if (parties.has(n)) refuse('bad_request', `party ${n} exists`);
    // A registration id as Signal makes one (14 bits, never 0).
    const party = newParty(n, randomInt(1, 16381));
    parties.set(n, party);
    return { identity: toHex(identityKeyPair(party).publicKey.serialize()) };
  },

  async bundle(req) {
    const party = partyOf(req);
    return atomic(party, async () => {
      const id = identityKeyPair(party);
      const now = Date.now();
      // One signed prekey, made with the first bundle and kept (Signal rotates it on a timer).
      if (party.current_signed === null) {
        const priv = S.PrivateKey.generate();
        const pub = priv.getPublicKey();
        const rec = S.SignedPreKeyRecord.new(1, now, pub, priv, id.privateKey.sign(pub.serialize()));
        await storesOf(party).signed.saveSignedPreKey(1, rec);
        party.current_signed = 1;
      }
      const st = storesOf(party);
      const signed = await st.signed.getSignedPreKey(party.current_signed);
      const prekeyId = party.next_prekey_id;
      const opk = S.PrivateKey.generate();
      await st.prekeys.savePreKey(prekeyId, S.PreKeyRecord.new(prekeyId, opk.getPublicKey(), opk));
      const kyberId = party.next_kyber_id;
      const kem = S.KEMKeyPair.generate();
      const kemSig = id.privateKey.sign(kem.getPublicKey().serialize());
      await st.kyber.saveKyberPreKey(kyberId, S.KyberPreKeyRecord.new(kyberId, now, kem, kemSig));
      party.next_prekey_id = (prekeyId % 0xffffff) + 1; // Signal's prekey ids are 24-bit
      party.next_kyber_id = (kyberId % 0xffffff) + 1;
      const { bundle, layout } = encodeBundle({
        registrationId: party.registration_id, deviceId: DEVICE_ID, identity: id.publicKey.serialize(),
        signedId: party.current_signed, signedPublic: signed.publicKey().serialize(), signedSignature: signed.signature(),
        prekeyId, prekeyPublic: opk.getPublicKey().serialize(),
        kyberId, kyberPublic: kem.getPublicKey().serialize(), kyberSignature: kemSig,
      });
      return { bundle: toHex(bundle), layout };
    });
  },

  async initiate(req) {
    const party = partyOf(req);
    const peer = name(req, 'peer');
    const data = hex(req, 'bundle');
    const { bundle } = decodeBundle(data);
    await atomic(party, async () => {
      const st = storesOf(party);
      await S.processPreKeyBundle(bundle, address(peer), address(party.address), st.sessions, st.identities);
    }, 'bundle');
  },

  async encrypt(req) {
    const party = partyOf(req);
    const peer = name(req, 'peer');
    const plaintext = hex(req, 'plaintext');
    if (party.sessions[peer] === undefined) refuse('no_session', `no session with ${peer}`);
    const { ciphertext, kind } = await atomic(party, () => encryptPairwise(party, peer, plaintext));
    return { ciphertext: toHex(ciphertext), kind };
  },

  async decrypt(req) {
    const party = partyOf(req);
    const peer = name(req, 'peer');
    const data = hex(req, 'ciphertext');
    const kind = string(req, 'kind', { choices: ['prekey', 'message'] });
    const plaintext = await atomic(party, () => decryptPairwise(party, peer, data, kind));
    return { plaintext: toHex(plaintext) };
  },

  export(req) {
    return { state: Buffer.from(JSON.stringify(partyOf(req))).toString('hex') };
  },

  import(req) {
    const n = name(req, 'party');
    if (parties.has(n)) refuse('bad_request', `party ${n} exists`);
    const state = hex(req, 'state');
    let party;
    try {
      party = JSON.parse(state.toString('utf8'));
      checkParty(party);
      checkGroups(party.groups);
    } catch (e) {
      refuse('bad_request', `state is not an exported party: ${e.message}`);
    }
    // The clone keeps `address`, the original's name: peers see the same device.
    parties.set(n, party);
  },

  ...groupHandlers({ S, partyOf, atomic, address, encryptPairwise, decryptPairwise }),
};

await serve(HELLO, handlers);
