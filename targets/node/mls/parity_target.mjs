#!/usr/bin/env node
// parity_target.mjs: Parity's built-in `mls` / `mls-no-policy` target: MLS (RFC 9420) as
// ts-mls 1.6.4 implements it, cipher suite MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519.
//
//   node parity_target.mjs [--commit-policy heal|none]
//
// Groups (PTP 1.3, groups.mjs) are MLS groups. A 1:1 session (core ops) is a two-member MLS
// group made by `initiate` from the peer's KeyPackage (`bundle`); envelope.mjs carries the
// Welcome and the latest commit on messages until the peer answers.
//
// Commit policy (hello `commit_policy`). "heal" (default): epochs alternate ownership, the
// initiator's being the even ones and the responder's the odd ones; a member whose current
// epoch is its own makes an empty commit with a path update (fresh leaf key) before its
// send. A member reaches its own epoch only by processing the peer's commit, so this is
// "the first send after receiving the peer's key change", as the double ratchet does, and
// two commits for one epoch (a fork) cannot happen, whatever crosses on the wire.
// "none": no commit after setup; the session stays in epoch 1 and only the secret tree's
// hash ratchets move (forward secrecy per message, no healing).
//
// Party: one Ed25519 signature key pair (its `identity`), a basic credential holding its
// PTP name (kept by clones), unused KeyPackages with their private keys, group states and
// 1:1 sessions. `export` is JSON; ts-mls states inside it use ts-mls's own GroupState codec.

for (const f of ['log', 'info', 'debug', 'warn']) console[f] = (...a) => console.error(...a);

const args = process.argv.slice(2);
let policy = 'heal';
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--commit-policy' && (args[i + 1] === 'heal' || args[i + 1] === 'none')) policy = args[++i];
  else {
    process.stderr.write('usage: parity_target.mjs [--commit-policy heal|none]\n');
    process.exit(2);
  }
}

const { serve, refuse, PtpError, name, hex, string, toHex } = await import('../ptp.mjs');
const M = await import('./mls.mjs');
const E = await import('./envelope.mjs');
const { groupHandlers } = await import('./groups.mjs');

const VERSION = '1.6.4';
const OLD_SESSIONS = 4; // earlier 1:1 sessions per peer kept to read messages in flight

const HELLO = {
  ptp: 1,
  implementation: 'ts-mls',
  version: `${VERSION} (${M.SUITE_NAME})`,
  protocol: 'custom:mls-rfc9420',
  capabilities: ['export', 'import', 'group', 'group_update', 'group_forge'],
  limits: { ...M.limits(policy) },
  group_roster: 'protocol',
  group_bundles: true,
  commit_policy: policy === 'heal'
    ? 'heal: before its send, a member whose turn it is (the epoch it reached by processing the peer\'s commit; initiator even epochs, responder odd) makes an empty commit with a path update; commits ride on messages until answered'
    : 'none: no commit after the initial Add; epoch 1 for the whole session, so no healing',
  notes: `MLS RFC 9420 over ts-mls ${VERSION}, ${M.SUITE_NAME}; limits from ts-mls defaultKeyRetentionConfig (keyRetentionConfig.js: maximumForwardRatchetSteps 200, retainKeysForGenerations 10, retainKeysForEpochs 4); max_receiver_chains counts the peer's chains among the kept epochs`,
};

const parties = new Map();

function party(req, key = 'party') {
  const n = name(req, key);
  const p = parties.get(n);
  if (!p) refuse('bad_request', `unknown party ${n}`);
  return p;
}

const newParty = (n, sig) => ({ name: n, sig, kps: new Map(), usedKps: new Set(), groups: new Map(), sessions: new Map() });

// ---- 1:1 sessions ----
const mine = (sess, state) => (Number(state.groupContext.epoch) % 2 === 0) === sess.initiator;

function findSession(p, peer, gid) {
  const entry = p.sessions.get(peer);
  if (!entry) return undefined;
  if (entry.current && entry.current.gid === gid) return { where: 'current', sess: entry.current };
  const i = entry.old.findIndex((s) => s.gid === gid);
  return i >= 0 ? { where: i, sess: entry.old[i] } : undefined;
}

function storeSession(p, peer, where, sess) {
  const entry = p.sessions.get(peer) ?? { current: null, old: [] };
  if (where === 'new') {
    const old = entry.current ? [entry.current, ...entry.old] : entry.old.slice();
    p.sessions.set(peer, { current: sess, old: old.slice(0, OLD_SESSIONS) });
  } else if (where === 'current') {
    p.sessions.set(peer, { current: sess, old: entry.old });
  } else {
    const old = entry.old.slice();
    old[where] = sess;
    p.sessions.set(peer, { current: entry.current, old });
  }
}

const handlers = {
  async reset() {
    parties.clear();
    return {};
  },

  async create(req) {
    const n = name(req, 'party');
    if (parties.has(n)) refuse('bad_request', `party ${n} exists`);
    const sig = await M.newSignatureKeys();
    parties.set(n, newParty(n, sig));
    return { identity: toHex(sig.publicKey) };
  },

  async bundle(req) {
    const p = party(req);
    const kp = await M.newKeyPackage(p.name, p.sig);
    const bytes = M.encodeKeyPackage(kp.publicPackage);
    p.kps.set(await M.keyPackageRef(kp.publicPackage), { pub: kp.publicPackage, priv: kp.privatePackage });
    return { bundle: toHex(bytes), layout: M.keyPackageLayout(kp.publicPackage, bytes.length) };
  },

  async initiate(req) {
    const p = party(req);
    const peer = name(req, 'peer');
    const bundle = hex(req, 'bundle');
    const kp = await M.decodeBundle(bundle, peer, refuse);
    const own = await M.newKeyPackage(p.name, p.sig);
    const gid = M.impl.rng.randomBytes(16);
    let state = await M.clientState.createGroup(gid, own.publicPackage, own.privatePackage, [], M.impl, M.clientConfig);
    let r;
    try {
      r = await M.createCommitMod.createCommit({ state, cipherSuite: M.impl },
        { extraProposals: [{ proposalType: 'add', add: { keyPackage: kp } }], ratchetTreeExtension: true });
    } catch (e) {
      refuse('invalid_bundle', `ts-mls refused the KeyPackage: ${e.message}`);
    }
    state = r.newState;
    const welcome = M.encodeMessage({ welcome: r.welcome, wireformat: 'mls_welcome', version: 'mls10' });
    storeSession(p, peer, 'new', { gid: toHex(gid), initiator: true, state, welcome, commit: null });
    return {};
  },

  async encrypt(req) {
    const p = party(req);
    const peer = name(req, 'peer');
    const plaintext = hex(req, 'plaintext');
    const sess = p.sessions.get(peer)?.current;
    if (!sess) refuse('no_session', `no session with ${peer}`);
    let state = sess.state;
    let commit = sess.commit;
    if (policy === 'heal' && mine(sess, state)) {
      const r = await M.createCommitMod.createCommit({ state, cipherSuite: M.impl }, {});
      state = r.newState;
      commit = { bytes: M.encodeMessage(r.commit), epoch: Number(state.groupContext.epoch) };
    }
    const header = E.encodeHeader(sess.welcome, commit && commit.bytes);
    const r = await M.createMessage.createApplicationMessage(state, plaintext, M.impl, E.headerDigest(header));
    const app = M.encodeMessage({ privateMessage: r.privateMessage, wireformat: 'mls_private_message', version: 'mls10' });
    storeSession(p, peer, 'current', { ...sess, state: r.newState, commit });
    return { ciphertext: toHex(Buffer.concat([header, app])), kind: sess.welcome ? 'prekey' : 'message' };
  },

  async decrypt(req) {
    const p = party(req);
    const peer = name(req, 'peer');
    const ciphertext = hex(req, 'ciphertext');
    string(req, 'kind', { optional: true }); // the envelope says itself whether a Welcome rides
    const env = E.decodeEnvelope(ciphertext);
    if (!env) refuse('invalid_message', 'malformed envelope');
    const msg = M.decodeMessage(env.application);
    if (!msg || msg.wireformat !== 'mls_private_message' || msg.privateMessage.contentType !== 'application') {
      refuse('invalid_message', 'no application message');
    }
    const pm = msg.privateMessage;
    if (Buffer.compare(Buffer.from(pm.authenticatedData), Buffer.from(E.headerDigest(env.header))) !== 0) {
      refuse('invalid_message', 'the riding Welcome/commit is not the one the message authenticates');
    }
    const gid = toHex(pm.groupId);
    let found = findSession(p, peer, gid);
    let usedRef;
    if (!found) {
      if (!env.welcome) refuse('no_session', `no session with ${peer} for this message`);
      const w = M.decodeMessage(env.welcome);
      if (!w || w.wireformat !== 'mls_welcome') refuse('invalid_message', 'riding Welcome does not decode');
      const { state, ref } = await M.joinFromWelcome(w.welcome, p.kps, p.usedKps, pm.groupId, peer);
      const ms = M.members(state);
      if (ms.length !== 2 || !ms.includes(p.name) || !ms.includes(peer)) refuse('invalid_message', '1:1 group is not {us, peer}');
      usedRef = ref;
      found = { where: 'new', sess: { gid, initiator: false, state, welcome: null, commit: null } };
    }
    const sess = found.sess;
    let state = sess.state;
    if (env.commit) {
      const c = M.decodeMessage(env.commit);
      if (!c || c.wireformat !== 'mls_private_message' || c.privateMessage.contentType !== 'commit' ||
          toHex(c.privateMessage.groupId) !== gid) refuse('invalid_message', 'riding commit does not decode');
      const e = c.privateMessage.epoch;
      if (e === state.groupContext.epoch) state = (await M.readPrivate(state, c.privateMessage, peer)).newState;
      else if (e > state.groupContext.epoch) refuse('no_session', `commit from epoch ${e}, not reached (at ${state.groupContext.epoch})`);
      // an earlier epoch's commit was processed when it first rode along
    }
    const r = await M.readPrivate(state, pm, peer);
    const answered = sess.commit && Number(pm.epoch) >= sess.commit.epoch;
    const neu = { ...sess, state: r.newState, welcome: null, commit: answered ? null : sess.commit };
    if (usedRef !== undefined) {
      p.kps.delete(usedRef);
      p.usedKps.add(usedRef);
    }
    storeSession(p, peer, found.where, neu);
    return { plaintext: toHex(r.plaintext) };
  },

  async export(req) {
    const p = party(req);
    return { state: Buffer.from(JSON.stringify(exportParty(p))).toString('hex') };
  },

  async import(req) {
    const n = name(req, 'party');
    if (parties.has(n)) refuse('bad_request', `party ${n} exists`);
    const s = hex(req, 'state');
    let p;
    try {
      p = importParty(JSON.parse(Buffer.from(s).toString('utf8')));
    } catch (e) {
      if (e instanceof PtpError) throw e;
      refuse('bad_request', `state does not import: ${e.message}`);
    }
    parties.set(n, p);
    return {};
  },

  ...groupHandlers({ party }),
};

// ---- export / import: JSON; byte strings hex; ts-mls states in ts-mls's GroupState codec ----
const sessOut = (s) => s && ({
  gid: s.gid, initiator: s.initiator, state: M.encodeState(s.state),
  welcome: s.welcome ? toHex(s.welcome) : null,
  commit: s.commit ? { bytes: toHex(s.commit.bytes), epoch: s.commit.epoch } : null,
});
function exportParty(p) {
  return {
    v: 1,
    name: p.name,
    sig: { signKey: toHex(p.sig.signKey), publicKey: toHex(p.sig.publicKey) },
    kps: [...p.kps].map(([ref, { pub, priv }]) => [ref, toHex(M.encodeKeyPackage(pub)),
      { initPrivateKey: toHex(priv.initPrivateKey), hpkePrivateKey: toHex(priv.hpkePrivateKey), signaturePrivateKey: toHex(priv.signaturePrivateKey) }]),
    used: [...p.usedKps],
    groups: [...p.groups].map(([g, r]) => [g, { state: M.encodeState(r.state), removed: r.removed }]),
    sessions: [...p.sessions].map(([peer, e]) => [peer, { current: sessOut(e.current), old: e.old.map(sessOut) }]),
  };
}

const HEXRE = /^(?:[0-9a-f]{2})*$/;
function bytesIn(x) {
  if (typeof x !== 'string' || !HEXRE.test(x)) throw new Error('bad hex');
  return new Uint8Array(Buffer.from(x, 'hex'));
}
function sessIn(s) {
  if (s === null) return null;
  if (typeof s.gid !== 'string' || typeof s.initiator !== 'boolean') throw new Error('bad session');
  return {
    gid: s.gid, initiator: s.initiator, state: M.decodeState(s.state),
    welcome: s.welcome === null ? null : bytesIn(s.welcome),
    commit: s.commit === null ? null : { bytes: bytesIn(s.commit.bytes), epoch: Number(s.commit.epoch) },
  };
}
function importParty(o) {
  if (!o || o.v !== 1 || typeof o.name !== 'string') throw new Error('not an mls party state');
  const p = newParty(o.name, { signKey: bytesIn(o.sig.signKey), publicKey: bytesIn(o.sig.publicKey) });
  for (const [ref, pub, priv] of o.kps) {
    const d = M.keyPackage.decodeKeyPackage(bytesIn(pub), 0);
    if (!d) throw new Error('bad KeyPackage');
    p.kps.set(ref, { pub: d[0], priv: { initPrivateKey: bytesIn(priv.initPrivateKey), hpkePrivateKey: bytesIn(priv.hpkePrivateKey), signaturePrivateKey: bytesIn(priv.signaturePrivateKey) } });
  }
  for (const ref of o.used) p.usedKps.add(ref);
  for (const [g, r] of o.groups) p.groups.set(g, { state: M.decodeState(r.state), removed: r.removed === true });
  for (const [peer, e] of o.sessions) p.sessions.set(peer, { current: sessIn(e.current), old: e.old.map(sessIn) });
  return p;
}

await serve(HELLO, handlers);
