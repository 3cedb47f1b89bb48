"""Runs the legacy programs of fixtures/programs under real Keras 3, before and after kerasfix.

Two halves:

- `python -m tests.programs_runner RESULT.json PROGRAM.py ...` (from the repository root) is the
  subprocess: it imports Keras once, then for each program execs its text with `__name__` set to
  something other than "__main__", replaces `load_data` in the namespace with the synthetic loader
  of tests/programs_data.py that has the program's file name, and calls `main()`, in a fresh
  working directory, with Keras' global state reset. It writes one JSON record per program:
  {"ok": true} or the exception type, message and the line of the program where it was raised
  (the deepest traceback frame in the program file; for a SyntaxError, its line).
- `collect()` (used by tests/test_programs.py and scripts/programs_status.py) copies the
  programs, runs `kerasfix fix --unsafe-fixes` on one copy, `kerasfix check --output-format json`
  on the fixed copy, a second `fix` on a copy of the fixed copy, and the originals and the fixed
  programs in two subprocesses running side by side. It never imports Keras itself.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS_DIR = ROOT / "fixtures" / "programs"
PER_PROGRAM_TIMEOUT = 90  # seconds; an endless generator without steps_per_epoch never ends
SUBPROCESS_TIMEOUT = 900
TODO_RE = re.compile(r"#\s*TODO\(kerasfix\)\s*:?\s*(KF\d{3})")


def program_files() -> list[Path]:
    return sorted(PROGRAMS_DIR.glob("*.py"))


# --------------------------------------------------------------------------------------------
# The subprocess: execute programs under Keras 3.


def _program_line(exc: BaseException, filename: str) -> int | None:
    if isinstance(exc, SyntaxError) and exc.filename == filename:
        return exc.lineno
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


class ProgramTimeout(Exception):
    pass


def _run_one(path: Path, workdir: Path) -> dict:
    import builtins
    import contextlib
    import io
    import signal

    import keras

    from tests.programs_data import LOADERS

    keras.utils.clear_session()
    keras.config.set_image_data_format("channels_last")
    keras.config.set_floatx("float32")
    keras.config.set_epsilon(1e-7)
    keras.utils.set_random_seed(0)

    filename = str(path)
    namespace = {"__name__": "kerasfix_program", "__file__": filename,
                 "__builtins__": builtins}
    output = io.StringIO()
    record: dict = {"ok": False}
    started = time.monotonic()
    cwd, argv = os.getcwd(), sys.argv
    workdir.mkdir(parents=True)

    def on_alarm(signum, frame):
        raise ProgramTimeout(f"still running after {PER_PROGRAM_TIMEOUT} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        os.chdir(workdir)
        sys.argv = [filename]
        signal.alarm(PER_PROGRAM_TIMEOUT)
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            code = compile(path.read_text(encoding="utf-8"), filename, "exec")
            exec(code, namespace)
            namespace["load_data"] = LOADERS[path.name]
            namespace["main"]()
        record = {"ok": True}
    except (Exception, SystemExit) as exc:  # SystemExit: a program calling sys.exit()
        message = str(exc).strip().splitlines()
        record = {"ok": False, "type": type(exc).__name__,
                  "message": message[0][:500] if message else "",
                  "line": _program_line(exc, filename),
                  "traceback": "".join(traceback.format_exception(exc))[-4000:]}
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        os.chdir(cwd)
        sys.argv = argv
    record["seconds"] = round(time.monotonic() - started, 2)
    record["output_tail"] = output.getvalue()[-1500:]
    return record


def _subprocess_main(result_path: str, programs: list[str]) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="kerasfix_programs_"))
    results: dict[str, dict] = {}
    try:
        for index, program in enumerate(programs):
            path = Path(program).resolve()
            results[path.name] = _run_one(path, scratch / f"{index:02d}_{path.stem}")
            Path(result_path).write_text(json.dumps(results, indent=1), encoding="utf-8")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _subprocess_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("TF_USE_LEGACY_KERAS", None)  # tf.keras must be Keras 3, as TF >= 2.16 installs it
    env.update({"KERAS_BACKEND": "tensorflow", "KERAS_HOME": str(home),  # no user keras.json
                "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "",
                "PYTHONHASHSEED": "0", "PYTHONPATH": str(ROOT)})
    return env


def start_run(programs: list[Path], result_path: Path, log_path: Path) -> subprocess.Popen:
    home = result_path.parent / (result_path.stem + "_keras_home")
    home.mkdir(exist_ok=True)
    log = open(log_path, "wb")  # noqa: SIM115 - closed by finish_run
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.programs_runner", str(result_path), *map(str, programs)],
        cwd=ROOT, env=_subprocess_env(home), stdout=log, stderr=subprocess.STDOUT)
    proc.log = log  # type: ignore[attr-defined]
    return proc


def finish_run(proc: subprocess.Popen, programs: list[Path], result_path: Path,
               log_path: Path) -> dict[str, dict]:
    try:
        proc.wait(timeout=SUBPROCESS_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    finally:
        proc.log.close()  # type: ignore[attr-defined]
    results = (json.loads(result_path.read_text(encoding="utf-8"))
               if result_path.exists() else {})
    tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
    for path in programs:
        results.setdefault(path.name, {
            "ok": False, "type": "RunnerCrashed", "line": None,
            "message": f"the runner (exit code {proc.returncode}) has no result: {tail}"})
    return results


# --------------------------------------------------------------------------------------------
# kerasfix on the copies, and what it announces.


def kerasfix(*args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "kerasfix", *args, "--isolated", "--no-cache"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    if proc.returncode not in (0, 1, 3):  # 2: usage or internal error
        raise RuntimeError(f"kerasfix {' '.join(args)} exited {proc.returncode}:\n"
                           f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def statement_span(text: str, line: int) -> tuple[int, int]:
    """The lines of the innermost statement that holds `line`: a simple statement whole, a
    compound statement (def, for, with ...) only its header. (line, line) if it cannot tell."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return line, line
    best = (line, line)
    best_start = 0
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt) or not node.lineno <= line <= node.end_lineno:
            continue
        children = [child for name in ("body", "orelse", "finalbody", "handlers")
                    for child in getattr(node, name, []) or []]
        if children:
            first = min(child.lineno for child in children)
            if line >= first:
                continue  # inside the body: a deeper statement holds the line
            span = (node.lineno, first - 1)
        else:
            span = (node.lineno, node.end_lineno)
        if node.lineno >= best_start:
            best, best_start = span, node.lineno
    return best


def announced_codes(text: str, line: int | None, findings: list[dict]) -> list[str]:
    """Codes kerasfix leaves on the statement holding `line`: findings that overlap it, and
    `# TODO(kerasfix): KFxxx` comments in it or in the comment lines directly above it."""
    if line is None:
        return []
    start, end = statement_span(text, line)
    codes = [f["code"] for f in findings
             if f["line"] <= end and f.get("end_line", f["line"]) >= start]
    lines = text.splitlines()
    above = start - 1
    while above >= 1 and lines[above - 1].strip().startswith("#"):
        above -= 1
    for number in range(above + 1, min(end, len(lines)) + 1):
        codes += TODO_RE.findall(lines[number - 1])
    return sorted(set(codes))


@dataclass
class Outcome:
    name: str
    original: dict
    fixed: dict
    fixed_text: str
    refixed_text: str
    findings: list[dict] = field(default_factory=list)

    def __repr__(self) -> str:  # pytest shows the fixture's value: keep it short
        return (f"<Outcome {self.name}: original ok={self.original['ok']}, "
                f"fixed ok={self.fixed['ok']}>")

    def source_line(self, line: int | None) -> str:
        lines = self.fixed_text.splitlines()
        return lines[line - 1].strip() if line and 0 < line <= len(lines) else "?"

    def announced(self) -> list[str]:
        return announced_codes(self.fixed_text, self.fixed.get("line"), self.findings)

    def describe_failure(self, record: dict) -> str:
        return (f"{record.get('type')}: {record.get('message')} "
                f"(line {record.get('line')}: {self.source_line(record.get('line'))})")


def collect(workdir: Path, programs: list[Path] | None = None) -> dict[str, Outcome]:
    programs = programs or program_files()
    dirs = {kind: workdir / kind for kind in ("original", "fixed", "refixed", "runs")}
    for directory in dirs.values():
        directory.mkdir(parents=True)
    for path in programs:
        shutil.copy2(path, dirs["original"] / path.name)
        shutil.copy2(path, dirs["fixed"] / path.name)
    originals = [dirs["original"] / p.name for p in programs]
    fixed = [dirs["fixed"] / p.name for p in programs]
    runs = dirs["runs"]

    original_run = start_run(originals, runs / "original.json", runs / "original.log")
    try:
        kerasfix("fix", "--unsafe-fixes", str(dirs["fixed"]))
        check = kerasfix("check", "--output-format", "json", str(dirs["fixed"]))
        findings = json.loads(check.stdout or "[]")
        for path in fixed:
            shutil.copy2(path, dirs["refixed"] / path.name)
        kerasfix("fix", "--unsafe-fixes", str(dirs["refixed"]))
        fixed_run = start_run(fixed, runs / "fixed.json", runs / "fixed.log")
    except BaseException:
        original_run.kill()
        raise
    fixed_results = finish_run(fixed_run, fixed, runs / "fixed.json", runs / "fixed.log")
    original_results = finish_run(original_run, originals, runs / "original.json",
                                  runs / "original.log")

    outcomes = {}
    for path in programs:
        name = path.name
        outcomes[name] = Outcome(
            name=name, original=original_results[name], fixed=fixed_results[name],
            fixed_text=(dirs["fixed"] / name).read_text(encoding="utf-8"),
            refixed_text=(dirs["refixed"] / name).read_text(encoding="utf-8"),
            findings=[f for f in findings if Path(f["path"]).name == name])
    return outcomes


if __name__ == "__main__":
    _subprocess_main(sys.argv[1], sys.argv[2:])
