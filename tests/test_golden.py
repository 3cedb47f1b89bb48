"""Golden files: `kerasfix fix` on each fixtures/legacy/X.py gives X.expected.py byte for byte.

Each case also checks that the fixed file parses, and that fix is idempotent: a second `fix`
changes nothing and `check` offers no further fix (black's assert_stable, ruff's convergence
check). `pytest --update-goldens` rewrites the expected files instead; read the diff before
committing it.
"""

from __future__ import annotations

import ast
import difflib
import json
import shutil

import pytest
from click.testing import CliRunner

from kerasfix.cli import main
from tests.corpus import expected_of, flags_of, ids, legacy_scripts

SCRIPTS = legacy_scripts()


def _kerasfix(*args) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1), f"exit {result.exit_code}: {result.output}"
    return result.exit_code, result.output


def _offered_fixes(path, flags) -> list[dict]:
    """Findings `fix` with these flags would still apply."""
    _, out = _kerasfix("check", *flags, "--output-format", "json", path)
    allowed = {"safe", "unsafe"} if "--unsafe-fixes" in flags else {"safe"}
    return [f for f in json.loads(out) if f["fix"] and f["fix"]["applicability"] in allowed]


def test_corpus_is_complete(update_goldens):
    assert len(SCRIPTS) >= 6
    if update_goldens:
        return  # the goldens are being written by this very run
    missing = [s.name for s in SCRIPTS if not expected_of(s).exists()]
    assert not missing, f"no golden for {missing}: run `pytest --update-goldens` and review"


@pytest.mark.parametrize("script", SCRIPTS, ids=ids(SCRIPTS))
def test_golden(script, tmp_path, update_goldens):
    flags = flags_of(script)
    work = tmp_path / script.name
    shutil.copyfile(script, work)

    _kerasfix("fix", *flags, work)
    fixed = work.read_bytes()
    ast.parse(fixed)
    assert fixed != script.read_bytes(), "kerasfix changed nothing in a legacy script"

    golden = expected_of(script)
    if update_goldens:
        golden.write_bytes(fixed)
    else:
        assert golden.exists(), f"{golden.name} is missing: run `pytest --update-goldens`"
        want = golden.read_bytes()
        assert fixed == want, "kerasfix output differs from the golden file:\n" + "".join(
            difflib.unified_diff(want.decode().splitlines(True), fixed.decode().splitlines(True),
                                 golden.name, "kerasfix fix"))

    _kerasfix("fix", *flags, work)
    assert work.read_bytes() == fixed, "a second `kerasfix fix` changed the file again"
    assert _offered_fixes(work, flags) == [], "the fixed file still offers fixes"


@pytest.mark.parametrize("script", SCRIPTS, ids=ids(SCRIPTS))
def test_check_reports_every_legacy_script(script):
    """`kerasfix check fixtures/legacy` (the README's first command) has something to say
    about each script, and never changes it."""
    before = script.read_bytes()
    code, out = _kerasfix("check", *flags_of(script), "--output-format", "concise", script)
    assert code == 1 and f"{script}:" in out
    assert script.read_bytes() == before
