"""Which Keras was a call written for? Bind its positional arguments accordingly.

`Conv2D(32, 3, 3)` is a 3x3 kernel in Keras 1 and Keras 2.0-2.3 but kernel 3 with stride 3 in
tf.keras and Keras 3. The policy (`--from auto`, architecture.md):
  1. positionals that mean the same under both signatures need no decision;
  2. if one reading is impossible (a literal that cannot be a value of the parameter it would
     bind to), the other one is the meaning: a safe fix;
  3. `--from` decides;
  4. a Keras-1-only keyword in the call itself means it never ran on anything newer;
  5. a symbol imported through tf.keras is read as tf.keras (which never had the shim);
  6. Keras 1 evidence elsewhere in the file makes the Keras 1 reading safe;
  7. otherwise the call is a trap: reported, with the Keras 1 reading as an unsafe fix.
"""

from __future__ import annotations

from dataclasses import dataclass

from kerasfix.migrate import kinds
from kerasfix.migrate.arguments import Item
from kerasfix.migrate.spec import LayerRule

SAME, KERAS1, KERAS3 = "same", "keras1", "keras3"


@dataclass(frozen=True)
class Reading:
    which: str  # SAME, KERAS1 or KERAS3
    trap: bool = False  # both readings plausible and nothing says which: unsafe fix only


def agrees(rule: LayerRule, i: int) -> bool:
    """Does positional i mean the same parameter in the old and the new signature?"""
    old, new = rule.old_positional, rule.new_positional
    if i >= len(new):
        return False
    if not old:
        return True  # no Keras 1 signature recorded: the positional layout did not change
    if i >= len(old):
        return False
    if new[i] in rule.new_name(old[i]):
        return True
    return any(old[i] in sources and into == new[i] for sources, into in rule.fold)


def _fits(params: tuple[str, ...], values: list[object], rule: LayerRule) -> bool:
    if len(values) > len(params):
        return False
    return all(kinds.plausible(p, v, rule.kinds) for p, v in zip(params, values))


def choose(rule: LayerRule, items: list[Item], values: list[object], setting: str,
           flavour: str, evidence: bool, in_call: bool) -> Reading:
    """Decide the reading of a call's positionals (`values` are their literal values).

    `in_call`: the call itself uses a Keras-1-only keyword, so it never ran on tf.keras or
    Keras 3 as written; `evidence`: the file elsewhere does.
    """
    positional = [i for i in items if i.positional]
    if any(i.arg.star == "*" for i in items):
        return Reading(KERAS3)  # binding through *args is unknowable: leave positionals alone
    if all(agrees(rule, i) for i in range(len(positional))):
        return Reading(SAME)
    k1_fits = _fits(rule.old_positional, values, rule)
    if setting in ("keras1", "keras2"):
        return Reading(KERAS1 if k1_fits else KERAS3)
    if setting == "tf.keras" or not k1_fits:
        return Reading(KERAS3)
    if not _fits(rule.new_positional, values, rule) or in_call:
        return Reading(KERAS1)
    if flavour == "tf.keras":
        return Reading(KERAS3)
    return Reading(KERAS1, trap=not evidence)


def bind(rule: LayerRule, items: list[Item], reading: Reading) -> list[Item]:
    """Name every positional item by the chosen signature."""
    out, k = [], 0
    for item in items:
        if not item.positional:
            out.append(item)
            continue
        out.append(_bind_one(rule, item, k, reading))
        k += 1
    return out


def _bind_one(rule: LayerRule, item: Item, k: int, reading: Reading) -> Item:
    old, new = rule.old_positional, rule.new_positional
    if reading.which == KERAS1:
        return item.renamed(old[k], new=False)
    if reading.which == SAME and k < len(old) and new[k] in rule.new_name(old[k]):
        return item.renamed(old[k], new=False)  # old name, so value maps still apply
    if k < len(new):
        return item.renamed(new[k])
    return item.renamed(None)
