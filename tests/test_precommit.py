"""pre-commit integration: .pre-commit-hooks.yaml, --force-exclude, --exit-non-zero-on-fix."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kerasfix.cli import main

ROOT = Path(__file__).resolve().parent.parent
LEGACY = "from keras.layers import Dense\nx = Dense(10, init='uniform')\n"


def hooks() -> list[dict]:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())


def test_hook_definitions():
    by_id = {h["id"]: h for h in hooks()}
    assert set(by_id) == {"kerasfix", "kerasfix-fix"}
    assert by_id["kerasfix"]["entry"].split()[:3] == ["kerasfix", "check", "--force-exclude"]
    assert by_id["kerasfix-fix"]["entry"].split() == ["kerasfix", "fix", "--force-exclude",
                                                      "--exit-non-zero-on-fix"]
    for hook in by_id.values():
        assert hook["language"] == "python"
        assert hook["types_or"] == ["python", "pyi", "jupyter"]
        assert hook["require_serial"] is False and hook["args"] == []
        assert hook["minimum_pre_commit_version"] == "2.9.2"  # types_or needs 2.9
        assert hook["name"] and hook["description"]


def test_every_entry_option_exists():
    for hook in hooks():
        args = hook["entry"].split()[1:] + ["--help"]
        assert CliRunner().invoke(main, args).exit_code == 0, hook["entry"]


def test_force_exclude_applies_exclude_to_named_files(tmp_path, monkeypatch):
    (tmp_path / "kerasfix.toml").write_text('exclude = ["vendor", "skip_*.py"]\n')
    for name in ("vendor/a.py", "skip_me.py", "keep.py"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(LEGACY)
    monkeypatch.chdir(tmp_path)
    named = ["vendor/a.py", "skip_me.py", "keep.py"]
    plain = CliRunner().invoke(main, ["check", "--output-format", "concise", *named])
    assert plain.output.count("KF101") == 3  # named files are checked without the flag
    forced = CliRunner().invoke(main, ["check", "--output-format", "concise",
                                       "--force-exclude", *named])
    assert forced.output.count("KF101") == 1 and "keep.py" in forced.output
    nothing = CliRunner().invoke(main, ["check", "--force-exclude", "vendor/a.py"])
    assert nothing.exit_code == 0 and "(0 files)" in nothing.output


def test_exit_non_zero_on_fix(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(LEGACY)
    assert CliRunner().invoke(main, ["fix", "--isolated", str(path)]).exit_code == 0
    path.write_text(LEGACY)
    args = ["fix", "--isolated", "--exit-non-zero-on-fix", str(path)]
    assert CliRunner().invoke(main, args).exit_code == 1  # changed
    assert CliRunner().invoke(main, args).exit_code == 0  # nothing left to change
    path.write_text(LEGACY)
    assert CliRunner().invoke(main, [*args, "--diff"]).exit_code == 1
    assert path.read_text() == LEGACY
    assert CliRunner().invoke(main, [*args, "--exit-zero"]).exit_code == 0


# Files `pip install` needs to build kerasfix (see [tool.hatch.build] in pyproject.toml).
BUILD = ["kerasfix", "rules", "pyproject.toml", "README.md", ".pre-commit-hooks.yaml"]
LEGACY_CELL = ["from keras.layers import Convolution2D\n",
               "layer = Convolution2D(32, 3, 3, border_mode='same')"]
FIXED_CELL = ["from keras.layers import Conv2D\n", "layer = Conv2D(32, (3, 3), padding='same')"]
OFFLINE = ("NewConnectionError", "Temporary failure in name resolution",
           "No matching distribution found", "Network is unreachable")


def _git(*args, cwd) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t")
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout


def notebook(source: list[str]) -> str:
    """A one-cell notebook, serialized the way Jupyter writes it."""
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": "c1", "metadata": {},
                     "outputs": [], "source": source}],
          "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                      "name": "python3"},
                       "language_info": {"name": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory):
    """A committed copy of kerasfix (try-repo and `repo:` only see committed files) and one
    PRE_COMMIT_HOME for the whole module, so `pre-commit run` installs the hook env once."""
    if shutil.which("git") is None:
        pytest.skip("needs git")
    pytest.importorskip("pre_commit")
    base = tmp_path_factory.mktemp("precommit")
    repo = base / "kerasfix"
    repo.mkdir()
    for name in BUILD:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, repo / name)
    _git("init", "-q", cwd=repo)
    _git("add", "-A", cwd=repo)
    _git("commit", "-q", "-m", "kerasfix", cwd=repo)
    rev = _git("rev-parse", "HEAD", cwd=repo).strip()
    home = base / "home"
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    env.pop("VIRTUAL_ENV", None)
    return {"repo": repo, "rev": rev, "env": env, "home": home}


def user_repo(path: Path, hook_repo: dict, files: dict[str, str]) -> Path:
    """A git repository holding `files` (staged), a pyproject.toml that excludes vendor/, and
    a .pre-commit-config.yaml using both hooks from the kerasfix copy."""
    path.mkdir()
    files = {"pyproject.toml": '[tool.kerasfix]\nexclude = ["vendor"]\n',
             ".pre-commit-config.yaml": (f"repos:\n- repo: {hook_repo['repo']}\n"
                                         f"  rev: {hook_repo['rev']}\n"
                                         "  hooks:\n  - id: kerasfix\n  - id: kerasfix-fix\n"),
             **files}
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    _git("init", "-q", cwd=path)
    _git("add", "-A", cwd=path)
    return path


def pre_commit(args: list[str], cwd: Path, hook_repo: dict, home: Path | None = None):
    """Run pre-commit; skip only when PyPI is out of reach, fail on any other setup error."""
    command = [sys.executable, "-m", "pre_commit", *args]
    try:
        proc = subprocess.run(command, check=False, cwd=cwd, env=hook_repo["env"],
                              capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        pytest.skip("pre-commit could not set up its environment in time")
    if "An unexpected error has occurred" in proc.stdout + proc.stderr:
        log = (home or hook_repo["home"]) / "pre-commit.log"
        text = log.read_text(errors="replace") if log.exists() else proc.stdout + proc.stderr
        if any(marker in text for marker in OFFLINE):
            pytest.skip("pre-commit could not reach PyPI to install the hook")
        pytest.fail(f"pre-commit could not install kerasfix:\n{text[-3000:]}")
    return proc


LEGACY_FILES = {"model.py": LEGACY, "notebook.ipynb": notebook(LEGACY_CELL),
                "vendor/old.py": LEGACY, "clean.py": "import os\n"}


def test_pre_commit_try_repo(hook_repo, tmp_path):
    """The real thing, as a user tries it: `pre-commit try-repo` installs kerasfix from the
    repository copy into its own environment (try-repo keeps its own throwaway store) and runs
    the kerasfix-fix hook on .py and .ipynb files; the excluded vendor/ stays untouched."""
    user = user_repo(tmp_path / "user", hook_repo, LEGACY_FILES)
    first = pre_commit(["try-repo", str(hook_repo["repo"]), "kerasfix-fix", "--ref",
                        hook_repo["rev"], "--all-files"], user, hook_repo)
    assert first.returncode == 1, first.stdout + first.stderr
    assert "Failed" in first.stdout and "files were modified by this hook" in first.stdout
    assert (user / "model.py").read_text() == LEGACY.replace("init=", "kernel_initializer=")
    assert (user / "notebook.ipynb").read_text() == notebook(FIXED_CELL)
    assert (user / "vendor/old.py").read_bytes() == LEGACY.encode()


def test_check_hook_fails_on_legacy_passes_on_clean(hook_repo, tmp_path):
    legacy = user_repo(tmp_path / "legacy", hook_repo, LEGACY_FILES)
    before = {name: (legacy / name).read_bytes() for name in LEGACY_FILES}
    failed = pre_commit(["run", "kerasfix", "--all-files"], legacy, hook_repo)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "kerasfix check" in failed.stdout and "Failed" in failed.stdout
    assert "model.py" in failed.stdout and "notebook.ipynb" in failed.stdout
    assert "vendor" not in failed.stdout  # --force-exclude: named by pre-commit, still skipped
    assert {name: (legacy / name).read_bytes() for name in LEGACY_FILES} == before  # read-only
    # Clean code passes, even with a legacy file in the excluded vendor/.
    clean = user_repo(tmp_path / "clean", hook_repo,
                      {"clean.py": "import os\n", "notebook.ipynb": notebook(FIXED_CELL),
                       "vendor/old.py": LEGACY})
    passed = pre_commit(["run", "kerasfix", "--all-files"], clean, hook_repo)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
    assert (clean / "vendor/old.py").read_bytes() == LEGACY.encode()


def test_fix_hook_rewrites_py_and_ipynb_then_passes(hook_repo, tmp_path):
    user = user_repo(tmp_path / "user", hook_repo, LEGACY_FILES)
    first = pre_commit(["run", "kerasfix-fix", "--all-files"], user, hook_repo)
    assert first.returncode == 1, first.stdout + first.stderr
    assert "Failed" in first.stdout and "files were modified by this hook" in first.stdout
    assert (user / "model.py").read_text() == LEGACY.replace("init=", "kernel_initializer=")
    assert (user / "notebook.ipynb").read_text() == notebook(FIXED_CELL)  # Jupyter's layout
    assert (user / "vendor/old.py").read_bytes() == LEGACY.encode()  # excluded: byte-identical
    assert (user / "clean.py").read_text() == "import os\n"
    second = pre_commit(["run", "kerasfix-fix", "--all-files"], user, hook_repo)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Passed" in second.stdout
    # After the rewrite the read-only hook passes too; vendor/ is still excluded.
    check = pre_commit(["run", "kerasfix", "--all-files"], user, hook_repo)
    assert check.returncode == 0, check.stdout + check.stderr
    assert (user / "vendor/old.py").read_bytes() == LEGACY.encode()
