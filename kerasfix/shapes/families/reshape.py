"""Rearranging layers: Flatten, Reshape, Permute, RepeatVector.

Keras 3 sources: layers/reshaping/{flatten,reshape,permute,repeat_vector}.py and
ops/operation_utils.py `compute_reshape_output_shape`.
"""

from __future__ import annotations

from kerasfix.shapes import dims, errors
from kerasfix.shapes.dims import UNKNOWN, UNKNOWN_RANK
from kerasfix.shapes.errors import ShapeError
from kerasfix.shapes.families import _common as c
from kerasfix.shapes.spec import LayerSpec

_RESHAPE_RUNTIME = "The total size of the tensor must be unchanged"


def _product(values):
    """Product of dims: None if any is None (Keras' rule), else UNKNOWN if any is unknown."""
    if any(v is None for v in values):
        return None
    if c.unknown(*values):
        return UNKNOWN
    out = 1
    for v in values:
        out *= v
    return out


def flatten(shape, *, kind="Flatten"):
    if shape is UNKNOWN_RANK:
        return (UNKNOWN, UNKNOWN)
    c.check_rank(kind, shape, 1, exact=False)
    return (shape[0], _product(shape[1:]))  # a rank-1 input flattens to (batch, 1)


def _target(value, kind: str):
    """Check target_shape as Keras' __init__ does: ints >= -1, at most one -1. Entries that
    are not ints are None for Keras (dynamic); UNKNOWN ones stay UNKNOWN."""
    if not isinstance(value, (tuple, list)):
        return UNKNOWN
    target = tuple(v if c.is_int(v) or v is UNKNOWN else None for v in value)
    if any(c.is_int(v) and v < -1 for v in target) or target.count(-1) > 1:
        raise c.argument(kind, f"target_shape={tuple(value)!r} must hold sizes >= 0 and at most "
                               "one -1", "Each dimension in `target_shape` must be a non-negative "
                         "integer, or `-1` for a single unknown dimension")
    return target


def reshape(shape, *, kind="Reshape", target_shape):
    target = _target(target_shape, kind)
    if target is UNKNOWN:
        return UNKNOWN_RANK
    if shape is UNKNOWN_RANK:
        return (UNKNOWN,) + tuple(UNKNOWN if t == -1 else t for t in target)
    head, body = shape[0], shape[1:]
    # A declared None anywhere (input or target) and Keras checks nothing: -1 becomes None.
    if None in body or None in target:
        return (head,) + tuple(None if t == -1 else t for t in target)
    if c.unknown(*body, *target):
        return (head,) + tuple(UNKNOWN if t == -1 else t for t in target)
    size = _product(body)
    if -1 not in target:
        if _product(target) != size:
            raise _mismatch(kind, shape, target, f"{_product(target)} elements, the input has "
                                                 f"{size}")
        return (head,) + target
    known = _product([t for t in target if t != -1])
    if known == 0 or size % known:
        raise _mismatch(kind, shape, target, f"the input's {size} elements cannot be split into "
                                             f"blocks of {known}")
    return (head,) + tuple(size // known if t == -1 else t for t in target)


def _mismatch(kind, shape, target, detail) -> ShapeError:
    return ShapeError(errors.RESHAPE,
                      f"{kind} to {target} does not fit {dims.show_shape(shape)}: {detail}",
                      _RESHAPE_RUNTIME)


def permute(shape, *, kind="Permute", dims_arg):
    if not isinstance(dims_arg, (tuple, list)) or not all(c.is_int(d) for d in dims_arg):
        return UNKNOWN_RANK
    order = tuple(dims_arg)
    if sorted(order) != list(range(1, len(order) + 1)):
        raise c.argument(kind, f"dims={order} is not a permutation of 1..{len(order)}",
                         "Invalid permutation argument `dims` for Permute Layer")
    if shape is UNKNOWN_RANK:
        return (UNKNOWN,) * (len(order) + 1)
    c.check_rank(kind, shape, len(order) + 1)
    return (shape[0],) + tuple(shape[d] for d in order)


def repeat_vector(shape, *, kind="RepeatVector", n):
    if shape is UNKNOWN_RANK:
        return (UNKNOWN, n, UNKNOWN)
    c.check_rank(kind, shape, 2)
    return (shape[0], n, shape[1])


def _flatten(layer: LayerSpec, inputs: list, fmt):
    return flatten(inputs[0], kind=layer.name)


def _reshape(layer: LayerSpec, inputs: list, fmt):
    return reshape(inputs[0], kind=layer.name,
                   target_shape=layer.kwargs.get("target_shape", UNKNOWN))


def _permute(layer: LayerSpec, inputs: list, fmt):
    return permute(inputs[0], kind=layer.name, dims_arg=layer.kwargs.get("dims", UNKNOWN))


def _repeat_vector(layer: LayerSpec, inputs: list, fmt):
    n = c.positive(layer.kwargs.get("n", UNKNOWN), "n", layer.name,
                   "Argument `n` should be a positive integer")
    return repeat_vector(inputs[0], kind=layer.name, n=n)


TABLE = {
    "Flatten": _flatten,
    "Reshape": _reshape,
    "Permute": _permute,
    "RepeatVector": _repeat_vector,
}
