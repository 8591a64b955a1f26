#!/usr/bin/python3
"""parity_target.py: a complete PTP/1 target in one file, and the worked example of
docs/writing-a-target.md.

It speaks `custom:python-dr`, a small Double Ratchet protocol of its own design, using only
the Python standard library and `cryptography`. It deliberately differs from the Signal
reference so that Parity's checks are exercised against a second design:

  * identity = an X25519 key (for DH) plus a separate Ed25519 key (signs the signed
    prekey), instead of one key used with XEdDSA;
  * X3DH-style handshake with 4 DH and HKDF-SHA256 under its own labels;
  * Double Ratchet with HKDF root chain and HMAC-SHA256 symmetric chains;
  * AES-256-GCM (instead of CBC + truncated HMAC) whose associated data binds both
    identities, the direction, the sender's ratchet key, the counters and the whole header;
  * group chats (PTP 1.3) with sender keys of its own design: see the "Groups" section,
    which also gives their wire formats.

Wire formats (all integers big-endian):

  bundle (204 bytes)                            layout reported by `bundle`
    0   4  magic "PDR1"
    4  64  identity = X25519 public || Ed25519 public     "identity":      [4, 68]
   68   4  signed prekey id                                "signed_prekey": [68, 104]
   72  32  signed prekey public (X25519)
  104  64  Ed25519 signature over SPK_LABEL || bytes 4..104  "signature":   [104, 168]
  168   4  one-time prekey id
  172  32  one-time prekey public (X25519)

  message (kind "message")            prekey message (kind "prekey")
    0   1  0xd1                           0   1  0xd2
    1  32  sender ratchet public          1  64  initiator identity
   33   4  pn (previous chain length)    65  32  initiator base key
   37   4  n (counter in this chain)     97   4  signed prekey id
   41   .  AES-256-GCM ciphertext||tag  101   4  one-time prekey id
                                        105   .  a complete "message" (above)

The protocol is a teaching example: it has not been reviewed and must not protect anything.
"""

import copy
import hashlib
import hmac
import json
import os
import re
import struct
import sys
import traceback

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# --------------------------------------------------------------------------------------
# Constants: what hello declares, and the labels that separate every KDF use.
# --------------------------------------------------------------------------------------
IMPLEMENTATION, VERSION, PROTOCOL = "parity-python-dr", "0.1.0", "custom:python-dr"
CAPABILITIES = ["export", "import", "deterministic", "inject"]  # no primitives: no KATs
MAX_SKIP = 1000            # largest (counter - next expected counter) accepted in a chain
MAX_SKIPPED_KEYS = 1000    # skipped message keys kept per receiving chain (oldest evicted)
MAX_RECEIVER_CHAINS = 4    # receiving chains kept per session, the current one included
MAX_SESSIONS = 5           # sessions kept per peer: the current one and 4 earlier ones
LIMITS = {"max_skip": MAX_SKIP, "max_skipped_keys": MAX_SKIPPED_KEYS,
          "max_receiver_chains": MAX_RECEIVER_CHAINS}

PARTY_NAME = re.compile(r"[a-z0-9_.~-]{1,64}")
HEX = re.compile(r"[0-9a-f]*")
INJECT_KEYS = ("identity_private", "signed_prekey_private", "onetime_prekey_private",
               "base_private", "ratchet_private")

BUNDLE_MAGIC = b"PDR1"
BUNDLE_LEN = 204
LAYOUT = {"identity": [4, 68], "signed_prekey": [68, 104], "signature": [104, 168]}
MSG_TYPE, PREKEY_TYPE = 0xD1, 0xD2
MSG_HEADER_LEN, PREKEY_HEADER_LEN = 41, 105

SPK_LABEL = b"parity-python-dr/v1/signed-prekey"
X3DH_LABEL = b"parity-python-dr/v1/x3dh"
ROOT_LABEL = b"parity-python-dr/v1/root"
MSGKEY_LABEL = b"parity-python-dr/v1/message-key"
AD_LABEL = b"parity-python-dr/v1/ad"
ED25519_FROM_ID_LABEL = b"parity-python-dr/v1/ed25519-from-identity"
P25519 = 2**255 - 19


class PtpError(Exception):
    """A refusal: becomes {"ok": false, "error": code, "detail": detail}."""

    def __init__(self, code, detail):
        super().__init__(detail)
        self.code, self.detail = code, detail


# --------------------------------------------------------------------------------------
# Randomness. `reset` with a seed switches to a deterministic generator: HMAC-SHA256 in
# counter mode keyed by the seed. Every random byte the target uses comes from here, so
# the same requests after the same seed give the same responses (capability
# `deterministic`).
# --------------------------------------------------------------------------------------
class Rng:
    def __init__(self, seed=None):
        self.seed, self.counter = seed, 0

    def bytes(self, n):
        if self.seed is None:
            return os.urandom(n)
        out = b""
        while len(out) < n:
            out += hmac.new(self.seed, b"drbg" + struct.pack(">Q", self.counter), hashlib.sha256).digest()
            self.counter += 1
        return out[:n]


# --------------------------------------------------------------------------------------
# Primitives: thin wrappers so the protocol code below reads like the design.
# --------------------------------------------------------------------------------------
def x25519_public(private):
    return X25519PrivateKey.from_private_bytes(private).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def ed25519_public(private):
    return Ed25519PrivateKey.from_private_bytes(private).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def check_public(public, code):
    """Refuses a non-canonical X25519 public key (u >= p, top bit ignored as RFC 7748 says)."""
    if len(public) != 32 or int.from_bytes(public, "little") & ((1 << 255) - 1) >= P25519:
        raise PtpError(code, "non-canonical X25519 public key")


def dh(private, public, code):
    """X25519; an all-zero result (small-order peer key) is refused, never used."""
    try:
        return X25519PrivateKey.from_private_bytes(private).exchange(X25519PublicKey.from_public_bytes(public))
    except ValueError:
        raise PtpError(code, "small-order X25519 public key") from None


def hkdf(ikm, salt, info, length):
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def kdf_root(root_key, dh_out):
    """Root chain step: (root key, DH output) -> (new root key, new chain key)."""
    out = hkdf(dh_out, root_key, ROOT_LABEL, 64)
    return out[:32], out[32:]


def kdf_chain(chain_key):
    """Symmetric chain step: chain key -> (next chain key, message key)."""
    return (hmac.new(chain_key, b"\x02chain", hashlib.sha256).digest(),
            hmac.new(chain_key, b"\x01message", hashlib.sha256).digest())


def message_cipher(message_key):
    """A message key gives an AES-256-GCM key and a 96-bit nonce (each key is used once)."""
    out = hkdf(message_key, None, MSGKEY_LABEL, 44)
    return AESGCM(out[:32]), out[32:]


def new_keypair(rng, injected=None):
    """An X25519 key pair {priv, pub}: the injected private key if given, else random."""
    private = injected if injected is not None else rng.bytes(32)
    return {"priv": private, "pub": x25519_public(private)}


# --------------------------------------------------------------------------------------
# Encodings.
# --------------------------------------------------------------------------------------
def signed_prekey_message(identity, spk_id, spk_pub):
    return SPK_LABEL + identity + struct.pack(">I", spk_id) + spk_pub


def encode_bundle(identity, spk_id, spk_pub, signature, opk_id, opk_pub):
    return (BUNDLE_MAGIC + identity + struct.pack(">I", spk_id) + spk_pub + signature
            + struct.pack(">I", opk_id) + opk_pub)


def decode_bundle(data):
    """Parses and authenticates a bundle; anything wrong is invalid_bundle."""
    if len(data) != BUNDLE_LEN or data[:4] != BUNDLE_MAGIC:
        raise PtpError("invalid_bundle", "bundle must be 204 bytes starting with PDR1")
    identity, signature = data[4:68], data[104:168]
    spk_id, spk_pub = struct.unpack(">I", data[68:72])[0], data[72:104]
    opk_id, opk_pub = struct.unpack(">I", data[168:172])[0], data[172:204]
    try:
        Ed25519PublicKey.from_public_bytes(identity[32:]).verify(
            signature, signed_prekey_message(identity, spk_id, spk_pub))
    except (InvalidSignature, ValueError):
        raise PtpError("invalid_bundle", "signed prekey signature does not verify") from None
    for key in (identity[:32], spk_pub, opk_pub):
        check_public(key, "invalid_bundle")
    return {"identity": identity, "spk_id": spk_id, "spk_pub": spk_pub, "opk_id": opk_id, "opk_pub": opk_pub}


def decode_message(data):
    """Splits a "message" into its header fields and the GCM ciphertext."""
    if len(data) < MSG_HEADER_LEN + 16 or data[0] != MSG_TYPE:
        raise PtpError("invalid_message", "not a message")
    pn, n = struct.unpack(">II", data[33:41])
    return {"ratchet": data[1:33], "pn": pn, "n": n, "body": data[MSG_HEADER_LEN:]}


# --------------------------------------------------------------------------------------
# The Double Ratchet on one session. A session is a plain dict (so that export is
# json.dumps and a transaction is copy.deepcopy):
#   role            "initiator" or "responder" (sets the direction bound into the AD)
#   self_identity, peer_identity   the 64-byte public identities
#   base_key        the initiator's base key: names the session for later prekey messages
#   root, send      root key; sending chain {"ck", "n"} or None
#   dhs, pn         own ratchet key pair {priv, pub}; length of the previous sending chain
#   receivers       receiving chains, newest first: {"ratchet", "ck", "n", "skipped"}
#                   where skipped maps str(counter) -> message key
#   pending         initiator only: the prekey header sent until the peer first answers
# --------------------------------------------------------------------------------------
def associated_data(session, sending, header):
    """AD = label || sender identity || receiver identity || direction || header bytes."""
    me, peer = session["self_identity"], session["peer_identity"]
    sender_role = session["role"] if sending else ("responder" if session["role"] == "initiator" else "initiator")
    direction = b"I>R" if sender_role == "initiator" else b"R>I"
    return AD_LABEL + (me + peer if sending else peer + me) + direction + header


def ratchet_encrypt(session, plaintext):
    """Returns (ciphertext, kind) and advances the sending chain."""
    chain = session["send"]
    chain["ck"], message_key = kdf_chain(chain["ck"])
    header = bytes([MSG_TYPE]) + session["dhs"]["pub"] + struct.pack(">II", session["pn"], chain["n"])
    chain["n"] += 1
    prefix, kind = b"", "message"
    if session["pending"] is not None:  # no answer yet: the responder needs the handshake
        p = session["pending"]
        prefix = (bytes([PREKEY_TYPE]) + session["self_identity"] + p["base"]
                  + struct.pack(">II", p["spk_id"], p["opk_id"]))
        kind = "prekey"
    aead, nonce = message_cipher(message_key)
    body = aead.encrypt(nonce, plaintext, associated_data(session, True, prefix + header))
    return prefix + header + body, kind


def skip_keys(chain, until):
    """Stores the message keys of chain counters [chain.n, until) as skipped keys."""
    if until - chain["n"] > MAX_SKIP:
        raise PtpError("limit_exceeded", "counter %d is more than %d ahead" % (until, MAX_SKIP))
    while chain["n"] < until:
        chain["ck"], chain["skipped"][str(chain["n"])] = kdf_chain(chain["ck"])
        chain["n"] += 1
    while len(chain["skipped"]) > MAX_SKIPPED_KEYS:  # bounded retention: drop the oldest
        del chain["skipped"][str(min(int(k) for k in chain["skipped"]))]


def ratchet_decrypt(session, message, ad_prefix, rng, ratchet_private):
    """Decrypts in place; the caller works on a copy and keeps it only on success."""
    header = ad_prefix + message["raw_header"]
    chain = next((c for c in session["receivers"] if c["ratchet"] == message["ratchet"]), None)
    if chain is not None and message["n"] < chain["n"]:
        message_key = chain["skipped"].pop(str(message["n"]), None)
        if message_key is None:
            raise PtpError("duplicate_message", "no key for counter %d (already used)" % message["n"])
    else:
        if chain is None:  # a new ratchet key from the peer: one DH ratchet step
            if message["n"] > MAX_SKIP:
                raise PtpError("limit_exceeded", "counter %d in a new chain" % message["n"])
            check_public(message["ratchet"], "invalid_message")
            if session["receivers"]:
                skip_keys(session["receivers"][0], message["pn"])
            session["root"], ck = kdf_root(session["root"], dh(session["dhs"]["priv"], message["ratchet"],
                                                               "invalid_message"))
            chain = {"ratchet": message["ratchet"], "ck": ck, "n": 0, "skipped": {}}
            session["receivers"] = [chain] + session["receivers"][:MAX_RECEIVER_CHAINS - 1]
            session["dhs"] = new_keypair(rng, ratchet_private)
            session["root"], ck = kdf_root(session["root"], dh(session["dhs"]["priv"], message["ratchet"],
                                                               "invalid_message"))
            session["pn"] = session["send"]["n"] if session["send"] else 0
            session["send"] = {"ck": ck, "n": 0}
        skip_keys(chain, message["n"])
        chain["ck"], message_key = kdf_chain(chain["ck"])
        chain["n"] += 1
    aead, nonce = message_cipher(message_key)
    try:
        plaintext = aead.decrypt(nonce, message["body"], associated_data(session, False, header))
    except InvalidTag:
        raise PtpError("invalid_message", "authentication failed") from None
    session["pending"] = None  # the peer has answered: no more prekey headers needed
    return plaintext


# --------------------------------------------------------------------------------------
# Parties. A party is a dict too:
#   identity        {"x": {priv, pub}, "ed": {priv, pub}}; public identity = x.pub || ed.pub
#   signed_prekeys  str(id) -> {priv, pub, sig}; current_spk: the id bundles publish
#   onetime_prekeys str(id) -> {priv, pub}; next_prekey_id
#   peers           peer name -> {"identity": trusted 64 bytes, "sessions": [newest first]}
# --------------------------------------------------------------------------------------
def public_identity(party):
    return party["identity"]["x"]["pub"] + party["identity"]["ed"]["pub"]


def x3dh(dh_outputs, initiator_identity, responder_identity):
    """Root key of a new session from the 4 DH outputs, bound to both identities."""
    return hkdf(b"\xff" * 32 + b"".join(dh_outputs), b"\x00" * 32,
                X3DH_LABEL + initiator_identity + responder_identity, 32)


class Target:
    def __init__(self):
        self.rng = Rng()
        self.parties = {}

    # ---- request field helpers: every malformed field is bad_request ----
    def party(self, req, field="party"):
        name = self.name(req, field)
        if name not in self.parties:
            raise PtpError("bad_request", "unknown party %s" % name)
        return self.parties[name]

    @staticmethod
    def name(req, field):
        value = req.get(field)
        if not isinstance(value, str) or not PARTY_NAME.fullmatch(value):
            raise PtpError("bad_request", 'field "%s" missing or not a party name' % field)
        return value

    @staticmethod
    def hex(req, field, optional=False, size=None):
        value = req.get(field)
        if value is None and optional:
            return None
        if not isinstance(value, str) or len(value) % 2 or not HEX.fullmatch(value):
            raise PtpError("bad_request", 'field "%s" missing or not lowercase hex' % field)
        data = bytes.fromhex(value)
        if size is not None and len(data) != size:
            raise PtpError("bad_request", 'field "%s" must be %d bytes' % (field, size))
        return data

    @staticmethod
    def uint32(req, field):
        value = req.get(field)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**32:
            raise PtpError("bad_request", 'field "%s" must be an integer 0..2^32-1' % field)
        return value

    def key(self, req, field):
        return self.hex(req, field, optional=True, size=32)

    # ---- ops ----
    def op_hello(self, req):
        if req.get("ptp") != 1 or isinstance(req.get("ptp"), bool):
            raise PtpError("unsupported", "this target speaks PTP 1 only")
        return {"ptp": 1, "implementation": IMPLEMENTATION, "version": VERSION, "protocol": PROTOCOL,
                "capabilities": CAPABILITIES, "limits": LIMITS}

    def op_reset(self, req):
        seed = self.hex(req, "seed", optional=True, size=32)
        self.rng, self.parties = Rng(seed), {}
        return {}

    def op_create(self, req):
        name = self.name(req, "party")
        if name in self.parties:
            raise PtpError("bad_request", "party %s exists" % name)
        injected = self.key(req, "identity_private")
        # registration_id (an inject field) is ignored: this protocol has no registration ids.
        x = new_keypair(self.rng, injected)
        # The signing key is a separate key; with an injected identity it is derived from it
        # so that an injected transcript is reproducible.
        ed_priv = hkdf(injected, None, ED25519_FROM_ID_LABEL, 32) if injected else self.rng.bytes(32)
        self.parties[name] = {
            "identity": {"x": x, "ed": {"priv": ed_priv, "pub": ed25519_public(ed_priv)}},
            "signed_prekeys": {}, "current_spk": None, "onetime_prekeys": {}, "next_prekey_id": 1, "peers": {}}
        return {"identity": public_identity(self.parties[name]).hex()}

    def op_bundle(self, req):
        party = self.party(req)
        spk_priv, spk_id = self.key(req, "signed_prekey_private"), self.uint32(req, "signed_prekey_id")
        opk_priv, opk_id = self.key(req, "onetime_prekey_private"), self.uint32(req, "prekey_id")
        identity = public_identity(party)
        # Compute everything first, then commit (atomicity: nothing here can fail after).
        spks = dict(party["signed_prekeys"])
        current = party["current_spk"]
        if spk_priv is not None or current is None or (spk_id is not None and spk_id != int(current)):
            pair = new_keypair(self.rng, spk_priv)
            new_id = spk_id if spk_id is not None else (int(current) + 1 if current is not None else 1)
            sig = Ed25519PrivateKey.from_private_bytes(party["identity"]["ed"]["priv"]).sign(
                signed_prekey_message(identity, new_id, pair["pub"]))
            current = str(new_id)
            spks[current] = dict(pair, sig=sig)
        if opk_id is None:
            opk_id = party["next_prekey_id"]
        opk = new_keypair(self.rng, opk_priv)
        spk = spks[current]
        party["signed_prekeys"], party["current_spk"] = spks, current
        party["onetime_prekeys"][str(opk_id)] = opk
        party["next_prekey_id"] = max(party["next_prekey_id"], opk_id + 1) % 2**32
        bundle = encode_bundle(identity, int(current), spk["pub"], spk["sig"], opk_id, opk["pub"])
        return {"bundle": bundle.hex(), "layout": LAYOUT}

    @staticmethod
    def trust(party, peer, identity):
        """Trust on first use per peer name: a changed identity is refused."""
        known = party["peers"].get(peer, {}).get("identity")
        if known is not None and known != identity:
            raise PtpError("untrusted_identity", "identity of %s changed" % peer)

    @staticmethod
    def store_session(party, peer, identity, session):
        """Makes `session` the current one with `peer`, keeping a few earlier ones."""
        record = party["peers"].get(peer, {"identity": identity, "sessions": []})
        party["peers"][peer] = {"identity": identity, "sessions": [session] + record["sessions"][:MAX_SESSIONS - 1]}

    def op_initiate(self, req):
        party, peer = self.party(req), self.name(req, "peer")
        data = self.hex(req, "bundle")
        base_priv, ratchet_priv = self.key(req, "base_private"), self.key(req, "ratchet_private")
        b = decode_bundle(data)
        self.trust(party, peer, b["identity"])
        me = public_identity(party)
        base = new_keypair(self.rng, base_priv)
        root = x3dh([dh(party["identity"]["x"]["priv"], b["spk_pub"], "invalid_bundle"),
                     dh(base["priv"], b["identity"][:32], "invalid_bundle"),
                     dh(base["priv"], b["spk_pub"], "invalid_bundle"),
                     dh(base["priv"], b["opk_pub"], "invalid_bundle")], me, b["identity"])
        # The initiator's first ratchet step uses the signed prekey as the peer's ratchet key.
        dhs = new_keypair(self.rng, ratchet_priv)
        root, ck = kdf_root(root, dh(dhs["priv"], b["spk_pub"], "invalid_bundle"))
        session = {"role": "initiator", "self_identity": me, "peer_identity": b["identity"],
                   "base_key": base["pub"], "root": root, "dhs": dhs, "pn": 0,
                   "send": {"ck": ck, "n": 0}, "receivers": [],
                   "pending": {"base": base["pub"], "spk_id": b["spk_id"], "opk_id": b["opk_id"]}}
        self.store_session(party, peer, b["identity"], session)
        return {}

    def op_encrypt(self, req):
        party, peer = self.party(req), self.name(req, "peer")
        plaintext = self.hex(req, "plaintext")
        self.key(req, "ratchet_private")  # validated; encrypt generates no key pair here
        ciphertext, kind, commit = self.seal_pairwise(party, peer, plaintext)
        commit()
        return {"ciphertext": ciphertext.hex(), "kind": kind}

    @staticmethod
    def seal_pairwise(party, peer, plaintext):
        """Encrypts on a copy of the current session; returns (ciphertext, kind, commit)."""
        record = party["peers"].get(peer)
        if not record or not record["sessions"] or record["sessions"][0]["send"] is None:
            raise PtpError("no_session", "no session with %s" % peer)
        session = copy.deepcopy(record["sessions"][0])
        ciphertext, kind = ratchet_encrypt(session, plaintext)

        def commit():
            record["sessions"][0] = session
        return ciphertext, kind, commit

    def op_decrypt(self, req):
        party, peer = self.party(req), self.name(req, "peer")
        data, kind = self.hex(req, "ciphertext"), req.get("kind")
        ratchet_priv = self.key(req, "ratchet_private")
        if kind not in ("prekey", "message"):
            raise PtpError("bad_request", 'field "kind" must be "prekey" or "message"')
        plaintext, commit = self.open_pairwise(party, peer, data, kind, ratchet_priv)
        commit()
        return {"plaintext": plaintext.hex()}

    def open_pairwise(self, party, peer, data, kind, ratchet_priv):
        """Decrypts a pairwise message on copies; returns (plaintext, commit). Nothing
        changes until the caller runs commit(), so a group op can refuse after decrypting."""
        record = copy.deepcopy(party["peers"].get(peer, {"identity": None, "sessions": []}))
        consumed_opk = None
        if kind == "prekey":
            if len(data) < PREKEY_HEADER_LEN or data[0] != PREKEY_TYPE:
                raise PtpError("invalid_message", "not a prekey message")
            identity, base = data[1:65], data[65:97]
            spk_id, opk_id = struct.unpack(">II", data[97:105])
            prefix, data = data[:PREKEY_HEADER_LEN], data[PREKEY_HEADER_LEN:]
            self.trust(party, peer, identity)
            # Further prekey messages of a session the responder already has (the initiator
            # repeats the prekey header until it hears back) go to that session.
            candidates = [(i, s) for i, s in enumerate(record["sessions"])
                          if s["role"] == "responder" and s.get("base_key") == base]
            if not candidates:  # a new session: the responder's side of the handshake
                spk = party["signed_prekeys"].get(str(spk_id))
                opk = party["onetime_prekeys"].get(str(opk_id))
                if spk is None or opk is None:  # a one-time prekey serves one session (AKE-4/6)
                    raise PtpError("invalid_message", "unknown or already used prekey")
                check_public(identity[:32], "invalid_message")
                check_public(base, "invalid_message")
                me = public_identity(party)
                root = x3dh([dh(spk["priv"], identity[:32], "invalid_message"),
                             dh(party["identity"]["x"]["priv"], base, "invalid_message"),
                             dh(spk["priv"], base, "invalid_message"),
                             dh(opk["priv"], base, "invalid_message")], identity, me)
                # Until its first ratchet step the responder's ratchet key is its signed prekey.
                candidates = [(None, {"role": "responder", "self_identity": me, "peer_identity": identity,
                                      "base_key": base, "root": root, "dhs": {"priv": spk["priv"], "pub": spk["pub"]},
                                      "pn": 0, "send": None, "receivers": [], "pending": None})]
                consumed_opk = str(opk_id)
        else:
            prefix, candidates = b"", list(enumerate(record["sessions"]))
            if not candidates:
                raise PtpError("no_session", "no session with %s" % peer)
        message = decode_message(data)
        message["raw_header"] = data[:MSG_HEADER_LEN]
        # Try each candidate session (current first) on a copy; keep the first that works.
        errors = []
        for index, session in candidates:
            attempt = copy.deepcopy(session)
            try:
                plaintext = ratchet_decrypt(attempt, message, prefix, self.rng, ratchet_priv)
            except PtpError as e:
                errors.append(e)
                continue
            # Success. On commit a new session becomes current; an existing one is updated.
            def commit(index=index, attempt=attempt):
                if index is None:
                    self.store_session(party, peer, attempt["peer_identity"], attempt)
                    del party["onetime_prekeys"][consumed_opk]
                else:
                    record["sessions"][index] = attempt
                    record["identity"] = attempt["peer_identity"]
                    party["peers"][peer] = record
            return plaintext, commit
        # Every candidate refused: report a replay as such, otherwise the current session's error.
        raise next((e for e in errors if e.code == "duplicate_message"), errors[0])

    def op_export(self, req):
        return {"state": json.dumps(to_json(self.party(req)), sort_keys=True, separators=(",", ":"))
                .encode().hex()}

    def op_import(self, req):
        name = self.name(req, "party")
        if name in self.parties:
            raise PtpError("bad_request", "party %s exists" % name)
        state = self.hex(req, "state")
        try:
            party = from_json(json.loads(state.decode()))
            public_identity(party)  # a light check of the document's shape
            missing = {"signed_prekeys", "onetime_prekeys", "current_spk", "next_prekey_id", "peers"} - set(party)
        except Exception as e:
            raise PtpError("bad_request", "state is not an exported party: %s" % e) from None
        if missing:
            raise PtpError("bad_request", "state lacks %s" % ", ".join(sorted(missing)))
        self.parties[name] = party
        return {}


# Export format: the party dict as JSON, byte strings written as {"b": "<hex>"}.
def to_json(value):
    if isinstance(value, bytes):
        return {"b": value.hex()}
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return value


def from_json(value):
    if isinstance(value, dict):
        if list(value) == ["b"] and isinstance(value["b"], str):
            return bytes.fromhex(value["b"])
        return {k: from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_json(v) for v in value]
    return value


# --------------------------------------------------------------------------------------
# Groups (PTP 1.3; the spec's groups.md). A Sender-Keys-like protocol of its own, which
# differs from Signal's on purpose so that the GRP checks meet a second sound design:
#
#   * each member owns a *sender key*: a chain id (31 bits), an HMAC-SHA256 hash chain
#     under this file's own labels, and an Ed25519 signing key pair;
#   * it sends that key, at the chain's current iteration (a newcomer cannot read earlier
#     messages), to every other member inside their pairwise python-dr session, then
#     encrypts each group message once, for everyone;
#   * AES-256-GCM whose associated data binds the group name, the sender's party name, the
#     chain id and the iteration; an Ed25519 signature over the whole envelope, the group
#     and the sender (a member holds every chain it reads, so the signature is what stops
#     it from writing as another member);
#   * its own bounds: 500 / 500 / 3 instead of Signal's 2000 / 2000 / 5.
#
#   control envelope (kind "control")           application envelope (kind "application")
#     0   1  0xc1                                  0   1  0xa1
#     1   1  pairwise kind: 0x01 prekey,           1   4  chain id
#            0x02 message                          5   4  iteration
#     2   .  python-dr ciphertext whose            9   .  AES-256-GCM ciphertext || tag
#            plaintext is a distribution        end-64 64 Ed25519 signature
#
#   distribution (the pairwise plaintext; strict: exact length, the delivery's group)
#     0   4  magic "PGD1"          5+L  4  chain id         13+L 32  chain key at iteration
#     4   1  L, then the group     9+L  4  iteration        45+L 32  Ed25519 public key
#
# Rosters are the server's (hello "group_roster": "server"), acted on as WhatsApp does.
# --------------------------------------------------------------------------------------
GROUP_CAPABILITIES = ["group", "group_update", "group_forge"]
GROUP_MAX_SKIP = 500           # largest jump from the next expected iteration, per chain
GROUP_MAX_SKIPPED_KEYS = 500   # skipped keys kept per sender chain (oldest evicted)
GROUP_MAX_SENDER_STATES = 3    # chains kept per sender and group, the current included
GROUP_LIMITS = {"group_max_skip": GROUP_MAX_SKIP, "group_max_skipped_keys": GROUP_MAX_SKIPPED_KEYS,
                "group_max_sender_states": GROUP_MAX_SENDER_STATES}

CONTROL_TAG, APPLICATION_TAG = 0xC1, 0xA1
PAIRWISE_KIND = {"prekey": 0x01, "message": 0x02}
KIND_OF_BYTE = {v: k for k, v in PAIRWISE_KIND.items()}
DIST_MAGIC = b"PGD1"
APP_HEADER_LEN, SIGNATURE_LEN = 9, 64
GROUP_CHAIN_LABEL = b"parity-python-dr/v1/group-chain"
GROUP_MSGKEY_LABEL = b"parity-python-dr/v1/group-message-key"
GROUP_CIPHER_LABEL = b"parity-python-dr/v1/group-cipher"
GROUP_AD_LABEL = b"parity-python-dr/v1/group-ad"
GROUP_SIG_LABEL = b"parity-python-dr/v1/group-signature"


def group_kdf(chain_key):
    """Sender chain step: chain key -> (next chain key, message key)."""
    return (hmac.new(chain_key, GROUP_CHAIN_LABEL, hashlib.sha256).digest(),
            hmac.new(chain_key, GROUP_MSGKEY_LABEL, hashlib.sha256).digest())


def group_cipher(message_key):
    out = hkdf(message_key, None, GROUP_CIPHER_LABEL, 44)
    return AESGCM(out[:32]), out[32:]


def name_field(name):
    """A party or group name, length-prefixed so that two fields cannot run together."""
    data = name.encode()
    return bytes([len(data)]) + data


def group_ad(group, sender, chain_id, iteration):
    return GROUP_AD_LABEL + name_field(group) + name_field(sender) + struct.pack(">II", chain_id, iteration)


def signed_part(group, sender, envelope_without_signature):
    return GROUP_SIG_LABEL + name_field(group) + name_field(sender) + envelope_without_signature


def encode_distribution(group, key):
    return (DIST_MAGIC + name_field(group) + struct.pack(">II", key["chain_id"], key["n"]) + key["ck"]
            + key["sign_pub"])


def decode_distribution(data, group):
    """Parses a distribution strictly; one for another group is refused (GRP-9)."""
    g = name_field(group)
    if len(data) != 4 + len(g) + 8 + 64 or data[:4] != DIST_MAGIC or data[4:4 + len(g)] != g:
        raise PtpError("invalid_message", "not a distribution for group %s" % group)
    chain_id, iteration = struct.unpack(">II", data[4 + len(g):12 + len(g)])
    if chain_id >= 2**31:
        raise PtpError("invalid_message", "chain id out of range")
    rest = data[12 + len(g):]
    return {"chain_id": chain_id, "ck": rest[:32], "n": iteration, "skipped": {}, "sign_pub": rest[32:]}


def make_application(group, sender, chain_id, iteration, message_key, sign_priv, plaintext):
    header = bytes([APPLICATION_TAG]) + struct.pack(">II", chain_id, iteration)
    aead, nonce = group_cipher(message_key)
    body = header + aead.encrypt(nonce, plaintext, group_ad(group, sender, chain_id, iteration))
    return body + Ed25519PrivateKey.from_private_bytes(sign_priv).sign(signed_part(group, sender, body))


def new_group(roster):
    """A member's state of one group (a plain dict, exported as is):
      roster    sorted party names: this member's view, itself included while a member
      removed   it was announced a roster without itself
      own       its sender key {chain_id, ck, n (next iteration), sign_priv, sign_pub} or None
      sent_to   members that hold `own` at some iteration (sorted)
      rotate    make a fresh sender key before the next send (after a removal or update)
      senders   party -> its chains, newest first: {chain_id, ck, n, skipped, sign_pub},
                skipped mapping str(iteration) -> message key"""
    return {"roster": sorted(roster), "removed": False, "own": None, "sent_to": [], "rotate": False,
            "senders": {}}


def check_group(g):
    """Strict shape check of an imported group state (raises ValueError)."""
    def need(ok, what):
        if not ok:
            raise ValueError("group state: " + what)

    def key32(v):
        return isinstance(v, bytes) and len(v) == 32

    def uint(v, bound):
        return isinstance(v, int) and not isinstance(v, bool) and 0 <= v < bound

    def names(v):
        return isinstance(v, list) and v == sorted(set(v)) and all(
            isinstance(n, str) and PARTY_NAME.fullmatch(n) for n in v)

    need(isinstance(g, dict) and set(g) == set(new_group([])), "fields")
    need(names(g["roster"]) and names(g["sent_to"]), "roster or sent_to")
    need(isinstance(g["removed"], bool) and isinstance(g["rotate"], bool), "flags")
    own = g["own"]
    if own is not None:
        need(isinstance(own, dict) and set(own) == {"chain_id", "ck", "n", "sign_priv", "sign_pub"}, "own")
        need(uint(own["chain_id"], 2**31) and uint(own["n"], 2**32) and key32(own["ck"]), "own chain")
        need(key32(own["sign_priv"]) and own["sign_pub"] == ed25519_public(own["sign_priv"]), "own signing key")
    need(isinstance(g["senders"], dict), "senders")
    for sender, states in g["senders"].items():
        need(PARTY_NAME.fullmatch(sender) and isinstance(states, list)
             and 1 <= len(states) <= GROUP_MAX_SENDER_STATES, "sender " + sender)
        for s in states:
            need(isinstance(s, dict) and set(s) == {"chain_id", "ck", "n", "skipped", "sign_pub"}, "state")
            need(uint(s["chain_id"], 2**31) and uint(s["n"], 2**32 + 1) and key32(s["ck"])
                 and key32(s["sign_pub"]), "chain")
            skipped = s["skipped"]
            need(isinstance(skipped, dict) and len(skipped) <= GROUP_MAX_SKIPPED_KEYS, "skipped")
            need(all(k.isdigit() and str(int(k)) == k and int(k) < s["n"] and key32(v)
                     for k, v in skipped.items()), "skipped key")


class GroupTarget(Target):
    """The target with groups: the core ops of Target plus the group_* ops."""

    def op_hello(self, req):
        body = super().op_hello(req)
        return dict(body, capabilities=CAPABILITIES + GROUP_CAPABILITIES, limits=dict(LIMITS, **GROUP_LIMITS),
                    group_roster="server")

    def op_create(self, req):
        body = super().op_create(req)
        # A party's name in its groups. A clone keeps the original's (it is the same member).
        self.parties[req["party"]].update(name=req["party"], groups={})
        return body

    def op_import(self, req):
        body = super().op_import(req)
        party = self.parties[req["party"]]
        try:
            if not (isinstance(party.get("name"), str) and PARTY_NAME.fullmatch(party["name"])
                    and isinstance(party.get("groups"), dict)):
                raise ValueError("no group name or groups")
            for name, g in party["groups"].items():
                if not PARTY_NAME.fullmatch(name):
                    raise ValueError("group name %r" % name)
                check_group(g)
        except ValueError as e:
            del self.parties[req["party"]]  # refused: nothing imported
            raise PtpError("bad_request", "state is not an exported party: %s" % e) from None
        return body

    # ---- request helpers ----
    def group(self, req, known=True):
        """(party, group name, group state); an unknown group is bad_request."""
        party, name = self.party(req), self.name(req, "group")
        g = party["groups"].get(name)
        if known and g is None:
            raise PtpError("bad_request", "unknown group %s" % name)
        return party, name, g

    def member_group(self, req):
        """As group(), for ops a removed member may not perform."""
        party, name, g = self.group(req)
        if g["removed"] or party["name"] not in g["roster"]:
            raise PtpError("bad_request", "%s is not a member of %s" % (party["name"], name))
        return party, name, g

    def members(self, req, field):
        value = req.get(field)
        if (not isinstance(value, list) or not all(isinstance(m, str) and PARTY_NAME.fullmatch(m) for m in value)
                or len(set(value)) != len(value)):
            raise PtpError("bad_request", 'field "%s" must be a list of distinct party names' % field)
        return value

    def sender_key_fields(self, req):
        """The inject fields of group_encrypt: (chain_key, signing_private, chain_id)."""
        ck, sign_priv = self.key(req, "chain_key"), self.key(req, "signing_private")
        chain_id = self.uint32(req, "chain_id")
        if chain_id is not None and chain_id >= 2**31:
            raise PtpError("bad_request", 'field "chain_id" must be below 2^31')
        return ck, sign_priv, chain_id

    def new_sender_key(self, injected):
        """A fresh sender key: injected fields if given, else from the (seeded) generator."""
        ck, sign_priv, chain_id = injected
        if chain_id is None:
            chain_id = int.from_bytes(self.rng.bytes(4), "big") & 0x7FFFFFFF
        ck = ck if ck is not None else self.rng.bytes(32)
        # signing_private is used as the Ed25519 seed (this protocol signs with Ed25519).
        sign_priv = sign_priv if sign_priv is not None else self.rng.bytes(32)
        return {"chain_id": chain_id, "ck": ck, "n": 0, "sign_priv": sign_priv, "sign_pub": ed25519_public(sign_priv)}

    # ---- membership: the server's roster, the creator's view until announced ----
    def op_group_create(self, req):
        party, name, g = self.group(req, known=False)
        members = self.members(req, "members")
        if g is not None or party["name"] in members:
            raise PtpError("bad_request", "group %s exists, or members names the creator" % name)
        party["groups"][name] = new_group([party["name"]] + members)
        return {"deliveries": []}  # keys go out with the first send

    def op_group_add(self, req):
        party, name, g = self.member_group(req)
        member = self.name(req, "member")
        if member in g["roster"]:
            raise PtpError("bad_request", "%s is already in %s" % (member, name))
        # The newcomer gets this member's current key with its next send (it is not in sent_to).
        g["roster"] = sorted(g["roster"] + [member])
        return {"deliveries": []}

    def op_group_remove(self, req):
        party, name, g = self.member_group(req)
        member = self.name(req, "member")
        if member not in g["roster"] or member == party["name"]:
            raise PtpError("bad_request", "%s is not another member of %s" % (member, name))
        self.apply_roster(party, g, [m for m in g["roster"] if m != member])
        return {"deliveries": []}

    def op_group_roster(self, req):
        party, name, g = self.group(req, known=False)
        members = self.members(req, "members")
        if g is None:  # a party learns a group from the first roster naming it
            g = party["groups"][name] = new_group([])
        self.apply_roster(party, g, members)
        return {"deliveries": []}

    @staticmethod
    def apply_roster(party, g, members):
        """WhatsApp's rules: forget removed members' keys and rotate before the next send;
        newcomers get the current key with the next send; a member not in the roster stops
        sending and drops its own key, but keeps the rest so that it can be re-added."""
        me, gone = party["name"], set(g["roster"]) - set(members)
        for member in gone:
            g["senders"].pop(member, None)
        g["roster"] = sorted(members)
        if me in members:
            g["removed"] = False
            g["rotate"] = g["rotate"] or bool(gone)
            g["sent_to"] = [m for m in g["sent_to"] if m in members]
        else:
            g.update(removed=True, own=None, sent_to=[], rotate=False)

    def op_group_update(self, req):
        _, _, g = self.member_group(req)
        g["rotate"] = True  # the fresh key goes to every member with the next send
        return {"deliveries": []}

    def op_group_info(self, req):
        _, _, g = self.group(req)
        return {"members": g["roster"], "removed": g["removed"]}  # no epoch: the roster is the server's

    # ---- sending ----
    def op_group_encrypt(self, req):
        party, name, g = self.member_group(req)
        plaintext = self.hex(req, "plaintext")
        me = party["name"]
        injected = self.sender_key_fields(req)  # checked always, used only for a new key
        own, sent_to = g["own"], g["sent_to"]
        if own is None or g["rotate"] or own["n"] >= 2**32 - 1:  # (a used-up chain rotates too)
            own, sent_to = self.new_sender_key(injected), []
        else:
            own = dict(own)
        # Control deliveries first: the current key, at its current iteration, to each member
        # that does not hold it yet. Every pairwise step is committed only if all succeed.
        deliveries, commits = [], []
        distribution = encode_distribution(name, own)
        for member in g["roster"]:
            if member != me and member not in sent_to:
                ciphertext, kind, commit = self.seal_pairwise(party, member, distribution)
                envelope = bytes([CONTROL_TAG, PAIRWISE_KIND[kind]]) + ciphertext
                deliveries.append({"to": member, "envelope": envelope.hex(), "kind": "control"})
                commits.append(commit)
        iteration = own["n"]
        own["ck"], message_key = group_kdf(own["ck"])
        own["n"] += 1
        envelope = make_application(name, me, own["chain_id"], iteration, message_key, own["sign_priv"], plaintext)
        deliveries += [{"to": m, "envelope": envelope.hex(), "kind": "application"} for m in g["roster"] if m != me]
        for commit in commits:
            commit()
        g.update(own=own, sent_to=[m for m in g["roster"] if m != me], rotate=False)
        return {"deliveries": deliveries}

    def op_group_forge(self, req):
        """An application envelope with `as`'s chain and this party's own signature (GRP-3,
        GRP-8). Far past the bound its key is random: a receiver must refuse it unread."""
        party, name, g = self.member_group(req)
        sender, iteration = self.name(req, "as"), self.uint32(req, "iteration")
        states = g["senders"].get(sender)
        if sender == party["name"] and g["own"]:
            state = dict(g["own"], skipped={})  # its own chain (a far-ahead claim of itself)
        elif states:
            state = states[0]
        else:
            raise PtpError("no_session", "no chain of %s" % sender)
        iteration = state["n"] if iteration is None else iteration
        message_key = state["skipped"].get(str(iteration))
        if iteration >= state["n"] and iteration - state["n"] <= GROUP_MAX_SKIP + 1:
            ck = state["ck"]
            for _ in range(iteration - state["n"] + 1):
                ck, message_key = group_kdf(ck)
        if message_key is None:
            message_key = self.rng.bytes(32)
        sign_priv = g["own"]["sign_priv"] if g["own"] else party["identity"]["ed"]["priv"]
        return {"envelope": make_application(name, sender, state["chain_id"], iteration, message_key, sign_priv,
                                             b"forged").hex()}

    # ---- receiving: the envelope says its kind; `from` says who sent it ----
    def op_group_receive(self, req):
        party, name, g = self.member_group(req)
        sender, data = self.name(req, "from"), self.hex(req, "envelope")
        if data[:1] == bytes([CONTROL_TAG]):
            return self.receive_control(party, name, g, sender, data)
        if data[:1] == bytes([APPLICATION_TAG]):
            return self.receive_application(party, name, g, sender, data)
        raise PtpError("invalid_message", "not a group envelope")

    def receive_control(self, party, name, g, sender, data):
        if sender not in g["roster"] or sender == party["name"]:
            raise PtpError("bad_request", "control delivery from %s, not another member" % sender)
        if len(data) < 2 or data[1] not in KIND_OF_BYTE:
            raise PtpError("invalid_message", "bad pairwise kind")
        # The pairwise session with `from` authenticates the sender: the key is filed under
        # `from` and nothing inside the plaintext names a sender.
        plaintext, commit = self.open_pairwise(party, sender, data[2:], KIND_OF_BYTE[data[1]], None)
        key = decode_distribution(plaintext, name)
        states = g["senders"].get(sender, [])
        known = next((s for s in states if s["chain_id"] == key["chain_id"]), None)
        if known is not None and known["sign_pub"] != key["sign_pub"]:
            raise PtpError("invalid_message", "chain %d redistributed with another signing key" % key["chain_id"])
        commit()
        # A chain already held is kept as it is: an older copy would roll it back (refused
        # replays would decrypt again), and a copy further along adds nothing it cannot derive.
        if known is None:
            g["senders"][sender] = [key] + states[:GROUP_MAX_SENDER_STATES - 1]  # oldest evicted
        return {"kind": "control"}

    def receive_application(self, party, name, g, sender, data):
        if len(data) < APP_HEADER_LEN + 16 + SIGNATURE_LEN:
            raise PtpError("invalid_message", "application envelope too short")
        chain_id, iteration = struct.unpack(">II", data[1:APP_HEADER_LEN])
        body, signature = data[:-SIGNATURE_LEN], data[-SIGNATURE_LEN:]
        if sender == party["name"]:  # its own message (a clone given what the original sent)
            own = g["own"]
            behind = own is not None and own["chain_id"] == chain_id and iteration < own["n"]
            raise PtpError("duplicate_message" if behind else "no_session", "a message of its own chain")
        states = g["senders"].get(sender, [])
        index = next((i for i, s in enumerate(states) if s["chain_id"] == chain_id), None)
        if index is None:  # key not received yet, evicted, or forgotten at a removal
            raise PtpError("no_session", "no chain %d of %s" % (chain_id, sender))
        state = states[index]
        try:  # authenticity first: nothing below looks at unauthenticated numbers
            Ed25519PublicKey.from_public_bytes(state["sign_pub"]).verify(signature, signed_part(name, sender, body))
        except (InvalidSignature, ValueError):
            raise PtpError("invalid_message", "signature does not verify") from None
        skipped = dict(state["skipped"])
        ck, n = state["ck"], state["n"]
        if iteration < n:
            message_key = skipped.pop(str(iteration), None)
            if message_key is None:
                raise PtpError("duplicate_message", "no key for iteration %d (already used)" % iteration)
        else:
            if iteration - n > GROUP_MAX_SKIP:  # checked before deriving anything
                raise PtpError("limit_exceeded", "iteration %d is more than %d ahead" % (iteration, GROUP_MAX_SKIP))
            while n < iteration:
                ck, skipped[str(n)] = group_kdf(ck)
                n += 1
            ck, message_key = group_kdf(ck)
            n += 1
            for old in sorted(skipped, key=int)[:max(0, len(skipped) - GROUP_MAX_SKIPPED_KEYS)]:
                del skipped[old]  # bounded retention: the oldest go first
        aead, nonce = group_cipher(message_key)
        try:
            plaintext = aead.decrypt(nonce, data[APP_HEADER_LEN:-SIGNATURE_LEN],
                                     group_ad(name, sender, chain_id, iteration))
        except InvalidTag:
            raise PtpError("invalid_message", "authentication failed") from None
        states[index] = dict(state, ck=ck, n=n, skipped=skipped)  # commit
        return {"kind": "application", "plaintext": plaintext.hex()}


# --------------------------------------------------------------------------------------
# The PTP loop: one request line in, one response line out, until end of input.
# --------------------------------------------------------------------------------------
def respond(target, line):
    """Returns the response object for one request line. Never raises."""
    try:
        request = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        request = None
    if not isinstance(request, dict):
        return {"id": None, "ok": False, "error": "bad_request", "detail": "request is not a JSON object"}
    rid = request.get("id")
    op = request.get("op")
    handler = getattr(target, "op_" + op, None) if isinstance(op, str) and op.isidentifier() else None
    if handler is None:
        return {"id": rid, "ok": False, "error": "unsupported" if isinstance(op, str) else "bad_request",
                "detail": "unknown op %r" % (op,)}
    try:
        body = handler(request)
    except PtpError as e:
        return {"id": rid, "ok": False, "error": e.code, "detail": e.detail}
    except Exception as e:  # a bug costs one request, not the target
        traceback.print_exc(file=sys.stderr)
        return {"id": rid, "ok": False, "error": "internal", "detail": "%s: %s" % (type(e).__name__, e)}
    return dict({"id": rid, "ok": True}, **body)


def main():
    target = GroupTarget()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    # No line-length cap here: the suite bounds what it sends, and DOS-3 sends 16 MiB
    # ciphertexts (32 MiB of hex) that must be answered with this request's id.
    for line in iter(stdin.readline, b""):  # b"" is end of input: exit 0
        response = respond(target, line)
        try:
            stdout.write(json.dumps(response, separators=(",", ":")).encode() + b"\n")
            stdout.flush()
        except BrokenPipeError:
            break
    return 0


if __name__ == "__main__":
    sys.exit(main())
