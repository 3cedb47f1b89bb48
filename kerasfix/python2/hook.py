"""The engine's parse step for a source `ast.parse` rejected (see `engine.one_pass`).

Either the Python 2 forms convert and the result parses: the Keras analysis then runs on the
converted text (lines are kept, so its findings locate), and `fix` writes the conversion with
the Keras fixes. Or not: the file stays byte-identical and is reported as not analysed.
"""

from __future__ import annotations

import ast
import bisect
import io
import tokenize
from dataclasses import dataclass, field, replace

from kerasfix.diagnostics import Finding, Fix, Span
from kerasfix.engine import Settings, SourceResult, _parse_error
from kerasfix.python2.edits import Edit, Overlap, PositionMap, apply
from kerasfix.python2.literals import literals
from kerasfix.python2.source import Form, Problem, Source
from kerasfix.python2.statements import statements
from kerasfix.python2.tokens import line_starts, tokens

CODES = frozenset(f"KF00{n}" for n in range(1, 10))
UNCONVERTIBLE = "KF009"
_AGAIN = "convert it by hand, or with 2to3, then run kerasfix again"


@dataclass
class Conversion:
    text: str  # the converted text (the original when a problem stops the conversion)
    forms: list[Form]
    problems: list[Problem]
    edits: list[Edit]


def convert_text(text: str) -> Conversion:
    """The Python 2 forms of `text` converted, line for line. Also usable on a notebook cell."""
    src = Source(text, tokens(text))
    found = [f for f in [*statements(src), *literals(src)] if f is not None]
    forms = [f for f in found if isinstance(f, Form)]
    problems = [p for p in found if isinstance(p, Problem)]
    edits = [e for f in forms for e in f.edits]
    try:
        new = apply(text, edits) if not problems else text
    except Overlap as exc:  # a kerasfix bug: report it rather than write a guess
        problems.append(Problem(0, 0, f"conversions that collide ({exc})", "convert by hand"))
        new = text
    return Conversion(new, forms, problems, edits)


@dataclass
class PrePass:
    failed: SourceResult | None = None  # not analysed: return this as the file's result
    data: bytes = b""  # the converted source, which parses
    tree: ast.AST | None = None
    settings: Settings | None = None  # fix off unless the conversion itself is applied
    findings: list[Finding] = field(default_factory=list)  # one per converted form
    positions: PositionMap | None = None
    applied: bool = False

    def finish(self, result: SourceResult) -> SourceResult:
        """The Keras analysis of the converted text, located in the original; with the
        conversion applied, the converted text is the new source even if nothing else is."""
        located = [f if f.code in CODES else self._located(f) for f in result.findings]
        result.findings = sorted(located, key=lambda f: (f.span.line, f.span.column, f.code))
        if self.applied and result.analysed and result.new is None:
            result.new = self.data
        return result

    def _located(self, f: Finding) -> Finding:
        line, column = self.positions.position(f.span.line, f.span.column)
        end_line, end_column = self.positions.position(f.span.end_line, f.span.end_column)
        return replace(f, span=Span(line, column, end_line, end_column))


def pre_pass(data: bytes, exc: Exception, settings: Settings) -> PrePass:
    """Called only after `ast.parse(data)` raised `exc`: Python 3 sources never get here."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return PrePass(failed=_parse_error(exc))
    conversion = convert_text(text)
    if not conversion.forms and not conversion.problems:
        return PrePass(failed=_parse_error(exc))  # no Python 2 kerasfix knows: plain KF000
    new = conversion.text.encode(encoding)
    try:
        tree = ast.parse(new) if not conversion.problems else None
    except (SyntaxError, ValueError) as error:
        return PrePass(failed=_unconverted(text, conversion, settings, error))
    if tree is None:
        return PrePass(failed=_unconverted(text, conversion, settings, None))
    codes = {f.code for f in conversion.forms}
    applied = settings.fix and "safe" in settings.allowed and all(
        settings.selection.selects(c) and settings.fixable.selects(c) for c in codes)
    # Keras fixes can only be written on top of the conversion: without it, report them.
    analysis = settings if applied or not settings.fix else replace(settings, fix=False)
    starts = line_starts(text)
    findings = [_finding(text, starts, f, applied) for f in conversion.forms
                if settings.selection.selects(f.code)]
    return PrePass(data=new, tree=tree, settings=analysis, findings=findings,
                   positions=PositionMap(text, conversion.text, conversion.edits),
                   applied=applied)


def _span(starts: list[int], start: int, end: int) -> Span:
    def where(offset: int) -> tuple[int, int]:
        row = bisect.bisect_right(starts, offset)
        return row, offset - starts[row - 1] + 1

    return Span(*where(start), *where(end))


def _finding(text: str, starts: list[int], form: Form, applied: bool) -> Finding:
    old = text[form.start:form.end]
    new = apply(old, list(form.edits), base=form.start)
    message = f"Python 2 {form.what}: Python 3 spells it {form.python3}"
    help_ = f"Python 3: `{new}`" if "\n" not in new and len(new) <= 100 else None
    return Finding(_span(starts, form.start, form.end), form.code, message, "error",
                   Fix("safe", new, applied=applied), help_)


def _unconverted(text: str, conversion: Conversion, settings: Settings,
                 error: Exception | None) -> SourceResult:
    """Not analysed: the forms found (not fixable until the rest is converted), and KF009 for
    what kerasfix cannot convert; always reported, like KF000."""
    starts = line_starts(text)
    findings = [replace(_finding(text, starts, f, False), fix=None) for f in conversion.forms
                if settings.selection.selects(f.code)]
    blockers = [_blocker(_span(starts, p.start, p.end), p.what, p.how)
                for p in conversion.problems]
    if not blockers:
        positions = PositionMap(text, conversion.text, conversion.edits)
        blockers = [_still_fails(error, positions)]
    findings += blockers
    findings.sort(key=lambda f: (f.span.line, f.span.column, f.code))
    first = blockers[0]
    return SourceResult(findings, analysed=False,
                        error=f"line {first.span.line}: {first.message}")


def _blocker(span: Span, what: str, how: str) -> Finding:
    message = (f"Python 2 syntax kerasfix cannot convert: {what}; {_AGAIN} "
               f"(nothing in this file was checked)")
    return Finding(span, UNCONVERTIBLE, message, "error", None, how)


def _still_fails(error: Exception | None, positions: PositionMap) -> Finding:
    """The converted text still does not parse: report where (mapped back to the original)."""
    line, column = getattr(error, "lineno", None) or 1, getattr(error, "offset", None) or 1
    line, column = positions.position(line, column)
    what = getattr(error, "msg", None) or str(error)
    how = ("re-indent with spaces only (Python 2 read a tab as up to 8 columns)"
           if isinstance(error, TabError) else
           "kerasfix converts KF001-KF008 only: change this line by hand")
    return _blocker(Span(line, column, line, column),
                    f"`{what}` once the forms kerasfix knows are converted", how)
