#!/usr/bin/python3
"""Self-test of targets/python/parity_target.py: spawns the target and talks PTP/1 to it.

Run:  /usr/bin/python3 targets/python/test_parity_target.py
 or:  /usr/bin/python3 -m unittest targets/python/test_parity_target.py
"""

import json
import os
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
        self.assertEqual(set(hello["capabilities"]), {"export", "import", "deterministic", "inject"})
        self.assertEqual(hello["limits"]["max_skip"], 1000)
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


if __name__ == "__main__":
    unittest.main(verbosity=2)
