#!/usr/bin/python3
"""target_selftest.py: parity-target-olm driven over PTP/1, as the suite drives it.

Checks, in order:
  hello       the declared implementation, protocol, capabilities and libolm's limits;
  session     a conversation with a pending message decrypted by an imported clone, the
              bundle layout, refusals (replay, unknown party, inject fields);
  group       PTP 1.3 over Megolm: three members, room keys then messages, a replay, a
              relabelled sender, a removal with its rotation, group_info, a clone;
  determinism the same seed gives byte-identical responses (session and group), in a
              fresh process and after a second `reset` in the same process; another seed
              gives others.

usage: target_selftest.py --target PATH
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from ptp_selftest import SEED, Failure, Recorder, Runner, check_determinism, fresh, hexs  # noqa: E402

BUNDLE_SIZE = 161


def check_hello(t):
    h = t.ok("hello", ptp=1)
    expected = {
        "implementation": "libolm",
        "protocol": "olm-v1",
        "capabilities": ["export", "import", "deterministic", "group", "group_update"],
        "limits": {"max_skip": 2000, "max_skipped_keys": 40, "max_receiver_chains": 5,
                   "group_max_skip": None, "group_max_skipped_keys": None, "group_max_sender_states": None},
        "group_roster": "server",
        "group_reads_own": True,
    }
    for field, value in expected.items():
        if h.get(field) != value:
            raise Failure(f"hello: {field} is {h.get(field)!r}, expected {value!r}")
    version = h.get("version", "")
    if len(version.split(".")) != 3 or not all(p.isdigit() for p in version.split(".")):
        raise Failure(f"hello: version {version!r} is not major.minor.patch")


def session(t, seed):
    """The manual session of the brief; returns every response body, in order."""
    rec = Recorder(t)
    ok, refused, out = rec.ok, rec.refused, rec.out

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


def group(t, seed):
    """Three members over Megolm, as the suite routes them; returns every response body."""
    rec = Recorder(t)
    ok, refused, out = rec.ok, rec.refused, rec.out

    members = ["alice", "bob", "carol"]
    ok("reset", seed=seed)
    for m in members:
        ok("create", party=m)
    for a, b in (("alice", "bob"), ("alice", "carol"), ("bob", "carol")):
        bundle = ok("bundle", party=b)["bundle"]
        ok("initiate", party=a, peer=b, bundle=bundle)
        c = ok("encrypt", party=a, peer=b, plaintext=hexs("hi"))
        ok("decrypt", party=b, peer=a, ciphertext=c["ciphertext"], kind=c["kind"])
        c = ok("encrypt", party=b, peer=a, plaintext=hexs("hi"))
        ok("decrypt", party=a, peer=b, ciphertext=c["ciphertext"], kind=c["kind"])
    if ok("group_create", party="alice", group="g", members=["bob", "carol"])["deliveries"] != []:
        raise Failure("group_create: room keys go out with the first send")
    for m in members:
        ok("group_roster", party=m, group="g", members=members)

    def route(sender, deliveries, text):
        for d in deliveries:
            r = ok("group_receive", party=d["to"], group="g", envelope=d["envelope"], **{"from": sender})
            if r["kind"] != d["kind"]:
                raise Failure(f"group_receive at {d['to']}: kind {r['kind']}, delivered as {d['kind']}")
            if d["kind"] == "application" and r["plaintext"] != hexs(text):
                raise Failure(f"{d['to']} read {r['plaintext']}, expected {text}")

    first = ok("group_encrypt", party="alice", group="g", plaintext=hexs("m1"))["deliveries"]
    shape = [(d["to"], d["kind"]) for d in first]
    if shape != [("bob", "control"), ("carol", "control"), ("bob", "application"), ("carol", "application")]:
        raise Failure(f"first send: deliveries {shape}")
    route("alice", first, "m1")
    app = first[2]["envelope"]
    refused("group_receive", "duplicate_message", party="bob", group="g", envelope=app, **{"from": "alice"})
    refused("group_receive", "no_session", party="bob", group="g", envelope=app, **{"from": "carol"})
    refused("group_receive", "bad_request", party="bob", group="nogroup", envelope=app, **{"from": "alice"})
    state = ok("export", party="bob")["state"]
    ok("import", party="bob~1", state=state)

    ok("group_remove", party="alice", group="g", member="carol")
    for m in members:
        ok("group_roster", party=m, group="g", members=["alice", "bob"])
    info = ok("group_info", party="carol", group="g")
    if info.get("removed") is not True or sorted(info["members"]) != ["alice", "bob"]:
        raise Failure(f"group_info at the removed carol: {info}")
    refused("group_encrypt", "bad_request", party="carol", group="g", plaintext="00")
    after = ok("group_encrypt", party="alice", group="g", plaintext=hexs("m2"))["deliveries"]
    if [(d["to"], d["kind"]) for d in after] != [("bob", "control"), ("bob", "application")]:
        raise Failure(f"send after the removal: deliveries {after}")
    route("alice", after, "m2")
    refused("group_receive", "bad_request", party="carol", group="g", envelope=after[1]["envelope"],
            **{"from": "alice"})
    # bob's clone (taken before the removal) holds no key of alice's new session...
    refused("group_receive", "no_session", party="bob~1", group="g", envelope=after[1]["envelope"],
            **{"from": "alice"})
    # ...and reads what bob read before the export (Megolm's partial forward secrecy).
    r = ok("group_receive", party="bob~1", group="g", envelope=app, **{"from": "alice"})
    if r["plaintext"] != hexs("m1"):
        raise Failure("bob~1 did not read m1")
    ok("group_update", party="alice", group="g")
    again = ok("group_encrypt", party="alice", group="g", plaintext=hexs("m3"))["deliveries"]
    if [d["kind"] for d in again] != ["control", "application"]:
        raise Failure(f"send after group_update: deliveries {again}")
    route("alice", again, "m3")
    return out


def session_and_group(t, seed):
    return session(t, seed) + group(t, seed)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True)
    args = parser.parse_args()
    runner = Runner()
    runner.run("hello", lambda: fresh(args.target, check_hello))
    runner.run("session", lambda: fresh(args.target, lambda t: session(t, SEED)))
    runner.run("group", lambda: fresh(args.target, lambda t: group(t, SEED)))
    runner.run("determinism", lambda: check_determinism(args.target, session_and_group))
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
