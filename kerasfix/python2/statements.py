"""Python 2 statements: print, exec, raise, except and tuple parameters (KF001, KF002, KF007,
KF008, KF009). They are looked for only where a statement starts, so `print` used as a name is
never touched.
"""

from __future__ import annotations

import keyword

from kerasfix.python2.edits import Edit
from kerasfix.python2.source import Form, Problem, Source
from kerasfix.python2.tokens import Tok

COMPOUND = frozenset({"if", "elif", "else", "for", "while", "try", "except", "finally",
                      "with", "def", "class"})  # a statement may follow their `:` on the line
_EXPRESSION_KEYWORDS = frozenset({"not", "lambda", "None", "True", "False", "yield", "await"})
_PARAMETER = "Python 3 takes the tuple as one parameter: `def f(ab):`, then `a, b = ab`"


def _heads(src: Source) -> list[tuple[int, int]]:
    """(first, end) token indices of every statement; end is its NEWLINE, `;` or END."""
    ends, end = [0] * len(src.toks), len(src.toks) - 1
    for k in range(len(src.toks) - 1, -1, -1):
        tok = src.toks[k]
        if tok.kind in ("NEWLINE", "END") or tok.text == ";" and tok.kind == "OP":
            end = k
        ends[k] = end
    out, start, compound = [], True, False
    for k, tok in enumerate(src.toks):
        if tok.kind in ("NEWLINE", "END"):
            start = True
        elif start:
            out.append((k, ends[k]))
            start, compound = False, tok.kind == "NAME" and tok.text in COMPOUND
        elif src.depth[k] == 0 and tok.kind == "OP" and (tok.text == ";" or tok.text == ":"
                                                          and compound):
            start, compound = True, False  # `if x: print "y"`: a statement after the colon
    return out


def statements(src: Source):
    heads = _heads(src)
    future_print = any(src.toks[i].text == "from" and src.toks[i + 1].text == "__future__"
                       and src.top(i, j, "print_function", src.depth[i]) for i, j in heads)
    defs: list[int] = []  # columns of the enclosing `def`s: exec in a function is different
    for i, j in heads:
        tok = src.toks[i]
        column = tok.start - (src.text.rfind("\n", 0, tok.start) + 1)
        while defs and defs[-1] >= column:
            defs.pop()
        name = tok.text if tok.kind == "NAME" else ""
        if name == "print" and not future_print:
            yield _print(src, i, j)
        elif name == "exec":
            yield _exec(src, i, j, in_function=bool(defs))
        elif name == "raise":
            yield _raise(src, i, j)
        elif name == "except":
            yield _except(src, i, j)
        elif name == "def":
            defs.append(column)
            yield from _tuple_parameters(src, i, j)


def _starts_expression(tok: Tok) -> bool:
    if tok.kind in ("NUMBER", "STRING"):
        return True
    if tok.kind == "NAME":
        return not keyword.iskeyword(tok.text) or tok.text in _EXPRESSION_KEYWORDS
    return tok.kind == "OP" and tok.text in ("(", "[", "{", "-", "+", "~", "`", "...")


def _whole_call(src: Source, i: int, j: int) -> bool:
    """`print (a, b)`, `exec(code)`: one parenthesised group, valid Python 3 as it is."""
    return src.toks[i + 1].text == "(" and src.match.get(i + 1) == j - 1


def _print(src: Source, i: int, j: int) -> Form | Problem | None:
    head = src.toks[i]
    if j == i + 1:
        return src.form("KF001", i, j, [Edit(head.end, head.end, "()")],
                        "`print` statement", "`print()`")
    if _whole_call(src, i, j):
        return None  # Python 3 prints the same values (a py2 tuple print loses its brackets)
    if src.toks[i + 1].text == ">>":
        return _print_to(src, i, j)
    if not _starts_expression(src.toks[i + 1]):
        return None  # `print = log`, `print.x`: a name, in code that fails for another reason
    last = src.toks[j - 1]
    if last.text == "," and src.depth[j - 1] == src.depth[i]:
        if j == i + 2:
            return src.problem(i, j, "`print ,`", "write `print()`")
        edits = [src.open_call(i), Edit(last.start, last.end, ', end=" ")')]
        return src.form("KF001", i, j, edits, "`print x,` statement", '`print(x, end=" ")`')
    edits = [src.open_call(i), Edit(last.end, last.end, ")")]
    return src.form("KF001", i, j, edits, "`print` statement", "`print(...)`")


def _print_to(src: Source, i: int, j: int) -> Form | Problem:
    """`print >>f, x` -> `print(x, file=f)`; `print >>f` -> `print(file=f)`."""
    toks, head, last = src.toks, src.toks[i], src.toks[j - 1]
    commas = src.top(i + 2, j, ",", src.depth[i])
    stop = commas[0] if commas else j
    moved = src.text[head.end:toks[stop + 1].start if commas else last.end]
    if stop == i + 2 or stop == j - 1 or "\n" in moved:
        return src.problem(i, j, "`print >>` with no file, nothing to print or a line break",
                           "write `print(..., file=f)`")
    if not commas:
        edits = [Edit(head.end, toks[i + 2].start, "(file="), Edit(last.end, last.end, ")")]
        return src.form("KF001", i, j, edits, "`print >>f` statement", "`print(file=f)`")
    dest = src.text[toks[i + 2].start:toks[stop - 1].end]
    edits = [Edit(head.end, toks[stop + 1].start, "(")]
    if commas[-1] == j - 1:
        edits.append(Edit(last.start, last.end, f', end=" ", file={dest})'))
    else:
        edits.append(Edit(last.end, last.end, f", file={dest})"))
    return src.form("KF001", i, j, edits, "`print >>f, x` statement", "`print(x, file=f)`")


def _exec(src: Source, i: int, j: int, in_function: bool) -> Form | Problem | None:
    toks, last = src.toks, src.toks[j - 1]
    if j == i + 1 or _whole_call(src, i, j) or not _starts_expression(toks[i + 1]):
        return None
    ins = [k for k in src.top(i + 2, j, "in", src.depth[i]) if toks[k - 1].text != "not"]
    if not ins:
        if in_function:  # Python 3's exec() cannot bind the function's local variables
            return src.problem(i, j, "`exec` statement in a function, without a namespace",
                               "run it on a dict, `ns = {}; exec(code, ns)`, and read the "
                               "names it sets from `ns`")
        edits = [src.open_call(i), Edit(last.end, last.end, ")")]
        return src.form("KF008", i, j, edits, "`exec code` statement", "`exec(code)`")
    k = ins[0]
    if k == j - 1 or len(src.top(k + 1, j, ",", src.depth[i])) > 1 or "\n" in src.text[
            toks[k - 1].end:toks[k].start]:
        return src.problem(i, j, "`exec` statement with an unusual namespace",
                           "write `exec(code, globals_dict, locals_dict)`")
    edits = [src.open_call(i), Edit(toks[k - 1].end, src.ws_end(toks[k].end, toks[k + 1].start),
                                    ", "), Edit(last.end, last.end, ")")]
    return src.form("KF008", i, j, edits, "`exec code in ns` statement", "`exec(code, ns)`")


def _raise(src: Source, i: int, j: int) -> Form | Problem | None:
    toks, last = src.toks, src.toks[j - 1]
    commas = src.top(i + 1, j, ",", src.depth[i])
    if not commas:
        return None
    if len(commas) > 1:
        return src.problem(i, j, "`raise E, V, traceback`",
                           "Python 3: `raise E(V).with_traceback(traceback)`")
    c = commas[0]
    if c == i + 1 or c == j - 1:
        return src.problem(i, j, "`raise` with an empty part", "write `raise E(V)`")
    edits = []
    if not _primary(src, i + 1, c):  # `raise a or b, v`: the call needs the brackets
        edits += [Edit(toks[i + 1].start, toks[i + 1].start, "("),
                  Edit(toks[c - 1].end, toks[c - 1].end, ")")]
    value, comma = toks[c + 1], toks[c]
    cut = src.ws_end(comma.end, value.start)
    if c + 2 == j and value.text == "None" and cut == value.start:
        edits.append(Edit(toks[c - 1].end, last.end, ""))  # `raise E, None` is `raise E`
    elif value.text == "(" and src.match.get(c + 1) == j - 1 and src.top(
            c + 2, j - 1, ",", src.depth[c + 2]):
        edits.append(Edit(comma.start, cut, ""))  # `raise E, (a, b)` is `raise E(a, b)`
    else:
        edits += [Edit(comma.start, cut, "("), Edit(last.end, last.end, ")")]
    return src.form("KF007", i, j, edits, "`raise E, V` statement", "`raise E(V)`")


def _primary(src: Source, a: int, b: int) -> bool:
    """Is toks[a:b] a name with attributes, calls and subscripts (callable as it is)?"""
    toks = src.toks
    if toks[a].kind != "NAME" or keyword.iskeyword(toks[a].text):
        return False
    k = a + 1
    while k < b:
        if toks[k].text == "." and k + 1 < b and toks[k + 1].kind == "NAME":
            k += 2
        elif toks[k].text in ("(", "[") and k in src.match:
            k = src.match[k] + 1
        else:
            return False
    return k == b


def _except(src: Source, i: int, j: int) -> Form | Problem | None:
    toks = src.toks
    colons = src.top(i + 1, j, ":", src.depth[i])
    commas = src.top(i + 1, colons[0], ",", src.depth[i]) if colons else []
    if not commas:
        return None
    c, colon = commas[0], colons[0]
    target = toks[c + 1]
    if (len(commas) > 1 or c == i + 1 or colon != c + 2 or target.kind != "NAME"
            or keyword.iskeyword(target.text)):
        return src.problem(i, colon + 1, "`except E, target:` with a target that is not a name",
                           "Python 3 binds a name only: `except E as e:`, then assign from `e`")
    comma = toks[c]
    spaced = " as" if comma.end < target.start else " as "
    return src.form("KF002", i, colon + 1, [Edit(comma.start, comma.end, spaced)],
                    "`except E, e:` clause", "`except E as e:`")


def _tuple_parameters(src: Source, i: int, j: int):
    """`def f((a, b)):` (Python 3 removed tuple parameters, PEP 3113)."""
    toks = src.toks
    if j < i + 3 or toks[i + 2].text != "(" or i + 2 not in src.match:
        return
    close, inner = src.match[i + 2], src.depth[i + 2] + 1
    for k in range(i + 3, close):
        if toks[k].text == "(" and src.depth[k] == inner and toks[k - 1].text in ("(", ","):
            yield src.problem(k, src.match.get(k, k) + 1, "tuple parameter unpacking",
                              _PARAMETER)
