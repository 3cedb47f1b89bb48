"""Whole legacy programs (fixtures/programs) must run under real Keras 3 after `kerasfix fix`.

Data protocol (also in fixtures/programs/README.md): a program gets all its data from its
module-level `load_data()` and runs everything else from `def main():`, called under
`if __name__ == '__main__': main()`. The runner (tests/programs_runner.py) execs the program text
with another `__name__`, replaces `load_data` with the synthetic loader of the same file name in
tests/programs_data.py (small random arrays with the real shapes and dtypes), and calls `main()`
in a fresh working directory with Keras' global state reset.

Per program:
- (c) the original fails under Keras 3 (a kerasfix that did nothing would not pass (a));
- (a/b) after `kerasfix fix --unsafe-fixes`, the program runs to the end. Only the programs in
  ANNOUNCED may still fail, and then only at a statement that kerasfix still reports with a code
  starting with the given prefix (a finding on that statement, or a `# TODO(kerasfix): KFxxx`
  comment directly above it). A program in ANNOUNCED that runs must leave ANNOUNCED;
- (d) a second `kerasfix fix` on the fixed program changes nothing.

All originals run in one subprocess and all fixed programs in another (TensorFlow is imported
once per subprocess), side by side, once per test session. CI installs tensorflow-cpu (the `test`
extra): a missing Keras is a failure, never a skip.
"""

from __future__ import annotations

import re

import pytest

from tests.programs_data import LOADERS
from tests.programs_runner import (
    Outcome,
    announced_codes,
    collect,
    program_files,
    statement_span,
)

pytestmark = pytest.mark.oracle

PROGRAMS = program_files()
NAMES = [p.name for p in PROGRAMS]

# Programs allowed to fail after `kerasfix fix`, with the code prefix kerasfix must report on the
# failing statement. Everything else must run.
ANNOUNCED = {
    # `Merge([seq_a, seq_b])` in a Sequential needs the functional API (K1M19/K1G11).
    "k1_merge_sequential.py": "KF251",
    # A TensorFlow checkpoint in `./checkpoints/`: Keras 3 needs `.weights.h5` and creates no
    # folder, so the path is reported (KF361), not rewritten.
    "tfk_save_load.py": "KF361",
}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, Outcome]:
    return collect(tmp_path_factory.mktemp("programs"))


def test_protocol_every_program_has_a_loader_and_a_main():
    assert len(PROGRAMS) >= 16
    assert sorted(LOADERS) == NAMES, "one synthetic loader per program, named after the file"
    assert set(ANNOUNCED) <= set(NAMES), "ANNOUNCED names a program that does not exist"
    for path in PROGRAMS:
        text = path.read_text(encoding="utf-8")
        assert re.search(r"^def load_data\(\):", text, re.M), f"{path.name}: no load_data()"
        assert re.search(r"^def main\(\):", text, re.M), f"{path.name}: no main()"
        assert text.rstrip().endswith("if __name__ == '__main__':\n    main()"), path.name
        assert 40 <= len(text.splitlines()) <= 130, f"{path.name}: not a realistic program size"


@pytest.mark.parametrize("name", NAMES)
def test_original_fails_under_keras3(name, outcomes):
    original = outcomes[name].original
    assert not original["ok"], (
        f"{name} runs under Keras 3 as it is: it does not exercise a migration")
    assert original["type"] not in ("RunnerCrashed", "ProgramTimeout"), original["message"]


@pytest.mark.parametrize("name", NAMES)
def test_fixed_program_runs_or_fails_where_announced(name, outcomes):
    outcome = outcomes[name]
    fixed = outcome.fixed
    if name not in ANNOUNCED:
        assert fixed["ok"], (
            f"{name} fails under Keras 3 after `kerasfix fix --unsafe-fixes`: "
            f"{outcome.describe_failure(fixed)}; kerasfix reports there: "
            f"{outcome.announced() or 'nothing'}")
        return
    prefix = ANNOUNCED[name]
    assert not fixed["ok"], f"{name} now runs after `kerasfix fix`: remove it from ANNOUNCED"
    codes = outcome.announced()
    assert any(code.startswith(prefix) for code in codes), (
        f"{name} fails after `kerasfix fix` at a statement kerasfix does not announce with "
        f"{prefix}...: {outcome.describe_failure(fixed)}; kerasfix reports there: "
        f"{codes or 'nothing'}")


@pytest.mark.parametrize("name", NAMES)
def test_second_fix_changes_nothing(name, outcomes):
    outcome = outcomes[name]
    assert outcome.refixed_text == outcome.fixed_text, f"a second `kerasfix fix` changed {name}"


# The harness's own logic, on small texts.

SOURCE = """\
import keras


def main():
    model = keras.Sequential()
    # a comment
    # TODO(kerasfix): KF777 do this by hand
    model.fit(x, y,
              nb_epoch=3)
    for i in range(
            3):
        print(i)
"""


def test_statement_span_is_the_innermost_statement():
    assert statement_span(SOURCE, 9) == (8, 9)  # the second line of a call
    assert statement_span(SOURCE, 5) == (5, 5)
    assert statement_span(SOURCE, 11) == (10, 11)  # a `for` header, not its body
    assert statement_span(SOURCE, 12) == (12, 12)
    assert statement_span("print 'x'\n", 1) == (1, 1)  # not Python 3: the line itself


def test_announced_codes_come_from_findings_and_todo_comments():
    finding = {"code": "KF201", "line": 9, "end_line": 9}
    assert announced_codes(SOURCE, 8, [finding]) == ["KF201", "KF777"]
    assert announced_codes(SOURCE, 9, []) == ["KF777"]
    assert announced_codes(SOURCE, 12, [finding]) == []
    assert announced_codes(SOURCE, 5, [finding]) == []
    assert announced_codes(SOURCE, None, [finding]) == []
