"""Command line: parsing options, choosing the output, computing the exit code. Nothing else.

Exit codes: 0 nothing found (or nothing left after fix); 1 findings remain (or --diff would
change something); 2 usage or internal error; 3 some input could not be analysed.
Precedence 2 > 3 > 1 > 0.
"""

from __future__ import annotations

import os
import sys

import click

from kerasfix import __version__
from kerasfix.signals import Group  # Ctrl-C: one line, exit code 130

# Kept here, not in output.py: `kerasfix --version` must not import the engine.
FORMATS = ["text", "concise", "grouped", "json", "jsonl", "github", "gitlab", "junit", "sarif",
           "markdown"]

SOURCES = ["auto", "keras1", "keras2", "tf.keras"]


def _common(f):
    options = [
        click.argument("paths", nargs=-1, type=click.Path()),
        # Defaults are None so that "not given" can fall back to the config file.
        click.option("--from", "source", type=click.Choice(SOURCES), default=None,
                     help="Which Keras the code was written for; decides ambiguous positionals "
                          "[default: auto]."),
        click.option("--target", type=click.Choice(["keras3", "keras2"]), default=None,
                     help="keras3: migrate to Keras 3; keras2: only the Keras 1 -> 2 rules, "
                          "for code that stays on tf_keras [default: keras3]."),
        click.option("--select", default=None, help="Only these codes, prefixes (KF1) or names."),
        click.option("--ignore", default=None, help="Skip these codes, prefixes or names."),
        click.option("--unsafe-fixes/--no-unsafe-fixes", default=None,
                     help="Also apply fixes that may change behaviour."),
        click.option("--output-format", type=click.Choice(FORMATS), default=None,
                     help="[default: text]"),
        click.option("-j", "--jobs", type=click.IntRange(min=0), default=None,
                     help="Worker processes (default: number of CPUs)."),
        click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain."),
        click.option("-o", "--output-file", type=click.Path(dir_okay=False),
                     help="Write the main output to this file."),
        click.option("--report", "reports", multiple=True, metavar="FORMAT:PATH",
                     help="Also write FORMAT to PATH (repeatable), e.g. sarif:kerasfix.sarif."),
        click.option("--statistics", is_flag=True, help="Per-rule counts after the findings."),
        click.option("--notebooks/--no-notebooks", default=True,
                     help="Check Jupyter notebooks found in folders [default: on]; a notebook "
                          "named on the command line is always checked."),
        click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
                     help="Colour text/concise output: auto = when stdout is a terminal."),
        click.option("--force-exclude", is_flag=True,
                     help="Apply the config's exclude to paths given explicitly too "
                          "(for pre-commit, which names every file)."),
        click.option("--no-cache", is_flag=True, envvar="KERASFIX_NO_CACHE",
                     help="Neither read nor write the cache."),
        click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
                     envvar="KERASFIX_CACHE_DIR",
                     help="Where `check` caches findings [default: .kerasfix_cache]."),
        click.option("--stdin-filename", default=None, metavar="NAME",
                     help="Read the source from stdin and report it as NAME; `fix` prints the "
                          "fixed source to stdout and what remains to stderr."),
        *_config_options(),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _config_options():
    return [
        click.option("--config", "config_file", type=click.Path(dir_okay=False),
                     help="Use this config file only (no search for the closest one)."),
        click.option("--isolated", is_flag=True, help="Ignore all config files."),
    ]


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kerasfix")
def main() -> None:
    """Lint and migrate legacy Keras 1 / Keras 2 code to Keras 3, statically."""


class _CheckCommand(click.Command):
    """`--add-suppressions[=REASON]`: the reason only with `=`, so that
    `check --add-suppressions src/` still checks src/ (click's optional values would take
    `src/` as the reason)."""

    def parse_args(self, ctx, args):
        out = []
        for i, arg in enumerate(args):
            if arg == "--":
                out += args[i:]
                break
            if arg.startswith("--add-suppressions="):
                out += ["--add-suppressions", "--suppression-reason", arg.partition("=")[2]]
            else:
                out.append(arg)
        return super().parse_args(ctx, out)


@main.command(cls=_CheckCommand)
@_common
@click.option("--add-suppressions", is_flag=True,
              help="Baseline: add `# kerasfix: ignore[CODE]` to every current finding; "
                   "`--add-suppressions=REASON` puts REASON after it.")
@click.option("--suppression-reason", default="", hidden=True)
def check(paths, **options) -> None:
    """Report legacy Keras API uses (read-only)."""
    sys.exit(_run(paths, fix=False, diff=False, **options))


@main.command()
@_common
@click.option("--diff", is_flag=True, help="Write nothing; print the diff and what is left.")
@click.option("--exit-non-zero-on-fix", is_flag=True,
              help="Exit 1 when any file was changed, even if nothing is left.")
@click.option("--todo-comments/--no-todo-comments", default=True,
              help="Write `# TODO(kerasfix): KFxxx ...` above what cannot be converted, and "
                   "remove those no longer needed [default: on].")
def fix(paths, **options) -> None:
    """Rewrite legacy Keras code to Keras 3 in place, then report what is left."""
    sys.exit(_run(paths, fix=True, **options))


def _run(paths, *, fix, diff, source, target, select, ignore, unsafe_fixes, output_format, jobs,
         exit_zero, config_file, isolated, output_file, reports, statistics, color="auto",
         force_exclude=False, add_suppressions=False, suppression_reason="",
         exit_non_zero_on_fix=False, notebooks=True, no_cache=False, cache_dir=None,
         stdin_filename=None, todo_comments=True) -> int:
    from kerasfix.config import ConfigError, Resolver
    from kerasfix.emit import baseline, emit, print_diffs
    from kerasfix.engine import Settings
    from kerasfix.files import discover
    from kerasfix.registry import names_to_codes
    from kerasfix.selection import Selection, SelectionError

    try:  # each file gets its closest config; the first PATH's sets run-wide values (jobs...)
        resolver = Resolver(config_file, isolated)
        config = resolver((paths or ["."])[0])
    except ConfigError as exc:
        click.echo(f"kerasfix: error: {exc}", err=True)
        return 2
    names = names_to_codes()
    try:
        Selection.parse(*config.selectors(select, ignore), names)  # a bad --select: exit 2 now
    except SelectionError as exc:
        click.echo(f"kerasfix: error: {exc}", err=True)
        return 2
    targets = list(paths) or ["."]
    try:
        if force_exclude:  # pre-commit names every file: the config's exclude must still apply
            targets = [p for p in targets if not resolver(p).force_excluded(p)]
        stdin = None
        if stdin_filename is not None:  # the source comes from stdin; NAME need not exist
            if paths or add_suppressions:
                click.echo("kerasfix: error: --stdin-filename takes no PATHS and no "
                           "--add-suppressions", err=True)
                return 2
            stdin = getattr(sys.stdin, "buffer", sys.stdin).read()
            skip = force_exclude and resolver(stdin_filename).force_excluded(stdin_filename)
            files, missing = ([] if skip else [stdin_filename]), []
        else:
            files, missing = discover(
                targets, lambda p: resolver(os.path.dirname(p)).excluded(p), notebooks,
                gitignore=lambda p: resolver(p)["respect-gitignore"])
        for path in files:
            resolver(path)  # every config error now, before any file is touched
    except ConfigError as exc:
        click.echo(f"kerasfix: error: {exc}", err=True)
        return 2
    for path in missing:
        click.echo(f"kerasfix: error: {path}: no such file or folder", err=True)
    built: dict[int, Settings] = {}

    def settings(path):
        """The Settings from `path`'s config, command-line options beating it."""
        own = resolver(path)
        if id(own) not in built:
            chosen = Selection.parse(*own.selectors(select, ignore), names)
            built[id(own)] = Settings(
                source=_given(source, own["from"]), fix=fix, selection=chosen,
                target=_given(target, own["target"]),
                unsafe_fixes=_given(unsafe_fixes, own["unsafe-fixes"]),
                fixable=own.fixable(names), data_format=own.data_format(),
                todo_comments=todo_comments)
        return built[id(own)]

    if jobs is None and os.environ.get("PRE_COMMIT"):
        jobs = 1  # pre-commit already runs one kerasfix per CPU (spec 6.11)
    cache = None if no_cache else os.path.abspath(_given(cache_dir, config["cache-dir"]))
    results = _run_files(files, settings, resolver, names, write=fix and not diff and stdin is None,
                         keep_text=diff or add_suppressions or stdin is not None,
                         jobs=_given(jobs, config["jobs"]), cache_dir=cache, stdin=stdin)
    from kerasfix.output import MEMORY

    MEMORY.clear()  # sources of an earlier run in this process (tests) are not this run's
    if stdin is not None:
        fixed = results[0].new if results and results[0].new is not None else stdin
        MEMORY[stdin_filename] = fixed if fix and not diff else stdin
    if diff:  # what remains is located in the fixed text (the diff's `b/` side): show that
        MEMORY.update((r.path, r.new) for r in results if r.new is not None)
    if add_suppressions:
        return baseline(results, suppression_reason, missing,
                        lambda paths: _run_files(paths, settings, resolver, names, write=False,
                                                 keep_text=False,
                                                 jobs=_given(jobs, config["jobs"])))
    shown = [f for r in results for f in r.findings if f.kind != "fixed" or not fix]
    if diff:
        print_diffs(results)
    output_format = _given(output_format, config["output-format"])
    view = _View(results, shown, {code: name for name, code in names.items()}, diff, files, fix)
    try:
        if stdin is not None and fix and not diff:  # the source to stdout, findings to stderr
            _stdout_bytes(fixed)
            _emit_stderr(view, output_format, output_file, reports, statistics, color)
        else:
            emit(view, output_format, output_file, reports, statistics, color)
    except (OSError, ValueError) as exc:
        click.echo(f"kerasfix: error: {exc}", err=True)
        return 2
    code = _exit_code(results, shown, missing, diff, exit_zero)
    if code == 0 and exit_non_zero_on_fix and not exit_zero and any(r.changed for r in results):
        return 1
    return code


def _stdout_bytes(data: bytes) -> None:
    out = sys.stdout
    out.flush()
    getattr(out, "buffer", out).write(data)
    getattr(out, "buffer", out).flush()


def _emit_stderr(view, output_format, output_file, reports, statistics, color):
    """`fix --stdin-filename`: stdout holds the fixed source, so findings go to stderr."""
    from kerasfix.emit import emit
    from kerasfix.output import render, statistics_table

    if output_file or reports:
        emit(view, output_format, output_file or os.devnull, reports, statistics, color)
    if not output_file:
        text = render(view, output_format) + (statistics_table(view) if statistics else "")
        click.echo(text, nl=False, err=True)


def _given(cli_value, config_value):
    return config_value if cli_value is None else cli_value


def _run_files(files, settings, resolver, names, **kwargs):
    """Run files in groups sharing the same config and per-file-ignores.

    `settings(path)` and `resolver(path)`: the file's Settings and its closest config.
    The ignored rules are taken out of each group's selection rather than filtered from the
    findings afterwards, so that `fix` does not rewrite what per-file-ignores switched off.
    """
    from dataclasses import replace

    from kerasfix.runner import run_all
    from kerasfix.selection import Selection

    groups: dict[tuple, tuple] = {}
    for path in files:
        config = resolver(path)
        key = (id(config), config.ignores_for(path))
        groups.setdefault(key, (settings(path), []))[1].append(path)
    results = []
    for (_, extra), (base, group) in groups.items():
        ignored = Selection.parse("", ",".join(extra), names).ignore  # rule names -> codes
        selection = replace(base.selection, ignore=base.selection.ignore + ignored)
        results += run_all(group, replace(base, selection=selection), **kwargs)
    order = {path: i for i, path in enumerate(files)}
    return sorted(results, key=lambda r: order[r.path])


def _View(results, shown, code_names, diff, files, fix=False):
    from kerasfix.output import View

    return View(results, shown, code_names, diff, files, fix)


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
              default=None,
              help="The default image_data_format to trace under (keras.json's setting) "
                   "[default: the config's shape.data-format, else channels_last].")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text")
def shapes(files, data_format, output_format) -> None:
    """Print every model's layers and output shapes, computed statically."""
    from kerasfix.config import ConfigError, resolve
    from kerasfix.shapes import report
    from kerasfix.shapes.api import trace_source

    if data_format is None:
        try:
            data_format = resolve(files[0])["shape.data-format"]
        except ConfigError as exc:
            click.echo(f"kerasfix: error: {exc}", err=True)
            sys.exit(2)
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


@main.command("config")
@click.argument("path", required=False, type=click.Path())
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text")
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="Read this config file only.")
@click.option("--isolated", is_flag=True, help="Ignore all config files (show the defaults).")
def config_command(path, output_format, config_file, isolated) -> None:
    """Show the resolved configuration for PATH and where each value comes from."""
    from kerasfix.config import ConfigError, describe, resolve

    try:
        config = resolve(path or ".", config_file, isolated)
    except ConfigError as exc:
        click.echo(f"kerasfix: error: {exc}", err=True)
        sys.exit(2)
    click.echo(describe(config, output_format == "json"), nl=False)
