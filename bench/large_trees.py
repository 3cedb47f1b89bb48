"""Large-tree benchmark: kerasfix (cold, warm), ruff and fixit on the installed Keras and
TensorFlow sources, kerasfix's peak memory, and a check that kerasfix never imports them.

Usage: python bench/large_trees.py [--fixit-timeout SECONDS]   (default 300)

- The trees are found with importlib.util.find_spec, which does not import the packages.
- kerasfix cold = `--no-cache` (when `kerasfix check --help` offers it); warm = a second run
  with `--cache-dir` pointing at a fresh temporary folder that the first run filled.
- ruff: `ruff check --no-cache --isolated` (default rules), if ruff is installed.
- fixit: `fixit lint`, from PATH or from a throwaway virtualenv (/tmp/fixit-venv, created with
  `python -m venv` + `pip install fixit` when missing; fixit is never a kerasfix dependency).
  Runs that exceed the timeout are reported as "timed out after N s".
- Peak memory: ru_maxrss of RUSAGE_CHILDREN, read in a fresh wrapper process around one
  kerasfix run (with -j workers it is the largest single process, so -j 1 is shown too).
- Imports: `python -X importtime -m kerasfix check <keras sources>`; no module named
  tensorflow*/keras*/tf_keras* may appear in the import log.
Wall times are single runs (these trees take seconds each), not best-of-N.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KERASFIX = [sys.executable, "-m", "kerasfix"]
FIXIT_VENV = Path(tempfile.gettempdir()) / "fixit-venv"
FORBIDDEN = ("tensorflow", "keras", "tf_keras")


def package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def count_lines(folder: Path) -> tuple[int, int]:
    files = list(folder.rglob("*.py"))
    return len(files), sum(p.read_bytes().count(b"\n") for p in files)


def timed(cmd: list[str], timeout: float | None = None) -> tuple[float | None, int | None]:
    """Wall time and exit code of one run; (None, None) when it timed out."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, None
    return time.perf_counter() - start, proc.returncode


def supports_cache() -> bool:
    out = subprocess.run([*KERASFIX, "check", "--help"], check=False, capture_output=True,
                         text=True).stdout
    return "--no-cache" in out and "--cache-dir" in out


def find_ruff() -> str | None:
    beside = Path(sys.executable).parent / "ruff"
    return shutil.which("ruff") or (str(beside) if beside.exists() else None)


def find_fixit() -> str | None:
    found = shutil.which("fixit")
    if found:
        return found
    exe = FIXIT_VENV / "bin" / "fixit"
    if not exe.exists():
        print(f"installing fixit into {FIXIT_VENV} (not a kerasfix dependency) ...", flush=True)
        try:
            subprocess.run([sys.executable, "-m", "venv", str(FIXIT_VENV)], check=True)
            subprocess.run([str(FIXIT_VENV / "bin" / "pip"), "install", "-q", "fixit"],
                           check=True, timeout=600)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            print(f"could not install fixit: {exc}")
            return None
    return str(exe) if exe.exists() else None


def peak_rss_mib(cmd: list[str]) -> float:
    """Max RSS (MiB) of `cmd` and its waited-for children, measured in a fresh wrapper so
    that no earlier child of this process inflates the high-water mark."""
    probe = ("import resource, subprocess, sys\n"
             "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    out = subprocess.run([sys.executable, "-c", probe, *cmd], check=False,
                         capture_output=True, text=True)
    return int(out.stdout.strip()) / 1024  # Linux reports KiB


def fmt(t: float | None, timeout: float) -> str:
    return f"timed out after {timeout:.0f} s" if t is None else f"{t:.2f} s"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None:
        return "n/a"
    return f"{a / b:.2f}x"


def bench_tree(label: str, folder: Path, cache: bool, ruff: str | None, fixit: str | None,
               fixit_timeout: float) -> None:
    files, lines = count_lines(folder)
    print(f"\n== {label}: {folder} ({files} .py files, {lines:,} lines)")
    check = [*KERASFIX, "check", "--isolated", "--output-format", "concise", str(folder)]
    with tempfile.TemporaryDirectory(prefix="kerasfix-bench-cache-") as cache_dir:
        if cache:
            cold, _ = timed([*check, "--no-cache"])
            timed([*check, "--cache-dir", cache_dir])  # fills the cache
            warm, _ = timed([*check, "--cache-dir", cache_dir])
        else:
            cold, _ = timed(check)
            warm = None
    print(f"kerasfix check cold{' (--no-cache)' if cache else ''}: {fmt(cold, 0)}"
          f"  ({lines / cold:,.0f} lines/s)")
    if cache:
        print(f"kerasfix check warm (--cache-dir, 2nd run): {fmt(warm, 0)}")
    else:
        print("kerasfix check warm: n/a (this kerasfix has no --no-cache/--cache-dir)")
    one, _ = timed([*check, "-j", "1", *(["--no-cache"] if cache else [])])
    print(f"kerasfix check cold -j 1: {fmt(one, 0)}")
    r = None
    if ruff:
        r, _ = timed([ruff, "check", "--no-cache", "--isolated", "--quiet", str(folder)])
        print(f"ruff check --no-cache --isolated: {fmt(r, 0)}")
    else:
        print("ruff: not installed")
    f = None
    if fixit:
        f, code = timed([fixit, "lint", str(folder)], timeout=fixit_timeout)
        print(f"fixit lint: {fmt(f, fixit_timeout)}"
              + ("" if f is None else f" (exit {code})"))
    else:
        print("fixit: not available")
    print(f"ratio kerasfix cold / fixit: {ratio(cold, f)}"
          + (f"  (fixit > {fixit_timeout:.0f} s, so kerasfix cold is at least "
             f"{fixit_timeout / cold:.0f}x faster)" if fixit and f is None else ""))
    print(f"ratio kerasfix warm / cold: {ratio(warm, cold)}")
    print(f"ratio kerasfix cold / ruff: {ratio(cold, r)}")
    no_cache = ["--no-cache"] if cache else []
    print(f"peak RSS kerasfix (default -j, largest single process): "
          f"{peak_rss_mib([*check, *no_cache]):.0f} MiB")
    print(f"peak RSS kerasfix -j 1: {peak_rss_mib([*check, '-j', '1', *no_cache]):.0f} MiB")


def import_check(folder: Path, cache: bool) -> bool:
    cmd = [sys.executable, "-X", "importtime", *KERASFIX[1:], "check", "--isolated",
           "--output-format", "concise", str(folder), *(["--no-cache"] if cache else [])]
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True)
    modules = [line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines()
               if line.startswith("import time:") and "|" in line]
    modules = [m for m in modules if m and m != "imported package"]  # drop the header
    bad = sorted({m for m in modules if m.split(".")[0] in FORBIDDEN})
    print(f"\n== imports: python -X importtime -m kerasfix check {folder}")
    print(f"{len(modules)} modules imported (exit {proc.returncode})")
    if bad:
        print(f"FAIL: kerasfix imported {', '.join(bad[:10])}")
    else:
        print("OK: no tensorflow/keras/tf_keras module was imported")
    return not bad and len(modules) > 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixit-timeout", type=float, default=300)
    args = parser.parse_args()
    trees = [(name, package_dir(name)) for name in ("keras", "tensorflow")]
    missing = [name for name, folder in trees if folder is None]
    if missing:
        sys.exit(f"not installed: {', '.join(missing)}")
    cache = supports_cache()
    ruff, fixit = find_ruff(), find_fixit()
    print(f"{os.cpu_count()} CPUs; kerasfix cache options: {'yes' if cache else 'no'}; "
          f"ruff: {ruff or 'missing'}; fixit: {fixit or 'missing'}")
    for name, folder in trees:
        bench_tree(name, folder, cache, ruff, fixit, args.fixit_timeout)
    ok = import_check(trees[0][1], cache)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
