"""Run the layer rules over one parsed source: the libcst half of `engine.one_pass`."""

from __future__ import annotations

import ast
import io
import re
import tokenize

import libcst as cst

from kerasfix.engine import Settings, SourceResult, _invalid
from kerasfix.migrate.facts import scan
from kerasfix.migrate.imports import follow_imports
from kerasfix.migrate.loader import load_rules
from kerasfix.migrate.positions import Locator
from kerasfix.migrate.program.loader import load_program_rules
from kerasfix.migrate.program.naming import finish_imports, names_for_file
from kerasfix.migrate.transformer import LayerMigrator


def migrate(tree: ast.AST, data: bytes, settings: Settings, suppressed=None) -> SourceResult:
    """`suppressed(code, span)`: whether a suppression comment covers a finding."""
    rules, program = load_rules(), load_program_rules().for_selection(settings.selection)
    facts = scan(tree, rules, program, settings.source)
    if not facts.candidate:
        return SourceResult([])
    try:
        module = parse_module(tree, data)
    except cst.ParserSyntaxError as exc:
        return _invalid(exc.raw_line, f"cannot parse: {exc.message}")
    locator = Locator(facts.nodes, module.code)
    names = names_for_file(facts.table, tree.body, facts.nodes)
    migrator = LayerMigrator(rules, facts, module, settings.source, settings.allowed,
                             settings.selection, locator, suppressed,
                             fixable=settings.fixable.selects, program=program, names=names,
                             target=settings.target)
    new_module = follow_imports(module.visit(migrator), migrator.renames)
    new_module = finish_imports(new_module, names)
    findings = sorted(migrator.findings(), key=lambda f: (f.span.line, f.span.column, f.code))
    applied = any(f.fix is not None and f.fix.applied for f in findings)
    if not applied or new_module.code == module.code:  # rendering code costs: only if fixed
        return SourceResult(findings)
    new = new_module.bytes
    try:
        ast.parse(new)
    except (SyntaxError, ValueError) as exc:  # never write what does not re-parse
        raise InternalError(f"a fix produced code that does not parse ({exc}); "
                            f"the file was left unchanged") from exc
    problem = _compile_error(new)  # what ast.parse lets through (`f(a=1, a=2)`)
    if problem and not _compile_error(data):
        raise InternalError(f"a fix produced code that does not compile ({problem}); "
                            f"the file was left unchanged")
    return SourceResult(findings, new=new)


# While it runs, libcst's parser takes up to 1 KB of memory per byte of source (Keras 3's
# ops/numpy_test.py, 440 KB: 420 MB). A large file is parsed in parts of about this size
# (tests/test_corpus_sweep.py: the same tree as a whole parse).
CHUNK_BYTES = 32 * 1024
_NEWLINE = re.compile(rb"\r\n|\r|\n")  # the line ends ast counts


def parse_module(tree: ast.Module, data: bytes, chunk_bytes: int = CHUNK_BYTES) -> cst.Module:
    """`cst.parse_module(data)` (`tree`: the ast of `data`). A file over twice `chunk_bytes` is
    cut before top-level statements that only empty lines separate from the one before, the
    parts parsed alone and joined: the empty lines that end a part go back where a whole parse
    puts them (the next statement's leading lines). If the joined module does not print back
    to `data` exactly, or a part does not parse, the whole file is parsed."""
    body = getattr(tree, "body", [])
    if len(data) <= 2 * chunk_bytes or len(body) < 2:
        return cst.parse_module(data)
    try:  # a part after the first has no coding cookie: UTF-8 files only
        encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    except SyntaxError:
        encoding = ""
    if encoding not in ("utf-8", "utf-8-sig"):
        return cst.parse_module(data)
    starts = [0] + [m.end() for m in _NEWLINE.finditer(data)]  # offset of each line
    cuts = [0]
    for before, stmt in zip(body, body[1:]):
        first = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])])
        end = before.end_lineno or 0
        if not end < first <= len(starts):  # `a = 1; b = 2`: no cut between them
            continue
        gap = data[starts[end]:starts[first - 1]]
        if starts[first - 1] - cuts[-1] >= chunk_bytes and not gap.strip(b"\r\n"):
            cuts.append(starts[first - 1])
    if len(cuts) == 1:
        return cst.parse_module(data)
    try:
        parts = [cst.parse_module(data[a:b]) for a, b in zip(cuts, cuts[1:] + [len(data)])]
    except (cst.ParserSyntaxError, UnicodeDecodeError, SyntaxError):
        return cst.parse_module(data)
    statements = list(parts[0].body)
    for previous, part in zip(parts, parts[1:]):
        if part.header or not part.body:
            return cst.parse_module(data)
        head = part.body[0]
        statements.append(head.with_changes(leading_lines=[*previous.footer,
                                                           *head.leading_lines]))
        statements.extend(part.body[1:])
    # A part without an indented block reports libcst's default indent, the others the file's.
    indent = next((p.default_indent for p in parts if p.default_indent != "    "), "    ")
    module = parts[0].with_changes(body=statements, footer=parts[-1].footer,
                                   default_indent=indent,
                                   has_trailing_newline=parts[-1].has_trailing_newline)
    return module if module.bytes == data else cst.parse_module(data)


def _compile_error(data: bytes) -> str:
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings are the user's business
            compile(data, "<kerasfix>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        return str(exc)
    return ""


class InternalError(RuntimeError):
    """A kerasfix bug: reported with exit code 2, the file untouched."""
