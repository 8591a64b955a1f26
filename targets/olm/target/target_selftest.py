#!/usr/bin/python3
"""target_selftest.py: parity-target-olm driven over PTP/1, as the suite drives it.

Checks, in order:
  hello       the declared implementation, protocol, capabilities and libolm's limits;
  session     a conversation with a pending message decrypted by an imported clone, the
              bundle layout, refusals (replay, unknown party, inject fields);
  determinism the same seed gives byte-identical responses, in a fresh process and after
              a second `reset` in the same process; another seed gives others.

usage: target_selftest.py --target PATH
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from ptp_selftest import SEED, Failure, Runner, body, check_determinism, fresh, hexs  # noqa: E402

BUNDLE_SIZE = 161


def check_hello(t):
    h = t.ok("hello", ptp=1)
    expected = {
        "implementation": "libolm",
        "protocol": "olm-v1",
        "capabilities": ["export", "import", "deterministic"],
        "limits": {"max_skip": 2000, "max_skipped_keys": 40, "max_receiver_chains": 5},
    }
    for field, value in expected.items():
        if h.get(field) != value:
            raise Failure(f"hello: {field} is {h.get(field)!r}, expected {value!r}")
    version = h.get("version", "")
    if len(version.split(".")) != 3 or not all(p.isdigit() for p in version.split(".")):
        raise Failure(f"hello: version {version!r} is not major.minor.patch")


def session(t, seed):
    """The manual session of the brief; returns every response body, in order."""
    out = []

    def ok(op, **fields):
        r = t.ok(op, **fields)
        out.append(body(r))
        return r

    def refused(op, code, **fields):
        r = t.refused(op, code, **fields)
        out.append(body(r))
        return r

    ok("reset", seed=seed)
    alice = ok("create", party="alice")
    bob = ok("create", party="bob")
    for r in (alice, bob):
        if len(r["identity"]) != 128:
            raise Failure(f"identity is not curve25519 || ed25519 (64 bytes): {r['identity']}")
    b = ok("bundle", party="bob")
    if len(b["bundle"]) != 2 * BUNDLE_SIZE:
        raise Failure(f"bundle is {len(b['bundle']) // 2} bytes, expected {BUNDLE_SIZE}")
    expected_layout = {"identity": [1, 65], "signed_prekey": [65, 97], "onetime_prekey": [65, 97],
                       "signature": [97, 161]}
    if b["layout"] != expected_layout:
        raise Failure(f"bundle layout {b['layout']}, expected {expected_layout}")
    if b["bundle"][2:130] != bob["identity"]:
        raise Failure("bundle identity range does not hold bob's identity")
    # A tampered one-time key (the signed_prekey range) must be refused.
    tampered = b["bundle"][:2 * 70] + "%02x" % (int(b["bundle"][140:142], 16) ^ 1) + b["bundle"][142:]
    refused("initiate", "invalid_bundle", party="alice", peer="bob", bundle=tampered)
    refused("initiate", "invalid_bundle", party="alice", peer="bob", bundle=b["bundle"][:-2])
    ok("initiate", party="alice", peer="bob", bundle=b["bundle"])
    m1 = ok("encrypt", party="alice", peer="bob", plaintext=hexs("m1"))
    m2 = ok("encrypt", party="alice", peer="bob", plaintext=hexs("m2"))
    if m1["kind"] != "prekey" or m2["kind"] != "prekey":
        raise Failure("messages before an answer must be prekey messages")
    r = ok("decrypt", party="bob", peer="alice", ciphertext=m1["ciphertext"], kind="prekey")
    if r["plaintext"] != hexs("m1"):
        raise Failure(f"bob decrypted {r['plaintext']}, expected m1")
    state = ok("export", party="bob")["state"]
    ok("import", party="bob~1", state=state)
    refused("import", "bad_request", party="bob~1", state=state)
    refused("import", "bad_request", party="bob~2", state=state[:-2])
    refused("import", "bad_request", party="bob~3", state="00" * 8)
    # The clone decrypts the message still in flight, and so does the original.
    r = ok("decrypt", party="bob~1", peer="alice", ciphertext=m2["ciphertext"], kind="prekey")
    if r["plaintext"] != hexs("m2"):
        raise Failure(f"bob~1 decrypted {r['plaintext']}, expected m2")
    r = ok("decrypt", party="bob", peer="alice", ciphertext=m2["ciphertext"], kind="prekey")
    if r["plaintext"] != hexs("m2"):
        raise Failure(f"bob decrypted {r['plaintext']}, expected m2")
    a1 = ok("encrypt", party="bob", peer="alice", plaintext=hexs("a1"))
    if a1["kind"] != "message":
        raise Failure("bob's answer must be a message")
    r = ok("decrypt", party="alice", peer="bob", ciphertext=a1["ciphertext"], kind="message")
    if r["plaintext"] != hexs("a1"):
        raise Failure("alice did not decrypt bob's answer")
    m3 = ok("encrypt", party="alice", peer="bob", plaintext=hexs("m3"))
    if m3["kind"] != "message":
        raise Failure("after an answer alice must send messages")
    r = ok("decrypt", party="bob", peer="alice", ciphertext=m3["ciphertext"], kind="message")
    if r["plaintext"] != hexs("m3"):
        raise Failure("bob did not decrypt m3")
    # libolm does not tell a replay from a forgery (both fail the MAC): any refusal.
    refused("decrypt", None, party="bob", peer="alice", ciphertext=m3["ciphertext"], kind="message")
    refused("encrypt", "no_session", party="alice", peer="carol", plaintext="00")
    refused("create", "bad_request", party="alice")
    refused("bundle", "bad_request", party="nobody")
    # Without inject, the injection fields are refused.
    refused("create", "unsupported", party="carol", identity_private="11" * 32)
    refused("primitive", "unsupported", name="sha256", data="")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True)
    args = parser.parse_args()
    runner = Runner()
    runner.run("hello", lambda: fresh(args.target, check_hello))
    runner.run("session", lambda: fresh(args.target, lambda t: session(t, SEED)))
    runner.run("determinism", lambda: check_determinism(args.target, session))
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
