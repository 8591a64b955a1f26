#!/usr/bin/python3
"""Self-test of targets/python/parity_target.py: spawns the target and talks PTP/1 to it.

Run:  /usr/bin/python3 targets/python/test_parity_target.py
 or:  /usr/bin/python3 -m unittest targets/python/test_parity_target.py
"""

import json
import os
import random
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
# The target needs `cryptography`: Debian's /usr/bin/python3 has it (python3-cryptography).
PYTHON = os.environ.get("PARITY_PYTHON") or ("/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable)
TARGET = [PYTHON, os.path.join(HERE, "parity_target.py")]
SEED = "11" * 32


class Target:
    """A minimal PTP client: one request line out, one response line in."""

    def __init__(self):
        self.proc = subprocess.Popen(TARGET, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        self.next_id = 0
        self.log = []

    def raw(self, line):
        self.proc.stdin.write(line.encode() + b"\n")
        response = self.proc.stdout.readline()
        assert response, "target closed its output"
        self.log.append(response)
        return json.loads(response)

    def request(self, op, **fields):
        self.next_id += 1
        response = self.raw(json.dumps(dict(id=self.next_id, op=op, **fields)))
        assert response["id"] == self.next_id, response
        return response

    def ok(self, op, **fields):
        response = self.request(op, **fields)
        assert response["ok"], (op, response)
        return response

    def refused(self, op, **fields):
        response = self.request(op, **fields)
        assert not response["ok"], (op, fields, response)
        return response["error"]

    def close(self):
        self.proc.stdin.close()
        code = self.proc.wait(timeout=10)
        self.proc.stdout.close()
        return code

    # conveniences
    def send(self, a, b, text):
        r = self.ok("encrypt", party=a, peer=b, plaintext=text.encode().hex())
        return r["ciphertext"], r["kind"]

    def recv(self, b, a, message):
        return bytes.fromhex(self.ok("decrypt", party=b, peer=a, ciphertext=message[0], kind=message[1])["plaintext"]).decode()

    def session(self, a="alice", b="bob", seed=SEED):
        self.ok("reset", seed=seed)
        self.ok("create", party=a)
        self.ok("create", party=b)
        self.ok("initiate", party=a, peer=b, bundle=self.ok("bundle", party=b)["bundle"])


class TargetTest(unittest.TestCase):
    def setUp(self):
        self.t = Target()

    def tearDown(self):
        self.assertEqual(self.t.close(), 0)

    def test_framing(self):
        t = self.t
        hello = t.ok("hello", ptp=1)
        self.assertEqual(hello["protocol"], "custom:python-dr")
        self.assertEqual(set(hello["capabilities"]),
                         {"export", "import", "deterministic", "inject", "group", "group_update", "group_forge"})
        self.assertEqual(hello["limits"]["max_skip"], 1000)
        self.assertEqual(hello["group_roster"], "server")
        self.assertEqual([hello["limits"]["group_max_" + k] for k in ("skip", "skipped_keys", "sender_states")],
                         [500, 500, 3])
        self.assertEqual(t.refused("hello", ptp=2), "unsupported")
        for line in ("[]", "42", "not json", "", '"x"'):
            self.assertEqual(t.raw(line), {"id": None, "ok": False, "error": "bad_request",
                                           "detail": "request is not a JSON object"})
        self.assertEqual(t.refused("primitive", name="sha256", data=""), "unsupported")
        self.assertEqual(t.refused("no_such_op"), "unsupported")
        t.ok("reset", future_field=[1, 2])  # unknown fields are ignored
        t.ok("create", party="alice")
        self.assertEqual(t.refused("create", party="alice"), "bad_request")
        self.assertEqual(t.refused("create", party="Bad Name"), "bad_request")
        self.assertEqual(t.refused("bundle", party="nobody"), "bad_request")
        self.assertEqual(t.refused("initiate", party="alice", peer="bob"), "bad_request")  # no bundle
        self.assertEqual(t.refused("initiate", party="alice", peer="bob", bundle="ABCD"), "bad_request")
        self.assertEqual(t.refused("initiate", party="alice", peer="bob", bundle="abc"), "bad_request")
        self.assertEqual(t.refused("initiate", party="alice", peer="bob", bundle="00"), "invalid_bundle")
        self.assertEqual(t.refused("encrypt", party="alice", peer="bob", plaintext=""), "no_session")
        self.assertEqual(t.refused("decrypt", party="alice", peer="bob", ciphertext="00", kind="message"),
                         "no_session")
        self.assertEqual(t.refused("decrypt", party="alice", peer="bob", ciphertext="00", kind="x"), "bad_request")
        self.assertEqual(t.refused("import", party="alice", state=t.ok("export", party="alice")["state"]),
                         "bad_request")
        self.assertEqual(t.refused("import", party="clone", state="00"), "bad_request")
        r = t.raw('{"id":"str-id","op":"reset"}')
        self.assertEqual(r, {"id": "str-id", "ok": True})

    def test_session_both_ways_out_of_order(self):
        t = self.t
        t.session()
        first = [t.send("alice", "bob", "a%d" % i) for i in range(3)]
        self.assertEqual({k for _, k in first}, {"prekey"})
        for i in (2, 0, 1):  # the responder starts its session from any of them
            self.assertEqual(t.recv("bob", "alice", first[i]), "a%d" % i)
        for rnd in range(4):  # several round trips, each direction out of order
            back = [t.send("bob", "alice", "b%d.%d" % (rnd, i)) for i in range(4)]
            self.assertEqual({k for _, k in back}, {"message"})
            for i in (3, 1, 0, 2):
                self.assertEqual(t.recv("alice", "bob", back[i]), "b%d.%d" % (rnd, i))
            forth = [t.send("alice", "bob", "a%d.%d" % (rnd, i)) for i in range(3)]
            self.assertEqual({k for _, k in forth}, {"message"})  # alice has heard back
            for i in (1, 2, 0):
                self.assertEqual(t.recv("bob", "alice", forth[i]), "a%d.%d" % (rnd, i))
        # A message delayed across two ratchet steps still decrypts; lost ones break nothing.
        late = t.send("alice", "bob", "late")
        t.send("alice", "bob", "lost")
        for rnd in range(2):
            t.recv("alice", "bob", t.send("bob", "alice", "x"))
            t.recv("bob", "alice", t.send("alice", "bob", "y"))
        self.assertEqual(t.recv("bob", "alice", late), "late")
        big = os.urandom(256 * 1024).hex()
        r = t.ok("encrypt", party="bob", peer="alice", plaintext=big)
        self.assertEqual(t.ok("decrypt", party="alice", peer="bob", ciphertext=r["ciphertext"],
                              kind="message")["plaintext"], big)
        empty = t.ok("encrypt", party="bob", peer="alice", plaintext="")
        self.assertEqual(t.ok("decrypt", party="alice", peer="bob", ciphertext=empty["ciphertext"],
                              kind="message")["plaintext"], "")

    def test_replay_refused(self):
        t = self.t
        t.session()
        first = t.send("alice", "bob", "hi")
        t.recv("bob", "alice", first)
        self.assertEqual(t.refused("decrypt", party="bob", peer="alice", ciphertext=first[0], kind=first[1]),
                         "duplicate_message")
        t.recv("alice", "bob", t.send("bob", "alice", "ho"))
        m = t.send("alice", "bob", "again")
        t.recv("bob", "alice", m)
        self.assertEqual(t.refused("decrypt", party="bob", peer="alice", ciphertext=m[0], kind=m[1]),
                         "duplicate_message")
        # the first (prekey) message replayed after the session moved on: still refused
        self.assertEqual(t.refused("decrypt", party="bob", peer="alice", ciphertext=first[0], kind=first[1]),
                         "duplicate_message")

    def test_tamper_every_bit(self):
        t = self.t
        t.session()
        t.recv("bob", "alice", t.send("alice", "bob", "hello"))
        t.recv("alice", "bob", t.send("bob", "alice", "hi"))
        ciphertext, kind = t.send("alice", "bob", "tamper me")
        data = bytes.fromhex(ciphertext)
        before = t.ok("export", party="bob")["state"]
        for bit in range(len(data) * 8):
            forged = bytearray(data)
            forged[bit // 8] ^= 1 << (bit % 8)
            t.refused("decrypt", party="bob", peer="alice", ciphertext=forged.hex(), kind=kind)
        for cut in range(len(data)):
            t.refused("decrypt", party="bob", peer="alice", ciphertext=data[:cut].hex(), kind=kind)
        t.refused("decrypt", party="bob", peer="alice", ciphertext=(data + b"\0").hex(), kind=kind)
        t.refused("decrypt", party="bob", peer="alice", ciphertext=ciphertext, kind="prekey")
        self.assertEqual(t.ok("export", party="bob")["state"], before)  # atomicity
        self.assertEqual(t.recv("bob", "alice", (ciphertext, kind)), "tamper me")

    def test_atomicity_of_refusals(self):
        t = self.t
        t.session()
        pending = t.send("alice", "bob", "one")
        states = {p: t.ok("export", party=p)["state"] for p in ("alice", "bob")}
        t.refused("decrypt", party="bob", peer="alice", ciphertext="d1" + "00" * 80, kind="message")
        t.refused("decrypt", party="bob", peer="alice", ciphertext=pending[0][:-2], kind="prekey")
        t.refused("decrypt", party="alice", peer="bob", ciphertext=pending[0], kind="prekey")  # own message
        t.refused("initiate", party="alice", peer="bob", bundle="00" * 204)
        for p in ("alice", "bob"):
            self.assertEqual(t.ok("export", party=p)["state"], states[p])
        self.assertEqual(t.recv("bob", "alice", pending), "one")

    def test_bundle_tamper_in_layout(self):
        t = self.t
        t.ok("reset", seed=SEED)
        t.ok("create", party="alice")
        t.ok("create", party="bob")
        t.ok("create", party="carol")
        r = t.ok("bundle", party="bob")
        bundle = bytes.fromhex(r["bundle"])
        for name, (start, end) in r["layout"].items():
            for bit in range(start * 8, end * 8):
                forged = bytearray(bundle)
                forged[bit // 8] ^= 1 << (bit % 8)
                self.assertEqual(t.refused("initiate", party="alice", peer="bob", bundle=forged.hex()),
                                 "invalid_bundle", (name, bit))
        carol = bytes.fromhex(t.ok("create", party="dave")["identity"])
        s, e = r["layout"]["identity"]
        swapped = bundle[:s] + carol + bundle[e:]
        self.assertEqual(t.refused("initiate", party="alice", peer="bob", bundle=swapped.hex()), "invalid_bundle")
        t.ok("initiate", party="alice", peer="bob", bundle=r["bundle"])

    def test_identity_and_direction_binding(self):
        t = self.t
        t.session()
        t.ok("create", party="carol")
        t.ok("initiate", party="carol", peer="alice", bundle=t.ok("bundle", party="alice")["bundle"])
        t.recv("alice", "carol", t.send("carol", "alice", "c"))
        t.recv("bob", "alice", t.send("alice", "bob", "a"))
        t.ok("initiate", party="carol", peer="bob", bundle=t.ok("bundle", party="bob")["bundle"])
        t.recv("bob", "carol", t.send("carol", "bob", "c"))
        m = t.send("alice", "bob", "for bob")
        t.refused("decrypt", party="carol", peer="alice", ciphertext=m[0], kind=m[1])  # wrong recipient
        t.refused("decrypt", party="bob", peer="carol", ciphertext=m[0], kind=m[1])  # wrong sender
        t.refused("decrypt", party="alice", peer="bob", ciphertext=m[0], kind=m[1])  # reflected
        self.assertEqual(t.recv("bob", "alice", m), "for bob")

    def test_one_time_prekey_serves_one_session(self):
        t = self.t
        t.ok("reset", seed=SEED)
        for p in ("alice", "bob", "carol"):
            t.ok("create", party=p)
        bundle = t.ok("bundle", party="bob")["bundle"]
        t.ok("initiate", party="alice", peer="bob", bundle=bundle)
        t.ok("initiate", party="carol", peer="bob", bundle=bundle)
        t.recv("bob", "alice", t.send("alice", "bob", "first"))
        m = t.send("carol", "bob", "second")
        self.assertEqual(t.refused("decrypt", party="bob", peer="carol", ciphertext=m[0], kind=m[1]),
                         "invalid_message")

    def test_limits(self):
        t = self.t
        t.session()
        t.recv("bob", "alice", t.send("alice", "bob", "0"))
        sent = [t.send("alice", "bob", str(i)) for i in range(1, 1003)]
        self.assertEqual(t.refused("decrypt", party="bob", peer="alice", ciphertext=sent[-1][0], kind=sent[-1][1]),
                         "limit_exceeded")  # counter 1002: 1001 ahead of next expected (1)
        self.assertEqual(t.recv("bob", "alice", sent[-2]), "1001")  # exactly max_skip ahead: accepted
        self.assertEqual(t.recv("bob", "alice", sent[0]), "1")  # a skipped key
        self.assertEqual(t.recv("bob", "alice", sent[-1]), "1002")

    def test_export_import_clone(self):
        t = self.t
        t.session()
        t.recv("bob", "alice", t.send("alice", "bob", "hello"))
        seen = t.send("alice", "bob", "seen")
        t.recv("bob", "alice", seen)
        pending = t.send("alice", "bob", "pending")
        state = t.ok("export", party="bob")["state"]
        t.ok("import", party="bob~1", state=state)
        self.assertEqual(t.ok("export", party="bob~1")["state"], state)
        self.assertEqual(t.recv("bob~1", "alice", pending), "pending")  # the clone reads what was in flight
        self.assertEqual(t.recv("bob", "alice", pending), "pending")  # and the original is independent
        t.refused("decrypt", party="bob~1", peer="alice", ciphertext=seen[0], kind=seen[1])  # forward secrecy
        reply = t.send("bob~1", "alice", "from the clone")
        self.assertEqual(t.recv("alice", "bob", reply), "from the clone")

    def script(self, target, inject=False):
        """A fixed conversation; returns every response line."""
        keys = {k: (k[0] * 64)[:64] for k in "abcdef123456"}
        injected = lambda *names: {n: keys[k] for n, k in names} if inject else {}
        target.ok("reset", seed=SEED if not inject else os.urandom(32).hex())
        target.ok("create", party="alice", **injected(("identity_private", "a")))
        target.ok("create", party="bob", registration_id=7, **injected(("identity_private", "b")))
        extra = dict(signed_prekey_id=5, prekey_id=9) if inject else {}
        b = target.ok("bundle", party="bob", **extra,
                      **injected(("signed_prekey_private", "c"), ("onetime_prekey_private", "d")))["bundle"]
        target.ok("initiate", party="alice", peer="bob", bundle=b,
                  **injected(("base_private", "e"), ("ratchet_private", "f")))
        for i, k in enumerate("123"):
            m = target.send("alice", "bob", "m%d" % i)
            target.ok("decrypt", party="bob", peer="alice", ciphertext=m[0], kind=m[1],
                      **injected(("ratchet_private", k)))
            m = target.send("bob", "alice", "r%d" % i)
            target.ok("decrypt", party="alice", peer="bob", ciphertext=m[0], kind=m[1],
                      **injected(("ratchet_private", str(int(k) + 3))))
        target.ok("export", party="alice")
        target.ok("export", party="bob")
        return target.log

    def test_deterministic(self):
        other = Target()
        try:
            self.assertEqual(self.script(self.t), self.script(other))
        finally:
            self.assertEqual(other.close(), 0)

    def test_inject_gives_byte_exact_transcript(self):
        other = Target()
        try:
            first, second = self.script(self.t, inject=True), self.script(other, inject=True)
            # every response but reset's is identical although the seeds differ
            self.assertEqual(first, second)
        finally:
            self.assertEqual(other.close(), 0)


GROUP_MEMBERS = ("alice", "bob", "carol")


class GroupTarget(Target):
    """Group conveniences: the suite's part as the server that routes deliveries."""

    def pairwise(self, a, b):
        """A pairwise session as the suite makes one: bundle, initiate, one message each way."""
        self.ok("initiate", party=a, peer=b, bundle=self.ok("bundle", party=b)["bundle"])
        self.recv(b, a, self.send(a, b, "hi"))
        self.recv(a, b, self.send(b, a, "ho"))

    def group_setup(self, members=GROUP_MEMBERS, group="g", seed=SEED):
        self.ok("reset", seed=seed)
        for p in members:
            self.ok("create", party=p)
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                self.pairwise(a, b)
        self.make_group(members, group)

    def make_group(self, members, group):
        created = self.ok("group_create", party=members[0], group=group, members=list(members[1:]))
        assert created["deliveries"] == [], created  # keys go out with the first send
        self.announce(group, members, members)

    def announce(self, group, roster, to):
        for p in to:
            r = self.ok("group_roster", party=p, group=group, members=list(roster))
            assert r["deliveries"] == [], r

    def gsend(self, sender, text, group="g"):
        return self.ok("group_encrypt", party=sender, group=group, plaintext=text.encode().hex())["deliveries"]

    def give(self, to, sender, delivery, group="g"):
        """group_receive of one delivery: "control", the plaintext, or the refusal's code."""
        r = self.request("group_receive", party=to, group=group, envelope=delivery["envelope"], **{"from": sender})
        if not r["ok"]:
            return "refused:" + r["error"]
        assert r["kind"] == delivery["kind"], r
        return "control" if r["kind"] == "control" else bytes.fromhex(r["plaintext"]).decode()

    def route(self, sender, deliveries, group="g"):
        """Gives every delivery to its recipient; returns {recipient: [results]}."""
        out = {}
        for d in deliveries:
            out.setdefault(d["to"], []).append(self.give(d["to"], sender, d, group))
        return out


def app_for(deliveries, to):
    """The application delivery addressed to `to`."""
    return next(d for d in deliveries if d["to"] == to and d["kind"] == "application")


class GroupTest(unittest.TestCase):
    def setUp(self):
        self.t = GroupTarget()

    def tearDown(self):
        self.assertEqual(self.t.close(), 0)

    def state(self, party):
        return self.t.ok("export", party=party)["state"]

    def test_distribution_and_read(self):
        t = self.t
        t.group_setup()
        for p in GROUP_MEMBERS:
            self.assertEqual(t.ok("group_info", party=p, group="g")["members"], list(GROUP_MEMBERS))
        for sender in GROUP_MEMBERS:
            others = [p for p in GROUP_MEMBERS if p != sender]
            first = t.gsend(sender, "first from " + sender)
            # the sender's key, once per member, before one application envelope for all
            self.assertEqual([(d["to"], d["kind"]) for d in first],
                             [(p, "control") for p in others] + [(p, "application") for p in others])
            self.assertEqual(len({d["envelope"] for d in first if d["kind"] == "application"}), 1)
            self.assertEqual(t.route(sender, first), {p: ["control", "first from " + sender] for p in others})
            second = t.gsend(sender, "second")
            self.assertEqual({d["kind"] for d in second}, {"application"})
            self.assertEqual(t.route(sender, second), {p: ["second"] for p in others})
        self.assertEqual(t.refused("group_info", party="alice", group="nope"), "bad_request")
        self.assertEqual(t.refused("group_encrypt", party="alice", group="nope", plaintext=""), "bad_request")
        self.assertEqual(t.refused("group_create", party="alice", group="g", members=["bob"]), "bad_request")
        self.assertEqual(t.refused("group_create", party="alice", group="h", members=["bob", "bob"]), "bad_request")
        self.assertEqual(t.refused("group_add", party="alice", group="g", member="bob"), "bad_request")
        # an unknown group is bad_request, and a delivery moved to another group is refused
        d = app_for(t.gsend("alice", "for g"), "bob")
        self.assertEqual(t.give("bob", "alice", d, group="nope"), "refused:bad_request")
        t.make_group(GROUP_MEMBERS, "h")
        self.assertTrue(t.give("bob", "alice", d, group="h").startswith("refused:"))
        moved = t.gsend("alice", "first in h", group="h")
        control = next(x for x in moved if x["to"] == "bob")
        self.assertTrue(t.give("bob", "alice", control).startswith("refused:"))  # control moved to g
        self.assertEqual(t.route("alice", moved, group="h")["bob"], ["control", "first in h"])
        self.assertEqual(t.give("bob", "alice", d), "for g")

    def test_out_of_order_within_bounds(self):
        t = self.t
        t.group_setup()
        t.route("alice", t.gsend("alice", "start"))
        sent = [app_for(t.gsend("alice", "m%d" % i), "carol") for i in range(40)]
        order = list(range(40))
        random.Random(5).shuffle(order)
        for i in order:
            self.assertEqual(t.give("carol", "alice", sent[i]), "m%d" % i)
        for i in order[:5]:  # each read exactly once
            self.assertEqual(t.give("carol", "alice", sent[i]), "refused:duplicate_message")

    def test_jump_limit_and_skipped_key_eviction(self):
        t = self.t
        t.group_setup()
        t.route("alice", t.gsend("alice", "0"))  # bob expects iteration 1 next
        sent = [None] + [app_for(t.gsend("alice", str(i)), "bob") for i in range(1, 506)]
        before = self.state("bob")
        self.assertEqual(t.give("bob", "alice", sent[502]), "refused:limit_exceeded")  # 501 past iteration 1
        self.assertEqual(self.state("bob"), before)
        self.assertEqual(t.give("bob", "alice", sent[501]), "501")  # exactly 500 past: read
        self.assertEqual(t.give("bob", "alice", sent[502]), "502")
        self.assertEqual(t.give("bob", "alice", sent[1]), "1")  # skipped keys 2..500 remain (499)
        self.assertEqual(t.give("bob", "alice", sent[505]), "505")  # +503, 504: 501 keys, the oldest goes
        self.assertEqual(t.give("bob", "alice", sent[2]), "refused:duplicate_message")
        for i in (3, 500, 503, 504):
            self.assertEqual(t.give("bob", "alice", sent[i]), str(i))

    def test_replays_and_early_deliveries(self):
        t = self.t
        t.ok("reset", seed=SEED)
        for p in GROUP_MEMBERS:
            t.ok("create", party=p)
        t.pairwise("alice", "bob")
        t.pairwise("alice", "carol")
        t.make_group(GROUP_MEMBERS, "g")
        first = t.gsend("alice", "a0")
        control, app = [d for d in first if d["to"] == "bob"]
        before = self.state("bob")
        self.assertEqual(t.give("bob", "alice", app), "refused:no_session")  # its key not yet given
        self.assertEqual(self.state("bob"), before)
        t.ok("import", party="bob~0", state=before)  # bob before it read the key (for later)
        self.assertEqual(t.give("bob", "alice", control), "control")
        self.assertEqual(t.give("bob", "alice", app), "a0")
        self.assertEqual(t.give("bob", "alice", app), "refused:duplicate_message")
        self.assertTrue(t.give("bob", "alice", control).startswith("refused:"))  # a replayed control
        self.assertEqual(t.give("bob", "carol", control), "refused:no_session")  # relabelled: no bob-carol session
        before = {p: self.state(p) for p in GROUP_MEMBERS}
        self.assertEqual(t.refused("group_encrypt", party="bob", group="g", plaintext=""), "no_session")  # no bob-carol
        self.assertEqual({p: self.state(p) for p in GROUP_MEMBERS}, before)
        later = [app_for(t.gsend("alice", "a%d" % i), "bob") for i in (1, 2)]
        self.assertEqual(t.give("bob", "alice", later[0]), "a1")
        # An older copy of the distribution in a NEW pairwise message (a stale or malicious
        # alice): accepted or refused, it must not move bob's chain back.
        kind = {"01": "prekey", "02": "message"}[control["envelope"][2:4]]
        plain = t.ok("decrypt", party="bob~0", peer="alice", ciphertext=control["envelope"][4:], kind=kind)["plaintext"]
        resent = t.ok("encrypt", party="alice", peer="bob", plaintext=plain)
        copy_env = "c1" + {"prekey": "01", "message": "02"}[resent["kind"]] + resent["ciphertext"]
        t.give("bob", "alice", {"envelope": copy_env, "kind": "control"})
        self.assertEqual(t.give("bob", "alice", app), "refused:duplicate_message")
        self.assertEqual(t.give("bob", "alice", later[0]), "refused:duplicate_message")
        self.assertEqual(t.give("bob", "alice", later[1]), "a2")

    def test_removal_then_rotation(self):
        t = self.t
        t.group_setup()
        for p in GROUP_MEMBERS:
            t.route(p, t.gsend(p, "before from " + p))
        self.assertEqual(t.ok("group_remove", party="alice", group="g", member="carol")["deliveries"], [])
        t.ok("import", party="carol~1", state=self.state("carol"))  # exported before the announcement
        t.announce("g", ["alice", "bob"], GROUP_MEMBERS)
        info = t.ok("group_info", party="carol", group="g")
        self.assertEqual((info["members"], info["removed"]), (["alice", "bob"], True))
        self.assertEqual(t.refused("group_encrypt", party="carol", group="g", plaintext=""), "bad_request")
        for sender in ("alice", "bob"):
            after = t.gsend(sender, "after from " + sender)
            other = "bob" if sender == "alice" else "alice"
            # a fresh key (rotation after the removal) for the remaining member only
            self.assertEqual([(d["to"], d["kind"]) for d in after], [(other, "control"), (other, "application")])
            for d in after:  # the removed member and its clone are given everything
                self.assertTrue(t.give("carol", sender, d).startswith("refused:"))
                self.assertTrue(t.give("carol~1", sender, d).startswith("refused:"))
            self.assertEqual(t.route(sender, after), {other: ["control", "after from " + sender]})
        # re-added, carol is sent the current keys and makes a fresh one of its own
        t.ok("group_add", party="alice", group="g", member="carol")
        t.announce("g", GROUP_MEMBERS, GROUP_MEMBERS)
        self.assertEqual(t.route("alice", t.gsend("alice", "welcome back"))["carol"], ["control", "welcome back"])
        back = t.gsend("carol", "back")
        self.assertEqual(t.route("carol", back), {"alice": ["control", "back"], "bob": ["control", "back"]})
        self.assertTrue(t.give("carol~1", "carol", app_for(back, "alice")).startswith("refused:"))

    def test_tampered_envelopes_refused(self):
        t = self.t
        t.group_setup()
        for label, deliveries in (("control", t.gsend("alice", "first")), ("application", t.gsend("alice", "second"))):
            d = next(x for x in deliveries if x["to"] == "bob" and x["kind"] == label)
            data = bytes.fromhex(d["envelope"])
            before = self.state("bob")
            # One bit of every byte and truncations throughout (GRP-2's full sweep is the suite's).
            forged = [data[:i] for i in range(0, len(data), 5)] + [data[:-1], data + b"\0"]
            for i in range(len(data)):
                flipped = bytearray(data)
                flipped[i] ^= 1 << (i % 8)
                forged.append(bytes(flipped))
            for f in forged:
                r = t.request("group_receive", party="bob", group="g", envelope=f.hex(), **{"from": "alice"})
                self.assertFalse(r["ok"], (label, f.hex()))
            self.assertTrue(t.give("bob", "carol", d).startswith("refused:"))  # `from` relabelled
            self.assertEqual(self.state("bob"), before)  # refusals change nothing
            self.assertEqual(t.give("bob", "alice", d), "control" if label == "control" else "second")

    def test_forge_refused(self):
        t = self.t
        t.group_setup()
        t.route("alice", t.gsend("alice", "a0"))
        t.route("bob", t.gsend("bob", "b0"))
        forged = t.ok("group_forge", party="bob", group="g", **{"as": "alice"})["envelope"]
        self.assertEqual(t.give("carol", "alice", {"envelope": forged, "kind": "application"}),
                         "refused:invalid_message")  # alice's chain, bob's signature
        for iteration in (10**5, 2**31, 2**32 - 1):
            far = t.ok("group_forge", party="bob", group="g", iteration=iteration, **{"as": "alice"})["envelope"]
            self.assertTrue(t.give("carol", "alice", {"envelope": far, "kind": "application"}).startswith("refused:"))
        self.assertEqual(t.route("alice", t.gsend("alice", "a1"))["carol"], ["a1"])  # the genuine one that follows

    def test_sender_states_evicted(self):
        t = self.t
        t.group_setup()
        held = []
        for chain in range(4):  # four sender keys of alice's; bob keeps the newest three
            if chain:
                self.assertEqual(t.ok("group_update", party="alice", group="g")["deliveries"], [])
            deliveries = t.gsend("alice", "chain %d" % chain)
            self.assertEqual(t.give("bob", "alice", deliveries[0]), "control")  # a fresh key each time
            held.append(app_for(deliveries, "bob"))
            if chain == 2:  # three chains held: the first is still readable
                self.assertEqual(t.give("bob", "alice", held[0]), "chain 0")
        self.assertEqual(t.give("bob", "alice", held[1]), "chain 1")
        self.assertEqual(t.give("bob", "alice", held[3]), "chain 3")
        t.ok("group_update", party="alice", group="g")
        late = t.gsend("alice", "chain 4")
        self.assertEqual(t.give("bob", "alice", held[2]), "chain 2")  # chains 4, 3, 2 kept
        t.give("bob", "alice", late[0])
        self.assertEqual(t.give("bob", "alice", app_for(late, "bob")), "chain 4")

    def test_export_import_clone(self):
        t = self.t
        t.group_setup()
        seen = t.gsend("alice", "seen")
        t.route("alice", seen)
        state = self.state("bob")
        t.ok("import", party="bob~1", state=state)
        self.assertEqual(self.state("bob~1"), state)
        self.assertEqual(t.ok("group_info", party="bob~1", group="g")["members"], list(GROUP_MEMBERS))
        pending = app_for(t.gsend("alice", "pending"), "bob")
        self.assertEqual(t.give("bob~1", "alice", pending), "pending")  # the clone reads what was in flight
        self.assertEqual(t.give("bob", "alice", pending), "pending")
        self.assertEqual(t.give("bob~1", "alice", app_for(seen, "bob")), "refused:duplicate_message")
        own = t.gsend("bob~1", "from the clone")
        self.assertEqual({d["to"] for d in own}, {"alice", "carol"})  # the clone is bob: nothing to bob
        self.assertTrue(t.give("bob~1", "bob", app_for(own, "alice")).startswith("refused:"))
        self.assertEqual(t.route("bob", own), {"alice": ["control", "from the clone"],
                                               "carol": ["control", "from the clone"]})
        # import is strict about group state, and a refused import leaves no party behind
        doc = json.loads(bytes.fromhex(state))
        for broken in ({"groups": {"g": dict(doc["groups"]["g"], rotate="yes")}},
                       {"groups": {"g": {k: v for k, v in doc["groups"]["g"].items() if k != "senders"}}},
                       {"name": "Not A Name"}):
            bad = json.dumps(dict(doc, **broken)).encode().hex()
            self.assertEqual(t.refused("import", party="bob~2", state=bad), "bad_request")
        t.ok("import", party="bob~2", state=state)

    def group_script(self, target, seed, inject=False):
        target.group_setup(seed=seed)
        extra = dict(chain_key="ab" * 32, signing_private="cd" * 32, chain_id=7) if inject else {}
        apps = []
        for i in range(3):
            d = target.ok("group_encrypt", party="alice", group="g", plaintext="%02x" % i, **extra)["deliveries"]
            target.route("alice", d)
            apps.append(app_for(d, "bob")["envelope"])
        target.route("carol", target.gsend("carol", "c"))
        target.ok("export", party="bob")
        return apps

    def test_group_deterministic_and_inject(self):
        other = GroupTarget()
        try:
            self.group_script(self.t, SEED)
            self.group_script(other, SEED)
            self.assertEqual(self.t.log, other.log)
            # injected sender keys give the same application envelopes whatever the seed
            self.assertEqual(self.group_script(self.t, "22" * 32, inject=True),
                             self.group_script(other, "33" * 32, inject=True))
            self.assertEqual(self.t.refused("group_encrypt", party="alice", group="g", plaintext="", chain_id=2**31),
                             "bad_request")
        finally:
            self.assertEqual(other.close(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
