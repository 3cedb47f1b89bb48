"""One cheap `ast` pass per file: its Keras imports, Keras 1 evidence, and whether any rule
could apply at all. Only files with a candidate pay for a libcst parse."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from kerasfix.migrate.loader import RuleSet
from kerasfix.migrate.reading import agrees
from kerasfix.names import (
    ImportTable,
    Resolved,
    build_import_table,
    canonical,
    dotted_name,
    legacy_layer_module,
)


@dataclass(frozen=True)
class FileFacts:
    table: ImportTable
    star_symbols: frozenset[str]
    evidence: str  # what the file shows signs of: "keras1", "keras3", "" (neither or both)
    candidate: bool
    nodes: list  # every ast node of the file (for positions)


def layer_symbol(resolved: Resolved | None) -> str | None:
    """`Conv2D` for keras.layers.Conv2D, else None."""
    if resolved is None or not resolved.qualname.startswith("keras.layers."):
        return None
    rest = resolved.qualname[len("keras.layers.") :]
    return rest if "." not in rest else None


def _named_evidence(table: ImportTable, rules: RuleSet) -> bool:
    for target in table.names.values():
        found = canonical(target, relocate=False)  # `keras.engine.topology.Layer` is evidence
        if found and any(found.qualname == n or found.qualname.startswith(n + ".")
                         for n in rules.evidence_names):
            return True
    return False


def scan(tree: ast.AST, rules: RuleSet, program=None, source: str = "auto") -> FileFacts:
    nodes = list(ast.walk(tree))  # walked once: the walk, not the checks, is what costs
    table = build_import_table(tree, nodes)
    star = rules.layer_names
    evidence = _named_evidence(table, rules)
    candidate = modern = keras1_hit = keras_class = class_hit = False
    for node in nodes:
        if isinstance(node, ast.Import):
            candidate = candidate or any(legacy_layer_module(a.name) for a in node.names)
        if program is not None and not candidate and isinstance(node, ast.ClassDef):
            if program.classes:  # both may be different classes (`Mine(Base)`, `Base(Layer)`)
                keras_class = keras_class or _keras_class(node, table)
                class_hit = class_hit or bool(_class_words(node) & program.class_words)
                candidate = keras_class and class_hit
        elif program is not None and not candidate and not isinstance(node, ast.Call):
            candidate = _program_node(program, node, table)
        if not isinstance(node, ast.Call):
            continue
        dotted = dotted_name(node.func)
        resolved = table.resolve(dotted, star) if dotted else None
        if program is not None and not candidate:
            hit = _program_call(program, node, resolved, nodes)
            candidate = hit == "yes"
            keras1_hit = keras1_hit or hit == "keras1"
        symbol = layer_symbol(resolved)
        if symbol and not candidate:
            candidate = might_fire(rules, symbol, node)
        if symbol and not modern:
            modern = _modern_call(rules, symbol, node)
        keras_call = resolved is not None or (
            isinstance(node.func, ast.Attribute) and node.func.attr in rules.evidence_methods)
        if keras_call and not evidence:
            evidence = any(k.arg in rules.evidence_keywords for k in node.keywords)
        if resolved and resolved.qualname in rules.evidence_names:
            evidence = True
    era = "keras1" if evidence and not modern else "keras3" if modern and not evidence else ""
    keras1 = source == "keras1" or source == "auto" and era == "keras1"
    candidate = candidate or (keras1_hit and keras1)
    return FileFacts(table, star, era, candidate or _layer_imports(table), nodes)


def _program_call(program, call: ast.Call, resolved: Resolved | None, nodes=()) -> str:
    """Could a program rule see this call? "yes", "keras1" (only in Keras 1 code), or "".
    (The handler decides; this only gates the libcst parse.)"""
    if resolved is not None:
        rules = program.calls.get(resolved.qualname, ())
    elif isinstance(call.func, ast.Attribute):
        rules = program.methods.get(call.func.attr, ())
        if any(call.func.attr in r.data.get("candidate_methods", ()) for r in program.blocks):
            return "yes"  # a block rule rewrites the statement around this call
    else:
        return ""
    seen = [r for r in rules if program.sees(r, call, nodes)]
    if any(not r.keras1_only for r in seen):
        return "yes"
    return "keras1" if seen else ""


def _program_node(program, node: ast.AST, table: ImportTable) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr in program.attributes
    if isinstance(node, (ast.Import, ast.ImportFrom)) and program.imports:
        return _legacy_import(program, node)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return node.slice.value in program.subscripts
    return False


def _keras_class(node: ast.ClassDef, table: ImportTable) -> bool:
    return any(table.resolve(d) for d in map(dotted_name, node.bases) if d)


def _class_words(node: ast.ClassDef) -> set[str]:
    """The identifiers of a class: its bases, defs, names and attributes (a Keras 3 layer's
    class mentions none of what the class rules look for, and costs no libcst parse)."""
    words = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            words.add(child.id)
        elif isinstance(child, ast.Attribute):
            words.add(child.attr)
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            words.add(child.name)
    return words


def _legacy_import(program, node: ast.Import | ast.ImportFrom) -> bool:
    """An import an import rule is about (its `data.modules`: legacy public names)."""
    prefixes = program.import_modules
    if isinstance(node, ast.ImportFrom):
        if node.level or not node.module:
            return False
        full = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
    else:
        full = [a.name for a in node.names]
    for name in full:
        found = canonical(name)
        # The public name, or the name as written (`tensorflow.python.keras`).
        for qualname in (found.qualname if found else None, name):
            if qualname and any(qualname == p or qualname.startswith(p + ".") for p in prefixes):
                return True
    return False


def _modern_call(rules: RuleSet, symbol: str, call: ast.Call) -> bool:
    """`Conv2D(32, 3, 3, padding='same')`: positionals that could be Keras 1's, next to a
    keyword only the new API has. The file was written for tf.keras / Keras 3."""
    rule = rules.by_symbol.get(symbol)
    if rule is None or not any(k.arg in rule.keras3_only for k in call.keywords):
        return False
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    return any(not agrees(rule, i) for i in range(len(positional)))


def might_fire(rules: RuleSet, symbol: str, call: ast.Call) -> bool:
    """Could any rule change or report this call? A cheap over-approximation, so that
    modern code never pays for a libcst parse."""
    rule = rules.by_symbol.get(symbol)
    base_removed = set(rules.base.removed) if rules.base else set()
    if rule is None:
        return symbol[:1].isupper() and any(k.arg in base_removed for k in call.keywords)
    if rule.manual or rule.defaults or rule.keras1_defaults or (
            rule.rename_to and rule.rename_to != symbol):
        return True
    touched = rule.touched_keywords | (base_removed - set(rule.accepts))
    if any(k.arg in touched for k in call.keywords):
        return True
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    old = rule.old_positional
    return any(not agrees(rule, i) or i < len(old) and old[i] in rule.value_keywords
               for i in range(len(positional)))


def _layer_imports(table: ImportTable) -> bool:
    """An import from a Keras 1 layer submodule is itself something to fix."""
    targets = list(table.names.values())
    modules = targets + [t.rpartition(".")[0] for t in targets] + table.star_modules
    return any(legacy_layer_module(m) for m in modules)
