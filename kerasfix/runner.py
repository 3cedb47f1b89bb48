"""Run the engine over files, in parallel, and write what `fix` changed."""

from __future__ import annotations

import ast
import ctypes
import errno
import io
import os
import queue
import sys
import threading
import tokenize
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace

from kerasfix.diagnostics import Finding, Span
from kerasfix.engine import Settings, SourceResult, run_source
from kerasfix.files import write_atomic
from kerasfix.signals import deferred, terminate_as_interrupt, worker_init

MAX_FILE_MB = 2  # larger Python files that the engine would parse are not analysed (KF000)
# The analysis thread's stack, per MB of the largest file analysed: libcst's native parser
# takes about 1 KB of stack per term of `a or a or ...` (5 bytes). Virtual memory: only
# what is used is paid for.
STACK_PER_MB = 512
RECURSION_LIMIT = 100_000  # while a retried analysis runs, in that thread


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
            return _unreadable(path, _why_unreadable(path, exc))
    entry = None
    if cache_dir and not write and not keep_text and not settings.fix:
        from kerasfix import cache

        entry = cache.entry_path(cache_dir, settings, data, path.endswith(".ipynb"))
        cached = cache.load(entry)
        if cached is not None:
            return FileResult(path, [replace(f, path=path) for f in cached])
    refused = _refuse(path, data)
    if refused is not None:
        return refused
    try:
        try:
            result = _analyse(path, data, settings)
        except RecursionError as exc:
            if _in_python_parser(exc):
                raise
            # libcst and the visitors recurse once per level of nesting (about 7 frames for
            # each nested call): again, with a higher limit, on the analysis thread's stack.
            result = _analyse(path, data, settings, RECURSION_LIMIT)
    except (RecursionError, MemoryError) as exc:
        return _unreadable(path, _too_deep(exc), _deepest_line(data))
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


def _unreadable(path: str, why: str, line: int = 1, column: int = 1) -> FileResult:
    finding = Finding(Span(line, column, line, column), "KF000", why, "error", None, None,
                      path=path)
    return FileResult(path, [finding], not_analysed=why)


def _why_unreadable(path: str, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return f"cannot read: symbolic link loop ({exc.strerror})"
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return f"cannot read: broken symbolic link to {os.readlink(path)!r}"
    if os.path.isdir(path):  # files.discover returns the folders it could not list
        try:
            os.listdir(path)
        except OSError as err:
            return f"cannot read folder: {err.strerror or err}"
    return f"cannot read: {exc.strerror or exc}"


def _deepest_line(data: bytes) -> int:
    """Where code too deep to analyse most likely is: the logical line with the most tokens
    (a long `a + b + ...` chain, or deep brackets). Line 1 if the file does not tokenize."""
    best, most, line, count = 1, 0, 1, 0
    try:
        for tok in tokenize.tokenize(io.BytesIO(data).readline):
            if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                if count > most:
                    best, most = line, count
                count = 0
            elif tok.type not in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT,
                                  tokenize.DEDENT, tokenize.ENCODING):
                if count == 0:
                    line = tok.start[0]
                count += 1
    except (SyntaxError, ValueError, UnicodeDecodeError, tokenize.TokenError):
        pass
    return best


def _max_bytes() -> int:
    """KERASFIX_MAX_FILE_MB (default MAX_FILE_MB; 0: no limit). libcst needs about 1 GB of
    memory, and 15 seconds, per MB of source."""
    try:
        mb = float(os.environ.get("KERASFIX_MAX_FILE_MB", MAX_FILE_MB))
    except ValueError:
        mb = MAX_FILE_MB
    return int(mb * 2**20) if mb > 0 else sys.maxsize


def _refuse(path: str, data: bytes) -> FileResult | None:
    """KF000 for a Python file that is binary, UTF-16/32, or too large to analyse."""
    if path.endswith(".ipynb"):
        return None  # JSON: its outputs may be large, its code cells rarely are
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _unreadable(path, "cannot decode: the file is UTF-16 or UTF-32 (it starts with "
                                 "that byte-order mark); Python reads UTF-8, or the encoding a "
                                 "coding line names")
    nul = data.find(b"\0")
    if nul >= 0:
        line_start = data.rfind(b"\n", 0, nul) + 1
        return _unreadable(path, "cannot parse: NUL byte (is this a binary file?)",
                           data.count(b"\n", 0, nul) + 1, nul - line_start + 1)
    limit = _max_bytes()
    if len(data) > limit and _worth_parsing(data):
        return _unreadable(path, f"cannot analyse: {_size(len(data))} is over the "
                                 f"{_size(limit)} limit per file (KERASFIX_MAX_FILE_MB)")
    return None


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 1024:.1f} KB"


def _worth_parsing(data: bytes) -> bool:
    """Whether the engine would parse this source (its byte pre-filters), not skip it."""
    from kerasfix.engine import _builds_models, _has_suppressions
    from kerasfix.migrate.prefilter import imports_keras, mentions_rule_token

    return imports_keras(data) and (mentions_rule_token(data) or _builds_models(data)
                                    or _has_suppressions(data))


def _analyse(path: str, data: bytes, settings: Settings, limit: int = 0) -> SourceResult:
    if path.endswith(".ipynb"):
        from kerasfix.notebooks import run_notebook

        return _DEEP.run(limit, run_notebook, data, settings)
    if _worth_parsing(data):
        return _DEEP.run(limit, run_source, data, settings)
    return run_source(data, settings)  # pre-filtered: nothing is parsed


def _in_python_parser(exc: BaseException) -> bool:
    """Whether Python's own parser (ast.parse) gave up: then Python could not compile the
    file either (at its default recursion limit), and no retry is due."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and tb.tb_frame.f_code is ast.parse.__code__


def _too_deep(exc: BaseException) -> str:
    if _in_python_parser(exc):
        return ("cannot parse: the code is nested too deeply for Python's parser "
                f"({type(exc).__name__})")
    if isinstance(exc, MemoryError):
        return "cannot analyse: out of memory"
    return "cannot analyse: the code is nested too deeply for kerasfix (RecursionError)"


class _DeepThread:
    """One long-lived thread per process, with a large stack, that runs the analyses.

    libcst's parser (native code) and its visitors recurse once per level of nesting: on
    the main thread's 8 MB stack, `a and a and ... a` with 10,000 terms crashes the process
    (SIGSEGV), and 150 nested calls exceed Python's recursion limit. Here the stack holds
    the largest file analysed (STACK_PER_MB), and a retry may raise the recursion limit
    (`limit`, while the job runs); deeper code is reported as not analysed, and the other
    files go on. If no such thread can be started, the analyses run on the caller's.
    """

    def __init__(self) -> None:
        self._pid = -1
        self._thread: threading.Thread | None = None
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()

    def _start(self) -> bool:
        self._pid = os.getpid()  # after a fork, the thread is gone: start another
        self._jobs = queue.SimpleQueue()
        old = threading.stack_size()
        try:
            mb = min(4096, max(256, STACK_PER_MB * _max_bytes() // 2**20))
            threading.stack_size(mb * 2**20)
            self._thread = threading.Thread(target=self._serve, args=(self._jobs,),
                                            daemon=True, name="kerasfix-analysis")
            self._thread.start()
        except (RuntimeError, ValueError, MemoryError):  # no memory for such a stack
            self._thread = None
            return False
        finally:
            threading.stack_size(old)
        return True

    @staticmethod
    def _serve(jobs: queue.SimpleQueue) -> None:
        while True:
            fn, args, reply, done = jobs.get()
            try:
                try:
                    result = (True, fn(*args))
                except BaseException as exc:  # handed to the caller
                    result = (False, exc)
                reply.put(result)
            finally:
                done.set()

    def run(self, limit: int, fn, *args):
        """fn(*args) on the thread; `limit`: the recursion limit meanwhile (0: unchanged)."""
        if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
            if not self._start():
                return fn(*args)
        reply: queue.SimpleQueue = queue.SimpleQueue()
        done = threading.Event()
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, limit))  # process-wide, but the caller only waits
        try:
            self._jobs.put((fn, args, reply, done))
            try:
                ok, value = reply.get()
            except BaseException:  # Ctrl-C: stop the job before the process exits
                self._abandon(done)
                raise
        finally:
            sys.setrecursionlimit(old)
        if not ok:
            raise value
        return value

    def _abandon(self, done: threading.Event) -> None:
        """Stop the running job (a KeyboardInterrupt raised in the thread) and wait until it
        has: a process that exits while libcst's native code runs in a thread is aborted
        (SIGABRT, exit code 134) instead of exiting with its own exit code. The thread is not
        used again. A second Ctrl-C stops the waiting."""
        self._pid = -1
        thread = self._thread
        if thread is None or done.is_set():
            return
        api = getattr(ctypes, "pythonapi", None)  # CPython's C API
        if api is None:
            return
        api.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident),
                                      ctypes.py_object(KeyboardInterrupt))
        while not done.wait(0.05) and thread.is_alive():
            pass


_DEEP = _DeepThread()


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
    with terminate_as_interrupt():  # SIGTERM, like Ctrl-C, also ends the workers
        if jobs == 1 or len(tasks) < 4:
            fresh = [_process_star(t) for t in tasks]
        else:
            fresh = _in_workers(tasks, jobs)
    done.update((r.path, r) for r in fresh)
    return [done[p] for p in paths]


def _in_workers(tasks: list[tuple], jobs: int) -> list[FileResult]:
    """`process` on each task in worker processes; on Ctrl-C (or any error) the workers are
    ended at once (SIGTERM, which a worker obeys only between two writes: signals.py) and
    the exception goes on, rather than waiting for every queued file to be done."""
    size = max(1, len(tasks) // (jobs * 8))
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=worker_init)
    try:
        # Not pool.map: its futures are cancelled on Ctrl-C, and Python 3.11's pool then
        # raises InvalidStateError in its thread (a traceback) when the workers are ended.
        with deferred():  # the workers are forked here: no Ctrl-C before they ignore it
            futures = [pool.submit(_process_chunk, tasks[i:i + size])
                       for i in range(0, len(tasks), size)]
        fresh = [result for future in futures for result in future.result()]
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()
    return fresh


def _process_chunk(tasks: list[tuple]) -> list[FileResult]:
    return [process(*task) for task in tasks]


def _stop(pool: ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for proc in processes:
        try:
            proc.terminate()
        except (OSError, ValueError):
            pass
    for proc in processes:
        proc.join(timeout=30)
    pool.shutdown(wait=True)  # it finds its workers dead, and fails the queued files
