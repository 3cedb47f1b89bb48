"""Oracle tests of the merge rules (KF250 `merge()`, KF251 `Merge`) against real Keras 3.

Keras 1.2.2's `Merge.call` [K1 engine/topology.py] is written out below in NumPy, with the
Keras 1 TensorFlow backend's `batch_dot` [K1 backend/tensorflow_backend.py]. For each mode,
kerasfix rewrites a Keras 1 snippet, Keras 3 runs the result on random inputs, and the
output must be what Keras 1 computed."""

from __future__ import annotations

import numpy as np
import pytest

from kerasfix.engine import Settings, run_source
from kerasfix.selection import Selection
from tests.oracle_support import keras

pytestmark = pytest.mark.oracle

RNG = np.random.default_rng(1)
K1_EPSILON = 1e-7  # Keras 1 `K.epsilon()` (_EPSILON = 10e-8)


# --- Keras 1.2.2 Merge.call, in NumPy ------------------------------------------------------------

def k1_dot_axes(dot_axes, x, y) -> list[int]:
    """Merge._arguments_validation: a negative int counts from the end of each input."""
    if isinstance(dot_axes, int):
        return [dot_axes % x.ndim, dot_axes % y.ndim] if dot_axes < 0 else [dot_axes] * 2
    return list(dot_axes)


def k1_batch_dot(x, y, axes):
    if isinstance(axes, int):
        axes = (axes, axes)
    if x.ndim == 2 and y.ndim == 2:
        if axes[0] == axes[1]:
            out = (x * y).sum(axis=axes[0])
        else:
            out = (x.T * y).sum(axis=axes[1])
    else:  # tf.matmul(x, y, adjoint_a=..., adjoint_b=...)
        a = x if axes[0] == x.ndim - 1 else np.swapaxes(x, -1, -2)
        b = np.swapaxes(y, -1, -2) if axes[1] == y.ndim - 1 else y
        out = a @ b
    return out[:, None] if out.ndim == 1 else out


def k1_merge(inputs, mode="sum", concat_axis=-1, dot_axes=-1):
    if callable(mode):
        return mode(inputs)
    if mode in ("sum", "ave"):
        s = sum(inputs[1:], inputs[0].copy())
        return s / len(inputs) if mode == "ave" else s
    if mode == "concat":
        return np.concatenate(inputs, axis=concat_axis)
    if mode == "mul":
        return np.prod(np.stack(inputs), axis=0)
    if mode == "max":
        return np.maximum.reduce(inputs)
    l1, l2 = inputs
    axes = k1_dot_axes(dot_axes, l1, l2)
    if mode == "dot":
        return k1_batch_dot(l1, l2, axes)
    if mode == "cos":
        denominator = np.sqrt(k1_batch_dot(l1, l1, axes) * k1_batch_dot(l2, l2, axes))
        denominator = np.maximum(denominator, K1_EPSILON)
        return np.expand_dims(k1_batch_dot(l1, l2, axes) / denominator, 1)
    raise ValueError(mode)


# --- run kerasfix, then Keras 3 ------------------------------------------------------------------

def rewrite(src: str, *, unsafe: bool) -> str:
    result = run_source(src.encode(), Settings(fix=True, unsafe_fixes=unsafe,
                                               selection=Selection(select=("KF25",))))
    assert result.new is not None, "kerasfix changed nothing"
    code = result.new.decode()
    assert "merge(" not in code and "Merge(" not in code
    return code


def keras3_output(code: str, shapes: list[tuple], values: list[np.ndarray]) -> np.ndarray:
    names = {f"shape{i}": s for i, s in enumerate(shapes)}
    exec(compile(code, "<kerasfix output>", "exec"), names)
    inputs = [names[n] for n in "abc"[:len(shapes)]]
    return keras.Model(inputs, names["out"]).predict(values, verbose=0)


def snippet(call: str, count: int) -> str:
    inputs = "".join(f"{n} = Input(shape=shape{i})\n" for i, n in enumerate("abc"[:count]))
    used = "Merge" if call.startswith("Merge") else "merge"
    return f"from keras.layers import Input, {used}\n{inputs}out = {call}\n"


CASES = [
    # (Keras 1 arguments after the input list, Keras 1 merge() keywords, input shapes)
    ("mode='sum'", dict(mode="sum"), [(4,), (4,)]),
    ("", dict(), [(4,), (4,)]),  # the default mode
    ("mode='sum'", dict(mode="sum"), [(3, 2), (3, 2), (3, 2)]),
    ("mode='mul'", dict(mode="mul"), [(4,), (4,), (4,)]),
    ("mode='ave'", dict(mode="ave"), [(4,), (4,), (4,)]),
    ("mode='max'", dict(mode="max"), [(2, 3), (2, 3)]),
    ("mode='concat'", dict(mode="concat"), [(4,), (3,)]),
    ("mode='concat', concat_axis=1", dict(mode="concat", concat_axis=1), [(2, 3), (5, 3)]),
    ("'concat', -2", dict(mode="concat", concat_axis=-2), [(2, 3), (5, 3)]),
    ("mode='dot'", dict(mode="dot"), [(4,), (4,)]),
    ("mode='dot', dot_axes=1", dict(mode="dot", dot_axes=1), [(4,), (4,)]),
    ("mode='dot', dot_axes=2", dict(mode="dot", dot_axes=2), [(3, 4), (5, 4)]),
    ("mode='dot', dot_axes=1", dict(mode="dot", dot_axes=1), [(3, 4), (3, 5)]),
    ("mode='dot'", dict(mode="dot"), [(3, 4), (2, 4)]),
    ("mode='dot', dot_axes=[1, 2]", dict(mode="dot", dot_axes=[1, 2]), [(3, 4), (5, 3)]),
]


@pytest.mark.parametrize("args,k1,shapes", CASES)
@pytest.mark.parametrize("form", ["function", "class"])
def test_each_mode_computes_what_keras1_did(args, k1, shapes, form):
    values = [RNG.standard_normal((3, *s)).astype("float32") for s in shapes]
    inputs = ", ".join("abc"[:len(shapes)])
    call = f"merge([{inputs}]{', ' if args else ''}{args})" if form == "function" else \
        f"Merge({'None, ' if args.startswith(chr(39)) else ''}{args})([{inputs}])"
    code = rewrite(snippet(call, len(shapes)), unsafe=False)
    np.testing.assert_allclose(keras3_output(code, shapes, values), k1_merge(values, **k1),
                               rtol=1e-5, atol=1e-5)


def test_cos_on_vectors_is_keras1s_cosine_with_one_axis_less():
    """K1G07: Keras 1 expanded the cosine's output once more (`K.expand_dims(output, 1)`): for
    (batch, n) inputs it returned (batch, 1, 1) where `Dot(normalize=True)` returns (batch, 1)
    (Keras 1's own compute_output_shape even said (batch, 1)). Same values: the fix is unsafe
    because of the rank."""
    values = [RNG.standard_normal((5, 6)).astype("float32") for _ in range(2)]
    for call in ("merge([a, b], mode='cos')", "Merge(mode='cos', dot_axes=1)([a, b])"):
        code = rewrite(snippet(call, 2), unsafe=True)
        keras3 = keras3_output(code, [(6,), (6,)], values)
        keras1 = k1_merge(values, mode="cos", dot_axes=1 if "dot_axes" in call else -1)
        assert (keras1.shape, keras3.shape) == ((5, 1, 1), (5, 1))
        np.testing.assert_allclose(keras3, keras1.reshape(keras3.shape), rtol=1e-5, atol=1e-6)


def test_cos_on_sequences_was_not_a_cosine_in_keras1():
    """For 3-D inputs Keras 1 divided every pairwise dot product by sqrt(<x_i, x_j><y_i, y_j>),
    not by the norms: only the diagonal is the cosine `Dot(normalize=True)` computes."""
    values = [RNG.random((2, 3, 4)).astype("float32") + 0.1 for _ in range(2)]
    code = rewrite(snippet("merge([a, b], mode='cos', dot_axes=2)", 2), unsafe=True)
    keras3 = keras3_output(code, [(3, 4), (3, 4)], values)
    keras1 = k1_merge(values, mode="cos", dot_axes=2)[:, 0]
    diagonal = np.arange(3)
    np.testing.assert_allclose(keras3[:, diagonal, diagonal], keras1[:, diagonal, diagonal],
                               rtol=1e-5)
    assert not np.allclose(keras3, keras1)


@pytest.mark.parametrize("call,k1_mode", [
    ("merge([a, b], mode=lambda t: t[0] - 2 * t[1], output_shape=(4,))",
     lambda t: t[0] - 2 * t[1]),
    ("merge([a, b], mode=gap, output_shape=lambda shapes: shapes[0], name='gap')",
     lambda t: np.abs(t[0] - t[1])),
    ("Merge(mode=lambda t: t[0] * t[1], output_shape=(4,))([a, b])", lambda t: t[0] * t[1]),
])
def test_callable_modes_become_a_lambda_computing_the_same(call, k1_mode):
    src = snippet(call, 2).replace(
        "a = Input", "import keras\ndef gap(t):\n    return keras.ops.abs(t[0] - t[1])\na = Input")
    code = rewrite(src, unsafe=True)
    values = [RNG.standard_normal((3, 4)).astype("float32") for _ in range(2)]
    np.testing.assert_allclose(keras3_output(code, [(4,), (4,)], values), k1_mode(values),
                               rtol=1e-6)


def test_name_is_carried():
    code = rewrite(snippet("merge([a, b], mode='concat', name='joined')", 2), unsafe=False)
    names = {"shape0": (2,), "shape1": (3,)}
    exec(compile(code, "<kerasfix output>", "exec"), names)
    assert keras.Model([names["a"], names["b"]], names["out"]).layers[-1].name == "joined"


@pytest.mark.parametrize("surface", ["keras.layers", "keras._tf_keras.keras.layers"])
@pytest.mark.parametrize("name", ["merge", "Merge"])
def test_merge_and_Merge_are_gone(surface, name):
    import importlib

    assert not hasattr(importlib.import_module(surface), name)
    with pytest.raises(ImportError):
        exec(f"from keras.layers import {name}", {})


# --- a whole Keras 1 functional program, every rule, --unsafe-fixes -------------------------------

FUNCTIONAL_PROGRAM = """\
import numpy as np
from keras.layers import Input, Dense, merge
from keras.models import Model

left = Input(shape=(4,))
right = Input(shape=(4,))
l = Dense(8, activation='relu', init='glorot_uniform')(left)
r = Dense(8, activation='relu')(right)
joined = merge([l, r], mode='concat', concat_axis=-1)
summed = merge([l, r], mode='sum', name='residual')
out = Dense(3, activation='softmax')(merge([joined, summed], mode='concat'))
model = Model(input=[left, right], output=out)
model.compile(loss='categorical_crossentropy', optimizer='sgd', metrics=['accuracy'])
history = model.fit([xa, xb], y, batch_size=8, nb_epoch=1, verbose=0)
classes = model.predict_classes([xa, xb], verbose=0)
"""


def test_a_keras1_functional_program_with_merges_trains_in_keras3():
    result = run_source(FUNCTIONAL_PROGRAM.encode(), Settings(fix=True, unsafe_fixes=True))
    code = result.new.decode()
    for legacy in ("merge(", "input=", "output=", "nb_epoch", "init=", "predict_classes"):
        assert legacy not in code
    xa, xb = (RNG.random((16, 4)).astype("float32") for _ in range(2))
    y = np.eye(3, dtype="float32")[RNG.integers(0, 3, 16)]
    names = {"xa": xa, "xb": xb, "y": y}
    exec(compile(code, "<kerasfix output>", "exec"), names)
    model = names["model"]
    assert len(names["history"].history["loss"]) == 1
    assert model.get_layer("residual").__class__ is keras.layers.Add
    expected = model.predict([xa, xb], verbose=0).argmax(axis=-1)
    np.testing.assert_array_equal(names["classes"], expected)
