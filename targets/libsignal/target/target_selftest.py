#!/usr/bin/python3
"""target_selftest.py: parity-target-libsignal driven over PTP/1, as the suite drives it.

Checks, in order:
  hello      the declared implementation, protocol, capabilities and limits;
  session    a conversation with a pending message decrypted by an imported clone;
  determinism the same seed gives byte-identical responses, in a fresh process and after
             a second `reset` in the same process (the generator is replaced safely);
  primitives RFC vectors, libsignal's HKDF length bound, and (with --reference) every
             primitive answered identically by the reference target;
  crosscheck (with --reference) the same script with every key injected gives identical
             identities, bundles (signatures aside: XEdDSA is randomised) and ciphertexts.

usage: target_selftest.py --target PATH [--reference PATH]
"""
import argparse
import hashlib
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from ptp_selftest import SEED, Failure, Recorder, Runner, Target, body, check_determinism, fresh, hexs  # noqa: E402


def key(label):
    """A fixed 32-byte private key per label, the same for every target."""
    return hashlib.sha256(label.encode()).hexdigest()


def check_hello(t):
    h = t.ok("hello", ptp=1)
    expected = {
        "implementation": "libsignal-protocol-c",
        "version": "2.3.3",
        "protocol": "signal-v3",
        "capabilities": ["export", "import", "deterministic", "inject", "primitives", "group", "group_update"],
        "limits": {"max_skip": 2000, "max_skipped_keys": 2000, "max_receiver_chains": 5,
                   "group_max_skip": 2000, "group_max_skipped_keys": 2000, "group_max_sender_states": 5},
        "group_roster": "server",
    }
    for field, value in expected.items():
        if h.get(field) != value:
            raise Failure(f"hello: {field} is {h.get(field)!r}, expected {value!r}")


def session(t, seed):
    """The manual session of the brief; returns every response body, in order."""
    rec = Recorder(t)
    ok, refused, out = rec.ok, rec.refused, rec.out

    ok("reset", seed=seed)
    alice = ok("create", party="alice")
    bob = ok("create", party="bob")
    for r in (alice, bob):
        if len(r["identity"]) != 66 or not r["identity"].startswith("05"):
            raise Failure(f"identity is not 0x05 || 32 bytes: {r['identity']}")
    b = ok("bundle", party="bob")
    layout = b["layout"]
    for name in ("identity", "signed_prekey", "signature"):
        start, end = layout[name]
        if not 0 <= start < end <= len(b["bundle"]) // 2:
            raise Failure(f"bundle layout {name} out of range: {layout}")
    if b["bundle"][2 * layout["identity"][0]:2 * layout["identity"][1]] != bob["identity"]:
        raise Failure("bundle layout identity does not hold bob's identity")
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
    # The clone holds what bob held at export: m1's key is spent.
    refused("decrypt", "duplicate_message", party="bob~1", peer="alice", ciphertext=m1["ciphertext"], kind="prekey")
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
    refused("decrypt", "duplicate_message", party="bob", peer="alice", ciphertext=m3["ciphertext"], kind="message")
    refused("decrypt", None, party="bob", peer="alice", ciphertext=m3["ciphertext"][:-2] + "00", kind="message")
    refused("encrypt", "no_session", party="alice", peer="carol", plaintext="00")
    refused("create", "bad_request", party="alice")
    refused("bundle", "bad_request", party="nobody")
    return out


# --- primitives ---------------------------------------------------------------------

RFC_VECTORS = [
    # RFC 7748 section 6.1
    ({"name": "x25519_public", "private": "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"},
     {"public": "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"}),
    ({"name": "x25519", "private": "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
      "public": "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"},
     {"shared": "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"}),
    ({"name": "x25519", "private": "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
      "public": "058520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"},
     {"shared": "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"}),
    # RFC 5869 test cases 1 and 3 (3: empty salt and info)
    ({"name": "hkdf_sha256", "ikm": "0b" * 22, "salt": "000102030405060708090a0b0c", "info": "f0f1f2f3f4f5f6f7f8f9",
      "length": 42},
     {"okm": "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"}),
    ({"name": "hkdf_sha256", "ikm": "0b" * 22, "salt": "", "info": "", "length": 42},
     {"okm": "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"}),
    ({"name": "hkdf_sha256", "ikm": "0b" * 22, "salt": "", "info": "", "length": 0}, {"okm": ""}),
    # FIPS 180 "abc", RFC 4231 test case 2
    ({"name": "sha256", "data": hexs("abc")},
     {"digest": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}),
    ({"name": "sha512", "data": hexs("abc")},
     {"digest": "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"}),
    ({"name": "hmac_sha256", "key": hexs("Jefe"), "data": hexs("what do ya want for nothing?")},
     {"mac": "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"}),
]


def primitive_requests(bundle_hex, layout, identity_hex):
    """Requests whose answers the two targets must agree on."""
    spk = bundle_hex[2 * layout["signed_prekey"][0]:2 * layout["signed_prekey"][1]]
    sig = bundle_hex[2 * layout["signature"][0]:2 * layout["signature"][1]]
    flipped = sig[:-2] + "%02x" % (int(sig[-2:], 16) ^ 0x01)
    low_order = "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"  # order 8
    reqs = [
        {"name": "x25519", "private": key("p1"), "public": key("p2")},
        {"name": "x25519", "private": key("p1"), "public": low_order},
        {"name": "x25519_public", "private": key("p3")},
        {"name": "xeddsa_verify", "public": identity_hex, "message": spk, "signature": sig},
        {"name": "xeddsa_verify", "public": identity_hex, "message": spk, "signature": flipped},
        {"name": "xeddsa_verify", "public": identity_hex, "message": spk, "signature": sig[:-2]},
        {"name": "xeddsa_verify", "public": identity_hex, "message": "ab" * 1000, "signature": sig},
        {"name": "hkdf_sha256", "ikm": key("i"), "salt": key("s"), "info": hexs("info"), "length": 8128},
        {"name": "hkdf_sha256", "ikm": "", "salt": "", "info": "", "length": 1},
        {"name": "kdf_rk", "root": key("root"), "dh": key("dh")},
        {"name": "kdf_ck", "chain": key("chain")},
        {"name": "message_keys", "seed": key("seed")},
        {"name": "hmac_sha256", "key": "", "data": ""},
        {"name": "hmac_sha256", "key": "cd" * 200, "data": "ef" * 3000},
        {"name": "sha256", "data": ""},
        {"name": "sha512", "data": "00" * 1000},
        {"name": "aes256_cbc_encrypt", "key": key("k"), "iv": "00" * 16, "data": ""},
        {"name": "aes256_cbc_encrypt", "key": key("k"), "iv": "11" * 16, "data": hexs("sixteen bytes!!!")},
        {"name": "aes256_cbc_decrypt", "key": key("k"), "iv": "11" * 16, "data": "00" * 16},
        {"name": "aes256_cbc_decrypt", "key": key("k"), "iv": "11" * 16, "data": "00" * 15},
        {"name": "aes256_cbc_encrypt", "key": "00" * 16, "iv": "11" * 16, "data": "00"},
        {"name": "aes256_gcm_encrypt", "key": key("k"), "iv": "22" * 12, "aad": hexs("aad"), "data": hexs("gcm")},
        {"name": "aes256_gcm_decrypt", "key": key("k"), "iv": "22" * 12, "aad": "", "data": "00" * 16},
        {"name": "hkdf_sha256", "ikm": "", "salt": "", "info": "", "length": 8161},
        {"name": "no_such_primitive"},
    ]
    return reqs


def check_primitives(t, reference):
    for request, expected in RFC_VECTORS:
        r = t.ok("primitive", **request)
        if body(r) != {"ok": True, **expected}:
            raise Failure(f"primitive {request}: got {r}, expected {expected}")
    # libsignal's own HKDF: 8128 bytes is the most it can make; 8129..8160 it would loop.
    t.ok("primitive", name="hkdf_sha256", ikm="00", salt="", info="", length=8128)
    t.refused("primitive", "unsupported", name="hkdf_sha256", ikm="00", salt="", info="", length=8129)
    t.refused("primitive", "unsupported", name="hkdf_sha256", ikm="00", salt="", info="", length=8160)
    t.refused("primitive", "bad_request", name="hkdf_sha256", ikm="00", salt="", info="", length=8161)
    enc = t.ok("primitive", name="aes256_cbc_encrypt", key=key("k"), iv="33" * 16, data=hexs("round trip"))
    dec = t.ok("primitive", name="aes256_cbc_decrypt", key=key("k"), iv="33" * 16, data=enc["data"])
    if dec["data"] != hexs("round trip"):
        raise Failure("aes256_cbc round trip failed")
    # libsignal's own signed prekey signature verifies with libsignal's own verifier.
    t.ok("reset", seed=SEED)
    t.ok("create", party="bob")
    b = t.ok("bundle", party="bob")
    identity = b["bundle"][2 * b["layout"]["identity"][0]:2 * b["layout"]["identity"][1]]
    valid = t.ok("primitive", name="xeddsa_verify", public=identity,
                 message=b["bundle"][2 * b["layout"]["signed_prekey"][0]:2 * b["layout"]["signed_prekey"][1]],
                 signature=b["bundle"][2 * b["layout"]["signature"][0]:2 * b["layout"]["signature"][1]])
    if valid["valid"] is not True:
        raise Failure("xeddsa_verify refuses libsignal's own signed prekey signature")
    if reference is None:
        return []
    differences = []
    for request in primitive_requests(b["bundle"], b["layout"], identity):
        mine = body(t.call("primitive", **request))
        theirs = body(reference.call("primitive", **request))
        if request["name"] == "hkdf_sha256" and request.get("length") in range(8129, 8161):
            continue
        if mine.get("ok") != theirs.get("ok") or (mine.get("ok") and mine != theirs) or \
                (not mine.get("ok") and mine.get("error") != theirs.get("error")):
            differences.append(f"primitive {request}: libsignal {mine} vs reference {theirs}")
    return differences


# --- cross-check against the reference ------------------------------------------------

def crosscheck(libsignal_path, reference_path):
    """The same fully injected script on both targets; returns a list of differences."""
    targets = {"libsignal": Target(libsignal_path), "reference": Target(reference_path)}
    logs = {name: [] for name in targets}
    bundles = {}
    differences = []
    notes = []

    def step(label, op, **fields):
        answers = {}
        for name, t in targets.items():
            f = dict(fields)
            if f.get("bundle") == "<own>":
                f["bundle"] = bundles[name]
            if f.get("ciphertext", "").startswith("<"):
                f["ciphertext"] = logs[name][int(f["ciphertext"][1:-1])]["ciphertext"]
            r = body(t.call(op, **f))
            logs[name].append(r)
            answers[name] = r
        a, b = answers["libsignal"], answers["reference"]
        if op == "bundle" and a.get("ok") and b.get("ok"):
            bundles["libsignal"], bundles["reference"] = a["bundle"], b["bundle"]
            if a["layout"] != b["layout"]:
                differences.append(f"{label}: layouts differ: {a['layout']} vs {b['layout']}")
            s0, s1 = a["layout"]["signature"]
            strip = lambda h: h[:2 * s0] + h[2 * s1:]  # XEdDSA signatures are randomised
            if strip(a["bundle"]) != strip(b["bundle"]):
                differences.append(f"{label}: bundles differ outside the signature: "
                                   f"{where(a['bundle'], b['bundle'])}")
            elif a["bundle"] != b["bundle"]:
                notes.append(f"{label}: bundle signatures differ (randomised XEdDSA), all else identical")
        elif a != b:
            differences.append(f"{label}: {where_json(a, b)}")
        return len(logs["libsignal"]) - 1

    step("reset", "reset", seed=SEED)
    step("create alice", "create", party="alice", identity_private=key("alice-identity"), registration_id=1111)
    step("create bob", "create", party="bob", identity_private=key("bob-identity"), registration_id=2222)
    step("bundle bob", "bundle", party="bob", signed_prekey_private=key("bob-spk"), signed_prekey_id=7,
         onetime_prekey_private=key("bob-opk"), prekey_id=31)
    step("initiate", "initiate", party="alice", peer="bob", bundle="<own>", base_private=key("alice-base"),
         ratchet_private=key("alice-ratchet-1"))
    m1 = step("encrypt m1", "encrypt", party="alice", peer="bob", plaintext=hexs("m1"))
    m2 = step("encrypt m2", "encrypt", party="alice", peer="bob", plaintext=hexs("m2"))
    step("decrypt m1", "decrypt", party="bob", peer="alice", ciphertext=f"<{m1}>", kind="prekey",
         ratchet_private=key("bob-ratchet-1"))
    a1 = step("encrypt a1", "encrypt", party="bob", peer="alice", plaintext=hexs("a1"))
    step("decrypt a1", "decrypt", party="alice", peer="bob", ciphertext=f"<{a1}>", kind="message",
         ratchet_private=key("alice-ratchet-2"))
    m3 = step("encrypt m3", "encrypt", party="alice", peer="bob", plaintext=hexs("m3"))
    step("decrypt m2 (late)", "decrypt", party="bob", peer="alice", ciphertext=f"<{m2}>", kind="prekey",
         ratchet_private=key("bob-ratchet-2"))
    step("decrypt m3", "decrypt", party="bob", peer="alice", ciphertext=f"<{m3}>", kind="message",
         ratchet_private=key("bob-ratchet-2"))
    a2 = step("encrypt a2", "encrypt", party="bob", peer="alice", plaintext=hexs("a2" * 40))
    step("decrypt a2", "decrypt", party="alice", peer="bob", ciphertext=f"<{a2}>", kind="message",
         ratchet_private=key("alice-ratchet-3"))
    m4 = step("encrypt m4", "encrypt", party="alice", peer="bob", plaintext="")
    step("decrypt m4", "decrypt", party="bob", peer="alice", ciphertext=f"<{m4}>", kind="message",
         ratchet_private=key("bob-ratchet-3"))
    # A second session replacing the first: new bundle, new keys.
    step("bundle bob 2", "bundle", party="bob", signed_prekey_private=key("bob-spk-2"), signed_prekey_id=8,
         onetime_prekey_private=key("bob-opk-2"), prekey_id=32)
    step("initiate 2", "initiate", party="alice", peer="bob", bundle="<own>", base_private=key("alice-base-2"),
         ratchet_private=key("alice-ratchet-4"))
    m5 = step("encrypt m5", "encrypt", party="alice", peer="bob", plaintext=hexs("m5"))
    step("decrypt m5", "decrypt", party="bob", peer="alice", ciphertext=f"<{m5}>", kind="prekey",
         ratchet_private=key("bob-ratchet-4"))
    for t in targets.values():
        t.close()
    ciphertexts = sum(1 for r in logs["libsignal"] if "ciphertext" in r)
    notes.append(f"{len(logs['libsignal'])} responses compared, {ciphertexts} of them ciphertexts")
    for name, log in logs.items():
        failed = [r for r in log if not r.get("ok")]
        if failed:
            differences.append(f"{name} refused a step of the script: {failed[0]}")
    return differences, notes


def where(a_hex, b_hex):
    n = min(len(a_hex), len(b_hex)) // 2
    for i in range(n):
        if a_hex[2 * i:2 * i + 2] != b_hex[2 * i:2 * i + 2]:
            return (f"first differing byte {i} of {len(a_hex) // 2}/{len(b_hex) // 2}: "
                    f"libsignal ...{a_hex[2 * i:2 * i + 32]} vs reference ...{b_hex[2 * i:2 * i + 32]}")
    return f"lengths {len(a_hex) // 2} vs {len(b_hex) // 2}"


def where_json(a, b):
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            if isinstance(a.get(k), str) and isinstance(b.get(k), str):
                return f"field {k}: {where(a[k], b[k])}"
            return f"field {k}: libsignal {a.get(k)!r} vs reference {b.get(k)!r}"
    return "identical"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True)
    parser.add_argument("--reference")
    args = parser.parse_args()
    runner = Runner()

    def primitives():
        reference = Target(args.reference) if args.reference else None
        differences = fresh(args.target, lambda t: check_primitives(t, reference))
        if reference:
            reference.close()
        if differences:
            raise Failure("; ".join(differences))

    def cross():
        differences, notes = crosscheck(args.target, args.reference)
        for note in notes:
            print(f"note: {note}")
        if differences:
            raise Failure("\n  " + "\n  ".join(differences))

    runner.run("hello", lambda: fresh(args.target, check_hello))
    runner.run("session", lambda: fresh(args.target, lambda t: session(t, SEED)))
    runner.run("determinism", lambda: check_determinism(args.target, session))
    runner.run("primitives", primitives)
    if args.reference:
        runner.run("crosscheck with the reference", cross)
    else:
        print("SKIP crosscheck: no --reference given")
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
