"""`kerasfix check --add-suppressions[=REASON]`: baseline a legacy repository (ruff's --add-noqa).

Every current finding gets a `# kerasfix: ignore[CODE] REASON` comment that suppress.py reads:

* trailing, at the end of the finding's last line, when that line ends outside a string and
  without a backslash continuation, and has no comment yet (or one `# kerasfix: ignore[...]`
  comment, into which the codes are merged); failing that, any other line of the finding's span;
* else own-line, `# kerasfix: ignore[CODE]` on a line of its own just above a line of the
  finding where a new line may start (covering the next code line), indented like that line.

All the codes of one line go into one comment. A file is written only if it still parses to the
same tree (comments are all that changed), atomically, keeping its encoding and line endings.
KF000 (not analysed) and KF901-KF903 (about suppression comments themselves) cannot be
suppressed by a comment, and notebooks are left alone: those are reported, not written.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field

from kerasfix.diagnostics import Finding
from kerasfix.files import write_atomic
from kerasfix.suppress import _DIRECTIVE

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_ENDING = re.compile(r"(\r\n|\r|\n)\Z")
SUFFIXES = (".py", ".pyi")


def suppressible(f: Finding) -> bool:
    return f.code != "KF000" and not f.code.startswith("KF90")


@dataclass
class Outcome:
    comments: int = 0  # comments written or extended
    suppressed: int = 0  # findings they cover
    files: list[str] = field(default_factory=list)  # files written
    not_written: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    unplaced: list[Finding] = field(default_factory=list)  # no safe place for a comment


@dataclass
class _Layout:
    ends: set[int]  # lines that end at a token boundary (NEWLINE / NL): a comment may follow
    trailing: dict[int, tuple[int, str]]  # line -> (column, text) of a comment after code
    own: dict[int, tuple[int, str]]  # line -> (column, text) of a comment alone on its line


def _layout(data: bytes) -> _Layout:
    out = _Layout(set(), {}, {})
    for tok in tokenize.tokenize(io.BytesIO(data).readline):
        if tok.type in (tokenize.NEWLINE, tokenize.NL):
            out.ends.add(tok.start[0])
        elif tok.type == tokenize.COMMENT:
            own = not tok.line[: tok.start[1]].strip()
            (out.own if own else out.trailing)[tok.start[0]] = (tok.start[1], tok.string)
    return out


def _is_ignore(text: str) -> bool:
    match = _DIRECTIVE.match(text)
    return match is not None and match.group(1) == "ignore"


def _place(f: Finding, layout: _Layout, lines: list[str]) -> tuple[str, int] | None:
    """("trailing", line) or ("above", line) for one finding; None when no place is safe."""
    first, last = f.span.line, max(f.span.line, f.span.end_line)
    for line in range(last, first - 1, -1):
        comment = layout.trailing.get(line)
        code = line <= len(lines) and lines[line - 1].strip() and line not in layout.own
        if code and line in layout.ends and (comment is None or _is_ignore(comment[1])):
            return "trailing", line
    for line in range(first, last + 1):
        if line > len(lines):
            break
        text = lines[line - 1].strip()
        if (line == 1 or line - 1 in layout.ends) and text and not text.startswith("#"):
            return "above", line
    return None


def _comment(codes: list[str], reason: str) -> str:
    return f"# kerasfix: ignore[{', '.join(codes)}]" + (f" {reason}" if reason else "")


def _merged(existing: str, codes: list[str], reason: str) -> str:
    match = _DIRECTIVE.match(existing)
    old = [s.strip() for s in match.group(2).split(",") if s.strip()]
    return _comment(old + [c for c in codes if c not in old], match.group(3).strip() or reason)


def _split_ending(line: str) -> tuple[str, str]:
    match = _ENDING.search(line)
    return (line[: match.start()], match.group()) if match else (line, "")


def suppress_source(data: bytes, findings: list[Finding], reason: str = "",
                    ) -> tuple[bytes | None, int, list[Finding]]:
    """The source with suppression comments for `findings`: (new bytes or None, comments
    written or extended, findings that had no safe place). Raises SyntaxError, UnicodeError
    or ValueError when the source cannot be read or would not stay the same program."""
    reason = " ".join(reason.split())  # one line, whatever was passed
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    lines = _LINE.findall(text)
    layout = _layout(data)
    trailing: dict[int, list[str]] = {}
    above: dict[int, list[str]] = {}
    unplaced = []
    for f in findings:
        where = _place(f, layout, lines)
        if where is None:
            unplaced.append(f)
            continue
        codes = (trailing if where[0] == "trailing" else above).setdefault(where[1], [])
        if f.code not in codes:
            codes.append(f.code)
    dominant = next((e for line in lines for e in [_split_ending(line)[1]] if e), "\n")
    added = 0
    for number in sorted(set(trailing) | set(above), reverse=True):  # bottom-up: numbers hold
        if number in trailing:
            codes = sorted(trailing[number])
            added += 1
            body, ending = _split_ending(lines[number - 1])
            comment = layout.trailing.get(number)
            if comment is not None:  # an ignore comment already: merge into it
                column, old = comment
                body = body[:column] + _merged(old, codes, reason) + body[column + len(old):]
            else:
                body = body.rstrip(" \t") + "  " + _comment(codes, reason)
            lines[number - 1] = body + ending
        if number in above:
            codes = sorted(above[number])
            added += 1
            previous = layout.own.get(number - 1)
            if previous is not None and _is_ignore(previous[1]):  # covers this line: merge
                body, ending = _split_ending(lines[number - 2])
                column, old = previous
                body = body[:column] + _merged(old, codes, reason) + body[column + len(old):]
                lines[number - 2] = body + ending
            else:
                current = lines[number - 1]
                indent = current[: len(current) - len(current.lstrip(" \t"))]
                ending = _split_ending(current)[1] or dominant
                lines.insert(number - 1, indent + _comment(codes, reason) + ending)
    if not added:
        return None, 0, unplaced
    new = "".join(lines).encode(encoding)
    if ast.dump(ast.parse(new)) != ast.dump(ast.parse(data)):
        raise ValueError("adding comments would change the program")
    return new, added, unplaced


def add_suppressions(results, reason: str = "") -> Outcome:
    """Write suppression comments for the findings of check-mode `results` (runner.FileResult,
    run with keep_text so that `original` is what was analysed)."""
    out = Outcome()
    for r in results:
        wanted = [f for f in r.findings if suppressible(f)]
        if not wanted or r.not_analysed or r.internal_error:
            continue
        if not r.path.endswith(SUFFIXES):  # notebooks: reported as not suppressed
            continue
        data = r.original
        try:
            if data is None:
                with open(r.path, "rb") as fh:
                    data = fh.read()
            new, added, unplaced = suppress_source(data, wanted, reason)
            out.unplaced += unplaced
            if new is not None:
                write_atomic(r.path, new, data)
                out.comments += added
                out.suppressed += len(wanted) - len(unplaced)
                out.files.append(r.path)
        except (OSError, SyntaxError, UnicodeError, ValueError, tokenize.TokenError) as exc:
            out.not_written.append((r.path, f"not written: {exc}"))
    return out
