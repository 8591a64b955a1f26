#!/usr/bin/env python3
"""findings_tables.py: regenerates docs/findings.md's measured tables from `parity run --json`
results (scripts/findings.sh runs the targets and then this).

Usage: findings_tables.py FINDINGS_MD RESULTS_JSON...

Each RESULTS_JSON is named after its built-in target (`libsignal.json` -> `libsignal`). Its
table replaces the block between `<!-- findings:table NAME -->` and
`<!-- /findings:table NAME -->`, and every target's counts go into the block between
`<!-- findings:summary -->` and `<!-- /findings:summary -->`. Prose outside the blocks is
never touched. A missing marker, an incomplete run or a malformed results file is an error
(one line naming the file, exit status 2), and nothing is written.
"""
import json
import os
import re
import sys

VERDICTS = ["pass", "fail", "not-applicable", "not-tested", "error", "waived"]
SUMMARY_CHARS = 160


class Bad(Exception):
    pass


def cell(text):
    """One table cell: pipes escaped, newlines folded, long summaries cut."""
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise Bad(f"{path}: cannot read results: {e}") from None
    for key in ("run", "results", "summary"):
        if key not in data:
            raise Bad(f"{path}: not a parity results file (no \"{key}\")")
    if not data["summary"].get("complete", False):
        raise Bad(f"{path}: the run did not complete; refusing a partial table")
    return data


def table(name, data):
    run, summary = data["run"], data["summary"]
    counts = summary["counts"]
    total = summary.get("total", len(data["results"]))
    parts = [f"{counts.get(v, 0)} {v}" for v in VERDICTS if counts.get(v, 0) or v in ("pass", "fail")]
    lines = [
        f"Measured {run.get('started_at', '?')[:10]} with `parity run --target {name} --seed {int(run['seed'], 16):x}`:"
        f" {run.get('implementation', '?')} {run.get('version', '')}, protocol `{run.get('protocol', '?')}`,"
        f" profile {run.get('profile', '?')}. {total} checks: {', '.join(parts)}; exit status {summary.get('exit_status', '?')}.",
        "",
        "| check | level | verdict | summary |",
        "| --- | --- | --- | --- |",
    ]
    for r in sorted(data["results"], key=lambda r: r["check"]):
        verdict = r["verdict"]
        shown = f"**{verdict}**" if verdict in ("fail", "error") else verdict
        lines.append(f"| {r['check']} | {r['level']} | {shown} | {cell(r.get('summary', ''))} |")
    return "\n".join(lines)


SUMMARY_HEAD = [
    "| target | implementation | protocol, profile | pass | fail | n/a | other | exit | failing |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
]


def summary_table(runs, old_block):
    """The summary: one row per target; rows of targets not re-run now are kept as they were."""
    rows = {}
    for line in old_block.splitlines():
        m = re.match(r"\| `([a-z0-9_.~-]+)` \|", line)
        if m:
            rows[m.group(1)] = line
    for name, data in runs:
        run, s = data["run"], data["summary"]
        c = s["counts"]
        other = sum(c.get(v, 0) for v in ("not-tested", "error", "waived"))
        failing = [r["check"] + (f" ({r['level']})" if r["level"] != "MUST" else "")
                   for r in sorted(data["results"], key=lambda r: r["check"]) if r["verdict"] in ("fail", "error")]
        rows[name] = (
            f"| `{name}` | {cell(run.get('implementation', '?') + ' ' + run.get('version', ''))} |"
            f" `{run.get('protocol', '?')}`, {run.get('profile', '?')} | {c.get('pass', 0)} | {c.get('fail', 0)} |"
            f" {c.get('not-applicable', 0)} | {other} | {s.get('exit_status', '?')} | {', '.join(failing) or '—'} |")
    return "\n".join(SUMMARY_HEAD + [rows[k] for k in sorted(rows)])


def replace_block(text, open_marker, close_marker, body, where):
    pattern = re.compile(re.escape(open_marker) + r".*?" + re.escape(close_marker), re.S)
    if not pattern.search(text):
        raise Bad(f"{where}: no block {open_marker} ... {close_marker}")
    return pattern.sub(lambda _: f"{open_marker}\n{body}\n{close_marker}", text, count=1)


def main(argv):
    if len(argv) < 3:
        print("usage: findings_tables.py FINDINGS_MD RESULTS_JSON...", file=sys.stderr)
        return 2
    md_path, json_paths = argv[1], argv[2:]
    try:
        with open(md_path, encoding="utf-8") as f:
            text = f.read()
        runs = []
        for path in json_paths:
            name = os.path.basename(path)
            if not name.endswith(".json"):
                raise Bad(f"{path}: expected NAME.json")
            runs.append((name[: -len(".json")], load(path)))
        for name, data in runs:
            text = replace_block(text, f"<!-- findings:table {name} -->", f"<!-- /findings:table {name} -->",
                                 table(name, data), md_path)
        m = re.search(r"<!-- findings:summary -->(.*?)<!-- /findings:summary -->", text, re.S)
        old = m.group(1) if m else ""
        text = replace_block(text, "<!-- findings:summary -->", "<!-- /findings:summary -->",
                             summary_table(runs, old), md_path)
    except Bad as e:
        print(f"findings_tables: {e}", file=sys.stderr)
        return 2
    with open(md_path, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"findings_tables: {md_path}: {len(runs)} tables regenerated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
