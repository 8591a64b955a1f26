"""ptp_selftest.py: what the built-in targets' self-tests share: a PTP/1 client that
drives a target process as the suite does, the determinism check and a PASS/FAIL runner.
Imported by targets/<name>/target/target_selftest.py.
"""
import json
import subprocess

SEED = "5e" * 32
OTHER_SEED = "a7" * 32


class Failure(Exception):
    pass


class Target:
    """One target process; call() writes a request and reads exactly one response."""

    def __init__(self, path):
        self.path = path
        self.proc = subprocess.Popen([path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.next_id = 1

    def call(self, op, **fields):
        request = {"id": self.next_id, "op": op, **fields}
        self.next_id += 1
        self.proc.stdin.write(json.dumps(request, separators=(",", ":")) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise Failure(f"{self.path}: no response to {op} (exit status {self.proc.poll()})")
        response = json.loads(line)
        if response.get("id") != request["id"]:
            raise Failure(f"{op}: response id {response.get('id')} for request id {request['id']}")
        return response

    def ok(self, op, **fields):
        response = self.call(op, **fields)
        if response.get("ok") is not True:
            raise Failure(f"{op} {fields}: expected success, got {response}")
        return response

    def refused(self, op, code, **fields):
        response = self.call(op, **fields)
        if response.get("ok") is not False or (code is not None and response.get("error") != code):
            raise Failure(f"{op}: expected error {code}, got {response}")
        return response

    def close(self):
        self.proc.stdin.close()
        status = self.proc.wait(timeout=30)
        if status != 0:
            raise Failure(f"{self.path}: exit status {status} at end of input")


def hexs(text):
    return text.encode().hex()


def body(response):
    """A response without its id, for comparing runs."""
    return {k: v for k, v in response.items() if k != "id"}


class Recorder:
    """Sends requests through a Target and keeps every response body, in order, so that
    two runs of the same scenario can be compared (check_determinism)."""

    def __init__(self, t):
        self.t, self.out = t, []

    def ok(self, op, **fields):
        r = self.t.ok(op, **fields)
        self.out.append(body(r))
        return r

    def refused(self, op, code, **fields):
        r = self.t.refused(op, code, **fields)
        self.out.append(body(r))
        return r


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"response {i}: {x} vs {y}"
    return f"lengths {len(a)} vs {len(b)}"


def check_determinism(path, session):
    """session(target, seed) -> response bodies: the same seed gives the same bodies in
    two processes and after a second reset in one; another seed gives others."""
    first = Target(path)
    one = session(first, SEED)
    again = session(first, SEED)  # a second reset in the same process
    first.close()
    second = Target(path)
    two = session(second, SEED)
    other = session(second, OTHER_SEED)
    second.close()
    if one != two:
        raise Failure("determinism: two processes with the same seed differ: " + first_difference(one, two))
    if one != again:
        raise Failure("determinism: a second reset with the same seed differs: " + first_difference(one, again))
    if one == other:
        raise Failure("determinism: a different seed gave the same transcript")


def fresh(path, fn):
    """Runs fn(target) on a new target process and closes it (exit status 0 expected)."""
    t = Target(path)
    result = fn(t)
    t.close()
    return result


class Runner:
    """Runs named checks, printing PASS/FAIL lines; finish() gives the exit status."""

    def __init__(self):
        self.failures = []

    def run(self, name, fn):
        try:
            result = fn()
            print(f"PASS {name}")
            return result
        except (Failure, subprocess.TimeoutExpired, json.JSONDecodeError, KeyError) as e:
            self.failures.append(f"{name}: {e}")
            print(f"FAIL {name}: {e}")
            return None

    def finish(self):
        if self.failures:
            print(f"{len(self.failures)} check(s) failed")
            return 1
        return 0
