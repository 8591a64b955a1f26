// ptp.mjs: the target side of PTP/1 for Parity's Node targets (docs/ptp.md).
//
// A target module gives `serve` a hello body and a table of op handlers; this file does the
// rest of the protocol: one JSON object per line in and out, the request id echoed, a line
// that is not a JSON object answered with id null and bad_request, an unknown op answered
// unsupported, `hello` with another ptp version answered unsupported, and end of input
// ending the process with status 0. Handlers run one at a time, in order (PTP alternates
// strictly), and may be async. A refusal is a thrown PtpError; any other exception is
// `internal` with its message in `detail`, logged to stderr, and costs one request.
//
// The request readers below (`party`, `hex`, ...) refuse malformed fields with bad_request,
// so handlers only see well-formed values.

import { once } from 'node:events';
import { createInterface } from 'node:readline';

export const ERROR_CODES = Object.freeze([
  'unsupported', 'bad_request', 'invalid_bundle', 'no_session', 'invalid_message',
  'duplicate_message', 'untrusted_identity', 'limit_exceeded', 'internal',
]);

// The request fields that only a target declaring `inject` may honour (ptp.md, groups.md).
export const INJECT_FIELDS = Object.freeze([
  'identity_private', 'registration_id', 'signed_prekey_private', 'signed_prekey_id',
  'onetime_prekey_private', 'prekey_id', 'base_private', 'ratchet_private',
  'chain_key', 'signing_private', 'chain_id',
]);

const NAME = /^[a-z0-9_.~-]{1,64}$/;
const HEX = /^(?:[0-9a-f]{2})*$/;

/** A refusal: becomes {"ok": false, "error": code, "detail": detail}. */
export class PtpError extends Error {
  constructor(code, detail) {
    super(detail);
    if (!ERROR_CODES.includes(code)) throw new Error(`PtpError: unknown code ${code}`);
    this.code = code;
    this.detail = detail;
  }
}

export function refuse(code, detail) {
  throw new PtpError(code, detail);
}

// ---- request readers: each refuses a missing or malformed field with bad_request ----

function field(req, key, optional) {
  const v = req[key];
  if (v === undefined || v === null) {
    if (optional) return undefined;
    refuse('bad_request', `missing field "${key}"`);
  }
  return v;
}

/** A party or group name ([a-z0-9_.~-]{1,64}). */
export function name(req, key, { optional = false } = {}) {
  const v = field(req, key, optional);
  if (v === undefined) return v;
  if (typeof v !== 'string' || !NAME.test(v)) refuse('bad_request', `"${key}" is not a party name`);
  return v;
}

/** A list of names, without repeats. */
export function names(req, key, { optional = false } = {}) {
  const v = field(req, key, optional);
  if (v === undefined) return v;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !NAME.test(x))) {
    refuse('bad_request', `"${key}" is not a list of party names`);
  }
  if (new Set(v).size !== v.length) refuse('bad_request', `"${key}" names a party twice`);
  return v;
}

/** A byte string (lowercase hex) as a Uint8Array backed by a Buffer. */
export function hex(req, key, { optional = false, length } = {}) {
  const v = field(req, key, optional);
  if (v === undefined) return v;
  if (typeof v !== 'string' || !HEX.test(v)) refuse('bad_request', `"${key}" is not lowercase hex`);
  const bytes = Buffer.from(v, 'hex');
  if (length !== undefined && bytes.length !== length) {
    refuse('bad_request', `"${key}" must be ${length} bytes, not ${bytes.length}`);
  }
  return bytes;
}

/** A non-negative integer within 0..2^53-1, optionally below `below`. */
export function uint(req, key, { optional = false, below } = {}) {
  const v = field(req, key, optional);
  if (v === undefined) return v;
  if (!Number.isSafeInteger(v) || v < 0) refuse('bad_request', `"${key}" is not a non-negative integer`);
  if (below !== undefined && v >= below) refuse('bad_request', `"${key}" must be below ${below}`);
  return v;
}

/** A string field (free text or one of `choices`). */
export function string(req, key, { optional = false, choices } = {}) {
  const v = field(req, key, optional);
  if (v === undefined) return v;
  if (typeof v !== 'string') refuse('bad_request', `"${key}" is not a string`);
  if (choices !== undefined && !choices.includes(v)) refuse('bad_request', `"${key}" must be one of ${choices.join(', ')}`);
  return v;
}

/** An object mapping names to byte strings ({party: hex}). */
export function hexMap(req, key, { optional = false } = {}) {
  const v = field(req, key, optional);
  if (v === undefined) return v;
  if (typeof v !== 'object' || Array.isArray(v)) refuse('bad_request', `"${key}" is not an object`);
  const out = new Map();
  for (const [k, x] of Object.entries(v)) {
    if (!NAME.test(k)) refuse('bad_request', `"${key}" has a key that is not a party name`);
    if (typeof x !== 'string' || !HEX.test(x)) refuse('bad_request', `"${key}.${k}" is not lowercase hex`);
    out.set(k, Buffer.from(x, 'hex'));
  }
  return out;
}

/** Bytes (a typed array, or an array of byte values) as lowercase hex. */
export const toHex = (bytes) => (ArrayBuffer.isView(bytes)
  ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  : Buffer.from(bytes)).toString('hex');

/** Whether `v` is a party or group name ([a-z0-9_.~-]{1,64}), for state read back by import. */
export const isName = (v) => typeof v === 'string' && NAME.test(v);

/** A delivery entry of a group op's `deliveries`. */
export function delivery(to, envelope, kind) {
  return { to, envelope: toHex(envelope), kind };
}

// ---- the loop ----

async function respond(line, hello, handlers) {
  let req;
  try {
    req = JSON.parse(line);
  } catch {
    req = undefined;
  }
  if (req === null || typeof req !== 'object' || Array.isArray(req)) {
    return { id: null, ok: false, error: 'bad_request', detail: 'request is not a JSON object' };
  }
  const id = req.id === undefined ? null : req.id;
  const op = req.op;
  try {
    if (typeof op !== 'string') refuse('bad_request', 'missing "op"');
    if (op === 'hello') {
      if (req.ptp !== 1) refuse('unsupported', `ptp ${JSON.stringify(req.ptp)} not spoken (1 is)`);
      return { id, ok: true, ...hello };
    }
    const handler = Object.hasOwn(handlers, op) ? handlers[op] : undefined;
    if (handler === undefined) refuse('unsupported', `unknown op "${op}"`);
    if (!hello.capabilities.includes('inject')) {
      const injected = INJECT_FIELDS.find((k) => req[k] !== undefined && req[k] !== null);
      if (injected !== undefined) refuse('unsupported', `"${injected}" needs capability inject`);
    }
    const body = (await handler(req)) ?? {};
    return { id, ok: true, ...body };
  } catch (e) {
    if (e instanceof PtpError) return { id, ok: false, error: e.code, detail: e.detail };
    process.stderr.write(`${op}: ${e && e.stack ? e.stack : e}\n`);
    return { id, ok: false, error: 'internal', detail: `${e && e.name ? e.name : 'Error'}: ${e && e.message ? e.message : e}` };
  }
}

/**
 * Serves PTP on stdin/stdout until end of input, then exits 0.
 * @param hello the hello body (ptp, implementation, version, protocol, capabilities, limits, ...)
 * @param handlers {op: async (request) => response fields}
 */
export async function serve(hello, handlers) {
  // No line cap here: the suite bounds what it sends (DOS-3 sends 16 MiB ciphertexts).
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  for await (const line of lines) {
    const response = await respond(line, hello, handlers);
    // Backpressure: a large response waits until the suite has read the one before.
    if (!process.stdout.write(`${JSON.stringify(response)}\n`)) await once(process.stdout, 'drain');
  }
  // Every response flushed before exiting (the native modules may hold the loop open).
  await new Promise((resolve) => process.stdout.write('', resolve));
  process.exit(0);
}

/**
 * Loads a package from targets/node/node_modules, or exits with one line on stderr that says
 * how to install it (a target that cannot start must say why, not crash with a stack).
 */
export async function requirePackage(specifier) {
  try {
    return await import(specifier);
  } catch (e) {
    const major = Number(process.versions.node.split('.')[0]);
    const why = major < 20
      ? `Node ${process.versions.node} is too old (20 or later is needed)`
      : `${specifier} is not installed (run scripts/install-deps.sh, which runs npm ci in targets/node)`;
    process.stderr.write(`parity node target: cannot load ${specifier}: ${why}: ${e.message}\n`);
    process.exit(3);
  }
}
