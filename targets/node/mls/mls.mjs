// mls.mjs: ts-mls 1.6.4 as the MLS target uses it: the cipher suite, the client config
// (key retention), the key-package codec with its layout, state (de)serialisation, and the
// mapping of ts-mls errors to PTP refusal codes.
//
// ts-mls's package entry (index.js) imports its noble crypto provider statically, and that
// needs @noble/hashes, an optional peer dependency that is not installed. So this module
// imports the library's own modules through its "./*.js" subpath exports instead, which
// pull in only the default (WebCrypto + @hpke/core) provider.
//
// The default provider signs with WebCrypto Ed25519 (Node 20 has it), so no optional peer
// dependency is needed for this suite.

import { requirePackage, PtpError, refuse, toHex } from '../ptp.mjs';

const L = async (p) => requirePackage(`ts-mls/${p}`);

const cs = await L('crypto/ciphersuite.js');
const provider = await L('crypto/implementation/default/provider.js');
export const clientState = await L('clientState.js');
export const createCommitMod = await L('createCommit.js');
export const createMessage = await L('createMessage.js');
export const processMessages = await L('processMessages.js');
export const keyPackage = await L('keyPackage.js');
export const message = await L('message.js');
export const welcomeMod = await L('welcome.js');
export const groupInfoMod = await L('groupInfo.js');
export const messageProtection = await L('messageProtection.js');
export const secretTreeMod = await L('secretTree.js');
const capabilities = await L('defaultCapabilities.js');
const lifetime = await L('lifetime.js');
const pskIndex = await L('pskIndex.js');
const clientConfigMod = await L('clientConfig.js');
const retention = await L('keyRetentionConfig.js');
const mlsError = await L('mlsError.js');

export const SUITE_NAME = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519';
export const emptyPskIndex = pskIndex.emptyPskIndex;

export const impl = await provider.defaultCryptoProvider.getCiphersuiteImpl(cs.getCiphersuiteFromName(SUITE_NAME));

// ---- client config: ts-mls's defaults, stated ----
// keyRetentionConfig.js: retainKeysForGenerations 10, retainKeysForEpochs 4,
// maximumForwardRatchetSteps 200. secretTree.js ratchetUntil refuses a generation more than
// maximumForwardRatchetSteps past the next expected one and keeps at most
// retainKeysForGenerations unused generation secrets per sender ratchet (oldest evicted);
// clientState.js addHistoricalReceiverData keeps retainKeysForEpochs earlier epochs.
export const RETENTION = retention.defaultKeyRetentionConfig;
export const clientConfig = clientConfigMod.defaultClientConfig;

/**
 * The declared limits. For 1:1 sessions a receiving chain is the peer's sending ratchet in
 * one epoch: under the heal policy every round trip moves two epochs (each member commits
 * once), so the retainKeysForEpochs (4) earlier epochs hold floor(4 / 2) = 2 of the peer's
 * earlier chains; without commits the session never leaves epoch 1, the peer's chain is
 * never replaced, and there is no earlier receiving chain to keep: 0.
 */
export const limits = (policy) => Object.freeze({
  max_skip: RETENTION.maximumForwardRatchetSteps,
  max_skipped_keys: RETENTION.retainKeysForGenerations,
  max_receiver_chains: policy === 'heal' ? Math.floor(RETENTION.retainKeysForEpochs / 2) : 0,
  group_max_skip: RETENTION.maximumForwardRatchetSteps,
  group_max_skipped_keys: RETENTION.retainKeysForGenerations,
  group_max_sender_states: RETENTION.retainKeysForEpochs + 1, // the earlier epochs + the current one
});

export { mlsError };

// ---- credentials and key packages ----
const te = new TextEncoder();
const td = new TextDecoder('utf-8', { fatal: true });
export const credential = (name) => ({ credentialType: 'basic', identity: te.encode(name) });
export function credentialName(cred) {
  if (!cred || cred.credentialType !== 'basic') return undefined;
  try {
    return td.decode(cred.identity);
  } catch {
    return undefined;
  }
}

export async function newSignatureKeys() {
  return impl.signature.keygen();
}

/** A fresh KeyPackage for `name` under the party's signature key pair. */
export async function newKeyPackage(name, sigKeys) {
  return keyPackage.generateKeyPackageWithKey(credential(name), capabilities.defaultCapabilities(),
    lifetime.defaultLifetime, [], sigKeys, impl);
}

export const encodeKeyPackage = (kp) => keyPackage.encodeKeyPackage(kp);
export async function keyPackageRef(kp) {
  return toHex(await keyPackage.makeKeyPackageRef(kp, impl.hash));
}

// RFC 9420 variable-length integer prefix size (section 2.1.2).
const varintSize = (n) => (n < 64 ? 1 : n < 16384 ? 2 : 4);
const vecSize = (n) => varintSize(n) + n;

/**
 * The byte ranges of an encoded KeyPackage (RFC 9420 section 10): version(2) cipher_suite(2)
 * init_key<V> leaf_node{encryption_key<V> signature_key<V> credential ...} extensions<V>
 * signature<V>. Everything before `signature` is KeyPackageTBS, covered by the signature.
 */
export function keyPackageLayout(kp, total) {
  let o = 4;
  const initKey = [o + varintSize(kp.initKey.length), o + vecSize(kp.initKey.length)];
  o += vecSize(kp.initKey.length);
  const enc = kp.leafNode.hpkePublicKey;
  o += vecSize(enc.length);
  const sig = kp.leafNode.signaturePublicKey;
  const sigKey = [o + varintSize(sig.length), o + vecSize(sig.length)];
  o += vecSize(sig.length);
  const credStart = o;
  const tbsEnd = total - vecSize(kp.signature.length);
  return {
    identity: sigKey,
    signed_prekey: initKey,
    signature: [tbsEnd + varintSize(kp.signature.length), total],
    credential: [credStart, credStart + 2 + vecSize(kp.leafNode.credential.identity.length)],
    key_package_tbs: [0, tbsEnd],
  };
}

/** Decodes a KeyPackage bundle exactly (no trailing bytes) or refuses invalid_bundle. */
export async function decodeBundle(bytes, owner, refuse) {
  let decoded;
  try {
    decoded = keyPackage.decodeKeyPackage(bytes, 0);
  } catch (e) {
    refuse('invalid_bundle', `KeyPackage does not decode: ${e.message}`);
  }
  if (!decoded || decoded[1] !== bytes.length) refuse('invalid_bundle', 'KeyPackage does not decode exactly');
  const kp = decoded[0];
  if (kp.cipherSuite !== SUITE_NAME) refuse('invalid_bundle', `cipher suite ${kp.cipherSuite} is not ${SUITE_NAME}`);
  const who = credentialName(kp.leafNode.credential);
  if (who !== owner) refuse('invalid_bundle', `KeyPackage credential names ${JSON.stringify(who)}, not ${owner}`);
  if (!(await keyPackage.verifyKeyPackage(kp, impl.signature))) refuse('invalid_bundle', 'KeyPackage signature does not verify');
  return kp;
}

// ---- MLSMessage framing ----
export function encodeMessage(msg) {
  return message.encodeMlsMessage(msg);
}
/** Decodes an MLSMessage that fills `bytes` exactly, else undefined. */
export function decodeMessage(bytes) {
  let d;
  try {
    d = message.decodeMlsMessage(bytes, 0);
  } catch {
    return undefined;
  }
  if (!d || d[1] !== bytes.length) return undefined;
  return d[0];
}

// ---- state (de)serialisation: ts-mls's own GroupState codec; clientConfig is ours ----
export const encodeState = (state) => toHex(clientState.encodeGroupState(state));
export function decodeState(hexString) {
  const bytes = Buffer.from(hexString, 'hex');
  const d = clientState.decodeGroupState(bytes, 0);
  if (!d || d[1] !== bytes.length) throw new Error('group state does not decode');
  return { ...d[0], clientConfig };
}

// ---- group views ----
export function members(state) {
  const out = [];
  for (const node of state.ratchetTree) {
    if (node && node.nodeType === 'leaf') out.push(credentialName(node.leaf.credential));
  }
  return out;
}
export function leafName(state, leafIndex, tree = state.ratchetTree) {
  const node = tree[leafIndex * 2];
  return node && node.nodeType === 'leaf' ? credentialName(node.leaf.credential) : undefined;
}
export function leafIndexOf(state, name) {
  for (let i = 0; i < state.ratchetTree.length; i += 2) {
    const node = state.ratchetTree[i];
    if (node && node.nodeType === 'leaf' && credentialName(node.leaf.credential) === name) return i / 2;
  }
  return undefined;
}

/**
 * The PTP code for a ts-mls failure while reading a message (docs/ptp.md Groups):
 * a used or evicted generation is behind the chain (duplicate_message), a generation past
 * maximumForwardRatchetSteps is limit_exceeded, an epoch left is duplicate_message, and
 * anything that fails to decode, decrypt or verify is invalid_message.
 */
export function refusalFor(e) {
  const m = String(e && e.message);
  if (/Desired gen in the past/.test(m)) return ['duplicate_message', `ts-mls: ${m} (generation used or evicted)`];
  if (/too far in the future/.test(m)) return ['limit_exceeded', `ts-mls: ${m}`];
  if (/epoch too old|from former epoch/.test(m)) return ['duplicate_message', `ts-mls: ${m}`];
  return ['invalid_message', `ts-mls: ${e && e.name ? e.name : 'Error'}: ${m}`];
}

/**
 * Reads one PrivateMessage (application or commit) at `state` and checks that its sender's
 * credential names `from`. Returns {kind: 'application'|'commit', newState, plaintext}.
 * Refuses (PtpError) without touching `state`: ts-mls states are values, and the caller
 * keeps the old one unless this returns.
 */
export async function readPrivate(state, pm, from) {
  const cur = state.groupContext.epoch;
  if (pm.epoch > cur) refuse('no_session', `epoch ${pm.epoch} not reached (at ${cur})`);
  if (pm.contentType === 'proposal') refuse('invalid_message', 'standalone proposals are not used here');
  if (pm.epoch < cur && pm.contentType !== 'application') refuse('duplicate_message', `commit of epoch ${pm.epoch}, already left (at ${cur})`);
  if (pm.epoch < cur && !state.historicalReceiverData.has(pm.epoch)) {
    refuse('duplicate_message', `epoch ${pm.epoch} left and its keys deleted (retainKeysForEpochs ${RETENTION.retainKeysForEpochs})`);
  }
  let committer;
  let r;
  try {
    r = await processMessages.processPrivateMessage(state, pm, emptyPskIndex, impl, (a) => {
      if (a.kind === 'commit') committer = a.senderLeafIndex;
      return 'accept';
    });
  } catch (e) {
    if (e instanceof PtpError) throw e;
    refuse(...refusalFor(e));
  }
  if (r.kind === 'applicationMessage') {
    // ts-mls does not return the sender; it replaces exactly the sender leaf's node of the
    // secret tree it read from (secretTree.js createRatchetResultWithSecret), so find it.
    const old = pm.epoch < cur ? state.historicalReceiverData.get(pm.epoch) : state;
    const neu = pm.epoch < cur ? r.newState.historicalReceiverData.get(pm.epoch) : r.newState;
    const idx = neu.secretTree.findIndex((n, i) => n !== old.secretTree[i]);
    const who = idx >= 0 && idx % 2 === 0 ? leafName(null, idx / 2, old.ratchetTree) : undefined;
    if (who !== from) refuse('invalid_message', `application message sent by ${JSON.stringify(who)}, not ${from}`);
    return { kind: 'application', plaintext: r.message, newState: r.newState };
  }
  if (pm.contentType !== 'commit' || committer === undefined) refuse('invalid_message', 'not a member commit');
  const who = leafName(state, committer);
  if (who !== from) refuse('invalid_message', `commit made by ${JSON.stringify(who)}, not ${from}`);
  return { kind: 'commit', newState: r.newState };
}

/** Joins from a Welcome with one of `kps` (Map ref → {pub, priv}); checks group id and signer. */
export async function joinFromWelcome(welcome, kps, used, groupId, from) {
  // joinGroup takes the cipher suite implementation from its caller and never reads the
  // Welcome's cipher_suite field (clientState.js joinGroupWithExtensions compares only the
  // GroupInfo's suite with the KeyPackage's), so choosing the implementation by that field
  // is the application's part: this client has one suite and refuses any other.
  if (welcome.cipherSuite !== SUITE_NAME) refuse('invalid_message', `Welcome for cipher suite ${welcome.cipherSuite}, not ${SUITE_NAME}`);
  let ref;
  for (const s of welcome.secrets) {
    const h = toHex(s.newMember);
    if (kps.has(h)) ref = h;
    else if (used.has(h)) refuse('duplicate_message', 'Welcome for a KeyPackage already used');
  }
  if (ref === undefined) refuse('invalid_message', 'Welcome for none of our KeyPackages');
  const { pub, priv } = kps.get(ref);
  let state;
  let gi;
  try {
    // The GroupInfo's signer is the Welcome's sender; ts-mls verifies its signature in
    // joinGroup but does not return it, so decrypt the GroupInfo again (no PSKs here).
    const secrets = await welcomeMod.decryptGroupSecrets(await impl.hpke.importPrivateKey(priv.initPrivateKey),
      Buffer.from(ref, 'hex'), welcome, impl.hpke);
    if (!secrets || secrets.psks.length !== 0) refuse('invalid_message', 'Welcome with PSKs');
    gi = await welcomeMod.decryptGroupInfo(welcome, secrets.joinerSecret, new Uint8Array(impl.kdf.size), impl);
    if (!gi) refuse('invalid_message', 'GroupInfo does not decode');
    state = await clientState.joinGroup(welcome, pub, priv, emptyPskIndex, impl, undefined, undefined, clientConfig);
  } catch (e) {
    if (e instanceof PtpError) throw e;
    refuse('invalid_message', `ts-mls: ${e && e.name}: ${e && e.message}`);
  }
  if (Buffer.compare(Buffer.from(state.groupContext.groupId), Buffer.from(groupId)) !== 0) {
    refuse('invalid_message', 'Welcome for another group');
  }
  const signer = leafName(state, gi.signer);
  if (signer !== from) refuse('invalid_message', `Welcome signed by ${JSON.stringify(signer)}, not ${from}`);
  return { state, ref };
}
