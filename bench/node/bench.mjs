#!/usr/bin/env node
// bench.mjs: in-process timings of the two libraries behind the Node targets, with no PTP
// in between: @signalapp/libsignal-client (the official Rust libsignal) and ts-mls (MLS,
// RFC 9420), in the shapes of parity-bench's BM_OneWay, BM_PingPong, BM_SessionSetup and
// BM_GroupFanout. parity-bench's BM_<Kind>Ptp/<target> time the same through the targets
// over PTP; the difference is the PTP round trips and the adapters.
//
//   node bench/node/bench.mjs [--iterations N] [--json] [--only lsc|mls]
//
// Per kind, N timed operations (default 200; session setup and the MLS group N/4, at
// least 5) after N/10 untimed ones, each timed alone; the table gives the median in us per
// operation (and the 10th and 90th percentiles), --json the same as one JSON object.
//   one-way        a 64-byte message a -> b on an established session: encrypt,
//                  serialise, parse, decrypt
//   ping-pong      the same, the direction alternating (Signal: a DH ratchet step each;
//                  MLS: none, its keys move only with commits)
//   ping-pong+commit  MLS only: before each send the sender commits an empty commit with
//                  a path update and the peer processes it, as the mls target's "heal"
//                  commit policy does (the closest MLS comes to a DH step per turn)
//   session setup  b's bundle (libsignal: signed prekey, one-time prekey, Kyber prekey;
//                  MLS: a KeyPackage), a's initiate (processPreKeyBundle; MLS: a group, an
//                  add commit and its Welcome), a's first message, b's decrypt (MLS: b
//                  joins from the Welcome, then reads it). Identity keys are made untimed
//   group fan-out  a group of 9: one encrypt by the sender, 8 receivers each parse and
//                  decrypt it (libsignal: Sender Keys groupEncrypt / groupDecrypt; MLS:
//                  createApplicationMessage / processPrivateMessage)
// Stores are plain in-memory maps holding the library's objects (no serialisation), so
// what is timed is the library. The libraries are loaded from targets/node/node_modules
// (npm ci there; PARITY_NODE_MODULES names another node_modules). A library that does not
// load is left out with one line on stderr. Not a ctest: speed is measured, not tested
// (DEVELOPERS.md, "a benchmark").

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';

const here = dirname(fileURLToPath(import.meta.url));
const modules = process.env.PARITY_NODE_MODULES ?? resolve(here, '../../targets/node/node_modules');
const require = createRequire(join(modules, '..', 'bench-resolver.js'));

function usage(status) {
  process.stderr.write('usage: bench.mjs [--iterations N] [--json] [--only lsc|mls]\n');
  process.exit(status);
}

const opts = { iterations: 200, json: false, only: null };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--json') opts.json = true;
  else if (argv[i] === '--iterations' && /^[1-9][0-9]*$/.test(argv[i + 1] ?? '')) opts.iterations = Number(argv[++i]);
  else if (argv[i] === '--only' && ['lsc', 'mls'].includes(argv[i + 1])) opts.only = argv[++i];
  else usage(argv[i] === '--help' ? 0 : 2);
}

async function load(specifier) {
  return import(pathToFileURL(require.resolve(specifier)).href);
}

// versionOf reads a package's version from its package.json (not every package exports it).
function versionOf(pkg) {
  return JSON.parse(readFileSync(join(modules, pkg, 'package.json'), 'utf8')).version;
}

const MESSAGE = new Uint8Array(64).fill(0x61);

function equal(a, b) {
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}

function check(plain, what) {
  if (!equal(plain, MESSAGE)) throw new Error(`${what}: another plaintext`);
}

// measure runs `op` untimed `warmup` times, then `n` times each timed alone; `prepare`
// (untimed) runs before every op and its result is passed on.
async function measure(n, op, prepare = async () => undefined) {
  const warmup = Math.max(1, Math.floor(n / 10));
  const us = [];
  for (let i = 0; i < warmup + n; i++) {
    const input = await prepare(i);
    const t0 = process.hrtime.bigint();
    await op(input, i);
    const t1 = process.hrtime.bigint();
    if (i >= warmup) us.push(Number(t1 - t0) / 1e3);
  }
  us.sort((x, y) => x - y);
  const at = (q) => us[Math.min(us.length - 1, Math.floor(q * us.length))];
  return { n, median_us: at(0.5), p10_us: at(0.1), p90_us: at(0.9) };
}

const few = (n) => Math.max(5, Math.floor(n / 4));

// ---- @signalapp/libsignal-client ----

async function libsignalBench(n) {
  const S = await load('@signalapp/libsignal-client');

  // A device: its identity and registration id, and every store over in-memory maps.
  class Device {
    constructor(name) {
      this.name = name;
      this.address = S.ProtocolAddress.new(name, 1);
      this.identity = S.IdentityKeyPair.generate();
      this.registrationId = 1 + Math.floor(Math.random() * 16380);
      const sessions = new Map();
      const identities = new Map();
      const prekeys = new Map();
      const signed = new Map();
      const kyber = new Map();
      const senderKeys = new Map();
      const dev = this;
      this.sessions = new (class extends S.SessionStore {
        async saveSession(a, r) { sessions.set(a.toString(), r); }
        async getSession(a) { return sessions.get(a.toString()) ?? null; }
        async getExistingSessions(as) { return as.map((a) => sessions.get(a.toString())).filter(Boolean); }
      })();
      this.identities = new (class extends S.IdentityKeyStore {
        async getIdentityKey() { return dev.identity.privateKey; }
        async getLocalRegistrationId() { return dev.registrationId; }
        async saveIdentity(a, k) {
          const known = identities.get(a.toString());
          identities.set(a.toString(), k);
          return known && !known.equals(k) ? S.IdentityChange.ReplacedExisting : S.IdentityChange.NewOrUnchanged;
        }
        async isTrustedIdentity(a, k) {
          const known = identities.get(a.toString());
          return !known || known.equals(k);
        }
        async getIdentity(a) { return identities.get(a.toString()) ?? null; }
      })();
      this.prekeys = new (class extends S.PreKeyStore {
        async savePreKey(id, r) { prekeys.set(id, r); }
        async getPreKey(id) { return prekeys.get(id); }
        async removePreKey(id) { prekeys.delete(id); }
      })();
      this.signed = new (class extends S.SignedPreKeyStore {
        async saveSignedPreKey(id, r) { signed.set(id, r); }
        async getSignedPreKey(id) { return signed.get(id); }
      })();
      this.kyber = new (class extends S.KyberPreKeyStore {
        async saveKyberPreKey(id, r) { kyber.set(id, r); }
        async getKyberPreKey(id) { return kyber.get(id); }
        async markKyberPreKeyUsed(id) { kyber.delete(id); }
      })();
      this.senderKeys = new (class extends S.SenderKeyStore {
        async saveSenderKey(a, d, r) { senderKeys.set(`${a.toString()}/${d}`, r); }
        async getSenderKey(a, d) { return senderKeys.get(`${a.toString()}/${d}`) ?? null; }
      })();
      this.nextId = 1;
    }

    // bundle publishes a signed prekey (the first time), a one-time prekey and a Kyber
    // prekey, as the libsignal-client target's `bundle` does, and returns the bundle.
    async bundle() {
      const now = Date.now();
      const id = this.nextId++;
      const priv = this.identity.privateKey;
      if (id === 1) {
        const spk = S.PrivateKey.generate();
        const spkPub = spk.getPublicKey();
        await this.signed.saveSignedPreKey(1, S.SignedPreKeyRecord.new(1, now, spkPub, spk, priv.sign(spkPub.serialize())));
      }
      const spkRec = await this.signed.getSignedPreKey(1);
      const opk = S.PrivateKey.generate();
      await this.prekeys.savePreKey(id, S.PreKeyRecord.new(id, opk.getPublicKey(), opk));
      const kem = S.KEMKeyPair.generate();
      const kemSig = priv.sign(kem.getPublicKey().serialize());
      await this.kyber.saveKyberPreKey(id, S.KyberPreKeyRecord.new(id, now, kem, kemSig));
      return S.PreKeyBundle.new(this.registrationId, 1, id, opk.getPublicKey(), 1, spkRec.publicKey(),
        spkRec.signature(), this.identity.publicKey, id, kem.getPublicKey(), kemSig);
    }

    async initiate(peer, bundle) {
      await S.processPreKeyBundle(bundle, peer.address, this.address, this.sessions, this.identities);
    }

    // encrypt returns the wire bytes and their type.
    async encrypt(peer, plaintext) {
      const c = await S.signalEncrypt(plaintext, peer.address, this.address, this.sessions, this.identities);
      return { bytes: c.serialize(), type: c.type() };
    }

    async decrypt(peer, { bytes, type }) {
      if (type === S.CiphertextMessageType.PreKey) {
        return S.signalDecryptPreKey(S.PreKeySignalMessage.deserialize(bytes), peer.address, this.address,
          this.sessions, this.identities, this.prekeys, this.signed, this.kyber);
      }
      return S.signalDecrypt(S.SignalMessage.deserialize(bytes), peer.address, this.address, this.sessions,
        this.identities);
    }
  }

  const send = async (from, to) => check(await to.decrypt(from, await from.encrypt(to, MESSAGE)), `decrypt at ${to.name}`);
  const setup = async (a, b) => {
    await a.initiate(b, await b.bundle());
    await send(a, b);
  };
  const established = async () => {
    const a = new Device('a');
    const b = new Device('b');
    await setup(a, b);
    await send(b, a);
    return [a, b];
  };

  const out = {};
  {
    const [a, b] = await established();
    out['one-way'] = await measure(n, () => send(a, b));
  }
  {
    const [a, b] = await established();
    out['ping-pong'] = await measure(n, (_, i) => (i % 2 === 0 ? send(a, b) : send(b, a)));
  }
  out['session setup'] = await measure(few(n), ([a, b]) => setup(a, b), async () => [new Device('a'), new Device('b')]);
  {
    // Sender Keys: the sender's distribution message filed by 8 members (untimed), as the
    // pairwise sessions would carry it.
    const sender = new Device('m0');
    const members = Array.from({ length: 8 }, (_, i) => new Device(`m${i + 1}`));
    const distributionId = randomUUID();
    const skdm = await S.SenderKeyDistributionMessage.create(sender.address, distributionId, sender.senderKeys);
    const wire = skdm.serialize();
    for (const m of members) {
      await S.processSenderKeyDistributionMessage(sender.address, S.SenderKeyDistributionMessage.deserialize(wire),
        m.senderKeys);
    }
    out['group fan-out'] = await measure(n, async () => {
      const c = (await S.groupEncrypt(sender.address, distributionId, sender.senderKeys, MESSAGE)).serialize();
      for (const m of members) check(await S.groupDecrypt(sender.address, m.senderKeys, c), `groupDecrypt at ${m.name}`);
    });
  }
  return { library: `@signalapp/libsignal-client ${versionOf('@signalapp/libsignal-client')}`, results: out };
}

// ---- ts-mls ----

async function mlsBench(n) {
  // Subpath imports: the package entry pulls in the noble provider, whose optional peer
  // dependency is not installed (as targets/node/mls does).
  const cs = await load('ts-mls/crypto/ciphersuite.js');
  const provider = await load('ts-mls/crypto/implementation/default/provider.js');
  const clientState = await load('ts-mls/clientState.js');
  const createCommit = (await load('ts-mls/createCommit.js')).createCommit;
  const createApplicationMessage = (await load('ts-mls/createMessage.js')).createApplicationMessage;
  const processPrivateMessage = (await load('ts-mls/processMessages.js')).processPrivateMessage;
  const kpMod = await load('ts-mls/keyPackage.js');
  const msg = await load('ts-mls/message.js');
  const { defaultCapabilities } = await load('ts-mls/defaultCapabilities.js');
  const { defaultLifetime } = await load('ts-mls/lifetime.js');
  const { emptyPskIndex } = await load('ts-mls/pskIndex.js');

  const SUITE = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'; // the mls target's
  const impl = await provider.defaultCryptoProvider.getCiphersuiteImpl(cs.getCiphersuiteFromName(SUITE));
  const te = new TextEncoder();

  // A member: its signature key pair (its identity, made untimed) and its group state.
  const member = async (name) => ({ name, sig: await impl.signature.keygen(), state: null });
  const keyPackage = (m) => kpMod.generateKeyPackageWithKey({ credentialType: 'basic', identity: te.encode(m.name) },
    defaultCapabilities(), defaultLifetime, [], m.sig, impl);
  const encode = (m) => msg.encodeMlsMessage(m);
  const decode = (bytes) => msg.decodeMlsMessage(bytes, 0)[0];

  // create makes `creator`'s group and adds `joiners` from their KeyPackages (encoded and
  // decoded, as a server carries them) in one commit; each joins from the Welcome.
  async function create(creator, joiners) {
    const kps = [];
    for (const j of joiners) kps.push(await keyPackage(j));
    const own = await keyPackage(creator);
    let state = await clientState.createGroup(impl.rng.randomBytes(16), own.publicPackage, own.privatePackage, [], impl);
    const adds = kps.map((kp) => ({
      proposalType: 'add', add: { keyPackage: kpMod.decodeKeyPackage(kpMod.encodeKeyPackage(kp.publicPackage), 0)[0] },
    }));
    const r = await createCommit({ state, cipherSuite: impl }, { extraProposals: adds, ratchetTreeExtension: true });
    creator.state = r.newState;
    const welcome = encode({ welcome: r.welcome, wireformat: 'mls_welcome', version: 'mls10' });
    for (let i = 0; i < joiners.length; i++) {
      joiners[i].state = await clientState.joinGroup(decode(welcome).welcome, kps[i].publicPackage,
        kps[i].privatePackage, emptyPskIndex, impl);
    }
  }

  // read processes one encoded PrivateMessage at `to` and returns what it was.
  async function read(to, bytes) {
    const r = await processPrivateMessage(to.state, decode(bytes).privateMessage, emptyPskIndex, impl);
    to.state = r.newState;
    return r;
  }

  async function send(from, to) {
    const r = await createApplicationMessage(from.state, MESSAGE, impl);
    from.state = r.newState;
    const wire = encode({ privateMessage: r.privateMessage, wireformat: 'mls_private_message', version: 'mls10' });
    const got = await read(to, wire);
    if (got.kind !== 'applicationMessage') throw new Error(`${to.name} read a ${got.kind}`);
    check(got.message, `processPrivateMessage at ${to.name}`);
  }

  // commit: an empty commit with a path update (a fresh leaf key), processed by the peer.
  async function commit(from, to) {
    const r = await createCommit({ state: from.state, cipherSuite: impl }, {});
    from.state = r.newState;
    await read(to, encode(r.commit));
  }

  const pair = async () => {
    const a = await member('a');
    const b = await member('b');
    await create(a, [b]);
    await send(a, b);
    await send(b, a);
    return [a, b];
  };

  const out = {};
  {
    const [a, b] = await pair();
    out['one-way'] = await measure(n, () => send(a, b));
  }
  {
    const [a, b] = await pair();
    out['ping-pong'] = await measure(n, (_, i) => (i % 2 === 0 ? send(a, b) : send(b, a)));
  }
  {
    const [a, b] = await pair();
    out['ping-pong+commit'] = await measure(few(n), async (_, i) => {
      const [from, to] = i % 2 === 0 ? [a, b] : [b, a];
      await commit(from, to);
      await send(from, to);
    });
  }
  out['session setup'] = await measure(few(n), async ([a, b]) => {
    await create(a, [b]);
    await send(a, b);
  }, async () => [await member('a'), await member('b')]);
  {
    const sender = await member('m0');
    const members = [];
    for (let i = 1; i <= 8; i++) members.push(await member(`m${i}`));
    await create(sender, members);
    out['group fan-out'] = await measure(few(n), async () => {
      const r = await createApplicationMessage(sender.state, MESSAGE, impl);
      sender.state = r.newState;
      const wire = encode({ privateMessage: r.privateMessage, wireformat: 'mls_private_message', version: 'mls10' });
      for (const m of members) check((await read(m, wire)).message, `processPrivateMessage at ${m.name}`);
    });
  }
  return { library: `ts-mls ${versionOf('ts-mls')} (${SUITE})`, results: out };
}

// ---- main ----

const KINDS = ['one-way', 'ping-pong', 'ping-pong+commit', 'session setup', 'group fan-out'];
const benches = [['lsc', libsignalBench], ['mls', mlsBench]].filter(([k]) => !opts.only || opts.only === k);
const report = { node: process.version, iterations: opts.iterations, libraries: [] };
for (const [key, bench] of benches) {
  try {
    report.libraries.push({ key, ...(await bench(opts.iterations)) });
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND') {
      process.stderr.write(`bench.mjs: ${key} left out: ${e.message.split('\n')[0]} (npm ci in targets/node)\n`);
      report.libraries.push({ key, library: null, left_out: e.message.split('\n')[0], results: {} });
    } else {
      throw e;
    }
  }
}

if (opts.json) {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} else {
  const cell = (r) => (r ? `${r.median_us.toFixed(1)} (${r.p10_us.toFixed(1)}-${r.p90_us.toFixed(1)})` : 'n/a');
  const libs = report.libraries;
  process.stdout.write(`In-process, median us per operation (10th-90th percentile), Node ${process.version}\n`);
  for (const l of libs) process.stdout.write(`  ${l.key}: ${l.library ?? `left out (${l.left_out})`}\n`);
  const line = (first, cells) => `${first.padEnd(18)}${cells.map((c) => c.padStart(28)).join('')}\n`;
  process.stdout.write(line('kind', libs.map((l) => l.key)));
  for (const k of KINDS) process.stdout.write(line(k, libs.map((l) => cell(l.results[k]))));
  process.stdout.write(`${opts.iterations} timed operations per kind (session setup, ping-pong+commit and the MLS `
    + 'fan-out a quarter, at least 5); fan-out: 1 encrypt + 8 decrypts of a group of 9\n');
}
