#!/usr/bin/python3
"""doctor_proxy.py MODE COMMAND...: a PTP target that forwards every line to the target
COMMAND starts (a built-in one) and acts out MODE, a fault `parity doctor` must catch:

  none                nothing: doctor passes the proxy as it passes COMMAND
  stdout-on-replace   prints a session record on stdout when a session is replaced, as a
                      library logging with console.info does (breaks PTP framing)
  dot-names           uses a party name only up to its first '.', as a library using '.'
                      as a device separator does (party.1 and party.2 become one party)
  clone-address       binds the recipient's address into prekey messages and gives an
                      imported clone its own name as address (it reads less than its
                      original)
  clone-same-address  binds addresses as clone-address but a clone keeps its original's
                      (sound: doctor passes it)

Only the standard library; run with /usr/bin/python3.
"""

import json
import subprocess
import sys

MODES = ("none", "stdout-on-replace", "dot-names", "clone-address", "clone-same-address")


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in MODES:
        sys.stderr.write("usage: doctor_proxy.py {%s} COMMAND...\n" % "|".join(MODES))
        return 2
    mode = sys.argv[1]
    inner = subprocess.Popen(sys.argv[2:], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    binds = mode in ("clone-address", "clone-same-address")
    sessions = set()  # (party, peer) pairs with a session, for stdout-on-replace
    pending = set()  # (party, peer) pairs whose session the peer's new one will replace
    address = {}  # party -> the address peers bind into prekey messages for it
    exported = {}  # exported state -> the exporting party's address

    def forward(request):
        inner.stdin.write(json.dumps(request, separators=(",", ":")) + "\n")
        inner.stdin.flush()
        line = inner.stdout.readline()
        return json.loads(line) if line else None

    def log_replaced():
        # What libsignal-node's SessionRecord logs through console.info.
        sys.stdout.write("Closing session: SessionEntry { indexInfo: { remoteIdentityKey: <Buffer 05 ...> } }\n")

    for raw in sys.stdin:
        try:
            request = json.loads(raw)
        except ValueError:
            request = None
        if not isinstance(request, dict):
            inner.stdin.write(raw if raw.endswith("\n") else raw + "\n")
            inner.stdin.flush()
            sys.stdout.write(inner.stdout.readline())
            sys.stdout.flush()
            continue
        op = request.get("op")
        if mode == "dot-names":
            for field in ("party", "peer"):
                if isinstance(request.get(field), str):
                    request[field] = request[field].split(".")[0]
        if op == "reset":
            sessions.clear()
            pending.clear()
            address.clear()
            exported.clear()
        party = request.get("party")
        refusal = None
        if binds and op == "decrypt" and request.get("kind") == "prekey":
            ct = request.get("ciphertext", "")
            try:
                n = int(ct[:2], 16)
                bound = bytes.fromhex(ct[2 : 2 + 2 * n]).decode()
                request["ciphertext"] = ct[2 + 2 * n :]
            except ValueError:
                bound = None
            if bound != address.get(party, party):
                refusal = "message bound to address %r, not %r" % (bound, address.get(party, party))
        if refusal is not None:
            response = {"id": request.get("id"), "ok": False, "error": "invalid_message", "detail": refusal}
        else:
            response = forward(request)
            if response is None:
                break
        ok = response.get("ok") is True
        if ok and op == "import":
            # The bug: a clone addressed by its own name. Sound: the original's address.
            origin = exported.get(request.get("state"))
            address[party] = origin if mode == "clone-same-address" and origin else party
        if ok and op == "export":
            exported[response.get("state")] = address.get(party, party)
        if ok and op == "encrypt" and binds and response.get("kind") == "prekey":
            peer = request.get("peer", "").encode()
            response["ciphertext"] = "%02x" % len(peer) + peer.hex() + response["ciphertext"]
        if ok and mode == "stdout-on-replace":
            # The initiator replaces its session at once; the responder when it reads the
            # new session's first message (not on every prekey message of one session).
            pair = (party, request.get("peer"))
            if op == "initiate":
                if pair in sessions:
                    log_replaced()
                if pair[::-1] in sessions:
                    pending.add(pair[::-1])
                sessions.add(pair)
            elif op == "decrypt" and request.get("kind") == "prekey":
                if pair in pending:
                    log_replaced()
                    pending.discard(pair)
                sessions.add(pair)
        sys.stdout.write(json.dumps(response, separators=(",", ":")) + "\n")
        sys.stdout.flush()
    inner.stdin.close()
    inner.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
