"""Which Keras was a call written for? Bind its positional arguments accordingly.

`Conv2D(32, 3, 3)` is a 3x3 kernel in Keras 1 and Keras 2.0-2.3 but kernel 3 with stride 3 in
tf.keras and Keras 3. The policy (`--from auto`, architecture.md):
  1. positionals that mean the same under both signatures need no decision; a keyword only
     the new API has (`padding=`) rules out Keras 1;
  2. if one reading is impossible (a literal that cannot be a value of the parameter it would
     bind to), the other one is the meaning: a safe fix;
  3. `--from` decides;
  4. a Keras-1-only keyword in the call itself means it never ran on anything newer;
  5. a symbol imported through tf.keras is read as tf.keras (which never had the shim);
  6. evidence elsewhere in the file decides: Keras 1 keywords or names make the Keras 1
     reading safe; calls like `Conv2D(32, 3, 3, padding='same')` make it tf.keras / Keras 3;
  7. otherwise (no evidence, or both kinds) the call is a trap: reported, with the Keras 1
     reading as an unsafe fix.
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


def _fits(params: tuple[str, ...], values: list[object], rule: LayerRule,
          keywords: list[str] = ()) -> bool:
    if len(values) > len(params):
        return False
    if set(params[:len(values)]) & set(keywords):
        return False  # a positional and a keyword for one parameter: a TypeError, not a call
    return all(kinds.plausible(p, v, rule.kinds) for p, v in zip(params, values))


def choose(rule: LayerRule, values: list[object], keywords: list[str], starred: bool,
           setting: str, flavour: str, evidence: str, in_call: bool) -> Reading:
    """Decide the reading of a call's positionals (`values`: their literal values).

    `keywords`: the call's keyword names; `starred`: the call passes `*args`; `in_call`: the
    call itself uses a Keras-1-only keyword, so it never ran on tf.keras or Keras 3 as
    written; `evidence`: which Keras the rest of the file shows signs of ("keras1",
    "keras3", or "" for neither or both).
    """
    if starred:
        return Reading(KERAS3)  # binding through *args is unknowable: leave positionals alone
    if any(k in rule.keras3_only for k in keywords):
        return Reading(KERAS3)  # `Conv2D(32, 3, 3, padding='same')`: never Keras 1 code
    if all(agrees(rule, i) for i in range(len(values))):
        return Reading(SAME)
    k1_fits = _fits(rule.old_positional, values, rule, keywords)
    if setting in ("keras1", "keras2"):
        return Reading(KERAS1 if k1_fits else KERAS3)
    if setting == "tf.keras" or not k1_fits:
        return Reading(KERAS3)
    if not _fits(rule.new_positional, values, rule, keywords) or in_call:
        return Reading(KERAS1)
    if flavour == "tf.keras" or evidence == "keras3":
        return Reading(KERAS3)
    return Reading(KERAS1, trap=evidence != "keras1")


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
