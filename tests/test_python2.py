"""The Python 2 pre-pass (KF001-KF009): convert line for line, then run the Keras rules."""

from __future__ import annotations

import ast
import json

import pytest
from click.testing import CliRunner

from kerasfix.cli import main
from kerasfix.engine import Settings, run_source
from kerasfix.python2 import hook, tokens
from kerasfix.python2.edits import Edit, PositionMap, apply
from kerasfix.python2.hook import convert_text
from kerasfix.registry import by_code_or_name, names_to_codes
from kerasfix.selection import Selection

HEAD = "from keras.layers import Dense\n"  # the pre-filter wants a Keras import and a layer
TAIL = "Dense(8)\n"
MIXED = (
    "from keras.layers import Convolution2D\n"
    "model = None\n"
    'print "loss", model.evaluate(x, y)\n'
    "c = Convolution2D(32, 3, 3, border_mode='same')\n"
)


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def fixed(snippet: str, **settings) -> tuple[str, set[str]]:
    """The fixed text of HEAD + snippet + TAIL (minus both), and the codes `check` reports."""
    source = (HEAD + snippet + TAIL).encode()
    result = run_source(source, Settings(fix=True, **settings))
    checked = run_source(source, Settings())
    text = (result.new or source).decode()
    assert text.startswith(HEAD) and text.endswith(TAIL)
    return text[len(HEAD):-len(TAIL)], {f.code for f in checked.findings}


FORMS = [
    ('print "a", b\n', 'print("a", b)\n', "KF001"),
    # alone, `print`, `print >>f, x`, `print (a), b` and `print -x` parse as Python 3 (and are
    # left to it): a Python 2 form elsewhere makes the file Python 2
    ("print\nprint 1\n", "print()\nprint(1)\n", "KF001"),
    ("print x,\n", 'print(x, end=" ")\n', "KF001"),
    ("print >>f, x, y\nprint 1\n", "print(x, y, file=f)\nprint(1)\n", "KF001"),
    ("print >>f, x,\nprint 1\n", 'print(x, end=" ", file=f)\nprint(1)\n', "KF001"),
    ("print >>sys.stderr\nprint 1\n", "print(file=sys.stderr)\nprint(1)\n", "KF001"),
    ('print "a", \\\n      b\n', 'print("a", \\\n      b)\n', "KF001"),
    ('print "%s" % (\n    x)  # c\n', 'print("%s" % (\n    x))  # c\n', "KF001"),
    ('if x: print "y"\n', 'if x: print("y")\n', "KF001"),
    ('print "a"; print "b"\n', 'print("a"); print("b")\n', "KF001"),
    ("print (a), b\nprint 1\n", "print((a), b)\nprint(1)\n", "KF001"),
    ('print"a"\n', 'print("a")\n', "KF001"),
    ("print -x\nprint 1\n", "print(-x)\nprint(1)\n", "KF001"),
    ("try:\n    pass\nexcept E, e:\n    pass\n", "try:\n    pass\nexcept E as e:\n    pass\n",
     "KF002"),
    ("try:\n    pass\nexcept (A, B),e:\n    pass\n",
     "try:\n    pass\nexcept (A, B) as e:\n    pass\n", "KF002"),
    ("s = `x`\n", "s = repr(x)\n", "KF003"),
    ("s = `a, b`\n", "s = repr((a, b))\n", "KF003"),
    ("m = 0777\n", "m = 0o777\n", "KF004"),
    ("m = 10L\n", "m = 10\n", "KF004"),
    ("m = 0xffL + 0777L\n", "m = 0xff + 0o777\n", "KF004"),
    ("m = a <> b\n", "m = a != b\n", "KF005"),
    ('s = ur"a\\d"\n', 's = r"a\\d"\n', "KF006"),
    ("s = UR'x'\n", "s = R'x'\n", "KF006"),
    ('raise ValueError, "msg"\n', 'raise ValueError("msg")\n', "KF007"),
    ("raise E, (a, b)\n", "raise E(a, b)\n", "KF007"),
    ("raise self.error, msg\n", "raise self.error(msg)\n", "KF007"),
    ("raise E, None\n", "raise E\n", "KF007"),
    ("raise a or b, msg\n", "raise (a or b)(msg)\n", "KF007"),
    ('exec "x = 1"\n', 'exec("x = 1")\n', "KF008"),
    ("exec code in ns\n", "exec(code, ns)\n", "KF008"),
    ("exec code in g, l\n", "exec(code, g, l)\n", "KF008"),
    ("class A:\n    exec code\n", "class A:\n    exec(code)\n", "KF008"),
]


@pytest.mark.parametrize("before,after,code", FORMS, ids=[f[0] for f in FORMS])
def test_each_form(before, after, code):
    out, codes = fixed(before)
    assert out == after
    assert code in codes
    assert out.count("\n") == before.count("\n")  # lines are never added or removed
    ast.parse(HEAD + out + TAIL)
    assert fixed(out)[0] == out  # a second fix changes nothing
    assert not {c for c in fixed(out)[1] if c.startswith("KF00")}


def test_print_in_python3_spelling_is_left_alone_in_a_python2_file():
    snippet = "print (a, b)\nprint(x)\nprint = log\ns = `x`\n"
    out, codes = fixed(snippet)
    assert out == "print (a, b)\nprint(x)\nprint = log\ns = repr(x)\n"
    assert codes == {"KF003"}


def test_strings_and_comments_are_untouched():
    snippet = ('s = "print \\"x\\" `y` 0777 <>"  # print "x" `y`\n'
               "t = '''\nprint \"x\"\n`y`\n'''\nprint \"z\"\n")
    out, codes = fixed(snippet)
    assert out == snippet.replace('print "z"', 'print("z")')
    assert codes == {"KF001"}


def test_print_function_future_import_keeps_print_as_a_function():
    snippet = ("from __future__ import print_function\nprint\n"
               "try:\n    pass\nexcept E, e:\n    pass\n")
    out, codes = fixed(snippet)
    assert out == snippet.replace("E, e", "E as e")
    assert codes == {"KF002"}


def test_python3_file_with_print_as_a_name_is_untouched(monkeypatch):
    def boom(*args):
        raise AssertionError("the pre-pass ran on a Python 3 file")

    monkeypatch.setattr(hook, "pre_pass", boom)
    source = (HEAD + "print = log\nprint('x')\nDense(8)\n").encode()
    result = run_source(source, Settings(fix=True))
    assert result.new is None and result.findings == []


def test_mixed_file_check_reports_both_at_the_right_lines(tmp_path):
    path = tmp_path / "train.py"
    path.write_text(MIXED)
    result = invoke("check", path, "--output-format", "json")
    assert result.exit_code == 1, result.output
    found = {(f["code"], f["line"], f["column"]) for f in json.loads(result.output)}
    assert ("KF001", 3, 1) in found
    assert ("KF112", 4, 5) in found
    assert path.read_text() == MIXED


def test_mixed_file_fix_writes_both_and_a_second_fix_changes_nothing(tmp_path):
    path = tmp_path / "train.py"
    path.write_text(MIXED)
    result = invoke("fix", path)
    assert result.exit_code == 0, result.output
    text = path.read_text()
    assert text == ("from keras.layers import Conv2D\n"
                    "model = None\n"
                    'print("loss", model.evaluate(x, y))\n'
                    "c = Conv2D(32, (3, 3), padding='same')\n")
    ast.parse(text)
    again = invoke("fix", path)
    assert again.exit_code == 0 and path.read_text() == text


def test_only_python2_fixes_still_give_the_converted_text():
    source = (HEAD + 'print "x"\nDense(8)\n').encode()
    result = run_source(source, Settings(fix=True))
    assert result.new == (HEAD + 'print("x")\nDense(8)\n').encode()
    assert [(f.code, f.kind) for f in result.findings] == [("KF001", "fixed")]


def test_keras_columns_are_mapped_back_to_the_original_line():
    line = "s = `a`; c = Convolution2D(32, 3, 3, border_mode='same')\n"
    source = ("from keras.layers import Convolution2D\n" + line).encode()
    result = run_source(source, Settings())
    spans = {f.code: f.span for f in result.findings}
    assert spans["KF003"].column == 5 and spans["KF003"].end_column == 8
    assert spans["KF112"].line == 2 and spans["KF112"].column == line.index("Conv") + 1
    assert spans["KF112"].end_column == line.index("\n") + 1


def test_fix_object_of_a_python2_finding():
    result = run_source((HEAD + 'print "a", \\\n  b\nDense(8)\n').encode(), Settings())
    (finding,) = [f for f in result.findings if f.code == "KF001"]
    assert (finding.span.line, finding.span.column) == (2, 1)
    assert (finding.span.end_line, finding.span.end_column) == (3, 4)
    assert finding.fix.applicability == "safe" and not finding.fix.applied
    assert finding.fix.replacement == 'print("a", \\\n  b)'
    assert "print" in finding.message and "print(...)" in finding.message


UNFIXABLE = [
    ("def build((units, act)):\n    return units\n", 2, "tuple parameter"),
    ("f = lambda (a, b): a\n", 2, "lambda"),
    ('raise ValueError, "bad", tb\n', 2, "traceback"),
    ('def build():\n    exec "units = 8"\n', 3, "`exec` statement in a function"),
    ('s = ur"\\u00e9"\n', 2, "`\\u` escape"),
    ("try:\n    pass\nexcept E, (a, b):\n    pass\n", 4, "not a name"),
    ("s = `x\n", 2, "backtick"),
    ("x = $y\n", 2, "invalid syntax"),
]


@pytest.mark.parametrize("snippet,line,words", UNFIXABLE, ids=[u[0] for u in UNFIXABLE])
def test_unfixable_python2_is_exit_3_and_byte_identical(tmp_path, snippet, line, words):
    path = tmp_path / "old.py"
    original = (HEAD + 'print "start"\n' + snippet + TAIL).encode()
    path.write_bytes(original)
    result = invoke("fix", path, "--output-format", "concise")
    assert result.exit_code == 3, result.output
    assert path.read_bytes() == original
    assert "old.py:2:1: KF001" in result.output  # found, not fixed: the file is not written
    assert f"old.py:{line + 1}:" in result.output and "KF009" in result.output
    assert "Python 2 syntax kerasfix cannot convert" in result.output
    assert words in result.output and "then run kerasfix again" in result.output


def test_unfixable_file_still_lists_the_convertible_forms_without_a_fix():
    source = (HEAD + 'print "a"\ndef f((a, b)):\n    pass\nDense(8)\n').encode()
    result = run_source(source, Settings(fix=True))
    assert not result.analysed and result.new is None
    assert "line 3" in result.error
    assert [(f.code, f.span.line, f.fix) for f in result.findings] == [
        ("KF001", 2, None), ("KF009", 3, None)]


def test_a_python3_syntax_error_stays_kf000():
    source = (HEAD + "x = 1 +\nDense(8)\n").encode()
    result = run_source(source, Settings())
    assert [f.code for f in result.findings] == ["KF000"] and not result.analysed


def test_crlf_files_keep_crlf(tmp_path):
    path = tmp_path / "win.py"
    original = MIXED.replace("\n", "\r\n").encode()
    path.write_bytes(original)
    assert invoke("fix", path).exit_code == 0
    data = path.read_bytes()
    assert data.count(b"\r\n") == original.count(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b'print("loss", model.evaluate(x, y))\r\n' in data


def test_encoding_cookie_and_bom_are_kept(tmp_path):
    latin = tmp_path / "latin.py"
    latin.write_bytes(b"# -*- coding: latin-1 -*-\n" + HEAD.encode()
                      + b'print "caf\xe9"\nDense(8)\n')
    bom = tmp_path / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbf" + HEAD.encode() + b"print 'x'\nDense(8)\n")
    assert invoke("fix", latin, bom).exit_code == 0
    assert b'print("caf\xe9")\n' in latin.read_bytes()
    assert bom.read_bytes() == b"\xef\xbb\xbf" + HEAD.encode() + b"print('x')\nDense(8)\n"


def test_ignored_python2_code_is_not_written_and_keras_fixes_wait(tmp_path):
    path = tmp_path / "train.py"
    path.write_text(MIXED)
    result = invoke("fix", path, "--ignore", "KF001", "--output-format", "json")
    assert path.read_text() == MIXED
    found = json.loads(result.output)
    assert [(f["code"], f["line"], f["fix"]["applied"]) for f in found] == [("KF112", 4, False)]


def test_suppression_by_name_and_code():
    assert names_to_codes()["print-statement"] == "KF001"
    assert by_code_or_name("KF009").name == "python2-syntax"
    source = (HEAD + 'print "a"  # kerasfix: ignore[print-statement]\ns = `x`  # noqa: KF003\n'
              + TAIL).encode()
    result = run_source(source, Settings())
    assert result.findings == [] and result.analysed


def test_rule_command_knows_the_python2_rules():
    result = invoke("rule", "KF001")
    assert result.exit_code == 0 and "print-statement" in result.output
    table = invoke("rules").output
    assert all(f"KF00{n}" in table for n in range(1, 10))


def test_notebook_python2_cell_gives_a_clean_finding(tmp_path):
    cell = ["from keras.layers import Convolution2D\n", 'print "hi"\n',
            "c = Convolution2D(32, 3, 3)"]
    nb = {"cells": [{"cell_type": "code", "execution_count": 1, "metadata": {},
                     "outputs": [], "source": cell}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(nb))
    before = path.read_bytes()
    result = invoke("check", path, "--output-format", "json")
    found = [(f["cell"], f["line"], f["code"]) for f in json.loads(result.output)]
    assert (1, 2, "KF001") in found or (1, 2, "KF000") in found, found
    if (1, 2, "KF000") in found:  # cells are parsed one by one, before the engine
        assert result.exit_code == 3
    assert path.read_bytes() == before


SAMPLES = [
    MIXED,
    'print "a", `b`, 0777L <> 10L\nexec "x" in ns\n',
    'if x:\n\tprint ur"x"\n        print "y"\n',  # tab indentation: 3.12+ tokenize raises
    "s = '''\nprint \"x\"\n'''  # print `c`\nprint f(a, [1,\n 2])\n",
    'x = "caf\u00e9"; print x\r\nraise E, "m"\r\n',
]


@pytest.mark.parametrize("text", SAMPLES)
def test_fallback_scanner_converts_like_the_tokenizer(monkeypatch, text):
    by_tokenizer = convert_text(text)
    monkeypatch.setattr(hook, "tokens", tokens.scan)
    by_scanner = convert_text(text)
    assert by_scanner.text == by_tokenizer.text
    assert [f.code for f in by_scanner.forms] == [f.code for f in by_tokenizer.forms]
    assert by_tokenizer.forms


def test_tokenizer_errors_fall_back_to_the_scanner(monkeypatch):
    def refuse(readline):
        raise SyntaxError("the tokenizer gave up")

    monkeypatch.setattr(tokens.tokenize, "generate_tokens", refuse)
    assert convert_text("print `x`\n").text == "print(repr(x))\n"


def test_edits_refuse_to_move_lines_and_map_positions_back():
    with pytest.raises(ValueError):
        apply("a\nb", [Edit(0, 3, "ab")])
    old = "s = `a`; c = f(x)\n"
    new = apply(old, [Edit(4, 5, "repr("), Edit(6, 7, ")")])
    assert new == "s = repr(a); c = f(x)\n"
    positions = PositionMap(old, new, [Edit(4, 5, "repr("), Edit(6, 7, ")")])
    assert positions.position(1, new.index("f(") + 1) == (1, old.index("f(") + 1)
    assert positions.position(1, 1) == (1, 1)
    assert positions.position(1, 5) == (1, 5)  # the start of inserted text: its old start


def test_selection_of_keras_codes_only_still_analyses_python2(tmp_path):
    path = tmp_path / "train.py"
    path.write_text(MIXED)
    result = invoke("check", path, "--select", "KF1", "--output-format", "json")
    assert [(f["code"], f["line"]) for f in json.loads(result.output)] == [("KF112", 4)]
    assert result.exit_code == 1


def test_selection_settings_reach_the_python2_findings():
    settings = Settings(selection=Selection(ignore=("KF00",)))
    result = run_source((HEAD + 'print "x"\nDense(8)\n').encode(), settings)
    assert result.findings == [] and result.analysed


def test_python2_notebook_cells_are_converted_with_the_keras_rules(tmp_path):
    """A Python 2 cell is converted with the rest of the notebook (lines kept per cell); a cell
    that does not parse at all is still its own KF000, and the others are fixed."""
    import json

    from click.testing import CliRunner

    from kerasfix.cli import main

    cell = {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": []}
    nb = {"cells": [dict(cell, source=["from keras.layers import Convolution2D\n",
                                       "print 'hello'\n"]),
                    dict(cell, source=["x = Convolution2D(32, 3, 3, border_mode='same')\n",
                                       "print x"]),
                    dict(cell, source=["y = ("])],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "legacy.ipynb"
    path.write_text(json.dumps(nb, indent=1))
    checked = CliRunner().invoke(main, ["check", "--no-cache", "--isolated",
                                        "--output-format", "concise", str(path)])
    assert "cell 1:2:1: KF001" in checked.output and "cell 2:1:5: KF112" in checked.output
    assert "cell 3:1:5: KF000" in checked.output and checked.exit_code == 3
    fixed = CliRunner().invoke(main, ["fix", "--no-cache", "--isolated", str(path)])
    assert fixed.exit_code == 3
    sources = [c["source"] for c in json.loads(path.read_text())["cells"]]
    assert sources == [["from keras.layers import Conv2D\n", "print('hello')\n"],
                       ["x = Conv2D(32, (3, 3), padding='same')\n", "print(x)"], ["y = ("]]
