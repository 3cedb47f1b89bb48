"""The layer table: Keras class name -> output-shape formula, and the dispatcher.

`output_shape(layer, inputs, default_format)` gives the output shape (a tuple including the
batch dim, or a list of them for an RNN with return_state) or raises ShapeError where Keras 3
would refuse to build the layer. A layer it does not know gives UNKNOWN_RANK: the checker
goes silent downstream instead of guessing.
"""

from __future__ import annotations

from functools import partial

from kerasfix.shapes import errors
from kerasfix.shapes.dims import UNKNOWN, UNKNOWN_RANK
from kerasfix.shapes.errors import ShapeError
from kerasfix.shapes.families import _common as c
from kerasfix.shapes.families import conv, core, merge, pooling, recurrent, reshape, spatial
from kerasfix.shapes.spec import LayerSpec

_FAMILIES = (conv, pooling, spatial, reshape, core, recurrent, merge)
_TABLE = {name: fn for family in _FAMILIES for name, fn in family.TABLE.items()}
_ALIASES = {k: v for family in _FAMILIES for k, v in getattr(family, "ALIASES", {}).items()}
_NDIM = {k: v for family in _FAMILIES for k, v in getattr(family, "NDIM", {}).items()}
_MERGES = frozenset(merge.TABLE)

SUPPORTED = frozenset(_TABLE) | frozenset(recurrent.WRAPPERS) | frozenset(_ALIASES)

# Keras 1 `dim_ordering` (if the normaliser left it in LayerSpec.legacy).
_DIM_ORDERING = {"th": c.CHANNELS_FIRST, "tf": c.CHANNELS_LAST}

# Values evaluated from user code can be of any type; the formulas model the types Keras
# documents and turn the rest into UNKNOWN, and this is the last line of that defence: a
# linter must not crash on `Conv2D(32, kernel_size="3")`.
_UNMODELLED = (TypeError, ValueError, IndexError, KeyError, ZeroDivisionError, AttributeError,
               OverflowError)


def canonical(name: str) -> str:
    """The Keras 3 class name behind an alias (MaxPool2D, Convolution2D, Deconvolution2D...)."""
    return _ALIASES.get(name, name)


def data_format_of(layer: LayerSpec, default: str):
    """The layer's data_format: its own argument, else Keras 1 dim_ordering, else `default`
    (what keras.config.image_data_format() returns). UNKNOWN if it could not be evaluated."""
    value = layer.kwargs.get("data_format")
    if value is None:
        value = _DIM_ORDERING.get(layer.legacy.get("dim_ordering"), default)
    if value is UNKNOWN or not isinstance(value, str):
        return UNKNOWN
    return value.lower()  # Keras 3 lower-cases it before checking


def output_shape(layer: LayerSpec, inputs: list, default_format: str):
    name = canonical(layer.name)
    fn = _TABLE.get(name)
    if name in recurrent.WRAPPERS:
        fn = partial(recurrent.WRAPPERS[name], apply=output_shape)
    if fn is None:
        return UNKNOWN_RANK
    inputs = list(inputs)
    if name not in _MERGES:
        if len(inputs) != 1:
            return UNKNOWN_RANK
        if inputs[0] is UNKNOWN_RANK and name in _NDIM:
            # Keras accepts only this rank: if the layer builds, its input has it.
            inputs = [(UNKNOWN,) * _NDIM[name]]
    fmt = data_format_of(layer, default_format)
    if fmt is not UNKNOWN and fmt not in c.FORMATS:
        raise ShapeError(errors.ARGUMENT, f"{layer.name}: data_format={fmt!r} is not "
                         "'channels_last' or 'channels_first'",
                         "The `data_format` argument must be one of {'channels_first', "
                         "'channels_last'}")
    try:
        return fn(layer, inputs, fmt)
    except _UNMODELLED:
        return UNKNOWN_RANK
