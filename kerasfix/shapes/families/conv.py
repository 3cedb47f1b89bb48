"""Convolutions: Conv1D/2D/3D, SeparableConv1D/2D, DepthwiseConv1D/2D, Conv1D/2D/3DTranspose,
and the Keras 1 `border_mode='full'` arithmetic.

Keras 3 sources: ops/operation_utils.py `compute_conv_output_shape`, backend/common/
backend_utils.py `compute_conv_transpose_output_shape`, layers/convolutional/base_*.py for
the argument checks (shape-rules.md §2 and §4).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from kerasfix.shapes.dims import UNKNOWN
from kerasfix.shapes.families import _common as c
from kerasfix.shapes.spec import LayerSpec

_VALID_SAME = ("valid", "same")


@dataclass(frozen=True)
class Window:
    """Per-spatial-axis arguments of a convolution, normalised to tuples."""

    kernel: tuple
    strides: tuple
    dilation: tuple
    padding: object  # "valid" | "same" | "causal" | UNKNOWN


def window(kind: str, rank: int, kwargs: dict, allowed: tuple, no_dilated_strides: bool) -> Window:
    """Read and check kernel_size/strides/dilation_rate/padding as Keras' __init__ does."""
    w = Window(
        kernel=c.ntuple(kwargs.get("kernel_size", UNKNOWN), rank, "kernel_size", kind),
        strides=c.ntuple(kwargs.get("strides", 1), rank, "strides", kind),
        dilation=c.ntuple(kwargs.get("dilation_rate", 1), rank, "dilation_rate", kind),
        padding=c.padding_mode(kwargs.get("padding", "valid"), kind, allowed),
    )
    # Plain and transposed convs (not separable/depthwise) refuse the combination; a
    # single known stride > 1 and a single known dilation > 1 are enough to be sure.
    if no_dilated_strides and any(c.is_int(s) and s > 1 for s in w.strides) and any(
            c.is_int(d) and d > 1 for d in w.dilation):
        raise c.argument(kind, f"strides={w.strides} with dilation_rate={w.dilation}",
                         "`strides > 1` not supported in conjunction with `dilation_rate > 1`")
    return w


def conv_dim(kind: str, axis: str, n, k, s, d, padding, note: str = ""):
    """One spatial axis of a Keras 3 convolution (also pooling, with d = 1)."""
    if n is None:
        return None
    if c.unknown(n, k, s, d, padding):
        return UNKNOWN
    if padding in ("same", "causal"):
        return (n - 1) // s + 1  # ceil(n / s), never below 1
    span = d * (k - 1) + 1
    out = (n - span) // s + 1
    if out <= 0:
        dilated = f" (kernel {k} dilated by {d} spans {span})" if d != 1 else ""
        raise c.size_error(kind, axis, f"({n} - {span}) // {s} + 1", out,
                           f" with padding='{padding}'{note}{dilated}")
    return out


def full_dim(n, k, s, d):
    """Keras 1/2 `border_mode='full'`: ceil((n + k_eff - 1) / s); it can only grow."""
    if n is None:
        return None
    if c.unknown(n, k, s, d):
        return UNKNOWN
    return (n + d * (k - 1) + s - 1) // s


def transpose_dim(n, k, s, d, padding, output_padding):
    """`_get_output_shape_given_tf_padding`. Never negative; 'same' with output_padding=0,
    stride 1 and an even kernel gives n - 1 (0 for n = 1), which Keras 3 accepts."""
    if n is None:
        return None
    if c.unknown(n, k, s, d, padding, output_padding):
        return UNKNOWN
    span = (k - 1) * d + 1
    if padding == "valid":
        extra = max(span, s) - span if output_padding is None else output_padding
        return (n - 1) * s + span + extra
    if output_padding is None:
        return n * s
    return (n - 1) * s + span % 2 + output_padding


def input_channels(kind: str, shape: tuple, rank: int, data_format) -> object:
    """Check the rank is at least rank + 2 and return the input channel count, which sizes
    the kernel and so must not be a declared None. Keras' order: InputSpec (too few axes),
    build (channels, groups), then the output shape (too many axes: `exact_rank`)."""
    if len(shape) < rank + 2:
        c.check_rank(kind, shape, rank + 2, keras_min=True)
    if data_format is UNKNOWN:
        channel = UNKNOWN
    else:
        channel = shape[1] if data_format == c.CHANNELS_FIRST else shape[-1]
    if channel is None:
        raise c.undefined(kind, "channels", shape, "The channel dimension of the inputs should be "
                          "defined (Keras 3: TypeError on None)")
    return channel


def exact_rank(kind: str, shape: tuple, rank: int) -> None:
    c.check_rank(kind, shape, rank + 2, keras_min=True)


def assemble(shape: tuple, rank: int, data_format, spatial: list, channels) -> tuple:
    if data_format == c.CHANNELS_FIRST:
        return (shape[0], channels, *spatial)
    return (shape[0], *spatial, channels)


def spatial_out(kind: str, shape: tuple, rank: int, data_format, w: Window, full=False) -> list:
    axes, _ = c.layout(rank, data_format)
    names, note = c.spatial_names(rank), c.format_note(data_format)
    out = []
    for i, (axis, name) in enumerate(zip(axes, names)):
        k, s, d = w.kernel[i], w.strides[i], w.dilation[i]
        if full:
            out.append(full_dim(shape[axis], k, s, d))
        else:
            out.append(conv_dim(kind, name, shape[axis], k, s, d, w.padding, note))
    return out


def conv(shape, *, kind, rank, filters, w: Window, data_format, groups=1, full=False):
    """Conv1D/2D/3D and SeparableConv1D/2D (depthwise then 1x1: same spatial arithmetic)."""
    channels = input_channels(kind, shape, rank, data_format)
    if c.is_int(channels) and c.is_int(groups) and channels % groups:
        raise c.argument(kind, f"{channels} input channels cannot be split into groups={groups}",
                         "The number of input channels must be evenly divisible by the number "
                         "of groups")
    exact_rank(kind, shape, rank)
    if data_format is UNKNOWN:
        return c.unknown_after_batch(shape)
    return assemble(shape, rank, data_format, spatial_out(kind, shape, rank, data_format, w, full),
                    filters)


def depthwise(shape, *, kind, rank, depth_multiplier, w: Window, data_format):
    """DepthwiseConv1D/2D: each input channel gives depth_multiplier output channels."""
    channels = input_channels(kind, shape, rank, data_format)
    exact_rank(kind, shape, rank)
    if data_format is UNKNOWN:
        return c.unknown_after_batch(shape)
    out_channels = UNKNOWN if c.unknown(channels, depth_multiplier) else channels * depth_multiplier
    return assemble(shape, rank, data_format, spatial_out(kind, shape, rank, data_format, w),
                    out_channels)


def transpose(shape, *, kind, rank, filters, w: Window, output_padding, data_format):
    """Conv1D/2D/3DTranspose."""
    input_channels(kind, shape, rank, data_format)
    exact_rank(kind, shape, rank)
    if data_format is UNKNOWN:
        return c.unknown_after_batch(shape)
    axes, _ = c.layout(rank, data_format)
    spatial = [transpose_dim(shape[axis], w.kernel[i], w.strides[i], w.dilation[i], w.padding,
                             None if output_padding is None else output_padding[i])
               for i, axis in enumerate(axes)]
    names = c.spatial_names(rank)
    for i, (axis, size) in enumerate(zip(axes, spatial)):
        if c.is_int(size) and size < 0:  # only from a size-0 input: (0 - 1) * s + ...
            raise c.size_error(kind, names[i], f"({shape[axis]} - 1) * {w.strides[i]} + ...",
                               size, " (the input axis is already 0)",
                               runtime="Negative dimensions are not allowed")
    return assemble(shape, rank, data_format, spatial, filters)


# --- adapters: LayerSpec kwargs (Keras 3 names and defaults) -> formula arguments -----------

def _filters(kind: str, kwargs: dict):
    return c.positive(kwargs.get("filters", UNKNOWN), "filters", kind,
                      "Invalid value for argument `filters`. Expected a strictly positive value")


def _conv(rank: int, layer: LayerSpec, inputs: list, fmt):
    kind, kw = layer.name, layer.kwargs
    full = layer.legacy.get("border_mode") == "full"
    allowed = ("valid", "same", "causal") if rank == 1 else _VALID_SAME
    w = window(kind, rank, {**kw, "padding": "valid"} if full else kw, allowed, True)
    filters = _filters(kind, kw)
    groups = c.positive(kw.get("groups", 1), "groups", kind,
                        "The number of groups must be a positive integer")
    if c.is_int(filters) and c.is_int(groups) and filters % groups:
        raise c.argument(kind, f"filters={filters} is not divisible by groups={groups}",
                         "The number of filters must be evenly divisible by the number of groups")
    return conv(inputs[0], kind=kind, rank=rank, filters=filters, w=w, data_format=fmt,
                groups=groups, full=full)


def _separable(rank: int, layer: LayerSpec, inputs: list, fmt):
    kind, kw = layer.name, layer.kwargs
    w = window(kind, rank, kw, _VALID_SAME, False)
    _depth_multiplier(kind, kw)
    return conv(inputs[0], kind=kind, rank=rank, filters=_filters(kind, kw), w=w,
                data_format=fmt)


def _depth_multiplier(kind: str, kw: dict):
    return c.positive(kw.get("depth_multiplier", 1), "depth_multiplier", kind,
                      "Invalid value for argument `depth_multiplier`. Expected a strictly "
                      "positive value")


def _depthwise(rank: int, layer: LayerSpec, inputs: list, fmt):
    kind, kw = layer.name, layer.kwargs
    w = window(kind, rank, kw, _VALID_SAME, False)
    return depthwise(inputs[0], kind=kind, rank=rank, depth_multiplier=_depth_multiplier(kind, kw),
                     w=w, data_format=fmt)


def _transpose(rank: int, layer: LayerSpec, inputs: list, fmt):
    kind, kw = layer.name, layer.kwargs
    filters = _filters(kind, kw)
    w = window(kind, rank, kw, _VALID_SAME, True)
    op = kw.get("output_padding")
    if op is not None:
        op = c.ntuple(op, rank, "output_padding", kind, minimum=0)
        for p, s in zip(op, w.strides):
            if c.is_int(p) and c.is_int(s) and p >= s:
                raise c.argument(kind, f"output_padding={op} is not below strides={w.strides}",
                                 "`output_padding` must be strictly less than `strides`")
    return transpose(inputs[0], kind=kind, rank=rank, filters=filters, w=w, output_padding=op,
                     data_format=fmt)


TABLE = {
    **{f"Conv{r}D": partial(_conv, r) for r in (1, 2, 3)},
    **{f"SeparableConv{r}D": partial(_separable, r) for r in (1, 2)},
    **{f"DepthwiseConv{r}D": partial(_depthwise, r) for r in (1, 2)},
    **{f"Conv{r}DTranspose": partial(_transpose, r) for r in (1, 2, 3)},
}

# The input rank (batch included) each layer accepts: an input of unknown rank that builds
# must have it, so the dispatcher can still check the arguments and give the channels.
NDIM = {name: c.spatial_rank(name) + 2 for name in TABLE}

ALIASES = {
    **{f"Convolution{r}D": f"Conv{r}D" for r in (1, 2, 3)},
    **{f"AtrousConvolution{r}D": f"Conv{r}D" for r in (1, 2)},  # Keras 1: dilation_rate
    **{f"AtrousConv{r}D": f"Conv{r}D" for r in (1, 2)},
    **{f"SeparableConvolution{r}D": f"SeparableConv{r}D" for r in (1, 2)},
    **{f"Convolution{r}DTranspose": f"Conv{r}DTranspose" for r in (1, 2, 3)},
    **{f"Deconvolution{r}D": f"Conv{r}DTranspose" for r in (2, 3)},  # Keras 1/2 names
    **{f"Deconv{r}D": f"Conv{r}DTranspose" for r in (2, 3)},
}
