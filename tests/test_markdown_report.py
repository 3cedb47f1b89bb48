"""--report markdown:PATH and --output-format markdown: the migration report (ux-spec 6.8)."""

from __future__ import annotations

from click.testing import CliRunner

from kerasfix import __version__
from kerasfix.cli import main
from kerasfix.diagnostics import Finding, Span
from kerasfix.formats import markdown
from kerasfix.output import View
from kerasfix.runner import FileResult

SAFE = "from keras.layers import Dropout\nDropout(p=0.5)\n"  # KF103, safe fix
TRAP = "from keras.layers import Conv2D\nConv2D(8, 3, 3)\n"  # KF150, unsafe fix
BROKEN = "from keras.layers import Dropout\nx = = 1\nDropout(p=0.5)\n"  # Python 2


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_report_sections(tmp_path, monkeypatch):
    (tmp_path / "safe.py").write_text(SAFE)
    (tmp_path / "trap.py").write_text(TRAP)
    (tmp_path / "broken.py").write_text(BROKEN)
    report = tmp_path / "summary.md"
    argv = ["kerasfix", "fix", str(tmp_path), "--report", f"markdown:{report}"]
    monkeypatch.setattr("sys.argv", argv)
    result = invoke(*argv[1:])
    assert result.exit_code == 3
    text = report.read_text()
    assert text.startswith("# kerasfix migration report")
    assert f"kerasfix {__version__}" in text and f"`kerasfix fix {tmp_path} --report" in text
    # safe.py fixed; trap.py got a `# TODO(kerasfix): KF150` comment above its unsafe fix
    assert "| files scanned | 3 |" in text and "| files changed | 2 |" in text
    assert "| `# TODO(kerasfix)` comments in the code | 1 |" in text
    assert "| files not analysed | 1 |" in text and "| fixes applied | 1 |" in text
    assert "| fixes available with `--unsafe-fixes` | 1 |" in text
    attention = text.split("## Needs attention")[1].split("## Applied")[0]
    assert f"`{tmp_path / 'trap.py'}:3:1` **KF150**" in attention and "help:" in attention
    assert "KF103" not in attention  # fixed
    applied = text.split("## Applied automatically")[1].split("##")[0]
    assert "| KF103 | keras1-dropout-call | 1 |" in applied
    skipped = text.split("## Not analysed")[1].split("## Next")[0]
    assert "broken.py" in skipped and "cannot parse" in skipped
    assert "fix the syntax error" in skipped
    steps = text.split("## Next steps")[1]
    assert f"`kerasfix fix --unsafe-fixes --diff {tmp_path}`" in steps


def test_output_format_markdown_and_manual_next_steps(tmp_path):
    (tmp_path / "a.py").write_text(SAFE)
    result = invoke("check", "--output-format", "markdown", "--isolated", tmp_path / "a.py")
    assert "# kerasfix migration report" in result.output
    assert "| fixes available with `kerasfix fix` | 1 |" in result.output
    assert "[fix: `kerasfix fix`]" in result.output


def _finding(path, line, code="KF305", cell=0):
    return Finding(Span(line, 5, line, 9), code, "no Keras 3 equivalent " + "x" * 200, "error",
                   None, "rewrite by hand", path=path, cell=cell)


def test_notebook_location_and_manual_rule_hint():
    results = [FileResult("nb.ipynb", [_finding("nb.ipynb", 2, cell=3)])]
    view = View(results, results[0].findings, {"KF305": "contrib-layer"}, False, ["nb.ipynb"])
    text = markdown(view, argv=["kerasfix", "check", "nb.ipynb"])
    assert "`nb.ipynb:cell 3:2:5` **KF305** contrib-layer" in text
    assert "`kerasfix rule KF305`" in text and "| manual changes needed | 1 |" in text


def test_report_stays_under_the_limit():
    results = [FileResult(f"pkg/m{i}.py", [_finding(f"pkg/m{i}.py", n) for n in range(1, 40)])
               for i in range(2000)]
    shown = [f for r in results for f in r.findings]
    view = View(results, shown, {}, False, [r.path for r in results])
    text = markdown(view, argv=["kerasfix", "check", "pkg"])
    assert len(text.encode()) < 1024 * 1024
    assert "more files with findings, left out" in text
    assert "## Next steps" in text and "| files scanned | 2000 |" in text
    small = markdown(view, argv=["kerasfix", "check"], limit=20000)
    assert len(small.encode()) < 20000


def test_markdown_is_a_config_output_format(tmp_path):
    (tmp_path / "kerasfix.toml").write_text('output-format = "markdown"\n')
    (tmp_path / "a.py").write_text(SAFE)
    result = invoke("check", tmp_path)
    assert "# kerasfix migration report" in result.output
