"""The no-op corpus: idiomatic Keras 3 programs in fixtures/modern get no finding from
`kerasfix check` and stay byte-identical under `kerasfix fix --unsafe-fixes` (pyupgrade's
`_noop` cases, at the scale of whole programs)."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from kerasfix.cli import main
from tests.corpus import ids, modern_programs

PROGRAMS = modern_programs()


def _kerasfix(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_corpus_is_large_enough():
    assert len(PROGRAMS) >= 6


@pytest.mark.parametrize("program", PROGRAMS, ids=ids(PROGRAMS))
def test_check_finds_nothing(program):
    result = _kerasfix("check", "--output-format", "json", program)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "[]"


@pytest.mark.parametrize("program", PROGRAMS, ids=ids(PROGRAMS))
def test_unsafe_fix_changes_nothing(program, tmp_path):
    work = tmp_path / program.name
    shutil.copyfile(program, work)
    result = _kerasfix("fix", "--unsafe-fixes", work)
    assert result.exit_code == 0, result.output
    assert work.read_bytes() == program.read_bytes()
