"""pre-commit integration: .pre-commit-hooks.yaml, --force-exclude, --exit-non-zero-on-fix."""

from __future__ import annotations

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


def _git(*args, cwd):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t")
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_pre_commit_try_repo(tmp_path):
    """The real thing: pre-commit installs kerasfix from a repository copy into its own
    environment (from PyPI: libcst, click, hatchling) and runs the kerasfix-fix hook.
    A copy, committed, because try-repo only sees committed and tracked files."""
    pytest.importorskip("pre_commit")
    repo = tmp_path / "kerasfix"
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
    user = tmp_path / "user"
    user.mkdir()
    (user / "model.py").write_text(LEGACY)
    (user / "clean.py").write_text("import os\n")
    _git("init", "-q", cwd=user)
    _git("add", "-A", cwd=user)
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "cache"), PRE_COMMIT_COLOR="never")
    env.pop("VIRTUAL_ENV", None)
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(repo), "kerasfix-fix",
               "--all-files"]
    try:
        first = subprocess.run(command, check=False, cwd=user, env=env, capture_output=True,
                               text=True, timeout=300)
    except subprocess.TimeoutExpired:
        pytest.skip("pre-commit could not set up its environment in time")
    if "An unexpected error has occurred" in first.stdout + first.stderr:
        log = tmp_path / "cache" / "pre-commit.log"
        text = log.read_text(errors="replace") if log.exists() else first.stdout
        offline = ("NewConnectionError", "Temporary failure in name resolution",
                   "No matching distribution found", "Network is unreachable")
        if any(marker in text for marker in offline):  # only PyPI being out of reach skips
            pytest.skip("pre-commit could not reach PyPI to install the hook")
        pytest.fail(f"pre-commit could not install kerasfix:\n{text[-3000:]}")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "Failed" in first.stdout and "files were modified by this hook" in first.stdout
    assert (user / "model.py").read_text() == LEGACY.replace("init=", "kernel_initializer=")
    second = subprocess.run(command, check=False, cwd=user, env=env, capture_output=True,
                            text=True, timeout=300)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Passed" in second.stdout
