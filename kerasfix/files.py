"""Finding the files to check, and writing fixed files without ever losing one."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from kerasfix.signals import deferred

# Folders never worth walking into (paths given explicitly are always checked).
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "__pycache__", ".venv", "venv", ".tox", ".nox", "node_modules",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".kerasfix_cache", ".eggs", "build", "dist",
    "site-packages", ".ipynb_checkpoints",
})
SUFFIXES = (".py", ".pyi", ".ipynb")
TEMP_PREFIX = ".kerasfix-"  # write_atomic's temporary files: `.kerasfix-XXXXXXXX.tmp`


class FileChanged(OSError):
    """The file changed on disk while kerasfix was working on it."""


def discover(paths: list[str], exclude: Callable[[str], bool] | None = None,
             notebooks: bool = True, gitignore: Callable[[str], bool] | None = None,
             warn: Callable[[str], None] | None = None) -> tuple[list[str], list[str]]:
    """Python files under `paths` (sorted, unique), and the paths that do not exist.

    `exclude` (the config's exclude globs) only prunes what the walk finds: a path given
    explicitly is always checked, as the user asked for it by name; so is a notebook
    given by name when `notebooks` (--no-notebooks) leaves them out of the walk.
    `gitignore(path)`: whether a walked file should be skipped when git ignores it (the
    config's respect-gitignore); git is asked once per folder given.

    Symbolic links are followed, each folder walked once; a link to a folder that holds it (a
    loop) is not followed, and said so through `warn` (default: a line on stderr). A file
    that cannot be read (a broken link, a link loop, no permission) and a folder that cannot
    be listed are returned like the others: reading them reports why, as KF000 (exit code 3).
    """
    found: dict[str, None] = {}
    missing = []
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            found[str(path)] = None
        elif path.is_dir():
            walked = [file for file in _walk(path, exclude or (lambda _: False), warn or _warn)
                      if notebooks or not file.endswith(".ipynb")]
            asked = [file for file in walked if gitignore and gitignore(file)]
            ignored = git_ignored(str(path), asked) if asked else set()
            for file in walked:
                if file not in ignored:
                    found[file] = None
        elif path.is_symlink():  # a broken link or a loop: reported when it is read
            found[str(path)] = None
        else:
            missing.append(raw)
    return list(found), missing


def _warn(message: str) -> None:
    sys.stderr.write(f"kerasfix: warning: {message}\n")


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


def _walk(root: Path, exclude: Callable[[str], bool], warn: Callable[[str], None]) -> list[str]:
    out = []
    seen: set[tuple[int, int]] = set()

    def unlistable(exc: OSError) -> None:
        # A folder that cannot be listed: returned as a path, so that reading it (runner.py)
        # reports it as not analysed, with the reason.
        if exc.filename is not None:
            out.append(os.fsdecode(exc.filename))

    for folder, dirs, files in os.walk(root, onerror=unlistable, followlinks=True):
        try:
            st = os.stat(folder)
        except OSError as exc:  # removed while walking, or a link that broke
            unlistable(exc)
            dirs[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen:  # two links to one folder: walk it once
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        kept = []
        for d in sorted(dirs):
            if d in SKIP_DIRS or d.endswith(".egg-info"):
                continue
            full = os.path.join(folder, d)
            if exclude(full):
                continue
            if os.path.islink(full) and _is_loop(full):
                warn(f"{full}: symbolic link to {os.readlink(full)!r}, a folder that holds it "
                     "(a loop); not followed")
                continue
            kept.append(d)
        dirs[:] = kept
        out.extend(path for path in (os.path.join(folder, f) for f in sorted(files))
                   if path.endswith(SUFFIXES) and not exclude(path))
    return out


def _is_loop(link: str) -> bool:
    """Whether the folder link points to the folder holding it, or to one of its parents."""
    target = os.path.realpath(link)
    holder = os.path.realpath(os.path.dirname(link))
    return holder == target or holder.startswith(target.rstrip(os.sep) + os.sep)


def write_atomic(path: str, data: bytes, expected: bytes) -> None:
    """Replace the file's content with `data`, through symlinks, keeping its mode bits.

    The new content goes to a temporary file in the same folder, then `os.replace`s the
    original, so a crash leaves either the old or the new file, never half of one; Ctrl-C and
    SIGTERM are held until the temporary file is gone.
    If the file no longer holds `expected` (what kerasfix read), nothing is written.
    """
    real = os.path.realpath(path)
    with open(real, "rb") as fh:
        if fh.read() != expected:
            raise FileChanged(f"{path} changed since kerasfix read it")
    mode = os.stat(real).st_mode
    if not mode & 0o222:
        raise PermissionError(f"{path} is read-only")
    folder = os.path.dirname(real) or "."
    with deferred():  # Ctrl-C / SIGTERM wait until the temporary file is gone (signals.py)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=TEMP_PREFIX, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, mode & 0o7777)
            os.replace(tmp, real)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
