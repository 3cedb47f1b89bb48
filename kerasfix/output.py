"""Render findings: text (ruff-like frames), concise (one line each), json; the CI formats
are in formats.py."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass

from kerasfix.diagnostics import Finding
from kerasfix.runner import FileResult


def _marker(f: Finding) -> str:
    return " [*]" if f.kind == "fixable" else ""


def location(f: Finding) -> str:
    """`line:col`, or `cell N:line:col` in a notebook (the line counted within the cell)."""
    cell = f"cell {f.cell}:" if f.cell else ""
    return f"{cell}{f.span.line}:{f.span.column}"


def concise_line(f: Finding) -> str:
    return f"{f.path}:{location(f)}: {f.code}{_marker(f)} {f.message}"


def _frame(f: Finding, lines: list[str]) -> list[str]:
    out = [concise_line(f)]
    if 0 < f.span.line <= len(lines):
        text = lines[f.span.line - 1].rstrip("\r\n")
        width = len(str(f.span.line))
        end = f.span.end_column if f.span.end_line == f.span.line else len(text) + 1
        carets = "^" * max(1, end - f.span.column)
        pad = " " * width
        marker = " " * (f.span.column - 1) + carets
        out += [f"{pad} |", f"{f.span.line} | {text}", f"{pad} | {marker}"]
    if f.help:
        kind = " (unsafe fix: `--unsafe-fixes`)" if f.kind == "unsafe" else ""
        out.append(f"help: {f.help}{kind}")
    return out + [""]


# Sources that are not on disk (--stdin-filename): path -> bytes, for the frames.
MEMORY: dict[str, bytes] = {}


def _source_lines(path: str) -> list[str] | dict[int, list[str]]:
    """The file's lines; for a notebook, each cell's lines by cell number."""
    if path.endswith(".ipynb"):
        from kerasfix.notebooks import cell_lines

        return cell_lines(path, MEMORY.get(path))
    return file_lines(path)


def file_lines(path: str) -> list[str]:
    """A source's lines, from memory (--stdin-filename) or disk; [] if unreadable."""
    if path in MEMORY:
        return MEMORY[path].decode("utf-8", "replace").splitlines()
    try:
        with open(path, "rb") as fh:
            return fh.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return []


def render_text(findings: list[Finding], concise: bool) -> str:
    if concise:
        return "".join(concise_line(f) + "\n" for f in findings)
    out: list[str] = []
    cache: dict[str, list[str]] = {}
    for f in findings:
        if f.path not in cache:
            cache[f.path] = _source_lines(f.path)
        lines = cache[f.path]
        out += _frame(f, lines.get(f.cell, []) if isinstance(lines, dict) else lines)
    return "\n".join(out) + ("\n" if out else "")


def footer(results: list[FileResult], shown: list[Finding], diff: bool = False) -> str:
    counts = Counter(f.kind for r in results for f in r.findings if f.code != "KF000")
    files = len({f.path for f in shown})
    lines = []
    if shown:
        lines.append(f"Found {len(shown)} finding{'s' * (len(shown) != 1)} in {files} "
                     f"file{'s' * (files != 1)}.")
    elif not any(r.not_analysed or r.internal_error for r in results):
        lines.append(f"All checks passed ({len(results)} file{'s' * (len(results) != 1)}).")
    fixed = "would be fixed" if diff else "fixed"
    parts = [f"{counts['fixed']} {fixed}"] if counts["fixed"] else []
    parts += [f"{counts['fixable']} fixable with `kerasfix fix`"] if counts["fixable"] else []
    parts += [f"{counts['unsafe']} more with `--unsafe-fixes`"] if counts["unsafe"] else []
    parts += [f"{counts['manual']} need manual changes"] if counts["manual"] else []
    if parts:
        lines.append("  " + " · ".join(parts))
    for label, attr in (("not analysed", "not_analysed"), ("internal error", "internal_error")):
        bad = [r for r in results if getattr(r, attr)]
        if bad:
            lines.append(f"  {len(bad)} file{'s' * (len(bad) != 1)} {label}:")
            lines += [f"    {r.path}: {getattr(r, attr)}" for r in bad]
    return "\n".join(lines) + "\n"


def as_json(f: Finding, names: dict[str, str]) -> dict:
    fix = None
    if f.fix is not None:
        fix = {"applicability": f.fix.applicability, "applied": f.fix.applied,
               "replacement": f.fix.replacement,
               "location": {"line": f.span.line, "column": f.span.column},
               "end_location": {"line": f.span.end_line, "column": f.span.end_column}}
    out = {"path": f.path, "line": f.span.line, "column": f.span.column,
           "end_line": f.span.end_line, "end_column": f.span.end_column, "code": f.code,
           "name": names.get(f.code, ""), "message": f.message, "severity": f.severity,
           "fix": fix, "help": f.help}
    if f.cell:  # a notebook: line and column count within this cell
        out["cell"] = f.cell
    return out


def render_json(findings: list[Finding], names: dict[str, str]) -> str:
    return json.dumps([as_json(f, names) for f in findings], indent=2) + "\n"


@dataclass
class View:
    """What a run shows: every result, the findings to show, and how to name rules."""

    results: list
    shown: list
    code_names: dict
    diff: bool
    files: list
    fix: bool = False  # a `fix` run (with or without --diff)


def render(view: View, fmt: str) -> str:
    from kerasfix import formats
    from kerasfix.registry import all_rules

    root = os.getcwd()
    if fmt == "json":
        return render_json(view.shown, view.code_names)
    if fmt in ("text", "concise"):
        return (render_text(view.shown, concise=fmt == "concise")
                + footer(view.results, view.shown, view.diff))
    simple = {"jsonl": lambda: formats.jsonl(view.shown, view.code_names),
              "grouped": lambda: formats.grouped(view.shown),
              "github": lambda: formats.github(view.shown),
              "gitlab": lambda: formats.gitlab(view.shown, root),
              "junit": lambda: formats.junit(view.shown, view.files),
              "sarif": lambda: formats.sarif(view.shown, all_rules(), root),
              "markdown": lambda: formats.markdown(view)}
    return simple[fmt]()


def statistics_table(view: View) -> str:
    """ruff's --statistics: count, code, name and fix availability, most frequent first."""
    counts = Counter(f.code for f in view.shown)
    fixable = {f.code for f in view.shown if f.kind == "fixable"}
    lines = [f"{n:5}  {code}  {view.code_names.get(code, '')}{'  [*]' if code in fixable else ''}"
             for code, n in counts.most_common()]
    return "\n".join(lines) + ("\n" if lines else "")
