"""kerasfix never imports or runs the code it checks, nor TensorFlow or Keras (issue 6,
part 5).

The checked folder holds files that, if imported or run, would leave a marker file, exit the
process with an odd code, raise, or never return; among them files named like the ones
Python or tools run by themselves (`sitecustomize.py`, `conftest.py`, `setup.py`,
`__init__.py`, `__main__.py`), and `keras.py` / `tensorflow.py` in the folder kerasfix runs
from, which a stray `import keras` in kerasfix would pick up. Every file also holds a Keras 1
call, so each one is read, parsed and fixed, not skipped by the pre-filter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CALL = "Convolution2D(32, 3, 3, border_mode='same')"
FIXED = "Conv2D(32, (3, 3), padding='same')"
HEADER = "from keras.layers import Convolution2D\n"


def marker(folder: Path, name: str) -> str:
    return str(folder.parent / "markers" / name)


def hostile_sources(folder: Path) -> dict[str, str]:
    def writes(name: str) -> str:
        return f"open({marker(folder, name)!r}, 'w').write('ran')\n"

    return {
        "writes_marker.py": HEADER + writes("writes_marker") + CALL + "\n",
        "exits.py": "import sys\n" + HEADER + writes("exits") + "sys.exit(3)\n" + CALL + "\n",
        "os_exit.py": "import os\n" + HEADER + writes("os_exit") + "os._exit(7)\n" + CALL + "\n",
        "raises.py": HEADER + writes("raises") + "raise RuntimeError('imported')\n" + CALL + "\n",
        "spins.py": HEADER + CALL + "\n" + writes("spins") + "while True:\n    pass\n",
        "shell.py": HEADER + f"__import__('os').system('touch {marker(folder, 'shell')}')\n"
        + CALL + "\n",
        "main_guard.py": HEADER + CALL + "\nif __name__ == '__main__':\n    "
        + writes("main_guard"),
        "sitecustomize.py": HEADER + writes("sitecustomize") + CALL + "\n",
        "usercustomize.py": HEADER + writes("usercustomize") + CALL + "\n",
        "conftest.py": HEADER + writes("conftest") + CALL + "\n",
        "setup.py": HEADER + writes("setup") + "import sys\nsys.exit(5)\n" + CALL + "\n",
        "__init__.py": HEADER + writes("__init__") + CALL + "\n",
        "__main__.py": HEADER + writes("__main__") + CALL + "\n",
        # In the folder kerasfix runs from: `import keras` there would run these.
        "keras.py": HEADER + writes("keras") + "import os\nos._exit(9)\n" + CALL + "\n",
        "tensorflow.py": HEADER + writes("tensorflow") + CALL + "\n",
        "tf_keras.py": HEADER + writes("tf_keras") + CALL + "\n",
    }


def hostile_notebook(folder: Path) -> str:
    def cell(source: str) -> dict:
        return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                "source": source.splitlines(keepends=True)}

    return json.dumps({
        "cells": [
            cell(HEADER + f"open({marker(folder, 'notebook')!r}, 'w').write('ran')\n"),
            cell(f"!touch {marker(folder, 'notebook_shell')}\n" + CALL + "\n"),
            cell("%run writes_marker.py\nimport os\nos._exit(7)\n"),
            cell("while True:\n    pass\n"),
        ],
        "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


@pytest.fixture
def hostile(tmp_path) -> Path:
    folder = tmp_path / "project"
    (folder / "pkg").mkdir(parents=True)
    (tmp_path / "markers").mkdir()
    for name, source in hostile_sources(folder).items():
        (folder / name).write_text(source)
        (folder / "pkg" / name).write_text(source)  # and inside a package
    (folder / "notebook.ipynb").write_text(hostile_notebook(folder))
    return folder


def kerasfix(folder: Path, *args) -> subprocess.CompletedProcess:
    # Run from inside the folder: `python -m` puts it first on sys.path, where its keras.py
    # and tensorflow.py would win over the real packages. A timeout catches `while True`.
    return subprocess.run([sys.executable, "-m", "kerasfix", *args], cwd=folder,
                          capture_output=True, text=True, timeout=120)


def assert_nothing_ran(folder: Path) -> None:
    assert list((folder.parent / "markers").iterdir()) == []


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_check_and_fix_never_run_the_code(hostile, jobs):
    sources = sorted(hostile_sources(hostile))
    checked = kerasfix(hostile, "check", "-j", jobs, "--output-format", "json", ".")
    assert_nothing_ran(hostile)
    assert checked.returncode == 1, checked.stderr  # findings, and nothing else
    found = {(os.path.normpath(f["path"]), f["code"]) for f in json.loads(checked.stdout)}
    expected = {(p, "KF112") for name in sources for p in (name, f"pkg/{name}")}
    assert expected | {("notebook.ipynb", "KF112")} == found

    fixed = kerasfix(hostile, "fix", "-j", jobs, ".")
    assert_nothing_ran(hostile)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr  # everything was fixable
    for name in sources:
        for path in (hostile / name, hostile / "pkg" / name):
            text = path.read_text()
            assert FIXED in text and CALL not in text, path
    notebook = json.loads((hostile / "notebook.ipynb").read_text())
    assert "".join(notebook["cells"][1]["source"]).endswith(FIXED + "\n")


def test_stdin_source_is_not_run(hostile):
    source = (hostile / "os_exit.py").read_text()
    result = subprocess.run([sys.executable, "-m", "kerasfix", "fix", "--stdin-filename",
                             "os_exit.py"], input=source, cwd=hostile, capture_output=True,
                            text=True, timeout=60)
    assert_nothing_ran(hostile)
    assert result.returncode == 0 and FIXED in result.stdout


FORBIDDEN = ("tensorflow", "keras", "tf_keras", "jax", "torch")


def test_kerasfix_imports_neither_tensorflow_nor_keras(hostile):
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "kerasfix", "check",
                             "-j", "1", "writes_marker.py"], cwd=hostile, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()
                if line.startswith("import time:") and "|" in line}
    assert "kerasfix.engine" in imported and "libcst" in imported  # it did analyse the file
    assert not {m for m in imported if m.split(".")[0] in FORBIDDEN}
    assert_nothing_ran(hostile)


def test_no_keras_module_after_a_run_in_process(hostile):
    """The same, from sys.modules, with a notebook and `fix` (in a fresh interpreter: the
    test process itself may have imported TensorFlow for the oracle tests)."""
    script = ("import sys\n"
              "from kerasfix.cli import main\n"
              "try:\n"
              "    main(['fix', '-j', '1', '.'])\n"
              "except SystemExit as exc:\n"
              "    assert exc.code == 0, exc.code\n"
              f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=hostile, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert_nothing_ran(hostile)
    assert FIXED in (hostile / "keras.py").read_text()
