"""--stdin-filename: check prints findings for NAME; fix prints the fixed source to stdout
and what remains to stderr; nothing is written to disk."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kerasfix.cli import main

LEGACY = 'from keras.layers import Dense\nlayer = Dense(10, init="uniform")\n'
FIXED = 'from keras.layers import Dense\nlayer = Dense(10, kernel_initializer="uniform")\n'
MANUAL = "from keras.layers import MaxoutDense\nm = MaxoutDense(3)\n"


@pytest.fixture(autouse=True)
def here(tmp_path, monkeypatch):
    monkeypatch.delenv("KERASFIX_NO_CACHE", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(args, stdin):
    result = CliRunner().invoke(main, args, input=stdin,
                                                catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_check_reports_findings_for_the_name(here):
    code, out, _ = run(["check", "--stdin-filename", "pkg/model.py"], LEGACY)
    assert code == 1
    assert out.startswith("pkg/model.py:2:9: KF101")
    assert '2 | layer = Dense(10, init="uniform")' in out  # the frame shows stdin's text
    assert list(here.iterdir()) == []  # no file, no cache


def test_check_ignores_a_file_on_disk_with_the_same_name(here):
    (here / "model.py").write_text("print('unrelated')\n")
    code, out, _ = run(["check", "--stdin-filename", "model.py", "--output-format", "json"],
                       LEGACY)
    assert code == 1
    assert [f["code"] for f in json.loads(out)] == ["KF101"]


def test_check_clean_source(here):
    code, out, _ = run(["check", "--stdin-filename", "x.py"], "import os\n")
    assert code == 0
    assert "All checks passed (1 file)." in out


def test_fix_prints_the_fixed_source_and_writes_nothing(here):
    (here / "model.py").write_text(LEGACY)
    code, out, err = run(["fix", "--stdin-filename", "model.py"], LEGACY)
    assert code == 0
    assert out == FIXED
    assert "All checks passed" in err
    assert (here / "model.py").read_text() == LEGACY


def test_fix_remaining_findings_go_to_stderr(here):
    code, out, err = run(["fix", "--stdin-filename", "m.py", "--output-format", "concise"],
                         LEGACY + MANUAL)
    assert out.startswith(FIXED)
    assert code == 1
    assert "m.py:" in err and "KF" in err
    assert "kernel_initializer" not in err


def test_fix_unchanged_source_is_echoed(here):
    code, out, _ = run(["fix", "--stdin-filename", "x.py"], "import os\nprint(1)\n")
    assert (code, out) == (0, "import os\nprint(1)\n")


def test_fix_keeps_bytes_exactly(here):
    source = LEGACY.replace("\n", "\r\n")
    result = CliRunner().invoke(main, ["fix", "--stdin-filename", "w.py"],
                                                input=source.encode())
    assert result.stdout_bytes == FIXED.replace("\n", "\r\n").encode()


def test_fix_diff_prints_a_diff(here):
    code, out, _ = run(["fix", "--diff", "--stdin-filename", "m.py"], LEGACY)
    assert code == 1
    assert '+layer = Dense(10, kernel_initializer="uniform")' in out


def test_not_analysed_is_exit_3(here):
    code, out, _ = run(["check", "--stdin-filename", "b.py"], b'import keras\nx = "\xff"\n')
    assert code == 3
    result = CliRunner().invoke(main, ["fix", "--stdin-filename", "b.py"],
                                input=b'import keras\nx = "\xff"\n')
    assert result.exit_code == 3
    assert result.stdout_bytes == b'import keras\nx = "\xff"\n'  # echoed unchanged


def test_notebook_name(here):
    nb = json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "outputs": [],
                                "execution_count": None, "source": LEGACY}],
                     "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    code, out, _ = run(["check", "--stdin-filename", "n.ipynb"], nb)
    assert code == 1
    assert "n.ipynb:cell 1" in out or "n.ipynb" in out
    assert 'Dense(10, init="uniform")' in out


def test_paths_are_a_usage_error(here):
    code, _, err = run(["check", "--stdin-filename", "x.py", "other.py"], LEGACY)
    assert code == 2
    assert "--stdin-filename" in err
