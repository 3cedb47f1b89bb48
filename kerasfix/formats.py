"""Output formats for CI (ux-spec 6.2-6.4): jsonl, grouped, github, gitlab, junit, sarif.
The migration report (6.8, markdown and json) is in migration_report.py; `markdown` is
importable from here too.

Each renderer takes the findings (and, where the format wants it, the rule registry) and
returns text. Locations are repository-relative where the format expects it (SARIF, GitLab).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter, defaultdict
from xml.sax.saxutils import escape, quoteattr

from kerasfix import __version__
from kerasfix.diagnostics import Finding, Span
from kerasfix.migration_report import markdown  # noqa: F401  (the report's old home)
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
