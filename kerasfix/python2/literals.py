"""Python 2 tokens: backticks, octal and long literals, `<>`, `ur` strings (KF003-KF006),
and lambda tuple parameters (KF009), wherever they are.
"""

from __future__ import annotations

import re

from kerasfix.python2.edits import Edit
from kerasfix.python2.source import Form, Problem, Source

_OCTAL = re.compile(r"0[0-7]+")
_INTEGER = re.compile(r"0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9]\d*|0")
_UR = re.compile(r"[uU][rR]['\"]")


def literals(src: Source):
    yield from _backticks(src)
    yield from _lambdas(src)
    yield from _tokens(src)


def _lambdas(src: Source):
    for k, tok in enumerate(src.toks[:-1]):
        if tok.kind == "NAME" and tok.text == "lambda" and src.toks[k + 1].text == "(":
            yield src.problem(k, src.match.get(k + 1, k + 1) + 1,
                              "tuple parameter unpacking in a lambda",
                              "Python 3: `lambda ab: ...` with `ab[0]`, `ab[1]`")


def _backticks(src: Source):
    """`` `x` `` -> `repr(x)`; `` `a, b` `` (a tuple) -> `repr((a, b))`."""
    ticks = [k for k, t in enumerate(src.toks) if t.kind == "OP" and t.text == "`"]
    for a, b in zip(ticks[::2], ticks[1::2]):
        if b == a + 1 or any(src.toks[k].kind == "NEWLINE" for k in range(a, b)):
            yield src.problem(a, b + 1, "backticks that do not pair up", "write `repr(x)`")
            return
        tuple_ = bool(src.top(a + 1, b, ",", src.depth[a]))
        open_, close = ("repr((", "))") if tuple_ else ("repr(", ")")
        ta, tb = src.toks[a], src.toks[b]
        edits = [Edit(ta.start, ta.end, open_), Edit(tb.start, tb.end, close)]
        yield src.form("KF003", a, b + 1, edits, "backticks `` `x` ``", "`repr(x)`")
    if len(ticks) % 2:
        yield src.problem(ticks[-1], ticks[-1] + 1, "a backtick that does not pair up",
                          "write `repr(x)`")


def _tokens(src: Source):
    for k, tok in enumerate(src.toks):
        if tok.kind == "NUMBER":
            yield _number(src, k)
        elif tok.kind == "OP" and tok.text == "<>":
            yield src.form("KF005", k, k + 1, [Edit(tok.start, tok.end, "!=")],
                           "`<>` operator", "`!=`")
        elif tok.kind == "STRING" and _UR.match(tok.text):
            yield _ur_string(src, k)


def _number(src: Source, k: int) -> Form | None:
    """`0777` -> `0o777`, `10L` -> `10`, `0777L` -> `0o777`."""
    tok = src.toks[k]
    after = src.toks[k + 1] if k + 1 < len(src.toks) else None
    long = (after is not None and after.kind == "NAME" and after.text in ("L", "l")
            and after.start == tok.end and bool(_INTEGER.fullmatch(tok.text)))
    octal = bool(_OCTAL.fullmatch(tok.text)) and tok.text.strip("0") != ""
    if not (long or octal):
        return None
    edits = [Edit(tok.start + 1, tok.start + 1, "o")] if octal else []
    edits += [Edit(after.start, after.end, "")] if long else []
    new = "0o" + tok.text[1:] if octal else tok.text
    kind = " ".join(filter(None, ["octal" if octal else "", "long" if long else ""]))
    old = tok.text + (after.text if long else "")
    return src.form("KF004", k, k + (2 if long else 1), edits, f"{kind} literal `{old}`",
                    f"`{new}`")


def _ur_string(src: Source, k: int) -> Form | Problem:
    """`ur"..."` -> `r"..."`, unless a `\\u` escape (processed in Python 2's ur strings, kept
    literally in Python 3 raw strings) would change the string."""
    tok = src.toks[k]
    if re.search(r"\\[uU]", tok.text):
        return src.problem(k, k + 1, "`ur` string with a `\\u` escape",
                           "write a `u\"...\"` string with the other backslashes doubled")
    return src.form("KF006", k, k + 1, [Edit(tok.start, tok.start + 1, "")],
                    '`ur"..."` string prefix', '`r"..."`')
