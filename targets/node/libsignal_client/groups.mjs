// groups.mjs: PTP 1.3 group ops over libsignal's Sender Keys, with the rules an application
// applies around them (the library gives only groupEncrypt / groupDecrypt, the distribution
// message and its processing; who gets which key, when to rotate and what binds a message to
// a group are the app's).
//
// Adapter rules (as Signal's apps apply them; docs/writing-a-target.md says more):
//   * the roster is the server's (hello group_roster "server"); a member's view is the
//     creator's list, then every group_roster announcement;
//   * a member sends under a distribution id (a UUID) of its own per group; after a removal or
//     group_update it takes a fresh one (a rotation: a new chain, a new signing key) and
//     deletes the old record;
//   * the SenderKeyDistributionMessage goes to each member that lacks the current key, inside
//     the pairwise session, in a control envelope of this target's own:
//         0xc1 | pairwise kind (0x01 prekey, 0x02 message) | Signal ciphertext
//     whose plaintext is  L (1 byte) | group name (L bytes) | SKDM  and is refused when it
//     names another group; the key is filed under `from` (the pairwise session's peer);
//   * the application envelope is the library's SenderKeyMessage, unchanged;
//   * binding: a receiver reads an application message only if its distribution id is one it
//     filed for (this group, `from`); a distribution id already filed elsewhere is refused;
//   * a removed member's keys are forgotten (records deleted) and the sender rotates before
//     its next send; a party removed from the roster drops its own key;
//   * per (group, sender) at most MAX_SENDER_KEY_STATES distribution ids are kept, the oldest
//     record deleted: the library bounds states per record by that constant, and a rotation
//     here is a new record, so the adapter applies the same bound across them.

import { createCipheriv, createHmac, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { refuse, name, names, hex, uint, toHex, delivery, isName } from '../ptp.mjs';
import { storesOf, identityKeyPair } from './stores.mjs';

// Bounds for Sender Keys, the library's own constants (signalapp/libsignal, rust/protocol/src):
//  group_max_skip = consts::MAX_FORWARD_JUMPS = 25_000: group_cipher.rs get_sender_key refuses
//    `jump > consts::MAX_FORWARD_JUMPS` ("message from too far into the future");
//  group_max_skipped_keys = consts::MAX_MESSAGE_KEYS = 2000: sender_keys.rs
//    add_sender_message_key drops the oldest beyond it;
//  group_max_sender_states = consts::MAX_SENDER_KEY_STATES = 5: sender_keys.rs
//    add_sender_key_state pops the oldest state beyond it.
export const GROUP_MAX_SKIP = 25000;
export const GROUP_MAX_SENDER_STATES = 5;
export const GROUP_LIMITS = { group_max_skip: GROUP_MAX_SKIP, group_max_skipped_keys: 2000, group_max_sender_states: 5 };

const CONTROL = 0xc1;
const PAIRWISE_KIND = { prekey: 0x01, message: 0x02 };
const KIND_OF_BYTE = { 1: 'prekey', 2: 'message' };

function newGroup(roster) {
  // roster: sorted names (itself included while a member); own: its distribution id or null;
  // sent_to: members holding `own`; senders: member -> its distribution ids, newest first.
  return { roster: [...roster].sort(), removed: false, own: null, sent_to: [], rotate: false, senders: {} };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Strict shape check of an imported party's groups (throws Error with what is wrong). */
export function checkGroups(groups) {
  const need = (ok, what) => { if (!ok) throw new Error(`group state: ${what}`); };
  const nameList = (v) => Array.isArray(v) && v.every((x) => isName(x))
    && new Set(v).size === v.length;
  for (const [g, st] of Object.entries(groups)) {
    need(isName(g) && st !== null && typeof st === 'object', `group ${g}`);
    need(Object.keys(st).sort().join() === 'own,removed,roster,rotate,senders,sent_to', `fields of ${g}`);
    need(nameList(st.roster) && nameList(st.sent_to), `roster or sent_to of ${g}`);
    need(typeof st.removed === 'boolean' && typeof st.rotate === 'boolean', `flags of ${g}`);
    need(st.own === null || (typeof st.own === 'string' && UUID.test(st.own)), `own key of ${g}`);
    need(st.senders !== null && typeof st.senders === 'object' && !Array.isArray(st.senders), `senders of ${g}`);
    for (const [s, ids] of Object.entries(st.senders)) {
      need(isName(s) && Array.isArray(ids) && ids.length <= GROUP_MAX_SENDER_STATES
        && ids.every((d) => typeof d === 'string' && UUID.test(d)), `sender ${s} of ${g}`);
    }
  }
}

// ---- a minimal protobuf reader, for SenderKeyRecord (group_forge only) ----

function readVarint(b, pos) {
  let v = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= b.length) throw new Error('truncated varint');
    const byte = b[pos++];
    v |= BigInt(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return [Number(v), pos];
    shift += 7n;
  }
}

/** Fields of one protobuf message: [{no, value}] (varints as numbers, bytes as Buffers). */
function fields(b) {
  const out = [];
  let pos = 0;
  while (pos < b.length) {
    let key;
    [key, pos] = readVarint(b, pos);
    const no = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) {
      let v;
      [v, pos] = readVarint(b, pos);
      out.push({ no, value: v });
    } else if (wire === 2) {
      let len;
      [len, pos] = readVarint(b, pos);
      out.push({ no, value: b.subarray(pos, pos + len) });
      pos += len;
    } else if (wire === 5) {
      pos += 4;
    } else if (wire === 1) {
      pos += 8;
    } else {
      throw new Error(`wire type ${wire}`);
    }
  }
  return out;
}

const one = (fs, no, dflt) => (fs.find((f) => f.no === no) || { value: dflt }).value;

/**
 * The current state of a SenderKeyRecord (rust/protocol/src/proto/storage.proto:
 * SenderKeyRecordStructure.sender_key_states = 1; SenderKeyStateStructure: chain_id = 1,
 * sender_chain_key = 2 {iteration = 1, seed = 2}, sender_signing_key = 3 {public = 1,
 * private = 2}, sender_message_keys = 4 {iteration = 1, seed = 2}, message_version = 5).
 */
function currentSenderKeyState(record) {
  const state = one(fields(Buffer.from(record)), 1, null);
  if (state === null) throw new Error('empty sender key record');
  const s = fields(state);
  const chain = fields(one(s, 2, Buffer.alloc(0)));
  const signing = fields(one(s, 3, Buffer.alloc(0)));
  return {
    chainId: one(s, 1, 0),
    version: one(s, 5, 0) || 3,
    iteration: one(chain, 1, 0),
    seed: Buffer.from(one(chain, 2, Buffer.alloc(0))),
    signingPrivate: Buffer.from(one(signing, 2, Buffer.alloc(0))),
    skipped: new Map(s.filter((f) => f.no === 4).map((f) => {
      const k = fields(f.value);
      return [one(k, 1, 0), Buffer.from(one(k, 2, Buffer.alloc(0)))];
    })),
  };
}

// Sender Keys' chain step as the library computes it (sender_keys.rs SenderChainKey:
// message key seed = HMAC-SHA256(chain key, 0x01), next chain key = HMAC-SHA256(chain key,
// 0x02); SenderMessageKey: HKDF-SHA256(no salt, seed, "WhisperGroup") -> iv 16 || key 32).
const hmac1 = (key, byte) => createHmac('sha256', key).update(Buffer.from([byte])).digest();

function senderMessageKey(seed) {
  const okm = Buffer.from(hkdfSync('sha256', seed, Buffer.alloc(0), Buffer.from('WhisperGroup'), 48));
  return { iv: okm.subarray(0, 16), key: okm.subarray(16, 48) };
}

// ---- the handlers ----

export function groupHandlers({ S, partyOf, atomic, address, encryptPairwise, decryptPairwise }) {
  function groupOf(req, known = true) {
    const party = partyOf(req);
    const g = name(req, 'group');
    const state = party.groups[g];
    if (known && state === undefined) refuse('bad_request', `unknown group ${g}`);
    return { party, g, state };
  }

  function memberGroup(req) {
    const r = groupOf(req);
    if (r.state.removed || !r.state.roster.includes(r.party.address)) {
      refuse('bad_request', `${r.party.address} is not a member of ${r.g}`);
    }
    return r;
  }

  const dropRecord = (party, sender, distId) => { delete party.sender_keys[`${sender}/${distId}`]; };

  /** WhatsApp's and Signal's rules for a new roster (see the header). */
  function applyRoster(party, state, members) {
    const me = party.address;
    const gone = state.roster.filter((m) => !members.includes(m));
    for (const m of gone) {
      for (const d of state.senders[m] || []) dropRecord(party, m, d);
      delete state.senders[m];
    }
    state.roster = [...members].sort();
    if (members.includes(me)) {
      state.removed = false;
      state.rotate = state.rotate || gone.length > 0;
      state.sent_to = state.sent_to.filter((m) => members.includes(m));
    } else {
      if (state.own !== null) dropRecord(party, me, state.own);
      Object.assign(state, { removed: true, own: null, sent_to: [], rotate: false });
    }
  }

  /** Where `distId` is filed in this party, other than under (group, sender). */
  function filedElsewhere(party, g, sender, distId) {
    for (const [gn, st] of Object.entries(party.groups)) {
      if (st.own === distId) return `${gn} (its own)`;
      for (const [s, ids] of Object.entries(st.senders)) {
        if ((gn !== g || s !== sender) && ids.includes(distId)) return `${gn} from ${s}`;
      }
    }
    return null;
  }

  return {
    group_create(req) {
      const { party, g, state } = groupOf(req, false);
      const members = names(req, 'members');
      if (state !== undefined || members.includes(party.address)) {
        refuse('bad_request', `group ${g} exists, or members names the creator`);
      }
      party.groups[g] = newGroup([party.address, ...members]);
      return { deliveries: [] }; // keys go out with the first send
    },

    group_add(req) {
      const { party, g, state } = memberGroup(req);
      const member = name(req, 'member');
      if (state.roster.includes(member)) refuse('bad_request', `${member} is already in ${g}`);
      // The newcomer gets the current key, at its current iteration, with the next send.
      state.roster = [...state.roster, member].sort();
      return { deliveries: [] };
    },

    group_remove(req) {
      const { party, g, state } = memberGroup(req);
      const member = name(req, 'member');
      if (!state.roster.includes(member) || member === party.address) {
        refuse('bad_request', `${member} is not another member of ${g}`);
      }
      applyRoster(party, state, state.roster.filter((m) => m !== member));
      return { deliveries: [] };
    },

    group_roster(req) {
      const { party, g } = groupOf(req, false);
      const members = names(req, 'members');
      if (party.groups[g] === undefined) party.groups[g] = newGroup([]);
      applyRoster(party, party.groups[g], members);
      return { deliveries: [] };
    },

    group_update(req) {
      const { state } = memberGroup(req);
      state.rotate = true; // a fresh distribution id, sent to everyone with the next message
      return { deliveries: [] };
    },

    group_info(req) {
      const { state } = groupOf(req);
      return { members: state.roster, removed: state.removed }; // no epoch: the server's roster
    },

    async group_encrypt(req) {
      const { party, g, state } = memberGroup(req);
      const plaintext = hex(req, 'plaintext');
      const me = address(party.address);
      return atomic(party, async () => {
        const st = storesOf(party);
        if (state.own === null || state.rotate) {
          if (state.own !== null) dropRecord(party, party.address, state.own);
          Object.assign(state, { own: randomUUID(), sent_to: [], rotate: false });
        }
        const deliveries = [];
        const missing = state.roster.filter((m) => m !== party.address && !state.sent_to.includes(m));
        if (missing.length > 0) {
          // create() makes the key (chain id, chain key, signing key) on first use and
          // otherwise describes it at its current iteration: a newcomer reads from now on.
          const skdm = await S.SenderKeyDistributionMessage.create(me, state.own, st.senderKeys);
          const gname = Buffer.from(g);
          const inner = Buffer.concat([Buffer.from([gname.length]), gname, Buffer.from(skdm.serialize())]);
          for (const m of missing) {
            const { ciphertext, kind } = await encryptPairwise(party, m, inner);
            deliveries.push(delivery(m, Buffer.concat([Buffer.from([CONTROL, PAIRWISE_KIND[kind]]), ciphertext]), 'control'));
          }
        }
        const msg = await S.groupEncrypt(me, state.own, st.senderKeys, new Uint8Array(plaintext));
        const envelope = Buffer.from(msg.serialize());
        for (const m of state.roster) if (m !== party.address) deliveries.push(delivery(m, envelope, 'application'));
        state.sent_to = state.roster.filter((m) => m !== party.address);
        return { deliveries };
      });
    },

    async group_forge(req) {
      const { party, g, state } = memberGroup(req);
      const as = name(req, 'as');
      const iteration = uint(req, 'iteration', { optional: true, below: 2 ** 32 });
      const distId = as === party.address ? state.own : (state.senders[as] || [])[0];
      const record = distId == null ? undefined : party.sender_keys[`${as}/${distId}`];
      if (record === undefined) refuse('no_session', `no chain of ${as} in ${g}`);
      const chain = currentSenderKeyState(Buffer.from(record, 'hex'));
      const n = iteration === undefined ? chain.iteration : iteration;
      // The message key at n: a kept skipped key, or derived forward within the bound; far past
      // the bound (or behind with no key kept) it is random: a receiver must refuse it unread.
      let seed = chain.skipped.get(n);
      if (n >= chain.iteration && n - chain.iteration <= GROUP_MAX_SKIP + 1) {
        let ck = chain.seed;
        for (let i = chain.iteration; i < n; i++) ck = hmac1(ck, 0x02);
        seed = hmac1(ck, 0x01);
      }
      if (seed === undefined) seed = randomBytes(32);
      const { iv, key } = senderMessageKey(seed);
      const c = createCipheriv('aes-256-cbc', key, iv);
      const ciphertext = Buffer.concat([c.update(Buffer.from('forged')), c.final()]);
      // Signed with this party's own key: its sender signing key if it has one, else its identity.
      let signer;
      const own = state.own === null ? undefined : party.sender_keys[`${party.address}/${state.own}`];
      if (own !== undefined) signer = S.PrivateKey.deserialize(new Uint8Array(currentSenderKeyState(Buffer.from(own, 'hex')).signingPrivate));
      else signer = identityKeyPair(party).privateKey;
      const msg = S.SenderKeyMessage._new(chain.version, distId, chain.chainId, n, new Uint8Array(ciphertext), signer);
      return { envelope: toHex(msg.serialize()) };
    },

    async group_receive(req) {
      const { party, g, state } = memberGroup(req);
      const from = name(req, 'from');
      const data = hex(req, 'envelope');
      if (data.length > 0 && data[0] === CONTROL) {
        if (!state.roster.includes(from) || from === party.address) {
          refuse('bad_request', `control delivery from ${from}, not another member`);
        }
        const kind = KIND_OF_BYTE[data[1]];
        if (kind === undefined) refuse('invalid_message', 'bad pairwise kind');
        return atomic(party, async () => {
          const inner = await decryptPairwise(party, from, data.subarray(2), kind);
          const len = inner[0];
          if (inner.length < 1 + len || inner.subarray(1, 1 + len).toString() !== g) {
            refuse('invalid_message', `a key distribution for another group than ${g}`);
          }
          let skdm;
          try {
            skdm = S.SenderKeyDistributionMessage.deserialize(new Uint8Array(inner.subarray(1 + len)));
          } catch (e) {
            refuse('invalid_message', `not a SenderKeyDistributionMessage: ${e.message}`);
          }
          const distId = skdm.distributionId();
          const where = filedElsewhere(party, g, from, distId);
          if (where !== null) refuse('invalid_message', `distribution id ${distId} is already filed for ${where}`);
          await S.processSenderKeyDistributionMessage(address(from), skdm, storesOf(party).senderKeys);
          const ids = [distId, ...(state.senders[from] || []).filter((d) => d !== distId)];
          for (const old of ids.slice(GROUP_MAX_SENDER_STATES)) dropRecord(party, from, old);
          state.senders[from] = ids.slice(0, GROUP_MAX_SENDER_STATES);
          return { kind: 'control' };
        });
      }
      let msg;
      try {
        msg = S.SenderKeyMessage.deserialize(new Uint8Array(data));
      } catch (e) {
        refuse('invalid_message', `not a group envelope: ${e.message}`);
      }
      const distId = msg.distributionId();
      if (from === party.address) {
        // Its own message (a clone given what the original sent): never read back.
        const behind = distId === state.own && party.sender_keys[`${from}/${distId}`] !== undefined
          && msg.iteration() < currentSenderKeyState(Buffer.from(party.sender_keys[`${from}/${distId}`], 'hex')).iteration;
        refuse(behind ? 'duplicate_message' : 'no_session', 'a message of its own sender key');
      }
      if (!(state.senders[from] || []).includes(distId)) {
        const where = filedElsewhere(party, g, from, distId);
        if (where !== null) refuse('invalid_message', `distribution id ${distId} belongs to ${where}, not ${g} from ${from}`);
        refuse('no_session', `no sender key ${distId} of ${from} in ${g}`);
      }
      return atomic(party, async () => {
        const plaintext = await S.groupDecrypt(address(from), storesOf(party).senderKeys, new Uint8Array(data));
        return { kind: 'application', plaintext: toHex(plaintext) };
      });
    },
  };
}
