"""Value conversions a value map cannot express, named from rules/*.toml (`convert = {...}`).

Each converter takes the argument's CST value and returns the Keras 2+ form, the same node
when nothing needs converting, or None when the value has a form it cannot read.
"""

from __future__ import annotations

import ast

import libcst as cst

_PAD2D_KEYS = ("top_pad", "bottom_pad", "left_pad", "right_pad")
_PAD1D_KEYS = ("left_pad", "right_pad")


def _segments(code: str, tree: ast.expr, keys: tuple[str, ...]) -> list[str] | None:
    if isinstance(tree, ast.Dict):
        found = {}
        for key, value in zip(tree.keys, tree.values):
            if not (isinstance(key, ast.Constant) and key.value in keys):
                return None
            found[key.value] = ast.get_source_segment(code, value)
        return [found.get(k, "0") for k in keys]
    if isinstance(tree, (ast.Tuple, ast.List)) and len(tree.elts) == len(keys) == 4:
        return [ast.get_source_segment(code, e) for e in tree.elts]
    return []


def _convert(module, node, keys, template):
    code = "(" + module.code_for_node(node) + "\n)"
    try:
        tree = ast.parse(code, mode="eval").body
    except SyntaxError:
        return None
    parts = _segments(code, tree, keys)
    if parts is None:
        return None
    if not parts:
        return node
    return cst.parse_expression(template.format(*parts))


def zeropadding2d(module: cst.Module, node: cst.BaseExpression):
    """(t, b, l, r) or {'top_pad': t, ...} -> ((t, b), (l, r)) (K1P09)."""
    return _convert(module, node, _PAD2D_KEYS, "(({0}, {1}), ({2}, {3}))")


def zeropadding1d(module: cst.Module, node: cst.BaseExpression):
    """{'left_pad': l, 'right_pad': r} -> (l, r) (K1P10)."""
    return _convert(module, node, _PAD1D_KEYS, "({0}, {1})")


CONVERTERS = {"zeropadding2d": zeropadding2d, "zeropadding1d": zeropadding1d}


def _value_form(keys: tuple[str, ...], pairs: int):
    """The same conversions on evaluated values (for the shape checker)."""
    def convert(value):
        if isinstance(value, dict) and set(value) <= set(keys):
            parts = [value.get(k, 0) for k in keys]
        elif isinstance(value, (tuple, list)) and len(value) == 4 == len(keys):
            parts = list(value)
        else:
            return value
        return tuple(tuple(parts[2 * i: 2 * i + 2]) for i in range(pairs)) if pairs > 1 \
            else tuple(parts)
    return convert


VALUE_CONVERTERS = {"zeropadding2d": _value_form(_PAD2D_KEYS, 2),
                    "zeropadding1d": _value_form(_PAD1D_KEYS, 1)}
