#!/usr/bin/env python3
"""expect_verdicts.py: runs `parity run` on a built-in target and checks the verdicts of
named checks, for the verdicts docs/findings.md explains (a ctest, see CMakeLists.txt).

Usage: expect_verdicts.py PARITY TARGET CHECK=VERDICT... CHECK~=TEXT...
Runs `PARITY run --target TARGET --seed 5eed --only CHECK,...` and fails (exit 1, one line
per difference) unless every CHECK=VERDICT check has that verdict and every CHECK~=TEXT
check's summary contains TEXT (for INFO checks, whose verdict is pass whatever they measure).
"""
import json
import os
import subprocess
import sys
import tempfile


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    parity, target = argv[1], argv[2]
    wanted, texts = {}, {}
    for a in argv[3:]:
        check, sep, value = a.partition("=")
        if not sep:
            print(f"expect_verdicts: {a}: expected CHECK=VERDICT or CHECK~=TEXT", file=sys.stderr)
            return 2
        if check.endswith("~"):
            texts[check[:-1]] = value
        else:
            wanted[check] = value
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r.json")
        run = subprocess.run([parity, "run", "--target", target, "--seed", "5eed", "--only", ",".join(list(wanted) + list(texts)),
                              "--json", out], capture_output=True, text=True, timeout=1200)
        if not os.path.exists(out):
            print(f"{target}: parity run wrote no results (exit {run.returncode}): {run.stderr.strip()[-400:]}")
            return 1
        with open(out, encoding="utf-8") as f:
            got = {r["check"]: (r["verdict"], r["summary"]) for r in json.load(f)["results"]}
    bad = 0
    for check, verdict in wanted.items():
        v, summary = got.get(check, ("missing", ""))
        if v != verdict:
            bad += 1
            print(f"{target}: {check} is {v}, expected {verdict}: {summary}")
        else:
            print(f"{target}: {check} {v} as expected: {summary[:160]}")
    for check, text in texts.items():
        v, summary = got.get(check, ("missing", ""))
        if text not in summary:
            bad += 1
            print(f"{target}: {check} ({v}) does not say \"{text}\": {summary}")
        else:
            print(f"{target}: {check} says \"{text}\" as expected")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
