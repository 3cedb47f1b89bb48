"""Shared helpers for the oracle tests: real Keras 3 (TensorFlow backend), imported once.

kerasfix itself never imports TensorFlow; only the oracle tests do. CI installs
`tensorflow-cpu` (the `test` extra), so a missing Keras is a failure here, never a skip.
"""

from __future__ import annotations

import inspect
import os
import warnings

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"  # TensorFlow's C++ start-up chatter
os.environ["KERAS_BACKEND"] = "tensorflow"  # the oracle is TensorFlow's Keras 3 (architecture.md)

import keras  # the environment above must be set before this import

LAYERS = keras.layers

# What Keras 3 `Layer.__init__` takes besides its own keywords (keras/src/layers/layer.py:264-296):
# anything else in **kwargs raises "Unrecognized keyword arguments passed to <Layer>".
BASE_KEYWORDS = ("activity_regularizer", "trainable", "dtype", "autocast", "name",
                 "input_shape", "input_dim")
BASE_VALUES = {"activity_regularizer": "l1", "trainable": True, "dtype": "float32",
               "autocast": True, "name": "oracle_probe", "input_shape": (4,), "input_dim": 4}


def _identity(x):
    return x


# A valid value for each required (no default) constructor parameter, by parameter name.
REQUIRED = {
    "filters": 2,
    "kernel_size": 3,
    "units": 2,
    "rate": 0.5,
    "stddev": 0.1,
    "function": _identity,
    "input_dim": 10,
    "output_dim": 4,
    "pool_size": 2,
    "target_shape": (2,),
    "dims": (1,),
    "n": 2,
    "activation": "relu",
    "axes": -1,
    "num_heads": 2,
    "key_dim": 2,
    "equation": "ab,bc->ac",
    "output_shape": 2,
    "height": 2,
    "width": 2,
    "scale": 1.0,
    "factor": 0.1,
    "value_range": (0, 255),
    "num_bins": 2,
    "num_tokens": 2,
}
# Required parameters whose value is a fresh layer, or depends on the class.
FACTORIES = {
    "layer": lambda cls: LAYERS.LSTM(2) if cls is LAYERS.Bidirectional else LAYERS.Dense(2),
    "cell": lambda cls: LAYERS.SimpleRNNCell(2),
}


class NoSample(LookupError):
    """The test tables lack a value for a required constructor parameter."""


def own_parameters(cls) -> list[inspect.Parameter]:
    """The named parameters of `cls.__init__`, in order, without self, *args and **kwargs."""
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    return [p for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def takes_var_keywords(cls) -> bool:
    return any(p.kind is p.VAR_KEYWORD
               for p in inspect.signature(cls.__init__).parameters.values())


def required_arguments(cls) -> dict:
    args = {}
    for p in own_parameters(cls):
        if p.default is not p.empty:
            continue
        if p.name in FACTORIES:
            args[p.name] = FACTORIES[p.name](cls)
        elif p.name in REQUIRED:
            args[p.name] = REQUIRED[p.name]
        else:
            raise NoSample(f"tests/oracle_support.py REQUIRED has no value for the required "
                           f"parameter `{p.name}` of {cls.__name__}")
    return args


# Classes that need an argument their signature does not mark required, and the keywords that
# stand in for it: InputLayer raises "You must pass a `shape` argument" without one of them.
NEEDS = {
    "InputLayer": ({"shape": (4,)}, {"shape", "batch_shape", "input_shape", "batch_input_shape",
                                     "input_tensor"}),
}


def construct(cls, **extra):
    """Build `cls` from sample required arguments plus `extra`; return (layer, warning texts)."""
    args = required_arguments(cls)
    needed, alternatives = NEEDS.get(cls.__name__, ({}, set()))
    if not alternatives & set(extra):
        args.update(needed)
    args.update(extra)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layer = cls(**args)
    return layer, [str(w.message) for w in caught]


def layer_class(name: str):
    """The class `keras.layers.<name>`, or None when Keras 3 has no such name."""
    cls = getattr(LAYERS, name, None)
    return cls if isinstance(cls, type) else None


def comparable_config(layer) -> dict:
    """`get_config()` without the auto-generated layer names (`dense_3`, `forward_lstm_7`),
    which depend on how many layers the process built before; nested layer configs (wrappers)
    lose theirs too. Nothing else in a layer config is random: seeds stay None unless given."""
    config = dict(layer.get_config())
    config.pop("name", None)
    return _strip_names(config)


def _strip_names(obj):
    if isinstance(obj, dict):
        is_layer_config = "trainable" in obj and "name" in obj  # a nested layer's config
        return {k: _strip_names(v) for k, v in obj.items()
                if not (is_layer_config and k == "name")}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_strip_names(v) for v in obj)
    return obj


def input_shape_of(layer):
    """The `input_shape=`/`input_dim=` a layer was built with: get_config() does not show it."""
    shape = getattr(layer, "_input_shape_arg", None)
    return tuple(shape) if shape is not None else None


def public_layer_names() -> set[str]:
    return {n for n in dir(LAYERS) if not n.startswith("_")}
