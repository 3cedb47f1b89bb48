"""Run the layer rules over one parsed source: the libcst half of `engine.one_pass`."""

from __future__ import annotations

import ast

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
        module = cst.parse_module(data)
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
    return SourceResult(findings, new=new)


class InternalError(RuntimeError):
    """A kerasfix bug: reported with exit code 2, the file untouched."""
