// groups.mjs: PTP 1.3 group ops over ts-mls (roster "protocol", members join from bundles).
//
// A PTP group is one MLS group whose group_id is the UTF-8 group name; a member's MLS
// identity is a basic credential holding its PTP party name. Deliveries:
//   group_create  the creator makes the group and adds everyone in one commit; a Welcome
//                 (control) to each member (nobody else needs the commit)
//   group_add     the commit (control) to the existing members, then the Welcome to the new one
//   group_remove  the commit to every remaining member and to the removed one
//   group_update  an empty commit (ts-mls adds a path update to an empty commit) to all others
//   group_encrypt one PrivateMessage, the same bytes to every other member
// The performer applies its own commit at once (the suite is a server that accepts every
// commit in the order made). Every op works on the ts-mls state value and stores the new
// one only when it succeeds, so a refusal changes nothing.

import { PtpError, refuse, name, names, hex, hexMap, uint, delivery, toHex } from '../ptp.mjs';
import * as M from './mls.mjs';

const te = new TextEncoder();

function mlsMessage(kind, body) {
  return M.encodeMessage({ [kind]: body, wireformat: `mls_${kind === 'privateMessage' ? 'private_message' : kind}`, version: 'mls10' });
}

export function groupHandlers(P) {
  // P: { party(req) → party record }
  function groupOf(req, { active = true } = {}) {
    const party = P.party(req);
    const group = name(req, 'group');
    const rec = party.groups.get(group);
    if (!rec) refuse('bad_request', `unknown group ${group}`);
    if (active && rec.removed) refuse('bad_request', `${party.name} was removed from ${group}`);
    return { party, group, rec };
  }

  async function commit(state, options) {
    try {
      return await M.createCommitMod.createCommit({ state, cipherSuite: M.impl }, { ratchetTreeExtension: true, ...options });
    } catch (e) {
      if (e instanceof PtpError) throw e;
      if (/key ?package|KeyPackage|credential|signature/i.test(String(e.message))) refuse('invalid_bundle', `ts-mls: ${e.message}`);
      throw e;
    }
  }

  const others = (state, me) => M.members(state).filter((m) => m !== me);

  return {
    async group_create(req) {
      const party = P.party(req);
      const group = name(req, 'group');
      const members = names(req, 'members');
      const bundles = hexMap(req, 'bundles', { optional: true }) ?? new Map();
      if (party.groups.has(group) && !party.groups.get(group).removed) refuse('bad_request', `group ${group} exists`);
      if (members.includes(party.name)) refuse('bad_request', 'members must not name the creator');
      const adds = [];
      for (const m of members) {
        if (!bundles.has(m)) refuse('bad_request', `no bundle for ${m} (group_bundles: true)`);
        adds.push({ proposalType: 'add', add: { keyPackage: await M.decodeBundle(bundles.get(m), m, refuse) } });
      }
      const own = await M.newKeyPackage(party.name, party.sig);
      let state = await M.clientState.createGroup(te.encode(group), own.publicPackage, own.privatePackage, [], M.impl, M.clientConfig);
      const deliveries = [];
      if (adds.length > 0) {
        const r = await commit(state, { extraProposals: adds });
        state = r.newState;
        const welcome = mlsMessage('welcome', r.welcome);
        for (const m of members) deliveries.push(delivery(m, welcome, 'control'));
      }
      party.groups.set(group, { state, removed: false });
      return { deliveries };
    },

    async group_add(req) {
      const { party, group, rec } = groupOf(req);
      const member = name(req, 'member');
      const bundle = hex(req, 'bundle', { optional: true });
      if (bundle === undefined) refuse('bad_request', 'group_add needs "bundle" (group_bundles: true)');
      if (M.members(rec.state).includes(member)) refuse('bad_request', `${member} is already a member`);
      const kp = await M.decodeBundle(bundle, member, refuse);
      const before = others(rec.state, party.name);
      const r = await commit(rec.state, { extraProposals: [{ proposalType: 'add', add: { keyPackage: kp } }] });
      const c = M.encodeMessage(r.commit);
      const deliveries = before.map((m) => delivery(m, c, 'control'));
      deliveries.push(delivery(member, mlsMessage('welcome', r.welcome), 'control'));
      party.groups.set(group, { state: r.newState, removed: false });
      return { deliveries };
    },

    async group_remove(req) {
      const { party, group, rec } = groupOf(req);
      const member = name(req, 'member');
      if (member === party.name) refuse('unsupported', 'a member removing itself (a self-remove proposal) is not offered');
      const leaf = M.leafIndexOf(rec.state, member);
      if (leaf === undefined) refuse('bad_request', `${member} is not a member`);
      const before = others(rec.state, party.name);
      const r = await commit(rec.state, { extraProposals: [{ proposalType: 'remove', remove: { removed: leaf } }] });
      const c = M.encodeMessage(r.commit);
      party.groups.set(group, { state: r.newState, removed: false });
      return { deliveries: before.map((m) => delivery(m, c, 'control')) };
    },

    async group_update(req) {
      const { party, group, rec } = groupOf(req);
      const r = await commit(rec.state, {});
      const c = M.encodeMessage(r.commit);
      party.groups.set(group, { state: r.newState, removed: false });
      return { deliveries: others(rec.state, party.name).map((m) => delivery(m, c, 'control')) };
    },

    async group_roster() {
      refuse('unsupported', 'the roster is MLS group state (group_roster "protocol")');
    },

    async group_encrypt(req) {
      const { party, group, rec } = groupOf(req);
      const plaintext = hex(req, 'plaintext');
      const r = await M.createMessage.createApplicationMessage(rec.state, plaintext, M.impl);
      const env = mlsMessage('privateMessage', r.privateMessage);
      party.groups.set(group, { state: r.newState, removed: false });
      return { deliveries: others(rec.state, party.name).map((m) => delivery(m, env, 'application')) };
    },

    async group_forge(req) {
      // An application message with `as`'s secret-tree chain (every member can derive every
      // leaf's chain in MLS) under the performer's own signature key: what a malicious member
      // can build. The receiver must refuse it (signature by the sender leaf's key).
      const { party, rec } = groupOf(req);
      const as = name(req, 'as');
      const iteration = uint(req, 'iteration', { optional: true });
      const leaf = M.leafIndexOf(rec.state, as);
      if (leaf === undefined) refuse('bad_request', `${as} is not a member`);
      const st = rec.state;
      const tree = st.secretTree.slice();
      const node = tree[leaf * 2];
      let app = node.application;
      if (iteration !== undefined && iteration !== app.generation) {
        if (iteration > app.generation && iteration - app.generation <= 2000) {
          [app] = await M.secretTreeMod.ratchetUntil(app, iteration, { ...M.RETENTION, maximumForwardRatchetSteps: Infinity }, M.impl.kdf);
        } else {
          // Far ahead or behind: a random chain secret at that generation; the receiver must
          // refuse the message before it could derive anything anyway.
          app = { secret: M.impl.rng.randomBytes(M.impl.kdf.size), generation: iteration, unusedGenerations: {} };
        }
      }
      tree[leaf * 2] = { ...node, application: app };
      const r = await M.messageProtection.protectApplicationData(st.signaturePrivateKey, st.keySchedule.senderDataSecret,
        new TextEncoder().encode('forged'), new Uint8Array(), st.groupContext, tree, leaf, st.clientConfig.paddingConfig, M.impl);
      return { envelope: toHex(mlsMessage('privateMessage', r.privateMessage)) };
    },

    async group_receive(req) {
      const party = P.party(req);
      const group = name(req, 'group');
      const from = name(req, 'from');
      const envelope = hex(req, 'envelope');
      const msg = M.decodeMessage(envelope);
      if (!msg) refuse('invalid_message', 'not an MLSMessage');
      const rec = party.groups.get(group);
      if (msg.wireformat === 'mls_welcome') {
        if (rec && !rec.removed) refuse('duplicate_message', `already a member of ${group}`);
        const { state, ref } = await M.joinFromWelcome(msg.welcome, party.kps, party.usedKps, te.encode(group), from);
        party.kps.delete(ref);
        party.usedKps.add(ref);
        party.groups.set(group, { state, removed: false });
        return { kind: 'control' };
      }
      if (!rec) refuse('bad_request', `unknown group ${group}`);
      if (rec.removed) refuse('bad_request', `${party.name} was removed from ${group}`);
      if (msg.wireformat !== 'mls_private_message') refuse('invalid_message', `unexpected ${msg.wireformat}`);
      const pm = msg.privateMessage;
      if (Buffer.compare(Buffer.from(pm.groupId), Buffer.from(te.encode(group))) !== 0) refuse('invalid_message', 'message of another group');
      if (!M.members(rec.state).includes(from)) {
        refuse(pm.contentType === 'application' ? 'invalid_message' : 'bad_request', `${from} is not in ${party.name}'s roster`);
      }
      const r = await M.readPrivate(rec.state, pm, from);
      const removed = r.newState.groupActiveState.kind === 'removedFromGroup';
      party.groups.set(group, { state: r.newState, removed });
      if (r.kind === 'application') return { kind: 'application', plaintext: toHex(r.plaintext) };
      return { kind: 'control' };
    },

    async group_info(req) {
      const { rec } = groupOf(req, { active: false });
      const s = rec.state;
      return {
        members: M.members(s),
        epoch: toHex(s.keySchedule.epochAuthenticator),
        epoch_number: Number(s.groupContext.epoch),
        removed: rec.removed,
      };
    },
  };
}
