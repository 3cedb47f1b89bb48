"""Where a run's output goes: stdout (coloured on a terminal), -o FILE, --report FORMAT:PATH,
the --diff text, and the --add-suppressions summary."""

from __future__ import annotations

import difflib
import os
import sys

import click

from kerasfix.cli import FORMATS


def emit(view, output_format, output_file, reports, statistics, color="auto") -> None:
    """The main output (to stdout or -o), then every --report FORMAT:PATH."""
    from kerasfix.output import render, statistics_table

    text = render(view, output_format)
    styled = output_format in ("text", "concise") and not output_file and _colour(color)
    if styled:
        from kerasfix.color import colorize

        text = colorize(text, view.shown)
    if statistics:
        text += statistics_table(view)
    if output_file:
        with open(output_file, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        click.echo(text, nl=False, color=True if styled else None)
    for spec in reports:
        fmt, sep, path = spec.partition(":")
        if not sep or fmt not in FORMATS or not path:
            raise ValueError(f"--report takes FORMAT:PATH with FORMAT one of "
                             f"{', '.join(FORMATS)}; got {spec!r}")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(report(view, fmt))
    for r in view.results:
        if r.internal_error:
            click.echo(f"kerasfix: {r.path}: {r.internal_error}", err=True)


def report(view, fmt: str) -> str:
    """What `--report FMT:PATH` writes: the output format FMT, except `json`, which is the
    migration report for tools (the markdown report's data); `--output-format json` and
    `--report jsonl:PATH` give the findings themselves."""
    if fmt == "json":
        from kerasfix.migration_report import json_report

        return json_report(view)
    from kerasfix.output import render

    return render(view, fmt)


def _colour(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    return not os.environ.get("NO_COLOR") and sys.stdout.isatty()


def baseline(results, reason, missing, rerun) -> int:
    """--add-suppressions: write the comments, then check the written files again."""
    from kerasfix.baseline import add_suppressions
    from kerasfix.output import concise_line

    outcome = add_suppressions(results, reason)
    again = {r.path: r for r in rerun(outcome.files)} if outcome.files else {}
    left = [f for r in results for f in (again[r.path].findings if r.path in again
                                         else r.findings if not r.not_analysed else [])]
    n, c = len(outcome.files), outcome.comments
    click.echo(f"Added {c} suppression comment{'s' * (c != 1)} for {outcome.suppressed} "
               f"finding{'s' * (outcome.suppressed != 1)} in {n} file{'s' * (n != 1)}.")
    if left:
        click.echo(f"  {len(left)} finding{'s' * (len(left) != 1)} not suppressed "
                   f"(KF000/KF90x cannot be; see `kerasfix check`):")
        click.echo("".join(f"    {concise_line(f)}\n" for f in left), nl=False)
    bad = [(r.path, r.not_analysed) for r in results if r.not_analysed] + outcome.not_written
    if bad:
        click.echo(f"  {len(bad)} file{'s' * (len(bad) != 1)} not analysed or not written:")
        click.echo("".join(f"    {path}: {why}\n" for path, why in bad), nl=False)
    for r in results:
        if r.internal_error:
            click.echo(f"kerasfix: {r.path}: {r.internal_error}", err=True)
    if missing or any(r.internal_error for r in results):
        return 2
    return 3 if bad else 0


def print_diffs(results) -> None:
    for r in results:
        if r.new is None:
            continue
        old = r.original.decode("utf-8", "replace").splitlines(keepends=True)
        new = r.new.decode("utf-8", "replace").splitlines(keepends=True)
        click.echo("".join(difflib.unified_diff(old, new, f"a/{r.path}", f"b/{r.path}")), nl=False)
