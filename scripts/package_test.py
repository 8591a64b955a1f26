#!/usr/bin/env python3
"""package_test.py: the installed-package test of parity_<version>_<arch>.deb.

1. The package itself: its fields, the files it must and must not carry, and Depends
   against what its ELF files link (each NEEDED library's Debian package, no more, no
   fewer).
2. A clean Debian 12 system (mode `chroot`, as root): a debootstrap minbase of bookworm,
   into which the repository's Dockerfile is applied step by step (FROM, ARG, COPY,
   WORKDIR, RUN, ENTRYPOINT), so that what is tested is what the image installs. The
   source tree is not inside it. Then, through the Dockerfile's entrypoint:
   `parity --version`, `parity doctor --target reference`, `parity run --target reference
   --only KAT,SIG`, the doctor of every built-in target the system can run, and the
   whole `parity run --target reference` with its report, timed from `apt-get install`.
   Mode `prefix` (where a chroot is not possible: not root, no debootstrap, no private
   mount namespace; it says which) unpacks the package into a temporary prefix and runs
   the same commands from it: the packaged parity has no source-tree lookup compiled in,
   but the system is this one. `--mode` (or PARITY_PACKAGE_TEST_MODE) forces either.

Exit status: 0 when every assertion held, 1 when one failed (each failure one line on
stderr), 2 on bad arguments.
"""
from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FAILURES: list[str] = []


def fail(msg: str) -> None:
    FAILURES.append(msg)
    print(f"  FAIL {msg}", file=sys.stderr)


def ok(msg: str) -> None:
    print(f"  ok   {msg}")


def expect(cond: bool, msg: str, detail: str = "") -> bool:
    if cond:
        ok(msg)
    else:
        fail(msg + (f": {detail}" if detail else ""))
    return cond


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(cmd, text=True, capture_output=True, **kw)
    except subprocess.TimeoutExpired as e:  # a hang costs one assertion, not the test
        return subprocess.CompletedProcess(cmd, 124, str(e.stdout or ""), f"timed out after {e.timeout} s")


# ---- 1. the package file ----------------------------------------------------------------

MUST_CARRY = [
    "usr/bin/parity",
    "usr/bin/parity-target-reference",
    "usr/bin/parity-target-libsignal",
    "usr/bin/parity-target-olm",
    "usr/share/man/man1/parity.1.gz",
    "usr/share/parity/vectors/primitives/x25519.json",
    "usr/share/parity/vectors/signal/kdf_rk.json",
    "usr/share/parity/vectors/media/media.json",
    "usr/share/parity/vectors/stanza/manifest.json",
    "usr/share/parity/targets/python/parity_target.py",
    "usr/share/parity/targets/node/ptp.mjs",
    "usr/share/parity/targets/node/package-lock.json",
    "usr/share/parity/targets/node/libsignal_client/parity_target.mjs",
    "usr/share/parity/targets/node/mls/parity_target.mjs",
    "usr/share/parity/targets/node/node_modules/ts-mls/package.json",
    "usr/share/parity/targets/node/node_modules/@signalapp/libsignal-client/package.json",
]
# What stays in the sources: code beside the vectors, tests, other platforms' prebuilds.
MUST_NOT_CARRY = [
    (re.compile(r"^usr/share/parity/vectors/.*\.(cc|h|py|md|txt)$"), "source files beside the vectors"),
    (re.compile(r"\.test\.mjs$|\.testdata\.mjs$|expect_verdicts\.py$|test_parity_target\.py$"), "test files"),
    (re.compile(r"/prebuilds/(?!linux-x64/)[^/]+/"), "prebuilds of other platforms"),
    (re.compile(r"\.parity-lock-sha256$"), "install-deps' stamp"),
]


def vector_set_sha256(root: Path) -> str:
    """The manifest hash of harness/runner/fingerprint.h's vector_set_sha256."""
    files = sorted(
        (p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and not p.is_symlink()
         and p.name.endswith((".json", ".xml"))),
        key=lambda s: s.encode())
    manifest = hashlib.sha256()
    for rel in files:
        digest = hashlib.sha256((root / rel).read_bytes()).hexdigest()
        manifest.update(f"{digest}  {rel}\n".encode())
    return manifest.hexdigest()


def package_of(path: str) -> str | None:
    """The Debian package that owns path (following /lib → /usr/lib), or None."""
    # Debian 12 merges /lib into /usr/lib; dpkg knows each file by the path its package
    # ships (libc6: /lib/..., most others: /usr/lib/...).
    candidates = []
    for c in (path, os.path.realpath(path)):
        candidates += [c, re.sub(r"^/usr/lib/", "/lib/", c), re.sub(r"^/lib/", "/usr/lib/", c)]
    for p in dict.fromkeys(candidates):
        r = run(["dpkg-query", "-S", p])
        if r.returncode == 0:
            return r.stdout.split(":", 1)[0].strip()
    return None


def needed_packages(tree: Path) -> tuple[set[str], list[str]]:
    """The packages owning every library the package's ELF files link (DT_NEEDED)."""
    ldcache = {}
    for line in run(["ldconfig", "-p"]).stdout.splitlines()[1:]:
        m = re.match(r"\s*(\S+) \(([^)]*)\) => (\S+)", line)
        if m and "x86-64" in m.group(2):
            ldcache.setdefault(m.group(1), m.group(3))
    packages, problems = set(), []
    for f in tree.rglob("*"):
        if not f.is_file() or f.is_symlink():
            continue
        with open(f, "rb") as fh:
            if fh.read(4) != b"\x7fELF":
                continue
        dyn = run(["readelf", "-d", str(f)]).stdout
        for lib in re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dyn):
            where = ldcache.get(lib)
            owner = package_of(where) if where else None
            if owner is None:
                problems.append(f"{f.relative_to(tree)} needs {lib}, which no installed package provides")
            else:
                packages.add(owner.split(":")[0])
    return packages, problems


def check_package(deb: Path, source: Path, work: Path) -> Path:
    print(f"==> the package: {deb.name}, {deb.stat().st_size} bytes")
    fields = {}
    for key in ("Package", "Version", "Architecture", "Depends", "Recommends", "Suggests", "Installed-Size"):
        fields[key] = run(["dpkg-deb", "-f", str(deb), key]).stdout.strip()
    expect(fields["Package"] == "parity", "Package: parity", fields["Package"])
    expect(deb.name == f"parity_{fields['Version']}_{fields['Architecture']}.deb",
           f"file name is parity_<version>_<arch>.deb ({deb.name})")
    expect(fields["Architecture"] == "amd64", "Architecture: amd64", fields["Architecture"])
    tree = work / "unpacked"
    shutil.rmtree(tree, ignore_errors=True)
    r = run(["dpkg-deb", "-x", str(deb), str(tree)])
    if not expect(r.returncode == 0, "dpkg-deb -x unpacks it", r.stderr.strip()):
        return tree
    files = [p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file() or p.is_symlink()]
    missing = [m for m in MUST_CARRY if m not in files]
    expect(not missing, f"carries the {len(MUST_CARRY)} files every install needs", ", ".join(missing))
    prebuilds = [f for f in files if f.endswith(".node")]
    expect(len(prebuilds) == 1 and "/prebuilds/linux-x64/" in prebuilds[0],
           "carries libsignal-client's linux-x64 native prebuild and no other", ", ".join(prebuilds))
    for pattern, what in MUST_NOT_CARRY:
        bad = [f for f in files if pattern.search(f)]
        expect(not bad, f"carries no {what}", ", ".join(bad[:5]))
    # The Node packages are npm ci's, byte for byte (nothing stripped or rewritten), and
    # every file of them is there but the other platforms' prebuilds and the stamp.
    installed_modules = tree / "usr/share/parity/targets/node/node_modules"
    source_modules = source / "targets/node/node_modules"
    differ, absent, count = [], [], 0
    for f in source_modules.rglob("*"):
        rel = f.relative_to(source_modules).as_posix()
        if not f.is_file() or rel == ".parity-lock-sha256" or re.search(r"(^|/)prebuilds/(?!linux-x64/)", rel):
            continue
        count += 1
        g = installed_modules / rel
        if not g.is_file():
            absent.append(rel)
        elif g.read_bytes() != f.read_bytes():
            differ.append(rel)
    expect(count > 0 and not absent and not differ,
           f"carries targets/node/node_modules as npm ci made it ({count} files, byte for byte)",
           f"absent: {absent[:3]}, differ: {differ[:3]}")
    stanzas = [f for f in files if f.startswith("usr/share/parity/vectors/stanza/") and f.endswith(".xml")]
    source_stanzas = list((source / "vectors" / "stanza").rglob("*.xml"))
    expect(len(stanzas) == len(source_stanzas) and stanzas, f"carries the stanza corpus ({len(stanzas)} files)",
           f"source has {len(source_stanzas)}")
    installed_set = vector_set_sha256(tree / "usr/share/parity/vectors")
    source_set = vector_set_sha256(source / "vectors")
    expect(installed_set == source_set, "the installed vector set is the source tree's (same SHA-256)",
           f"{installed_set} != {source_set}")

    # Depends: exactly the packages of the libraries linked, as dpkg-shlibdeps found them.
    depends = {d.strip().split(" ")[0] for d in fields["Depends"].split(",") if d.strip()}
    needed, problems = needed_packages(tree)
    for p in problems:
        fail(p)
    expect(depends == needed, f"Depends names exactly the packages of the linked libraries ({len(needed)})",
           f"Depends {sorted(depends)}, linked {sorted(needed)}")
    expect(all("(>=" in d for d in fields["Depends"].split(",")), "every Depends entry has a minimum version",
           fields["Depends"])
    expect("python3" in fields["Recommends"], "Recommends python3 (the Python target)", fields["Recommends"])
    expect("nodejs (>= 20)" in fields["Suggests"], "Suggests nodejs (>= 20) (the Node targets)", fields["Suggests"])
    print(f"  Depends: {fields['Depends']}")
    print(f"  Installed-Size: {fields['Installed-Size']} KiB")
    return tree


# ---- 2. a clean system -------------------------------------------------------------------


def apt_mirror() -> str:
    """The Debian mirror this machine's apt uses for bookworm main (deb822 .sources or
    one-line .list files; disabled files and other suites are ignored)."""
    files = ["/etc/apt/sources.list", *sorted(glob.glob("/etc/apt/sources.list.d/*.list")),
             *sorted(glob.glob("/etc/apt/sources.list.d/*.sources"))]
    for f in files:
        try:
            text = Path(f).read_text()
        except OSError:
            continue
        if f.endswith(".sources"):
            for stanza in re.split(r"\n\s*\n", text):
                fields = dict(re.findall(r"(?m)^([A-Za-z-]+):\s*(.*)$", stanza))
                if "bookworm" in fields.get("Suites", "").split() and "main" in fields.get("Components", "").split():
                    return fields.get("URIs", "").split()[0]
        else:
            m = re.search(r"(?m)^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s+.*\bmain\b", text)
            if m:
                return m.group(1)
    return "http://deb.debian.org/debian"


class Chroot:
    """A Debian 12 minbase in a folder; commands run in a private mount namespace with
    /proc mounted (parity finds its files through /proc/self/exe)."""

    def __init__(self, root: Path, cache: Path):
        self.root = root
        self.cache = cache
        self.binds: list[tuple[str, str]] = []
        self.workdir = "/"
        self.env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root",
                    "LANG": "C.UTF-8", "DEBIAN_FRONTEND": "noninteractive"}

    def create(self) -> bool:
        if self.root.exists():
            run(["rm", "-rf", "--one-file-system", str(self.root)])
        if not self.cache.exists():
            mirror = apt_mirror()
            print(f"  debootstrap --variant=minbase bookworm from {mirror} (cached in {self.cache})")
            tmp = self.cache.with_suffix(".dir")
            run(["rm", "-rf", "--one-file-system", str(tmp)])
            t0 = time.monotonic()
            r = run(["debootstrap", "--variant=minbase", "bookworm", str(tmp), mirror])
            if r.returncode != 0:
                fail("debootstrap failed: " + (r.stderr or r.stdout).strip().splitlines()[-1:][0])
                return False
            print(f"  debootstrap: {time.monotonic() - t0:.0f} s")
            r = run(["tar", "-C", str(tmp), "-cf", str(self.cache), "."])
            run(["rm", "-rf", "--one-file-system", str(tmp)])
            if r.returncode != 0:
                fail("cannot archive the debootstrap: " + r.stderr.strip())
                return False
        self.root.mkdir(parents=True)
        r = run(["tar", "-C", str(self.root), "-xf", str(self.cache)])
        if r.returncode != 0:
            fail("cannot unpack the Debian 12 root: " + r.stderr.strip())
            return False
        shutil.copy("/etc/resolv.conf", self.root / "etc/resolv.conf")
        return True

    def bind(self, host: str, inside: str) -> None:
        self.binds.append((host, inside))

    def sh(self, command: str, timeout: int = 1800) -> subprocess.CompletedProcess:
        mounts = [f"mount -t proc proc {shlex.quote(str(self.root / 'proc'))}"]
        for host, inside in self.binds:
            target = self.root / inside.lstrip("/")
            mounts.append(f"mount --bind -o ro {shlex.quote(host)} {shlex.quote(str(target))}")
        envs = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env.items())
        inner = f"cd {shlex.quote(self.workdir)} && {command}"
        script = " && ".join(mounts) + f" && exec env -i {envs} chroot {shlex.quote(str(self.root))} /bin/sh -c " + \
            shlex.quote(inner)
        return run(["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script], timeout=timeout)


class Prefix:
    """The package unpacked into a folder; commands run on this system from it."""

    def __init__(self, tree: Path):
        self.root = tree
        self.workdir = str(tree.parent / "work")
        Path(self.workdir).mkdir(exist_ok=True)
        self.env = {"PATH": f"{tree}/usr/bin:/usr/local/bin:/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root"),
                    "LANG": "C.UTF-8"}

    def sh(self, command: str, timeout: int = 1800) -> subprocess.CompletedProcess:
        return run(["env", "-i", *[f"{k}={v}" for k, v in self.env.items()], "/bin/sh", "-c", command],
                   cwd=self.workdir, timeout=timeout)


def dockerfile_steps(path: Path) -> list[tuple[str, str]]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    steps, buf = [], ""
    for line in path.read_text().splitlines():
        if not buf and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            buf += line.rstrip()[:-1] + " "
            continue
        buf += line
        word, _, rest = buf.strip().partition(" ")
        steps.append((word.upper(), rest.strip()))
        buf = ""
    return steps


def apply_dockerfile(box: Chroot, dockerfile: Path, context: Path) -> tuple[list[str], float]:
    """Runs the Dockerfile's steps in the chroot; returns the entrypoint and the seconds
    its RUN steps took (the package's install)."""
    entrypoint: list[str] = []
    args: dict[str, str] = {}
    run_seconds = 0.0
    for word, rest in dockerfile_steps(dockerfile):
        for k, v in args.items():
            rest = rest.replace("${" + k + "}", v).replace("$" + k, v)
        if word == "FROM":
            expect(re.match(r"debian:(12|bookworm)(-slim)?$", rest) is not None,
                   f"the Dockerfile starts FROM Debian 12 ({rest}); the chroot is bookworm")
        elif word == "ARG":
            k, _, v = rest.partition("=")
            args[k.strip()] = v.strip()
        elif word == "ENV":
            k, _, v = rest.partition("=")
            box.env[k.strip()] = v.strip().strip('"')
        elif word == "COPY":
            *sources, dest = shlex.split(rest)
            matched = [m for s in sources for m in sorted(glob.glob(str(context / s)))]
            if not expect(bool(matched), f"COPY {' '.join(sources)} finds the package in {context}"):
                return [], 0.0
            target = box.root / dest.lstrip("/")
            if dest.endswith("/"):
                target.mkdir(parents=True, exist_ok=True)
            for m in matched:
                shutil.copy(m, target)
        elif word == "WORKDIR":
            (box.root / rest.lstrip("/")).mkdir(parents=True, exist_ok=True)
            box.workdir = rest
        elif word == "RUN":
            t0 = time.monotonic()
            r = box.sh(rest)
            run_seconds += time.monotonic() - t0
            if not expect(r.returncode == 0, f"RUN {rest[:70]}...", (r.stderr or r.stdout)[-600:]):
                return [], run_seconds
        elif word == "ENTRYPOINT":
            entrypoint = json.loads(rest)
        elif word in ("CMD", "LABEL"):
            pass
        else:
            fail(f"{dockerfile}: instruction {word} is not one this test can apply; add it to package_test.py")
    return entrypoint, run_seconds


def run_summary(r: subprocess.CompletedProcess) -> str:
    """The summary line of `parity run` ("parity: N checks: ..."), printed; "" when absent."""
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("parity: ") and " checks:" in ln]
    if lines:
        print("    " + lines[0])
    return lines[0] if lines else ""


def expect_doctor(box, parity: str, name: str, note: str = "", timeout: int = 600) -> None:
    """`parity doctor --target NAME` starts the target and every probe passes."""
    r = box.sh(f"{parity} doctor --target {name}", timeout=timeout)
    expect(r.returncode == 0 and ", 0 failed" in r.stdout, f"parity doctor --target {name}{note}",
           (r.stdout + r.stderr)[-800:])


def check_installed(box, parity: str, source: Path, revision: str, mode: str) -> None:
    def parity_sh(args: str, timeout: int = 1800) -> subprocess.CompletedProcess:
        return box.sh(f"{parity} {args}", timeout=timeout)

    if mode == "chroot":
        r = box.sh(f"test ! -e {shlex.quote(str(source))} && test ! -e /work/main")
        expect(r.returncode == 0, f"the source tree ({source}) is out of reach")

    r = parity_sh("--version")
    out = r.stdout
    expect(r.returncode == 0 and out.startswith("parity "), "parity --version", r.stderr.strip())
    print("    " + "\n    ".join(out.strip().splitlines()))
    expect(f"(revision {revision})" in out, f"--version names the revision the package was built from ({revision})")
    source_set = vector_set_sha256(source / "vectors")
    expect(f"SHA-256 {source_set}" in out and "/share/parity/vectors)" in out,
           "--version states the installed vector set and its SHA-256, the source tree's")
    for lib in ("OpenSSL 3.", "libsignal-protocol-c 2.3.3", "libolm 3.2.13", "@signalapp/libsignal-client ",
                "ts-mls "):
        expect(lib in out, f"--version names {lib.strip()}")

    r = parity_sh("--help")
    expect(r.returncode == 0 and "EXIT STATUS" in r.stdout and "FILES" in r.stdout,
           "parity --help is man-style (EXIT STATUS, FILES, ...)")
    if mode == "chroot":
        r = box.sh("test -s /usr/share/man/man1/parity.1.gz")
        expect(r.returncode == 0, "the manual page is installed")

    r = parity_sh("targets")
    print("    " + "\n    ".join(r.stdout.strip().splitlines()))
    expect(r.returncode == 0 and "/share/parity/targets/node/mls/parity_target.mjs" in r.stdout,
           "parity targets resolves the script targets to the installed share/parity/targets/")

    expect_doctor(box, parity, "reference")

    r = parity_sh("run --target reference --only KAT,SIG --json out/kat-sig.json --report out/kat-sig.html",
                  timeout=1200)
    summary = run_summary(r)
    expect(r.returncode == 0 and summary != "" and " fail" not in summary and " error" not in summary
           and " pass" in summary, "parity run --target reference --only KAT,SIG exits 0, every check passes",
           summary or (r.stdout + r.stderr)[-800:])
    root = box.root if mode == "chroot" else Path("/")
    results_path = root / box.workdir.lstrip("/") / "out/kat-sig.json"
    try:
        doc = json.loads(results_path.read_text())
        run_info = doc["run"]
        expect(run_info.get("vectors_sha256") == source_set, "the results state the vector set's SHA-256")
        expect(run_info.get("parity_revision") == revision, "the results state the revision")
        names = [lib.get("name") for lib in run_info.get("libraries", [])]
        expect("libsignal-protocol-c" in names and "ts-mls" in names, "the results list the libraries")
        # KAT-1.*-edge are not-applicable to a signal-v3 target by design (the MUST check
        # judges those vectors); every other KAT-1 check reads its file and passes.
        kats = [x for x in doc["results"] if x["check"].startswith("KAT-1.")]
        passed = [x for x in kats if x["verdict"] == "pass"]
        others = [f"{x['check']}: {x['verdict']}" for x in kats
                  if x["verdict"] != "pass" and not (x["verdict"] == "not-applicable" and x["check"].endswith("-edge"))]
        expect(len(passed) >= 10 and not others,
               f"KAT-1 ran from the installed vectors ({len(passed)} of {len(kats)} checks passed)", ", ".join(others))
        html = (results_path.parent / "kat-sig.html").read_text()
        expect("Libraries (built against)" in html and revision in html,
               "the HTML report shows the revision and the libraries")
    except (OSError, ValueError, KeyError) as e:
        fail(f"results of the KAT,SIG run: {e}")

    for name in ("libsignal", "olm", "python"):
        expect_doctor(box, parity, name)


def check_node(box, parity: str, with_node: bool) -> None:
    """The Node targets: with Node 20 they start from the installed node_modules; without
    it parity says plainly why they cannot."""
    for name in ("libsignal-client", "mls"):
        if with_node:
            expect_doctor(box, parity, name, " (Node.js from this machine, packages from the package)", timeout=900)
        else:
            r = box.sh(f"{parity} doctor --target {name}", timeout=900)
            text = r.stdout + r.stderr
            expect(r.returncode == 3 and "could not be started" in text,
                   f"without Node.js, parity doctor --target {name} exits 3 and says the target could not start",
                   text[-400:])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("deb", type=Path)
    ap.add_argument("--source", type=Path, default=Path(__file__).resolve().parent.parent,
                    help="the source tree the package was built from (vectors, Dockerfile, revision)")
    ap.add_argument("--out", type=Path, default=None, help="scratch folder (default out/package/test)")
    ap.add_argument("--mode", choices=("auto", "chroot", "prefix"),
                    default=os.environ.get("PARITY_PACKAGE_TEST_MODE", "auto"))
    a = ap.parse_args()
    if not a.deb.is_file():
        print(f"package_test.py: {a.deb}: no such package file", file=sys.stderr)
        return 2
    source = a.source.resolve()
    work = (a.out or source / "out/package/test").resolve()
    work.mkdir(parents=True, exist_ok=True)
    deb = a.deb.resolve()

    mode = a.mode
    why_not = ("not root" if os.geteuid() != 0 else "no debootstrap" if not shutil.which("debootstrap")
               else "no unshare" if not shutil.which("unshare")
               else "no private mount namespace here" if run(["unshare", "--mount", "--propagation", "private",
                                                             "true"]).returncode != 0 else "")
    if mode == "auto":
        mode = "prefix" if why_not else "chroot"
        if why_not:
            print(f"package_test.py: no clean chroot ({why_not}): the weaker prefix test runs instead")
    elif mode == "chroot" and why_not:
        print(f"package_test.py: --mode chroot is not possible here: {why_not}", file=sys.stderr)
        return 2

    rev = run(["git", "-C", str(source), "rev-parse", "--short=12", "HEAD"]).stdout.strip() or "unknown"
    if rev != "unknown" and run(["git", "-C", str(source), "diff", "--quiet", "HEAD", "--"]).returncode != 0:
        rev += "-dirty"

    tree = check_package(deb, source, work)
    print(f"==> a clean system (mode {mode})")
    timings = {}
    if mode == "chroot":
        box = Chroot(work / "root", work.parent / "debian12-minbase.tar")
        if not box.create():
            return 1
        t0 = time.monotonic()
        entrypoint, install_s = apply_dockerfile(box, source / "Dockerfile", deb.parent)
        if not expect(entrypoint == ["parity"], "the Dockerfile's entrypoint is parity", str(entrypoint)):
            return 1
        timings["install (the Dockerfile's RUN: apt-get update, apt-get install ./parity_*.deb)"] = install_s
        parity = "parity"
    else:
        box = Prefix(tree)
        t0 = time.monotonic()
        parity = shlex.quote(str(tree / "usr/bin/parity"))
    t_run = time.monotonic()
    # As docs/ci.md's jobs do: the output folder first (parity does not make folders).
    r = box.sh(f"mkdir -p out && {parity} run --target reference --report out/report.html --json out/results.json",
               timeout=1800)
    run_s = time.monotonic() - t_run
    expect(r.returncode == 0 and run_summary(r) != "", "the main job, parity run --target reference, exits 0",
           (r.stdout + r.stderr)[-800:])
    timings["parity run --target reference --report (every check)"] = run_s
    timings["from install to finished run"] = time.monotonic() - t0

    check_installed(box, parity, source, rev, mode)
    if mode == "chroot":
        check_node(box, parity, with_node=False)  # Debian 12 has no Node.js 20
    node = shutil.which("node")
    version = run([node, "--version"]).stdout.strip() if node else ""
    if node and re.match(r"v(2\d|[3-9]\d)\.", version):
        if mode == "chroot":
            (box.root / "usr/local/bin/node").touch()
            box.bind(os.path.realpath(node), "/usr/local/bin/node")
        check_node(box, parity, with_node=True)
    else:
        print(f"  (no Node.js 20 on this machine ({version or 'none'}): the Node targets ran without it only)")

    print("==> timings")
    for k, v in timings.items():
        print(f"  {v:7.1f} s  {k}")
    print(f"  package: {deb.name}, {deb.stat().st_size / 1e6:.1f} MB")
    if FAILURES:
        print(f"package_test.py: {len(FAILURES)} failed:", file=sys.stderr)
        for f in FAILURES:
            print(f"  {f}", file=sys.stderr)
        return 1
    print("package_test.py: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
