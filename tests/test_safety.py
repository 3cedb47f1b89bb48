"""Never lose a byte: encodings, line endings, symlinks, modes, bad input, broken fixes."""

from __future__ import annotations

import os
import stat

import libcst as cst
import pytest
from click.testing import CliRunner

from kerasfix.cli import main
from kerasfix.files import FileChanged, write_atomic

CALL = b"Convolution2D(8, 3, 3, border_mode='same')"
FIXED = b"Conv2D(8, (3, 3), padding='same')"


def fix(*paths, extra=()):
    return CliRunner().invoke(main, ["fix", *extra, *[str(p) for p in paths]])


@pytest.mark.parametrize("before, after", [
    (b"\xef\xbb\xbffrom keras.layers import Convolution2D\n" + CALL + b"\n",
     b"\xef\xbb\xbffrom keras.layers import Conv2D\n" + FIXED + b"\n"),
    (b"from keras.layers import Convolution2D\r\n\r\nx = 1  # note\r\n" + CALL + b"\r\n",
     b"from keras.layers import Conv2D\r\n\r\nx = 1  # note\r\n" + FIXED + b"\r\n"),
    (b"# -*- coding: latin-1 -*-\nfrom keras.layers import Convolution2D\ns = 'caf\xe9'\n" + CALL,
     b"# -*- coding: latin-1 -*-\nfrom keras.layers import Conv2D\ns = 'caf\xe9'\n" + FIXED),
    (b"from keras.layers import Convolution2D\nx = 1\r\ny = [\n\t1,\n]\n" + CALL + b"  # keep\n",
     b"from keras.layers import Conv2D\nx = 1\r\ny = [\n\t1,\n]\n" + FIXED + b"  # keep\n"),
])
def test_only_the_edited_bytes_change(tmp_path, before, after):
    path = tmp_path / "m.py"
    path.write_bytes(before)
    assert fix(path).exit_code == 0
    assert path.read_bytes() == after
    assert fix(path).exit_code == 0 and path.read_bytes() == after  # idempotent


def test_writes_through_symlinks_and_keeps_mode(tmp_path):
    real = tmp_path / "real.py"
    real.write_bytes(b"from keras.layers import Convolution2D\n" + CALL + b"\n")
    real.chmod(0o751)
    link = tmp_path / "link.py"
    link.symlink_to(real)
    assert fix(link).exit_code == 0
    assert link.is_symlink()
    assert FIXED in real.read_bytes()
    assert stat.S_IMODE(real.stat().st_mode) == 0o751
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".kerasfix-")]


def test_bad_input_is_named_and_the_run_goes_on(tmp_path):
    (tmp_path / "a_bad.py").write_bytes(b"import keras\ns = '\xff'\n")
    (tmp_path / "b_py2.py").write_bytes(b"from keras.layers import Dense\n\nx = = 1\n")
    good = tmp_path / "c_good.py"
    good.write_bytes(b"from keras.layers import Convolution2D\n" + CALL + b"\n")
    result = fix(tmp_path)
    assert result.exit_code == 3
    assert "a_bad.py:2:1: KF000 cannot decode as utf-8: byte 0xff" in result.output
    assert "b_py2.py:3:" in result.output
    assert (tmp_path / "a_bad.py").read_bytes() == b"import keras\ns = '\xff'\n"
    assert FIXED in good.read_bytes()


def test_read_only_file_is_reported_not_written(tmp_path):
    path = tmp_path / "ro.py"
    original = b"from keras.layers import Convolution2D\n" + CALL + b"\n"
    path.write_bytes(original)
    path.chmod(0o444)
    result = fix(path)
    assert result.exit_code == 3 and "read-only" in result.output
    assert path.read_bytes() == original


def test_a_file_that_changed_since_it_was_read_is_not_overwritten(tmp_path):
    path = tmp_path / "m.py"
    path.write_bytes(b"changed by someone else\n")
    with pytest.raises(FileChanged):
        write_atomic(str(path), b"new\n", expected=b"what kerasfix read\n")
    assert path.read_bytes() == b"changed by someone else\n"


def test_a_fix_that_does_not_parse_is_never_written(tmp_path, monkeypatch):
    broken = cst.Module(body=[cst.SimpleStatementLine([cst.Expr(cst.Name("def"))])])
    monkeypatch.setattr("kerasfix.migrate.apply.follow_imports", lambda module, renames: broken)
    path = tmp_path / "m.py"
    original = b"from keras.layers import Convolution2D\n" + CALL + b"\n"
    path.write_bytes(original)
    result = fix(path, extra=["-j", "1"])
    assert result.exit_code == 2
    assert path.read_bytes() == original


def test_parallel_run_matches_serial(tmp_path):
    for i in range(12):
        (tmp_path / f"m{i}.py").write_bytes(b"from keras.layers import Convolution2D\n" + CALL + b"\n")
    serial = CliRunner().invoke(main, ["check", "-j", "1", str(tmp_path)]).output
    parallel = CliRunner().invoke(main, ["check", "-j", "2", str(tmp_path)]).output
    assert serial == parallel and serial.count("KF112") == 12


def test_files_without_keras_are_not_parsed(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr("kerasfix.migrate.apply.migrate", lambda *a: calls.append(a))
    (tmp_path / "plain.py").write_bytes(b"print 'python 2, nothing to migrate'\n")
    result = CliRunner().invoke(main, ["check", "-j", "1", str(tmp_path)])
    assert result.exit_code == 0 and calls == []


def test_a_keras_file_with_nothing_to_migrate_is_not_parsed(tmp_path, monkeypatch):
    """Speed by design: no rule is about any token of it, so its syntax is not checked."""
    parsed = []
    monkeypatch.setattr("kerasfix.engine.ast.parse", lambda data: parsed.append(data))
    (tmp_path / "m.py").write_bytes(b"import keras\nprint 'python 2'\n")
    result = CliRunner().invoke(main, ["check", "-j", "1", str(tmp_path)])
    assert result.exit_code == 0 and parsed == []
