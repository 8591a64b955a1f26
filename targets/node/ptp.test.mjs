// ptp.test.mjs: the shared PTP loop (ptp.mjs) driven as a child process, line by line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./echo_target.testdata.mjs', import.meta.url));

// run sends the lines (strings or objects) and returns the parsed responses and the status.
function run(lines, args = []) {
  const input = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
  const r = spawnSync(process.execPath, [script, ...args], { input, encoding: 'utf8', timeout: 20000, maxBuffer: 64 << 20 });
  const out = r.stdout.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
  return { out, status: r.status, stderr: r.stderr };
}

test('hello answers ptp 1 and refuses another version', () => {
  const { out, status } = run([{ id: 1, op: 'hello', ptp: 1 }, { id: 2, op: 'hello', ptp: 2 }]);
  assert.equal(status, 0);
  assert.deepEqual(out[0], { id: 1, ok: true, ptp: 1, implementation: 'echo', version: '0', protocol: 'custom:echo', capabilities: [] });
  assert.equal(out[1].ok, false);
  assert.equal(out[1].error, 'unsupported');
});

test('a line that is not a JSON object gets id null and bad_request; the loop goes on', () => {
  const { out } = run(['not json', '[1,2]', 'null', '{"id":5,"op":"reset"}']);
  assert.deepEqual(out.slice(0, 3).map((r) => [r.id, r.error]), [[null, 'bad_request'], [null, 'bad_request'], [null, 'bad_request']]);
  assert.deepEqual(out[3], { id: 5, ok: true });
});

test('unknown op is unsupported, a missing op bad_request, and prototype names are not ops', () => {
  const { out } = run([{ id: 1, op: 'nope' }, { id: 2 }, { id: 3, op: 'constructor' }, { id: 4, op: 'toString' }]);
  assert.deepEqual(out.map((r) => r.error), ['unsupported', 'bad_request', 'unsupported', 'unsupported']);
});

test('readers accept well-formed fields and refuse malformed ones with bad_request', () => {
  const good = { id: 1, op: 'echo', party: 'bob~1', data: '00ff', n: 7, members: ['a', 'b'], bundles: { a: '01' }, kind: 'prekey' };
  const { out } = run([
    good,
    { ...good, id: 2, party: 'Bob' },
    { ...good, id: 3, data: '0' },
    { ...good, id: 4, data: 'AB' },
    { ...good, id: 5, n: -1 },
    { ...good, id: 6, n: 2 ** 31 },
    { ...good, id: 7, n: 1.5 },
    { ...good, id: 8, members: ['a', 'a'] },
    { ...good, id: 9, bundles: { a: 'xy' } },
    { ...good, id: 10, kind: 'other' },
    { id: 11, op: 'echo', data: '' },
  ]);
  assert.deepEqual(out[0], { id: 1, ok: true, party: 'bob~1', data: '00ff', n: 7, members: ['a', 'b'], bundles: { a: '01' }, kind: 'prekey' });
  for (const r of out.slice(1)) assert.equal(r.error, 'bad_request', JSON.stringify(r));
  assert.deepEqual(out.slice(1).map((r) => r.id), [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
});

test('refusals keep their code; exceptions are internal and the loop survives', () => {
  const { out, stderr } = run([{ id: 1, op: 'refuse' }, { id: 2, op: 'crash' }, { id: 3, op: 'slow' }]);
  assert.deepEqual([out[0].error, out[0].detail], ['no_session', 'nothing here']);
  assert.equal(out[1].error, 'internal');
  assert.match(out[1].detail, /TypeError: boom/);
  assert.match(stderr, /boom/);
  assert.deepEqual(out[2], { id: 3, ok: true, slow: true });
});

test('inject fields are unsupported without capability inject and passed on with it', () => {
  const req = { id: 1, op: 'echo', party: 'a', data: '', ratchet_private: '00'.repeat(32) };
  assert.equal(run([req]).out[0].error, 'unsupported');
  assert.equal(run([req], ['--inject']).out[0].ok, true);
});

test('deliveries are hex with their kind', () => {
  const { out } = run([{ id: 1, op: 'deliver', to: 'bob', envelope: 'abcd' }]);
  assert.deepEqual(out[0].deliveries, [{ to: 'bob', envelope: 'abcd', kind: 'control' }]);
});

test('a long line (4 MiB of hex) is read whole', () => {
  const data = 'ab'.repeat(2 * 1024 * 1024);
  const { out } = run([{ id: 1, op: 'echo', party: 'a', data }]);
  assert.equal(out[0].data.length, data.length);
});
