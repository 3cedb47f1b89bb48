"""One line per legacy program of fixtures/programs: does it run under Keras 3 after
`kerasfix fix --unsafe-fixes`?

    python scripts/programs_status.py [-v] [PROGRAM ...]

Verdicts: "runs after fix", "announced failure at line N (KFxxx)" or "UNANNOUNCED failure: ...";
tests/test_programs.py accepts an announced failure only for the programs in its ANNOUNCED.
The original's own failure and a non-idempotent fix are reported too. -v adds the traceback of
each failure. Exit code 1 when tests/test_programs.py would fail on a program's run.
Needs the test dependencies (tensorflow-cpu); the programs run in subprocesses.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.programs_runner import PROGRAMS_DIR, collect, program_files  # noqa: E402
from tests.test_programs import ANNOUNCED  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("programs", nargs="*", help="file names in fixtures/programs")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    programs = [PROGRAMS_DIR / Path(p).name for p in args.programs] or program_files()

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kerasfix_status_") as tmp:
        outcomes = collect(Path(tmp), programs)
    bad = 0
    width = max(len(name) for name in outcomes)
    for name, outcome in outcomes.items():
        fixed = outcome.fixed
        if fixed["ok"]:
            verdict = "runs after fix"
        elif codes := outcome.announced():
            verdict = f"announced failure at line {fixed['line']} ({', '.join(codes)})"
            if name not in ANNOUNCED:
                verdict += " [not in ANNOUNCED: the test fails]"
                bad += 1
        else:
            verdict = f"UNANNOUNCED failure: {outcome.describe_failure(fixed)}"
            bad += 1
        notes = []
        if outcome.original["ok"]:
            notes.append("ORIGINAL RUNS UNDER KERAS 3")
            bad += 1
        if outcome.refixed_text != outcome.fixed_text:
            notes.append("SECOND FIX CHANGES IT")
        print(f"{name:<{width}}  {verdict}" + "".join(f"  [{n}]" for n in notes))
        if args.verbose and not fixed["ok"]:
            print("    " + fixed.get("traceback", "").rstrip().replace("\n", "\n    "))
    print(f"{len(outcomes)} programs, {sum(o.fixed['ok'] for o in outcomes.values())} run "
          f"after fix, {time.monotonic() - started:.0f} s")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
