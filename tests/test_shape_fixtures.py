"""The static shape checker against the fixture corpus (fixtures/shapes): on every file it must
report exactly the marks, and nothing on ok_ files. Whether the marks are true is proven
separately, in real Keras 3, by tests/test_shape_fixtures_keras.py; this test imports no Keras.

    # expect: KF501                  the checker reports KF501 on this line
    # expect: KF501 channels_last    ... and its message says the failure depends on the
                                     default channels_last data format
    # expect: KF503, KF501 channels_last   both, on one line

Keras 1 fixtures (`*_keras1_*`) are checked as written, not migrated first.
"""

from __future__ import annotations

import ast

import pytest

from tests.shape_corpus import (
    FAILURE_CODES,
    SHAPES_DIR,
    WARNING_CODES,
    load,
    shape_fixtures,
)

FIXTURES = shape_fixtures()
SHAPE_PREFIX = "KF5"


def check(source: str):
    from kerasfix.shapes.api import check_source  # the checker's entry point

    return check_source(source)


def _describe(findings) -> str:
    return "\n  ".join(f"line {f.span.line}: {f.code} {f.message}" for f in findings) or "(none)"


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.id for f in FIXTURES])
def test_checker_reports_exactly_the_marks(fixture):
    source = fixture.path.read_text(encoding="utf-8")
    findings = [f for f in check(source) if f.code.startswith(SHAPE_PREFIX)]
    reported = {(f.span.line, f.code) for f in findings}
    expected = {(m.line, m.code) for m in fixture.marks}

    missing = [m for m in fixture.marks if (m.line, m.code) not in reported]
    unexpected = [f for f in findings if (f.span.line, f.code) not in expected]
    assert not missing and not unexpected, (
        f"{fixture.id}:\n missing: {[str(m) for m in missing]}\n unexpected:\n  "
        f"{_describe(unexpected)}\n all shape findings:\n  {_describe(findings)}")

    for mark in fixture.marks:
        if mark.data_format == "channels_last":
            messages = [f.message for f in findings if (f.span.line, f.code) ==
                        (mark.line, mark.code)]
            assert any("channels_last" in m for m in messages), (
                f"{fixture.id} {mark}: fails only under the default channels_last data "
                f"format, and the message should say so: {messages}")


# The corpus itself (no checker, no Keras): names, marks and their conventions.


def test_corpus_is_large_enough():
    broken = [f for f in FIXTURES if f.kind == "broken"]
    ok = [f for f in FIXTURES if f.kind == "ok"]
    assert len(broken) >= 32 and len(ok) >= 16
    assert any(f.keras1 for f in broken) and any(f.keras1 for f in ok)
    assert {m.code for f in broken for m in f.marks} == FAILURE_CODES | WARNING_CODES


def test_every_python_file_is_a_fixture():
    for path in SHAPES_DIR.iterdir():
        assert path.suffix == ".py", f"stray file in fixtures/shapes: {path.name}"
        load(path)  # raises on a bad name or a malformed mark


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.id for f in FIXTURES])
def test_fixture_marks_follow_the_conventions(fixture):
    source = fixture.path.read_text(encoding="utf-8")
    ast.parse(source)  # Keras 1 fixtures too: Python 3 text, Keras 1 API
    if fixture.kind == "ok":
        assert not fixture.marks, f"{fixture.id}: ok_ fixtures carry no marks"
        return
    assert fixture.failure_marks, f"{fixture.id}: marks no failing layer"
    formats = {m.data_format for m in fixture.failure_marks}
    assert len(formats) == 1, f"{fixture.id}: mixes channels_last-only and other failures"
    assert fixture.formats == ("channels_last",), "fixture-formats is for ok_ fixtures"
    keras1_words = ("border_mode", "dim_ordering", "subsample", "Convolution2D",
                    "Convolution3D", "output_dim", "keras.layers.core")
    assert fixture.keras1 == any(w in source for w in keras1_words), (
        f"{fixture.id}: Keras 1 fixtures are named *_keras1_* and use Keras 1 APIs; "
        f"others do not")
