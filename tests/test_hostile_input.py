"""Hostile input through the real command line (issue 6, part 3).

Each hostile file sits in a folder next to an ordinary Keras 1 file: the run must name the
hostile file (path:line:column and why), go on, still fix the ordinary file, leave the hostile
file byte-identical when it was not analysed, and exit with the code that tells the truth:
0 clean, 1 findings, 3 some file not analysed (README "Exit codes").

Cases that could crash the process (deep nesting) run kerasfix in a subprocess, so that a
crash fails the test instead of ending pytest; cases that need a hook inside kerasfix (a file
that changes while kerasfix runs, an unreadable file when the tests run as root) run it in
this process through click's CliRunner.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kerasfix import runner
from kerasfix.cli import main

CALL = b"Convolution2D(32, 3, 3, border_mode='same')"
FIXED_CALL = b"Conv2D(32, (3, 3), padding='same')"
GOOD = b"from keras.layers import Convolution2D\n" + CALL + b"\n"
GOOD_FIXED = b"from keras.layers import Conv2D\n" + FIXED_CALL + b"\n"
GOOD_FINDING = "good.py:2:1: KF112 [*] `Convolution2D(...)` needs migrating to Keras 3"
IMPORT = b"from keras.layers import Convolution2D\n"


def kerasfix(*args, cwd=None, env=None, timeout=120) -> subprocess.CompletedProcess:
    """The installed command line, in its own process."""
    return subprocess.run([sys.executable, "-m", "kerasfix", *map(str, args)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=timeout)


def in_process(*args) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*map(str, args)])
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def folder_with(tmp_path: Path, name: str, data: bytes) -> tuple[Path, Path, Path]:
    folder = tmp_path / "repo"
    folder.mkdir(exist_ok=True)
    (folder / "good.py").write_bytes(GOOD)
    hostile = folder / name
    hostile.write_bytes(data)
    return folder, folder / "good.py", hostile


# --- files kerasfix cannot analyse: KF000 at the right place, file untouched, exit code 3 ---

NOT_ANALYSED = {
    "binary": ("binary.py", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
               3, 1, "cannot parse: NUL byte (is this a binary file?)"),
    "nul": ("nul.py", IMPORT + b"x = 1\x00\n" + CALL + b"\n",
            2, 6, "cannot parse: NUL byte (is this a binary file?)"),
    "invalid_utf8": ("bad_utf8.py", IMPORT + CALL + b"\ns = '\xff\xfe'\n",
                     3, 1, "cannot decode as utf-8: byte 0xff"),
    "latin1_without_cookie": ("latin1.py", IMPORT + b"s = 'caf\xe9'\n" + CALL + b"\n",
                              2, 1, "cannot decode as utf-8: byte 0xe9"),
    "wrong_cookie": ("cookie.py", b"# -*- coding: klingon -*-\n" + IMPORT + CALL + b"\n",
                     1, 1, "cannot decode: unknown encoding: klingon"),
    "utf16": ("utf16.py", (IMPORT + CALL + b"\n").decode().encode("utf-16"), 1, 1,
              "cannot decode: the file is UTF-16 or UTF-32"),
    "tabs_and_spaces": ("tabs.py", IMPORT + b"if True:\n\tx = 1\n        " + CALL + b"\n",
                        4, 1, "cannot parse: inconsistent use of tabs and spaces"),
    "parens_500_deep": ("parens.py", IMPORT + CALL + b"\nx = " + b"(" * 500 + b"1"
                        + b")" * 500 + b"\n", 3, 1, "cannot parse: too many nested parentheses"),
    "calls_500_deep": ("calls.py", IMPORT + CALL + b"\nx = " + b"f(" * 500 + b"1"
                       + b")" * 500 + b"\n", 3, 1, "cannot parse: too many nested parentheses"),
    "chain_5000_long": ("chain.py", IMPORT + CALL + b"\nx = " + b" + ".join([b"a"] * 5000)
                        + b"\n", 3, 1, "cannot parse: the code is nested too deeply for "
                        "Python's parser (RecursionError)"),
    "not_10000_deep": ("nots.py", IMPORT + CALL + b"\nx = " + b"not " * 10000 + b"a\n",
                       3, 1, "cannot parse: the code is nested too deeply for Python's "
                       "parser (MemoryError)"),
    "notebook_invalid_json": ("broken.ipynb", b'{\n "cells": [\n  {"cell_type": "code",, }\n',
                              3, 1, "invalid notebook JSON: Expecting property name enclosed "
                              "in double quotes: line 3 column 24"),
    "notebook_empty": ("empty.ipynb", b"", 1, 1,
                       "invalid notebook JSON: Expecting value: line 1 column 1"),
}


@pytest.fixture(scope="module")
def not_analysed_run(tmp_path_factory) -> tuple:
    """One folder per case, each with an ordinary file too, all in one run of `check` and
    one of `fix` (one run each keeps the tests quick, and shows that no hostile file stops
    the run for the others)."""
    root = tmp_path_factory.mktemp("hostile") / "repo"
    for case, (name, data, *_) in NOT_ANALYSED.items():
        (root / case).mkdir(parents=True)
        (root / case / "good.py").write_bytes(GOOD)
        (root / case / name).write_bytes(data)
    checked = kerasfix("check", "--output-format", "concise", root)
    fixed = kerasfix("fix", "--output-format", "concise", root)
    return root, checked, fixed


def test_not_analysed_files_give_exit_code_3(not_analysed_run):
    root, checked, fixed = not_analysed_run
    for result in (checked, fixed):
        assert result.returncode == 3, result.stdout + result.stderr
        assert result.stderr == ""  # no traceback, no internal error
        footer = result.stdout.split(f"{len(NOT_ANALYSED)} files not analysed:\n")[1]
        assert sorted(line.split(": ")[0].strip() for line in footer.splitlines()) == sorted(
            f"{root}/{case}/{name}" for case, (name, *_) in NOT_ANALYSED.items())


@pytest.mark.parametrize("case", sorted(NOT_ANALYSED))
def test_not_analysed_is_named_and_the_run_goes_on(not_analysed_run, case):
    root, checked, fixed = not_analysed_run
    name, data, line, column, message = NOT_ANALYSED[case]
    hostile, good = root / case / name, root / case / "good.py"
    expected = f"{hostile}:{line}:{column}: KF000 {message}"
    assert expected in checked.stdout, checked.stdout
    assert f"{root}/{case}/{GOOD_FINDING}" in checked.stdout  # the run went on
    assert expected in fixed.stdout
    assert hostile.read_bytes() == data  # not analysed: not a byte changed
    assert good.read_bytes() == GOOD_FIXED  # the other file is still fixed
    assert not list((root / case).glob(".kerasfix-*"))


# --- hostile but valid: analysed and fixed, keeping encoding, BOM, line endings, tabs ---

ANALYSED = {
    "empty": ("empty.py", b"", b""),
    "bom": ("bom.py", b"\xef\xbb\xbf" + GOOD, b"\xef\xbb\xbf" + GOOD_FIXED),
    "latin1_with_cookie": (
        "latin1.py", b"# -*- coding: latin-1 -*-\n" + IMPORT + b"s = 'caf\xe9'\n" + CALL + b"\n",
        b"# -*- coding: latin-1 -*-\nfrom keras.layers import Conv2D\ns = 'caf\xe9'\n"
        + FIXED_CALL + b"\n"),
    "crlf": ("crlf.py", GOOD.replace(b"\n", b"\r\n"), GOOD_FIXED.replace(b"\n", b"\r\n")),
    "mixed_line_endings": ("mixed.py", IMPORT.replace(b"\n", b"\r\n") + b"x = 1\ny = 2\r\n"
                           + CALL + b"\n\r\n",
                           b"from keras.layers import Conv2D\r\nx = 1\ny = 2\r\n" + FIXED_CALL
                           + b"\n\r\n"),
    "tabs": ("tabs.py", IMPORT + b"if True:\n\t" + CALL + b"\n\tif x:\n\t\t" + CALL + b"\n",
             b"from keras.layers import Conv2D\nif True:\n\t" + FIXED_CALL + b"\n\tif x:\n\t\t"
             + FIXED_CALL + b"\n"),
    # Python accepts these; libcst needs more than Python's default recursion limit (the
    # nested calls) or than the main thread's stack (the `and` chain crashed the process).
    "calls_150_deep": ("deep.py", IMPORT + b"x = " + b"f(" * 150 + CALL + b")" * 150 + b"\n",
                       b"from keras.layers import Conv2D\nx = " + b"f(" * 150 + FIXED_CALL
                       + b")" * 150 + b"\n"),
    "and_chain_10000": ("and.py", GOOD + b"x = " + b" and ".join([b"a"] * 10000) + b"\n",
                        GOOD_FIXED + b"x = " + b" and ".join([b"a"] * 10000) + b"\n"),
}


@pytest.fixture(scope="module")
def analysed_run(tmp_path_factory) -> tuple:
    root = tmp_path_factory.mktemp("valid") / "repo"
    for case, (name, data, _) in ANALYSED.items():
        (root / case).mkdir(parents=True)
        (root / case / "good.py").write_bytes(GOOD)
        (root / case / name).write_bytes(data)
    checked = kerasfix("check", "--output-format", "concise", root)
    fixed = kerasfix("fix", "--output-format", "concise", root)
    return root, checked, fixed


def test_hostile_but_valid_files_give_exit_codes_1_then_0(analysed_run):
    _, checked, fixed = analysed_run
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "KF000" not in checked.stdout and checked.stderr == fixed.stderr == ""


@pytest.mark.parametrize("case", sorted(ANALYSED))
def test_hostile_but_valid_files_are_analysed_and_fixed(analysed_run, case):
    root, checked, fixed = analysed_run
    name, data, after = ANALYSED[case]
    if data:
        assert f"{root}/{case}/{name}:" in checked.stdout  # its own finding, located
    assert f"{root}/{case}/{GOOD_FINDING}" in checked.stdout
    assert (root / case / name).read_bytes() == after
    assert (root / case / "good.py").read_bytes() == GOOD_FIXED


# --- a 20 MB file ---

def _measured(*args, env=None) -> tuple[subprocess.CompletedProcess, float, int]:
    """Run kerasfix from a fresh interpreter: wall time and the peak RSS (KB) of kerasfix
    and its workers (getrusage of the children of that interpreter only)."""
    script = ("import resource, subprocess, sys, json\n"
              "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
              "print(json.dumps([p.returncode, p.stdout, p.stderr,"
              " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))\n")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", script, sys.executable, "-m", "kerasfix",
                           *map(str, args)], capture_output=True, text=True, env=env,
                          timeout=300, check=True)
    code, out, err, rss = json.loads(proc.stdout)
    return subprocess.CompletedProcess(args, code, out, err), time.perf_counter() - start, rss


def test_a_20_mb_file_is_named_and_costs_little(tmp_path):
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "good.py").write_bytes(GOOD)
    row = b"    [" + b", ".join(b"0.%03d" % (i % 1000) for i in range(16)) + b"],\n"
    big = GOOD + b"WEIGHTS = [\n" + row * (20 * 2**20 // len(row)) + b"]\n"
    (folder / "weights.py").write_bytes(big)
    plain = b"DATA = [\n" + row * (20 * 2**20 // len(row)) + b"]\n"  # no Keras: skipped
    (folder / "data.py").write_bytes(plain)
    assert len(big) > 20 * 10**6

    for command in ("check", "fix"):
        result, seconds, rss_kb = _measured(command, "--output-format", "concise", folder)
        print(f"20 MB file, {command}: {seconds:.1f} s, peak RSS {rss_kb / 1024:.0f} MB")
        assert result.returncode == 3, result.stdout + result.stderr
        assert (f"{folder}/weights.py:1:1: KF000 cannot analyse: 20.0 MB is over the 2.0 MB "
                "limit per file (KERASFIX_MAX_FILE_MB)") in result.stdout
        assert "data.py" not in result.stdout
        assert seconds < 60 and rss_kb < 1024 * 1024  # generous: ~1 s and ~55 MB measured
    assert (folder / "weights.py").read_bytes() == big
    assert (folder / "good.py").read_bytes() == GOOD_FIXED


def test_the_size_limit_can_be_changed(tmp_path):
    folder, good, small = folder_with(tmp_path, "small.py", GOOD + b"x = 1\n" * 400)
    env = {**os.environ, "KERASFIX_MAX_FILE_MB": "0.002"}  # 2,097 bytes
    result = kerasfix("check", "--output-format", "concise", folder, env=env)
    assert result.returncode == 3
    assert (f"{small}:1:1: KF000 cannot analyse: 2.4 KB is over the 2.0 KB limit per file "
            "(KERASFIX_MAX_FILE_MB)") in result.stdout
    assert f"{folder}/{GOOD_FINDING}" in result.stdout  # smaller: analysed
    env["KERASFIX_MAX_FILE_MB"] = "0"  # no limit
    result = kerasfix("check", "--output-format", "concise", folder, env=env)
    assert result.returncode == 1 and f"{small}:2:1: KF112" in result.stdout


# --- links, permissions, files that change ---

def test_symlink_loops_are_reported_and_never_walked_forever(tmp_path):
    folder = tmp_path / "repo"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.py").write_bytes(GOOD)
    (folder / "sub" / "up").symlink_to("..")  # a folder link to its parent
    (folder / "self").symlink_to(".")
    (folder / "parent").symlink_to("..")  # to outside what was asked for, and a loop
    (folder / "a.py").symlink_to("b.py")  # a file link loop
    (folder / "b.py").symlink_to("a.py")
    (folder / "dangling.py").symlink_to("missing.py")
    (tmp_path / "outside.py").write_bytes(GOOD)  # reachable only through `parent`
    result = kerasfix("fix", "--output-format", "concise", folder, timeout=60)
    assert result.returncode == 3, result.stdout + result.stderr
    for name in ("a.py", "b.py"):
        assert (f"{folder}/{name}:1:1: KF000 cannot read: symbolic link loop (Too many levels "
                "of symbolic links)") in result.stdout
    assert (f"{folder}/dangling.py:1:1: KF000 cannot read: broken symbolic link to "
            "'missing.py'") in result.stdout
    warnings = [line for line in result.stderr.splitlines() if line]
    assert warnings == [
        f"kerasfix: warning: {folder}/{link}: symbolic link to {target!r}, a folder that "
        "holds it (a loop); not followed"
        for link, target in (("parent", ".."), ("self", "."), ("sub/up", ".."))]
    assert (folder / "good.py").read_bytes() == GOOD_FIXED
    assert (tmp_path / "outside.py").read_bytes() == GOOD  # outside what was asked for
    # named on the command line, a broken link is reported the same way
    named = kerasfix("check", "--output-format", "concise", folder / "a.py")
    assert named.returncode == 3 and f"{folder}/a.py:1:1: KF000 cannot read: symbolic" in (
        named.stdout)


def _deny(monkeypatch, path: Path) -> None:
    """Make `path` unreadable: chmod 000, or (root reads anything) refuse it in-process."""
    if os.geteuid() != 0:
        path.chmod(0)
        return
    real_open, real_scandir, real_listdir = open, os.scandir, os.listdir

    def refuse(name):
        if os.path.abspath(os.fsdecode(name)) == str(path):
            raise PermissionError(13, "Permission denied", os.fsdecode(name))

    def fake_open(name, *args, **kwargs):
        if isinstance(name, (str, bytes, os.PathLike)):
            refuse(name)
        return real_open(name, *args, **kwargs)

    def fake_scandir(name="."):
        refuse(name)
        return real_scandir(name)

    def fake_listdir(name="."):
        refuse(name)
        return real_listdir(name)

    monkeypatch.setattr(runner, "open", fake_open, raising=False)
    monkeypatch.setattr(os, "scandir", fake_scandir)
    monkeypatch.setattr(os, "listdir", fake_listdir)


def test_an_unreadable_file_is_named(tmp_path, monkeypatch):
    folder, good, secret = folder_with(tmp_path, "secret.py", GOOD)
    _deny(monkeypatch, secret)
    try:
        code, output = in_process("fix", "-j", "1", "--output-format", "concise", folder)
    finally:
        secret.chmod(0o644)
    assert code == 3, output
    assert f"{secret}:1:1: KF000 cannot read: Permission denied" in output
    assert good.read_bytes() == GOOD_FIXED and secret.read_bytes() == GOOD


def test_an_unreadable_folder_is_named(tmp_path, monkeypatch):
    folder, good, _ = folder_with(tmp_path, "other.py", b"x = 1\n")
    locked = folder / "locked"
    locked.mkdir()
    (locked / "hidden.py").write_bytes(GOOD)
    _deny(monkeypatch, locked)
    try:
        code, output = in_process("fix", "-j", "1", "--output-format", "concise", folder)
    finally:
        locked.chmod(0o755)
    assert code == 3, output
    assert f"{locked}:1:1: KF000 cannot read folder: Permission denied" in output
    assert good.read_bytes() == GOOD_FIXED and (locked / "hidden.py").read_bytes() == GOOD


def test_a_read_only_file_is_named_and_not_written(tmp_path):
    folder, good, readonly = folder_with(tmp_path, "readonly.py", GOOD)
    readonly.chmod(0o444)
    result = kerasfix("fix", "--output-format", "concise", folder)
    assert result.returncode == 3, result.stdout + result.stderr
    assert f"{readonly}:2:1: KF112 [*]" in result.stdout  # the fix is still available
    assert f"{readonly}: not written: {readonly} is read-only" in result.stdout
    assert readonly.read_bytes() == GOOD and stat.S_IMODE(readonly.stat().st_mode) == 0o444
    assert good.read_bytes() == GOOD_FIXED


@pytest.mark.parametrize("how", ["appended", "replaced", "deleted"])
def test_a_file_that_changes_while_kerasfix_runs_is_not_overwritten(tmp_path, monkeypatch,
                                                                     how):
    mine = GOOD + b"# mine\n"
    folder, good, edited = folder_with(tmp_path, "edited.py", mine)
    real = runner.run_source

    def someone_edits_it_meanwhile(data, settings):
        result = real(data, settings)  # kerasfix has read and fixed it, not yet written
        if data == mine:
            if how == "appended":
                with open(edited, "ab") as fh:
                    fh.write(b"# saved by the editor\n")
            elif how == "replaced":
                other = folder / "other.tmp"
                other.write_bytes(b"import keras\n")
                os.replace(other, edited)
            else:
                edited.unlink()
        return result

    monkeypatch.setattr(runner, "run_source", someone_edits_it_meanwhile)
    code, output = in_process("fix", "-j", "1", "--output-format", "concise", folder)
    assert code == 3, output
    if how == "deleted":
        assert not edited.exists()
        assert f"{edited}: not written: [Errno 2] No such file or directory" in output
    else:
        assert f"{edited}: not written: {edited} changed since kerasfix read it" in output
        assert edited.read_bytes() == (mine + b"# saved by the editor\n" if how == "appended"
                                       else b"import keras\n")
    assert good.read_bytes() == GOOD_FIXED
    assert not list(folder.glob(".kerasfix-*"))


# --- many files ---

def test_ten_thousand_small_files(tmp_path):
    root = tmp_path / "repo"
    legacy = []
    for i in range(10_000):
        folder = root / f"pkg{i // 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"m{i:05d}.py"
        if i % 4 == 0:
            path.write_bytes(GOOD)
            legacy.append(str(path))
        elif i % 4 == 1:
            path.write_bytes(b"import keras\nx = keras.layers.Dense(3)\n")
        else:
            path.write_bytes(b"def f%d():\n    return %d\n" % (i, i))
    start = time.perf_counter()
    result = kerasfix("check", "--output-format", "json", root, timeout=300)
    seconds = time.perf_counter() - start
    print(f"10,000 files: {seconds:.1f} s")
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)
    assert sorted(f["path"] for f in findings) == sorted(legacy)
    assert {f["code"] for f in findings} == {"KF112"}
    assert seconds < 60  # ~5 s measured on 2 CPUs
