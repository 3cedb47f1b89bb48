"""Call arguments as a list of named items, and back to libcst `Arg` nodes.

A rule works on `Item`s: each remembers the original `Arg` (so comments and formatting
survive), the name it is bound to, and whether the user wrote it positionally.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import libcst as cst

from kerasfix.migrate import kinds

_TIGHT = cst.AssignEqual(
    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
)


@dataclass(frozen=True)
class Item:
    name: str | None  # bound parameter name; None for a `*args` / `**kwargs` item
    arg: cst.Arg
    positional: bool  # written positionally in the source
    new: bool = False  # `name` is already a Keras 3 parameter name
    index: int = -1  # position in the original call, for locations; -1 if made up

    @property
    def starred(self) -> bool:
        return self.arg.star != ""

    def renamed(self, name: str, new: bool = True) -> "Item":
        return replace(self, name=name, new=new)


def items_of(call: cst.Call) -> list[Item]:
    """Keyword args get their name; positionals stay unbound until a reading binds them."""
    out = []
    for i, arg in enumerate(call.args):
        name = arg.keyword.value if arg.keyword is not None else None
        out.append(Item(name=name, arg=arg, positional=arg.keyword is None and not arg.star,
                        index=i))
    return out


def value_of(module: cst.Module, node: cst.BaseExpression) -> object:
    """The literal value of a CST expression (kinds.literal semantics), read off the nodes
    themselves: rendering code to re-parse it would cost more than the whole rule."""
    if isinstance(node, (cst.Integer, cst.Float, cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return kinds.literal(None) if value is None else value
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = value_of(module, node.expression)
        return -inner if isinstance(inner, (int, float)) and not isinstance(inner, bool) else inner
    if isinstance(node, (cst.Tuple, cst.List)):
        items = [value_of(module, e.value) if isinstance(e, cst.Element) else kinds.literal(None)
                 for e in node.elements]
        return tuple(items) if isinstance(node, cst.Tuple) else items
    if isinstance(node, cst.Dict):
        return {}
    return kinds.literal(None)


def tuple_of(values: list[cst.BaseExpression]) -> cst.Tuple:
    """`(a, b)`, or `(a,)` for one value."""
    tight = cst.Comma(whitespace_after=cst.SimpleWhitespace(""))
    elements = [cst.Element(v) for v in values]
    if len(elements) == 1:
        elements = [elements[0].with_changes(comma=tight)]
    return cst.Tuple(elements)


def code_of(module: cst.Module, node: cst.CSTNode) -> str:
    return module.code_for_node(node)


def with_value(item: Item, value: cst.BaseExpression) -> Item:
    return replace(item, arg=item.arg.with_changes(value=value))


def replace_literal(node: cst.BaseExpression, new: object) -> cst.BaseExpression:
    """A literal node for `new`, keeping the quote style of a string being replaced."""
    if isinstance(new, bool) or new is None:
        return cst.Name(repr(new))
    if isinstance(new, (int, float)):
        return cst.Integer(str(new)) if isinstance(new, int) else cst.Float(repr(new))
    quote = "'"
    if isinstance(node, cst.SimpleString):
        prefix_len = len(node.prefix)
        quote = node.value[prefix_len]
    return cst.SimpleString(quote + str(new) + quote)


def render(items: list[Item], original: cst.Call) -> list[cst.Arg]:
    """Items back to Args: positionals first, keywords in source order, commas preserved."""
    ordered = [i for i in items if i.positional] + [i for i in items if not i.positional]
    args = []
    for item in ordered:
        arg = item.arg
        if item.positional and arg.keyword is not None:
            arg = arg.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)
        elif not item.positional and not item.starred:
            if arg.keyword is None:
                arg = arg.with_changes(keyword=cst.Name(item.name), equal=_TIGHT)
            elif arg.keyword.value != item.name:
                arg = arg.with_changes(keyword=cst.Name(item.name))
        args.append(arg)
    return _recomma(args, original.args)


def _recomma(args: list[cst.Arg], original: tuple[cst.Arg, ...]) -> list[cst.Arg]:
    """Each arg keeps its own comma (and the line break after it); the last one takes the
    original call's last comma, so a trailing comma or its absence survives."""
    if not args:
        return args
    last = original[-1].comma if original else cst.MaybeSentinel.DEFAULT
    return args[:-1] + [args[-1].with_changes(comma=last)]


def new_keyword(name: str, value: cst.BaseExpression) -> Item:
    arg = cst.Arg(value=value, keyword=cst.Name(name), equal=_TIGHT)
    return Item(name=name, arg=arg, positional=False, new=True)
