"""Run the engine over files, in parallel, and write what `fix` changed."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace

from kerasfix.diagnostics import Finding, Span
from kerasfix.engine import Settings, run_source
from kerasfix.files import write_atomic


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    original: bytes | None = None  # kept only for --diff
    new: bytes | None = None  # kept only for --diff
    changed: bool = False
    not_analysed: str = ""  # why the file could not be analysed (exit code 3)
    internal_error: str = ""  # a kerasfix bug (exit code 2)
    todos: int = 0  # `# TODO(kerasfix)` comments in the fixed text (fix only)


def process(path: str, settings: Settings, write: bool, keep_text: bool,
            cache_dir: str | None = None, data: bytes | None = None) -> FileResult:
    """Check or fix one file; never raises for a problem with the file itself.

    `cache_dir`: reuse and store `check` findings there (never for fix, --diff or baselines).
    `data`: the source when it is not read from `path` (--stdin-filename; never cached).
    """
    if data is not None:
        cache_dir = None
    else:
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            return _unreadable(path, f"cannot read: {exc.strerror or exc}")
    entry = None
    if cache_dir and not write and not keep_text and not settings.fix:
        from kerasfix import cache

        entry = cache.entry_path(cache_dir, settings, data, path.endswith(".ipynb"))
        cached = cache.load(entry)
        if cached is not None:
            return FileResult(path, [replace(f, path=path) for f in cached])
    try:
        if path.endswith(".ipynb"):
            from kerasfix.notebooks import run_notebook

            result = run_notebook(data, settings)
        else:
            result = run_source(data, settings)
    except Exception as exc:  # a bug in kerasfix must not stop the other files
        return FileResult(path, internal_error=f"internal error: {type(exc).__name__}: {exc}")
    out = FileResult(path, [replace(f, path=path) for f in result.findings],
                     not_analysed=result.error, changed=result.new is not None,
                     todos=result.todos)
    if keep_text:
        out.original, out.new = data, result.new
    if entry is not None and not out.not_analysed and result.new is None:
        cache.store(cache_dir, entry, result.findings)
    if write and result.new is not None:
        try:
            write_atomic(path, result.new, data)
        except OSError as exc:
            out.changed = False
            out.not_analysed = f"not written: {exc}"
            out.findings = [replace(f, fix=replace(f.fix, applied=False)) if f.fix else f
                            for f in out.findings]
    return out


def _unreadable(path: str, why: str) -> FileResult:
    finding = Finding(Span(1, 1, 1, 1), "KF000", why, "error", None, None, path=path)
    return FileResult(path, [finding], not_analysed=why)


def _process_star(args: tuple) -> FileResult:
    return process(*args)


def _cached(path: str, settings: Settings, cache_dir: str) -> FileResult | None:
    """A cache hit read in the calling process, or None."""
    from kerasfix import cache

    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    found = cache.load(cache.entry_path(cache_dir, settings, data, path.endswith(".ipynb")))
    return None if found is None else FileResult(path, [replace(f, path=path) for f in found])


def run_all(paths: list[str], settings: Settings, write: bool, keep_text: bool,
            jobs: int, cache_dir: str | None = None,
            stdin: bytes | None = None) -> list[FileResult]:
    """Process files in parallel (processes: libcst work is CPU-bound), results in path order.
    `stdin`: the source of the one path (--stdin-filename), not read from disk."""
    done: dict[str, FileResult] = {}
    if cache_dir and not write and not keep_text and not settings.fix and stdin is None:
        # Hits cost a read and a hash: serve them here, and start workers only for misses.
        for path in paths:
            hit = _cached(path, settings, cache_dir)
            if hit is not None:
                done[path] = hit
    tasks = [(p, settings, write, keep_text, cache_dir, stdin) for p in paths if p not in done]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    if jobs == 1 or len(tasks) < 4:
        fresh = [_process_star(t) for t in tasks]
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            chunk = max(1, len(tasks) // (jobs * 8))
            fresh = list(pool.map(_process_star, tasks, chunksize=chunk))
    done.update((r.path, r) for r in fresh)
    return [done[p] for p in paths]
