"""Hypothesis strategies for the shape oracle (tests/test_shape_oracle.py): random Keras 3 layer
stacks, rendered as the Python source a user would write.

A drawn `Stack` is a model input plus 2-7 layers, each drawn for the rank of the tensor it
receives, so every stack is rank-consistent; the sizes are small, and kernel and pool sizes are
often drawn right at the edge of the input, so that valid convolutions, pooling, cropping and
reshapes often make Keras refuse to build (about a third of the stacks). Each image layer gets
`data_format='channels_first'`, `'channels_last'` or none, independently. The generator keeps its
own estimate of each layer's output (`LayerDraw.expect`, the §2 formulas of shape-rules.md) only
to steer the draws (cropping that is sometimes too large, reshapes that are sometimes
impossible, stopping after the first failure, no runaway sizes); the oracle compares the checker
with Keras, never with this estimate.

`stacks(focus="MaxPooling2D")` puts that class among the first three layers: hypothesis draws
cluster, and the oracle runs every family in FAMILY_NAMES this way. `stacks(dynamic=True)`
makes some input dims None.

The source comes in three styles (a `Sequential([...])` list with `keras.Input`, `model.add(...)`
with `input_shape=` on the first layer, and the functional API), four import spellings
(`keras`, `keras.layers`, `from keras.layers import ...`, `tensorflow.keras`), sometimes with
Keras's alias class names (`MaxPool2D`), lists for tuples, `Input(batch_size=...)`,
`Input(batch_shape=...)` or `InputLayer(shape=...)`, and with some sizes bound to module
constants (`K = 3`, `H, W = 12, 12`, `INPUT_SHAPE = (...)`, `filters=BASE * 2`).
Every layer call is on its own line: `LayerDraw.line` is that line (1-based).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hypothesis import strategies as st

CF, CL = "channels_first", "channels_last"
DEFAULT_FORMAT = CL  # what the oracle runs Keras with and asks the checker to assume
MAX_ELEMENTS = 4096  # no layer that grows the tensor is drawn past this many elements


@dataclass
class Arg:
    name: str  # the Keras keyword (also for a positional argument)
    value: object
    positional: bool = False


@dataclass
class LayerDraw:
    name: str  # Keras 3 class name
    args: list[Arg]
    expect: tuple | None  # the generator's estimate (no batch dim); None: it should fail
    line: int = 0  # set by the renderer


@dataclass
class Stack:
    input_shape: tuple  # without the batch dim
    layers: list[LayerDraw]
    style: str  # "list" | "add" | "functional"
    imports: str  # "keras" | "keras_only" | "from" | "tf"
    source: str = ""
    batch: int | None = None  # a fixed batch size given to the input, set by the renderer

    @property
    def predicted_failure(self) -> bool:
        return any(layer.expect is None for layer in self.layers)

    def __repr__(self) -> str:  # what hypothesis prints for a falsifying example
        return f"Stack(style={self.style!r}, imports={self.imports!r}, source=\n{self.source})"


# ---------------------------------------------------------------------------------------------
# Small drawing helpers


def _weighted(draw, options):
    """options: [(weight, value)]; hypothesis shrinks towards the first option."""
    pool = [value for weight, value in options for _ in range(weight)]
    return draw(st.sampled_from(pool))


def _chance(draw, percent: int) -> bool:
    return draw(st.integers(0, 99)) < percent


def _size(shape) -> int:
    """Elements per example, a `None` dim counted as 1 (only to bound growth)."""
    return math.prod(1 if d is None else d for d in shape)


def _total(shape):
    """Elements per example, None when a dim is dynamic."""
    return None if None in shape else math.prod(shape)


def _data_format(draw):
    return _weighted(draw, [(2, None), (1, CL), (1, CF)])


def _split(shape, df):
    """(spatial sizes, channels) of a non-batch shape under a data format."""
    if (df or DEFAULT_FORMAT) == CF:
        return list(shape[1:]), shape[0]
    return list(shape[:-1]), shape[-1]


def _join(spatial, channels, df):
    if (df or DEFAULT_FORMAT) == CF:
        return (channels, *spatial)
    return (*spatial, channels)


def _per_axis(draw, dims: int, values, *, one_tuple: bool = True):
    """An int-or-tuple argument: (the value to write, the per-axis list). `(3,)` for one axis
    only where Keras takes it (kernel_size, strides, dilation_rate, pool_size)."""
    if dims > 1 and _chance(draw, 30):
        axes = [draw(values) for _ in range(dims)]
        return tuple(axes), axes
    v = draw(values)
    if dims == 1 and one_tuple and _chance(draw, 5):
        return (v,), [v]
    return v, [v] * dims


def _window(spatial, top):
    """Kernel or pool sizes: mostly 1..top, often right at the edge of the smallest input axis
    (size - 1 .. size + 2), where the output is 1, 0 or negative."""
    if all(n is None for n in spatial):
        return st.integers(1, top)
    edge = min(n for n in spatial if n is not None)
    low = max(1, min(edge - 1, 7))
    return st.one_of(st.integers(low, max(low, min(edge + 2, 8))), st.integers(1, top))


def _fmt_arg(args, df):
    if df is not None:
        args.append(Arg("data_format", df))


def _conv_out(n, k, s, d, padding):
    if n is None:
        return None
    if padding == "valid":
        return (n - d * (k - 1) - 1) // s + 1
    return (n - 1) // s + 1


def _transpose_out(n, k, s, d, padding, op):
    if n is None:
        return None
    k_eff = d * (k - 1) + 1
    if padding == "valid":
        return (n - 1) * s + (max(k_eff, s) if op is None else k_eff + op)
    return n * s if op is None else (n - 1) * s + k_eff % 2 + op


def _ok(spatial, padding="valid"):
    """Keras refuses a window that leaves nothing, but only with 'valid' padding: 'same' on a
    zero-size axis (which a 'same' Conv*Transpose with output_padding=0 can make) stays 0."""
    return padding != "valid" or all(n is None or n > 0 for n in spatial)


# ---------------------------------------------------------------------------------------------
# Layer families: each takes the incoming non-batch shape, returns a LayerDraw


def conv(draw, shape, dims, kind="Conv"):
    """Conv1D/2D/3D, SeparableConv1D/2D, DepthwiseConv1D/2D."""
    name = {"Conv": f"Conv{dims}D", "Separable": f"SeparableConv{dims}D",
            "Depthwise": f"DepthwiseConv{dims}D"}[kind]
    df = _data_format(draw)
    spatial, channels = _split(shape, df)
    args = []
    positional = _chance(draw, 70)
    if kind != "Depthwise":
        filters = draw(st.integers(1, 4))
        args.append(Arg("filters", filters, positional))
    kernel, ks = _per_axis(draw, dims, _window(spatial, 5))
    args.append(Arg("kernel_size", kernel, positional and _chance(draw, 80)))
    modes = [(6, "valid"), (3, "same")] + ([(2, "causal")] if kind == "Conv" and dims == 1 else [])
    padding = _weighted(draw, modes)
    if padding != "valid" or _chance(draw, 30):
        args.append(Arg("padding", padding))
    strided = _chance(draw, 35)
    dilated = _chance(draw, 4) if strided else _chance(draw, 20)
    ss, dd = [1] * dims, [1] * dims
    if strided:
        strides, ss = _per_axis(draw, dims, st.integers(1, 3))
        args.append(Arg("strides", strides))
    if dilated:
        dilation, dd = _per_axis(draw, dims, st.integers(1, 3))
        args.append(Arg("dilation_rate", dilation))
    if kind != "Conv" and _chance(draw, 25):
        mult = draw(st.integers(1, 3))
        args.append(Arg("depth_multiplier", mult))
    else:
        mult = 1
    _fmt_arg(args, df)
    if _chance(draw, 25):
        args.append(Arg("activation", "relu"))
    if channels is None:  # Keras needs the channel count for the kernel
        return LayerDraw(name, args, None)
    if kind == "Conv" and max(ss) > 1 and max(dd) > 1:
        # Conv refuses strides > 1 with dilation_rate > 1; SeparableConv and DepthwiseConv
        # take both (verified on Keras 3.15)
        return LayerDraw(name, args, None)
    out = [_conv_out(n, k, s, d, padding) for n, k, s, d in zip(spatial, ks, ss, dd)]
    if not _ok(out, padding):
        return LayerDraw(name, args, None)
    out_channels = channels * mult if kind == "Depthwise" else filters
    return LayerDraw(name, args, _join(out, out_channels, df))


def conv_transpose(draw, shape, dims):
    name = f"Conv{dims}DTranspose"
    df = _data_format(draw)
    spatial, channels = _split(shape, df)
    positional = _chance(draw, 70)
    filters = draw(st.integers(1, 4))
    kernel, ks = _per_axis(draw, dims, st.integers(1, 4))
    args = [Arg("filters", filters, positional), Arg("kernel_size", kernel, positional)]
    padding = _weighted(draw, [(1, "valid"), (1, "same")])
    if padding != "valid" or _chance(draw, 40):
        args.append(Arg("padding", padding))
    strides, ss = _per_axis(draw, dims, st.integers(1, 3))
    if max(ss) > 1 or _chance(draw, 30):
        args.append(Arg("strides", strides))
    dd = [1] * dims
    if max(ss) == 1 and _chance(draw, 15) or _chance(draw, 3):
        dilation, dd = _per_axis(draw, dims, st.integers(1, 2))
        args.append(Arg("dilation_rate", dilation))
    ops = [None] * dims
    if _chance(draw, 35):
        bad = _chance(draw, 10)
        ops = [draw(st.integers(0, s if bad else s - 1)) for s in ss]
        args.append(Arg("output_padding", ops[0] if dims == 1 or len(set(ops)) == 1
                        else tuple(ops)))
    _fmt_arg(args, df)
    if channels is None or max(ss) > 1 and max(dd) > 1:
        return LayerDraw(name, args, None)
    if any(op is not None and op >= s for op, s in zip(ops, ss)):
        return LayerDraw(name, args, None)
    out = [_transpose_out(n, k, s, d, padding, op)
           for n, k, s, d, op in zip(spatial, ks, ss, dd, ops)]
    if any(n is not None and n < 0 for n in out):  # from a zero-size input
        return LayerDraw(name, args, None)  # "Negative dimensions are not allowed"
    return LayerDraw(name, args, _join(out, filters, df))


def pooling(draw, shape, dims, kind=None):
    kind = kind or _weighted(draw, [(3, "Max"), (2, "Average")])
    name = f"{kind}Pooling{dims}D"
    df = _data_format(draw)
    spatial, channels = _split(shape, df)
    args = []
    if kind == "Max" and _chance(draw, 25):
        ps = [2] * dims
    else:
        pool, ps = _per_axis(draw, dims, _window(spatial, 4))
        args.append(Arg("pool_size", pool, _chance(draw, 70)))
    ss = ps
    if _chance(draw, 40):
        strides, ss = _per_axis(draw, dims, st.integers(1, 3))
        args.append(Arg("strides", strides))
    padding = _weighted(draw, [(3, "valid"), (1, "same")])
    if padding != "valid" or _chance(draw, 30):
        args.append(Arg("padding", padding))
    _fmt_arg(args, df)
    if padding == "valid":
        out = [None if n is None else (n - k) // s + 1 for n, k, s in zip(spatial, ps, ss)]
    else:
        out = [None if n is None else (n - 1) // s + 1 for n, s in zip(spatial, ss)]
    return LayerDraw(name, args, _join(out, channels, df) if _ok(out, padding) else None)


def global_pooling(draw, shape, dims, kind=None):
    name = f"Global{kind or _weighted(draw, [(2, 'Average'), (1, 'Max')])}Pooling{dims}D"
    df = _data_format(draw)
    _, channels = _split(shape, df)
    args = []
    _fmt_arg(args, df)
    if _chance(draw, 20):
        args.append(Arg("keepdims", True))
        return LayerDraw(name, args, _join([1] * dims, channels, df))
    return LayerDraw(name, args, (channels,))


def _pairs(draw, dims, values, *, default=None):
    """ZeroPadding/Cropping argument forms: (value to write or None to omit, [(before, after)])."""
    form = _weighted(draw, [(2, "int"), (2, "per_axis"), (1, "pairs")]
                     + ([(1, "omit")] if default is not None else []))
    if form == "omit":
        return None, default
    if form == "int":
        v = draw(values)
        return v, [(v, v)] * dims
    if form == "per_axis" and dims > 1:
        vs = [draw(values) for _ in range(dims)]
        return tuple(vs), [(v, v) for v in vs]
    pairs = [(draw(values), draw(values)) for _ in range(dims)]
    if dims == 1:
        return pairs[0], pairs
    return tuple(pairs), pairs


def zero_padding(draw, shape, dims):
    name = f"ZeroPadding{dims}D"
    df = _data_format(draw)
    spatial, channels = _split(shape, df)
    written, pads = _pairs(draw, dims, st.integers(0, 3), default=[(1, 1)] * dims)
    args = [] if written is None else [Arg("padding", written, _chance(draw, 60))]
    _fmt_arg(args, df)
    out = [None if n is None else n + a + b for n, (a, b) in zip(spatial, pads)]
    return LayerDraw(name, args, _join(out, channels, df))


def cropping(draw, shape, dims):
    name = f"Cropping{dims}D"
    df = _data_format(draw) if dims > 1 else None  # Cropping1D has no data_format
    spatial, channels = _split(shape, df)
    big = _chance(draw, 30)
    known = [n for n in spatial if n is not None] or [4]
    limit = max(0, min(known) // 2 - 1) if not big else max(1, max(known))
    default = {1: [(1, 1)], 2: [(0, 0)] * 2, 3: [(1, 1)] * 3}[dims]
    written, crops = _pairs(draw, dims, st.integers(0, limit), default=default)
    args = [] if written is None else [Arg("cropping", written, _chance(draw, 60))]
    _fmt_arg(args, df)
    out = [None if n is None else n - a - b for n, (a, b) in zip(spatial, crops)]
    return LayerDraw(name, args, _join(out, channels, df) if _ok(out, "valid") else None)


def upsampling(draw, shape, dims):
    name = f"UpSampling{dims}D"
    df = _data_format(draw) if dims > 1 else None  # UpSampling1D has no data_format
    spatial, channels = _split(shape, df)
    args = []
    if _chance(draw, 30):
        sizes = [2] * dims
    else:
        size, sizes = _per_axis(draw, dims, st.integers(1, 3), one_tuple=False)
        args.append(Arg("size", size, _chance(draw, 60)))
    _fmt_arg(args, df)
    if dims == 2 and _chance(draw, 15):
        args.append(Arg("interpolation", "bilinear"))
    out = [None if n is None else n * s for n, s in zip(spatial, sizes)]
    return LayerDraw(name, args, _join(out, channels, df))


def flatten(draw, shape):
    args = []
    if _chance(draw, 20):
        args.append(Arg("data_format", draw(st.sampled_from([CL, CF]))))
    return LayerDraw("Flatten", args, (_total(shape),))


def dense(draw, shape):
    units = draw(st.integers(1, 8))
    args = [Arg("units", units, _chance(draw, 80))]
    if _chance(draw, 40):
        args.append(Arg("activation", draw(st.sampled_from(["relu", "softmax", "sigmoid"]))))
    return LayerDraw("Dense", args, (*shape[:-1], units) if shape[-1] is not None else None)


def _factorize(draw, total, rank):
    dims = []
    rest = total
    for _ in range(rank - 1):
        divisors = [d for d in range(1, rest + 1) if rest % d == 0]
        d = draw(st.sampled_from(divisors))
        dims.append(d)
        rest //= d
    dims.append(rest)
    return dims


def reshape(draw, shape):
    total = _total(shape)
    if total == 0:  # after a zero-size axis: only a -1 (or another 0) fits
        target = [draw(st.integers(1, 4)) for _ in range(draw(st.integers(1, 3)))]
        target[draw(st.integers(0, len(target) - 1))] = -1
        return LayerDraw("Reshape", [Arg("target_shape", tuple(target), _chance(draw, 80))],
                         tuple(0 if d == -1 else d for d in target))
    if total is None:  # Keras cannot check a dynamic input, and does not: anything goes
        target = [draw(st.integers(1, 6)) for _ in range(draw(st.integers(1, 4)))]
        if _chance(draw, 50):
            target[draw(st.integers(0, len(target) - 1))] = -1
        return LayerDraw("Reshape", [Arg("target_shape", tuple(target), _chance(draw, 80))],
                         tuple(None if d == -1 else d for d in target))
    rank = draw(st.integers(1, 4))
    dims = _factorize(draw, total, rank)
    target, expect = list(dims), tuple(dims)
    mode = _weighted(draw, [(5, "exact"), (3, "minus_one"), (2, "wrong"), (1, "wrong_minus_one")])
    if mode == "minus_one":
        target[draw(st.integers(0, rank - 1))] = -1
    elif mode == "wrong":
        target[draw(st.integers(0, rank - 1))] += draw(st.integers(1, 2))
        expect = None
    elif mode == "wrong_minus_one":
        candidates = [k for k in range(2, 8) if total % k]
        k = draw(st.sampled_from(candidates)) if candidates else total + 1
        target = [-1, k] if _chance(draw, 50) else [k, -1]
        expect = None
    return LayerDraw("Reshape", [Arg("target_shape", tuple(target), _chance(draw, 80))], expect)


def permute(draw, shape):
    order = tuple(draw(st.permutations(range(1, len(shape) + 1))))
    return LayerDraw("Permute", [Arg("dims", order, _chance(draw, 80))],
                     tuple(shape[i - 1] for i in order))


def repeat_vector(draw, shape):
    n = draw(st.integers(1, 4))
    return LayerDraw("RepeatVector", [Arg("n", n, _chance(draw, 80))], (n, shape[0]))


def embedding(draw, shape):
    vocab, out = draw(st.integers(5, 50)), draw(st.integers(1, 8))
    positional = _chance(draw, 70)
    return LayerDraw("Embedding", [Arg("input_dim", vocab, positional),
                                   Arg("output_dim", out, positional)], (*shape, out))


def rnn(draw, shape, name=None):
    name = name or _weighted(draw, [(1, "LSTM"), (1, "GRU"), (1, "SimpleRNN")])
    units = draw(st.integers(1, 4))
    args = [Arg("units", units, _chance(draw, 80))]
    sequences = _chance(draw, 50)
    if sequences or _chance(draw, 20):
        args.append(Arg("return_sequences", sequences))
    if shape[-1] is None:  # the kernel needs the feature count
        return LayerDraw(name, args, None)
    return LayerDraw(name, args, (shape[0], units) if sequences else (units,))


def identity(draw, shape, name=None):
    if name == "Dropout" or name is None and _chance(draw, 50):
        return LayerDraw("Dropout", [Arg("rate", draw(st.sampled_from([0.1, 0.25, 0.5])),
                                         _chance(draw, 80))], tuple(shape))
    return LayerDraw("BatchNormalization", [], tuple(shape) if shape[-1] is not None else None)


def _grows(shape) -> bool:
    """A layer that makes the tensor larger may be drawn."""
    return _size(shape) <= MAX_ELEMENTS


# (weight, family, ranks it accepts (None: any), needs room to grow)
FAMILIES = [
    (2, lambda d, s: dense(d, s), None, False),
    (2, lambda d, s: identity(d, s), None, False),
    (1, lambda d, s: flatten(d, s), None, False),
    (2, lambda d, s: reshape(d, s), None, False),
    (1, lambda d, s: permute(d, s), (2, 3, 4), False),
    (2, lambda d, s: repeat_vector(d, s), (1,), True),
    (3, lambda d, s: rnn(d, s), (2,), False),
    (6, lambda d, s: conv(d, s, 1), (2,), False),
    (1, lambda d, s: conv(d, s, 1, "Separable"), (2,), False),
    (1, lambda d, s: conv(d, s, 1, "Depthwise"), (2,), False),
    (1, lambda d, s: conv_transpose(d, s, 1), (2,), True),
    (4, lambda d, s: pooling(d, s, 1), (2,), False),
    (1, lambda d, s: global_pooling(d, s, 1), (2,), False),
    (2, lambda d, s: zero_padding(d, s, 1), (2,), True),
    (2, lambda d, s: cropping(d, s, 1), (2,), False),
    (2, lambda d, s: upsampling(d, s, 1), (2,), True),
    (7, lambda d, s: conv(d, s, 2), (3,), False),
    (2, lambda d, s: conv(d, s, 2, "Separable"), (3,), False),
    (2, lambda d, s: conv(d, s, 2, "Depthwise"), (3,), False),
    (2, lambda d, s: conv_transpose(d, s, 2), (3,), True),
    (5, lambda d, s: pooling(d, s, 2), (3,), False),
    (1, lambda d, s: global_pooling(d, s, 2), (3,), False),
    (2, lambda d, s: zero_padding(d, s, 2), (3,), True),
    (2, lambda d, s: cropping(d, s, 2), (3,), False),
    (2, lambda d, s: upsampling(d, s, 2), (3,), True),
    (6, lambda d, s: conv(d, s, 3), (4,), False),
    (1, lambda d, s: conv_transpose(d, s, 3), (4,), True),
    (4, lambda d, s: pooling(d, s, 3), (4,), False),
    (1, lambda d, s: global_pooling(d, s, 3), (4,), False),
    (1, lambda d, s: zero_padding(d, s, 3), (4,), True),
    (1, lambda d, s: cropping(d, s, 3), (4,), False),
    (1, lambda d, s: upsampling(d, s, 3), (4,), True),
]

# Every Keras class the generator draws: a function drawing exactly that class, and the ranks
# (without batch) of the inputs it takes. Embedding is only ever the first layer.
FOCUS = {
    "Dense": (dense, (1, 2, 3, 4)), "Flatten": (flatten, (2, 3, 4)),
    "Reshape": (reshape, (1, 2, 3, 4)), "Permute": (permute, (2, 3, 4)),
    "RepeatVector": (repeat_vector, (1,)), "Embedding": (embedding, (1,)),
    "Dropout": (lambda d, s: identity(d, s, "Dropout"), (1, 2, 3, 4)),
    "BatchNormalization": (lambda d, s: identity(d, s, "BatchNormalization"), (1, 2, 3, 4)),
    **{n: (lambda d, s, n=n: rnn(d, s, n), (2,)) for n in ("SimpleRNN", "LSTM", "GRU")},
}
for _n in (1, 2, 3):
    FOCUS[f"Conv{_n}D"] = (lambda d, s, n=_n: conv(d, s, n), (_n + 1,))
    FOCUS[f"Conv{_n}DTranspose"] = (lambda d, s, n=_n: conv_transpose(d, s, n), (_n + 1,))
    for _k in ("Max", "Average"):
        FOCUS[f"{_k}Pooling{_n}D"] = (lambda d, s, n=_n, k=_k: pooling(d, s, n, k), (_n + 1,))
        FOCUS[f"Global{_k}Pooling{_n}D"] = (
            lambda d, s, n=_n, k=_k: global_pooling(d, s, n, k), (_n + 1,))
    FOCUS[f"ZeroPadding{_n}D"] = (lambda d, s, n=_n: zero_padding(d, s, n), (_n + 1,))
    FOCUS[f"Cropping{_n}D"] = (lambda d, s, n=_n: cropping(d, s, n), (_n + 1,))
    FOCUS[f"UpSampling{_n}D"] = (lambda d, s, n=_n: upsampling(d, s, n), (_n + 1,))
for _n in (1, 2):
    FOCUS[f"SeparableConv{_n}D"] = (lambda d, s, n=_n: conv(d, s, n, "Separable"), (_n + 1,))
    FOCUS[f"DepthwiseConv{_n}D"] = (lambda d, s, n=_n: conv(d, s, n, "Depthwise"), (_n + 1,))
FAMILY_NAMES = sorted(FOCUS)


def _next_layer(draw, shape):
    rank = len(shape)
    pool = [fam for weight, fam, ranks, grows in FAMILIES
            if (ranks is None or rank in ranks) and (not grows or _grows(shape))
            for _ in range(weight)]
    family = draw(st.sampled_from(pool))
    return family(draw, shape)


def _input_shape(draw, rank):
    small = st.integers(1, 10)
    if rank == 1:
        return (draw(st.integers(1, 32)),)
    if rank == 2:
        return (draw(st.integers(1, 12)), draw(st.integers(1, 6)))
    if rank == 3:
        return (draw(small), draw(small), draw(st.integers(1, 4)))
    return (draw(st.integers(1, 8)), draw(st.integers(1, 8)), draw(st.integers(1, 8)),
            draw(st.integers(1, 3)))


def _keeping_rank(draw, shape):
    """A layer before the focus layer: keeps the rank and builds (a few tries, then Dropout)."""
    for _ in range(4):
        layer = _next_layer(draw, shape)
        if layer.expect is not None and len(layer.expect) == len(shape):
            return layer
    return identity(draw, shape, "Dropout")


@st.composite
def stacks(draw, dynamic: bool = False, focus: str | None = None) -> Stack:
    """A random stack of 2-7 layers (fewer when a layer fails: the stack stops there).

    dynamic: some input dims are None (`Input(shape=(None, None, 3))`), mostly spatial ones,
      sometimes the channels (which Keras refuses for any layer with a kernel).
    focus: a Keras class name (FAMILY_NAMES) that the stack must contain, as one of its first
      three layers: hypothesis draws cluster, and this is what guarantees every family is seen.
    """
    if focus is None:
        rank = _weighted(draw, [(4, 3), (3, 2), (1, 1), (2, 4)])
        embed = rank == 1 and _chance(draw, 40)
    else:
        rank = draw(st.sampled_from(FOCUS[focus][1]))
        embed = focus == "Embedding"
    shape = _input_shape(draw, rank)
    if dynamic:
        free = [i for i in range(len(shape) - 1) if _chance(draw, 50)] or [0]
        if rank == 1 or _chance(draw, 10):
            free.append(len(shape) - 1)
        shape = tuple(None if i in free else d for i, d in enumerate(shape))
    count = draw(st.integers(2, 7))
    at = 0 if focus in (None, "Embedding") else draw(st.integers(0, min(2, count - 1)))
    layers = []
    current = shape
    for i in range(count):
        if i == 0 and embed:
            layer = embedding(draw, current)
        elif focus is not None and i == at:
            layer = FOCUS[focus][0](draw, current)
        elif focus is not None and i < at:
            layer = _keeping_rank(draw, current)
        else:
            layer = _next_layer(draw, current)
        layers.append(layer)
        if layer.expect is None:  # Keras stops at the first failure; so does the stack
            break
        current = layer.expect
        if len(current) == 1 and len(shape) > 1 and _chance(draw, 40):
            break  # a classifier head: few Dense chains after the image part
    style = _weighted(draw, [(1, "list"), (1, "add"), (1, "functional")])
    imports = _weighted(draw, [(3, "keras"), (1, "keras_only"), (2, "from"), (1, "tf")])
    stack = Stack(shape, layers, style, imports)
    stack.source = render(draw, stack)
    return stack


# ---------------------------------------------------------------------------------------------
# Rendering


CONSTANT_NAMES = {"filters": "FILTERS", "kernel_size": "K", "units": "UNITS",
                  "pool_size": "POOL", "strides": "STRIDES", "size": "UP", "n": "REPEAT",
                  "output_dim": "EMBED_DIM", "input_dim": "VOCAB", "padding": "PAD",
                  "cropping": "CROP", "dilation_rate": "DILATION", "target_shape": "TARGET"}
DIM_NAMES = {1: ("FEATURES",), 2: ("STEPS", "FEATURES"), 3: ("H", "W", "C"),
             4: ("D", "H", "W", "C")}


class _Constants:
    def __init__(self):
        self.lines: list[str] = []
        self.by_value: dict[tuple, str] = {}
        self.taken: set[str] = set()

    def name_for(self, base, value) -> str:
        key = (base, value)
        if key not in self.by_value:
            name, n = base, 1
            while name in self.taken:
                n += 1
                name = f"{base}_{n}"
            self.taken.add(name)
            self.by_value[key] = name
            self.lines.append(f"{name} = {value!r}")
        return self.by_value[key]


ALIASES = {  # other names keras.layers exports for the same class
    **{f"AveragePooling{n}D": f"AvgPool{n}D" for n in (1, 2, 3)},
    **{f"MaxPooling{n}D": f"MaxPool{n}D" for n in (1, 2, 3)},
    **{f"GlobalAveragePooling{n}D": f"GlobalAvgPool{n}D" for n in (1, 2, 3)},
    **{f"GlobalMaxPooling{n}D": f"GlobalMaxPool{n}D" for n in (1, 2, 3)},
    **{f"Conv{n}D": f"Convolution{n}D" for n in (1, 2, 3)},
    **{f"Conv{n}DTranspose": f"Convolution{n}DTranspose" for n in (1, 2, 3)},
    **{f"SeparableConv{n}D": f"SeparableConvolution{n}D" for n in (1, 2)},
}
LIST_OK = {"kernel_size", "strides", "dilation_rate", "pool_size", "padding", "cropping",
           "target_shape", "dims", "output_padding"}  # Keras takes a list as well as a tuple
# Channel counts are sometimes computed from a constant, as in `filters=BASE * 2`.
EXPRESSION_OK = {"filters", "units"}


def _literal(value, as_list=False) -> str:
    if isinstance(value, tuple) and as_list:
        return f"[{', '.join(_literal(v, True) for v in value)}]"
    return repr(value)


def _render_value(draw, consts, arg) -> str:
    v = arg.value
    base = CONSTANT_NAMES.get(arg.name)
    constable = isinstance(v, int) and not isinstance(v, bool) or (
        isinstance(v, tuple) and all(isinstance(x, int) for x in v))
    if base and constable and _chance(draw, 15):
        if arg.name in EXPRESSION_OK and v >= 2 and _chance(draw, 40):
            if v % 2 == 0:
                return f"{consts.name_for('BASE', v // 2)} * 2"
            return f"{consts.name_for('BASE', v - 1)} + 1"
        return consts.name_for(base, v)
    return _literal(v, arg.name in LIST_OK and _chance(draw, 10))


def _render_call(draw, consts, layer, spelling, extra=()) -> str:
    parts = []
    for arg in layer.args:
        text = _render_value(draw, consts, arg)
        parts.append(text if arg.positional else f"{arg.name}={text}")
    parts.extend(extra)
    return f"{spelling}({', '.join(parts)})"


def _render_shape(draw, consts, shape) -> str:
    mode = _weighted(draw, [(4, "literal"), (2, "names"), (1, "constant")])
    if mode == "constant":
        return consts.name_for("INPUT_SHAPE", tuple(shape))
    if mode == "names":
        names = DIM_NAMES[len(shape)]
        named = draw(st.integers(1, len(shape)))
        if named > 1:
            consts.taken.update(names[:named])
            consts.lines.append(f"{', '.join(names[:named])} = "
                                f"{', '.join(str(v) for v in shape[:named])}")
        else:
            consts.taken.add(names[0])
            consts.lines.append(f"{names[0]} = {shape[0]}")
        items = list(names[:named]) + [str(v) for v in shape[named:]]
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
    return _literal(tuple(shape))


def render(draw, stack: Stack) -> str:
    imports = stack.imports
    spellings = [ALIASES[layer.name] if layer.name in ALIASES and _chance(draw, 15) else layer.name
                 for layer in stack.layers]
    used = sorted(set(spellings))
    if imports == "keras":
        header = ["import keras", "from keras import layers"]
        seq, model, inp, prefix = "keras.Sequential", "keras.Model", "keras.Input", "layers."
    elif imports == "keras_only":
        header = ["import keras"]
        seq, model, inp, prefix = ("keras.Sequential", "keras.Model", "keras.Input",
                                   "keras.layers.")
    elif imports == "tf":
        header = ["from tensorflow import keras", "from tensorflow.keras import layers"]
        seq, model, inp, prefix = "keras.Sequential", "keras.Model", "keras.Input", "layers."
    else:
        header = ["from keras.models import Model, Sequential",
                  f"from keras.layers import {', '.join(['Input', *used])}"]
        seq, model, inp, prefix = "Sequential", "Model", "Input", ""

    consts = _Constants()
    shape_text = _render_shape(draw, consts, stack.input_shape)
    form = _weighted(draw, [(12, "shape"), (5, "positional"), (2, "batch_size"),
                            (1, "batch_shape")] + ([(2, "InputLayer")]
                                                   if stack.style != "functional" else []))
    batch = draw(st.integers(1, 16)) if form in ("batch_size", "batch_shape") else None
    stack.batch = batch
    if form == "positional":
        input_call = f"{inp}({shape_text})"
    elif form == "batch_size":  # a fixed batch: Keras's batch dim is then this int
        input_call = f"{inp}(shape={shape_text}, batch_size={batch})"
    elif form == "batch_shape":
        input_call = f"{inp}(batch_shape={_literal((batch, *stack.input_shape))})"
    elif form == "InputLayer":
        input_call = f"{prefix}InputLayer(shape={shape_text})"
        if imports == "from":
            header[-1] += ", InputLayer"
    else:
        input_call = f"{inp}(shape={shape_text})"
    calls = []
    for i, (layer, spelling) in enumerate(zip(stack.layers, spellings)):
        extra = []
        if i == 0 and (stack.style == "add" and _chance(draw, 85)
                       or stack.style == "list" and _chance(draw, 20)):
            # Keras 2 style: the first layer carries the input shape
            input_call, stack.batch = None, None
            if (layer.name == "Dense" and len(stack.input_shape) == 1
                    and stack.input_shape[0] is not None and _chance(draw, 30)):
                extra.append(f"input_dim={stack.input_shape[0]}")
            else:
                extra.append(f"input_shape={shape_text}")
        if layer.name == "Embedding" and stack.input_shape[0] is not None and _chance(draw, 20):
            extra.append(f"input_length={stack.input_shape[0]}")  # ignored by Keras 3
        calls.append(_render_call(draw, consts, layer, prefix + spelling, extra))

    body: list[str] = []
    lines_of_calls: list[int] = []
    start = len(header) + 1 + (len(consts.lines) + 1 if consts.lines else 0)

    def emit(text, is_layer=False):
        if is_layer:
            lines_of_calls.append(start + len(body) + 1)
        body.append(text)

    if stack.style == "list":
        emit(f"model = {seq}([")
        if input_call is not None:
            emit(f"    {input_call},")
        for call in calls:
            emit(f"    {call},", True)
        emit("])")
    elif stack.style == "add":
        emit(f"model = {seq}()")
        if input_call is not None:
            emit(f"model.add({input_call})")
        for call in calls:
            emit(f"model.add({call})", True)
    else:
        emit(f"inputs = {input_call}")
        prev = "inputs"
        for i, call in enumerate(calls):
            target = "outputs" if i == len(calls) - 1 and _chance(draw, 30) else "x"
            emit(f"{target} = {call}({prev})", True)
            prev = target
        if _chance(draw, 50):
            emit(f"model = {model}(inputs, {prev})")
        else:
            emit(f"model = {model}(inputs=inputs, outputs={prev})")

    for layer, line in zip(stack.layers, lines_of_calls):
        layer.line = line
    text = header + [""] + ((consts.lines + [""]) if consts.lines else []) + body
    return "\n".join(text) + "\n"
