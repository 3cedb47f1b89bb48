"""A layer call as written (Keras 1, 2 or 3) -> a LayerSpec in Keras 3 terms.

Keras 1 code is checked as written: positionals are read with the same policy as the
migration (`migrate/reading.py`), and Keras 1 keywords are translated with the same rule
records (folds, renames, value maps). What only changes the arithmetic, Keras 1's
`border_mode='full'`, is kept aside in `LayerSpec.legacy`.
"""

from __future__ import annotations

from kerasfix.migrate import kinds
from kerasfix.migrate.converters import VALUE_CONVERTERS
from kerasfix.migrate.loader import RuleSet
from kerasfix.migrate.reading import KERAS1, SAME, choose
from kerasfix.migrate.spec import LayerRule
from kerasfix.shapes.dims import UNKNOWN
from kerasfix.shapes.evaluator import plain
from kerasfix.shapes.layers import canonical as canonical_name
from kerasfix.shapes.spec import LayerSpec
from kerasfix.shapes.values import Layer


def _literal(value):
    """What kinds.plausible understands: a plain constant, else opaque."""
    return value if plain(value) else kinds.literal(None)


def _value(value):
    if isinstance(value, Layer):
        return value.spec  # TimeDistributed(Dense(...)): the wrapped layer
    return value if plain(value) else UNKNOWN


def _positional_names(rule: LayerRule | None, symbol: str, name: str, args: list,
                      kwargs: dict, rules: RuleSet, evidence: str,
                      flavour: str) -> tuple[tuple, bool]:
    """The parameter names positionals bind to, and whether those are Keras 1 names."""
    signature = rules.signatures.get(name) or (rule.new_positional if rule else ())
    if rule is None or not rule.old_positional:
        return signature, False
    in_call = any(k in rules.evidence_keywords for k in kwargs)
    setting = "keras1" if symbol not in rules.keras3_names else "auto"  # a Keras 1-only class
    reading = choose(rule, [_literal(a) for a in args], list(kwargs), False, setting, flavour,
                     evidence, in_call)
    # A trap (KF150) is read the Keras 1 way, as kerasfix's own fix reads it: the model the
    # author meant, and the one the migrated code builds.
    if reading.which == KERAS1:
        return rule.old_positional, True
    if reading.which == SAME:  # old names where they line up, so value maps still apply
        old, new = rule.old_positional, rule.new_positional
        return tuple(old[i] if i < len(old) and new[i] in rule.new_name(old[i]) else new[i]
                     for i in range(min(len(args), len(new)))), True
    return signature, False


def _to_keras3(rule: LayerRule, old: dict, spec_legacy: dict) -> dict:
    """Keras 1 keyword names and values -> Keras 3 ones, by the rule's own tables."""
    new: dict = {}
    for sources, into in rule.fold:
        if all(s in old for s in sources):
            new[into] = tuple(old.pop(s) for s in sources)
    for key, value in old.items():
        if key == "border_mode" and value == "full":
            spec_legacy["border_mode"] = "full"
            continue
        if isinstance(value, str) and value in rule.values.get(key, {}):
            value = rule.values[key][value]
        if key in rule.convert:
            value = VALUE_CONVERTERS[rule.convert[key]](value)
        if value in rule.drop_if.get(key, []) if plain(value) else False:
            continue
        new[rule.new_name(key)[0]] = value
    return new


def layer_spec(symbol: str, args: list, kwargs: dict, line: int, column: int,
               rules: RuleSet, evidence: str, flavour: str) -> LayerSpec:
    rule = rules.by_symbol.get(symbol)
    name = rule.rename_to if rule is not None and rule.rename_to else symbol
    names, keras1 = _positional_names(rule, symbol, name, args, kwargs, rules, evidence,
                                      flavour)
    bound = dict(zip(names, args))
    bound.update(kwargs)
    legacy: dict = {}
    if rule is not None and keras1:
        bound = _to_keras3(rule, bound, legacy)
    elif rule is not None:
        bound = _keywords_to_keras3(rule, bound, legacy)
    kwargs = {k: _value(v) for k, v in bound.items()}
    return LayerSpec(name=canonical_name(name), kwargs=kwargs, line=line, column=column,
                     legacy=legacy)


def _keywords_to_keras3(rule: LayerRule, bound: dict, legacy: dict) -> dict:
    """Positionals already have Keras 3 names; Keras 1 keywords may still need translating."""
    old = {k: v for k, v in bound.items() if k in rule.touched_keywords}
    kept = {k: v for k, v in bound.items() if k not in old}
    return {**kept, **_to_keras3(rule, old, legacy)}


def input_shape_of(spec: LayerSpec, rules: RuleSet):
    """The model input a first layer declares (batch dim included), or None if it does not.

    `input_shape=`, `batch_input_shape=`, `input_dim=` (and Keras 1 `input_length=` with it on
    sequence layers; `input_length=` alone on Embedding)."""
    kw = spec.kwargs
    rule = next((r for r in rules.layers if spec.name in r.symbols or spec.name == r.rename_to),
                None)
    if "batch_input_shape" in kw:
        return _as_shape(kw["batch_input_shape"], batch=False)
    if "input_shape" in kw:
        return _as_shape(kw["input_shape"], batch=True)
    sequence = rule is not None and rule.input_spec == "sequence"
    if spec.name == "Embedding":
        return (None, kw["input_length"]) if "input_length" in kw else None
    if "input_dim" in kw:
        if sequence:
            return (None, kw.get("input_length"), kw["input_dim"])
        return (None, kw["input_dim"])
    return None


def _as_shape(value, batch: bool):
    if not isinstance(value, (tuple, list)):
        return UNKNOWN
    dims = tuple(v if v is None or isinstance(v, int) else UNKNOWN for v in value)
    return ((None,) + dims) if batch else dims
