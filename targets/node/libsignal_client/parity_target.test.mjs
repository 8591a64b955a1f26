// parity_target.test.mjs: drives the libsignal-client target over PTP as a child process
// (node --test) and checks real round trips, refusals, atomicity, export/import and groups.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./parity_target.mjs', import.meta.url));

/** A target process and a `rq(op, fields)` that returns its parsed response. */
function start() {
  const child = spawn(process.execPath, [SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (l) => waiting.shift().resolve(JSON.parse(l)));
  child.on('exit', () => { for (const w of waiting.splice(0)) w.reject(new Error('target exited')); });
  let id = 0;
  const rq = (op, fields = {}) => new Promise((resolve, reject) => {
    waiting.push({ resolve, reject });
    child.stdin.write(`${JSON.stringify({ id: ++id, op, ...fields })}\n`);
  });
  const ok = async (op, fields) => {
    const r = await rq(op, fields);
    assert.equal(r.ok, true, `${op} refused: ${JSON.stringify(r)}`);
    return r;
  };
  const stop = () => new Promise((resolve) => { child.on('exit', resolve); child.stdin.end(); });
  return { rq, ok, stop, child };
}

/** Runs `body(t)` against a fresh target, which is stopped (or killed) whatever happens. */
async function withTarget(body) {
  const t = start();
  try {
    await body(t);
    assert.equal(await t.stop(), 0, 'the target did not exit with status 0 at end of input');
  } finally {
    if (t.child.exitCode === null) t.child.kill();
  }
}

async function pair(t, a, b) {
  await t.ok('create', { party: a });
  await t.ok('create', { party: b });
  const { bundle } = await t.ok('bundle', { party: b });
  await t.ok('initiate', { party: a, peer: b, bundle });
  return bundle;
}

test('hello declares the library, its limits and the post-quantum setup', () => withTarget(async (t) => {
  const h = await t.ok('hello', { ptp: 1 });
  assert.equal(h.protocol, 'custom:libsignal-v4');
  assert.deepEqual(h.limits, {
    max_skip: 25000, max_skipped_keys: 2000, max_receiver_chains: 5,
    group_max_skip: 25000, group_max_skipped_keys: 2000, group_max_sender_states: 5,
  });
  assert.ok(h.capabilities.includes('group_forge'));
  assert.equal((await t.rq('hello', { ptp: 2 })).error, 'unsupported');
  assert.equal((await t.rq('create', { party: 'x', identity_private: '00'.repeat(32) })).error, 'unsupported');
}));

test('1:1 round trip, version 4 messages, replay and tampering refused', () => withTarget(async (t) => {
  const bundle = await pair(t, 'alice', 'bob');
  const { layout } = await t.ok('bundle', { party: 'bob' });
  assert.deepEqual(layout.identity, [12, 45]);
  const m1 = await t.ok('encrypt', { party: 'alice', peer: 'bob', plaintext: '6869' });
  assert.equal(m1.kind, 'prekey');
  assert.equal(m1.ciphertext.slice(0, 2), '44'); // message version 4 (PQXDH + SPQR)
  assert.equal((await t.ok('decrypt', { party: 'bob', peer: 'alice', ciphertext: m1.ciphertext, kind: 'prekey' })).plaintext, '6869');
  const replay = await t.rq('decrypt', { party: 'bob', peer: 'alice', ciphertext: m1.ciphertext, kind: 'prekey' });
  assert.equal(replay.error, 'duplicate_message');
  const r1 = await t.ok('encrypt', { party: 'bob', peer: 'alice', plaintext: 'abcd' });
  assert.equal(r1.kind, 'message');
  const bad = r1.ciphertext.slice(0, 20) + (r1.ciphertext[20] === '0' ? '1' : '0') + r1.ciphertext.slice(21);
  const before = (await t.ok('export', { party: 'alice' })).state;
  assert.equal((await t.rq('decrypt', { party: 'alice', peer: 'bob', ciphertext: bad, kind: 'message' })).ok, false);
  assert.equal((await t.ok('export', { party: 'alice' })).state, before, 'a refused decrypt changed the party');
  assert.equal((await t.ok('decrypt', { party: 'alice', peer: 'bob', ciphertext: r1.ciphertext, kind: 'message' })).plaintext, 'abcd');
  assert.equal((await t.rq('encrypt', { party: 'alice', peer: 'nobody', plaintext: '00' })).error, 'no_session');
  assert.equal((await t.rq('decrypt', { party: 'alice', peer: 'nobody', ciphertext: r1.ciphertext, kind: 'message' })).error, 'no_session');
  // A second session from the same bundle: its one-time prekeys are gone.
  await t.ok('create', { party: 'carol' });
  await t.ok('initiate', { party: 'carol', peer: 'bob', bundle });
  const c1 = await t.ok('encrypt', { party: 'carol', peer: 'bob', plaintext: '00' });
  assert.equal((await t.rq('decrypt', { party: 'bob', peer: 'carol', ciphertext: c1.ciphertext, kind: 'prekey' })).ok, false);
}));

test('tampered bundles are invalid_bundle; a changed identity is untrusted_identity', () => withTarget(async (t) => {
  await pair(t, 'alice', 'bob');
  await t.ok('create', { party: 'carol' });
  const { bundle, layout } = await t.ok('bundle', { party: 'bob' });
  for (const [what, [start]] of Object.entries(layout)) {
    const b = Buffer.from(bundle, 'hex');
    b[start + 3] ^= 0x01;
    const r = await t.rq('initiate', { party: 'carol', peer: 'bob', bundle: b.toString('hex') });
    assert.equal(r.error, 'invalid_bundle', `tampered ${what}: ${JSON.stringify(r)}`);
  }
  await t.ok('create', { party: 'mallory' });
  const m = await t.ok('bundle', { party: 'mallory' });
  assert.equal((await t.rq('initiate', { party: 'alice', peer: 'bob', bundle: m.bundle })).error, 'untrusted_identity');
}));

test('export and import: the clone reads as the original, keeps its address', () => withTarget(async (t) => {
  await pair(t, 'alice', 'bob');
  const m1 = await t.ok('encrypt', { party: 'alice', peer: 'bob', plaintext: '01' });
  await t.ok('decrypt', { party: 'bob', peer: 'alice', ciphertext: m1.ciphertext, kind: 'prekey' });
  const { state } = await t.ok('export', { party: 'bob' });
  assert.ok(JSON.parse(Buffer.from(state, 'hex').toString()).identity.length > 64, 'identity private key exported');
  await t.ok('import', { party: 'bob.clone', state });
  assert.equal((await t.rq('import', { party: 'bob.clone', state })).error, 'bad_request');
  assert.equal((await t.rq('import', { party: 'other', state: '7b7d' })).error, 'bad_request');
  const m2 = await t.ok('encrypt', { party: 'alice', peer: 'bob', plaintext: '02' });
  assert.equal((await t.ok('decrypt', { party: 'bob.clone', peer: 'alice', ciphertext: m2.ciphertext, kind: m2.kind })).plaintext, '02');
  assert.equal((await t.ok('decrypt', { party: 'bob', peer: 'alice', ciphertext: m2.ciphertext, kind: m2.kind })).plaintext, '02');
  // The clone answers as bob: alice reads it under the name bob.
  const r = await t.ok('encrypt', { party: 'bob.clone', peer: 'alice', plaintext: '03' });
  assert.equal((await t.ok('decrypt', { party: 'alice', peer: 'bob', ciphertext: r.ciphertext, kind: r.kind })).plaintext, '03');
}));

test('groups: sender keys, binding, removal and forgery', () => withTarget(async (t) => {
  const all = ['alice', 'bob', 'carol'];
  for (const p of all) await t.ok('create', { party: p });
  for (const a of all) {
    for (const b of all) {
      if (a >= b) continue;
      const { bundle } = await t.ok('bundle', { party: b });
      await t.ok('initiate', { party: a, peer: b, bundle });
      const m = await t.ok('encrypt', { party: a, peer: b, plaintext: '00' });
      await t.ok('decrypt', { party: b, peer: a, ciphertext: m.ciphertext, kind: m.kind });
    }
  }
  for (const g of ['g', 'h']) {
    await t.ok('group_create', { party: 'alice', group: g, members: ['bob', 'carol'] });
    for (const p of ['bob', 'carol']) await t.ok('group_roster', { party: p, group: g, members: all });
  }
  const send = async (from, g, deliver = true) => {
    const { deliveries } = await t.ok('group_encrypt', { party: from, group: g, plaintext: '6869' });
    if (deliver) {
      for (const d of deliveries) {
        const r = await t.ok('group_receive', { party: d.to, group: g, from, envelope: d.envelope });
        assert.equal(r.kind, d.kind);
        if (d.kind === 'application') assert.equal(r.plaintext, '6869');
      }
    }
    return deliveries;
  };
  const first = await send('alice', 'g', false);
  const control = first.find((d) => d.to === 'bob' && d.kind === 'control');
  const app = first.find((d) => d.to === 'bob' && d.kind === 'application');
  assert.equal((await t.rq('group_receive', { party: 'bob', group: 'g', from: 'alice', envelope: app.envelope })).error, 'no_session');
  // The control envelope names group g: given in h it is refused and bob is unchanged.
  assert.equal((await t.rq('group_receive', { party: 'bob', group: 'h', from: 'alice', envelope: control.envelope })).error, 'invalid_message');
  await t.ok('group_receive', { party: 'bob', group: 'g', from: 'alice', envelope: control.envelope });
  assert.equal((await t.ok('group_receive', { party: 'bob', group: 'g', from: 'alice', envelope: app.envelope })).plaintext, '6869');
  assert.equal((await t.rq('group_receive', { party: 'bob', group: 'g', from: 'alice', envelope: app.envelope })).error, 'duplicate_message');
  assert.equal((await t.rq('group_receive', { party: 'bob', group: 'h', from: 'alice', envelope: app.envelope })).ok, false);
  assert.equal((await t.rq('group_receive', { party: 'bob', group: 'g', from: 'carol', envelope: app.envelope })).ok, false);
  for (const d of first.filter((x) => x.to === 'carol')) await t.ok('group_receive', { party: 'carol', group: 'g', from: 'alice', envelope: d.envelope });
  await send('bob', 'g');
  // Bob forges alice's next message with his own signature: carol refuses it.
  const f = await t.ok('group_forge', { party: 'bob', group: 'g', as: 'alice' });
  assert.equal((await t.rq('group_receive', { party: 'carol', group: 'g', from: 'alice', envelope: f.envelope })).error, 'invalid_message');
  // Removal: carol's key is forgotten, alice rotates, carol cannot read.
  await t.ok('group_remove', { party: 'alice', group: 'g', member: 'carol' });
  for (const p of ['bob', 'carol']) await t.ok('group_roster', { party: p, group: 'g', members: ['alice', 'bob'] });
  const after = await send('alice', 'g');
  assert.ok(after.some((d) => d.kind === 'control'), 'no fresh key after a removal');
  assert.ok(!after.some((d) => d.to === 'carol'));
  const info = await t.ok('group_info', { party: 'carol', group: 'g' });
  assert.equal(info.removed, true);
  assert.equal((await t.rq('group_encrypt', { party: 'carol', group: 'g', plaintext: '00' })).error, 'bad_request');
  // Export carries groups: a clone of bob reads alice's next message.
  const { state } = await t.ok('export', { party: 'bob' });
  await t.ok('import', { party: 'bob2', state });
  const broken = JSON.parse(Buffer.from(state, 'hex').toString());
  broken.groups.g.senders.alice = ['not-a-uuid'];
  const r = await t.rq('import', { party: 'bob3', state: Buffer.from(JSON.stringify(broken)).toString('hex') });
  assert.equal(r.error, 'bad_request');
  const next = await send('alice', 'g', false);
  const a2 = next.find((d) => d.to === 'bob');
  assert.equal((await t.ok('group_receive', { party: 'bob2', group: 'g', from: 'alice', envelope: a2.envelope })).plaintext, '6869');
}));
