"""Merge layers: Concatenate, Add/Subtract/Multiply/Average/Maximum/Minimum, Dot.

Keras 3 sources: layers/merging/{concatenate,base_merge,dot}.py. Each layer receives the
list of input shapes. Their checks differ, and we follow each one exactly:
- Concatenate compares every non-axis dim over all inputs at once (None matches anything)
  and takes the non-axis dims of the *first* input; it indexes with the raw `axis`, so a
  positive axis equal to a shorter input's rank is not removed from it (see _concat_check);
- the elementwise layers broadcast (a dim of 1 stretches; ranks align on the right) folding
  left to right, and a None *anywhere* in a position makes it None and stops the check there:
  (4,) + (None,) + (3,) builds in Keras 3;
- Dot compares the two contracted dims strictly: None against 3 is already an error.
"""

from __future__ import annotations

from kerasfix.shapes import dims, errors
from kerasfix.shapes.dims import UNKNOWN, UNKNOWN_RANK
from kerasfix.shapes.errors import ShapeError
from kerasfix.shapes.families import _common as c
from kerasfix.shapes.spec import LayerSpec

ELEMENTWISE = ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")
_CONCAT_RUNTIME = ("A `Concatenate` layer requires inputs with matching shapes except for the "
                   "concatenation axis")


def _shown(shapes) -> str:
    return ", ".join(dims.show_shape(s) for s in shapes)


def _axis_error(kind, axis, shape) -> ShapeError:
    return c.argument(kind, f"axis={axis} is out of range for {dims.show_shape(shape)}",
                      "list index out of range")


def _concat_check(kind, shapes, axis, data_format):
    """Keras' `Concatenate.build`: drop `axis` (the raw index, and only from shapes longer
    than a positive axis) and compare what is left across all inputs; None matches all."""
    reduced = []
    for s in shapes:
        if len(s) > axis:
            if axis < -len(s):
                raise _axis_error(kind, axis, s)
            s = s[:axis % len(s)] + s[axis % len(s) + 1:]
        reduced.append(s)
    if len({len(r) for r in reduced}) > 1:
        raise ShapeError(errors.MERGE, f"{kind} inputs have different ranks: {_shown(shapes)}",
                         _CONCAT_RUNTIME)
    first = shapes[0]
    names = c.axis_names(len(first), data_format)
    dropped = axis % len(first) if len(first) > axis else None
    kept = [i for i in range(len(first)) if i != dropped]  # reduced position -> first's axis
    joined = f"{names[dropped]} (axis={axis})" if dropped is not None else f"axis={axis}"
    for p in range(len(reduced[0])):
        sizes = list(dict.fromkeys(r[p] for r in reduced if c.is_int(r[p])))  # input order
        if len(sizes) > 1:
            raise ShapeError(
                errors.MERGE,
                f"{kind} inputs disagree on {names[kept[p]]}: {' vs '.join(map(str, sizes))} "
                f"(only {joined} may differ): {_shown(shapes)}", _CONCAT_RUNTIME)


def concatenate(shapes, *, kind="Concatenate", axis=-1, data_format=c.CHANNELS_LAST):
    """Keras 3's Concatenate, quirks included: the output is the first input's shape with
    the axis summed, stopping at the first None (so a shorter later input is never read)."""
    if not shapes or not c.is_int(axis):
        return UNKNOWN_RANK
    known = [s for s in shapes if s is not UNKNOWN_RANK]
    if known:
        _concat_check(kind, known, axis, data_format)
    if len(known) < len(shapes):
        return UNKNOWN_RANK
    first = shapes[0]
    if not -len(first) <= axis < len(first):
        raise _axis_error(kind, axis, first)
    total = first[axis]
    for s in shapes[1:]:
        if total is None or c.unknown(total):
            break  # None stops Keras' loop; UNKNOWN might be None, so we cannot go on either
        if not -len(s) <= axis < len(s):
            raise _axis_error(kind, axis, s)
        total = None if s[axis] is None else UNKNOWN if c.unknown(s[axis]) else total + s[axis]
    out = list(first)
    out[axis] = total
    return tuple(out)


def _broadcast(kind, a: tuple, b: tuple, names):
    """Keras' `_compute_elemwise_op_output_shape` on shapes without the batch axis; `names`
    name the axes of the full-rank result (ranks align on the right)."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return a
    lead = len(a) - len(b)
    out = list(a[:lead])
    for p, (i, j) in enumerate(zip(a[lead:], b)):
        if i is None or j is None:
            out.append(None)
        elif c.unknown(i, j):
            out.append(UNKNOWN)
        elif i == 1 or j == 1:
            out.append(j if i == 1 else i)
        elif i != j:
            raise ShapeError(
                errors.MERGE,
                f"{kind} inputs disagree on {names[len(names) - len(a) + lead + p]}: {i} vs {j} "
                "(elementwise merges need equal sizes, or 1 to broadcast)",
                "Inputs have incompatible shapes")
        else:
            out.append(i)
    return tuple(out)


def _batch(kind, shapes):
    batches = [s[0] for s in shapes]
    sizes = {b for b in batches if c.is_int(b)}
    if len(sizes) > 1:
        raise ShapeError(errors.MERGE, f"{kind} inputs have different batch sizes: "
                         f"{_shown(shapes)}", "Cannot merge tensors with different batch sizes")
    if c.unknown(*batches):
        return UNKNOWN
    return sizes.pop() if sizes else None


def elementwise(shapes, *, kind="Add", data_format=c.CHANNELS_LAST):
    if not shapes or shapes[0] is UNKNOWN_RANK:
        out = UNKNOWN_RANK
    else:
        names = c.axis_names(max(len(s) for s in shapes if s is not UNKNOWN_RANK), data_format)
        out = shapes[0][1:]
        for s in shapes[1:]:
            if s is UNKNOWN_RANK:  # it may hold a None that silences every later check
                out = UNKNOWN_RANK
                break
            out = _broadcast(kind, out, s[1:], names)
    # Subtract counts its inputs after the generic merge checks (Keras' build order).
    if kind == "Subtract" and len(shapes) != 2:
        raise c.argument(kind, f"takes exactly 2 inputs, got {len(shapes)}",
                         "A `Subtract` layer should be called on exactly 2 inputs")
    return out if out is UNKNOWN_RANK else (_batch(kind, shapes),) + out


def _dot_axes(axes, shape1, shape2):
    if c.is_int(axes):
        return [axes % len(shape1), axes % len(shape2)] if axes < 0 else [axes, axes]
    if isinstance(axes, (tuple, list)) and len(axes) == 2 and all(c.is_int(a) for a in axes):
        return list(axes)
    return None


def dot(shapes, *, kind="Dot", axes=-1, data_format=c.CHANNELS_LAST):
    if len(shapes) != 2:
        raise c.argument(kind, f"takes exactly 2 inputs, got {len(shapes)}",
                         "A `Dot` layer should be called on a list of 2 inputs")
    shape1, shape2 = shapes
    if UNKNOWN_RANK in (shape1, shape2):
        return UNKNOWN_RANK
    pair = _dot_axes(axes, shape1, shape2)
    if pair is None:
        return UNKNOWN_RANK
    for a, s in zip(pair, (shape1, shape2)):
        if not -len(s) <= a < len(s):
            raise c.argument(kind, f"axes={axes} is out of range for {dims.show_shape(s)}",
                             "tuple index out of range")
    d1, d2 = shape1[pair[0]], shape2[pair[1]]
    if not c.unknown(d1, d2) and d1 != d2:
        names1 = c.axis_names(len(shape1), data_format)
        raise ShapeError(errors.MERGE,
                         f"{kind} contracts {names1[pair[0]]} {dims.show_dim(d1)} against "
                         f"{dims.show_dim(d2)}: {_shown(shapes)}",
                         "Incompatible input shapes: axis values ... != ...")
    left, right = list(shape1), list(shape2)
    left.pop(pair[0])
    right.pop(pair[1])
    right.pop(0)
    out = left + right
    return tuple(out + [1] if len(out) == 1 else out)


def _concatenate(layer: LayerSpec, inputs: list, fmt):
    return concatenate(inputs, kind=layer.name, axis=layer.kwargs.get("axis", -1),
                       data_format=fmt)


def _elementwise(layer: LayerSpec, inputs: list, fmt):
    kind = ALIASES.get(layer.name, layer.name)
    return elementwise(inputs, kind=kind, data_format=fmt)


def _dot(layer: LayerSpec, inputs: list, fmt):
    default = -1 if layer.name == "dot" else UNKNOWN  # keras.layers.dot(inputs, axes=-1)
    return dot(inputs, kind=layer.name, axes=layer.kwargs.get("axes", default), data_format=fmt)


TABLE = {
    "Concatenate": _concatenate,
    "Dot": _dot,
    **{name: _elementwise for name in ELEMENTWISE},
}

# The functional helpers keras.layers.add(...) etc. build these very layers.
ALIASES = {name.lower(): name for name in (*ELEMENTWISE, "Concatenate", "Dot")}
