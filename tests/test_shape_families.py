"""The shape formulas (kerasfix/shapes/families, layers.py) against real Keras 3.

The ground truth is a real build: `keras.Input(shape=input_shape[1:])` then `layer(x)`.
`compute_output_shape` alone is not enough: pooling, cropping and reshape only raise from
`call`, and conv channel checks only from `build`. For every random configuration (tests/
shape_family_cases.py) the formulas must give Keras' output shape where Keras builds, and
raise ShapeError where Keras fails, with a code that fits Keras' message.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kerasfix.shapes import errors, layers
from kerasfix.shapes.dims import UNKNOWN, UNKNOWN_RANK
from kerasfix.shapes.errors import ShapeError
from kerasfix.shapes.spec import LayerSpec
from tests import shape_family_cases as cases
from tests.oracle_support import keras  # sets TF_CPP_MIN_LOG_LEVEL and KERAS_BACKEND first

ORACLE = settings(max_examples=200, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROPERTY = settings(max_examples=200, deadline=None, derandomize=True)

# Which of our codes fit a Keras error message (first match wins). A message not listed
# (e.g. "Kernel shape must have the same length as input") accepts any code.
_KERAS_FAMILIES = (
    ("zero or negative", {errors.NEGATIVE, errors.ZERO}),
    ("Negative dimensions are not allowed", {errors.NEGATIVE}),
    ("`cropping`", {errors.CROPPING, errors.ARGUMENT}),
    ("total size of the tensor", {errors.RESHAPE}),
    ("matching shapes except", {errors.MERGE}),
    ("Inputs have incompatible shapes", {errors.MERGE}),
    ("Incompatible input shapes", {errors.MERGE}),
    ("found ndim=", {errors.RANK}),
    ("at least 3 dimensions", {errors.RANK}),
    ("fully-defined", {errors.UNDEFINED}),
    ("should have a defined dimension", {errors.UNDEFINED}),
    ("static input shapes", {errors.UNDEFINED}),
    ("'NoneType'", {errors.UNDEFINED}),
    ("`strides > 1`", {errors.ARGUMENT}),
    ("`padding`", {errors.ARGUMENT}),
    ("groups", {errors.ARGUMENT}),
    ("merge mode", {errors.ARGUMENT}),
)


def to_keras(spec: LayerSpec):
    kwargs = {k: to_keras(v) if isinstance(v, LayerSpec) else v for k, v in spec.kwargs.items()}
    return getattr(keras.layers, spec.name)(**kwargs)


def _shape(out):
    if isinstance(out, (list, tuple)):
        return [tuple(t.shape) for t in out]
    return tuple(out.shape)


def keras_outcome(spec: LayerSpec, shapes: list, default_format: str):
    """(output shape, None) if Keras 3 builds the layer on these inputs, else (None, error)."""
    previous = keras.config.image_data_format()
    keras.config.set_image_data_format(default_format)  # what data_format=None resolves to
    try:
        layer = to_keras(spec)
        xs = [keras.Input(shape=s[1:]) for s in shapes]
        out = layer(xs if spec.name in layers._MERGES else xs[0])
        return _shape(out), None
    except Exception as e:  # noqa: BLE001 - any refusal by Keras is the fact under test
        return None, f"{type(e).__name__}: {e}".replace("\x1b[1m", "").replace("\x1b[0m", "")
    finally:
        keras.config.set_image_data_format(previous)


def assert_agrees(spec: LayerSpec, shapes: list, default_format: str) -> None:
    expected, keras_error = keras_outcome(spec, shapes, default_format)
    context = f"{spec.name}({spec.kwargs}) on {shapes}, default {default_format}"
    try:
        ours, our_error = layers.output_shape(spec, shapes, default_format), None
    except ShapeError as e:
        ours, our_error = None, e
    if keras_error is None:
        assert our_error is None, (
            f"{context}: Keras builds {expected}, we raise {our_error.code}: {our_error.message}")
        assert ours == expected, f"{context}: ours {ours}, Keras {expected}"
        return
    assert our_error is not None, f"{context}: Keras fails ({keras_error[:300]}), we give {ours}"
    if spec.name in ("TimeDistributed", "Bidirectional"):
        return  # Keras builds the wrapped layer without its rank check: its first error differs
    for fragment, codes in _KERAS_FAMILIES:
        if fragment in keras_error:
            assert our_error.code in codes, (
                f"{context}: Keras says {keras_error[:300]!r}; we say {our_error.code} "
                f"{our_error.message}")
            break


@pytest.mark.oracle
@ORACLE
@given(cases.conv_cases())
def test_conv_family_matches_keras(case):
    assert_agrees(*case)


@pytest.mark.oracle
@ORACLE
@given(cases.pooling_cases())
def test_pooling_family_matches_keras(case):
    assert_agrees(*case)


@pytest.mark.oracle
@ORACLE
@given(cases.spatial_cases())
def test_spatial_family_matches_keras(case):
    assert_agrees(*case)


@pytest.mark.oracle
@ORACLE
@given(cases.reshape_cases())
def test_reshape_family_matches_keras(case):
    assert_agrees(*case)


@pytest.mark.oracle
@ORACLE
@given(cases.core_cases())
def test_core_family_matches_keras(case):
    assert_agrees(*case)


@pytest.mark.oracle
@ORACLE
@given(cases.recurrent_cases())
def test_recurrent_family_matches_keras(case):
    assert_agrees(*case)


@pytest.mark.oracle
@ORACLE
@given(cases.merge_cases())
def test_merge_family_matches_keras(case):
    assert_agrees(*case)


@pytest.mark.oracle
def test_aliases_are_keras_aliases():
    """Every alias that still exists in Keras 3 is the very class we map it to."""
    for alias, name in layers._ALIASES.items():
        if hasattr(keras.layers, alias) and alias[0].isupper():
            assert getattr(keras.layers, alias) is getattr(keras.layers, name), alias


# --- properties that need no Keras ----------------------------------------------------------

_SIZE_CODES = {errors.NEGATIVE, errors.ZERO, errors.CROPPING, errors.RESHAPE, errors.MERGE}


@PROPERTY
@given(st.one_of(cases.conv_cases(), cases.pooling_cases(), cases.spatial_cases()))
def test_unknown_sizes_never_raise_size_errors(case):
    spec, shapes, fmt = case
    shape = (None,) + (UNKNOWN,) * (len(shapes[0]) - 1)
    try:
        layers.output_shape(spec, [shape], fmt)
    except ShapeError as e:
        assert e.code not in _SIZE_CODES, f"{spec} on unknown sizes: {e.code} {e.message}"


_WINDOW_ARGUMENTS = st.one_of(
    st.tuples(cases.conv_cases(), st.sampled_from(["kernel_size", "strides", "padding"])),
    st.tuples(cases.pooling_cases(), st.sampled_from(["pool_size", "strides"])),
    st.tuples(cases.spatial_cases(), st.just("window")),
)
_SPATIAL_ARGUMENT = {"ZeroPadding": "padding", "Cropping": "cropping", "UpSampling": "size"}


@PROPERTY
@given(_WINDOW_ARGUMENTS)
def test_unknown_window_arguments_never_raise_size_errors(case_key):
    """An argument that shapes every spatial axis, if unknown, leaves nothing to report."""
    (spec, shapes, fmt), key = case_key
    key = _SPATIAL_ARGUMENT.get(spec.name[:-2], key)
    spec = LayerSpec(spec.name, {**spec.kwargs, key: UNKNOWN})
    try:
        layers.output_shape(spec, shapes, fmt)
    except ShapeError as e:
        assert e.code not in _SIZE_CODES, f"{spec} with {key} unknown: {e.code} {e.message}"


@PROPERTY
@given(cases.conv_cases())
def test_unknown_filters_give_unknown_channels(case):
    spec, shapes, fmt = case
    if "filters" not in spec.kwargs:
        return
    spec = LayerSpec(spec.name, {**spec.kwargs, "filters": UNKNOWN})
    try:
        out = layers.output_shape(spec, shapes, fmt)
    except ShapeError:
        return
    channel = 1 if layers.data_format_of(spec, fmt) == cases.CF else -1
    assert out[channel] is UNKNOWN


@PROPERTY
@given(st.sampled_from(sorted(layers.SUPPORTED)),
       st.dictionaries(st.sampled_from(["kernel_size", "filters", "units", "pool_size", "axis",
                                        "padding", "strides", "target_shape", "layer", "size"]),
                       st.one_of(st.text(max_size=3), st.floats(), st.just([]), st.none())),
       st.lists(st.one_of(st.just(UNKNOWN_RANK), st.tuples(st.none(), cases.DIM)), min_size=1,
                max_size=2))
def test_garbage_arguments_never_crash(name, kwargs, shapes):
    try:
        layers.output_shape(LayerSpec(name, kwargs), shapes, cases.CL)
    except ShapeError:
        pass


def test_unknown_layers_and_unknown_rank_inputs():
    assert layers.output_shape(LayerSpec("MyLayer", {}), [(None, 3)], cases.CL) is UNKNOWN_RANK
    conv = LayerSpec("Conv2D", {"filters": 8, "kernel_size": 3})
    # Conv2D accepts rank 4 only, so an input of unknown rank that builds has rank 4.
    assert layers.output_shape(conv, [UNKNOWN_RANK], cases.CL) == (UNKNOWN,) * 3 + (8,)
    assert layers.output_shape(conv, [(None, None, UNKNOWN, 3)], cases.CL) == (
        None, None, UNKNOWN, 8)


@pytest.mark.parametrize("n, k, s, d, expected", [
    (28, 3, 1, 1, 30),  # len = n + k - 1
    (1, 5, 1, 1, 5),  # 'full' never shrinks: where 'valid' fails, 'full' grows
    (10, 3, 2, 1, 6),  # ceil((10 + 2) / 2)
    (7, 3, 3, 1, 3),  # ceil(9 / 3)
    (5, 3, 1, 2, 9),  # Keras 2 dilated kernel: k_eff = 5
])
def test_keras1_full_border_mode(n, k, s, d, expected):
    spec = LayerSpec("Convolution1D", {"filters": 2, "kernel_size": k, "strides": s,
                                       "dilation_rate": d}, legacy={"border_mode": "full"})
    assert layers.output_shape(spec, [(None, n, 4)], cases.CL) == (None, expected, 2)


def test_messages_name_the_axis_and_the_arithmetic():
    spec = LayerSpec("Conv2D", {"filters": 8, "kernel_size": 5})
    with pytest.raises(ShapeError) as info:
        layers.output_shape(spec, [(None, 1, 28, 28)], cases.CL)
    assert info.value.code == errors.NEGATIVE
    assert "height" in info.value.message and "(1 - 5) // 1 + 1 = -3" in info.value.message
    assert "zero or negative" in info.value.runtime
    cf = LayerSpec("MaxPooling2D", {"data_format": "channels_first"})
    with pytest.raises(ShapeError) as info:
        layers.output_shape(cf, [(None, 3, 1, 9)], cases.CL)
    assert info.value.code == errors.ZERO and "height" in info.value.message
    assert "channels_first" in info.value.message
