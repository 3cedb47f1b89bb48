"""Every rule kerasfix knows, declarative and in code, in one list sorted by code."""

from __future__ import annotations

from kerasfix.migrate.loader import load_rules
from kerasfix.migrate.meta import META_RULES
from kerasfix.migrate.program.loader import load_program_rules
from kerasfix.python2.rules import PYTHON2_RULES
from kerasfix.shapes.codes import SHAPE_RULES


def all_rules() -> list:
    rules = load_rules()
    found = list(rules.layers) + list(META_RULES) + list(SHAPE_RULES) + list(PYTHON2_RULES)
    found += list(load_program_rules().rules)
    found += [rules.base] if rules.base else []
    return sorted(found, key=lambda r: r.id)


def by_code_or_name(key: str):
    for rule in all_rules():
        if key.upper() == rule.id or key == rule.name:
            return rule
    return None


def names_to_codes() -> dict[str, str]:
    return {rule.name: rule.id for rule in all_rules()}
