"""The backend rules (KF300-KF321) against real Keras 3 and TensorFlow 2.21.

Under TF >= 2.16, `tf.keras.backend` is `keras._tf_keras.keras.backend`, whose legacy functions
are `keras.src.legacy.backend`: the tf.keras 2 implementations Keras 3 keeps for compatibility
(checked below). Every `K.fn -> keras.ops` mapping the rules emit is run both ways on the same
small random inputs: the legacy call through `from tensorflow.keras import backend as K`, and the
call kerasfix rewrote from `from keras import backend as K` under Keras 3; the results must
match. The signatures and defaults in rules/program/backend.toml are checked against both
APIs, and each pitfall a rule exists for is shown to be real.
"""

from __future__ import annotations

import inspect
import re
import warnings
from dataclasses import dataclass

import numpy as np
import pytest

from kerasfix.migrate.program import backend as B
from kerasfix.migrate.program.loader import load_program_rules
from tests.harness import fixed_text, run

warnings.filterwarnings("ignore")
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import ops  # noqa: E402

pytestmark = pytest.mark.oracle

LEGACY = tf.keras.backend
RULES = [r for r in load_program_rules().rules if r.file == "program/backend.toml"]
TABLE = {fn: (rule, spec) for rule in RULES
         for fn, spec in rule.data.get("functions", {}).items()}
MAPPED = {fn for fn, (_, spec) in TABLE.items() if "manual" not in spec}
RANDOM = {fn for fn in MAPPED if TABLE[fn][0].id == "KF312"}
# Legacy functions tf.keras 2.21 no longer has: Keras 1 names, and Keras 2 ones TF dropped.
# Their legacy behaviour, from the source: [K1] 1.2.2:keras/backend/tensorflow_backend.py,
# [K2] 2.2.4:keras/backend/tensorflow_backend.py.
NOT_IN_TF_KERAS = {"lesser", "lesser_equal", "pack", "logsumexp", "get_variable_shape",
                   "random_binomial"}


def _public(module) -> set[str]:
    return {n for n in dir(module) if not n.startswith("_")}


# --- the names tables --------------------------------------------------------------------------

def test_keras3_backend_names_table():
    assert B.backend_names()["keras3"] == _public(keras.backend)


def test_tf_keras_backend_names_table():
    assert B.backend_names()["tf_keras"] == _public(LEGACY)


def test_tf_keras_backend_is_the_legacy_implementation():
    import keras._tf_keras.keras.backend as kept

    assert kept is LEGACY
    assert LEGACY.sum.__module__ == "keras.src.legacy.backend"
    assert LEGACY.epsilon is keras.backend.epsilon  # the kept Keras 3 names are the same


def test_every_legacy_name_the_rules_see_is_gone_from_keras3():
    for rule in RULES:
        for qualname in rule.calls:
            assert not hasattr(keras.backend, qualname.rpartition(".")[2]), qualname
    # ... and these never reached TF 2.21's tf.keras either (the manual rules)
    for name in ("function", "placeholder", "learning_phase", "set_learning_phase",
                 "get_session", "set_session", "in_train_phase", "in_test_phase",
                 "image_dim_ordering", "set_image_dim_ordering", "random_binomial"):
        assert not hasattr(LEGACY, name), name


def test_spelled_names_exist_in_both_flavours():
    from tensorflow.keras import ops as tf_ops

    assert tf_ops is keras.ops
    targets = {spec.get("to", fn) for fn, spec in _specs() if not _template_only(spec)}
    targets |= {m.group(1) for _, spec in _specs()
                for m in re.finditer(r"\{(keras\.[\w.]+)\}", str(spec))}
    for to in targets:
        if to.startswith("keras."):
            for root in (keras, tf.keras):
                obj = root
                for part in to.split(".")[1:]:
                    obj = getattr(obj, part)
        else:
            assert callable(getattr(ops, to)), to
    assert callable(tf.keras.random.normal) and callable(tf.keras.activations.relu)


# --- signatures and defaults -----------------------------------------------------------------

def _params(fn) -> list[inspect.Parameter]:
    sig = inspect.signature(fn)
    return [p for p in sig.parameters.values() if p.name != "self"
            and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def _target(spec: dict, fn: str):
    to = spec.get("to", fn)
    obj = keras if to.startswith("keras.") else ops
    for part in (to.split(".")[1:] if to.startswith("keras.") else [to]):
        obj = getattr(obj, part)
    return obj.__init__ if isinstance(obj, type) else obj


def _template_only(spec: dict) -> bool:
    return "code" in spec and not spec.get("unless_nonnegative")


def _specs():
    for fn in sorted(MAPPED):
        spec = TABLE[fn][1]
        if "select" not in spec:
            yield fn, spec
        if "fallback" in spec:
            yield fn, {k: v for k, v in {**spec, **spec["fallback"]}.items() if k != "fallback"}
        for choice in spec.get("select", {}).get("to", {}).values():
            yield fn, {**spec, "to": choice}


@pytest.mark.parametrize("fn,spec", list(_specs()), ids=lambda v: v if isinstance(v, str) else "")
def test_signatures(fn, spec):
    if fn not in NOT_IN_TF_KERAS:
        assert [p.name for p in _params(getattr(LEGACY, fn))] == spec["old"]
    if _template_only(spec):
        return  # a template: checked by running it
    new = _params(_target(spec, fn))
    names = [p.name for p in new]
    order = spec.get("order") or [n for n in spec.get("new", spec["old"]) if n]
    if spec.get("select"):
        order = [n for n in order if n]
    assert names[:len(order)] == order, (fn, names)  # what is written positionally lands right
    assert set(spec.get("add", {})) <= set(names)
    mapped = {n for n in spec.get("new", spec["old"]) if n}
    for p in new:  # nothing Keras 3 requires is left out
        if p.default is p.empty:
            assert p.name in mapped or p.name in spec.get("add", {}), (fn, p.name)


# Legacy defaults that differ from Keras 3's but mean the same (run by the samples below,
# which omit them): conv strides 1 vs (1, 1), and the like.
SAME_EFFECT = {("conv1d", "strides"), ("conv1d", "dilation_rate"), ("conv2d", "strides"),
               ("conv2d", "dilation_rate"), ("conv3d", "strides"), ("conv3d", "dilation_rate"),
               ("depthwise_conv2d", "strides"), ("depthwise_conv2d", "dilation_rate"),
               ("separable_conv2d", "strides"), ("separable_conv2d", "dilation_rate"),
               ("arange", "step"), ("arange", "dtype")}


@pytest.mark.parametrize("fn,spec", [(f, s) for f, s in _specs() if f not in NOT_IN_TF_KERAS],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_changed_defaults_are_written_out(fn, spec):
    if _template_only(spec):
        return
    legacy = {p.name: p.default for p in _params(getattr(LEGACY, fn))}
    new = {p.name: p.default for p in _params(_target(spec, fn))}
    for old_name, new_name in zip(spec["old"], spec.get("new", spec["old"])):
        if not new_name or legacy[old_name] is inspect.Parameter.empty:
            continue
        if legacy[old_name] == new.get(new_name) or (fn, old_name) in SAME_EFFECT:
            continue
        assert new_name in spec.get("add", {}), (fn, old_name, legacy[old_name])
        added = spec["add"][new_name]
        if "{" not in added:
            assert eval(added) == legacy[old_name], (fn, old_name)


# --- running both ---------------------------------------------------------------------------

RNG = np.random.RandomState(0)
ARRAYS = {
    "x": RNG.randn(3, 4), "y": RNG.randn(3, 4), "b": RNG.randn(4), "x3": RNG.randn(2, 3, 4),
    "y3": RNG.randn(5, 4, 6), "h": np.array([0.5, 1.5, 2.5, -0.5, 1.2, -2.5]),
    "mu": RNG.randn(4), "sd": RNG.rand(4) + 0.5, "beta": RNG.randn(4), "gamma": RNG.rand(4),
    "img": RNG.randn(2, 8, 8, 3), "k2": RNG.randn(3, 3, 3, 5), "seq": RNG.randn(2, 10, 3),
    "k1": RNG.randn(3, 3, 4), "vol": RNG.randn(2, 4, 4, 4, 3), "k3": RNG.randn(2, 2, 2, 3, 4),
    "dk": RNG.randn(3, 3, 3, 2), "pk": RNG.randn(1, 1, 6, 4),
}
INTS = {"idx": np.array([0, 4, 2]), "labels": np.array([0, 1, 3]), "rows": np.array([2, 0, 1]),
        "n": np.array([[1, 0], [0, 1]])}
TB = (RNG.rand(3, 4) > 0.5).astype("float32")


def _namespace(legacy: bool) -> dict:
    ns = {name: tf.constant(v.astype("float32")) for name, v in ARRAYS.items()}
    ns.update({name: tf.constant(v.astype("int32")) for name, v in INTS.items()})
    p = tf.nn.softmax(ns["x"])
    ns.update(p=p, pb=tf.sigmoid(ns["x"]), t=tf.one_hot([0, 1, 3], 4),
              tb=tf.constant(TB), np=np, tf=tf,
              inp=keras.Input((3, 4)))
    make = tf.Variable if legacy else keras.Variable
    ns.update(v=make(np.array([1.0, 2.0, 3.0], "float32")), w=make(np.ones((2, 2), "float32")))
    return ns


@dataclass(frozen=True)
class Sample:
    code: str  # statements setting `r`, run with `K` = the backend
    legacy: str = ""  # the legacy behaviour, when tf.keras no longer has the function
    source: str = "keras2"


S = Sample
SAMPLES = [
    S("r = K.abs(x)"), S("r = K.all(x > 0, axis=1)"), S("r = K.any(x > 0)"),
    S("r = K.arange(5)"), S("r = K.arange(1, 7, 2)"), S("r = K.arange(5.0)"),
    S("r = K.argmax(x)"), S("r = K.argmax(x, axis=0)"), S("r = K.argmin(x3)"),
    S("r = K.cast(x, 'int32')"), S("r = K.clip(x, min_value=-0.5, max_value=0.5)"),
    S("r = K.clip(x, 0.0, 1.0)"), S("r = K.concatenate([x, y])"),
    S("r = K.concatenate([x, y], axis=0)"), S("r = K.cos(x)"), S("r = K.cumsum(x)"),
    S("r = K.cumsum(x, axis=1)"), S("r = K.cumprod(x)"), S("r = K.dot(x, K.transpose(y))"),
    S("r = K.dot(x3, y3)"), S("r = K.dot(y=K.transpose(y), x=x)"), S("r = K.elu(x)"),
    S("r = K.elu(x, 0.5)"), S("r = K.equal(x, x)"), S("r = K.not_equal(x, y)"),
    S("r = K.greater(x, y)"), S("r = K.greater_equal(x, 0.0)"), S("r = K.less(x, y)"),
    S("r = K.less_equal(x, y)"), S("r = K.maximum(x, y)"), S("r = K.minimum(x, 0.0)"),
    S("r = K.exp(x)"), S("r = K.log(K.abs(x) + 1.0)"), S("r = K.expand_dims(x)"),
    S("r = K.expand_dims(x, 0)"), S("r = K.l2_normalize(x)"), S("r = K.l2_normalize(x, axis=1)"),
    S("r = K.logsumexp(x, 1)", legacy="r = tf.reduce_logsumexp(x, 1)"),  # [K2] logsumexp
    S("r = K.map_fn(lambda t: t * 2, x)"), S("r = K.max(x)"), S("r = K.min(x, 1, True)"),
    S("r = K.mean(x, axis=-1)"), S("r = K.mean(x > 0)"), S("r = K.prod(x, 0)"),
    S("r = K.std(x, 1)"), S("r = K.var(x)"), S("r = K.sum(x)"),
    S("r = K.sum(x, axis=1, keepdims=True)"), S("r = K.ndim(x3)"), S("r = K.dtype(x)"),
    S("r = K.one_hot(idx, 5)"), S("r = K.one_hot(indices=idx, num_classes=5)"),
    S("r = K.ones_like(x)"), S("r = K.zeros_like(x, dtype='int32', name='z')"),
    S("r = K.permute_dimensions(x3, (0, 2, 1))"),
    S("r = K.permute_dimensions(x3, pattern=(2, 0, 1))"), S("r = K.pow(x, 2)"),
    S("r = K.pow(K.abs(x), 0.5)"), S("r = K.relu(x)"), S("r = K.relu(x, alpha=0.1)"),
    S("r = K.relu(x, 0.1, 0.5, 0.2)"), S("r = K.relu(x, max_value=0.5)"),
    S("r = K.reshape(x, (2, 6))"), S("r = K.reshape(x, shape=(-1,))"), S("r = K.reverse(x, 1)"),
    S("r = K.reverse(x, axes=[0, 1])"), S("r = K.round(h)"), S("r = K.sigmoid(x)"),
    S("r = K.sign(x)"), S("r = K.sin(x)"), S("r = K.softplus(x)"), S("r = K.softsign(x)"),
    S("r = K.square(x)"), S("r = K.tanh(x)"), S("r = K.softmax(x)"),
    S("r = K.softmax(x3, axis=1)"), S("r = K.squeeze(K.expand_dims(x, 1), 1)"),
    S("r = K.stack([x, y])"), S("r = K.stack([x, y], axis=1)"), S("r = K.stop_gradient(x)"),
    S("r = K.tile(x, (2, 1))"), S("r = K.tile(b, 2)"), S("r = K.transpose(x)"),
    S("r = K.binary_crossentropy(tb, pb)"), S("r = K.binary_crossentropy(tb, x, from_logits=True)"),
    S("r = K.categorical_crossentropy(t, p)"), S("r = K.categorical_crossentropy(t, x, True)"),
    S("r = K.sparse_categorical_crossentropy(labels, p)"),
    S("r = K.flatten(x3)"), S("r = K.batch_flatten(x3)"),
    S("with K.name_scope('block'):\n    r = x * 2"),
    # Keras 1 (KF302): [K1] lesser/lesser_equal were tf.less/tf.less_equal, pack tf.pack
    S("r = K.lesser(x, y)", legacy="r = tf.less(x, y)", source="keras1"),
    S("r = K.lesser_equal(x, y)", legacy="r = tf.less_equal(x, y)", source="keras1"),
    S("r = K.pack([x, y])", legacy="r = tf.stack([x, y])", source="keras1"),
    # Keras 1 positional readings: [K1] categorical_crossentropy(output, target, ...) etc.
    S("r = K.categorical_crossentropy(p, t)", legacy="r = K.categorical_crossentropy(t, p)",
      source="keras1"),
    S("r = K.binary_crossentropy(pb, tb)", legacy="r = K.binary_crossentropy(tb, pb)",
      source="keras1"),
    S("r = K.sparse_categorical_crossentropy(p, labels)",
      legacy="r = K.sparse_categorical_crossentropy(labels, p)", source="keras1"),
    S("r = K.batch_normalization(x, mu, sd, beta, gamma, 1e-2)",
      legacy="r = K.batch_normalization(x, mu, sd, beta, gamma, epsilon=1e-2)", source="keras1"),
    S("r = K.expand_dims(x, dim=1)", legacy="r = K.expand_dims(x, axis=1)", source="keras1"),
    S("r = K.one_hot(idx, nb_classes=5)", legacy="r = K.one_hot(idx, 5)", source="keras1"),
    S("r = K.zeros_like(x, 'z')", legacy="r = K.zeros_like(x)", source="keras1"),
    S("r = K.pool2d(img, (2, 2), border_mode='same')",
      legacy="r = K.pool2d(img, (2, 2), padding='same')", source="keras1"),
    # the pitfall records
    S("r = K.switch(x > 0, x, y)"), S("r = K.switch(K.sum(x) > 0, x, y)"),
    S("r = K.repeat(x, 3)"), S("r = K.repeat_elements(x, 2, axis=1)"),
    S("r = K.repeat_elements(x3, 3, 0)"), S("r = K.gather(x, rows)"), S("r = K.gather(x3, n)"),
    S("r = K.in_top_k(p, labels, 2)"), S("r = K.batch_normalization(x, mu, sd, beta, gamma)"),
    S("r = K.batch_normalization(x, mu, sd, beta, gamma, epsilon=1e-2)"),
    S("r = K.batch_normalization(x, mu, sd, beta, gamma, -1)"),
    S("r = K.sqrt(x)"), S("r = K.sqrt(K.square(x))"),
    S("r = K.sqrt(K.maximum(K.sum(K.square(x - y), axis=1, keepdims=True), K.epsilon()))"),
    S("r = K.hard_sigmoid(x * 4)"), S("r = K.hard_sigmoid(-x - 1)"),
    S("r = K.shape(x)[0]"), S("r = K.shape(x)"), S("r = K.int_shape(x)"),
    S("r = K.int_shape(inp)"), S("r = K.get_variable_shape(w)", legacy="r = K.int_shape(w)"),
    # variables
    S("r = K.get_value(v)"), S("r = K.eval(x * 2)"), S("r = K.batch_get_value([v, w])"),
    S("K.set_value(v, [4.0, 5.0, 6.0])\nr = K.get_value(v)"),
    S("K.set_value(v, np.arange(3))\nr = K.get_value(v)"),
    S("K.update(v, v * 2)\nr = K.get_value(v)"), S("K.update_add(v, [1.0, 1.0, 1.0])\nr = v + 0"),
    S("K.update_sub(w, w)\nr = K.get_value(w)"), S("r = K.variable(3)"),
    S("r = K.get_value(K.variable(np.zeros((2, 2)), name='w'))"),
    S("r = K.variable([1, 2], dtype='int32')"), S("r = K.constant(1)"),
    S("r = K.constant([1, 2], dtype='int32')"), S("r = K.constant(2.0, 'float64', name='c')"),
    S("r = K.count_params(w)"),
    # tensors that were variables
    S("r = K.zeros((2, 3))"), S("r = K.zeros((2, 3), 'int32')"), S("r = K.ones((2, 3))"),
    S("r = K.eye(3)"), S("r = K.eye(2, dtype='int32')"), S("r = K.cast_to_floatx(labels)"),
    # convolutions and pooling
    S("r = K.conv1d(seq, k1)"), S("r = K.conv1d(seq, k1, strides=2, padding='same')"),
    S("r = K.conv2d(img, k2, strides=(2, 2), padding='same')"),
    S("r = K.conv2d(img, k2, dilation_rate=(2, 2))"), S("r = K.conv3d(vol, k3)"),
    S("r = K.depthwise_conv2d(img, dk)"), S("r = K.separable_conv2d(img, dk, pk)"),
    S("r = K.pool2d(img, (2, 2))"), S("r = K.pool2d(img, (2, 2), (2, 2), pool_mode='avg')"),
    S("r = K.pool3d(vol, (2, 2, 2))"),
]


def _value(r):
    if isinstance(r, (tuple, str, int)) and not isinstance(r, bool):
        return r
    if isinstance(r, list):
        return [_value(v) for v in r]
    return np.asarray(ops.convert_to_numpy(r))


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        dtypes = {a.dtype.name, b.dtype.name}
        return a.shape == b.shape and (len(dtypes) == 1 or dtypes == {"int32", "int64"}) and \
            np.allclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=True)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def _rewritten(sample: Sample) -> tuple[str, set[str]]:
    src = "from keras import backend as K\n" + sample.code
    result = run(src, fix=True, unsafe=True, source=sample.source)
    assert result.new is not None, sample.code
    out = result.new.decode()
    return out, {f.code for f in result.findings}


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.code.split("\n")[0][4:44])
def test_legacy_and_rewritten_agree(sample):
    new_src, found = _rewritten(sample)
    assert "K." not in re.sub(r"K\.(epsilon|floatx)\(\)", "", new_src), new_src
    legacy_ns, new_ns = _namespace(True), _namespace(False)
    exec("from tensorflow.keras import backend as K\n" + (sample.legacy or sample.code), legacy_ns)
    exec(new_src, new_ns)
    old, new = _value(legacy_ns["r"]), _value(new_ns["r"])
    assert _same(old, new), (sample.code, new_src, old, new)


def test_every_mapping_has_a_sample():
    sampled = {fn for s in SAMPLES for fn in TABLE if f"K.{fn}(" in s.code}
    assert MAPPED - RANDOM - sampled == set()


def test_int64_indices_only_where_the_rule_says_so():
    """`_same` lets int32 and int64 agree: only argmax/argmin change the index dtype."""
    for fn in ("argmax", "argmin"):
        assert "int32" in TABLE[fn][1]["note"]
        assert getattr(LEGACY, fn)(tf.constant(ARRAYS["x"])).dtype == tf.int64
        assert ops.argmax(ARRAYS["x"], axis=-1).dtype == "int32"


# --- random (KF312): same shapes, dtypes and distributions, never the same numbers ---------------

@pytest.mark.parametrize("code,low,high", [
    ("r = K.random_normal((200, 50), mean=1.0, stddev=0.5)", -2.0, 4.0),
    ("r = K.random_normal((200, 50), 1.0, 0.5, 'float32', 3)", -2.0, 4.0),
    ("r = K.random_uniform((200, 50), minval=-1, maxval=2)", -1.0, 2.0),
    ("r = K.truncated_normal((200, 50), stddev=0.1)", -0.2, 0.2),
])
def test_random_same_distribution(code, low, high):
    new_src, _ = _rewritten(Sample(code))
    ns_old, ns_new = _namespace(True), _namespace(False)
    exec("from tensorflow.keras import backend as K\n" + code, ns_old)
    exec(new_src, ns_new)
    old, new = _value(ns_old["r"]), _value(ns_new["r"])
    assert old.shape == new.shape and old.dtype == new.dtype
    assert low <= new.min() and new.max() <= high
    assert abs(old.mean() - new.mean()) < 0.05 and abs(old.std() - new.std()) < 0.05


def test_random_binomial_and_dropout():
    new_src, _ = _rewritten(Sample("r = K.random_binomial((400, 50), p=0.3)"))
    ns = _namespace(False)
    exec(new_src, ns)
    r = _value(ns["r"])
    legacy = _value(LEGACY.random_bernoulli((400, 50), p=0.3))  # [K1]/[K2] random_binomial
    assert r.dtype == legacy.dtype and set(np.unique(r)) <= {0.0, 1.0}
    assert abs(r.mean() - 0.3) < 0.02 and abs(legacy.mean() - 0.3) < 0.02
    new_src, _ = _rewritten(Sample("r = K.dropout(K.ones((400, 50)), 0.25)"))
    ns = _namespace(False)
    exec(new_src, ns)
    r = _value(ns["r"])
    assert np.allclose(r[r != 0], 1 / 0.75)
    assert abs((r == 0).mean() - 0.25) < 0.02


def test_random_int_seed_is_stateless_in_keras3():
    """Why KF312 is unsafe: an int seed repeats the same numbers at every call."""
    a = keras.random.normal((3,), seed=1)
    b = keras.random.normal((3,), seed=1)
    assert np.allclose(a, b)
    gen = keras.random.SeedGenerator(1)
    assert not np.allclose(keras.random.normal((3,), seed=gen), keras.random.normal((3,), seed=gen))


# --- the pitfalls are real -----------------------------------------------------------------------

X = ARRAYS["x"].astype("float32")


def test_default_axes_differ():
    assert LEGACY.concatenate([tf.constant(X), tf.constant(X)]).shape == (3, 8)
    assert ops.concatenate([X, X]).shape == (6, 4)
    assert LEGACY.argmax(tf.constant(X)).shape == (3,) and ops.argmax(X).shape == ()
    assert LEGACY.cumsum(tf.constant(X)).shape == (3, 4) and ops.cumsum(X).shape == (12,)
    with pytest.raises(TypeError):
        ops.expand_dims(X)
    assert not np.allclose(ops.normalize(X), LEGACY.l2_normalize(tf.constant(X)))
    assert ops.take(X, np.array([2, 0])).shape == (2,)  # flattened first
    assert ops.repeat(X, 3).shape == (36,)  # not (3, 3, 4)


def test_renamed_keywords_are_rejected():
    with pytest.raises(TypeError):
        ops.clip(X, min_value=0, max_value=1)
    with pytest.raises(TypeError):
        ops.dot(x=X, y=X.T)
    with pytest.raises(TypeError):
        ops.relu(X, alpha=0.1)
    with pytest.raises(TypeError):
        ops.expand_dims(X, dim=1)


def test_in_top_k_arguments_swapped():
    p = ops.convert_to_numpy(ops.softmax(X))
    labels = np.array([0, 1, 3], "int32")
    expected = LEGACY.in_top_k(tf.constant(p), tf.constant(labels), 2)
    assert np.array_equal(ops.in_top_k(labels, p, 2), expected)
    with pytest.raises(Exception):
        ops.in_top_k(p, labels, 2)


def test_batch_normalization_fourth_parameter_is_axis():
    names = [p.name for p in _params(ops.batch_normalization)]
    assert names[3] == "axis" and [p.name for p in _params(LEGACY.batch_normalization)][3] == \
        "beta"


def test_sqrt_and_hard_sigmoid_changed():
    assert np.isnan(ops.convert_to_numpy(ops.sqrt(-1.0)))
    assert float(LEGACY.sqrt(tf.constant(-1.0))) == 0.0
    assert np.isclose(float(LEGACY.hard_sigmoid(tf.constant(1.0))), 0.7)
    assert np.isclose(float(ops.hard_sigmoid(1.0)), 2 / 3, atol=1e-4)


def test_switch_with_a_lower_rank_condition_differs():
    cond = tf.constant(RNG.rand(2, 3) > 0.5)
    a, b = tf.constant(RNG.randn(2, 3, 4)), tf.constant(RNG.randn(2, 3, 4))
    legacy = LEGACY.switch(cond, a, b)  # appends an axis to the condition, then tiles it
    assert legacy.shape == (2, 3, 4)
    with pytest.raises(Exception):
        ops.where(cond, a, b)  # broadcasts from the left: (2, 3) against (2, 3, 4)
    assert np.allclose(ops.where(ops.expand_dims(cond, -1), a, b), legacy)


def test_shape_returns_a_tuple_now():
    t = tf.constant(X)
    assert np.array_equal(LEGACY.shape(t) * 2, [6, 8])
    assert ops.shape(t) * 2 == (3, 4, 3, 4)


def test_zeros_was_a_variable():
    assert hasattr(LEGACY.zeros((2, 3)), "assign")
    assert not hasattr(ops.zeros((2, 3)), "assign")


def test_pool_strides_default_is_the_pool_size():
    img = ARRAYS["img"].astype("float32")
    assert LEGACY.pool2d(tf.constant(img), (2, 2)).shape == (2, 7, 7, 3)
    assert ops.max_pool(img, (2, 2)).shape == (2, 4, 4, 3)


def test_conv1d_causal_is_not_in_ops_conv():
    with pytest.raises(Exception):
        ops.conv(ARRAYS["seq"].astype("float32"), ARRAYS["k1"].astype("float32"),
                 padding="causal")


# --- image_dim_ordering (KF300, KF301) --------------------------------------------------------

def test_image_data_format_api():
    for module in (keras.backend, LEGACY):
        assert not hasattr(module, "image_dim_ordering")
        assert not hasattr(module, "set_image_dim_ordering")
        assert callable(module.image_data_format) and callable(module.set_image_data_format)
    # [K2 backend/common.py] image_dim_ordering(): 'th' for channels_first, else 'tf';
    # set_image_dim_ordering('th') set 'channels_first', 'tf' 'channels_last'.
    assert B._DIM == {"th": "channels_first", "tf": "channels_last"}
    with pytest.raises(ValueError):
        keras.backend.set_image_data_format("th")


@pytest.mark.parametrize("fmt", ["channels_first", "channels_last"])
def test_image_dim_ordering_programs(fmt):
    src = ("from keras import backend as K\n"
           "if K.image_dim_ordering() == 'th':\n    input_shape = (1, 28, 28)\n"
           "else:\n    input_shape = (28, 28, 1)\n"
           "d = K.image_dim_ordering()\nbn_axis = 1 if d == 'th' else 3\n"
           "self_dim = K.image_dim_ordering()\nlegacy = self_dim\n")
    out = fixed_text(src)
    saved = keras.backend.image_data_format()
    try:
        keras.backend.set_image_data_format(fmt)
        ns = {}
        exec(out, ns)
    finally:
        keras.backend.set_image_data_format(saved)
    first = fmt == "channels_first"
    assert ns["input_shape"] == ((1, 28, 28) if first else (28, 28, 1))
    assert ns["bn_axis"] == (1 if first else 3)
    assert ns["legacy"] == ("th" if first else "tf")  # kept with the Keras 1 values


def test_set_image_dim_ordering_program():
    out = fixed_text("from keras import backend as K\nK.set_image_dim_ordering('th')\n"
                     "mode = 'tf'\nK.set_image_dim_ordering(mode)\n")
    saved = keras.backend.image_data_format()
    try:
        ns = {}
        exec(out.replace("K.set_image_data_format('channels_first')\n",
                         "K.set_image_data_format('channels_first')\n"
                         "first = K.image_data_format()\n"), ns)
        assert ns["first"] == "channels_first"
        assert keras.backend.image_data_format() == "channels_last"
    finally:
        keras.backend.set_image_data_format(saved)


# --- K.set_value(model.optimizer.lr, v) with the optimizer rules ---------------------------------

def test_learning_rate_set_and_get_in_keras3():
    src = ("from keras import backend as K\nK.set_value(model.optimizer.lr, 0.5)\n"
           "lr = K.get_value(model.optimizer.lr)\n")
    out = fixed_text(src)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    ns = {"model": model}
    exec(out, ns)
    assert np.isclose(float(model.optimizer.learning_rate), 0.5)
    assert np.isclose(float(ns["lr"]), 0.5)
    assert "{:.2f}".format(ns["lr"]) == "0.50"
