"""Pooling: Max/AveragePooling1D/2D/3D and Global{Max,Average}Pooling1D/2D/3D.

Keras 3 source: ops/operation_utils.py `compute_pooling_output_shape` (raised from `call`,
so only a real model build shows it) and layers/pooling/base_*pooling.py.
"""

from __future__ import annotations

from functools import partial

from kerasfix.shapes.dims import UNKNOWN, UNKNOWN_RANK
from kerasfix.shapes.families import _common as c
from kerasfix.shapes.families.conv import conv_dim
from kerasfix.shapes.spec import LayerSpec


def pooling(shape, *, kind, rank, pool_size, strides, padding, data_format):
    """Windowed pooling: the conv arithmetic without dilation; channels unchanged. Keras
    checks `padding` only when computing the shape, after the rank."""
    c.check_rank(kind, shape, rank + 2)
    # Pooling does not lower-case padding: 'SAME' fails in Keras 3 where Conv2D accepts it.
    padding = c.padding_mode(padding, kind, ("valid", "same"), lower=False)
    if data_format is UNKNOWN:
        return c.unknown_after_batch(shape)
    axes, _ = c.layout(rank, data_format)
    out = list(shape)
    note = c.format_note(data_format)
    for i, (axis, name) in enumerate(zip(axes, c.spatial_names(rank))):
        out[axis] = conv_dim(kind, name, shape[axis], pool_size[i], strides[i], 1, padding, note)
    return tuple(out)


def global_pooling(shape, *, kind, rank, keepdims, data_format):
    """Spatial axes removed, or kept as 1 with keepdims=True."""
    c.check_rank(kind, shape, rank + 2)
    if keepdims is UNKNOWN or not isinstance(keepdims, bool):
        return UNKNOWN_RANK  # the output rank itself depends on it
    if data_format is UNKNOWN:
        return c.unknown_after_batch(shape) if keepdims else (shape[0], UNKNOWN)
    axes, channel = c.layout(rank, data_format)
    if not keepdims:
        return (shape[0], shape[channel])
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def _pool(rank: int, layer: LayerSpec, inputs: list, fmt):
    kind, kw = layer.name, layer.kwargs
    # Max pooling defaults to 2; Average pooling has no default (missing: Keras' TypeError).
    default = 2 if kind.startswith("Max") else UNKNOWN
    pool_size = c.ntuple(kw.get("pool_size", default), rank, "pool_size", kind)
    strides = kw.get("strides")
    # strides=None means strides = pool_size (the classic source of "it halved my image").
    strides = pool_size if strides is None else c.ntuple(strides, rank, "strides", kind)
    return pooling(inputs[0], kind=kind, rank=rank, pool_size=pool_size, strides=strides,
                   padding=kw.get("padding", "valid"), data_format=fmt)


def _global(rank: int, layer: LayerSpec, inputs: list, fmt):
    return global_pooling(inputs[0], kind=layer.name, rank=rank,
                          keepdims=layer.kwargs.get("keepdims", False), data_format=fmt)


TABLE = {
    **{f"{mode}Pooling{r}D": partial(_pool, r) for r in (1, 2, 3) for mode in ("Max", "Average")},
    **{f"Global{mode}Pooling{r}D": partial(_global, r)
       for r in (1, 2, 3) for mode in ("Max", "Average")},
}

NDIM = {name: c.spatial_rank(name) + 2 for name in TABLE}  # see conv.NDIM

ALIASES = {
    **{f"MaxPool{r}D": f"MaxPooling{r}D" for r in (1, 2, 3)},
    **{f"AvgPool{r}D": f"AveragePooling{r}D" for r in (1, 2, 3)},
    **{f"GlobalMaxPool{r}D": f"GlobalMaxPooling{r}D" for r in (1, 2, 3)},
    **{f"GlobalAvgPool{r}D": f"GlobalAveragePooling{r}D" for r in (1, 2, 3)},
}
