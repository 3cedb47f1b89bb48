"""Suppression comments: what they cover, and what they never hide."""

from __future__ import annotations

import pytest

from tests.harness import run

LEGACY = "Convolution2D(8, 3, 3, border_mode='same')"
HEAD = "from keras.layers import Convolution2D\n"


def codes(source: str, fix: bool = False) -> list[tuple[int, str]]:
    return [(f.span.line, f.code) for f in run(source, fix=fix).findings]


@pytest.mark.parametrize("comment", [
    "  # kerasfix: ignore[KF112] kept for the Keras 1 CI job",
    "  # kerasfix: ignore[KF1]",
    "  # kerasfix: ignore[keras1-conv2d-call]",
    "  # noqa: E501, KF112",
])
def test_trailing_suppression_hides_the_finding_and_its_fix(comment):
    source = HEAD + LEGACY + comment + "\n"
    result = run(source, fix=True)
    assert result.findings == [] and result.new is None


def test_own_line_suppression_covers_the_next_statement():
    source = HEAD + "# kerasfix: ignore[KF112]\n\n" + LEGACY + "\n" + LEGACY + "\n"
    assert codes(source) == [(5, "KF112")]


def test_disable_enable_range_and_file_ignore():
    source = (HEAD + "# kerasfix: disable[KF1]\n" + LEGACY + "\n# kerasfix: enable[KF1]\n"
              + LEGACY + "\n")
    assert codes(source) == [(5, "KF112")]
    assert codes("# kerasfix: file-ignore[KF112]\n" + HEAD + LEGACY + "\n") == []


def test_bare_noqa_is_not_ours():
    assert codes(HEAD + LEGACY + "  # noqa\n") == [(2, "KF112")]


def test_unused_malformed_and_unknown_suppressions_are_findings():
    source = (HEAD + "x = 1  # kerasfix: ignore[KF112]\n"
              "y = 2  # kerasfix: ignor[KF112]\n"
              "z = 3  # kerasfix: ignore[XYZ]\n"
              "# kerasfix: enable[KF5]\n")
    assert codes(source) == [(2, "KF901"), (3, "KF902"), (4, "KF903"), (5, "KF902")]


def test_a_suppression_for_an_unselected_rule_is_not_called_unused(tmp_path):
    from click.testing import CliRunner

    from kerasfix.cli import main

    path = tmp_path / "m.py"
    path.write_text(HEAD + "x = 1  # kerasfix: ignore[KF5]\n")
    result = CliRunner().invoke(main, ["check", str(path), "--select", "KF1"])
    assert result.exit_code == 0, result.output


def test_shape_findings_can_be_suppressed():
    source = ("import keras\nfrom keras import layers\n"
              "m = keras.Sequential([keras.Input(shape=(2, 2, 1)),\n"
              "    layers.Conv2D(4, 3)])  # kerasfix: ignore[KF502] demo: (2 - 3) + 1 = 0\n")
    assert codes(source) == []
