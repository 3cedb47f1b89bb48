"""--report json:PATH: the migration report for tools, the same data as --report markdown:PATH
(ux-spec 6.8); --output-format json stays the findings list."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from click.testing import CliRunner

from kerasfix import __version__, formats, migration_report
from kerasfix.cli import main
from kerasfix.diagnostics import Finding, Fix, Span
from kerasfix.output import View
from kerasfix.runner import FileResult

SAFE = "from keras.layers import Dropout\nDropout(p=0.5)\n"  # KF103, fixed
MANUAL = ("from keras.layers import *\nx = LocallyConnected2D(32, 3, 3)\n"
          "y = BatchNormalization(mode=2)\nz = Conv2D(8, 3, 3)\n")  # 2 manual, 1 unsafe (KF150)
BROKEN = "from keras.layers import Dropout\nx = (\nDropout(p=0.5)\n"  # does not parse

KEYS = {"kerasfix", "command", "date", "dry_run", "totals", "fixed_per_rule", "needs_attention",
        "not_analysed", "next_steps"}
TOTALS = {"files_scanned", "files_changed", "files_needing_attention", "files_not_analysed",
          "fixes_applied", "fixes_available", "fixes_available_unsafe", "manual_changes",
          "todo_comments"}
FINDING = {"code", "name", "line", "column", "severity", "kind", "message", "help"}


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def tree(tmp_path):
    (tmp_path / "safe.py").write_text(SAFE)
    (tmp_path / "manual.py").write_text(MANUAL)
    (tmp_path / "broken.py").write_text(BROKEN)
    return tmp_path


def run_report(tmp_path, monkeypatch, *args):
    report, md = tmp_path / "report.json", tmp_path / "report.md"
    argv = ["kerasfix", *args, "--isolated", str(tmp_path / "src"), "--report",
            f"json:{report}", "--report", f"markdown:{md}"]
    monkeypatch.setattr("sys.argv", argv)
    result = invoke(*argv[1:])
    return result, json.loads(report.read_text()), md.read_text()


def _markdown_totals(text: str) -> dict[str, int]:
    return {label: int(n) for label, n in re.findall(r"^\| ([^|]+?) \| (\d+) \|$", text, re.M)}


def test_fix_report_structure_and_counts(tmp_path, monkeypatch):
    (tmp_path / "src").mkdir()
    src = tree(tmp_path / "src")
    result, doc, md = run_report(tmp_path, monkeypatch, "fix")
    assert result.exit_code == 3  # broken.py
    assert set(doc) == KEYS and set(doc["totals"]) == TOTALS
    assert doc["kerasfix"] == __version__ and doc["command"][:2] == ["kerasfix", "fix"]
    assert datetime.fromisoformat(doc["date"]).tzinfo is not None and doc["dry_run"] is False
    t = doc["totals"]
    assert (t["files_scanned"], t["files_changed"], t["files_not_analysed"]) == (3, 2, 1)
    assert (t["fixes_applied"], t["fixes_available"]) == (1, 0)
    assert (t["fixes_available_unsafe"], t["manual_changes"]) == (1, 2)
    assert doc["fixed_per_rule"] == [{"code": "KF103", "name": "keras1-dropout-call", "count": 1}]
    assert t["fixes_applied"] == sum(r["count"] for r in doc["fixed_per_rule"])
    # needs attention: what is left, located in the written files (below the TODO comments)
    [group] = doc["needs_attention"]
    assert group["path"] == str(src / "manual.py") and t["files_needing_attention"] == 1
    assert all(set(f) == FINDING for f in group["findings"])
    assert [(f["code"], f["line"], f["kind"]) for f in group["findings"]] == [
        ("KF136", 3, "manual"), ("KF143", 5, "manual"), ("KF150", 7, "unsafe")]
    kinds = [f["kind"] for f in group["findings"]]
    assert kinds.count("manual") == t["manual_changes"]
    assert kinds.count("unsafe") == t["fixes_available_unsafe"]
    lines = (src / "manual.py").read_text().splitlines()
    for f in group["findings"]:
        assert lines[f["line"] - 2].startswith(f"# TODO(kerasfix): {f['code']} ")
    assert t["todo_comments"] == 3 == sum("TODO(kerasfix)" in line for line in lines)
    # not analysed, with what to do; next steps are commands
    [bad] = doc["not_analysed"]
    assert bad["path"] == str(src / "broken.py") and bad["reason"].startswith("cannot parse")
    assert "fix the syntax error" in bad["what_to_do"]
    where = str(src)
    assert doc["next_steps"] == [f"kerasfix fix --unsafe-fixes --diff {where}",
                                 "kerasfix rule KF136", "kerasfix rule KF143",
                                 f"kerasfix check {where}"]
    # the markdown report says the same
    rows = _markdown_totals(md)
    assert rows["files scanned"] == t["files_scanned"]
    assert rows["files changed"] == t["files_changed"]
    assert rows["manual changes needed"] == t["manual_changes"]
    assert rows["fixes available with `--unsafe-fixes`"] == t["fixes_available_unsafe"]
    assert rows["`# TODO(kerasfix)` comments in the code"] == t["todo_comments"]
    assert f"`{src / 'manual.py'}:3:5` **KF136**" in md
    assert "`kerasfix rule KF136`" in md and "`kerasfix fix --unsafe-fixes --diff" in md


def test_check_and_diff_reports(tmp_path, monkeypatch):
    (tmp_path / "src").mkdir()
    src = tree(tmp_path / "src")
    before = (src / "manual.py").read_text()
    result, doc, md = run_report(tmp_path, monkeypatch, "check")
    assert result.exit_code == 3
    t = doc["totals"]
    assert t["todo_comments"] is None and "TODO(kerasfix)" not in md  # check writes none
    assert (t["fixes_applied"], t["fixes_available"], t["files_changed"]) == (0, 1, 0)
    assert [g["path"] for g in doc["needs_attention"]] == [str(src / "manual.py"),
                                                           str(src / "safe.py")]
    assert f"kerasfix fix {src}" in doc["next_steps"]
    result, doc, md = run_report(tmp_path, monkeypatch, "fix", "--diff")
    assert doc["dry_run"] is True and doc["totals"]["todo_comments"] == 3
    assert doc["totals"]["files_changed"] == 2 and "(--diff: would be)" in md
    assert (src / "manual.py").read_text() == before  # --diff writes nothing


def test_output_format_json_is_still_the_findings_list(tmp_path):
    path = tmp_path / "safe.py"
    path.write_text(SAFE)
    result = invoke("check", "--isolated", "--output-format", "json", path)
    [finding] = json.loads(result.output)
    assert finding["code"] == "KF103" and finding["fix"]["applicability"] == "safe"
    out = tmp_path / "findings.jsonl"
    invoke("check", "--isolated", "--report", f"jsonl:{out}", path)
    assert json.loads(out.read_text())["code"] == "KF103"
    assert invoke("check", "--isolated", "--report", "yaml:x", path).exit_code == 2


def _view(fix=False) -> View:
    nb = Finding(Span(2, 5, 2, 9), "KF136", "gone", "error", None, None, path="nb.ipynb", cell=3)
    fixed = Finding(Span(1, 1, 1, 2), "KF103", "p", "error", Fix("safe", "x", True), None,
                    path="a.py")
    unsafe = Finding(Span(4, 1, 4, 2), "KF150", "trap", "error", Fix("unsafe", "y"), "h",
                     path="a.py")
    results = [FileResult("nb.ipynb", [nb], todos=1),
               FileResult("a.py", [fixed, unsafe], changed=True, todos=1),
               FileResult("b.py", not_analysed="cannot decode as utf-8: byte 0xff")]
    shown = [nb, unsafe] if fix else [nb, fixed, unsafe]
    return View(results, shown, {"KF136": "lc2d", "KF103": "dropout", "KF150": "trap"}, False,
                [r.path for r in results], fix)


def test_both_renderers_share_one_set_of_data():
    now = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)
    argv = ["kerasfix", "fix", "."]
    data = migration_report.report_data(_view(fix=True), argv, now)
    doc = json.loads(migration_report.json_report(_view(fix=True), argv, now))
    md = formats.markdown(_view(fix=True), argv, now)
    assert formats.markdown is migration_report.markdown
    assert doc["totals"] == data.totals and doc["date"] == now.isoformat()
    assert data.totals["todo_comments"] == 2 and data.totals["fixes_applied"] == 1
    rows = _markdown_totals(md)
    labels = {"files scanned": "files_scanned", "files changed": "files_changed",
              "files needing attention": "files_needing_attention",
              "files not analysed": "files_not_analysed", "fixes applied": "fixes_applied",
              "fixes available with `kerasfix fix`": "fixes_available",
              "fixes available with `--unsafe-fixes`": "fixes_available_unsafe",
              "manual changes needed": "manual_changes",
              "`# TODO(kerasfix)` comments in the code": "todo_comments"}
    assert {labels[k]: v for k, v in rows.items() if k in labels} == data.totals
    nb = doc["needs_attention"][0]["findings"][0]
    assert nb["cell"] == 3 and nb["line"] == 2 and doc["needs_attention"][0]["path"] == "nb.ipynb"
    assert "`nb.ipynb:cell 3:2:5` **KF136** lc2d" in md
    [bad] = doc["not_analysed"]
    assert bad["what_to_do"].startswith("add a `# -*- coding")
    assert f"- `b.py`: {bad['reason']} → {bad['what_to_do']}" in md
    check = json.loads(migration_report.json_report(_view(fix=False), ["kerasfix", "check"], now))
    assert check["totals"]["todo_comments"] is None


def test_what_to_do_names_the_way_out_for_each_reason():
    from types import SimpleNamespace

    from kerasfix.migration_report import _what_to_do

    def advice(reason: str) -> str:
        return _what_to_do(SimpleNamespace(internal_error="", not_analysed=reason))

    assert "KERASFIX_MAX_FILE_MB" in advice(
        "cannot analyse: 20.0 MB is over the 2.0 MB limit per file (KERASFIX_MAX_FILE_MB)")
    assert "split" in advice("cannot parse: the code is nested too deeply for Python's parser")
    assert "2to3" in advice("Python 2 syntax kerasfix cannot convert: tuple parameters; ...")
    assert advice("cannot parse: invalid syntax") == (
        "fix the syntax error, then run kerasfix again")
    assert "readable" in advice("cannot read: Permission denied")
