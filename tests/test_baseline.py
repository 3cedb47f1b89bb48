"""`kerasfix check --add-suppressions[=REASON]`: baseline a legacy repository."""

from __future__ import annotations

import ast

import pytest
from click.testing import CliRunner

from kerasfix.baseline import suppress_source
from kerasfix.cli import main
from kerasfix.engine import Settings, run_source


def findings(source: str | bytes):
    data = source.encode() if isinstance(source, str) else source
    return run_source(data, Settings()).findings

HEAD = "from keras.layers import Dense, Convolution2D\n"


def check(*args):
    return CliRunner().invoke(main, ["check", "--isolated", *map(str, args)])


def baseline(source: str, reason: str = "") -> str:
    found = findings(source)
    assert found, "the case must have findings"
    new, _, unplaced = suppress_source(source.encode(), found, reason)
    assert unplaced == []
    text = new.decode()
    assert ast.dump(ast.parse(text)) == ast.dump(ast.parse(source))
    assert findings(text) == [], text  # the next check reports nothing
    return text


@pytest.mark.parametrize("source, expected", [
    # trailing, on the finding's last line; all codes of one line in one comment
    ("x = Dense(10, init='u')\n",
     "x = Dense(10, init='u')  # kerasfix: ignore[KF101] R\n"),
    ("x = Dense(10, init='u'); y = Convolution2D(8, 3, 3)\n",
     "x = Dense(10, init='u'); y = Convolution2D(8, 3, 3)  # kerasfix: ignore[KF101, KF112] R\n"),
    ("x = f(Dense(10,\n      init='u'),\n      3)\n",
     "x = f(Dense(10,\n      init='u'),  # kerasfix: ignore[KF101] R\n      3)\n"),
    # an existing ignore comment is extended, its own reason kept
    ("x = Dense(10, init='u'); y = Convolution2D(8, 3, 3)  # kerasfix: ignore[KF112] old\n",
     ("x = Dense(10, init='u'); y = Convolution2D(8, 3, 3)"
      "  # kerasfix: ignore[KF112, KF101] old\n")),
    # another comment on the line: own line above, same indentation
    ("if x:\n    y = Dense(10, init='u')  # type: ignore\n",
     "if x:\n    # kerasfix: ignore[KF101] R\n    y = Dense(10, init='u')  # type: ignore\n"),
    # last line inside a backslash continuation
    ("if x:\n    y = [Dense(10, init='u'), \\\n      1]\n",
     "if x:\n    # kerasfix: ignore[KF101] R\n    y = [Dense(10, init='u'), \\\n      1]\n"),
    # ends inside a multi-line string, and another comment after it
    ("y = Dense(10, init='u', name='''a\nb''')  # note\n",
     "# kerasfix: ignore[KF101] R\ny = Dense(10, init='u', name='''a\nb''')  # note\n"),
])
def test_placement(source, expected):
    assert baseline(HEAD + source, "R") == HEAD + expected


def test_own_line_ignore_above_is_extended():
    line = "y = Dense(10, init='u'); z = Convolution2D(8, 3, 3)  # note\n"
    source = HEAD + "# kerasfix: ignore[KF112]\n" + line
    assert baseline(source) == HEAD + "# kerasfix: ignore[KF112, KF101]\n" + line


def test_cli_baselines_and_the_next_check_is_clean(tmp_path):
    (tmp_path / "a.py").write_text(HEAD + "x = Dense(10, init='u')\n"
                                   "y = Convolution2D(8, 3, 3,\n"
                                   "    border_mode='same')  # old\n")
    (tmp_path / "b.py").write_bytes((HEAD + "x = Dense(10, init='u')\n").replace("\n", "\r\n")
                                    .encode())
    (tmp_path / "clean.py").write_text("import os\n")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert check(tmp_path).exit_code == 1
    result = check("--add-suppressions=legacy code", tmp_path)
    assert result.exit_code == 0, result.output
    assert "Added 3 suppression comments for 3 findings in 2 files." in result.output
    assert (tmp_path / "clean.py").read_bytes() == before["clean.py"]
    b = (tmp_path / "b.py").read_bytes()
    comment = b"  # kerasfix: ignore[KF101] legacy code"
    assert b == before["b.py"].replace(b"u')\r\n", b"u')" + comment + b"\r\n")
    a = (tmp_path / "a.py").read_text()
    # the last line has a comment already: the first line of the call takes it
    assert "y = Convolution2D(8, 3, 3,  # kerasfix: ignore[KF112] legacy code\n" in a
    again = check(tmp_path)
    assert again.exit_code == 0 and "All checks passed (3 files)." in again.output
    # Idempotent: nothing left to add.
    assert "Added 0 suppression comments" in check("--add-suppressions", tmp_path).output
    assert (tmp_path / "a.py").read_text() == a


def test_flag_without_value_does_not_take_the_path_as_reason(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(HEAD + "x = Dense(10, init='u')\n")
    result = check("--add-suppressions", path)
    assert result.exit_code == 0, result.output
    assert path.read_text().endswith("  # kerasfix: ignore[KF101]\n")


def test_unparsable_files_are_reported_and_give_exit_3(tmp_path):
    (tmp_path / "bad.py").write_text(HEAD + "x = = 1\n")
    (tmp_path / "ok.py").write_text(HEAD + "x = Dense(10, init='u')\n")
    bad = (tmp_path / "bad.py").read_bytes()
    result = check("--add-suppressions", tmp_path)
    assert result.exit_code == 3
    assert "bad.py: cannot parse" in result.output
    assert (tmp_path / "bad.py").read_bytes() == bad
    assert "ignore[KF101]" in (tmp_path / "ok.py").read_text()


def test_a_file_that_cannot_be_written_is_reported(tmp_path):
    path = tmp_path / "ro.py"
    path.write_text(HEAD + "x = Dense(10, init='u')\n")
    path.chmod(0o444)
    try:
        result = check("--add-suppressions", path)
    finally:
        path.chmod(0o644)
    assert result.exit_code == 3
    assert "ro.py: not written" in result.output
    assert "ignore" not in path.read_text()


def test_unused_suppressions_cannot_be_suppressed_and_are_listed(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(HEAD + "x = 1  # kerasfix: ignore[KF101]\ny = Dense(10, init='u')\n")
    result = check("--add-suppressions", path)
    assert result.exit_code == 0
    assert "1 finding not suppressed" in result.output and "KF901" in result.output
    assert path.read_text().endswith("y = Dense(10, init='u')  # kerasfix: ignore[KF101]\n")


def test_latin1_source_keeps_its_encoding():
    source = "# -*- coding: latin-1 -*-\n" + HEAD + "x = Dense(10, init='u')  # caf\xe9\n"
    data = source.encode("latin-1")
    new, _, _ = suppress_source(data, findings(data), "d\xe9j\xe0")
    assert new.decode("latin-1").splitlines()[2] == "# kerasfix: ignore[KF101] d\xe9j\xe0"
