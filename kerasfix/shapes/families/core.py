"""Core layers: Dense on N-D input, Embedding, Lambda, normalisations, and the layers that
keep their input shape (dropouts, noise, activations, masking).

A declared None is fine for most of them; it is an error only where Keras sizes a weight
from that axis (Dense's last axis, a normalised axis, PReLU's unshared axes).
"""

from __future__ import annotations

from functools import partial

from kerasfix.shapes.dims import UNKNOWN, UNKNOWN_RANK
from kerasfix.shapes.families import _common as c
from kerasfix.shapes.spec import LayerSpec

IDENTITY = frozenset({
    "Activation", "ActivityRegularization", "Dropout", "AlphaDropout", "GaussianDropout",
    "GaussianNoise", "LeakyReLU", "ReLU", "ELU", "Softmax", "Masking", "UnitNormalization",
    "Identity",
})


def dense(shape, *, kind="Dense", units):
    """The last axis becomes `units`; every other axis is kept (Dense on N-D input)."""
    if shape is UNKNOWN_RANK:
        return UNKNOWN_RANK
    c.check_rank(kind, shape, 2, exact=False)
    if shape[-1] is None:
        raise c.undefined(kind, "last (features)", shape)
    return shape[:-1] + (units,)


def embedding(shape, *, output_dim):
    """Every index becomes a vector: a new last axis of size output_dim."""
    return UNKNOWN_RANK if shape is UNKNOWN_RANK else shape + (output_dim,)


def defined_axes(shape, *, kind, axes, data_format=c.CHANNELS_LAST, runtime=c.UNDEFINED_RUNTIME):
    """Identity, but the given axes size a weight and so must not be a declared None."""
    if shape is UNKNOWN_RANK:
        return UNKNOWN_RANK
    names = c.axis_names(len(shape), data_format)
    for axis in axes:
        axis = c.normalise_axis(axis, len(shape), kind)
        if axis is not UNKNOWN and shape[axis] is None:
            raise c.undefined(kind, names[axis], shape, runtime)
    return shape


def group_normalization(shape, *, kind, groups, axis, data_format):
    defined_axes(shape, kind=kind, axes=[axis], data_format=data_format,
                 runtime="Axis of input tensor should have a defined dimension")
    if shape is UNKNOWN_RANK or not c.is_int(groups) or not c.is_int(axis):
        return shape
    dim = shape[c.normalise_axis(axis, len(shape), kind)]
    if not c.is_int(dim):
        return shape
    groups = dim if groups == -1 else groups
    if dim < groups or dim % groups:
        raise c.argument(kind, f"groups={groups} does not divide the {dim} channels",
                         f"Number of groups ({groups}) cannot be more than / must be a multiple "
                         f"of the number of channels ({dim})")
    return shape


def prelu(shape, *, kind="PReLU", shared_axes, data_format):
    """alpha has the input's shape without the batch, with shared axes set to 1. Keras
    indexes that list with axis - 1 (so an out-of-range axis is an IndexError)."""
    if shape is UNKNOWN_RANK:
        return UNKNOWN_RANK
    shared = shared_axes if isinstance(shared_axes, (list, tuple)) else (
        [] if shared_axes is None else [shared_axes])
    if not all(c.is_int(a) for a in shared):
        return shape
    n = len(shape) - 1
    if any(not -n <= a - 1 < n for a in shared):
        raise c.argument(kind, f"shared_axes={list(shared)} is out of range for "
                         f"{len(shape)}-D input", "list assignment index out of range")
    positions = {(a - 1) % n for a in shared}
    unshared = [p + 1 for p in range(n) if p not in positions]
    return defined_axes(shape, kind=kind, axes=unshared, data_format=data_format)


def lambda_(shape, *, output_shape):
    """Lambda runs arbitrary code: only a literal `output_shape` tuple says what comes out."""
    if not isinstance(output_shape, (tuple, list)):
        return UNKNOWN_RANK
    batch = UNKNOWN if shape is UNKNOWN_RANK else shape[0]
    return (batch,) + tuple(d if c.is_int(d) or d is None else UNKNOWN for d in output_shape)


def _identity(layer: LayerSpec, inputs: list, fmt):
    return inputs[0]


def _spatial_dropout(rank: int, layer: LayerSpec, inputs: list, fmt):
    if inputs[0] is not UNKNOWN_RANK:
        c.check_rank(layer.name, inputs[0], rank + 2)
    return inputs[0]


def _dense(layer: LayerSpec, inputs: list, fmt):
    units = c.positive(layer.kwargs.get("units", UNKNOWN), "units", layer.name,
                       "Received an invalid value for `units`, expected a positive integer")
    return dense(inputs[0], kind=layer.name, units=units)


def _embedding(layer: LayerSpec, inputs: list, fmt):
    kw = layer.kwargs
    c.positive(kw.get("input_dim", UNKNOWN), "input_dim", layer.name,
               "`input_dim` must be a positive integer")
    out = c.positive(kw.get("output_dim", UNKNOWN), "output_dim", layer.name,
                     "`output_dim` must be a positive integer")
    return embedding(inputs[0], output_dim=out)


def _normalization(default_axis, layer: LayerSpec, inputs: list, fmt):
    axis = layer.kwargs.get("axis", default_axis)
    axes = list(axis) if isinstance(axis, (list, tuple)) and layer.name != "BatchNormalization" \
        else [axis]  # BatchNormalization takes one int axis (a list is a TypeError)
    return defined_axes(inputs[0], kind=layer.name, axes=axes, data_format=fmt)


def _group_normalization(layer: LayerSpec, inputs: list, fmt):
    kw = layer.kwargs
    return group_normalization(inputs[0], kind=layer.name, groups=kw.get("groups", 32),
                               axis=kw.get("axis", -1), data_format=fmt)


def _prelu(layer: LayerSpec, inputs: list, fmt):
    return prelu(inputs[0], kind=layer.name, shared_axes=layer.kwargs.get("shared_axes"),
                 data_format=fmt)


def _lambda(layer: LayerSpec, inputs: list, fmt):
    return lambda_(inputs[0], output_shape=layer.kwargs.get("output_shape"))


TABLE = {
    **{name: _identity for name in IDENTITY},
    **{f"SpatialDropout{r}D": partial(_spatial_dropout, r) for r in (1, 2, 3)},
    "Dense": _dense,
    "Embedding": _embedding,
    "BatchNormalization": partial(_normalization, -1),
    "LayerNormalization": partial(_normalization, -1),
    "RMSNormalization": partial(_normalization, -1),
    "GroupNormalization": _group_normalization,
    "PReLU": _prelu,
    "Lambda": _lambda,
}

NDIM = {f"SpatialDropout{r}D": r + 2 for r in (1, 2, 3)}  # see conv.NDIM

ALIASES = {
    "TimeDistributedDense": "Dense",  # Keras 1: Dense on every step, as Dense on 3-D input is
    "ThresholdedReLU": "ReLU",  # Keras 2 (removed in Keras 3); shape-wise an activation
}
