"""Apply one declarative layer rule to one call, in a fixed order of steps.

Order (tf_upgrade_v2's, keyed by OLD names throughout):
  bind positionals -> unfaithful? -> drop_if -> values -> convert -> fold -> rename / drop /
  removed -> input spec -> conflicts -> defaults -> re-positionalise.
The result is a new call (or none), the list of changes for the message, and the manual
findings (arguments or calls Keras 3 cannot express) that stay for a human.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import libcst as cst

from kerasfix.migrate.arguments import (
    Item,
    code_of,
    items_of,
    new_keyword,
    render,
    replace_literal,
    tuple_of,
    value_of,
    with_value,
)
from kerasfix.migrate.converters import CONVERTERS
from kerasfix.migrate.reading import KERAS1, Reading, bind, choose
from kerasfix.migrate.spec import LayerRule


@dataclass(frozen=True)
class Manual:
    code: str
    index: int  # argument index in the original call; -1 for the whole call
    message: str


@dataclass
class Outcome:
    call: cst.Call | None = None
    changes: list[str] = field(default_factory=list)
    unsafe_notes: list[str] = field(default_factory=list)
    manual: list[Manual] = field(default_factory=list)
    reading: Reading | None = None

    @property
    def applicability(self) -> str:
        trap = self.reading is not None and self.reading.trap
        return "unsafe" if trap or self.unsafe_notes else "safe"


@dataclass(frozen=True)
class Context:
    module: cst.Module
    setting: str  # --from
    flavour: str  # "keras" or "tf.keras", from how the symbol was imported
    evidence: str  # which Keras the file shows signs of: "keras1", "keras3" or ""
    evidence_keywords: frozenset[str]
    legacy: bool = False  # the symbol is not in Keras 3: its old signature is its only one


def rewrite(rule: LayerRule, base: LayerRule | None, call: cst.Call, ctx: Context) -> Outcome:
    out = Outcome()
    if rule.manual:
        out.manual.append(Manual(rule.id, -1, rule.manual))
        return out
    items = items_of(call)
    if ctx.legacy and rule.rename_to and any(i.starred for i in items):
        out.manual.append(Manual(rule.id, -1, f"`*args`/`**kwargs` cannot be mapped onto the "
                                 f"Keras 3 `{rule.rename_to}` signature: write them out"))
        return out
    values = [value_of(ctx.module, i.arg.value) for i in items if i.positional]
    in_call = any(i.name in ctx.evidence_keywords for i in items)
    setting = "keras1" if ctx.legacy else ctx.setting
    starred = any(i.arg.star == "*" for i in items)
    keywords = [i.name for i in items if not i.positional and i.name]
    out.reading = choose(rule, values, keywords, starred, setting, ctx.flavour, ctx.evidence,
                         in_call)
    items = bind(rule, items, out.reading)
    reason = _unfaithful(rule, items, ctx.module)
    if reason:
        out.manual.append(Manual(rule.id, -1, reason))
        return out
    if out.reading.which == KERAS1:
        out.changes.append("positional arguments read by the Keras 1 signature")
    for step in (_drop_if, _map_values, _convert, _fold, _rename, _input_spec, _defaults):
        items = step(rule, base, items, ctx, out)
        if items is None:
            return out
    items = _repositionalise(rule, items)
    if out.changes or out.unsafe_notes:
        out.call = call.with_changes(args=render(items, call))
    return out


def _old(item: Item, table: dict) -> bool:
    return not item.new and item.name in table


def _unfaithful(rule: LayerRule, items: list[Item], module: cst.Module) -> str:
    for case in rule.unfaithful:
        if all(_holds(items, name, test, module) for name, test in case.when.items()):
            return case.message
    return ""


def _holds(items: list[Item], name: str, test: object, module: cst.Module) -> bool:
    for item in items:
        if item.new or item.name != name:
            continue
        value = value_of(module, item.arg.value)
        if test == ">1":
            vals = value if isinstance(value, (tuple, list)) else (value,)
            return any(isinstance(v, int) and v > 1 for v in vals)
        return value in test
    return False


def _drop_if(rule, base, items, ctx, out):
    kept = []
    for item in items:
        value = value_of(ctx.module, item.arg.value)
        if _old(item, rule.drop_if) and value in rule.drop_if[item.name]:
            shown = code_of(ctx.module, item.arg.value)
            out.changes.append(f"dropped `{item.name}={shown}` (no effect)")
            continue
        kept.append(item)
    return kept


def _map_values(rule, base, items, ctx, out):
    result = []
    for item in items:
        table = rule.values.get(item.name, {}) if not item.new else {}
        value = value_of(ctx.module, item.arg.value)
        if isinstance(value, str) and value in table:
            new = table[value]
            out.changes.append(f"`{value!r}` -> `{new!r}`")
            item = with_value(item, replace_literal(item.arg.value, new))
            if item.name in rule.drop or item.name in rule.drop_unsafe:  # a mapped value stays
                result.extend(_renamed(rule, item, out))
                continue
        result.append(item)
    return result


def _convert(rule, base, items, ctx, out):
    result = []
    for item in items:
        if _old(item, rule.convert):
            converted = CONVERTERS[rule.convert[item.name]](ctx.module, item.arg.value)
            if converted is None:
                out.manual.append(Manual(rule.id, item.index,
                                         f"`{item.name}` has a form kerasfix cannot convert"))
                return None
            if converted is not item.arg.value:
                out.changes.append(f"`{item.name}` in the Keras 2 form")
                item = with_value(item, converted)
        result.append(item)
    return result


def _fold(rule, base, items, ctx, out):
    for sources, into in rule.fold:
        found = [i for i in items if not i.new and i.name in sources]
        if len(found) != len(sources):
            continue
        by_name = {i.name: i for i in found}
        first, last = found[0], found[-1]
        value = tuple_of([by_name[s].arg.value for s in sources])
        arg = first.arg.with_changes(value=value, comma=last.arg.comma)
        folded = Item(name=into, arg=arg, positional=all(i.positional for i in found), new=True,
                      index=first.index)
        items = [folded if i is first else i for i in items if i is first or i not in found]
        out.changes.append(f"`{', '.join(sources)}` -> `{into}`")
    return items


def _rename(rule, base, items, ctx, out):
    removed = dict(base.removed) if base else {}
    removed = {k: v for k, v in removed.items() if k not in rule.accepts}
    removed.update(rule.removed)
    result = []
    for item in items:
        if item.new or item.name is None:
            result.append(item)
        elif item.name in removed:
            out.manual.append(Manual(rule.id if item.name in rule.removed else base.id,
                                     item.index, removed[item.name]))
            result.append(item)
        elif item.name in rule.drop or item.name in rule.drop_unsafe:
            note = rule.drop.get(item.name) or rule.drop_unsafe[item.name]
            (out.changes if item.name in rule.drop else out.unsafe_notes).append(
                f"dropped `{item.name}`: {note}")
        else:
            result.extend(_renamed(rule, item, out))
    return result


def _renamed(rule: LayerRule, item: Item, out: Outcome) -> list[Item]:
    names = rule.new_name(item.name)
    if names == (item.name,):
        return [item.renamed(item.name)]
    if not item.positional:  # a renamed positional is covered by the signature note
        out.changes.append(f"`{item.name}` -> `{'`, `'.join(names)}`")
    return [replace(item.renamed(n), positional=item.positional and k == 0)
            for k, n in enumerate(names)]


def _input_spec(rule, base, items, ctx, out):
    """Keras 1 `input_dim`/`input_length` -> one `input_shape` (K1I02, K1I08)."""
    by_name = {i.name: i for i in items}
    length, dim = by_name.get("input_length"), by_name.get("input_dim")
    steps = length.arg.value if length else cst.Name("None")
    if rule.input_spec == "sequence" and dim is not None:
        used, shape = [x for x in (length, dim) if x], tuple_of([steps, dim.arg.value])
    elif rule.input_spec == "embedding" and length is not None:
        used, shape = [length], tuple_of([steps])
    elif rule.input_spec == "sequence" and length is not None:  # Keras 3 rejects it alone
        out.changes.append("dropped `input_length` (Keras 1 used it only with `input_dim`)")
        return [i for i in items if i is not length]
    else:
        return items
    if "input_shape" in by_name or "batch_input_shape" in by_name:
        out.manual.append(Manual(rule.id, used[0].index,
                                 "`input_length`/`input_dim` next to an input shape: keep one"))
        return None
    first = min(used, key=lambda i: i.index)
    merged = replace(first, name="input_shape", positional=False, new=True,
                     arg=first.arg.with_changes(value=shape))
    shown = code_of(ctx.module, shape)
    out.changes.append(f"`{'`, `'.join(i.name for i in used)}` -> `input_shape={shown}`")
    return [merged if i is first else i for i in items if i is first or i not in used]


def _defaults(rule, base, items, ctx, out):
    names = [i.name for i in items]
    duplicates = {n for n in names if n is not None and names.count(n) > 1}
    if duplicates:
        out.manual.append(Manual(rule.id, -1, "the call gives " + ", ".join(
            f"`{n}`" for n in sorted(duplicates)) + " twice once renamed; keep one"))
        return None
    if any(i.starred for i in items):  # `*args` / `**kwargs` may already give them
        return items
    table = {**rule.defaults, **(rule.keras1_defaults if _keras1_code(ctx, out) else {})}
    for name, code in table.items():
        if name not in names:
            items = items + [new_keyword(name, cst.parse_expression(code))]
            out.changes.append(f"added `{name}={code}` (the old default)")
    return items


def _keras1_code(ctx: Context, out: Outcome) -> bool:
    """Keras 1/2 code: by `--from`, by its positionals, or by Keras 1 evidence in the file."""
    if ctx.setting in ("keras1", "keras2") or out.reading.which == KERAS1:
        return True
    return ctx.setting == "auto" and ctx.flavour != "tf.keras" and ctx.evidence == "keras1"


def _repositionalise(rule: LayerRule, items: list[Item]) -> list[Item]:
    """Keep positional what was positional and still lines up with the Keras 3 signature."""
    keep: list[Item] = []
    for param in rule.new_positional:
        match = [i for i in items if i.positional and i.name == param]
        if not match:
            break
        keep.append(match[0])
    kept = {id(i) for i in keep}
    rest = [i if id(i) in kept or i.name is None else replace(i, positional=False) for i in items]
    unbound = [i for i in rest if i.positional and id(i) not in kept]
    return keep + unbound + [i for i in rest if not i.positional]
