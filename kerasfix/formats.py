"""Output formats for CI (ux-spec 6.2-6.4): jsonl, grouped, github, gitlab, junit, sarif;
and the markdown migration report (6.8).

Each renderer takes the findings (and, where the format wants it, the rule registry) and
returns text. Locations are repository-relative where the format expects it (SARIF, GitLab).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections import Counter, defaultdict
from xml.sax.saxutils import escape, quoteattr

from kerasfix import __version__
from kerasfix.diagnostics import Finding, Span
from kerasfix.output import file_lines

GITHUB_CAP = 10  # GitHub shows at most 10 annotations of a level per step
_GITHUB_LEVEL = {"error": "error", "warning": "warning"}
_GITLAB_SEVERITY = {"error": "major", "warning": "minor"}


def location(f: Finding) -> str:
    from kerasfix.output import location

    return location(f)


def _file_span(f: Finding) -> tuple[Span, bool]:
    """The span in the file itself, and whether it has columns. A notebook finding sits on the
    JSON line of its source line (nbformat writes one per line); columns inside that JSON
    string would not be the cell's columns, so whole lines are reported there."""
    if not f.physical_line:
        return f.span, True
    end = f.physical_line + f.span.end_line - f.span.line
    return Span(f.physical_line, 1, end, 1), False


def jsonl(findings: list[Finding], names: dict[str, str]) -> str:
    from kerasfix.output import as_json

    return "".join(json.dumps(as_json(f, names)) + "\n" for f in findings)


def grouped(findings: list[Finding]) -> str:
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_path[f.path].append(f)
    out = []
    for path, items in by_path.items():
        out.append(f"{path}:")
        out += [f"  {location(f)} {f.code} {f.message}" for f in items]
        out.append("")
    return "\n".join(out) + ("\n" if out else "")


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def github(findings: list[Finding]) -> str:
    """Workflow commands, the most severe first, at most GITHUB_CAP per level."""
    ordered = sorted(findings, key=lambda f: f.severity != "error")
    shown: Counter = Counter()
    left_out = 0
    out = []
    for f in ordered:
        level = _GITHUB_LEVEL.get(f.severity, "notice")
        if shown[level] >= GITHUB_CAP:
            left_out += 1
            continue
        shown[level] += 1
        span, columns = _file_span(f)
        cols = f",col={span.column}," if columns else ","
        cols += f"endLine={span.end_line}" + (f",endColumn={span.end_column}" if columns else "")
        props = (f"file={_gh_property(f.path)},line={span.line}{cols},"
                 f"title={_gh_property('kerasfix ' + f.code)}")
        out.append(f"::{level} {props}::{_gh_data(f.code + ' ' + f.message)}")
    if left_out:
        out.append(f"::notice title=kerasfix::{left_out} more finding(s) not shown as "
                   f"annotations (GitHub shows {GITHUB_CAP} per level); see the job log")
    return "".join(line + "\n" for line in out)


def _relative(path: str, root: str) -> str:
    rel = os.path.relpath(os.path.abspath(path), root)
    return rel.replace(os.sep, "/")


def _fingerprints(findings: list[Finding], root: str) -> list[str]:
    """Stable across unrelated edits: the file, the rule, the text of the line (not its
    number) and which occurrence of that text it is."""
    files: dict[str, list[str]] = {}
    seen: Counter = Counter()
    out = []
    for f in findings:
        if f.path not in files:  # read each file once, not once per finding
            files[f.path] = file_lines(f.path)
        lines = files[f.path]
        line = _file_span(f)[0].line
        text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        key = (_relative(f.path, root), f.code, text)
        out.append(hashlib.sha256("\0".join(key + (str(seen[key]),)).encode()).hexdigest()[:32])
        seen[key] += 1
    return out


def gitlab(findings: list[Finding], root: str) -> str:
    items = [{
        "description": f"{f.code} {f.message}", "check_name": f.code, "fingerprint": fp,
        "severity": _GITLAB_SEVERITY.get(f.severity, "info"),
        "location": {"path": _relative(f.path, root), "lines": {"begin": _file_span(f)[0].line}},
    } for f, fp in zip(findings, _fingerprints(findings, root))]
    return json.dumps(items, indent=2) + "\n"


def junit(findings: list[Finding], paths: list[str]) -> str:
    """One test case per finding, and one passing case per clean file."""
    cases = []
    for f in findings:
        message = quoteattr(f"{f.code} {f.message}")
        body = escape(f"{f.path}:{location(f)}: {f.code} {f.message}")
        cases.append(f'    <testcase classname={quoteattr(f.path)} '
                     f'name={quoteattr(f"{f.code} at {location(f)}")}>'
                     f'<failure message={message}>{body}</failure></testcase>')
    dirty = {f.path for f in findings}
    cases += [f'    <testcase classname={quoteattr(p)} name="kerasfix"/>'
              for p in paths if p not in dirty]
    head = (f'<testsuites><testsuite name="kerasfix" tests="{len(cases)}" '
            f'failures="{len(findings)}">')
    return "\n".join(['<?xml version="1.0" encoding="UTF-8"?>', head, *cases,
                      "</testsuite></testsuites>"]) + "\n"


def sarif(findings: list[Finding], rules: list, root: str) -> str:
    """SARIF 2.1.0 with %SRCROOT%-relative URIs and stable partialFingerprints."""
    index = {rule.id: i for i, rule in enumerate(rules)}
    results = [_sarif_result(f, index, fp, root)
               for f, fp in zip(findings, _fingerprints(findings, root))]
    driver = {"name": "kerasfix", "version": __version__,
              "informationUri": "https://pypi.org/project/kerasfix/",
              "rules": [_sarif_rule(rule) for rule in rules]}
    run = {"tool": {"driver": driver},
           "originalUriBaseIds": {"%SRCROOT%": {"uri": _file_uri(root)}},
           "results": results}
    doc = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
           "runs": [run]}
    return json.dumps(doc, indent=2) + "\n"


def _file_uri(root: str) -> str:
    path = os.path.abspath(root).replace(os.sep, "/")
    return "file://" + (path if path.startswith("/") else "/" + path) + "/"


def _sarif_rule(rule) -> dict:
    return {"id": rule.id, "name": rule.name, "shortDescription": {"text": rule.name},
            "fullDescription": {"text": rule.summary},
            "help": {"text": f"{rule.summary} (fix: {rule.fix}; `kerasfix rule {rule.id}`)"},
            "defaultConfiguration": {"level": "error"}}


def _sarif_result(f: Finding, index: dict, fingerprint: str, root: str) -> dict:
    span, columns = _file_span(f)
    region = {"startLine": span.line, "startColumn": span.column,
              "endLine": span.end_line, "endColumn": max(span.end_column, span.column)}
    if not columns:
        region = {"startLine": span.line, "endLine": span.end_line}
    result = {"ruleId": f.code, "level": "error" if f.severity == "error" else "warning",
              "message": {"text": f.message + (f" Help: {f.help}" if f.help else "")},
              "locations": [{"physicalLocation": {
                  "artifactLocation": {"uri": _relative(f.path, root), "uriBaseId": "%SRCROOT%"},
                  "region": region}}],
              "partialFingerprints": {"kerasfix/v1": fingerprint}}
    if f.code in index:
        result["ruleIndex"] = index[f.code]
    if f.cell:
        result["properties"] = {"cell": f.cell, "cellLine": f.span.line,
                                "cellColumn": f.span.column}
    return result


# --- markdown: the migration report (ux-spec 6.8), e.g. --report markdown:$GITHUB_STEP_SUMMARY

MARKDOWN_LIMIT = 1024 * 1024  # GitHub refuses a job summary above 1 MiB
_VALUE_OPTIONS = frozenset({"-o", "--output-file", "--report", "--config", "--select", "--ignore",
                            "--from", "--output-format", "-j", "--jobs", "--color",
                            "--suppression-reason", "--stdin-filename", "--cache-dir"})


def markdown(view, argv: list[str] | None = None, now=None,
             limit: int = MARKDOWN_LIMIT) -> str:
    """Header, totals, needs attention (by file), applied automatically (per rule), not
    analysed (with what to do), next steps. Stays under `limit` bytes: the per-file lists
    are cut short, with a note, when they would not fit."""
    import shlex
    from datetime import datetime, timezone

    argv = list(sys.argv if argv is None else argv)
    if argv and os.path.basename(argv[0]) in ("kerasfix", "kerasfix.exe", "__main__.py"):
        argv[0] = "kerasfix"
    now = now or datetime.now(timezone.utc)
    results, names = view.results, view.code_names
    every = [f for r in results for f in r.findings]
    kinds = Counter(f.kind for f in every if f.code != "KF000")
    attention = [f for f in view.shown if f.code != "KF000" and f.kind != "fixed"]
    bad = [r for r in results if r.not_analysed or r.internal_error]
    would = " (--diff: would be)" if view.diff else ""
    paths = _command_paths(argv)
    head = ["# kerasfix migration report", "",
            f"- kerasfix {__version__}",
            f"- command: `{shlex.join(argv) if argv else 'kerasfix'}`",
            f"- date: {now.strftime('%Y-%m-%d %H:%M %Z').strip()}", "",
            "| | count |", "|---|---:|",
            f"| files scanned | {len(results)} |",
            f"| files changed{would} | {sum(1 for r in results if r.changed)} |",
            f"| files needing attention | {len({f.path for f in attention})} |",
            f"| files not analysed | {len(bad)} |",
            f"| fixes applied{would} | {kinds['fixed']} |",
            f"| fixes available with `kerasfix fix` | {kinds['fixable']} |",
            f"| fixes available with `--unsafe-fixes` | {kinds['unsafe']} |",
            f"| manual changes needed | {kinds['manual']} |", ""]
    applied = Counter(f.code for f in every if f.kind == "fixed")
    done = ["## Applied automatically", ""]
    if applied:
        done += ["| rule | name | fixes |", "|---|---|---:|"]
        done += [f"| {code} | {names.get(code, '')} | {n} |" for code, n in
                 sorted(applied.items(), key=lambda item: (-item[1], item[0]))]
    else:
        done.append("Nothing" + (" would be" if view.diff else " was") + " changed.")
    steps = ["## Next steps", ""]
    if kinds["fixable"]:
        steps.append(f"- apply the safe fixes: `kerasfix fix {paths}`")
    if kinds["unsafe"]:
        steps.append(f"- review the fixes that may change behaviour: "
                     f"`kerasfix fix --unsafe-fixes --diff {paths}`")
    manual = Counter(f.code for f in attention if f.kind == "manual" or f.fix is None)
    for code, n in manual.most_common(5):
        steps.append(f"- {n} × {code} {names.get(code, '')}: read `kerasfix rule {code}`")
    if bad:
        steps.append("- fix what stopped the files under *Not analysed*, then run again")
    if len(steps) == 2:
        steps.append("- nothing left to do.")
    fixed_part = "\n".join(head + [""] + done + ["", ""] + steps) + "\n"
    budget = limit - len(fixed_part.encode()) - 4096  # room for headings and notes
    skipped = [_not_analysed_line(r) for r in bad]
    listed = _by_file(attention, names)
    attention_part = _capped(["## Needs attention", ""], listed, budget * 3 // 4,
                             "files with findings")
    rest = budget - len(attention_part.encode())
    skipped_part = _capped(["## Not analysed", ""], [[s] for s in skipped], rest,
                           "files not analysed") if skipped else ""
    if not listed:
        attention_part = "## Needs attention\n\nNothing.\n"
    return "\n".join(head) + "\n" + attention_part + "\n" + "\n".join(done) + "\n\n" + (
        skipped_part + "\n" if skipped_part else "") + "\n".join(steps) + "\n"


def _by_file(findings: list[Finding], names: dict) -> list[list[str]]:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        groups[f.path].append(f)
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


def _not_analysed_line(r) -> str:
    why = r.internal_error or r.not_analysed
    if r.internal_error:
        todo = "a kerasfix bug: please report it with this file"
    elif why.startswith("cannot decode"):
        todo = "add a `# -*- coding: ... -*-` line naming its encoding, or re-encode as UTF-8"
    elif why.startswith("cannot parse"):
        todo = ("fix the syntax error; if this is Python 2 code, convert it first "
                "(e.g. `python -m lib2to3` or `pyupgrade`), then run kerasfix again")
    elif why.startswith("not written"):
        todo = "make the file writable (and stop other tools changing it), then run again"
    else:
        todo = "make the file readable, then run again"
    return f"- `{r.path}`: {_one_line(why)} → {todo}"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _command_paths(argv: list[str]) -> str:
    """The PATH arguments of the command line (for the next-step commands), else `.`."""
    import shlex

    out = []
    for i, arg in enumerate(argv[2:], 2):  # after the program and the subcommand
        if arg.startswith("-") or argv[i - 1] in _VALUE_OPTIONS:
            continue
        if os.path.exists(arg):
            out.append(arg)
    return shlex.join(out) if out else "."
