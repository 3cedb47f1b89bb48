"""Property tests: legacy Keras sources generated from the rule tables (tests/fuzz_strategies.py)
go through `kerasfix.engine.run_source` with `Settings(fix=True)`, once without and once with
`unsafe_fixes=True` (and a drawn `--from`, `--target` and, now and then, `--select` /
`--ignore`), and must satisfy:

1. **never raises**: an exception (InternalError included: a fix that does not re-parse) is a
   kerasfix bug;
2. **the output parses**: when `result.new` is not None, `ast.parse(result.new)` succeeds (the
   bytes, so that BOMs and PEP 263 cookies count); and when the input compiles (`compile`
   also checks that `from __future__` imports come first, which `ast.parse` does not), the
   output compiles and keeps the module docstring (`ast.get_docstring`: an import added above
   it would make it a plain expression);
3. **a second fix is a no-op**: `run_source(result.new)` returns `new=None`, with the same
   settings (TODO comments off, and again with them on);
4. **every change lies inside a reported fix**: checked pass by pass (`engine.one_pass`, as
   `run_source` chains the passes; the chain must end on `run_source`'s output), with TODO
   comments off, on the lines of the pass's input and output (`\r\n`, `\r`, `\n`; lines,
   since fixes may reflow a call). Some alignment of the two (all alignments are searched:
   difflib commits to one, which may pair a blank line of a rewritten call with an unchanged
   blank line below it) must keep every line except
   - lines inside the span (`span.line..span.end_line`, in the pass's input) of a finding of
     that pass whose fix was applied (`finding.kind == "fixed"`): they may change or go, and
     the lines they are rewritten into come in the same run of changes;
   - lines strictly inside such a span (between two of its lines) may be inserted;
   - lines of import statements, in the input and in the output, may go and come (imports
     follow renames, are split, added and pruned), and so may the blank lines right above an
     import statement of the input (libcst's leading lines of a pruned import): an import
     line is every physical line of a logical line all of whose statements are `import` /
     `from ... import` (found with the tokenizer, so that Python 2 input counts too);
   4b. **each fix writes its replacement at its span**, by characters: the input's text outside
   the spans of the applied fixes and outside import statements is kept, in order, and the
   text at each span is the replacement of its outermost fix (`fix.replacement`, what the JSON
   output says is written at the finding's location; of the fixes of one node, the last in
   code order, which runs last), up to the indentation libcst adds to continuation lines.
   Passes with an ENCLOSING fix are not checked (see ENCLOSING: their replacement is the
   enclosing class or block);
5. **TODO comments only add or remove TODO lines**: the output with `todo_comments=True`
   differs from the output with them off only by whole lines in the `# TODO(kerasfix): KFxxx`
   format (inserted, or stale ones from the input removed), and a second fix with TODO
   comments on changes nothing.

Three generators: `calls()` (a few statements around legacy calls), `programs()` (whole
programs with defs, classes, loops, decorators, lambdas, f-strings, Python 2 statements) and
`snippets()` (the rule examples themselves, merged and laid out again).

Example counts: CI-sized below (the whole fuzz suite runs in about a minute on 2 CPUs);
`KERASFIX_FUZZ_EXAMPLES=N` runs N examples per test instead.
"""

from __future__ import annotations

import ast
import bisect
import difflib
import io
import os
import re
import tokenize
import warnings
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kerasfix.engine import MAX_PASSES, Settings, one_pass, run_source
from kerasfix.selection import Selection
from tests import fuzz_strategies as F

EXAMPLES = int(os.environ.get("KERASFIX_FUZZ_EXAMPLES") or 0)


def fuzz(examples: int):
    return settings(max_examples=EXAMPLES or examples, deadline=None, derandomize=True,
                    database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


CODES = tuple(sorted({r.id for r in F.LAYER_RULES} | {r.id for r in F.PROGRAM.rules}))


@st.composite
def run_settings(draw) -> Settings:
    """--from, --target, and now and then a --select / --ignore; fix on, TODO comments off."""
    selection = Selection()
    how = draw(st.integers(0, 9))
    if how == 0:
        selection = Selection(select=(draw(st.sampled_from(CODES + ("KF1", "KF2", "KF3"))),))
    elif how == 1:
        selection = Selection(ignore=(draw(st.sampled_from(CODES + ("KF1", "KF15"))),))
    return Settings(source=draw(st.sampled_from(("auto", "auto", "keras1", "keras2", "tf.keras"))),
                    target=draw(st.sampled_from(("keras3", "keras3", "keras2"))),
                    selection=selection, fix=True, todo_comments=False)


# ---------------------------------------------------------------------------------------------
# Text helpers

_NEWLINE = re.compile(r"\r\n|\r|\n")
TODO_LINE = re.compile(r"^[ \t\f]*# TODO\(kerasfix\): KF\d{3}\b.*$")


def text_of(data: bytes) -> str:
    encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    return data.decode(encoding)


def lines_of(data: bytes) -> list[str]:
    return _NEWLINE.split(text_of(data))


def import_lines(data: bytes) -> set[int]:
    """1-based lines of logical lines made only of import statements (tokenizer-based, so
    that Python 2 sources count too); empty when the text does not tokenize."""
    out: set[int] = set()
    try:
        tokens = list(tokenize.tokenize(io.BytesIO(data).readline))
    except (tokenize.TokenError, SyntaxError):
        return out
    first_line, imports_only, expect, depth = None, True, True, 0
    for tok in tokens:
        if tok.type in (tokenize.ENCODING, tokenize.COMMENT, tokenize.NL, tokenize.INDENT,
                        tokenize.DEDENT, tokenize.ENDMARKER):
            continue
        if tok.type == tokenize.NEWLINE:
            if first_line is not None and imports_only:
                out |= set(range(first_line, tok.end[0] + 1))
            first_line, imports_only, expect = None, True, True
            continue
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
        if first_line is None:
            first_line = tok.start[0]
        if expect:
            imports_only &= tok.type == tokenize.NAME and tok.string in ("import", "from")
            expect = False
        if tok.type == tokenize.OP and tok.string == ";" and depth == 0:
            expect = True
    return out


def _line_starts(text: str) -> list[int]:
    """Offsets where lines 1, 2, ... start (and one past the end), as Python counts lines."""
    return [0] + [m.end() for m in _NEWLINE.finditer(text)] + [len(text)]


# Program rules whose fix replaces an enclosing node (the class, the block) while the finding
# points inside it (`Edit(at=...)`): their `fix.replacement` is not the text of their span, so
# property 4b cannot hold for them (reported: the JSON output's replacement and location
# disagree). A rule added here on purpose must be one that replaces an enclosing node.
ENCLOSING = frozenset({"KF211", "KF212", "KF384", "KF400", "KF401", "KF402"})


def misplaced_replacements(before: bytes, after: bytes, findings) -> list[str]:
    """Property 4b for one pass (skipped when an ENCLOSING fix was applied). Cut the text of
    `before` into regions: the spans of the applied fixes (overlapping ones merged; nested
    fixes sit inside the outer one's span) and the import statements (whole lines), and the
    text between them. Then `after` must read, in
    order: the text between the regions unchanged; for a region of fixes, the replacement of
    its outermost fix (`finding.fix.replacement`, what the JSON output says is written there)
    when one fix spans the whole region, else anything; for an import region, anything.
    Empty if so, else where it first differs."""
    old, new = text_of(before), text_of(after)
    starts = _line_starts(old)
    regions = []  # (start, end, the fix spanning the whole region or None)
    for f in findings:
        if f.kind == "fixed":
            # A Python 2 conversion's replacement is its Python 3 spelling before the Keras
            # fixes inside it run: the region is checked as a whole, not against it.
            regions.append((starts[f.span.line - 1] + f.span.column - 1,
                            starts[f.span.end_line - 1] + f.span.end_column - 1,
                            None if f.code.startswith("KF00") else f))
    for line in import_lines(before):
        regions.append((starts[line - 1], starts[line], None))
    merged: list[list] = []
    # Fixes of one node share its span and run in code order: the last one's replacement is
    # what is written (`SGD(lr=..., decay=...)`: KF341, then KF342 on its result).
    for a, b, f in sorted(regions, key=lambda r: (r[0], -r[1], r[2].code if r[2] else "~")):
        if merged and a < merged[-1][1] or merged and (a, b) == tuple(merged[-1][:2]):
            last = merged[-1]
            if b > last[1] or f is None or last[2] is None:
                last[1], last[2] = max(b, last[1]), None  # overlapping: no one replacement
            elif (a, b) == (last[0], last[1]):
                last[2] = f
            continue
        merged.append([a, b, f])
    # `after` as a sequence of patterns: the kept text literally, a fix's replacement with
    # any indentation after its line breaks (libcst indents the continuation lines of a node
    # put back into an indented block; the replacement is rendered at module level), and
    # wildcards: (offset in `before`, pattern or None, shown text)
    pattern, at = [], 0
    for a, b, f in merged:
        pattern.append((at, re.escape(old[at:a]), old[at:a]))
        if f is None:
            pattern.append((a, None, ""))
        else:
            loose = r"(?:\r\n|\r|\n)[ \t\f]*".join(
                re.escape(line) for line in _NEWLINE.split(f.fix.replacement))
            pattern.append((a, loose, f.fix.replacement))
        at = b
    pattern.append((at, re.escape(old[at:]) + r"\Z", old[at:]))
    # Runs of patterns with no wildcard between them match as one (searched for after a
    # wildcard, leftmost: enough for patterns separated by wildcards only).
    runs: list[list] = [[]]
    for item in pattern:
        if item[1] is None:
            runs.append([])
        elif item[2] or item[1].endswith("\\Z"):
            runs[-1].append(item)
    pos = 0
    for n, run in enumerate(runs):
        if not run:
            continue
        whole = re.compile("".join(regex for _, regex, _ in run))
        found = whole.search(new, pos) if n else whole.match(new, pos)
        if found is not None:
            pos = found.end()
            continue
        # which piece fails: match them one by one from the first one's leftmost place
        first = re.compile(run[0][1])
        at = first.search(new, pos) if n else first.match(new, pos)
        bad = run[0]
        if at is not None:
            end = at.end()
            for item in run[1:]:
                step = re.compile(item[1]).match(new, end)
                if step is None:
                    bad = item
                    break
                end = step.end()
        offset, _, shown = bad
        line = bisect.bisect_right(starts, offset) - 1
        fixes = [f.code for a, _, f in merged if f is not None and offset == a
                 and shown == f.fix.replacement]
        what = f"the replacement of the {fixes[0]} fix at" if fixes else "the text from"
        return [f"{what} line {line + 1} col {offset - starts[line] + 1} is not where "
                f"it should be in the output: {shown[:300]!r}"]
    return []


def aligns(old: list[str], new: list[str], deletable, insertable) -> bool:
    """Is there a way to turn `old` into `new` keeping every other line? Only the lines
    `deletable(line)` allows may go ("fix" or "other"; 1-based), only the lines
    `insertable(gap, j, rewrite)` allows may come (`j` 1-based in `new`, after the first `gap`
    lines of `old`; `rewrite`: a "fix" line was deleted in the same run of changes, so this
    may be what it was rewritten into). A search over all alignments: difflib commits to one,
    which may pair a blank line inside a rewritten call with an unchanged blank line below."""
    n, m = len(old), len(new)
    reach = [[0] * (m + 1) for _ in range(n + 1)]  # bit 1: reached; bit 2: in a rewrite
    reach[0][0] = 1
    for i in range(n + 1):
        for j in range(m + 1):
            here = reach[i][j]
            if not here:
                continue
            if i < n and j < m and old[i] == new[j]:
                reach[i + 1][j + 1] |= 1
            if i < n:
                kind = deletable(i + 1)
                if kind:
                    reach[i + 1][j] |= 2 if kind == "fix" or here & 2 else 1
            if j < m:
                for bit, rewrite in ((1, False), (2, True)):
                    if here & bit and insertable(i, j + 1, rewrite):
                        reach[i][j + 1] |= bit
    return bool(reach[n][m])


def _difflib_view(old: list[str], new: list[str], deletable, insertable) -> list[str]:
    """The lines breaking the rule as difflib aligns them, for a failure message."""
    bad = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new,
                                                       autojunk=False).get_opcodes():
        if tag != "equal":
            bad += [f"old line {i + 1} changed: {old[i]!r}" for i in range(i1, i2)
                    if not deletable(i + 1)]
            bad += [f"new line {j + 1} inserted after old line {i1}: {new[j]!r}"
                    for j in range(j1, j2) if not insertable(i1, j + 1, i1 < i2)]
    return bad or ["no alignment keeps the other lines"]


def outside_fixes(before: bytes, after: bytes, findings) -> list[str]:
    """Property 4 for one pass, by lines: every line of `before` is kept, unless it lies in
    the span of an applied fix or in an import statement; every line of `after` is kept from
    `before`, or rewritten from a span line (in the same run of changes), or inserted strictly
    inside a span (between two of its lines), or an import statement. Empty if some alignment
    of the lines says so, else difflib's view of what breaks it."""
    spans = [(f.span.line, f.span.end_line) for f in findings if f.kind == "fixed"]
    old, new = lines_of(before), lines_of(after)
    old_imports, new_imports = import_lines(before), import_lines(after)

    def deletable(line):
        if any(a <= line <= b for a, b in spans):
            return "fix"
        if line in old_imports:
            return "other"
        below = line  # blank lines above an import statement go with it when it goes
        while below <= len(old) and not old[below - 1].strip():
            below += 1
        return "other" if below != line and below in old_imports else ""

    def insertable(gap, j, rewrite):
        return rewrite or j in new_imports or any(a <= gap < b for a, b in spans)

    if aligns(old, new, deletable, insertable):
        return []
    return _difflib_view(old, new, deletable, insertable)


def only_todo_lines(without: bytes, with_todos: bytes) -> list[str]:
    """Property 5: empty if the two differ only by whole TODO comment lines, else difflib's
    view of the other lines that differ."""
    a, b = lines_of(without), lines_of(with_todos)
    # A stale TODO removed from the end of a file without a final newline leaves the newline
    # before it: an empty last "line" may come then.
    end = len(b) if b[-1:] == [""] and a and TODO_LINE.match(a[-1]) else 0
    if aligns(a, b, lambda i: "other" if TODO_LINE.match(a[i - 1]) else "",
              lambda gap, j, rewrite: bool(TODO_LINE.match(b[j - 1])) or j == end):
        return []
    bad = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            bad += [f"removed: {line!r}" for line in a[i1:i2] if not TODO_LINE.match(line)]
            bad += [f"added: {line!r}" for line in b[j1:j2] if not TODO_LINE.match(line)]
    return bad or ["no alignment keeps the other lines"]


# ---------------------------------------------------------------------------------------------
# The properties


def parses(data: bytes) -> None:
    try:
        ast.parse(data)
    except (SyntaxError, ValueError) as exc:
        raise AssertionError(f"the fixed output does not parse: {exc}\n{text_of(data)}") from exc


def compiles(data: bytes) -> bool:
    """`compile` also checks what `ast.parse` lets through (`from __future__` first, `return`
    outside a function, ...)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # `x is 'th'` and the like: SyntaxWarning
            compile(data, "<fuzz>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def check_fix(data: bytes, settings: Settings) -> bytes:
    """Properties 1-3 for one setting; returns the output."""
    result = run_source(data, settings)  # 1: an exception fails the test
    if result.new is None:
        return data
    assert result.analysed, "a source that was not analysed must not change"
    parses(result.new)  # 2
    if compiles(data):
        assert compiles(result.new), "the input compiles, the fixed output does not:\n" + \
            text_of(result.new)
        docstring = ast.get_docstring(ast.parse(data), clean=False)
        assert ast.get_docstring(ast.parse(result.new), clean=False) == docstring, \
            "the module docstring changed:\n" + text_of(result.new)
    again = run_source(result.new, settings)
    assert again.new is None, (  # 3
        "a second fix changed the output:\n"
        + "".join(difflib.unified_diff(text_of(result.new).splitlines(True),
                                       text_of(again.new).splitlines(True))))
    return result.new


def check_inside_fixes(data: bytes, settings: Settings, final: bytes) -> None:
    """Property 4, pass by pass, as run_source chains the passes."""
    current = data
    for _ in range(MAX_PASSES + 1):
        if current == final:
            return
        result = one_pass(current, settings)
        assert result.new is not None, "the passes stopped before run_source's output"
        bad = outside_fixes(current, result.new, result.findings)
        if not bad and not ENCLOSING & {f.code for f in result.findings if f.kind == "fixed"}:
            bad = misplaced_replacements(current, result.new, result.findings)
        assert not bad, "\n".join(bad) + "\n--- input:\n" + text_of(current) + \
            "\n--- output:\n" + text_of(result.new)
        current = result.new
    assert current == final, "the passes do not reach run_source's output"


def check_todos(data: bytes, settings: Settings, without: bytes) -> None:
    """Property 5 (and 1-3 with TODO comments on)."""
    on = replace(settings, todo_comments=True)
    result = run_source(data, on)
    out = result.new if result.new is not None else data
    if result.new is not None:
        parses(out)
    bad = only_todo_lines(without, out)
    assert not bad, "\n".join(bad)
    again = run_source(out, on)
    assert again.new is None, "a second fix with TODO comments changed the output:\n" + \
        "".join(difflib.unified_diff(text_of(out).splitlines(True),
                                     text_of(again.new).splitlines(True)))


def check_all(data: bytes, settings: Settings) -> None:
    for unsafe in (False, True):
        run = replace(settings, unsafe_fixes=unsafe)
        out = check_fix(data, run)
        check_inside_fixes(data, run, out)
        check_todos(data, run, out)


@fuzz(250)
@given(source=F.calls(), settings=run_settings())
def test_fuzz_calls(source, settings):
    check_all(source.data, settings)


@fuzz(60)
@given(source=F.programs(), settings=run_settings())
def test_fuzz_programs(source, settings):
    check_all(source.data, settings)


@fuzz(200)
@given(source=F.snippets(), settings=run_settings())
def test_fuzz_rule_examples(source, settings):
    check_all(source.data, settings)


# ---------------------------------------------------------------------------------------------
# The checks themselves can fail


def _fixed(line, column, end_line, end_column, replacement, code="KF112"):
    from kerasfix.diagnostics import Finding, Fix, Span

    return Finding(Span(line, column, end_line, end_column), code, "m", "error",
                   Fix("safe", replacement, True), None)


def test_outside_fixes_catches_a_line_no_fix_reports():
    from kerasfix.diagnostics import Fix

    before = b"import keras\nx = 1\ny = Conv(1)\n"
    fixed = _fixed(3, 5, 3, 12, "Conv(2)")
    assert outside_fixes(before, b"import keras\nx = 1\ny = Conv(2)\n", [fixed]) == []
    assert outside_fixes(before, b"import keras\nx = 2\ny = Conv(2)\n", [fixed]) == [
        "old line 2 changed: 'x = 1'"]
    unfixed = replace(fixed, fix=Fix("safe", "Conv(2)", False))
    assert outside_fixes(before, b"import keras\nx = 1\ny = Conv(2)\n", [unfixed]) == [
        "old line 3 changed: 'y = Conv(1)'"]
    assert outside_fixes(before, b"import keras, os\nx = 1\ny = Conv(2)\n", [fixed]) == []
    assert outside_fixes(before, b"import keras\nimport math\nx = 1\ny = Conv(2)\n",
                         [fixed]) == []
    assert outside_fixes(before, b"import keras\nx = 1\ny = Conv(\n    2)\n", [fixed]) == []
    assert outside_fixes(before, b"import keras\nz = 0\nx = 1\ny = Conv(1)\n", [fixed]) == [
        "new line 2 inserted after old line 1: 'z = 0'"]
    # lines cannot tell a line added next to a rewritten one: property 4b can
    above = b"import keras\nx = 1\nz = 0\ny = Conv(2)\n"
    assert outside_fixes(before, above, [fixed]) == []
    assert misplaced_replacements(before, above, [fixed]) != []
    assert outside_fixes(before, b"import keras\nx = 1\n", [_fixed(2, 1, 2, 6, "")]) != []
    pruned = b"import keras\n\nimport os\n\nx = 1\ny = Conv(1)\n"
    assert outside_fixes(pruned, b"import keras\nx = 1\ny = Conv(1)\n", []) == [
        "old line 4 changed: ''"]
    assert outside_fixes(pruned, b"import keras\n\nx = 1\ny = Conv(1)\n", []) == []
    # a call over lines with a blank one, rewritten onto one line, above a blank last line
    two = b"import keras\nx = C(a,\n\n  m=1)\n"
    assert outside_fixes(two, b"import keras\nx = D(a)\n", [_fixed(2, 5, 4, 7, "D(a)")]) == []


def test_misplaced_replacements_reads_the_text_at_each_fix():
    before = b"import keras\nx = 1\ny = Conv(1)\n"
    fixed = _fixed(3, 5, 3, 12, "Conv(2)")
    assert misplaced_replacements(before, b"import keras\nx = 1\ny = Conv(2)\n", [fixed]) == []
    assert misplaced_replacements(before, b"import keras\nx = 2\ny = Conv(2)\n", [fixed]) == [
        "the text from line 2 col 1 is not where it should be in the output: 'x = 1\\ny = '"]
    assert misplaced_replacements(before, b"import keras\nx = 1\ny = Conv(3)\n", [fixed]) == [
        "the replacement of the KF112 fix at line 3 col 5 is not where it should be in the "
        "output: 'Conv(2)'"]
    assert misplaced_replacements(before, b"import keras, os\nimport math\nx = 1\ny = Conv(2)\n",
                                  [fixed]) == []
    reflowed = _fixed(3, 5, 3, 12, "Conv(\n    2)")
    assert misplaced_replacements(before, b"import keras\nx = 1\ny = Conv(\n        2)\n",
                                  [reflowed]) == []
    for changed in (b"import keras\nx = 1\ny = Conv(2)\nz = 0\n",  # a line below
                    b"import keras\nx = 1\nz = Conv(2)\n",  # the target, outside the span
                    b"import keras\nx = 1\ny = Conv(2)"):  # the last newline
        assert misplaced_replacements(before, changed, [fixed]) != [], changed
    # fixes of one node: the last one's replacement is written; nested fixes sit inside
    same = [fixed, _fixed(3, 5, 3, 12, "Conv(3)", "KF150")]
    assert misplaced_replacements(before, b"import keras\nx = 1\ny = Conv(3)\n", same) == []
    # the text after an import region is searched for with the fix after it, as one piece
    cont = b"from k import \\\n    *\n\ny = Conv(1)\n"
    assert misplaced_replacements(cont, b"from k import \\\n    *\n\ny = Conv(2)\n",
                                  [_fixed(4, 5, 4, 12, "Conv(2)")]) == []
    wide = "import keras\r\ns = 'é'; y = Conv(1)\r\n".encode()  # columns are characters
    outer, inner = _fixed(2, 14, 2, 21, "Conv(2)"), _fixed(2, 19, 2, 20, "2", "KF101")
    assert misplaced_replacements(wide, "import keras\r\ns = 'é'; y = Conv(2)\r\n".encode(),
                                  [outer, inner]) == []
    assert misplaced_replacements(wide, "import keras\r\ns = 'e'; y = Conv(2)\r\n".encode(),
                                  [outer, inner]) != []


def test_import_lines_reads_python2_and_continuations():
    data = b"from a import (b,\n  c)\nprint 'x'\nimport d; import e\nimport f; g()\n"
    assert import_lines(data) == {1, 2, 4}


def test_only_todo_lines_catches_other_changes():
    a = b"x = 1\ny = 2\n"
    assert only_todo_lines(a, b"# TODO(kerasfix): KF136 gone\nx = 1\ny = 2\n") == []
    assert only_todo_lines(a, b"# TODO: KF136\nx = 1\ny = 2\n") == ["added: '# TODO: KF136'"]
    assert only_todo_lines(b"# TODO(kerasfix): KF136 x\n" + a, a) == []
    assert only_todo_lines(a, b"x = 1\n") != []
    assert only_todo_lines(b"x = 1\n# TODO(kerasfix): KF136 x", b"x = 1\n") == []
    assert only_todo_lines(b"x = 1\ny = 2", b"x = 1\ny = 2\n") != []


@pytest.mark.parametrize("text", [
    "from keras.layers import *\nConvolution2D(64, 3, 3, border_mode='same')(x)\n",
    # preprocess_input(x, <a list>): the Keras 1 positional dim_ordering test hashed the list
    "from keras.applications.imagenet_utils import preprocess_input\n"
    "x = preprocess_input(x, [a, b])\ny = preprocess_input(x, 'th')\n",
    # a K.* argument laid out over lines, moved out of the call by a template: InternalError
    "from keras import backend as K\nK.set_value(model.  # c\n    optimizer.lr, 0.5)\n"
    "y = K.mean(x +  # c\n    1, axis=1)\n",
    # renamed to a class whose record maps more values: a second fix changed them
    "from keras.layers import *\nTimeDistributedDense(8, kernel_constraint='nonneg')(x)\n"
    "AtrousConvolution1D(8, 3, bias_constraint='maxnorm')\n"
    "AtrousConvolution2D(8, 3, 3, kernel_constraint='unitnorm')\n",
    # an import statement split in two by one rule, seen by the next import rule: AttributeError
    "from keras.engine.topology import Layer, Container\nfrom keras.optimizers.legacy import Adam\n"
    "from keras.preprocessing.image import ImageDataGenerator\nclass A(Layer):\n    pass\n",
    # the only import pruned, another added: it went above the module docstring
    '"""Doc."""\nfrom keras.layers.wrappers import (\n    merge,)\nx = merge([a, b], mode="sum")\n',
    # Keras 1 positionals moved to keyword/other places, re-read under --from keras1
    "from keras.layers import *\nBatchNormalization(1e-3, 0, 1)\n",
    # comment lines above a pruned import
    "from keras.layers import *\n# own line\nfrom keras import backend as K\n# about y\n"
    "y = K.batch_normalization(x, m, v, beta, gamma, epsilon=1e-5)\n",
    # Keras 1 optimizer positionals also passed by keyword: a repeated keyword, which parses
    # (ast.parse) but does not compile
    "from keras.optimizers import Adagrad\nx = Adagrad((2, 2), 1e-6, [a, b], epsilon=rate)\n",
    # CuDNNGRU -> GRU, then (second fix, Keras 1 code) the GRU record's reset_after=False
    "from keras.layers import CuDNNGRU as LCuD\nLCuD(32, name=b'x', axis=-1)\n",
    # a blank line in a call rewritten onto one line, above the file's last (empty) line
    "from keras.layers import merge as Kmerge\nx = Kmerge([a, b],\n\n    mode='concat')\n",
])
def test_known_sources(text):
    """Sources the fuzzer once failed on (and their neighbours), kept as plain tests."""
    for source in ("auto", "keras1", "keras2", "tf.keras"):
        check_all(text.encode(), Settings(source=source, fix=True, todo_comments=False))


def test_the_engine_refuses_a_fix_that_does_not_compile():
    from kerasfix.migrate.apply import _compile_error

    assert _compile_error(b"f(a=1, a=2)\n") and not _compile_error(b"f(a=1, b=2)\n")
    assert _compile_error(b"x = 1\nfrom __future__ import print_function\n")
