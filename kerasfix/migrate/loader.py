"""Load the rule tables from rules/ (a checkout or editable install) or the packaged copy."""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass, field
from pathlib import Path

from kerasfix.migrate.spec import LayerRule, SpecError, build_rule

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


def rules_dir() -> Path:
    """rules/ beside the package in a checkout, else kerasfix/_rules inside the wheel."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "rules", here / "_rules"):
        if (candidate / "evidence.toml").is_file():
            return candidate
    raise SpecError(f"kerasfix rule tables not found beside {here}")


@dataclass(frozen=True)
class RuleSet:
    layers: tuple[LayerRule, ...]
    by_symbol: dict  # "Conv2D" (a keras.layers name) -> LayerRule
    base: LayerRule | None
    evidence_keywords: frozenset[str]
    evidence_methods: frozenset[str]
    layer_names: frozenset[str]  # every bare name `from keras.layers import *` can bind
    evidence_names: frozenset[str]
    keras3_names: frozenset[str] = frozenset()  # `dir(keras.layers)` of Keras 3
    signatures: dict = field(default_factory=dict)  # Keras 3 class -> positional parameters


def _index(rules: list[LayerRule]) -> dict:
    by_symbol: dict[str, LayerRule] = {}
    for rule in rules:
        for symbol in rule.symbols:
            if symbol in by_symbol:
                raise SpecError(
                    f"{rule.file}: rule {rule.id}: symbol {symbol} already handled by "
                    f"{by_symbol[symbol].id}"
                )
            by_symbol[symbol] = rule
    return by_symbol


def _check_ids(rules: list[LayerRule]) -> None:
    seen: dict[str, str] = {}
    for rule in rules:
        for key in (rule.id, rule.name):
            if key in seen:
                raise SpecError(f"{rule.file}: rule {rule.id}: {key} is also used in {seen[key]}")
            seen[key] = rule.file


@functools.lru_cache(maxsize=None)
def load_rules(directory: str | None = None) -> RuleSet:
    """Parse and validate every rules/*.toml once per process."""
    root = Path(directory) if directory else rules_dir()
    rules: list[LayerRule] = []
    evidence: dict = {}
    keras3_layers: frozenset[str] = frozenset()
    signatures: dict = {}
    for path in sorted(root.glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        if path.name == "evidence.toml":
            evidence = data
            continue
        if path.name == "keras_layers.toml":
            keras3_layers = frozenset(data["keras3"])
            continue
        if path.name == "keras_signatures.toml":
            signatures = {k: tuple(v) for k, v in data["positional"].items()}
            continue
        rules.extend(build_rule(raw, path.name) for raw in data.get("rule", []))
    _check_ids(rules)
    base = [r for r in rules if r.base]
    layers = tuple(r for r in rules if not r.base)
    return RuleSet(
        layers=layers,
        by_symbol=_index(list(layers)),
        base=base[0] if base else None,
        evidence_keywords=frozenset(evidence.get("keywords", [])),
        evidence_methods=frozenset(evidence.get("methods", [])),
        evidence_names=frozenset(evidence.get("names", [])),
        layer_names=keras3_layers | frozenset(_index(list(layers))) | {"merge", "Merge"},
        keras3_names=keras3_layers,
        signatures=signatures,
    )
