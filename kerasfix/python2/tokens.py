"""Python 2 source as the flat token list the converters read.

The stdlib tokenizer reads most Python 2 (`print "x"` is NAME STRING), but versions differ:
3.11 splits `0777` into two NUMBERs and `<>` into two OPs and gives backticks as ERRORTOKEN,
3.12 keeps them whole; 3.12 raises on what 3.11 passed through (tab indentation Python 2
accepted, unterminated strings). `_normalise` makes both look alike, and when the tokenizer
raises, `scan` (a regex scanner that respects strings and comments) takes over.

Only NAME, NUMBER, STRING, OP, ERROR, NEWLINE (end of a logical line) and END are kept, with
character offsets into the text: comments, blank lines and indentation never matter here.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass

_DROPPED = frozenset({"COMMENT", "NL", "INDENT", "DEDENT", "ENCODING", "TYPE_COMMENT"})
_UR = re.compile(r"[uU][rR]")


@dataclass(frozen=True)
class Tok:
    kind: str
    text: str
    start: int  # character offsets into the source text
    end: int


def line_starts(text: str) -> list[int]:
    """Offset of each line's first character; lines end with "\\n" only, as tokenize reads."""
    return [0] + [m.end() for m in re.finditer("\n", text)]


def tokens(text: str) -> list[Tok]:
    try:
        raw = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):  # IndentationError and TabError too
        return scan(text)
    return _merge(list(_normalise(raw, text)))


def _normalise(raw: list, text: str):
    starts = line_starts(text)

    def offset(row: int, col: int) -> int:
        return min(len(text), (starts[row - 1] if row <= len(starts) else len(text)) + col)

    fstring, first = 0, 0
    for tok in raw:
        kind = tokenize.tok_name[tok.type]
        start, end = offset(*tok.start), offset(*tok.end)
        if kind == "FSTRING_START":  # 3.12+: an f-string is one STRING here
            first = start if not fstring else first
            fstring += 1
        elif fstring:
            fstring -= kind == "FSTRING_END"
            if not fstring:
                yield Tok("STRING", text[first:end], first, end)
        elif kind == "ERRORTOKEN" and not tok.string.isspace():
            yield Tok("OP" if tok.string == "`" else "ERROR", tok.string, start, end)
        elif kind not in _DROPPED and kind != "ERRORTOKEN":
            yield Tok("END" if kind == "ENDMARKER" else kind, tok.string, start, end)


def _merge(toks: list[Tok]) -> list[Tok]:
    """Join what older tokenizers split: `0` `777`, `<` `>`, and `ur` `"..."`."""
    out: list[Tok] = []
    for tok in toks:
        prev = out[-1] if out else None
        if prev is not None and prev.end == tok.start and _joins(prev, tok):
            kind = "STRING" if tok.kind == "STRING" else prev.kind
            out[-1] = Tok(kind, prev.text + tok.text, prev.start, tok.end)
        else:
            out.append(tok)
    return out


def _joins(prev: Tok, tok: Tok) -> bool:
    return (prev.kind == tok.kind == "NUMBER"
            or prev.text == "<" and tok.text == ">"
            or prev.kind == "NAME" and bool(_UR.fullmatch(prev.text)) and tok.kind == "STRING")


_STRING = (r"(?:[uU][rR]|[bB][rR]|[rR][bB]|[fF][rR]|[rR][fF]|[uUrRbBfF])?"
           r"(?:'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''|\"\"\"(?:[^\"\\]|\\[\s\S]|\"(?!\"\"))*\"\"\""
           r"|'(?:[^'\\\r\n]|\\[\s\S])*'|\"(?:[^\"\\\r\n]|\\[\s\S])*\")")
_NUMBER = (r"0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+"
           r"|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][-+]?\d[\d_]*)?[jJ]?")
_OP = (r"\*\*=|//=|>>=|<<=|\.\.\.|->|:=|<>|[!=<>]=|\*\*|//|>>|<<|[-+*/%&|^@]="
       r"|[-+*/%&|^~<>()\[\]{},:;.=@`]")
_SCAN = re.compile("|".join([
    r"(?P<skip>[ \t\f]+|\\\r?\n|#[^\r\n]*)", r"(?P<newline>\r?\n|\r)",
    f"(?P<STRING>{_STRING})", f"(?P<NUMBER>{_NUMBER})", r"(?P<NAME>[^\W\d]\w*)",
    f"(?P<OP>{_OP})", r"(?P<ERROR>[\s\S])"]))


def scan(text: str) -> list[Tok]:
    """The fallback: a regex tokenizer, for sources the stdlib tokenizer gives up on."""
    out: list[Tok] = []
    depth = 0
    for m in _SCAN.finditer(text):
        kind = m.lastgroup
        if kind == "skip":
            continue
        if kind == "newline":  # inside brackets or after a blank line it is not a NEWLINE
            if depth == 0 and out and out[-1].kind != "NEWLINE":
                out.append(Tok("NEWLINE", m.group(), m.start(), m.end()))
            continue
        if kind == "OP" and m.group() in ("(", "[", "{"):
            depth += 1
        elif kind == "OP" and m.group() in (")", "]", "}"):
            depth = max(0, depth - 1)
        out.append(Tok(kind, m.group(), m.start(), m.end()))
    if out and out[-1].kind != "NEWLINE":
        out.append(Tok("NEWLINE", "", len(text), len(text)))
    return out + [Tok("END", "", len(text), len(text))]
