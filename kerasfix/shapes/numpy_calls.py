"""NumPy, as far as shapes go: arrays made with a literal shape, reshaped, expanded,
transposed, sliced by `.shape[1:]`. Anything loaded from data is UNKNOWN."""

from __future__ import annotations

import math

from kerasfix.shapes.dims import UNKNOWN
from kerasfix.shapes.evaluator import plain
from kerasfix.shapes.values import Array


def _shape(value) -> tuple | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    if isinstance(value, (tuple, list)) and plain(value) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value):
        return tuple(value)
    return None


def _made(shape) -> object:
    found = _shape(shape)
    return Array(found) if found is not None else UNKNOWN


def _reshape(array, target) -> object:
    """`a.reshape(...)` with at most one -1, resolved from the element count."""
    target = _shape(target)
    if not isinstance(array, Array) or target is None:
        return UNKNOWN
    total = math.prod(array.shape)
    if target.count(-1) > 1:
        return UNKNOWN
    if -1 in target:
        rest = math.prod(d for d in target if d != -1)
        if rest == 0 or total % rest:
            return UNKNOWN
        target = tuple(total // rest if d == -1 else d for d in target)
    return Array(target) if math.prod(target) == total else UNKNOWN


def _expand_dims(array, axis) -> object:
    if not isinstance(array, Array) or not isinstance(axis, int):
        return UNKNOWN
    dims = list(array.shape)
    position = axis if axis >= 0 else len(dims) + axis + 1
    if not 0 <= position <= len(dims):
        return UNKNOWN
    dims.insert(position, 1)
    return Array(tuple(dims))


def _size(args, kwargs):
    return kwargs.get("size", args[-1] if args else None)


NUMPY = {
    "zeros": lambda a, k: _made(a[0] if a else k.get("shape")),
    "ones": lambda a, k: _made(a[0] if a else k.get("shape")),
    "empty": lambda a, k: _made(a[0] if a else k.get("shape")),
    "full": lambda a, k: _made(a[0] if a else k.get("shape")),
    "random.rand": lambda a, k: _made(tuple(a)),
    "random.randn": lambda a, k: _made(tuple(a)),
    "random.random": lambda a, k: _made(_size(a, k)),
    "random.random_sample": lambda a, k: _made(_size(a, k)),
    "random.uniform": lambda a, k: _made(k.get("size", a[2] if len(a) > 2 else None)),
    "random.normal": lambda a, k: _made(k.get("size", a[2] if len(a) > 2 else None)),
    "random.randint": lambda a, k: _made(k.get("size", a[2] if len(a) > 2 else None)),
    "arange": lambda a, k: _made(a[0]) if len(a) == 1 else UNKNOWN,
    "reshape": lambda a, k: _reshape(a[0], a[1]) if len(a) > 1 else UNKNOWN,
    "expand_dims": lambda a, k: _expand_dims(a[0], a[1] if len(a) > 1 else k.get("axis")),
    "asarray": lambda a, k: a[0] if a and isinstance(a[0], Array) else UNKNOWN,
    "transpose": lambda a, k: Array(a[0].shape[::-1]) if a and isinstance(a[0], Array)
    and len(a) == 1 else UNKNOWN,
}


def array_method(array: Array, name: str, args: list, kwargs: dict):
    if name == "reshape":
        return _reshape(array, args[0] if len(args) == 1 else tuple(args))
    if name in ("astype", "copy"):
        return array
    if name == "transpose" and not args:
        return Array(array.shape[::-1])
    if name in ("flatten", "ravel"):
        return Array((math.prod(array.shape),))
    return UNKNOWN


def array_attribute(array: Array, name: str):
    if name == "shape":
        return array.shape
    if name == "ndim":
        return len(array.shape)
    if name == "size":
        return math.prod(array.shape)
    if name == "T":
        return Array(array.shape[::-1])
    return UNKNOWN
