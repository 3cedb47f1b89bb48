"""Finding the files to check, and writing fixed files without ever losing one."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

# Folders never worth walking into (paths given explicitly are always checked).
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "__pycache__", ".venv", "venv", ".tox", ".nox", "node_modules",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".kerasfix_cache", ".eggs", "build", "dist",
    "site-packages", ".ipynb_checkpoints",
})
SUFFIXES = (".py", ".pyi", ".ipynb")


class FileChanged(OSError):
    """The file changed on disk while kerasfix was working on it."""


def discover(paths: list[str], exclude: Callable[[str], bool] | None = None,
             notebooks: bool = True, gitignore: Callable[[str], bool] | None = None
             ) -> tuple[list[str], list[str]]:
    """Python files under `paths` (sorted, unique), and the paths that do not exist.

    `exclude` (the config's exclude globs) only prunes what the walk finds: a path given
    explicitly is always checked, as the user asked for it by name; so is a notebook
    given by name when `notebooks` (--no-notebooks) leaves them out of the walk.
    `gitignore(path)`: whether a walked file should be skipped when git ignores it (the
    config's respect-gitignore); git is asked once per folder given.
    """
    found: dict[str, None] = {}
    missing = []
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            found[str(path)] = None
        elif path.is_dir():
            walked = [file for file in _walk(path, exclude or (lambda _: False))
                      if notebooks or not file.endswith(".ipynb")]
            asked = [file for file in walked if gitignore and gitignore(file)]
            ignored = git_ignored(str(path), asked) if asked else set()
            for file in walked:
                if file not in ignored:
                    found[file] = None
        else:
            missing.append(raw)
    return list(found), missing


def git_ignored(root: str, files: list[str]) -> set[str]:
    """The `files` (found under `root`) that git ignores: one `git check-ignore` call. Empty
    when git is not installed or `root` is not in a git work tree."""
    rel = {os.path.relpath(f, root): f for f in files}
    try:
        proc = subprocess.run(["git", "check-ignore", "--stdin", "-z"], cwd=root,
                              input=b"".join(os.fsencode(p) + b"\0" for p in rel),
                              capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return set()
    if proc.returncode not in (0, 1):  # 128: not a git work tree (or a path git refuses)
        return set()
    out = [os.fsdecode(p) for p in proc.stdout.split(b"\0")]
    return {rel[p] for p in out if p in rel}


def _walk(root: Path, exclude: Callable[[str], bool]) -> list[str]:
    out = []
    seen: set[tuple[int, int]] = set()
    for folder, dirs, files in os.walk(root, followlinks=True):
        st = os.stat(folder)
        if (st.st_dev, st.st_ino) in seen:  # a symlink loop: walk each folder once
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info")
                         and not exclude(os.path.join(folder, d)))
        out.extend(path for path in (os.path.join(folder, f) for f in sorted(files))
                   if path.endswith(SUFFIXES) and not exclude(path))
    return out


def write_atomic(path: str, data: bytes, expected: bytes) -> None:
    """Replace the file's content with `data`, through symlinks, keeping its mode bits.

    The new content goes to a temporary file in the same folder, then `os.replace`s the
    original, so a crash or Ctrl-C leaves either the old or the new file, never half of one.
    If the file no longer holds `expected` (what kerasfix read), nothing is written.
    """
    real = os.path.realpath(path)
    with open(real, "rb") as fh:
        if fh.read() != expected:
            raise FileChanged(f"{path} changed while kerasfix was running; not written")
    mode = os.stat(real).st_mode
    if not mode & 0o222:
        raise PermissionError(f"{path} is read-only; not written")
    folder = os.path.dirname(real) or "."
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".kerasfix-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode & 0o7777)
        os.replace(tmp, real)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
