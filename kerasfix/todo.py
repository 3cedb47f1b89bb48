"""`# TODO(kerasfix): KFxxx what to do` comments (ux-spec 6.8), written by `kerasfix fix`.

Above the first line of each statement holding a finding `fix` could not convert (a manual
finding, or an unsafe fix not applied), one comment line per code, in code order, indented
like the statement:

    # TODO(kerasfix): KF136 `LocallyConnected2D` was removed in Keras 3 and has no equivalent
    x = LocallyConnected2D(32, 3, 3)(x)

Never twice (a comment for that code directly above the statement is kept as it is), and
gone once resolved: a comment in exactly this format whose statement below no longer has a
finding of its code is removed. Shape findings (KF5xx), suppression findings (KF9xx) and
KF000 get none. Only whole comment lines are inserted or removed, at the start of a logical
line: the result is checked to parse to the same syntax tree, else the text is left alone.

Pure text functions; `engine.run_source` calls `apply` on the final bytes of a fix.
"""

from __future__ import annotations

import ast
import bisect
import io
import re
import tokenize
from collections.abc import Callable, Iterable

from kerasfix.diagnostics import Finding
from kerasfix.suppress import FILE_HEAD

PREFIX = "# TODO(kerasfix): "
MARK = PREFIX.encode()
_TODO = re.compile(r"^# TODO\(kerasfix\): (KF\d{3})(?: .*)?$")
_SUPPRESSION = re.compile(r"#\s*(?:kerasfix|noqa)\s*:", re.IGNORECASE)
_FILE_IGNORE = re.compile(r"#\s*kerasfix\s*:\s*file-ignore\b")
WIDTH = 100  # preferred longest line; the text is cut at a clause or a word to fit
MIN_TEXT = 60  # but deep indentation never cuts the text shorter than this
UNSAFE_TEXT = "unsafe fix: review it with `kerasfix fix --unsafe-fixes --diff`"


def wants_todo(f: Finding) -> bool:
    """A finding left in the code by `fix` that makes the line fail or misbehave."""
    return f.kind in ("manual", "unsafe") and eligible(f.code)


def eligible(code: str) -> bool:
    """Codes that get TODO comments: not KF000, not shapes (KF5xx), not suppressions (KF9xx)."""
    return (re.fullmatch(r"KF\d{3}", code) is not None and code != "KF000"
            and not code.startswith(("KF5", "KF9")))


def todo_text(f: Finding, indent: int = 0) -> str:
    """The short what-to-do after the code: the help if it fits, else the message, on one
    line and cut to fit (never broken across lines)."""
    width = max(MIN_TEXT, WIDTH - indent - len(PREFIX) - len(f.code) - 1)
    if f.kind == "unsafe":
        text = UNSAFE_TEXT
    else:
        help_ = _one_line(f.help or "")
        text = help_ if help_ and len(help_) <= width else _fit(_one_line(f.message), width)
    if _SUPPRESSION.search(text):  # never read as a suppression comment
        text = text.replace("#", "")
    return text


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _fit(text: str, width: int) -> str:
    """`text` if it fits; else up to its last clause break (`: `, `; `, `, `) that fits,
    outside brackets and backticks; else cut at a word, with `...`."""
    if len(text) <= width:
        return text
    depth, tick, best = 0, False, -1
    for i, c in enumerate(text[:width + 1]):
        if c == "`":
            tick = not tick
        elif not tick and c in "([{":
            depth += 1
        elif not tick and c in ")]}":
            depth = max(0, depth - 1)
        elif (not tick and depth == 0 and c in ":;," and text[i + 1:i + 2] == " "
              and i >= width // 3):
            best = i
    if best > 0:
        return text[:best]
    cut = text[:width - 3]
    if " " in cut:
        cut = cut[:cut.rindex(" ")]
    if cut.count("`") % 2:  # do not leave a code span open
        cut = cut[:cut.rindex("`")]
    return cut.rstrip(" ,;:(") + "..."


def apply(data: bytes, findings: Iterable[Finding],
          selected: Callable[[str], bool] = lambda code: True) -> tuple[bytes, int]:
    """The source bytes with TODO comments updated, and how many it holds for these findings.

    `findings` are located in `data` (the remaining findings of a fix); TODO comments for
    codes `selected` rejects (not run this time) are left alone. Encoding, BOM and line
    endings are kept; on any doubt `data` comes back unchanged.
    """
    findings = [f for f in findings if wants_todo(f)]
    if not findings and MARK not in data:
        return data, 0
    try:
        encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
        text = data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return data, 0
    new, count = update_todos(text, findings, selected, encoding)
    if new == text:
        return data, count
    try:
        out = new.encode(encoding)
        if tokenize.detect_encoding(io.BytesIO(out).readline)[0] != encoding:
            return data, 0
    except (SyntaxError, UnicodeError, LookupError):
        return data, 0
    return out, count


def insert_todos(text: str, findings: Iterable[Finding]) -> str:
    """`text` with a TODO comment above each statement holding a finding that wants one
    (existing ones kept; nothing removed)."""
    return _rewrite(text, list(findings), None, "utf-8")[0]


def stale_todos(text: str, findings: Iterable[Finding],
                selected: Callable[[str], bool] = lambda code: True) -> list[int]:
    """Line numbers (1-based) of TODO comments no finding in `findings` asks for any more
    (or that repeat a code in the same statement's block)."""
    plan = _plan(text, [f for f in findings if wants_todo(f)], selected)
    return [] if plan is None else sorted(plan[1])


def update_todos(text: str, findings: Iterable[Finding],
                 selected: Callable[[str], bool] = lambda code: True,
                 encoding: str = "utf-8") -> tuple[str, int]:
    """Remove the stale TODO comments and insert the missing ones, in one step (both are
    computed on `text`, where `findings` are located). Returns the text and the number of
    TODO comments it holds for the findings."""
    return _rewrite(text, list(findings), selected, encoding)


def _rewrite(text, findings, selected, encoding) -> tuple[str, int]:
    findings = [f for f in findings if wants_todo(f)]
    if "\r" in text.replace("\r\n", ""):  # lone CR line ends: lines are counted differently
        return text, 0
    plan = _plan(text, findings, selected or (lambda code: True))
    if plan is None:
        return text, 0
    inserts, stale, count = plan
    if selected is None:
        stale = set()
    if not inserts and not stale:
        return text, count
    lines = text.split("\n")
    out = []
    for number, line in enumerate(lines, 1):
        for new in inserts.get(number, []):
            out.append(_encodable(new, encoding) + ("\r" if line.endswith("\r") else ""))
        if number not in stale:
            out.append(line)
    new_text = "\n".join(out)
    try:  # comments only: the program must be the same
        if ast.dump(ast.parse(new_text)) != ast.dump(ast.parse(text)):
            return text, 0
    except (SyntaxError, ValueError):
        return text, 0
    return new_text, count


def _encodable(line: str, encoding: str) -> str:
    try:
        line.encode(encoding)
        return line
    except (UnicodeError, LookupError):
        return line.encode("ascii", "replace").decode("ascii")


def _plan(text: str, findings: list[Finding], selected):
    """(line -> new comment lines to insert above it, stale TODO lines, TODOs kept/added);
    None when the text does not parse or tokenize."""
    try:
        tree = ast.parse(text)
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (SyntaxError, ValueError, tokenize.TokenError):
        return None
    starts, todos, heads = _scan(tokens)
    lines = text.split("\n")
    spans = list(_statements(tree))
    logical = sorted(starts)
    wanted: dict[int, dict[str, Finding]] = {}
    for f in sorted(findings, key=lambda f: (f.span.line, f.span.column)):
        anchor = _anchor(spans, logical, f.span.line)
        if anchor is not None:
            wanted.setdefault(anchor, {}).setdefault(f.code, f)
    stale: set[int] = set()
    kept: dict[int, dict[str, int]] = {}  # anchor -> code -> line of its kept comment
    for line, code in todos.items():
        if line - 1 in todos:
            continue  # not the first of its block
        block = []
        while line in todos:
            block.append(line)
            line += 1
        target = line
        for t in block:
            code = todos[t]
            if not (eligible(code) and selected(code)):
                continue  # not ours to judge in this run
            if code in wanted.get(target, {}) and code not in kept.get(target, {}):
                kept.setdefault(target, {})[code] = t
            else:
                stale.add(t)
    inserts: dict[int, list[str]] = {}
    count = 0
    for anchor, codes in wanted.items():
        indent = lines[anchor - 1][:starts[anchor]].replace("\x0c", "")
        have = kept.get(anchor, {})
        count += len(codes)
        block_lines = sorted(
            [(code, todos[t], t) for code, t in have.items()]
            + [(code, None, None) for code in codes if code not in have])
        # New comments go above the first kept comment of a later code (comments stay in
        # code order), else directly above the statement.
        for code, _, _ in block_lines:
            if code in have:
                continue
            later = [t for c, _, t in block_lines if t is not None and c > code]
            where = min(later) if later else anchor
            comment = f"{indent}{PREFIX}{code} {todo_text(codes[code], len(indent))}".rstrip()
            inserts.setdefault(where, []).append(comment)
    for head in heads:  # a `file-ignore` must stay in the first lines to keep working
        moved = head + sum(len(v) for k, v in inserts.items() if k <= head) - sum(
            1 for t in stale if t < head)
        if moved > FILE_HEAD:
            for where in [k for k in inserts if k <= head]:
                count -= len(inserts.pop(where))
    return inserts, stale, count


def _scan(tokens) -> tuple[dict[int, int], dict[int, str], list[int]]:
    """Lines where a logical line starts (-> its column), own-line comments in the TODO
    format (-> their code), and the `file-ignore` suppressions in the first lines."""
    starts: dict[int, int] = {}
    todos: dict[int, str] = {}
    heads: list[int] = []
    expect = True
    for tok in tokens:
        kind = tok.type
        if kind == tokenize.COMMENT:
            if not tok.line[:tok.start[1]].strip():
                match = _TODO.match(tok.string.rstrip("\r"))
                if match:
                    todos[tok.start[0]] = match.group(1)
            if tok.start[0] <= FILE_HEAD and _FILE_IGNORE.match(tok.string):
                heads.append(tok.start[0])
            continue
        if kind in (tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING,
                    tokenize.ENDMARKER):
            continue
        if kind == tokenize.NEWLINE:
            expect = True
            continue
        if expect:
            starts[tok.start[0]] = tok.start[1]
            expect = False
    return starts, todos, heads


def _statements(tree: ast.AST):
    """(first line, last line) of every statement (decorators included) and except clause."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.stmt, ast.ExceptHandler)):
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            yield first, node.end_lineno or node.lineno


def _anchor(spans: list[tuple[int, int]], starts: list[int], line: int) -> int | None:
    """Where the comment for a finding on `line` goes: the start of the logical line holding
    the innermost statement that covers `line` (`if x: f()`, `a; b` and a statement after a
    multi-line string or a backslash start where their line's first statement starts)."""
    covering = [(first, -last) for first, last in spans if first <= line <= last]
    if not covering:
        return None
    first = max(covering)[0]
    i = bisect.bisect_right(starts, first) - 1
    return starts[i] if i >= 0 else None
