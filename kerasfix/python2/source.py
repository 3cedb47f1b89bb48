"""What the converters produce: a `Form` is a Python 2 spelling with a safe Python 3 one
(KF001-KF008), as edits that keep every line; a `Problem` is Python 2 syntax kerasfix will not
convert (KF009): any conversion would be a guess at what the code meant, so the file is left
as it is. `Source` is the token list with the bracket structure both converters read.
"""

from __future__ import annotations

from dataclasses import dataclass

from kerasfix.python2.edits import Edit
from kerasfix.python2.tokens import Tok


@dataclass(frozen=True)
class Form:
    code: str
    start: int  # offsets of the old form in the text
    end: int
    edits: tuple[Edit, ...]
    what: str  # the Python 2 form, for the message
    python3: str  # its Python 3 spelling


@dataclass(frozen=True)
class Problem:
    start: int
    end: int
    what: str
    how: str  # how to convert it by hand


class Source:
    """Tokens with their bracket depth and matching brackets."""

    def __init__(self, text: str, toks: list[Tok]):
        self.text, self.toks = text, toks
        self.depth: list[int] = []
        self.match: dict[int, int] = {}
        stack: list[int] = []
        for k, tok in enumerate(toks):
            if tok.kind == "OP" and tok.text in (")", "]", "}") and stack:
                self.match[stack.pop()] = k
            self.depth.append(len(stack))
            if tok.kind == "OP" and tok.text in ("(", "[", "{"):
                stack.append(k)

    def top(self, a: int, b: int, text: str, depth: int) -> list[int]:
        """Indices in [a, b) of the tokens `text` at bracket depth `depth`."""
        return [k for k in range(a, b) if self.toks[k].text == text and self.depth[k] == depth]

    def ws_end(self, a: int, b: int) -> int:
        """Where deleting the whitespace text[a:b] may stop: b, or a if it breaks a line."""
        return b if "\n" not in self.text[a:b] else a

    def open_call(self, i: int) -> Edit:
        """`print "x"` -> `print("x"`: the space goes, unless it is a line continuation."""
        head, first = self.toks[i], self.toks[i + 1]
        return Edit(head.end, self.ws_end(head.end, first.start), "(")

    def form(self, code: str, i: int, j: int, edits: list[Edit], what: str, py3: str) -> Form:
        return Form(code, self.toks[i].start, self.toks[j - 1].end, tuple(edits), what, py3)

    def problem(self, i: int, j: int, what: str, how: str) -> Problem:
        return Problem(self.toks[i].start, self.toks[j - 1].end, what, how)
