"""Helpers shared by the family formulas: argument normalisation (Keras 3's
`standardize_tuple` and friends), axis layout and names, and the error constructors.

Conventions: a dim is an int, None (declared dynamic) or UNKNOWN. An argument value that is
UNKNOWN, or of a type Keras would not accept as we model it, makes what it affects UNKNOWN:
the checker must never report on something it could not evaluate.
"""

from __future__ import annotations

import re

from kerasfix.shapes import dims, errors
from kerasfix.shapes.dims import UNKNOWN
from kerasfix.shapes.errors import ShapeError

CHANNELS_LAST = "channels_last"
CHANNELS_FIRST = "channels_first"
FORMATS = (CHANNELS_LAST, CHANNELS_FIRST)

SIZE_RUNTIME = "Computed output size would be zero or negative"
UNDEFINED_RUNTIME = ("Shapes used to initialize variables must be fully-defined "
                     "(no `None` dimensions)")

_SPATIAL = {1: ("steps",), 2: ("height", "width"), 3: ("depth", "height", "width")}


def spatial_rank(name: str) -> int:
    """The N of a Keras class name such as 'Conv2DTranspose' or 'MaxPooling3D'."""
    return int(re.search(r"(\d)D", name).group(1))


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def unknown(*values) -> bool:
    """Whether any value is UNKNOWN (identity test: UNKNOWN has no __eq__)."""
    return any(v is UNKNOWN for v in values)


def ntuple(value, n: int, name: str, kind: str, minimum: int = 1) -> tuple:
    """`standardize_tuple`: an int, or a sequence of exactly n ints, each >= minimum."""
    if value is UNKNOWN:
        return (UNKNOWN,) * n
    if is_int(value):
        items = (value,) * n
    elif isinstance(value, (tuple, list)):
        if len(value) != n:
            raise argument(kind, f"`{name}` must be an int or a tuple of {n} ints, got {value!r}",
                           f"The `{name}` argument must be a tuple of {n} integers")
        items = tuple(v if is_int(v) else UNKNOWN for v in value)
    else:
        return (UNKNOWN,) * n  # a type we do not model: say nothing about it
    if any(is_int(v) and v < minimum for v in items):
        raise argument(kind, f"`{name}` must be >= {minimum}, got {value!r}",
                       f"The `{name}` argument must be a tuple of {n} integers")
    return items


def positive(value, name: str, kind: str, runtime: str):
    """A scalar int argument that Keras requires to be > 0 (units, filters, n ...)."""
    if not is_int(value):
        return UNKNOWN
    if value <= 0:
        raise argument(kind, f"`{name}` must be a positive integer, got {value}", runtime)
    return value


def padding_mode(value, kind: str, allowed: tuple, lower: bool = True):
    """The padding string. Conv layers lower-case it; pooling layers do not ('SAME' fails)."""
    if isinstance(value, str):
        mode = value.lower() if lower else value
        if mode in allowed:
            return mode
    elif value is UNKNOWN or not isinstance(value, (tuple, list)):
        return UNKNOWN
    shown = " or ".join(repr(a) for a in allowed)
    raise argument(kind, f"padding must be {shown}, got {value!r}",
                   f"The `padding` argument must be one of {set(allowed)}")


def argument(kind: str, message: str, runtime: str) -> ShapeError:
    return ShapeError(errors.ARGUMENT, f"{kind}: {message}", runtime)


def check_rank(kind: str, shape: tuple, expected: int, exact: bool = True,
               keras_min: bool = False) -> None:
    """Keras' InputSpec check; `expected` counts the batch axis, as Keras does. `keras_min`:
    Keras declares only a minimum rank (convolutions) but fails later on a larger one."""
    found = len(shape)
    if found == expected or (not exact and found > expected):
        return
    word = "min_ndim" if keras_min or not exact else "ndim"
    need = f"rank {expected}" if exact else f"rank {expected} or more"
    raise ShapeError(
        errors.RANK,
        f"{kind} expects an input of {need} (batch included), got {dims.show_shape(shape)} "
        f"of rank {found}",
        f"expected {word}={expected}, found ndim={found}")


def layout(rank: int, data_format: str) -> tuple[tuple[int, ...], int]:
    """(spatial axis indices, channel axis index) of a (batch, ...) shape with `rank`
    spatial axes."""
    if data_format == CHANNELS_FIRST:
        return tuple(range(2, 2 + rank)), 1
    return tuple(range(1, 1 + rank)), rank + 1


def spatial_names(rank: int) -> tuple[str, ...]:
    return _SPATIAL.get(rank, tuple(f"spatial axis {i + 1}" for i in range(rank)))


def axis_names(ndim: int, data_format: str) -> tuple[str, ...]:
    """A name for every axis of a rank-`ndim` shape read as an image/sequence tensor, so that
    messages say 'width', not 'axis 2' (a rank-2 tensor is (batch, features))."""
    if ndim == 2:
        return ("batch", "features")
    rank = ndim - 2
    if rank not in _SPATIAL:
        return ("batch",) + tuple(f"axis {i}" for i in range(1, ndim))
    names = ["batch"] + [""] * (ndim - 1)
    spatial, channel = layout(rank, data_format)
    for i, name in zip(spatial, _SPATIAL[rank]):
        names[i] = name
    names[channel] = "channels"
    return tuple(names)


def format_note(data_format: str) -> str:
    return " (channels_first)" if data_format == CHANNELS_FIRST else ""


def unknown_after_batch(shape: tuple) -> tuple:
    """Same rank, nothing known but the batch: e.g. under an unknown data_format."""
    return (shape[0],) + (UNKNOWN,) * (len(shape) - 1)


def size_error(kind: str, axis: str, expr: str, value: int, why: str,
               runtime: str = SIZE_RUNTIME) -> ShapeError:
    """KF501 (negative) or KF502 (zero), with the arithmetic that produced the value."""
    code = errors.NEGATIVE if value < 0 else errors.ZERO
    return ShapeError(code, f"{kind} makes {axis} {value}: {expr} = {value}{why}", runtime)


def undefined(kind: str, axis: str, shape: tuple, runtime: str = UNDEFINED_RUNTIME) -> ShapeError:
    """A declared None where the layer sizes a weight (or Keras otherwise needs a number)."""
    return ShapeError(
        errors.UNDEFINED,
        f"{kind} needs a defined {axis} dimension, got None in {dims.show_shape(shape)}",
        runtime)


def normalise_axis(axis, ndim: int, kind: str, name: str = "axis"):
    """An int axis in [-ndim, ndim) made non-negative; UNKNOWN for what we do not model."""
    if not is_int(axis):
        return UNKNOWN
    if not -ndim <= axis < ndim:
        raise argument(kind, f"`{name}`={axis} is out of range for an input of rank {ndim}",
                       f"axis {axis} is out of bounds for an array with dimension {ndim}")
    return axis % ndim
