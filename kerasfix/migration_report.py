"""The migration report (ux-spec 6.8): `--report markdown:PATH` (people, e.g.
`$GITHUB_STEP_SUMMARY`) and `--report json:PATH` (tools), one set of data in both.

`report_data` counts and groups once; `markdown` and `json_report` only render it.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from kerasfix import __version__
from kerasfix.diagnostics import Finding

MARKDOWN_LIMIT = 1024 * 1024  # GitHub refuses a job summary above 1 MiB
_VALUE_OPTIONS = frozenset({"-o", "--output-file", "--report", "--config", "--select", "--ignore",
                            "--from", "--target", "--output-format", "-j", "--jobs", "--color",
                            "--suppression-reason", "--stdin-filename", "--cache-dir"})


@dataclass
class Step:
    """A next step: what to do, and the command for it; `kind` says how markdown words it:
    run (the command does it), read (it explains), again (run once the rest is done)."""

    text: str
    command: str
    kind: str = "run"


@dataclass
class ReportData:
    argv: list[str]
    date: datetime
    diff: bool  # fix --diff: nothing was written, counts say what would be
    fix: bool  # a `fix` run (TODO comments are counted only then)
    totals: dict[str, int | None]
    fixed_per_rule: list[tuple[str, str, int]]  # (code, name, count), most first
    attention: dict[str, list[Finding]]  # path -> findings still to deal with
    not_analysed: list[tuple[str, str, str]]  # (path, reason, what to do)
    steps: list[Step] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)


def report_data(view, argv: list[str] | None = None, now: datetime | None = None) -> ReportData:
    """Everything both renderers show, counted once."""
    argv = list(sys.argv if argv is None else argv)
    if argv and os.path.basename(argv[0]) in ("kerasfix", "kerasfix.exe", "__main__.py"):
        argv[0] = "kerasfix"
    results, names = view.results, view.code_names
    every = [f for r in results for f in r.findings]
    kinds = Counter(f.kind for f in every if f.code != "KF000")
    attention_list = [f for f in view.shown if f.code != "KF000" and f.kind != "fixed"]
    bad = [r for r in results if r.not_analysed or r.internal_error]
    fix = bool(getattr(view, "fix", False))
    totals: dict[str, int | None] = {
        "files_scanned": len(results),
        "files_changed": sum(1 for r in results if r.changed),
        "files_needing_attention": len({f.path for f in attention_list}),
        "files_not_analysed": len(bad),
        "fixes_applied": kinds["fixed"],
        "fixes_available": kinds["fixable"],
        "fixes_available_unsafe": kinds["unsafe"],
        "manual_changes": kinds["manual"],
        "todo_comments": sum(getattr(r, "todos", 0) for r in results) if fix else None,
    }
    applied = Counter(f.code for f in every if f.kind == "fixed")
    fixed_per_rule = [(code, names.get(code, ""), n) for code, n in
                      sorted(applied.items(), key=lambda item: (-item[1], item[0]))]
    attention: dict[str, list[Finding]] = defaultdict(list)
    for f in attention_list:
        attention[f.path].append(f)
    paths = _command_paths(argv)
    steps = []
    if kinds["fixable"]:
        steps.append(Step("apply the safe fixes", f"kerasfix fix {paths}"))
    if kinds["unsafe"]:
        steps.append(Step("review the fixes that may change behaviour",
                          f"kerasfix fix --unsafe-fixes --diff {paths}"))
    manual = Counter(f.code for f in attention_list if f.kind == "manual")
    for code, n in manual.most_common(5):
        steps.append(Step(f"{n} × {code} {names.get(code, '')}".rstrip(),
                          f"kerasfix rule {code}", "read"))
    if bad:
        steps.append(Step("fix what stopped the files under *Not analysed*, then run again",
                          f"kerasfix check {paths}", "again"))
    return ReportData(argv, now or datetime.now(timezone.utc), bool(view.diff), fix, totals,
                      fixed_per_rule, dict(attention),
                      [(r.path, r.internal_error or r.not_analysed, _what_to_do(r)) for r in bad],
                      steps, names)


# --- JSON

def json_report(view, argv: list[str] | None = None, now: datetime | None = None) -> str:
    """`--report json:PATH`: the migration report for tools (not the findings list, which is
    `--output-format json`)."""
    data = report_data(view, argv, now)
    doc = {
        "kerasfix": __version__,
        "command": data.argv,
        "date": data.date.isoformat(),
        "dry_run": data.diff,
        "totals": data.totals,
        "fixed_per_rule": [{"code": code, "name": name, "count": n}
                           for code, name, n in data.fixed_per_rule],
        "needs_attention": [{"path": path, "findings": [_json_finding(f, data.names)
                                                        for f in group]}
                            for path, group in data.attention.items()],
        "not_analysed": [{"path": path, "reason": _one_line(why), "what_to_do": todo}
                         for path, why, todo in data.not_analysed],
        "next_steps": [step.command for step in data.steps],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _json_finding(f: Finding, names: dict[str, str]) -> dict:
    out = {"code": f.code, "name": names.get(f.code, ""), "line": f.span.line,
           "column": f.span.column, "severity": f.severity, "kind": f.kind,
           "message": f.message, "help": f.help}
    if f.cell:  # a notebook: line and column count within this cell
        out["cell"] = f.cell
    return out


# --- markdown

_TOTALS = [("files_scanned", "files scanned"), ("files_changed", "files changed{would}"),
           ("files_needing_attention", "files needing attention"),
           ("files_not_analysed", "files not analysed"), ("fixes_applied", "fixes applied{would}"),
           ("fixes_available", "fixes available with `kerasfix fix`"),
           ("fixes_available_unsafe", "fixes available with `--unsafe-fixes`"),
           ("manual_changes", "manual changes needed"),
           ("todo_comments", "`# TODO(kerasfix)` comments in the code{would}")]


def markdown(view, argv: list[str] | None = None, now: datetime | None = None,
             limit: int = MARKDOWN_LIMIT) -> str:
    """Header, totals, needs attention (by file), applied automatically (per rule), not
    analysed (with what to do), next steps. Stays under `limit` bytes: the per-file lists
    are cut short, with a note, when they would not fit."""
    data = report_data(view, argv, now)
    would = " (--diff: would be)" if data.diff else ""
    head = ["# kerasfix migration report", "",
            f"- kerasfix {__version__}",
            f"- command: `{shlex.join(data.argv) if data.argv else 'kerasfix'}`",
            f"- date: {data.date.strftime('%Y-%m-%d %H:%M %Z').strip()}", "",
            "| | count |", "|---|---:|"]
    head += [f"| {label.format(would=would)} | {data.totals[key]} |" for key, label in _TOTALS
             if data.totals[key] is not None]
    head.append("")
    done = ["## Applied automatically", ""]
    if data.fixed_per_rule:
        done += ["| rule | name | fixes |", "|---|---|---:|"]
        done += [f"| {code} | {name} | {n} |" for code, name, n in data.fixed_per_rule]
    else:
        done.append("Nothing" + (" would be" if data.diff else " was") + " changed.")
    steps = ["## Next steps", ""]
    for step in data.steps:
        steps.append({"read": f"- {step.text}: read `{step.command}`",
                      "again": f"- {step.text}"}.get(step.kind, f"- {step.text}: `{step.command}`"))
    if not data.steps:
        steps.append("- nothing left to do.")
    fixed_part = "\n".join(head + [""] + done + ["", ""] + steps) + "\n"
    budget = limit - len(fixed_part.encode()) - 4096  # room for headings and notes
    skipped = [f"- `{path}`: {_one_line(why)} → {todo}" for path, why, todo in data.not_analysed]
    listed = _by_file(data.attention, data.names)
    attention_part = _capped(["## Needs attention", ""], listed, budget * 3 // 4,
                             "files with findings")
    rest = budget - len(attention_part.encode())
    skipped_part = _capped(["## Not analysed", ""], [[s] for s in skipped], rest,
                           "files not analysed") if skipped else ""
    if not listed:
        attention_part = "## Needs attention\n\nNothing.\n"
    return "\n".join(head) + "\n" + attention_part + "\n" + "\n".join(done) + "\n\n" + (
        skipped_part + "\n" if skipped_part else "") + "\n".join(steps) + "\n"


def _by_file(groups: dict[str, list[Finding]], names: dict) -> list[list[str]]:
    from kerasfix.output import location

    out = []
    for path, group in groups.items():
        lines = [f"### `{path}`", ""]
        for f in group:
            kind = {"fixable": " [fix: `kerasfix fix`]", "unsafe": " [fix: `--unsafe-fixes`]"}
            name = names.get(f.code, "")
            line = (f"- `{f.path}:{location(f)}` **{f.code}**{' ' + name if name else ''} "
                    f"({f.severity}){kind.get(f.kind, '')}: {_one_line(f.message)}")
            if f.help:
                line += f"\n  - help: {_one_line(f.help)}"
            lines.append(line)
        out.append(lines + [""])
    return out


def _capped(title: list[str], blocks: list[list[str]], budget: int, what: str) -> str:
    """`title` then as many `blocks` as fit in `budget` bytes, and a note for the rest."""
    text = "\n".join(title) + "\n"
    for i, block in enumerate(blocks):
        chunk = "\n".join(block) + "\n"
        if len(text.encode()) + len(chunk.encode()) > budget:
            text += (f"\n*… and {len(blocks) - i} more {what}, left out to keep this report "
                     f"under 1 MiB; run `kerasfix check --output-format concise` for all.*\n")
            break
        text += chunk
    return text


def _what_to_do(r) -> str:
    why = r.internal_error or r.not_analysed
    if r.internal_error:
        return "a kerasfix bug: please report it with this file"
    if why.startswith("cannot decode"):
        return "add a `# -*- coding: ... -*-` line naming its encoding, or re-encode as UTF-8"
    if "limit per file" in why:
        return "raise the limit with KERASFIX_MAX_FILE_MB (0: none), or split the file"
    if "nested too deeply" in why:
        return "split the deeply nested expression into named steps, then run again"
    if "Python 2" in why:
        return ("convert what kerasfix names by hand (or with 2to3): kerasfix converts the "
                "rest of the Python 2 itself, then run kerasfix again")
    if why.startswith("cannot parse"):
        return "fix the syntax error, then run kerasfix again"
    if why.startswith("not written"):
        return "make the file writable (and stop other tools changing it), then run again"
    return "make the file readable, then run again"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _command_paths(argv: list[str]) -> str:
    """The PATH arguments of the command line (for the next-step commands), else `.`."""
    out = []
    for i, arg in enumerate(argv[2:], 2):  # after the program and the subcommand
        if arg.startswith("-") or argv[i - 1] in _VALUE_OPTIONS:
            continue
        if os.path.exists(arg):
            out.append(arg)
    return shlex.join(out) if out else "."
