"""Corpus sweep (issue 6, parts 1 and 4): `kerasfix check` and `kerasfix fix` over a million
lines of real Python, every claim kerasfix makes checked from the outside, peak memory measured.

Usage: python bench/corpus_sweep.py [--roots DIR ...] [--limit-lines N] [--jobs N] [--keep]
                                    [--examples N] [--workdir DIR]

Corpus: by default the installed distributions tensorflow (or tensorflow-cpu), keras and numpy
and every installed distribution they require, recursively (extras left out): the .py, .pyi
and .ipynb files each one's RECORD lists. `--roots` names folders instead (relative to this
Python's site-packages, or absolute). `--limit-lines N` keeps a deterministic sample of about N
lines (files ordered by a hash of their path). The corpus is copied to a temporary folder (fix
writes in place) with a sha256 manifest of every file.

Runs, in the copy, with `--isolated --no-cache` and the default -j (unless --jobs):
  check: kerasfix check --output-format json -o check.json --report json:check-report.json
  fix:   kerasfix fix   (the same outputs)
  fix2:  kerasfix fix   again
Checked (any failure makes the exit status 1):
  - no crash (traceback, exit code 2, a signal, output missing) and no internal error (the
    `internal error:` reasons kerasfix gives per file on stderr and in its report);
  - every file the walk finds is analysed or listed as not analysed with a reason and a
    finding (files under folders the walk skips by design, such as build/, are counted
    apart and must stay byte-identical);
  - check writes nothing; fix changes only files for which check reported something fix acts
    on (a safe fix, or a manual/unsafe finding that gets a `# TODO(kerasfix)` comment); every
    file fix wrote parses with ast.parse under this Python; files not analysed stay
    byte-identical; no file appears or disappears; the number of changed files is the one
    fix's report gives;
  - the second fix changes no byte, applies no fix and reports the findings the first left;
  - each run's exit code is the one its output implies: 2 internal error > 3 not analysed >
    1 findings > 0.
Peak memory: each run's process tree (kerasfix and its worker processes) is sampled every
50 ms from /proc; the peak of the summed RSS (shared pages counted in every process) and of
the summed PSS (shared pages divided between them) are reported. With /usr/bin/time -v, the
exact peak RSS of the largest single process (ru_maxrss) too.
Timings are wall clock of single runs: on a shared machine they are noisy.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import importlib.metadata as metadata
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the kerasfix of this checkout
    sys.path.insert(0, str(ROOT))

from kerasfix.files import SKIP_DIRS, SUFFIXES  # noqa: E402  (what the walk skips and finds)

SITE = Path(sysconfig.get_paths()["purelib"])
DEFAULT_DISTS = ("tensorflow", "keras", "numpy")
MILLION = 1_000_000
INTERNAL = "internal error"


# --- the corpus

@dataclass(frozen=True)
class Source:
    path: Path  # where the file is read from
    rel: str  # its path inside the corpus copy (posix)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _installed() -> dict[str, metadata.Distribution]:
    out: dict[str, metadata.Distribution] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            out.setdefault(_norm(name), dist)
    return out


def distribution_closure(names=DEFAULT_DISTS) -> list[metadata.Distribution]:
    """The installed distributions `names` (tensorflow also as tensorflow-cpu/-gpu) and every
    installed distribution they require, recursively; requirements behind an extra are left
    out (platform markers are not evaluated: what is installed is what is swept)."""
    installed = _installed()
    todo = []
    for name in names:
        for candidate in (name, f"{name}-cpu", f"{name}-gpu"):
            if _norm(candidate) in installed:
                todo.append(_norm(candidate))
                break
    seen: dict[str, metadata.Distribution] = {}
    while todo:
        name = todo.pop()
        if name in seen or name not in installed:
            continue
        dist = seen[name] = installed[name]
        for req in dist.requires or []:
            requirement, _, marker = req.partition(";")
            if "extra" in marker:
                continue
            match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
            if match:
                todo.append(_norm(match.group(1)))
    return sorted(seen.values(), key=lambda d: _norm(d.metadata["Name"]))


def distribution_sources(dists) -> tuple[list[Source], dict[str, str]]:
    """The files of `dists` kerasfix would walk (by suffix), and which distribution each is
    from (rel path -> "name version")."""
    out: dict[str, Source] = {}
    owner: dict[str, str] = {}
    for dist in dists:
        label = f"{dist.metadata['Name']} {dist.version}"
        for entry in dist.files or []:
            if ".." in entry.parts or not str(entry).endswith(SUFFIXES):
                continue
            path = Path(dist.locate_file(entry))
            if path.is_file() and entry.as_posix() not in out:
                out[entry.as_posix()] = Source(path, entry.as_posix())
                owner[entry.as_posix()] = label
    return sorted(out.values(), key=lambda s: s.rel), owner


def root_sources(roots: list[str]) -> list[Source]:
    """The files under folders (or the files) `roots`, relative to site-packages or absolute."""
    out: dict[str, Source] = {}
    for root in roots:
        base = Path(root) if Path(root).is_absolute() else SITE / root
        if not base.exists():
            raise SystemExit(f"corpus_sweep: no such folder: {base}")
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*")
                                                     if p.is_file() and p.name.endswith(SUFFIXES))
        for path in files:
            try:
                rel = path.relative_to(SITE).as_posix()
            except ValueError:
                rel = (Path(base.name) / path.relative_to(base)).as_posix() if base.is_dir() \
                    else base.name
            out.setdefault(rel, Source(path, rel))
    return sorted(out.values(), key=lambda s: s.rel)


def count_lines(data: bytes) -> int:
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def sample(sources: list[Source], limit_lines: int) -> list[Source]:
    """About `limit_lines` lines of `sources`, the same ones every time: files in the order of
    a hash of their path, until the budget is spent."""
    order = sorted(sources, key=lambda s: hashlib.sha256(s.rel.encode()).hexdigest())
    chosen, total = [], 0
    for source in order:
        if total >= limit_lines:
            break
        chosen.append(source)
        total += count_lines(source.path.read_bytes())
    return sorted(chosen, key=lambda s: s.rel)


def copy_corpus(sources: list[Source], dest: Path) -> tuple[dict[str, str], int]:
    """Copy `sources` under `dest`; the sha256 of every file, and the total line count."""
    manifest, lines = {}, 0
    for source in sources:
        data = source.path.read_bytes()
        target = dest / source.rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        manifest[source.rel] = hashlib.sha256(data).hexdigest()
        lines += count_lines(data)
    return manifest, lines


def hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder` (whatever its name: stray temporary files count)."""
    out = {}
    for base, _, files in os.walk(folder):
        for name in files:
            path = Path(base) / name
            out[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def walked(rel: str) -> bool:
    """Would `kerasfix check FOLDER` find this file (its folders are not ones the walk skips)?"""
    parts = rel.split("/")
    return rel.endswith(SUFFIXES) and not any(
        p in SKIP_DIRS or p.endswith(".egg-info") for p in parts[:-1])


# --- measuring a run

def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rpartition(b")")[2].split()[1])
        out.setdefault(ppid, []).append(int(entry))
    return out


def _field_kib(path: str, key: bytes) -> int:
    try:
        with open(path, "rb") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeSampler(threading.Thread):
    """Every `interval` s: RSS and PSS summed over the process `pid` (unless `skip_root`: a
    /usr/bin/time wrapper) and all its descendants; keeps the peaks, in KiB."""

    def __init__(self, pid: int, skip_root: bool, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.skip_root, self.interval = pid, skip_root, interval
        self.peak_rss = self.peak_pss = self.peak_single = self.peak_procs = self.samples = 0
        self.pss_available = os.path.exists(f"/proc/{os.getpid()}/smaps_rollup")
        self._stop_event = threading.Event()

    def sample(self) -> None:
        tree = _children()
        pids, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            todo += tree.get(pid, [])
        if self.skip_root:
            pids.remove(self.pid)
        rss = [_field_kib(f"/proc/{p}/status", b"VmRSS:") for p in pids]
        pss = [_field_kib(f"/proc/{p}/smaps_rollup", b"Pss:") for p in pids] \
            if self.pss_available else []
        self.peak_rss = max(self.peak_rss, sum(rss))
        self.peak_pss = max(self.peak_pss, sum(pss))
        self.peak_single = max(self.peak_single, max(rss, default=0))
        self.peak_procs = max(self.peak_procs, sum(1 for r in rss if r))
        self.samples += 1

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


@dataclass
class Run:
    name: str
    argv: list[str]
    code: int
    wall: float
    stderr: str
    findings: list[dict] | None  # --output-format json; None when not written
    report: dict | None  # --report json:PATH (the migration report); None when not written
    peak_rss_kib: int  # summed over the process tree (sampled)
    peak_pss_kib: int  # summed over the process tree (sampled); 0 without smaps_rollup
    peak_single_kib: int  # largest single process: ru_maxrss via /usr/bin/time -v, else sampled
    single_how: str
    processes: int  # most processes seen at once


def run_kerasfix(name: str, command: list[str], corpus: Path, work: Path,
                 jobs: int | None = None) -> Run:
    out, rep = work / f"{name}.json", work / f"{name}-report.json"
    timing = work / f"{name}.time"
    argv = [sys.executable, "-m", "kerasfix", *command, "--isolated", "--no-cache",
            "--output-format", "json", "-o", str(out), "--report", f"json:{rep}",
            *(["-j", str(jobs)] if jobs is not None else []), str(corpus)]
    gnu_time = Path("/usr/bin/time")
    wrapped = gnu_time.exists()
    full = [str(gnu_time), "-v", "-o", str(timing), *argv] if wrapped else argv
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    env.pop("PRE_COMMIT", None)  # it would make the default -j 1
    start = time.perf_counter()
    with open(work / f"{name}.stderr", "wb") as err:
        proc = subprocess.Popen(full, stdout=subprocess.DEVNULL, stderr=err, cwd=work, env=env)
        sampler = TreeSampler(proc.pid, skip_root=wrapped)
        sampler.start()
        code = proc.wait()
        wall = time.perf_counter() - start
        sampler.stop()
    stderr = (work / f"{name}.stderr").read_text(encoding="utf-8", errors="replace")
    single, how = sampler.peak_single, "sampled every 50 ms from /proc"
    if wrapped and timing.exists():
        text = timing.read_text(errors="replace")
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        if found:
            single, how = int(found.group(1)), "ru_maxrss via /usr/bin/time -v"
        code_line = re.search(r"Exit status: (\d+)", text)
        signalled = re.search(r"Command terminated by signal (\d+)", text)
        if signalled:
            code = -int(signalled.group(1))
        elif code_line:
            code = int(code_line.group(1))
    return Run(name, argv, code, wall, stderr, _load(out), _load(rep), sampler.peak_rss,
               sampler.peak_pss, single, how, sampler.peak_procs)


def _load(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# --- what a run's output says

def rel_of(path: str, corpus: Path) -> str:
    return Path(os.path.relpath(path, corpus)).as_posix()


def not_analysed(run: Run, corpus: Path) -> dict[str, str]:
    """Files the run could not analyse (or hit an internal error on): rel path -> reason."""
    items = (run.report or {}).get("not_analysed", [])
    return {rel_of(item["path"], corpus): item.get("reason", "") for item in items}


def reason_kind(reason: str) -> str:
    """A not-analysed reason, by kind."""
    bare = re.sub(r"^line \d+: ", "", reason)  # the Python 2 reasons say where first
    if bare.startswith(INTERNAL):
        return INTERNAL
    for words, kind in [("nested too deeply", "too deep"), ("limit per file", "too large"),
                        ("out of memory", "out of memory")]:
        if words in bare:
            return kind
    for prefix, kind in [("cannot decode", "undecodable"), ("cannot parse", "syntax error"),
                         ("Python 2", "python2 (not convertible)"),
                         ("cannot read", "unreadable"), ("not written", "not written")]:
        if bare.startswith(prefix):
            return kind
    return f"other: {reason[:60]}" if reason else "(no reason given)"


def expected_exit_code(run: Run) -> int | None:
    """The exit code the run's own output implies (README: 2 > 3 > 1 > 0); None when the output
    is missing (a crash)."""
    if run.report is None or run.findings is None:
        return None
    reasons = [item.get("reason", "") for item in run.report.get("not_analysed", [])]
    if any(r.startswith(INTERNAL) for r in reasons):
        return 2
    if reasons or run.report["totals"].get("files_not_analysed"):
        return 3
    return 1 if run.findings else 0


def crash_problems(run: Run) -> list[str]:
    """A crash or an internal error in `run`."""
    out = []
    if run.code < 0:
        out.append(f"{run.name}: killed by signal {-run.code}")
    if "Traceback (most recent call last)" in run.stderr:
        out.append(f"{run.name}: traceback on stderr: {_tail(run.stderr)}")
    if INTERNAL in run.stderr:
        lines = [line for line in run.stderr.splitlines() if INTERNAL in line]
        out.append(f"{run.name}: {len(lines)} internal error(s), e.g. {lines[0][:300]}")
    if run.findings is None or run.report is None:
        out.append(f"{run.name}: output not written (exit {run.code}): {_tail(run.stderr)}")
    elif run.code == 2 and not out:
        out.append(f"{run.name}: exit code 2 (usage or internal error): {_tail(run.stderr)}")
    return out


def _tail(text: str, n: int = 400) -> str:
    return " ".join(text.split())[-n:]


def exit_code_problems(run: Run) -> list[str]:
    expected = expected_exit_code(run)
    if expected is None or expected == run.code:
        return []
    return [f"{run.name}: exit code {run.code}, but its output implies {expected}"]


def scan_problems(run: Run, walk: set[str]) -> list[str]:
    """Did the run look at every file the walk finds (analysed or reported, no file lost)?"""
    if run.report is None:
        return []
    scanned = run.report["totals"]["files_scanned"]
    if scanned == len(walk):
        return []
    return [f"{run.name}: {scanned} files scanned, but the walk finds {len(walk)}"]


def acts_on(finding: dict) -> bool:
    """Does `fix` change the file for this `check` finding: a safe fix, or a TODO comment for a
    manual finding or an unsafe fix (none for KF000, KF5xx shapes, KF9xx suppressions)?"""
    code = finding["code"]
    if code == "KF000":
        return False
    fix = finding.get("fix")
    if fix and fix.get("applicability") == "safe":
        return True
    return not code.startswith(("KF5", "KF9"))


def family(code: str) -> str:
    return code if code == "KF000" else f"{code[:3]}xx"


def finding_keys(run: Run, corpus: Path) -> Counter:
    return Counter((rel_of(f["path"], corpus), f["line"], f["column"], f["code"], f["message"])
                   for f in run.findings or [])


# --- the sweep

@dataclass
class Sweep:
    files: int = 0
    lines: int = 0
    per_dist: dict[str, int] = field(default_factory=dict)
    walked: int = 0
    skipped_by_walk: int = 0
    keras_importing: int = 0  # files kerasfix's byte pre-filter parses (they import Keras)
    py3_unparsable: int = 0  # originals ast.parse (this Python) refuses
    analysed: int = 0
    not_analysed: dict[str, str] = field(default_factory=dict)  # rel -> reason (check)
    files_with_findings: int = 0
    findings_by_family: Counter = field(default_factory=Counter)
    findings_by_code: Counter = field(default_factory=Counter)
    files_by_code: dict[str, set] = field(default_factory=dict)
    examples: dict[str, list[dict]] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)  # rel paths fix changed
    acted_on_unchanged: list[str] = field(default_factory=list)
    fixes_applied: int = 0
    todo_comments: int = 0
    remaining_fixable: int = 0
    second_fix_changed: int = 0
    crashes: list[str] = field(default_factory=list)  # crashes and internal errors, any run
    runs: dict[str, Run] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def sweep(sources: list[Source], work: Path, jobs: int | None = None, *,
          after_fix=None, examples: int = 3) -> Sweep:
    """Copy `sources` into `work/corpus`, run check, fix, fix, and check everything.
    `after_fix(corpus)`: called between the first fix and the verification (tests tamper)."""
    from kerasfix.migrate.prefilter import imports_keras

    result = Sweep()
    corpus = work / "corpus"
    corpus.mkdir(parents=True)
    manifest, result.lines = copy_corpus(sources, corpus)
    result.files = len(manifest)
    walk = {rel for rel in manifest if walked(rel)}
    result.walked, result.skipped_by_walk = len(walk), len(manifest) - len(walk)
    for rel in manifest:
        data = (corpus / rel).read_bytes()
        result.keras_importing += imports_keras(data)
        try:
            ast.parse(data)
        except (SyntaxError, ValueError):
            result.py3_unparsable += 1
    problems = result.problems

    check = result.runs["check"] = run_kerasfix("check", ["check"], corpus, work, jobs)
    result.crashes += crash_problems(check)
    problems += crash_problems(check) + exit_code_problems(check) + scan_problems(check, walk)
    after_check = hashes(corpus)
    problems += [f"check: {p}" for p in _diff_hashes(manifest, after_check, set(manifest))]
    result.not_analysed = not_analysed(check, corpus)
    findings = check.findings or []
    reported = {rel_of(f["path"], corpus) for f in findings}
    for rel, reason in sorted(result.not_analysed.items()):
        if rel not in walk:
            problems.append(f"check: {rel} not analysed, but not a file of the corpus")
        if not reason.strip():
            problems.append(f"check: {rel} not analysed, with no reason")
        if not reason.startswith(INTERNAL) and rel not in reported:
            problems.append(f"check: {rel} not analysed, but no finding says so")
    result.analysed = len(walk) - len(result.not_analysed)
    result.files_with_findings = len(reported)
    acted: set[str] = set()
    for f in findings:
        rel = rel_of(f["path"], corpus)
        result.findings_by_family[family(f["code"])] += 1
        result.findings_by_code[f["code"]] += 1
        result.files_by_code.setdefault(f["code"], set()).add(rel)
        shown = result.examples.setdefault(f["code"], [])
        if len(shown) < examples and all(e["rel"] != rel for e in shown):
            shown.append({**f, "rel": rel, "source": _line(corpus / rel, f["line"])})
        if acts_on(f):
            acted.add(rel)

    fix = result.runs["fix"] = run_kerasfix("fix", ["fix"], corpus, work, jobs)
    if after_fix is not None:
        after_fix(corpus)
    result.crashes += crash_problems(fix)
    problems += crash_problems(fix) + exit_code_problems(fix) + scan_problems(fix, walk)
    after = hashes(corpus)
    problems += [f"fix: {p}" for p in _appeared(manifest, after)]
    result.changed = sorted(rel for rel in manifest if after.get(rel) != manifest[rel])
    fix_not_analysed = not_analysed(fix, corpus)
    for rel in result.changed:
        if rel not in after:
            continue  # reported by _appeared
        why = []
        if rel not in acted:
            why.append("check reported nothing fix acts on")
        if rel in result.not_analysed or rel in fix_not_analysed:
            why.append("it was not analysed")
        if rel not in walk:
            why.append("the walk does not find it")
        try:
            ast.parse((corpus / rel).read_bytes())
        except (SyntaxError, ValueError) as exc:
            why.append(f"the written file does not parse: {exc}")
        if why:
            problems.append(f"fix changed {rel}: {'; '.join(why)}")
    if fix.report is not None:
        totals = fix.report["totals"]
        if totals["files_changed"] != len(result.changed):
            problems.append(f"fix: reports {totals['files_changed']} files changed, "
                            f"{len(result.changed)} changed on disk")
        result.fixes_applied = totals.get("fixes_applied") or 0
        result.todo_comments = totals.get("todo_comments") or 0
        if set(fix_not_analysed) != set(result.not_analysed):
            problems.append(f"fix: not analysed {sorted(set(fix_not_analysed))[:5]}..., "
                            f"check: {sorted(result.not_analysed)[:5]}...")
    result.acted_on_unchanged = sorted(acted - set(result.changed) - set(fix_not_analysed))
    result.remaining_fixable = sum(1 for f in fix.findings or [] if f.get("fix") and
                                   f["fix"]["applicability"] == "safe"
                                   and not f["fix"]["applied"])

    fix2 = result.runs["fix2"] = run_kerasfix("fix2", ["fix"], corpus, work, jobs)
    result.crashes += crash_problems(fix2)
    problems += crash_problems(fix2) + exit_code_problems(fix2) + scan_problems(fix2, walk)
    again = hashes(corpus)
    second = _diff_hashes(after, again, set(after) | set(again))
    result.second_fix_changed = len(second)
    problems += [f"second fix: {p}" for p in second]
    if fix2.report is not None:
        totals = fix2.report["totals"]
        if totals["files_changed"] or totals["fixes_applied"] or fix2.report["fixed_per_rule"]:
            problems.append(f"second fix: reports {totals['files_changed']} files changed, "
                            f"{totals['fixes_applied']} fixes applied")
    if fix.findings is not None and fix2.findings is not None:
        first, later = finding_keys(fix, corpus), finding_keys(fix2, corpus)
        if first != later:
            delta = list((first - later) + (later - first))[:3]
            problems.append(f"second fix: reports other findings than the first, e.g. {delta}")
    if result.acted_on_unchanged:
        result.notes.append(f"{len(result.acted_on_unchanged)} files with a finding fix acts on "
                            f"were left unchanged, e.g. {result.acted_on_unchanged[:3]}")
    return result


def _line(path: Path, line: int) -> str:
    lines = path.read_bytes().decode("utf-8", "replace").splitlines()
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


def _diff_hashes(before: dict[str, str], after: dict[str, str], paths: set[str]) -> list[str]:
    out = [f"{rel} changed" for rel in sorted(paths)
           if rel in before and rel in after and before[rel] != after[rel]]
    return out + _appeared(before, after)


def _appeared(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return ([f"{rel} appeared" for rel in sorted(set(after) - set(before))]
            + [f"{rel} disappeared" for rel in sorted(set(before) - set(after))])


# --- the report

def _mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


def summary(result: Sweep, examples: int = 0) -> str:
    runs = result.runs
    reasons = Counter(reason_kind(r) for r in result.not_analysed.values())
    per_m = MILLION / max(result.lines, 1)
    rows = [
        ("files (.py/.pyi/.ipynb)", f"{result.files:,}"),
        ("lines", f"{result.lines:,}"),
        ("files the walk skips by design (build/, dist/ ...)", f"{result.skipped_by_walk:,}"),
        ("files importing Keras/TensorFlow (kerasfix pre-filter)", f"{result.keras_importing:,}"),
        (f"originals ast.parse (Python {sys.version_info[0]}.{sys.version_info[1]}) refuses",
         f"{result.py3_unparsable:,}"),
        ("analysed", f"{result.analysed:,}"),
        ("not analysed", f"{len(result.not_analysed):,}"),
        *[(f"  {kind}", f"{n:,}") for kind, n in sorted(reasons.items())],
        ("files with findings (check)", f"{result.files_with_findings:,}"),
        ("findings (check)", f"{sum(result.findings_by_code.values()):,}"),
        *[(f"  {fam}", f"{n:,}") for fam, n in sorted(result.findings_by_family.items())],
        ("files changed by fix", f"{len(result.changed):,}"),
        ("fixes applied / TODO comments written", f"{result.fixes_applied:,} / "
                                                 f"{result.todo_comments:,}"),
        ("safe fixes left after fix", f"{result.remaining_fixable:,}"),
        ("crashes / internal errors (all runs)", str(len(result.crashes))),
        ("second fix: files changed", f"{result.second_fix_changed:,}"),
    ]
    for name in ("check", "fix", "fix2"):
        run = runs.get(name)
        if run is None:
            continue
        expected = expected_exit_code(run)
        rows += [
            (f"{name}: exit code (implied by its output)", f"{run.code} ({expected})"),
            (f"{name}: wall time", f"{run.wall:.1f} s ({result.lines / run.wall:,.0f} lines/s)"),
            (f"{name}: peak RSS, process tree summed", f"{_mib(run.peak_rss_kib)} "
                                                       f"({_mib(run.peak_rss_kib * per_m)} "
                                                       f"per million lines)"),
            (f"{name}: peak PSS, process tree summed", _mib(run.peak_pss_kib)
             if run.peak_pss_kib else "n/a"),
            (f"{name}: peak RSS, largest process", f"{_mib(run.peak_single_kib)} "
                                                   f"({run.single_how})"),
            (f"{name}: processes at once", str(run.processes)),
        ]
    width = max(len(k) for k, _ in rows)
    lines = [f"{k.ljust(width)}  {v}" for k, v in rows]
    if result.per_dist:
        lines.append("\ncorpus (files per distribution): " + ", ".join(
            f"{d} ({n})" for d, n in result.per_dist.items()))
    top = result.findings_by_code.most_common()
    if top:
        lines.append("\nfindings by code (check): " + ", ".join(
            f"{code} {n} in {len(result.files_by_code[code])} files" for code, n in top))
    if examples:
        for code, _ in top:
            for e in result.examples.get(code, [])[:examples]:
                lines.append(f"  {code} {e['rel']}:{e['line']}: {e['source'][:100]}")
                lines.append(f"      {e['message'][:160]}")
    for note in result.notes:
        lines.append(f"note: {note}")
    if result.problems:
        lines.append(f"\nFAILED: {len(result.problems)} problem(s):")
        lines += [f"  - {p}" for p in result.problems[:50]]
    else:
        lines.append("\nOK: no crash, no internal error, every file analysed or reported, "
                     "written files parse, untouched files byte-identical, second fix a no-op, "
                     "exit codes match the output")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roots", nargs="+", metavar="DIR",
                        help="folders to sweep (relative to site-packages, or absolute) "
                             "instead of the tensorflow/keras/numpy distributions")
    parser.add_argument("--limit-lines", type=int, default=None,
                        help="a deterministic sample of about this many lines")
    parser.add_argument("--jobs", "-j", type=int, default=None,
                        help="kerasfix -j (default: kerasfix's own default)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where to make the temporary folder")
    parser.add_argument("--examples", type=int, default=0,
                        help="print up to N example findings per code")
    args = parser.parse_args(argv)
    owner: dict[str, str] = {}
    if args.roots:
        sources = root_sources(args.roots)
    else:
        sources, owner = distribution_sources(distribution_closure())
    if args.limit_lines:
        sources = sample(sources, args.limit_lines)
    per_dist = Counter(owner[s.rel] for s in sources if s.rel in owner)
    if not sources:
        raise SystemExit("corpus_sweep: no files to sweep")
    work = Path(tempfile.mkdtemp(prefix="kerasfix-sweep-", dir=args.workdir))
    print(f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}; corpus of {len(sources)} "
          f"files copied to {work / 'corpus'}", flush=True)
    try:
        result = sweep(sources, work, args.jobs, examples=max(args.examples, 1))
        result.per_dist = dict(sorted(per_dist.items(), key=lambda item: item[0].lower()))
        print(summary(result, args.examples))
        if not args.roots and not args.limit_lines and result.lines < MILLION:
            print(f"note: the corpus has fewer than {MILLION:,} lines")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if result.problems else 0


if __name__ == "__main__":
    sys.exit(main())
