"""Load rules/program/*.toml and index the records by what they hook into."""

from __future__ import annotations

import functools
import importlib
from collections import defaultdict
from dataclasses import dataclass

from kerasfix.migrate.loader import rules_dir, tomllib
from kerasfix.migrate.program.spec import ProgramRule, build_program_rule
from kerasfix.migrate.spec import SpecError


@dataclass(frozen=True)
class ProgramRules:
    rules: tuple[ProgramRule, ...]
    calls: dict  # public name -> rules, in code order
    methods: dict  # method name -> rules
    attributes: dict  # attribute name -> rules
    comparisons: tuple[ProgramRule, ...]
    classes: tuple[ProgramRule, ...]
    blocks: tuple[ProgramRule, ...]
    subscripts: dict  # string index -> rules
    imports: tuple[ProgramRule, ...]
    words: frozenset[str]  # for the byte pre-filter
    import_modules: frozenset[str] = frozenset()  # legacy modules the import rules are about
    class_words: frozenset[str] = frozenset()  # what a class must mention for a class rule

    def handler(self, rule: ProgramRule):
        return _handler(rule.handler, rule.file)

    def for_selection(self, selection) -> "ProgramRules":
        """These rules without the opt-in ones `selection` does not name by code (so that
        their hooks gate no parse and run no handler)."""
        key = (id(self), selection)
        if key not in _SELECTED:
            chosen = [r for r in self.rules if not r.opt_in or r.id in selection.select]
            _SELECTED[key] = self if len(chosen) == len(self.rules) else _build(chosen)
        return _SELECTED[key]

    def sees(self, rule: ProgramRule, call_ast, nodes=()) -> bool:
        """The rule's gates (when_keywords, precheck) on an `ast.Call`; `nodes`: every ast
        node of the file, for a precheck that must look at the file's assignments."""
        if rule.when_keywords and not any(k.arg in rule.when_keywords
                                          for k in call_ast.keywords):
            return False
        if not rule.precheck:
            return True
        check = _handler(rule.precheck, rule.file)
        return check(call_ast, nodes) if check.__code__.co_argcount > 1 else check(call_ast)


@functools.lru_cache(maxsize=None)
def _handler(dotted: str, file: str):
    module, _, function = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(f"kerasfix.migrate.program.{module}"), function)
    except (ImportError, AttributeError) as exc:
        raise SpecError(f"{file}: handler {dotted!r} not found: {exc}") from exc


def _index(rules: list[ProgramRule], key: str) -> dict:
    out: dict[str, list[ProgramRule]] = defaultdict(list)
    for rule in rules:
        for name in getattr(rule, key):
            out[name].append(rule)
    return {name: tuple(found) for name, found in out.items()}


@functools.lru_cache(maxsize=None)
def load_program_rules(directory: str | None = None) -> ProgramRules:
    root = (rules_dir() if directory is None else __import__("pathlib").Path(directory))
    rules: list[ProgramRule] = []
    for path in sorted((root / "program").glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        rules.extend(build_program_rule(raw, f"program/{path.name}")
                     for raw in data.get("rule", []))
    rules.sort(key=lambda r: r.id)
    return _build(rules)


_SELECTED: dict = {}  # (id of the full rules, Selection) -> the rules it runs


def _build(rules: list[ProgramRule]) -> ProgramRules:
    words: set[str] = set()
    for rule in rules:  # an opt-in rule's hooks are no pre-filter words: only its tokens
        words |= set(rule.tokens) if rule.opt_in else rule.words()
    return ProgramRules(
        rules=tuple(rules), calls=_index(rules, "calls"), methods=_index(rules, "methods"),
        attributes=_index(rules, "attributes"),
        comparisons=tuple(r for r in rules if r.comparisons),
        classes=tuple(r for r in rules if r.classes),
        blocks=tuple(r for r in rules if r.blocks), subscripts=_index(rules, "subscripts"),
        imports=tuple(r for r in rules if r.imports), words=frozenset(words),
        import_modules=frozenset(m for r in rules if r.imports
                                 for m in r.data.get("modules", ())),
        class_words=frozenset(w for r in rules if r.classes for w in r.words()))
