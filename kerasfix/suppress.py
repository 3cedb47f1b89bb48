"""Suppression comments (ux-spec 6.6).

    x = fit(X, Y, nb_epoch=3)  # kerasfix: ignore[KF102] kept for the Keras 1 CI job
    # kerasfix: ignore[KF501]            (own line: covers the next statement's first line)
    # kerasfix: disable[KF5]  ...  # kerasfix: enable[KF5]
    # kerasfix: file-ignore[KF1]         (in the first 20 lines)
    # noqa: KF103                        (code-specific only; a bare `# noqa` is not ours)

Selectors are codes, prefixes (`KF1`) or rule names. A suppression that suppresses nothing is
itself a finding (KF901), and so is a malformed one (KF902) or one naming an unknown code
(KF903).
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

from kerasfix.diagnostics import Finding, Span

_KERASFIX = re.compile(r"#\s*kerasfix\s*:")
_DIRECTIVE = re.compile(
    r"#\s*kerasfix\s*:\s*(ignore|disable|enable|file-ignore)\s*\[([^\]]*)\]\s*(.*)$")
_NOQA = re.compile(r"#\s*noqa\s*:\s*([A-Za-z0-9_, -]+)", re.IGNORECASE)
_CODE = re.compile(r"^KF\d{0,3}$")
FILE_HEAD = 20  # file-ignore must sit in the first lines, where readers look for it


@dataclass
class Suppression:
    kind: str  # ignore | range | file
    selectors: tuple[str, ...]
    line: int  # where the comment is
    first: int  # first line covered
    last: int  # last line covered
    used: bool = False


@dataclass
class Suppressions:
    items: list[Suppression] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)  # KF902/KF903 found while parsing

    def covers(self, code: str, span: Span, names: dict[str, str]) -> bool:
        """Is a finding of `code` over `span` suppressed? Marks what suppressed it as used."""
        hit = False
        for s in self.items:
            if s.first <= span.end_line and span.line <= s.last and _selected(s, code, names):
                s.used = hit = True
        return hit


def _selected(s: Suppression, code: str, names: dict[str, str]) -> bool:
    return any(code.startswith(names.get(sel, sel)) for sel in s.selectors)


def _comments(data: bytes):
    """(line, column, text, own_line) of every comment; nothing if the file does not tokenize."""
    try:
        tokens = list(tokenize.tokenize(io.BytesIO(data).readline))
    except (tokenize.TokenError, SyntaxError):
        return
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            own = not tok.line[: tok.start[1]].strip()
            yield tok.start[0], tok.start[1], tok.string, own


def _next_code_line(data: bytes, after: int) -> int:
    lines = data.splitlines()
    for number in range(after + 1, len(lines) + 1):
        text = lines[number - 1].strip()
        if text and not text.startswith(b"#"):
            return number
    return after


def parse(data: bytes, known: dict[str, str]) -> Suppressions:
    """Every suppression comment in a source; `known`: rule name -> code."""
    out = Suppressions()
    open_ranges: list[Suppression] = []
    end = data.count(b"\n") + 1
    for line, column, text, own in _comments(data):
        noqa = _NOQA.search(text)
        if noqa:
            codes = tuple(c.strip().upper() for c in noqa.group(1).split(","))
            ours = tuple(c for c in codes if c.startswith("KF"))
            if ours:
                out.items.append(Suppression("ignore", ours, line, line, line))
        if not _KERASFIX.match(text):
            continue
        match = _DIRECTIVE.match(text)
        if match is None:
            out.problems.append(_problem(line, column, "KF902",
                                         "malformed suppression: write "
                                         "`# kerasfix: ignore[KF103] reason`"))
            continue
        kind, raw = match.group(1), match.group(2)
        selectors = tuple(s.strip() for s in raw.split(",") if s.strip())
        bad = [s for s in selectors if not _CODE.match(s) and s not in known]
        if bad or not selectors:
            out.problems.append(_problem(line, column, "KF903",
                                         f"unknown rule in suppression: {', '.join(bad) or '[]'}"))
            continue
        _add(out, open_ranges, kind, selectors, line, column, own, data, end)
    for s in open_ranges:  # a disable never enabled again covers the rest of the file
        s.last = end
    return out


def _add(out, open_ranges, kind, selectors, line, column, own, data, end) -> None:
    if kind == "ignore":
        first = _next_code_line(data, line) if own else line
        out.items.append(Suppression("ignore", selectors, line, first, first))
    elif kind == "file-ignore":
        if line > FILE_HEAD:
            out.problems.append(_problem(line, column, "KF902",
                                         f"file-ignore must be in the first {FILE_HEAD} lines"))
            return
        out.items.append(Suppression("file", selectors, line, 1, end))
    elif kind == "disable":
        s = Suppression("range", selectors, line, line, end)
        out.items.append(s)
        open_ranges.append(s)
    else:  # enable closes the matching disable
        match = next((s for s in reversed(open_ranges) if s.selectors == selectors), None)
        if match is None:
            out.problems.append(_problem(line, column, "KF902",
                                         "`enable` without a matching `disable`"))
            return
        match.last = line
        open_ranges.remove(match)


def _problem(line: int, column: int, code: str, message: str) -> Finding:
    return Finding(Span(line, column + 1, line, column + 1), code, message, "warning", None, None)


def apply(findings: list[Finding], sup: Suppressions, names: dict[str, str],
          selects) -> list[Finding]:
    """Drop suppressed findings; add KF901 for suppressions that suppressed nothing and
    KF902/KF903 for malformed ones. `selects(code)` is the run's rule selection."""
    kept = [f for f in findings if f.code == "KF000" or not sup.covers(f.code, f.span, names)]
    extra = list(sup.problems)
    for s in sup.items:
        if not s.used and all(selects(names.get(sel, sel)) for sel in s.selectors):
            what = ", ".join(s.selectors)
            extra.append(_problem(s.line, 0, "KF901", f"unused suppression: nothing here "
                                                      f"reports {what}"))
    return kept + [f for f in extra if selects(f.code)]
