"""Where each cell's `source` sits in a notebook's raw JSON text, and byte-minimal rewrites of it.

`json.loads` gives values but no positions. SARIF and GitHub annotations need the physical
line of a source line inside the .ipynb file, and `fix` must change nothing but the edited
source strings (outputs, metadata, key order, indent and escaping style stay byte-identical),
so this walks the text once and records the offsets of every `cells[i].source` value and of
each of its string elements.
"""

from __future__ import annotations

import bisect
import json
import re
from json.decoder import scanstring

_WS = re.compile(r"[ \t\n\r]*")
_LITERAL = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null|NaN|-?Infinity")

Spans = dict[tuple, tuple[int, int]]  # ("cells", i, "source"[, j]) -> (start, end) offsets


def locate(text: str) -> Spans:
    """Offsets of every cells[i].source value and its elements. `text` must be valid JSON."""
    spans: Spans = {}
    _value(text, 0, (), spans)
    return spans


def _skip(text: str, i: int) -> int:
    return _WS.match(text, i).end()


def _value(text: str, i: int, path: tuple, spans: Spans) -> int:
    i = _skip(text, i)
    if text[i] == '"':
        end = scanstring(text, i + 1)[1]
    elif text[i] in "{[":
        end = _container(text, i, path, spans)
    else:
        end = _LITERAL.match(text, i).end()
    if len(path) in (3, 4) and path[0] == "cells" and path[2] == "source":
        spans[path] = (i, end)
    return end


def _container(text: str, i: int, path: tuple, spans: Spans) -> int:
    close = "}" if text[i] == "{" else "]"
    i = _skip(text, i + 1)
    n = 0
    while text[i] != close:
        if close == "}":
            key, i = scanstring(text, i + 1)
            i = _value(text, _skip(text, i) + 1, path + (key,), spans)  # + 1: the colon
        else:
            i = _value(text, i, path + (n,), spans)
        n += 1
        i = _skip(text, i)
        if text[i] == ",":
            i = _skip(text, i + 1)
    return i + 1


class Lines:
    """Offset -> 1-based line number in a text."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


def physical_line(spans: Spans, lines: Lines, cell_pos: int, line: int) -> int:
    """The file line holding line `line` (1-based) of cell `cell_pos` (0-based) of the notebook."""
    whole = spans.get(("cells", cell_pos, "source"))
    if whole is None:
        return 0
    element = spans.get(("cells", cell_pos, "source", line - 1))
    if element is None:  # a source held as one string, or a line past the end
        last = max((k[3] for k in spans if k[:3] == ("cells", cell_pos, "source") and len(k) == 4),
                   default=None)
        element = spans[("cells", cell_pos, "source", last)] if last is not None else whole
    return lines.of(element[0])


def rewrite(text: str, spans: Spans, changes: dict[int, tuple]) -> str:
    """`text` with the sources of the changed cells replaced, every other byte kept.

    `changes` maps a cell position to (old source value, new source value). Elements are
    replaced one by one when the line count is unchanged, else the whole array is re-rendered
    in the style of the old one.
    """
    ascii_only = text.isascii() and "\\u" in text  # keep the file's ensure_ascii style

    def dump(value: str) -> str:
        return json.dumps(value, ensure_ascii=ascii_only)

    edits = []
    for pos, (old, new) in changes.items():
        if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
            edits += [(*spans[("cells", pos, "source", j)], dump(b))
                      for j, (a, b) in enumerate(zip(old, new)) if a != b]
        elif isinstance(new, list):
            edits.append((*spans[("cells", pos, "source")], _array(text, spans, pos, new, dump)))
        else:
            edits.append((*spans[("cells", pos, "source")], dump(new)))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _indent_before(text: str, offset: int) -> str | None:
    """The whitespace from the start of the line to `offset`, or None if other text precedes."""
    head = text[text.rfind("\n", 0, offset) + 1:offset]
    return head if not head.strip() else None


def _array(text: str, spans: Spans, pos: int, items: list[str], dump) -> str:
    start, end = spans[("cells", pos, "source")]
    first = spans.get(("cells", pos, "source", 0))
    key_line = text[text.rfind("\n", 0, start) + 1:start]
    base = key_line[:len(key_line) - len(key_line.lstrip())]
    if first is not None:
        inner, close = _indent_before(text, first[0]), _indent_before(text, end - 1)
    else:  # an empty array: one indent unit deeper than the "source" key, as nbformat writes
        unit = _indent_before(text, _skip(text, 1)) or ""
        inner, close = (base + unit, base) if "\n" in text[:_skip(text, 1)] else (None, None)
    if not items:
        return "[]"
    if inner is None or close is None:  # a compact (one-line) array
        return "[" + ", ".join(dump(s) for s in items) + "]"
    return "[\n" + ",\n".join(inner + dump(s) for s in items) + "\n" + close + "]"
