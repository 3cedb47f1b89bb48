"""Explicit spatial resizing: ZeroPadding1D/2D/3D, Cropping1D/2D/3D, UpSampling1D/2D/3D.

Keras 3 sources: layers/reshaping/{zero_padding,cropping,up_sampling}{1,2,3}d.py.
Cropping1D and UpSampling1D take no data_format: their steps axis is always axis 1.
"""

from __future__ import annotations

from functools import partial

from kerasfix.shapes import errors
from kerasfix.shapes.dims import UNKNOWN
from kerasfix.shapes.errors import ShapeError
from kerasfix.shapes.families import _common as c
from kerasfix.shapes.spec import LayerSpec

_CROP_RUNTIME_1D = ("`cropping` parameter of `Cropping1D` layer must be smaller than the input "
                    "length")
_CROP_RUNTIME = ("Values in `cropping` argument should be smaller than the corresponding spatial "
                 "dimension of the input")


def pairs(value, rank: int, name: str, kind: str, int_minimum=None) -> tuple:
    """(before, after) per spatial axis from the int / pair / pair-of-pairs forms.

    1D: an int or a pair. 2D/3D: an int (symmetric everywhere), or `rank` entries each an
    int (symmetric on that axis) or a pair. Keras checks a bare int only for Cropping2D/3D
    (>= 0); ZeroPadding2D(-1) is accepted and shrinks the input.
    """
    if rank == 1:
        return (c.ntuple(value, 2, name, kind, minimum=0),)
    if value is UNKNOWN or c.is_int(value):
        if c.is_int(value) and int_minimum is not None and value < int_minimum:
            raise c.argument(kind, f"`{name}` cannot be negative, got {value}",
                             f"`{name}` cannot be negative")
        return ((value, value),) * rank
    if not isinstance(value, (tuple, list)):
        return ((UNKNOWN, UNKNOWN),) * rank
    if len(value) != rank:
        raise c.argument(kind, f"`{name}` should have {rank} elements, got {value!r}",
                         f"`{name}` should have {rank} elements")
    return tuple(c.ntuple(v, 2, f"entry {i + 1} of {name}", kind, minimum=0)
                 for i, v in enumerate(value))


def _pad_dim(kind: str, axis: str, n, before, after):
    if n is None:
        return None
    if c.unknown(n, before, after):
        return UNKNOWN
    out = n + before + after
    if out < 0:  # Keras 3 accepts 0 here but no KerasTensor can have a negative size
        raise c.size_error(kind, axis, f"{n} + ({before}) + ({after})", out, "",
                           "Negative dimensions are not allowed")
    return out


def _crop_dim(kind: str, axis: str, n, before, after, runtime: str):
    if n is None:
        return None
    if c.unknown(n, before, after):
        return UNKNOWN
    out = n - before - after
    if out <= 0:  # cropping to exactly 0 is already an error in Keras 3
        raise ShapeError(errors.CROPPING,
                         f"{kind} crops {axis} to {out}: {n} - {before} - {after} = {out}",
                         runtime)
    return out


def _per_axis(shape, kind, rank, data_format, fn):
    """Apply fn(name, n, i) on each spatial axis; channels and batch unchanged."""
    c.check_rank(kind, shape, rank + 2)
    if data_format is UNKNOWN:
        return c.unknown_after_batch(shape)
    axes, _ = c.layout(rank, data_format)
    out = list(shape)
    for i, (axis, name) in enumerate(zip(axes, c.spatial_names(rank))):
        out[axis] = fn(name, shape[axis], i)
    return tuple(out)


def zero_padding(shape, *, kind, rank, padding, data_format):
    return _per_axis(shape, kind, rank, data_format,
                     lambda name, n, i: _pad_dim(kind, name, n, *padding[i]))


def cropping(shape, *, kind, rank, cropping, data_format):
    runtime = _CROP_RUNTIME_1D if rank == 1 else _CROP_RUNTIME
    return _per_axis(shape, kind, rank, data_format,
                     lambda name, n, i: _crop_dim(kind, name, n, *cropping[i], runtime))


def upsampling(shape, *, kind, rank, size, data_format):
    def grow(name, n, i):
        if n is None:
            return None
        return UNKNOWN if c.unknown(n, size[i]) else n * size[i]
    return _per_axis(shape, kind, rank, data_format, grow)


_PAD_DEFAULT = {1: 1, 2: (1, 1), 3: ((1, 1), (1, 1), (1, 1))}
_CROP_DEFAULT = {1: (1, 1), 2: ((0, 0), (0, 0)), 3: ((1, 1), (1, 1), (1, 1))}


def _zero_padding(rank: int, layer: LayerSpec, inputs: list, fmt):
    padding = pairs(layer.kwargs.get("padding", _PAD_DEFAULT[rank]), rank, "padding", layer.name)
    return zero_padding(inputs[0], kind=layer.name, rank=rank, padding=padding, data_format=fmt)


def _cropping(rank: int, layer: LayerSpec, inputs: list, fmt):
    crop = pairs(layer.kwargs.get("cropping", _CROP_DEFAULT[rank]), rank, "cropping", layer.name,
                 int_minimum=0)
    fmt = c.CHANNELS_LAST if rank == 1 else fmt  # Cropping1D has no data_format
    return cropping(inputs[0], kind=layer.name, rank=rank, cropping=crop, data_format=fmt)


def _upsampling(rank: int, layer: LayerSpec, inputs: list, fmt):
    kind, size = layer.name, layer.kwargs.get("size", 2)
    if rank == 1:
        # UpSampling1D wants a plain int (a tuple is a TypeError) and has no data_format.
        if isinstance(size, (tuple, list)):
            raise c.argument(kind, f"`size` must be an int, got {size!r}",
                             "Expected an integer value for `size`")
        size = (c.positive(size, "size", kind, "Argument `size` should be a positive integer"),)
        fmt = c.CHANNELS_LAST
    else:
        size = c.ntuple(size, rank, "size", kind)
    return upsampling(inputs[0], kind=kind, rank=rank, size=size, data_format=fmt)


TABLE = {
    **{f"ZeroPadding{r}D": partial(_zero_padding, r) for r in (1, 2, 3)},
    **{f"Cropping{r}D": partial(_cropping, r) for r in (1, 2, 3)},
    **{f"UpSampling{r}D": partial(_upsampling, r) for r in (1, 2, 3)},
}

NDIM = {name: c.spatial_rank(name) + 2 for name in TABLE}  # see conv.NDIM
