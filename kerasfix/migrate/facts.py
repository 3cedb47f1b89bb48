"""One cheap `ast` pass per file: its Keras imports, Keras 1 evidence, and whether any rule
could apply at all. Only files with a candidate pay for a libcst parse."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from kerasfix.migrate.loader import RuleSet
from kerasfix.names import (ImportTable, Resolved, build_import_table, canonical, dotted_name,
                            legacy_layer_module)


@dataclass(frozen=True)
class FileFacts:
    table: ImportTable
    star_symbols: frozenset[str]
    evidence: bool
    candidate: bool


def layer_symbol(resolved: Resolved | None) -> str | None:
    """`Conv2D` for keras.layers.Conv2D, else None."""
    if resolved is None or not resolved.qualname.startswith("keras.layers."):
        return None
    rest = resolved.qualname[len("keras.layers.") :]
    return rest if "." not in rest else None


def _named_evidence(table: ImportTable, rules: RuleSet) -> bool:
    for target in table.names.values():
        found = canonical(target)
        if found and any(found.qualname == n or found.qualname.startswith(n + ".")
                         for n in rules.evidence_names):
            return True
    return False


def scan(tree: ast.AST, rules: RuleSet) -> FileFacts:
    table = build_import_table(tree)
    star = rules.layer_names
    evidence = _named_evidence(table, rules)
    candidate = bool(table.star_modules) and _any_star_use(tree, table, star)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        dotted = dotted_name(node.func)
        resolved = table.resolve(dotted, star) if dotted else None
        if layer_symbol(resolved):
            candidate = True
        keras_call = resolved is not None or (
            isinstance(node.func, ast.Attribute) and node.func.attr in rules.evidence_methods)
        if keras_call and not evidence:
            evidence = any(k.arg in rules.evidence_keywords for k in node.keywords)
        if resolved and resolved.qualname in rules.evidence_names:
            evidence = True
    return FileFacts(table, star, evidence, candidate or _layer_imports(table))


def _any_star_use(tree: ast.AST, table: ImportTable, star: frozenset[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in star and n.id not in table.rebound
               for n in ast.walk(tree))


def _layer_imports(table: ImportTable) -> bool:
    """An import from a Keras 1 layer submodule is itself something to fix."""
    modules = [t.rpartition(".")[0] for t in table.names.values()] + table.star_modules
    return any(legacy_layer_module(m) for m in modules)
