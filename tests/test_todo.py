"""`kerasfix fix` writes `# TODO(kerasfix): KFxxx what to do` above what it cannot convert
(ux-spec 6.8): above the right statement, indented like it, never twice, gone once resolved,
line endings / BOM / encoding kept, idempotent, and the findings it prints located in the
written text."""

from __future__ import annotations

import ast
import json

import pytest
from click.testing import CliRunner

from kerasfix import engine
from kerasfix.cli import main
from kerasfix.diagnostics import Finding, Span
from kerasfix.engine import Settings, run_source
from kerasfix.selection import Selection
from kerasfix.todo import insert_todos, stale_todos, todo_text

STAR = "from keras.layers import *\n"
LC = "# TODO(kerasfix): KF136 `LocallyConnected2D` was removed in Keras 3 and has no equivalent"
BN = "# TODO(kerasfix): KF143 "
FULL = "# TODO(kerasfix): KF112 `border_mode='full'` has no Keras 3 padding mode"
UNSAFE = ("# TODO(kerasfix): KF150 unsafe fix: review it with "
          "`kerasfix fix --unsafe-fixes --diff`")


def fix(source: str | bytes, **settings) -> tuple[bytes, engine.SourceResult]:
    data = source.encode() if isinstance(source, str) else source
    result = run_source(data, Settings(fix=True, **settings))
    return (result.new if result.new is not None else data), result


def fixed(source: str, **settings) -> str:
    return fix(source, **settings)[0].decode()


def remaining(result) -> list[tuple[str, int]]:
    return [(f.code, f.span.line) for f in result.findings if f.kind != "fixed"]


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# --- where the comment goes

def test_above_a_multi_line_statement_never_inside_brackets():
    src = STAR + "model = Sequential([\n    Dense(10),\n    LocallyConnected2D(32, 3, 3),\n])\n"
    assert fixed(src) == STAR + LC + "\n" + src[len(STAR):]


@pytest.mark.parametrize("body,indent", [
    ("def build(x):\n    if x:\n        with scope():\n            {stmt}\n    return x\n", 12),
    ("class M:\n    {stmt}\n", 4),
    ("for i in range(3):\n\t{stmt}\n", "\t"),
])
def test_nested_statements_keep_their_indentation(body, indent):
    stmt = "x = LocallyConnected2D(32, 3, 3)(x)"
    pad = indent if isinstance(indent, str) else " " * indent
    out = fixed(STAR + body.format(stmt=stmt))
    lines = out.splitlines()
    at = lines.index(pad + stmt)
    assert lines[at - 1].startswith(pad + "# TODO(kerasfix): KF136 `LocallyConnected2D` was")
    assert sum("TODO(kerasfix)" in line for line in lines) == 1
    ast.parse(out)


@pytest.mark.parametrize("line", [
    "if x: y = LocallyConnected2D(32, 3, 3)",
    "a = 1; b = LocallyConnected2D(32, 3, 3)",
    "with scope(): LocallyConnected2D(32, 3, 3)",
])
def test_a_statement_that_does_not_start_its_line_takes_the_one_that_does(line):
    assert fixed(STAR + line + "\n") == STAR + LC + "\n" + line + "\n"


def test_statement_after_a_multi_line_string_or_backslash():
    string = "s = '''\nabc\n'''; b = LocallyConnected2D(32, 3, 3)\n"
    assert fixed(STAR + string) == STAR + LC + "\n" + string
    backslash = "a = 1; \\\n    b = LocallyConnected2D(32, 3, 3)\n"
    assert fixed(STAR + backslash) == STAR + LC + "\n" + backslash


def test_decorated_definition_gets_it_above_the_decorators():
    src = "@register(LocallyConnected2D(3, 3, 3))\ndef f():\n    pass\n"
    assert fixed(STAR + src) == STAR + LC + "\n" + src


def test_one_comment_per_code_in_code_order():
    src = ("x = BatchNormalization(mode=2)(LocallyConnected2D(3, 3, 3)("
           "LocallyConnected2D(3, 3, 3)(x)))\n")
    lines = fixed(STAR + src).splitlines()
    assert lines[1] == LC and lines[2].startswith(BN) and lines[3] == src.rstrip()
    assert len(lines) == 4


def test_the_three_manual_examples_and_the_unsafe_trap():
    src = (STAR + "a = LocallyConnected2D(32, 3, 3)\nb = BatchNormalization(mode=2)\n"
           "c = Convolution2D(32, 3, 3, border_mode='full')\n")
    lines = fixed(src).splitlines()
    assert lines[1] == LC and lines[3].startswith(BN) and lines[5] == FULL
    assert lines[6] == "c = Convolution2D(32, 3, 3, border_mode='full')"  # nothing converted
    trap = "from keras.layers import Conv2D\nc = Conv2D(32, 3, 3)\n"
    assert fixed(trap) == "from keras.layers import Conv2D\n" + UNSAFE + "\nc = Conv2D(32, 3, 3)\n"
    assert fixed(trap, unsafe_fixes=True) == \
        "from keras.layers import Conv2D\nc = Conv2D(32, (3, 3))\n"


def test_fixed_findings_get_no_comment_and_a_partly_fixed_call_keeps_its_fix():
    src = STAR + "x = Convolution2D(8, 3, 3, border_mode='same')\n"
    assert "TODO" not in fixed(src)
    src = STAR + "y = Dense(10, init='uniform', weights=[w])\n"
    out = fixed(src)
    assert out == (STAR + "# TODO(kerasfix): KF100 Keras 3 layers reject `weights=` (only "
                   "Embedding uses it; Bidirectional...\n"
                   "y = Dense(10, kernel_initializer='uniform', weights=[w])\n")


def test_shape_and_suppression_findings_get_none():
    shapes = ("from keras.models import Sequential\nfrom keras.layers import Conv2D\n"
              "m = Sequential([Conv2D(8, (5, 5), input_shape=(3, 3, 1))])\n")
    out, result = fix(shapes)
    assert any(f.code.startswith("KF5") for f in result.findings)
    assert b"TODO" not in out
    unused = STAR + "x = Dense(3)  # kerasfix: ignore[KF136]\n"
    out, result = fix(unused)
    assert [f.code for f in result.findings] == ["KF901"] and b"TODO" not in out


# --- never twice, gone once resolved, suppressions

def test_idempotent_and_never_twice():
    src = STAR + "if x:\n    a = LocallyConnected2D(3, 3, 3)\n    b = BatchNormalization(mode=2)\n"
    once, first = fix(src)
    twice, second = fix(once)
    assert twice == once and second.new is None
    assert once.decode().count("TODO(kerasfix)") == 2
    assert remaining(second) == remaining(first)


def test_an_existing_comment_with_other_words_is_kept():
    mine = "# TODO(kerasfix): KF136 copy the Keras 2 layer in (ticket 42)\n"
    src = STAR + mine + "x = LocallyConnected2D(3, 3, 3)\n"
    assert fixed(src) == src


def test_removed_once_resolved():
    out = fixed(STAR + "x = LocallyConnected2D(3, 3, 3)\ny = 1\n")
    assert LC in out
    edited = out.replace("LocallyConnected2D(3, 3, 3)", "Conv2D(3, 3)")  # the user's fix
    assert fixed(edited) == STAR + "x = Conv2D(3, 3)\ny = 1\n"


def test_a_comment_whose_statement_moved_follows_it():
    out = fixed(STAR + "x = LocallyConnected2D(3, 3, 3)\n")
    moved = out.replace("x = LocallyConnected2D(3, 3, 3)\n", "y = 1\n") + \
        "x = LocallyConnected2D(3, 3, 3)\n"
    assert fixed(moved) == STAR + "y = 1\n" + LC + "\nx = LocallyConnected2D(3, 3, 3)\n"


def test_duplicates_are_merged_and_other_comments_never_touched():
    others = ("# TODO: check this\n# TODO(kerasfix) KF136 not our format\n"
              "# TODO(kerasfix): KF501 not a code we manage\n")
    src = STAR + others + LC + "\n" + LC + "\nx = LocallyConnected2D(3, 3, 3)\n"
    assert fixed(src) == STAR + others + LC + "\nx = LocallyConnected2D(3, 3, 3)\n"


def test_a_comment_inside_a_string_is_text_not_a_todo():
    src = STAR + 's = """\n' + LC + '\n"""\nx = 1\n'
    assert fixed(src) == src


def test_only_the_selected_codes_are_judged():
    src = STAR + LC + "\nx = Dense(3)\n"  # the KF136 finding is gone
    assert fixed(src, selection=Selection(select=("KF112",))) == src  # not run: left alone
    assert fixed(src) == STAR + "x = Dense(3)\n"


def test_suppressions_still_work():
    trailing = STAR + "x = LocallyConnected2D(3, 3, 3)  # kerasfix: ignore[KF136] kept\n"
    out, result = fix(trailing)
    assert out.decode() == trailing and result.findings == []
    own_line = (STAR + "# kerasfix: ignore[KF136]\n"
                "x = BatchNormalization(mode=2)(LocallyConnected2D(3, 3, 3))\n")
    out, result = fix(own_line)
    lines = out.decode().splitlines()
    assert lines[1] == "# kerasfix: ignore[KF136]" and lines[2].startswith(BN)
    assert [f.code for f in result.findings] == ["KF143"]  # the suppression still covers it
    again, second = fix(out)
    assert again == out and [f.code for f in second.findings] == ["KF143"]
    suppressed_later = fixed(STAR + "x = LocallyConnected2D(3, 3, 3)\n").replace(
        "x = LocallyConnected2D(3, 3, 3)", "x = LocallyConnected2D(3, 3, 3)  # noqa: KF136")
    assert fixed(suppressed_later) == STAR + "x = LocallyConnected2D(3, 3, 3)  # noqa: KF136\n"


def test_a_file_ignore_is_never_pushed_out_of_the_first_lines():
    head = STAR + "x = LocallyConnected2D(3, 3, 3)\n" + "y = 1\n" * 17
    tail = "# kerasfix: file-ignore[KF143]\nz = BatchNormalization(mode=2)\n"
    src = head + tail  # the file-ignore on line 20, the last line where it counts
    out, result = fix(src)
    assert out.decode() == src and [f.code for f in result.findings] == ["KF136"]
    roomy = head.replace("y = 1\n", "", 1) + tail  # on line 19: one comment fits above it
    out, result = fix(roomy)
    assert out.decode() == roomy.replace("x =", LC + "\nx =")
    assert [f.code for f in result.findings] == ["KF136"]


# --- bytes: line endings, BOM, encoding

def test_crlf_bom_and_latin1_are_kept():
    crlf = (STAR + "x = LocallyConnected2D(3, 3, 3)\n").replace("\n", "\r\n").encode()
    out, _ = fix(crlf)
    assert out == crlf.replace(b"x =", LC.encode() + b"\r\nx =")
    assert fix(out)[1].new is None
    bom = b"\xef\xbb\xbf" + (STAR + "x = LocallyConnected2D(3, 3, 3)\n").encode()
    out, _ = fix(bom)
    assert out.startswith(b"\xef\xbb\xbf" + STAR.encode() + LC.encode() + b"\n")
    latin = ("# -*- coding: latin-1 -*-\n" + STAR + "s = 'caf\xe9'\n"
             "x = LocallyConnected2D(3, 3, 3)\n").encode("latin-1")
    out, _ = fix(latin)
    assert out == latin.replace(b"x =", LC.encode() + b"\nx =")


def test_mixed_line_endings_take_the_statement_line_ending():
    src = (STAR + "a = 1\r\nx = LocallyConnected2D(3, 3, 3)\n").encode()
    out, _ = fix(src)
    assert out == src.replace(b"x =", LC.encode() + b"\nx =")


# --- findings located in the written text; bounded passes

def test_findings_point_at_the_shifted_lines():
    src = (STAR + "a = LocallyConnected2D(3, 3, 3)\nb = BatchNormalization(mode=2)\n"
           "c = Convolution2D(8, 3, 3, border_mode='full')\n")
    out, result = fix(src)
    lines = out.decode().splitlines()
    for f in result.findings:
        if f.kind != "fixed":
            assert not lines[f.span.line - 1].lstrip().startswith("#"), f
            assert lines[f.span.line - 2].startswith(f"# TODO(kerasfix): {f.code}")
    assert remaining(result) == [("KF136", 3), ("KF143", 5), ("KF112", 7)]


def test_pass_count_stays_bounded(monkeypatch):
    calls = []
    real = engine.one_pass
    monkeypatch.setattr(engine, "one_pass", lambda data, s: calls.append(1) or real(data, s))
    src = STAR + "a = Convolution2D(8, 3, 3, border_mode='same')\nb = LocallyConnected2D(3, 3, 3)\n"
    out, _ = fix(src)
    assert len(calls) <= engine.MAX_PASSES + 2  # the fixpoint, then one pass after the TODOs
    calls.clear()
    fix(out)
    assert len(calls) == 1  # nothing to fix, the comment already there: one pass only


# --- the command line: --diff, the printed report, notebooks

def test_diff_shows_the_comments_and_frames_the_fixed_text(tmp_path):
    path = tmp_path / "m.py"
    src = STAR + "x = LocallyConnected2D(3, 3, 3)\n"
    path.write_text(src)
    result = invoke("fix", "--diff", "--isolated", path)
    assert result.exit_code == 1
    assert "+" + LC + "\n" in result.output
    assert f"{path}:3:5: KF136" in result.output
    assert "3 | x = LocallyConnected2D(3, 3, 3)" in result.output  # the frame matches the line
    assert path.read_text() == src


def test_fix_writes_the_comments_and_reports_the_written_lines(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(STAR + "x = LocallyConnected2D(3, 3, 3)\n")
    result = invoke("fix", "--isolated", "--output-format", "json", path)
    assert result.exit_code == 1
    [finding] = json.loads(result.output)
    assert (finding["code"], finding["line"]) == ("KF136", 3)
    assert path.read_text().splitlines()[1] == LC
    assert invoke("fix", "--isolated", path).exit_code == 1
    assert path.read_text().count("TODO(kerasfix)") == 1
    check = invoke("check", "--isolated", "--output-format", "concise", path)
    assert f"{path}:3:5: KF136" in check.output


def test_no_todo_comments_writes_and_removes_none(tmp_path):
    path = tmp_path / "m.py"
    src = STAR + "x = LocallyConnected2D(3, 3, 3)\n"
    path.write_text(src)
    assert invoke("fix", "--isolated", "--no-todo-comments", path).exit_code == 1
    assert path.read_text() == src
    invoke("fix", "--isolated", path)
    with_todo = path.read_text()
    assert LC in with_todo
    path.write_text(with_todo.replace("LocallyConnected2D(3, 3, 3)", "Conv2D(3, 3)"))
    invoke("fix", "--isolated", "--no-todo-comments", path)
    assert LC in path.read_text()  # not removed either


def test_notebook_cells_get_comments_located_per_cell(tmp_path):
    cells = [STAR + "x = Convolution2D(32,\n    3,\n    3, border_mode='same')\n",
             "%matplotlib inline\ny = LocallyConnected2D(3, 3, 3)"]
    nb = {"cells": [{"cell_type": "code", "execution_count": i + 1, "metadata": {},
                     "outputs": [], "source": c.splitlines(True)} for i, c in enumerate(cells)],
          "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
          "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb, indent=1) + "\n")
    result = invoke("fix", "--isolated", "--output-format", "concise", path)
    # cell 1 lost a line to its fix and cell 2 gained the comment: still cell 2, line 3
    assert f"{path}:cell 2:3:5: KF136" in result.output, result.output
    written = json.loads(path.read_text())["cells"][1]["source"]
    assert written == ["%matplotlib inline\n", LC + "\n", "y = LocallyConnected2D(3, 3, 3)"]
    before = path.read_bytes()
    assert f"{path}:cell 2:3:5: KF136" in invoke("fix", "--isolated", "--output-format",
                                                 "concise", path).output
    assert path.read_bytes() == before


# --- the pure functions

def _finding(line: int, code: str = "KF136", message: str = "gone", help_=None, fix=None):
    return Finding(Span(line, 1, line, 2), code, message, "error", fix, help_)


def test_insert_and_stale_on_text():
    text = "a = 1\nif a:\n    b = f(\n        2)\n"
    out = insert_todos(text, [_finding(4), _finding(4, "KF107")])
    assert out == ("a = 1\nif a:\n    # TODO(kerasfix): KF107 gone\n"
                   "    # TODO(kerasfix): KF136 gone\n    b = f(\n        2)\n")
    assert insert_todos(out, [_finding(6)]) == out
    assert stale_todos(out, [_finding(6)]) == [3]
    assert stale_todos(out, []) == [3, 4]
    assert stale_todos(out, [], selected=lambda code: code != "KF136") == [3]
    assert insert_todos("x = (\n", [_finding(1)]) == "x = (\n"  # does not parse: untouched


def test_todo_text_is_one_short_line():
    long_help = "use `Foo(a, b)` instead; " + "then more words " * 20
    assert todo_text(_finding(1, message="m", help_="use `Foo`")) == "use `Foo`"
    text = todo_text(_finding(1, message="`X` is gone: copy it\nfrom tf_keras", help_=long_help))
    assert text == "`X` is gone: copy it from tf_keras"
    cut = todo_text(_finding(1, message="word " * 40 + "`a b c d`"))
    assert "\n" not in cut and cut.endswith("...") and len(cut) <= 100
    assert cut.count("`") % 2 == 0
    assert "#" not in todo_text(_finding(1, message="see # noqa: KF136 here"))
