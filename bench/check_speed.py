"""Time `kerasfix check` against `ruff check` on the same folder, and `kerasfix --version`.

Usage: python bench/check_speed.py [FOLDER]   (default: the installed Keras 3 sources)
Needs ruff (`pip install ruff`) for the comparison. Prints wall times (best of N runs).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 3


def best_of(cmd: list[str], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


def keras_sources() -> Path:
    spec = importlib.util.find_spec("keras")  # finds the folder without importing Keras
    if spec is None or not spec.submodule_search_locations:
        sys.exit("keras is not installed: pip install -e '.[test]'")
    return Path(list(spec.submodule_search_locations)[0])


def count_lines(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*.py")]
    return len(files), sum(p.read_bytes().count(b"\n") for p in files)


def legacy_file(lines: int) -> Path:
    """A legacy script of about `lines` lines, built from the bundled demo scripts."""
    demo = sorted((Path(__file__).parent.parent / "fixtures" / "legacy").glob("*.py"))
    text = "".join(p.read_text() for p in demo if not p.name.endswith(".expected.py"))
    out = Path(tempfile.mkdtemp()) / "big_legacy.py"
    out.write_text(text * max(1, lines // max(1, text.count("\n"))))
    return out


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else keras_sources()
    kerasfix = [sys.executable, "-m", "kerasfix"]
    files, lines = count_lines(folder)
    print(f"folder: {folder} ({files} files, {lines} lines), {os.cpu_count()} CPUs")
    print(f"kerasfix --version: {best_of(kerasfix + ['--version'], 5):.3f} s")
    t = best_of(kerasfix + ["check", str(folder), "--output-format", "concise"])
    print(f"kerasfix check (default jobs): {t:.2f} s  ({lines / t:,.0f} lines/s)")
    t = best_of(kerasfix + ["check", str(folder), "--output-format", "concise", "--ignore", "KF5"])
    print(f"kerasfix check --ignore KF5 (no shape checking): {t:.2f} s")
    beside = Path(sys.executable).parent / "ruff"
    ruff = shutil.which("ruff") or (str(beside) if beside.exists() else None)
    if ruff:
        r = best_of([ruff, "check", "--no-cache", "--isolated", "--quiet", str(folder)])
        print(f"ruff check --no-cache --isolated (default rules): {r:.2f} s")
    else:
        print("ruff not installed: pip install ruff for the comparison")
    big = legacy_file(5000)
    n = big.read_text().count("\n")
    t = best_of(kerasfix + ["check", str(big), "--output-format", "concise"])
    print(f"kerasfix check on one {n}-line legacy script (every line Keras 1): {t:.2f} s")


if __name__ == "__main__":
    main()
