"""Constant propagation for plain Python expressions: the numbers model scripts compute
(`img_rows, img_cols = 28, 28`, `nb_filters * 2`, `x.shape[1:]`). Anything else is UNKNOWN,
and UNKNOWN is contagious."""

from __future__ import annotations

import ast
import operator

from kerasfix.shapes.dims import UNKNOWN
from kerasfix.shapes.values import Array

_BINOPS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv, ast.Div: operator.truediv, ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_COMPARE = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b, ast.Is: operator.is_, ast.IsNot: operator.is_not,
}
_PLAIN = (int, float, str, bool, type(None), tuple, list, dict)
MAX_SEQUENCE = 10_000  # never build huge constants (`[0] * 10**9`)


def plain(value) -> bool:
    """A Python constant with no UNKNOWN inside."""
    if isinstance(value, (tuple, list)):
        return all(plain(v) for v in value)
    if isinstance(value, dict):
        return all(plain(k) and plain(v) for k, v in value.items())
    return isinstance(value, _PLAIN)


def binop(op: ast.operator, left, right):
    fn = _BINOPS.get(type(op))
    if fn is None or not (plain(left) and plain(right)):
        return UNKNOWN
    if isinstance(op, ast.Pow) and isinstance(right, int) and abs(right) > 64:
        return UNKNOWN
    try:
        result = fn(left, right)
    except (ArithmeticError, TypeError, ValueError):
        return UNKNOWN
    if isinstance(result, (tuple, list, str)) and len(result) > MAX_SEQUENCE:
        return UNKNOWN
    return result


def unary(op: ast.unaryop, value):
    if not plain(value):
        return UNKNOWN
    try:
        return {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_,
                ast.Invert: operator.invert}[type(op)](value)
    except (TypeError, KeyError):
        return UNKNOWN


def compare(ops: list, values: list):
    if not all(plain(v) for v in values):
        return UNKNOWN
    try:
        return all(_COMPARE[type(op)](a, b) for op, a, b in zip(ops, values, values[1:]))
    except (TypeError, KeyError):
        return UNKNOWN


def subscript(value, index):
    if isinstance(value, Array) and index == "shape":
        return value.shape
    if not isinstance(value, (tuple, list, str, dict)):
        return UNKNOWN
    if not (plain(index) or isinstance(index, slice)) or isinstance(index, (list, dict)):
        return UNKNOWN
    try:
        return value[index]
    except (IndexError, KeyError, TypeError):
        return UNKNOWN


def truth(value):
    """True / False, or UNKNOWN when the condition cannot be decided."""
    if value is UNKNOWN or not plain(value):
        return UNKNOWN
    return bool(value)


def _range(*args):
    if not all(isinstance(a, int) for a in args):
        return UNKNOWN
    r = range(*args)
    return list(r) if len(r) <= MAX_SEQUENCE else UNKNOWN


def _known_seq(fn):
    def wrapped(*args):
        if not all(isinstance(a, (tuple, list)) and plain(a) for a in args):
            return UNKNOWN
        return fn(*args)
    return wrapped


BUILTINS = {
    "len": lambda v: v.shape[0] if isinstance(v, Array) and v.shape else (
        len(v) if isinstance(v, (tuple, list, str, dict)) else UNKNOWN),
    "range": _range,
    "enumerate": _known_seq(lambda s, *a: [(i, v) for i, v in enumerate(s)]),
    "zip": _known_seq(lambda *s: [tuple(t) for t in zip(*s)]),
    "reversed": _known_seq(lambda s: list(reversed(s))),
    "tuple": _known_seq(tuple),
    "list": _known_seq(list),
    "sum": _known_seq(sum),
    "min": lambda *a: min(*a) if plain(a) else UNKNOWN,
    "max": lambda *a: max(*a) if plain(a) else UNKNOWN,
    "abs": lambda v: abs(v) if isinstance(v, (int, float)) else UNKNOWN,
    "int": lambda v=0: int(v) if isinstance(v, (int, float)) else UNKNOWN,
    "float": lambda v=0.0: float(v) if isinstance(v, (int, float)) else UNKNOWN,
    "print": lambda *a, **k: None,
}
