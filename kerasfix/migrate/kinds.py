"""Could this literal be a value of that parameter?

Deciding whether `Dense(64, 'relu')` was written for Keras 1 (second positional = init) or
Keras 3 (second positional = activation) needs no guess when one reading is impossible: 'relu'
is no initializer. Each parameter has a kind; a literal that no value of that kind could be
makes the reading implausible. Anything that is not a literal (a name, a call) fits every kind.
"""

from __future__ import annotations

import ast

ACTIVATIONS = frozenset(
    "celu elu exponential gelu glu hard_shrink hard_sigmoid hard_silu hard_swish hard_tanh "
    "leaky_relu linear log_sigmoid log_softmax mish relu relu6 selu sigmoid silu soft_shrink "
    "softmax softplus softsign sparse_plus sparsemax squareplus swish tanh tanh_shrink "
    "threshold".split()
)
INITIALIZERS = frozenset(
    "constant glorot_normal glorot_uniform he_normal he_uniform identity lecun_normal "
    "lecun_uniform normal one ones orthogonal random_normal random_uniform truncated_normal "
    "uniform variance_scaling zero zeros".split()
)
PADDINGS = frozenset({"valid", "same", "full", "causal"})
DATA_FORMATS = frozenset({"channels_first", "channels_last"})
DIM_ORDERINGS = frozenset({"th", "tf", "default"})

_Number = (int, float)


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _ints(v: object) -> bool:
    """An int, or a tuple/list whose literal items are ints."""
    if _is_int(v):
        return True
    return isinstance(v, (tuple, list)) and all(_is_int(x) or x is _OPAQUE for x in v)


class _Opaque:
    """A non-literal element inside a literal container, e.g. the `k` in `(k, 3)`."""


_OPAQUE = _Opaque()


def _str_in(choices: frozenset[str]):
    return lambda v: v is None or (isinstance(v, str) and v in choices)


def _not_scalar(v: object) -> bool:
    return v is None or not isinstance(v, (bool, int, float, str, tuple, list, dict))


KIND_CHECKS = {
    "int": _is_int,
    "int_or_tuple": _ints,
    "number": lambda v: isinstance(v, _Number) and not isinstance(v, bool),
    "float_or_int": lambda v: isinstance(v, _Number) and not isinstance(v, bool),
    "activation": _str_in(ACTIVATIONS),
    "initializer": _str_in(INITIALIZERS),
    "padding": _str_in(PADDINGS),
    "data_format": _str_in(DATA_FORMATS),
    "dim_ordering": _str_in(DIM_ORDERINGS),
    "bool": lambda v: isinstance(v, bool),
    "regularizer": lambda v: v is None or isinstance(v, str) or _not_scalar(v),
    "weights": lambda v: v is None or isinstance(v, (list, tuple)) or _not_scalar(v),
    "shape": lambda v: v is None or isinstance(v, (tuple, list)),
    "dict": lambda v: v is None or isinstance(v, dict),
    "callable": lambda v: v is None or _not_scalar(v),
    "any": lambda v: True,
}

# Default kind of every parameter name the layer rules bind positionally. A record may
# override one (`kinds = { padding = "int_or_tuple" }` for ZeroPadding2D).
PARAM_KINDS = {
    **dict.fromkeys(
        "filters nb_filter units output_dim input_dim nb_row nb_col kernel_dim1 kernel_dim2 "
        "kernel_dim3 filter_length length depth_multiplier nb_feature groups axis seed".split(),
        "int",
    ),
    **dict.fromkeys(
        "kernel_size strides subsample subsample_length pool_size pool_length stride "
        "dilation_rate atrous_rate size cropping output_padding".split(),
        "int_or_tuple",
    ),
    **dict.fromkeys(
        "init inner_init kernel_initializer recurrent_initializer bias_initializer "
        "depthwise_initializer pointwise_initializer embeddings_initializer beta_init gamma_init "
        "beta_initializer gamma_initializer alpha_initializer".split(),
        "initializer",
    ),
    **dict.fromkeys("activation inner_activation recurrent_activation".split(), "activation"),
    **dict.fromkeys(
        "W_regularizer b_regularizer U_regularizer activity_regularizer kernel_regularizer "
        "bias_regularizer recurrent_regularizer embeddings_regularizer W_constraint "
        "b_constraint kernel_constraint bias_constraint embeddings_constraint "
        "depthwise_regularizer pointwise_regularizer depthwise_constraint "
        "pointwise_constraint".split(),
        "regularizer",
    ),
    **dict.fromkeys(
        "bias use_bias mask_zero return_sequences return_state go_backwards stateful unroll "
        "center scale".split(),
        "bool",
    ),
    **dict.fromkeys(
        "epsilon momentum p rate sigma stddev dropout_W dropout_U dropout recurrent_dropout "
        "alpha negative_slope theta".split(),
        "number",
    ),
    "border_mode": "padding",
    "padding": "padding",
    "dim_ordering": "dim_ordering",
    "data_format": "data_format",
    "weights": "weights",
    "output_shape": "shape",
    "input_length": "int",
    "arguments": "dict",
    "mask": "callable",
    "function": "callable",
    "noise_shape": "shape",
}


def literal(node: ast.expr | None) -> object:
    """The Python value of a literal expression, `_OPAQUE` for anything else.

    Containers keep their literal items and mark the rest opaque, so `(k, 3)` still reads
    as a tuple of ints.
    """
    if node is None:
        return _OPAQUE
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = literal(node.operand)
        return -inner if isinstance(inner, _Number) else _OPAQUE
    if isinstance(node, (ast.Tuple, ast.List)):
        items = [literal(e) if not isinstance(e, ast.Name) else _OPAQUE for e in node.elts]
        return tuple(items) if isinstance(node, ast.Tuple) else items
    if isinstance(node, ast.Dict):
        return {}
    return _OPAQUE


def plausible(param: str, value: object, overrides: dict[str, str]) -> bool:
    """Whether a literal `value` could be an argument for `param`; opaque values always can."""
    if value is _OPAQUE:
        return True
    kind = overrides.get(param) or PARAM_KINDS.get(param, "any")
    return KIND_CHECKS[kind](value)
