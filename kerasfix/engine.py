"""Per source text: pre-filter, parse, apply the layer rules to a fixpoint, verify the output.

Nothing here touches the file system; `runner.py` reads and writes.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass, field

from kerasfix.diagnostics import Finding, Span
from kerasfix.selection import Selection

MAX_PASSES = 3  # a fix may expose another (a renamed class whose import then follows)


@dataclass(frozen=True)
class Settings:
    source: str = "auto"  # --from: auto | keras1 | keras2 | tf.keras
    fix: bool = False
    unsafe_fixes: bool = False
    selection: Selection = field(default_factory=Selection)
    # `fixable` / `unfixable` config keys: a code not selected here keeps its fix as
    # available but `fix` does not apply it (the default selects every code).
    fixable: Selection = field(default_factory=Selection)
    # `[tool.kerasfix.shape] data-format`: the image_data_format the user runs with; "" when
    # unknown, and then the shape checker traces both formats.
    data_format: str = ""
    # fix: write `# TODO(kerasfix): KFxxx` above what it cannot convert (todo.py).
    todo_comments: bool = True
    # --target: keras3 (default) or keras2 (only the Keras 1 -> 2 rules, for tf_keras users)
    target: str = "keras3"

    @property
    def allowed(self) -> frozenset[str]:
        if not self.fix:
            return frozenset()
        return frozenset({"safe", "unsafe"} if self.unsafe_fixes else {"safe"})


@dataclass
class SourceResult:
    findings: list[Finding]
    new: bytes | None = None  # the fixed source, when it differs
    analysed: bool = True
    error: str = ""  # why the source was not analysed
    todos: int = 0  # `# TODO(kerasfix)` comments in the fixed text (fix only)


def _invalid(line: int, message: str) -> SourceResult:
    finding = Finding(Span(line, 1, line, 1), "KF000", message, "error", None, None)
    return SourceResult([finding], analysed=False, error=message)


def _parse_error(exc: Exception) -> SourceResult:
    if isinstance(exc, SyntaxError):
        return _invalid(exc.lineno or 1, f"cannot parse: {exc.msg}")
    return _invalid(1, f"cannot decode: {exc}")


def _decode_error(data: bytes) -> SourceResult | None:
    """KF000 when the bytes do not decode by their BOM / PEP 263 cookie (default UTF-8)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        data.decode(encoding)
    except SyntaxError as exc:  # an unknown or mismatched coding cookie
        return _invalid(exc.lineno or 1, f"cannot decode: {exc.msg}")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return _invalid(line, f"cannot decode as {exc.encoding}: byte {data[exc.start]:#04x}")
    return None


def one_pass(data: bytes, settings: Settings) -> SourceResult:
    """Analyse (and with settings.fix, rewrite) one source once."""
    from kerasfix.migrate.prefilter import imports_keras, mentions_rule_token

    # Byte pre-filters: without a Keras import and a token some rule is about, there is
    # nothing to report, and parsing would be the whole cost of the run.
    if not imports_keras(data):
        return SourceResult([])
    undecodable = _decode_error(data)  # cheap, and an unreadable Keras file is always news
    if undecodable is not None:
        return undecodable
    if not (mentions_rule_token(data) or _builds_models(data) or _has_suppressions(data)):
        return SourceResult([])
    py2 = None
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, UnicodeDecodeError) as exc:
        # Python 2 (Keras 1 code often is): convert it line for line, analyse the result.
        from kerasfix.python2.hook import pre_pass

        py2 = pre_pass(data, exc, settings)
        if py2.failed is not None:
            return py2.failed
        data, tree, settings = py2.data, py2.tree, py2.settings
    from kerasfix.migrate.apply import migrate  # libcst is imported only when needed

    names = _rule_names() if _has_suppressions(data) else {}
    sup = _suppressions(data, names) if names else None
    covers = (lambda code, span: sup.covers(code, span, names)) if sup else None
    result = migrate(tree, data, settings, covers)
    findings = result.findings
    if _builds_models(data) and settings.selection.selects_any("KF5"):
        from kerasfix.shapes.checker import check_tree

        shapes = check_tree(tree, settings.data_format)
        findings = findings + [f for f in shapes if settings.selection.selects(f.code)]
    if py2 is not None:
        findings = findings + py2.findings  # before suppressions: a noqa may name them
    if sup is not None:
        from kerasfix.suppress import apply

        findings = apply(findings, sup, names, settings.selection.selects_any)
    result.findings = sorted(findings, key=lambda f: (f.span.line, f.span.column, f.code))
    return result if py2 is None else py2.finish(result)


def _has_suppressions(data: bytes) -> bool:
    """Could the file hold a suppression comment? Most files cannot: then nothing is parsed."""
    return b"kerasfix:" in data or b"noqa" in data


def _suppressions(data: bytes, names: dict[str, str]):
    """The file's suppression comments (`names`: rule name -> code, built once per file)."""
    from kerasfix.suppress import parse

    return parse(data, names)


def _rule_names() -> dict[str, str]:
    from kerasfix.registry import names_to_codes

    return names_to_codes()


def _builds_models(data: bytes) -> bool:
    """Shape checking only where a model is built: a cheap byte test first."""
    return b"Sequential" in data or b"Input" in data or b"Model" in data


def run_source(data: bytes, settings: Settings) -> SourceResult:
    """Apply fixes to a fixpoint; report what was fixed and what remains in the final text."""
    fixed: list[Finding] = []
    current = data
    for _ in range(MAX_PASSES):
        result = one_pass(current, settings)
        if result.new is None or not result.analysed:
            break
        now = [f for f in result.findings if f.kind == "fixed"]
        fixed += now
        current = result.new
        if len(now) == len(result.findings):
            # Nothing left to locate in the new text. Fixes reach their fixpoint in one pass
            # (the golden and example tests run every fix twice), so no pass to confirm it.
            result = SourceResult([])
            break
    else:
        result = one_pass(current, settings)
    remaining = [f for f in result.findings if f.kind != "fixed"]
    if not result.analysed and current is data:
        return result
    todos = 0
    if (settings.fix and settings.todo_comments and result.analysed
            and (remaining or b"TODO(kerasfix)" in current)):
        # `# TODO(kerasfix): KFxxx` above what fix left (todo.py), stale ones removed; then
        # one more pass, so that what remains is located in the text that is written.
        from kerasfix.todo import apply as apply_todos

        marked, todos = apply_todos(current, remaining, settings.selection.selects)
        if marked != current:
            current = marked
            if remaining:
                result = one_pass(current, settings)
                remaining = [f for f in result.findings if f.kind != "fixed"]
    return SourceResult(fixed + remaining, new=current if current != data else None,
                        analysed=result.analysed, error=result.error, todos=todos)
