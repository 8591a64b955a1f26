// parity_target.test.mjs: self-test of the MLS target over PTP (node --test).
// Spawns parity_target.mjs as a child process and checks real round trips, refusals,
// atomicity (exports before and after a refusal) and export/import clones, 1:1 and groups.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./parity_target.mjs', import.meta.url));

class Target {
  constructor(args = []) {
    this.child = spawn(process.execPath, [SCRIPT, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
    this.id = 0;
  }
  async raw(line) {
    this.child.stdin.write(`${line}\n`);
    const { value } = await this.lines.next();
    return JSON.parse(value);
  }
  async req(op, fields = {}) {
    const id = ++this.id;
    const r = await this.raw(JSON.stringify({ id, op, ...fields }));
    assert.equal(r.id, id);
    return r;
  }
  async ok(op, fields) {
    const r = await this.req(op, fields);
    assert.equal(r.ok, true, `${op} ${JSON.stringify(fields)} -> ${JSON.stringify(r)}`);
    return r;
  }
  async refused(op, fields, code) {
    const r = await this.req(op, fields);
    assert.equal(r.ok, false, `${op} should be refused: ${JSON.stringify(r)}`);
    if (code) assert.equal(r.error, code, r.detail);
    return r;
  }
  async close() {
    this.child.stdin.end();
    await new Promise((res) => this.child.on('exit', res));
  }
}

const h = (s) => Buffer.from(s).toString('hex');
const flip = (hexs, i) => {
  const b = Buffer.from(hexs, 'hex');
  b[i] ^= 0x01;
  return b.toString('hex');
};

async function pair(t) {
  await t.ok('create', { party: 'alice' });
  await t.ok('create', { party: 'bob' });
  const { bundle } = await t.ok('bundle', { party: 'bob' });
  await t.ok('initiate', { party: 'alice', peer: 'bob', bundle });
}

test('hello, framing and arguments', async () => {
  const t = new Target();
  const hello = await t.ok('hello', { ptp: 1 });
  assert.equal(hello.protocol, 'custom:mls-rfc9420');
  assert.equal(hello.group_roster, 'protocol');
  assert.equal(hello.group_bundles, true);
  assert.deepEqual(hello.limits, { max_skip: 200, max_skipped_keys: 10, max_receiver_chains: 2,
    group_max_skip: 200, group_max_skipped_keys: 10, group_max_sender_states: 5 });
  assert.match(hello.commit_policy, /^heal/);
  assert.equal((await t.raw('[]')).error, 'bad_request');
  assert.equal((await t.req('nope')).error, 'unsupported');
  await t.close();
  const none = new Target(['--commit-policy', 'none']);
  assert.match((await none.ok('hello', { ptp: 1 })).commit_policy, /^none/);
  await none.close();
  const bad = spawnSync(process.execPath, [SCRIPT, '--bogus']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr.toString(), /usage/);
});

test('1:1: prekey then messages both ways, commits heal, out of order, replay', async () => {
  const t = new Target();
  await pair(t);
  const m1 = await t.ok('encrypt', { party: 'alice', peer: 'bob', plaintext: h('one') });
  const m2 = await t.ok('encrypt', { party: 'alice', peer: 'bob', plaintext: h('two') });
  assert.equal(m1.kind, 'prekey');
  assert.equal(m2.kind, 'prekey');
  // out of order: the second prekey message first (it carries the Welcome as well)
  assert.equal((await t.ok('decrypt', { party: 'bob', peer: 'alice', ciphertext: m2.ciphertext, kind: 'prekey' })).plaintext, h('two'));
  assert.equal((await t.ok('decrypt', { party: 'bob', peer: 'alice', ciphertext: m1.ciphertext, kind: 'prekey' })).plaintext, h('one'));
  await t.refused('decrypt', { party: 'bob', peer: 'alice', ciphertext: m1.ciphertext, kind: 'prekey' }, 'duplicate_message');
  // bob answers: his turn (epoch 1), so a commit rides along
  const r1 = await t.ok('encrypt', { party: 'bob', peer: 'alice', plaintext: h('re') });
  assert.equal(r1.kind, 'message');
  assert.equal(Buffer.from(r1.ciphertext, 'hex')[1], 0x02, 'a commit rides on bob\'s answer');
  assert.equal((await t.ok('decrypt', { party: 'alice', peer: 'bob', ciphertext: r1.ciphertext, kind: 'message' })).plaintext, h('re'));
  const m3 = await t.ok('encrypt', { party: 'alice', peer: 'bob', plaintext: h('three') });
  assert.equal(m3.kind, 'message');
  assert.equal(Buffer.from(m3.ciphertext, 'hex')[1], 0x02, 'alice commits in her epoch');
  assert.equal((await t.ok('decrypt', { party: 'bob', peer: 'alice', ciphertext: m3.ciphertext, kind: 'message' })).plaintext, h('three'));
  await t.close();
});

test('1:1 without the policy never commits', async () => {
  const t = new Target(['--commit-policy', 'none']);
  await pair(t);
  const m1 = await t.ok('encrypt', { party: 'alice', peer: 'bob', plaintext: h('x') });
  await t.ok('decrypt', { party: 'bob', peer: 'alice', ciphertext: m1.ciphertext, kind: 'prekey' });
  const r1 = await t.ok('encrypt', { party: 'bob', peer: 'alice', plaintext: h('y') });
  assert.equal(Buffer.from(r1.ciphertext, 'hex')[1], 0x00);
  await t.ok('decrypt', { party: 'alice', peer: 'bob', ciphertext: r1.ciphertext, kind: 'message' });
  await t.close();
});

test('1:1: tampering is refused and changes nothing; bundle layout is authenticated', async () => {
  const t = new Target();
  await t.ok('create', { party: 'alice' });
  await t.ok('create', { party: 'bob' });
  const { bundle, layout } = await t.ok('bundle', { party: 'bob' });
  for (const [, [s, e]] of Object.entries(layout)) {
    await t.refused('initiate', { party: 'alice', peer: 'bob', bundle: flip(bundle, s) }, 'invalid_bundle');
    await t.refused('initiate', { party: 'alice', peer: 'bob', bundle: flip(bundle, e - 1) }, 'invalid_bundle');
  }
  await t.refused('initiate', { party: 'alice', peer: 'carol', bundle }, 'invalid_bundle');
  await t.ok('initiate', { party: 'alice', peer: 'bob', bundle });
  const m1 = await t.ok('encrypt', { party: 'alice', peer: 'bob', plaintext: h('hi') });
  const before = (await t.ok('export', { party: 'bob' })).state;
  const n = m1.ciphertext.length / 2;
  for (const i of [0, 1, 5, 100, Math.floor(n / 2), n - 40, n - 1]) {
    await t.refused('decrypt', { party: 'bob', peer: 'alice', ciphertext: flip(m1.ciphertext, i), kind: 'prekey' });
  }
  await t.refused('decrypt', { party: 'bob', peer: 'alice', ciphertext: m1.ciphertext.slice(0, -2), kind: 'prekey' });
  await t.refused('decrypt', { party: 'bob', peer: 'alice', ciphertext: `${m1.ciphertext}00`, kind: 'prekey' });
  assert.equal((await t.ok('export', { party: 'bob' })).state, before, 'refusals changed bob');
  await t.ok('decrypt', { party: 'bob', peer: 'alice', ciphertext: m1.ciphertext, kind: 'prekey' });
  // a second session from the same (single-use) KeyPackage is refused
  await t.ok('create', { party: 'carol' });
  await t.ok('initiate', { party: 'carol', peer: 'bob', bundle });
  const c1 = await t.ok('encrypt', { party: 'carol', peer: 'bob', plaintext: h('c') });
  await t.refused('decrypt', { party: 'bob', peer: 'carol', ciphertext: c1.ciphertext, kind: 'prekey' });
  await t.close();
});

test('1:1: skip bound and clone', async () => {
  const t = new Target();
  await pair(t);
  const first = await t.ok('encrypt', { party: 'alice', peer: 'bob', plaintext: h('0') });
  await t.ok('decrypt', { party: 'bob', peer: 'alice', ciphertext: first.ciphertext, kind: 'prekey' });
  const r = await t.ok('encrypt', { party: 'bob', peer: 'alice', plaintext: h('r') });
  await t.ok('decrypt', { party: 'alice', peer: 'bob', ciphertext: r.ciphertext, kind: 'message' });
  const sent = [];
  for (let i = 0; i < 202; i++) sent.push(await t.ok('encrypt', { party: 'alice', peer: 'bob', plaintext: h(`m${i}`) }));
  const { state } = await t.ok('export', { party: 'bob' });
  await t.ok('import', { party: 'bob~1', state });
  // generation 201 is 201 past the next expected (0): refused; 200 is read
  await t.refused('decrypt', { party: 'bob', peer: 'alice', ciphertext: sent[201].ciphertext, kind: 'message' }, 'limit_exceeded');
  assert.equal((await t.ok('decrypt', { party: 'bob', peer: 'alice', ciphertext: sent[200].ciphertext, kind: 'message' })).plaintext, h('m200'));
  // the 10 newest skipped keys are kept, older ones evicted
  await t.ok('decrypt', { party: 'bob', peer: 'alice', ciphertext: sent[199].ciphertext, kind: 'message' });
  await t.refused('decrypt', { party: 'bob', peer: 'alice', ciphertext: sent[189].ciphertext, kind: 'message' }, 'duplicate_message');
  // the clone reads what the original could at export
  assert.equal((await t.ok('decrypt', { party: 'bob~1', peer: 'alice', ciphertext: sent[0].ciphertext, kind: 'message' })).plaintext, h('m0'));
  await t.close();
});

async function group3(t) {
  for (const p of ['alice', 'bob', 'carol']) await t.ok('create', { party: p });
  const bundles = {};
  for (const p of ['bob', 'carol']) bundles[p] = (await t.ok('bundle', { party: p })).bundle;
  const { deliveries } = await t.ok('group_create', { party: 'alice', group: 'g', members: ['bob', 'carol'], bundles });
  assert.deepEqual(deliveries.map((d) => [d.to, d.kind]), [['bob', 'control'], ['carol', 'control']]);
  for (const d of deliveries) await t.ok('group_receive', { party: d.to, group: 'g', from: 'alice', envelope: d.envelope });
}

const deliver = async (t, from, deliveries) => {
  const out = [];
  for (const d of deliveries) out.push(await t.ok('group_receive', { party: d.to, group: 'g', from, envelope: d.envelope }));
  return out;
};

test('groups: create, send, sender check, replay, update, add, remove', async () => {
  const t = new Target();
  await group3(t);
  const infos = [];
  for (const p of ['alice', 'bob', 'carol']) infos.push(await t.ok('group_info', { party: p, group: 'g' }));
  assert.equal(new Set(infos.map((i) => i.epoch)).size, 1);
  assert.deepEqual(infos[1].members.sort(), ['alice', 'bob', 'carol']);
  const e1 = await t.ok('group_encrypt', { party: 'bob', group: 'g', plaintext: h('hey') });
  assert.deepEqual(e1.deliveries.map((d) => d.to), ['alice', 'carol']);
  await t.refused('group_receive', { party: 'carol', group: 'g', from: 'alice', envelope: e1.deliveries[1].envelope }, 'invalid_message');
  const got = await deliver(t, 'bob', e1.deliveries);
  assert.deepEqual(got.map((g) => g.plaintext), [h('hey'), h('hey')]);
  await t.refused('group_receive', { party: 'carol', group: 'g', from: 'bob', envelope: e1.deliveries[1].envelope }, 'duplicate_message');
  await t.refused('group_receive', { party: 'carol', group: 'nope', from: 'bob', envelope: e1.deliveries[1].envelope }, 'bad_request');
  // update: a commit to all others; a message of the new epoch before it is no_session
  const u = await t.ok('group_update', { party: 'carol', group: 'g' });
  const e2 = await t.ok('group_encrypt', { party: 'carol', group: 'g', plaintext: h('new') });
  await t.refused('group_receive', { party: 'bob', group: 'g', from: 'carol', envelope: e2.deliveries[1].envelope }, 'no_session');
  await deliver(t, 'carol', u.deliveries);
  await deliver(t, 'carol', e2.deliveries);
  await t.refused('group_receive', { party: 'bob', group: 'g', from: 'carol', envelope: u.deliveries[1].envelope }, 'duplicate_message');
  // add dave: commit to the members before the Welcome to dave
  await t.ok('create', { party: 'dave' });
  const { bundle } = await t.ok('bundle', { party: 'dave' });
  const a = await t.ok('group_add', { party: 'alice', group: 'g', member: 'dave', bundle });
  assert.deepEqual(a.deliveries.map((d) => d.to), ['bob', 'carol', 'dave']);
  await deliver(t, 'alice', a.deliveries);
  // remove bob; a clone exported before he processes it reads nothing after
  const { state } = await t.ok('export', { party: 'bob' });
  await t.ok('import', { party: 'bob~1', state });
  const rm = await t.ok('group_remove', { party: 'alice', group: 'g', member: 'bob' });
  assert.deepEqual(rm.deliveries.map((d) => d.to).sort(), ['bob', 'carol', 'dave']);
  await deliver(t, 'alice', rm.deliveries);
  assert.equal((await t.ok('group_info', { party: 'bob', group: 'g' })).removed, true);
  const e3 = await t.ok('group_encrypt', { party: 'dave', group: 'g', plaintext: h('after') });
  assert.deepEqual(e3.deliveries.map((d) => d.to).sort(), ['alice', 'carol']);
  await deliver(t, 'dave', e3.deliveries);
  await t.refused('group_receive', { party: 'bob~1', group: 'g', from: 'dave', envelope: e3.deliveries[0].envelope });
  await t.refused('group_encrypt', { party: 'bob', group: 'g', plaintext: h('x') }, 'bad_request');
  assert.equal((await t.req('group_roster', { party: 'alice', group: 'g', members: ['alice'] })).error, 'unsupported');
  await t.close();
});

test('groups: tampering and forgery refused without change; export/import', async () => {
  const t = new Target();
  await group3(t);
  const e1 = await t.ok('group_encrypt', { party: 'bob', group: 'g', plaintext: h('hey') });
  const env = e1.deliveries[0].envelope;
  const before = (await t.ok('export', { party: 'alice' })).state;
  for (let i = 0; i < env.length / 2; i += 7) {
    await t.refused('group_receive', { party: 'alice', group: 'g', from: 'bob', envelope: flip(env, i) });
  }
  const forged = await t.ok('group_forge', { party: 'carol', group: 'g', as: 'bob' });
  await t.refused('group_receive', { party: 'alice', group: 'g', from: 'bob', envelope: forged.envelope }, 'invalid_message');
  for (const claim of [1e5, 2 ** 31, 2 ** 32 - 1]) {
    // GRP-8's far-ahead claims: refused before any key is derived, so quickly
    const far = await t.ok('group_forge', { party: 'bob', group: 'g', as: 'bob', iteration: claim });
    const t0 = Date.now();
    await t.refused('group_receive', { party: 'alice', group: 'g', from: 'bob', envelope: far.envelope }, 'limit_exceeded');
    assert.ok(Date.now() - t0 < 500, `claim ${claim} took ${Date.now() - t0} ms`);
  }
  assert.equal((await t.ok('export', { party: 'alice' })).state, before);
  const { state } = await t.ok('export', { party: 'carol' });
  await t.ok('import', { party: 'carol~1', state });
  assert.deepEqual((await t.ok('group_info', { party: 'carol~1', group: 'g' })).members.sort(), ['alice', 'bob', 'carol']);
  assert.equal((await t.ok('group_receive', { party: 'alice', group: 'g', from: 'bob', envelope: env })).plaintext, h('hey'));
  assert.equal((await t.ok('group_receive', { party: 'carol~1', group: 'g', from: 'bob', envelope: e1.deliveries[1].envelope })).plaintext, h('hey'));
  // a Welcome naming another cipher suite (byte 5: 0x0001 -> 0x0003) is refused
  await t.ok('create', { party: 'dave' });
  const add = await t.ok('group_add', { party: 'alice', group: 'g', member: 'dave', bundle: (await t.ok('bundle', { party: 'dave' })).bundle });
  const welcome = add.deliveries.find((d) => d.to === 'dave').envelope;
  assert.equal(welcome.slice(8, 12), '0001');
  await t.refused('group_receive', { party: 'dave', group: 'g', from: 'alice', envelope: flip(welcome, 5).replace(/^(.{10})../, '$103') }, 'invalid_message');
  await t.ok('group_receive', { party: 'dave', group: 'g', from: 'alice', envelope: welcome });
  await t.close();
});

test('groups: sender states are the current epoch and 4 earlier ones', async () => {
  const t = new Target();
  await group3(t);
  const early = [];
  for (let k = 0; k < 6; k++) {
    early.push(await t.ok('group_encrypt', { party: 'bob', group: 'g', plaintext: h(`e${k}`) }));
    const u = await t.ok('group_update', { party: 'bob', group: 'g' });
    await deliver(t, 'bob', u.deliveries.filter((d) => d.to === 'alice'));
  }
  // alice is 6 epochs on: the messages of the last 4 epochs she left are readable, older not
  const got = [];
  for (const e of early) {
    const r = await t.req('group_receive', { party: 'alice', group: 'g', from: 'bob', envelope: e.deliveries[0].envelope });
    got.push(r.ok ? 'read' : r.error);
  }
  assert.deepEqual(got, ['duplicate_message', 'duplicate_message', 'read', 'read', 'read', 'read']);
  await t.close();
});
