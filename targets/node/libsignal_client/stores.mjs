// stores.mjs: one party's state for the libsignal-client target, and the library's store
// interfaces over it.
//
// libsignal keeps nothing itself: every call loads records from stores the application
// supplies and saves them back. Here each party's whole state is one plain object of
// strings and numbers (records as the library serialises them, in hex), so that
//   * atomicity is a copy of that object before a request and its restoration on refusal
//     (the library may have saved records before it failed, e.g. an identity);
//   * export is that object as JSON, the identity private key included, and import parses
//     it back: nothing lives outside it.

import {
  IdentityChange, IdentityKeyPair, IdentityKeyStore, KyberPreKeyRecord, KyberPreKeyStore,
  PreKeyRecord, PreKeyStore, PublicKey, SenderKeyRecord, SenderKeyStore, SessionRecord,
  SessionStore, SignedPreKeyRecord, SignedPreKeyStore,
} from '@signalapp/libsignal-client';
import { toHex } from '../ptp.mjs';

export const DEVICE_ID = 1; // one device per party: a PTP party is a device

const bin = (h) => new Uint8Array(Buffer.from(h, 'hex'));

/** A fresh party named `address` (the name peers know it by). */
export function newParty(address, registrationId) {
  return {
    address,
    registration_id: registrationId,
    identity: toHex(IdentityKeyPair.generate().serialize()),
    sessions: {},        // peer name -> SessionRecord
    identities: {},      // peer name -> its identity public key, trusted on first use
    prekeys: {},         // id -> PreKeyRecord (one-time, removed by the library on use)
    signed_prekeys: {},  // id -> SignedPreKeyRecord
    kyber_prekeys: {},   // id -> KyberPreKeyRecord (one-time: removed when marked used)
    current_signed: null,
    next_prekey_id: 1,
    next_kyber_id: 1,
    sender_keys: {},     // "<sender name>/<distribution uuid>" -> SenderKeyRecord
    groups: {},          // group name -> this member's view (groups.mjs)
  };
}

export const snapshot = (party) => structuredClone(party);

export function identityKeyPair(party) {
  return IdentityKeyPair.deserialize(bin(party.identity));
}

const senderKeyName = (address, distributionId) => `${address.name()}/${distributionId}`;

// The store classes: thin views of `party`, created per request.

class Sessions extends SessionStore {
  constructor(party) { super(); this.p = party; }
  async saveSession(address, record) { this.p.sessions[address.name()] = toHex(record.serialize()); }
  async getSession(address) {
    const h = this.p.sessions[address.name()];
    return h === undefined ? null : SessionRecord.deserialize(bin(h));
  }
  async getExistingSessions(addresses) {
    return addresses.map((a) => this.p.sessions[a.name()]).filter((h) => h !== undefined)
      .map((h) => SessionRecord.deserialize(bin(h)));
  }
}

// Trust on first use, refusing a changed identity in both directions. This is the
// application's decision (the library asks isTrustedIdentity before it uses a key and
// refuses with UntrustedIdentity when told no); Parity's core contract calls a changed
// identity `untrusted_identity`. Signal's own apps are laxer for incoming messages (they
// accept and show "safety number changed"); a device that has verified a peer behaves as here.
class Identities extends IdentityKeyStore {
  constructor(party) { super(); this.p = party; }
  async getIdentityKey() { return identityKeyPair(this.p).privateKey; }
  async getLocalRegistrationId() { return this.p.registration_id; }
  async saveIdentity(address, key) {
    const known = this.p.identities[address.name()];
    const h = toHex(key.serialize());
    this.p.identities[address.name()] = h;
    return known !== undefined && known !== h ? IdentityChange.ReplacedExisting : IdentityChange.NewOrUnchanged;
  }
  async isTrustedIdentity(address, key, _direction) {
    const known = this.p.identities[address.name()];
    return known === undefined || known === toHex(key.serialize());
  }
  async getIdentity(address) {
    const h = this.p.identities[address.name()];
    return h === undefined ? null : PublicKey.deserialize(bin(h));
  }
}

// A missing prekey is an exception the binding reports as a Generic error ("error in method
// call 'loadKyberPreKey': ..."), which errors.mjs maps to invalid_message by its text.
class MissingKey extends Error {}

class PreKeys extends PreKeyStore {
  constructor(party) { super(); this.p = party; }
  async savePreKey(id, record) { this.p.prekeys[id] = toHex(record.serialize()); }
  async getPreKey(id) {
    const h = this.p.prekeys[id];
    if (h === undefined) throw new MissingKey(`no one-time prekey ${id}`);
    return PreKeyRecord.deserialize(bin(h));
  }
  async removePreKey(id) { delete this.p.prekeys[id]; }
}

class SignedPreKeys extends SignedPreKeyStore {
  constructor(party) { super(); this.p = party; }
  async saveSignedPreKey(id, record) { this.p.signed_prekeys[id] = toHex(record.serialize()); }
  async getSignedPreKey(id) {
    const h = this.p.signed_prekeys[id];
    if (h === undefined) throw new MissingKey(`no signed prekey ${id}`);
    return SignedPreKeyRecord.deserialize(bin(h));
  }
}

// Every Kyber prekey this target publishes is a one-time key (Signal's apps also keep a
// "last resort" one that is reused; a bundle here always carries a fresh one-time key), so
// marking it used deletes it: a second session from the same bundle is refused.
class KyberPreKeys extends KyberPreKeyStore {
  constructor(party) { super(); this.p = party; }
  async saveKyberPreKey(id, record) { this.p.kyber_prekeys[id] = toHex(record.serialize()); }
  async getKyberPreKey(id) {
    const h = this.p.kyber_prekeys[id];
    if (h === undefined) throw new MissingKey(`no Kyber prekey ${id}`);
    return KyberPreKeyRecord.deserialize(bin(h));
  }
  async markKyberPreKeyUsed(id, _signedPreKeyId, _baseKey) { delete this.p.kyber_prekeys[id]; }
}

class SenderKeys extends SenderKeyStore {
  constructor(party) { super(); this.p = party; }
  async saveSenderKey(sender, distributionId, record) {
    this.p.sender_keys[senderKeyName(sender, distributionId)] = toHex(record.serialize());
  }
  async getSenderKey(sender, distributionId) {
    const h = this.p.sender_keys[senderKeyName(sender, distributionId)];
    return h === undefined ? null : SenderKeyRecord.deserialize(bin(h));
  }
}

/** The library's stores over `party` (all of them see and change the same object). */
export function storesOf(party) {
  return {
    sessions: new Sessions(party),
    identities: new Identities(party),
    prekeys: new PreKeys(party),
    signed: new SignedPreKeys(party),
    kyber: new KyberPreKeys(party),
    senderKeys: new SenderKeys(party),
  };
}

/** Strict shape check of an imported party (throws Error with what is wrong). */
export function checkParty(p) {
  const need = (ok, what) => { if (!ok) throw new Error(what); };
  const isHex = (v) => typeof v === 'string' && /^(?:[0-9a-f]{2})*$/.test(v);
  const hexMap = (m) => m !== null && typeof m === 'object' && !Array.isArray(m) && Object.values(m).every(isHex);
  need(p !== null && typeof p === 'object', 'not an object');
  need(typeof p.address === 'string' && /^[a-z0-9_.~-]{1,64}$/.test(p.address), 'address');
  need(Number.isSafeInteger(p.registration_id), 'registration_id');
  need(isHex(p.identity), 'identity');
  IdentityKeyPair.deserialize(bin(p.identity));
  for (const k of ['sessions', 'identities', 'prekeys', 'signed_prekeys', 'kyber_prekeys', 'sender_keys']) {
    need(hexMap(p[k]), k);
  }
  need(p.current_signed === null || Number.isSafeInteger(p.current_signed), 'current_signed');
  need(Number.isSafeInteger(p.next_prekey_id) && Number.isSafeInteger(p.next_kyber_id), 'next ids');
  need(p.groups !== null && typeof p.groups === 'object' && !Array.isArray(p.groups), 'groups');
  for (const h of Object.values(p.sessions)) SessionRecord.deserialize(bin(h));
  for (const h of Object.values(p.sender_keys)) SenderKeyRecord.deserialize(bin(h));
}
