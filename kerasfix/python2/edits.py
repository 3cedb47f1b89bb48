"""Text edits that keep every line where it was, and the map from converted positions back.

Findings of the Keras analysis of the converted text are reported in the original file
(`check` leaves it as it was), so their columns are mapped back through the edits. Lines
need no mapping: no edit adds or removes a line break.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from kerasfix.python2.tokens import line_starts


@dataclass(frozen=True)
class Edit:
    start: int  # character offsets into the original text; start == end inserts
    end: int
    text: str


class Overlap(ValueError):
    """Two conversions want the same characters: a kerasfix bug, never guessed around."""


def ordered(edits: list[Edit]) -> list[Edit]:
    out = sorted(edits, key=lambda e: (e.start, e.end))
    for prev, cur in zip(out, out[1:]):
        if cur.start < prev.end:
            raise Overlap(f"overlapping conversions at offset {cur.start}")
    return out


def apply(text: str, edits: list[Edit], base: int = 0) -> str:
    """`text` (which starts at offset `base` of the source) with `edits` applied."""
    pieces, at = [], base
    for edit in ordered(edits):
        if text[edit.start - base:edit.end - base].count("\n") != edit.text.count("\n"):
            raise Overlap(f"an edit at offset {edit.start} would move lines")
        pieces += [text[at - base:edit.start - base], edit.text]
        at = edit.end
    return "".join(pieces) + text[at - base:]


class PositionMap:
    """(line, column) in the converted text -> (line, column) in the original (1-based)."""

    def __init__(self, old: str, new: str, edits: list[Edit]):
        self.old_starts, self.new_starts = line_starts(old), line_starts(new)
        self.segments: list[tuple[int, int, int, int]] = []  # new start/end, old start/end
        shift = 0
        for e in ordered(edits):
            self.segments.append((e.start + shift, e.start + shift + len(e.text), e.start, e.end))
            shift += len(e.text) - (e.end - e.start)
        self.keys = [s[0] for s in self.segments]

    def old_offset(self, new: int) -> int:
        n = bisect.bisect_right(self.keys, new) - 1
        if n < 0:
            return new
        new_start, new_end, old_start, old_end = self.segments[n]
        if new < new_end:  # inside inserted text: its start, or the end of what it replaced
            return old_start if new == new_start else old_end
        return new - new_end + old_end

    def position(self, line: int, column: int) -> tuple[int, int]:
        if line > len(self.new_starts):
            return line, column
        old = self.old_offset(self.new_starts[line - 1] + column - 1)
        row = bisect.bisect_right(self.old_starts, old)
        return row, old - self.old_starts[row - 1] + 1
