"""Ctrl-C and SIGTERM: stop at once, never with a half-written file or a stray temporary file.

- A write (`files.write_atomic`: temporary file, then `os.replace`) runs with SIGINT and
  SIGTERM deferred: a signal that arrives meanwhile takes effect once the write is complete.
- Worker processes ignore SIGINT (a terminal's Ctrl-C reaches the whole process group): the
  main process decides, and ends them with SIGTERM (`runner.run_all`), which a worker only
  obeys between two writes.
- The command line turns the interrupt into one line and exit code 130 (143 for SIGTERM),
  not click's "Aborted!" with exit code 1, which means "findings remain".
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator

import click

_DEFERRED = (signal.SIGINT, signal.SIGTERM)


class Terminated(KeyboardInterrupt):
    """SIGTERM (a CI job cancelled, `timeout`): handled like Ctrl-C, exit code 143."""


def _on_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block is done, then deliver them.

    Only the main thread can set signal handlers; elsewhere the block runs unprotected
    (signals are delivered to the main thread anyway).
    """
    if not _on_main_thread():
        yield
        return
    received: list[int] = []
    old = {}
    for signum in _DEFERRED:
        old[signum] = signal.signal(signum, lambda n, _frame: received.append(n))
    try:
        yield
    finally:
        for signum, handler in old.items():
            signal.signal(signum, handler)
        for signum in dict.fromkeys(received):
            signal.raise_signal(signum)  # the handler in place before the block decides


def _raise_terminated(_signum, _frame):
    raise Terminated()


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """In the block, SIGTERM interrupts the main process like Ctrl-C (when it would
    otherwise kill it), so that worker processes are ended too."""
    if not _on_main_thread() or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def worker_init() -> None:
    """Worker processes: Ctrl-C is the main process's business; SIGTERM ends the worker
    (between writes: see `deferred`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


class Group(click.Group):
    """A click group whose commands exit 130 on Ctrl-C (143 on SIGTERM) with one line."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            terminated = isinstance(exc, Terminated)
            what = "terminated" if terminated else "interrupted"
            if ctx.invoked_subcommand == "fix":
                what += ("; no file was left half-written: each is either unchanged or "
                         "completely fixed (run `kerasfix fix` again to finish)")
            # A blank line first closes the terminal's `^C` echo.
            newline = "\n" if sys.stderr.isatty() else ""
            click.echo(f"{newline}kerasfix: {what}", err=True)
            ctx.exit(143 if terminated else 130)
