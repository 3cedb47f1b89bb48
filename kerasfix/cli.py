"""Command line: parsing options, choosing the output, computing the exit code. Nothing else.

Exit codes: 0 nothing found (or nothing left after fix); 1 findings remain (or --diff would
change something); 2 usage or internal error; 3 some input could not be analysed.
Precedence 2 > 3 > 1 > 0.
"""

from __future__ import annotations

import difflib
import sys

import click

from kerasfix import __version__

SOURCES = ["auto", "keras1", "keras2", "tf.keras"]
FORMATS = ["text", "concise", "json"]


def _common(f):
    options = [
        click.argument("paths", nargs=-1, type=click.Path()),
        click.option("--from", "source", type=click.Choice(SOURCES), default="auto",
                     show_default=True,
                     help="Which Keras the code was written for; decides ambiguous positionals."),
        click.option("--select", default="", help="Only these codes, prefixes (KF1) or names."),
        click.option("--ignore", default="", help="Skip these codes, prefixes or names."),
        click.option("--unsafe-fixes", is_flag=True,
                     help="Also apply fixes that may change behaviour."),
        click.option("--output-format", type=click.Choice(FORMATS), default="text",
                     show_default=True),
        click.option("-j", "--jobs", type=int, default=0,
                     help="Worker processes (default: number of CPUs)."),
        click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kerasfix")
def main() -> None:
    """Lint and migrate legacy Keras 1 / Keras 2 code to Keras 3, statically."""


@main.command()
@_common
def check(paths, **options) -> None:
    """Report legacy Keras API uses (read-only)."""
    sys.exit(_run(paths, fix=False, diff=False, **options))


@main.command()
@_common
@click.option("--diff", is_flag=True, help="Write nothing; print the diff and what is left.")
def fix(paths, **options) -> None:
    """Rewrite legacy Keras code to Keras 3 in place, then report what is left."""
    sys.exit(_run(paths, fix=True, **options))


def _run(paths, *, fix, diff, source, select, ignore, unsafe_fixes, output_format, jobs,
         exit_zero) -> int:
    from kerasfix.engine import Settings
    from kerasfix.files import discover
    from kerasfix.registry import names_to_codes
    from kerasfix.runner import run_all
    from kerasfix.selection import Selection, SelectionError

    names = names_to_codes()
    try:
        selection = Selection.parse(select, ignore, names)
    except SelectionError as exc:
        click.echo(f"kerasfix: error: {exc}", err=True)
        return 2
    files, missing = discover(list(paths) or ["."])
    for path in missing:
        click.echo(f"kerasfix: error: {path}: no such file or folder", err=True)
    settings = Settings(source=source, fix=fix, unsafe_fixes=unsafe_fixes, selection=selection)
    results = run_all(files, settings, write=fix and not diff, keep_text=diff, jobs=jobs)
    shown = [f for r in results for f in r.findings if f.kind != "fixed" or not fix]
    if diff:
        _print_diffs(results)
    _print(results, shown, output_format, {code: name for name, code in names.items()}, diff)
    return _exit_code(results, shown, missing, diff, exit_zero)


def _print(results, shown, output_format, code_names, diff) -> None:
    from kerasfix import output

    if output_format == "json":
        click.echo(output.render_json(shown, code_names), nl=False)
    else:
        click.echo(output.render_text(shown, concise=output_format == "concise"), nl=False)
        click.echo(output.footer(results, shown, diff), nl=False)
    for r in results:
        if r.internal_error:
            click.echo(f"kerasfix: {r.path}: {r.internal_error}", err=True)


def _print_diffs(results) -> None:
    for r in results:
        if r.new is None:
            continue
        old = r.original.decode("utf-8", "replace").splitlines(keepends=True)
        new = r.new.decode("utf-8", "replace").splitlines(keepends=True)
        click.echo("".join(difflib.unified_diff(old, new, f"a/{r.path}", f"b/{r.path}")), nl=False)


def _exit_code(results, shown, missing, diff, exit_zero) -> int:
    if missing or any(r.internal_error for r in results):
        return 2
    if any(r.not_analysed for r in results):
        return 3
    if (shown or (diff and any(r.new for r in results))) and not exit_zero:
        return 1
    return 0


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--data-format", type=click.Choice(["channels_last", "channels_first"]),
              default="channels_last", show_default=True,
              help="The default image_data_format to trace under (keras.json's setting).")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text")
def shapes(files, data_format, output_format) -> None:
    """Print every model's layers and output shapes, computed statically."""
    from kerasfix.shapes import report
    from kerasfix.shapes.api import trace_source

    items, status = [], 0
    for path in files:
        try:
            with open(path, "rb") as fh:
                traces = trace_source(fh.read(), data_format)
        except (OSError, SyntaxError, ValueError) as exc:
            click.echo(f"kerasfix: {path}: cannot analyse: {exc}", err=True)
            status = 3
            continue
        if output_format == "json":
            items += report.as_json(path, traces)
        else:
            click.echo(report.as_text(path, traces), nl=False)
        if any(t.failed for t in traces):
            status = max(status, 1)
    if output_format == "json":
        click.echo(report.render_json(items), nl=False)
    sys.exit(status)


@main.command()
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text")
def rules(output_format) -> None:
    """List every rule: code, name, fix, summary."""
    from kerasfix import docs

    click.echo(docs.rules_table(output_format), nl=False)


@main.command()
@click.argument("code")
def rule(code) -> None:
    """Explain one rule (by code or name), with its examples."""
    from kerasfix import docs
    from kerasfix.registry import by_code_or_name

    found = by_code_or_name(code)
    if found is None:
        click.echo(f"kerasfix: error: unknown rule {code!r} (see `kerasfix rules`)", err=True)
        sys.exit(2)
    click.echo(docs.explain(found), nl=False)
