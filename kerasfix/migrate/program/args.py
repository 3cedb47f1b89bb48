"""Argument edits on one call that keep the user's formatting (comments, line breaks,
trailing commas): the building blocks of program-rule handlers."""

from __future__ import annotations

import libcst as cst

TIGHT = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                         whitespace_after=cst.SimpleWhitespace(""))


def keyword(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def has_keyword(call: cst.Call, *names: str) -> bool:
    return any(keyword(call, n) is not None for n in names)


def positionals(call: cst.Call) -> list[cst.Arg]:
    """The plain positional arguments (before any `*args`, which hides what follows)."""
    out = []
    for arg in call.args:
        if arg.star or arg.keyword is not None:
            break
        out.append(arg)
    return out


def has_star(call: cst.Call) -> bool:
    return any(arg.star for arg in call.args)


def index_of(call: cst.Call, arg: cst.Arg) -> int:
    return next(i for i, a in enumerate(call.args) if a is arg)


def with_args(call: cst.Call, args: list[cst.Arg]) -> cst.Call:
    """`call` with `args`: the last one takes the original last comma (trailing or none),
    the others a separator in the call's own style (`, ` or `,` + line break)."""
    original = call.args
    trailing = original[-1].comma if original else cst.MaybeSentinel.DEFAULT
    sep = next((a.comma for a in original[:-1] if a.comma is not cst.MaybeSentinel.DEFAULT),
               cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    out = []
    for i, arg in enumerate(args):
        if i == len(args) - 1:
            arg = arg.with_changes(comma=_last_comma(arg.comma, trailing))
        elif arg.comma is cst.MaybeSentinel.DEFAULT or arg.comma is trailing:
            arg = arg.with_changes(comma=sep)
        out.append(arg)
    return call.with_changes(args=out)


def _last_comma(own, trailing):
    """The comma of an argument that becomes the last one: the call's closing comma, but its
    own comment stays with it (not the comment of a dropped argument that was last)."""
    note = own.whitespace_after.first_line if isinstance(own, cst.Comma) and isinstance(
        own.whitespace_after, cst.ParenthesizedWhitespace) else None
    if note is None or own is trailing or note.comment is None and \
            not isinstance(trailing, cst.Comma):
        return trailing
    if isinstance(trailing, cst.Comma) and \
            isinstance(trailing.whitespace_after, cst.ParenthesizedWhitespace):
        return trailing.with_changes(whitespace_after=trailing.whitespace_after.with_changes(
            first_line=note))
    return own if note.comment is not None else trailing  # `x,  # note` then `)`: kept


def rename_keywords(call: cst.Call, mapping: dict[str, str]) -> tuple[cst.Call, list[str]]:
    """Rename keyword arguments; returns the call and `old` -> `new` notes."""
    notes, args = [], []
    for arg in call.args:
        old = arg.keyword.value if arg.keyword is not None else None
        if old in mapping:
            arg = arg.with_changes(keyword=cst.Name(mapping[old]))
            notes.append(f"`{old}` -> `{mapping[old]}`")
        args.append(arg)
    return call.with_changes(args=args), notes


def drop_keywords(call: cst.Call, names) -> tuple[cst.Call, list[str]]:
    """Remove keyword arguments; returns the call and the names dropped."""
    keep = [a for a in call.args if a.keyword is None or a.keyword.value not in names]
    dropped = [a.keyword.value for a in call.args if a not in keep]
    if not dropped:
        return call, []
    return with_args(call, keep), dropped


def add_keyword(call: cst.Call, name: str, value: str | cst.BaseExpression) -> cst.Call:
    """Append `name=value` (value as source code or a node)."""
    node = cst.parse_expression(value) if isinstance(value, str) else value
    new = cst.Arg(value=node, keyword=cst.Name(name), equal=TIGHT)
    return append_args(call, [new])


def append_args(call: cst.Call, new: list[cst.Arg]) -> cst.Call:
    """`call` with `new` appended. In a call whose last argument ends its line (`x,  # note`
    then `)` on the next line), each new argument goes on a line of its own, indented like
    the others, and the old last argument keeps its comment."""
    last = call.args[-1] if call.args else None
    line = _arg_line(call)
    comma = last.comma if last is not None and isinstance(last.comma, cst.Comma) else None
    end = comma.whitespace_after if comma else getattr(last, "whitespace_after_arg", None)
    if not new or line is None or not isinstance(end, cst.ParenthesizedWhitespace):
        return with_args(call, list(call.args) + new)
    bare = cst.TrailingWhitespace()
    brk = end.with_changes(indent=line.indent, last_line=line.last_line)  # keeps the comment
    if comma:
        old = last.with_changes(comma=comma.with_changes(whitespace_after=brk))
    else:
        old = last.with_changes(comma=cst.Comma(whitespace_after=brk),
                                whitespace_after_arg=cst.SimpleWhitespace(""))
    sep = cst.Comma(whitespace_after=line.with_changes(first_line=bare, empty_lines=[]))
    closing = end.with_changes(first_line=bare, empty_lines=[])
    final = new[-1].with_changes(comma=comma.with_changes(whitespace_after=closing)) if comma \
        else new[-1].with_changes(whitespace_after_arg=closing)
    return call.with_changes(args=[*call.args[:-1], old, *(a.with_changes(comma=sep)
                                                          for a in new[:-1]), final])


def _arg_line(call: cst.Call) -> cst.ParenthesizedWhitespace | None:
    """The line break before an argument that starts a line of the call, if any does."""
    for arg in reversed(call.args[:-1]):
        if isinstance(arg.comma, cst.Comma) and \
                isinstance(arg.comma.whitespace_after, cst.ParenthesizedWhitespace):
            return arg.comma.whitespace_after
    ws = call.whitespace_before_args
    return ws if isinstance(ws, cst.ParenthesizedWhitespace) else None


def set_keyword(call: cst.Call, name: str, value: str | cst.BaseExpression) -> cst.Call:
    """Replace the value of keyword `name`, or append it."""
    node = cst.parse_expression(value) if isinstance(value, str) else value
    if keyword(call, name) is None:
        return add_keyword(call, name, node)
    args = [a.with_changes(value=node) if a.keyword is not None and a.keyword.value == name
            else a for a in call.args]
    return call.with_changes(args=args)


def positional_to_keywords(call: cst.Call, names: list[str]) -> cst.Call:
    """Give the first positional arguments the keywords `names` (None keeps one positional).
    Stops at `*args`."""
    args = []
    for i, arg in enumerate(call.args):
        if arg.star or arg.keyword is not None or i >= len(names) or names[i] is None:
            args.append(arg)
            continue
        args.append(arg.with_changes(keyword=cst.Name(names[i]), equal=TIGHT))
    # A positional after a keyword is a syntax error: keep the positional prefix together.
    first_kw = next((i for i, a in enumerate(args) if a.keyword is not None or a.star), None)
    if first_kw is not None and any(a.keyword is None and not a.star
                                    for a in args[first_kw:]):
        return call  # a name was None after a keyword: leave the call as it was
    return call.with_changes(args=args)


def set_func(call: cst.Call, name: str) -> cst.Call:
    """Rename the callee's last part: `model.fit_generator` -> `model.fit`, `merge` -> `add`."""
    func = call.func
    if isinstance(func, cst.Attribute):
        return call.with_changes(func=func.with_changes(attr=cst.Name(name)))
    return call.with_changes(func=cst.parse_expression(name))
