"""`--color auto|always|never` styles text/concise output only."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from kerasfix.cli import main

SOURCE = "from keras.layers import Dense\nx = Dense(10, init='uniform')\n"
ESC = "\x1b["


@pytest.fixture
def legacy(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(SOURCE)
    return path


def invoke(*args):
    return CliRunner().invoke(main, ["--color" if a == "COLOR" else a for a in args], color=True)


@pytest.mark.parametrize("command", ["check", "fix"])
@pytest.mark.parametrize("fmt", ["text", "concise"])
def test_always_styles_code_marker_and_path(legacy, command, fmt):
    args = ["--diff"] if command == "fix" else []
    if command == "fix":  # something fix leaves: an unused suppression
        legacy.write_text(SOURCE + "y = 1  # kerasfix: ignore[KF112]\n")
    result = invoke(command, "--isolated", *args, "--output-format", fmt, "COLOR", "always",
                    str(legacy))
    assert result.exit_code == 1
    out = result.stdout
    assert f"{ESC}1m{legacy}:{3 if command == 'fix' else 2}:" in out  # path bold
    if command == "check":
        assert f"{ESC}31m{ESC}1mKF101{ESC}0m" in out  # an error: bold red
        assert f"{ESC}36m[*]{ESC}0m" in out  # fixable marker: cyan
    else:
        assert f"{ESC}33m{ESC}1mKF901{ESC}0m" in out  # a warning: bold yellow
    plain = invoke(command, "--isolated", *args, "--output-format", fmt, "COLOR", "never",
                   str(legacy)).stdout
    assert ESC not in plain
    # colour adds escapes and nothing else
    assert re.sub(r"\x1b\[[0-9;]*m", "", out) == plain


def test_warnings_are_yellow(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(SOURCE.replace("\n", "  # kerasfix: ignore[KF112]\n", 1))
    out = invoke("check", "--isolated", "COLOR", "always", str(path)).stdout
    assert f"{ESC}33m{ESC}1mKF901{ESC}0m" in out


@pytest.mark.parametrize("fmt", ["json", "jsonl", "sarif", "github", "gitlab", "junit",
                                 "grouped"])
def test_machine_formats_are_never_coloured(legacy, fmt):
    result = invoke("check", "--isolated", "--output-format", fmt, "COLOR", "always", str(legacy))
    assert ESC not in result.stdout


def test_auto_is_plain_when_stdout_is_not_a_terminal(legacy, tmp_path):
    assert ESC not in invoke("check", "--isolated", str(legacy)).stdout
    out = tmp_path / "out.txt"
    invoke("check", "--isolated", "COLOR", "always", "-o", str(out), str(legacy))
    assert ESC not in out.read_text()
