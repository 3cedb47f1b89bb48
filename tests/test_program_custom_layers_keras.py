"""Oracle tests of the custom-layer rules (KF400-KF406) and of tf.keras -> keras (KF284)
against real Keras 3: each Keras 1 / Keras 2 pattern fails (or is silently ignored) in
Keras 3 as the records say, and the code kerasfix writes runs and computes what was meant."""

from __future__ import annotations

import numpy as np
import pytest

from kerasfix.engine import Settings, run_source
from kerasfix.migrate.program.modules import _blocked, api
from kerasfix.selection import Selection
from tests.oracle_support import keras

pytestmark = pytest.mark.oracle

RNG = np.random.default_rng(5)
TFK = keras._tf_keras.keras


def fix(src: str, select=("KF2", "KF3", "KF4"), unsafe=False) -> str:
    settings = Settings(fix=True, unsafe_fixes=unsafe, selection=Selection(select=select))
    result = run_source(src.encode(), settings)
    return (result.new or src.encode()).decode()


def define(src: str, name: str):
    scope: dict = {}
    exec(compile(src, "<fixed>", "exec"), scope)
    return scope[name]


K1_PROJECTION = '''\
from keras import backend as K
from keras import initializations
from keras.engine.topology import Layer


class Projection(Layer):
    def __init__(self, output_dim, init='glorot_uniform', **kwargs):
        self.output_dim = output_dim
        self.init = initializations.get(init)
        super(Projection, self).__init__(**kwargs)

    def build(self, input_shape):
        self.W = self.init((input_shape[1], self.output_dim), name='{}_W'.format(self.name))
        self.trainable_weights = [self.W]
        super(Projection, self).build(input_shape)

    def call(self, x, mask=None):
        return K.dot(x, self.W)

    def get_output_shape_for(self, input_shape):
        return (input_shape[0], self.output_dim)
'''


def test_keras1_layer_fails_in_keras3_and_the_fixed_one_trains():
    with pytest.raises(ImportError):  # keras.initializations, keras.engine
        define(K1_PROJECTION, "Projection")
    fixed = fix(K1_PROJECTION)
    layer = define(fixed, "Projection")(3, name="projection")
    x = RNG.random((4, 5)).astype("float32")
    y = np.asarray(layer(x))
    w = layer.get_weights()[0]
    np.testing.assert_allclose(y, x @ w, rtol=1e-5)
    assert [v.path for v in layer.trainable_weights] == ["projection/projection_W"]
    assert layer.compute_output_shape((None, 5)) == (None, 3)
    model = keras.Sequential([keras.Input((5,)), layer])
    model.compile(loss="mse", optimizer="sgd")
    before = w.copy()
    model.fit(x, RNG.random((4, 3)), epochs=1, verbose=0)
    assert not np.allclose(before, layer.get_weights()[0]), "the weight must be trained"


def test_keras3_never_calls_get_output_shape_for():
    class Old(keras.layers.Layer):
        def call(self, x):
            return x[:, :2]

        def get_output_shape_for(self, input_shape):
            raise AssertionError("called")

    model = keras.Sequential([keras.Input((5,)), Old()])
    assert model.output_shape == (None, 2)
    with pytest.raises(NotImplementedError):
        Old().compute_output_shape((None, 5))


def test_trainable_weights_has_no_setter_and_append_does_nothing():
    class Assigns(keras.layers.Layer):
        def build(self, input_shape):
            self.W = self.add_weight(shape=(input_shape[1], 2))
            self.trainable_weights = [self.W]

        def call(self, x):
            return x

    with pytest.raises(AttributeError, match="no setter"):
        Assigns()(np.ones((1, 3), "float32"))

    class Appends(keras.layers.Layer):
        def build(self, input_shape):
            self.c = keras.Variable(np.ones(2, "float32"), trainable=False)
            self.trainable_weights.append(self.c)

        def call(self, x):
            return x

    layer = Appends()
    layer(np.ones((1, 3), "float32"))
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 1


def test_keras_variable_attributes_are_tracked_as_created():
    class Vars(keras.layers.Layer):
        def build(self, input_shape):
            self.W = keras.Variable(np.ones((3, 2), "float32"))
            self.c = keras.Variable(np.ones(2, "float32"), trainable=False)

        def call(self, x):
            return x

    layer = Vars()
    layer(np.ones((1, 3), "float32"))
    assert len(layer.trainable_weights) == 1 and len(layer.non_trainable_weights) == 1


def test_initializer_call_takes_no_name_and_gives_a_tensor():
    init = keras.initializers.get("glorot_uniform")
    with pytest.raises(TypeError):
        init((3, 4), name="W")
    assert not isinstance(init((3, 4)), keras.Variable)


def test_add_weight_positional_orders():
    class Probe(keras.layers.Layer):
        def __init__(self, call, **kw):
            super().__init__(**kw)
            self.make = call

        def build(self, input_shape):
            self.w = self.make(self)

    def build(make):
        layer = Probe(make)
        layer.build((None, 3))
        return layer.w

    with pytest.raises(ValueError, match="`name` must be passed as a keyword"):
        build(lambda s: s.add_weight("kernel", (3, 2)))
    with pytest.raises(Exception):  # Keras 1 order: the name lands in `dtype`
        build(lambda s: s.add_weight((3, 2), "uniform", "W"))
    assert build(lambda s: s.add_weight((3, 2), "uniform")).shape == (3, 2)
    w = build(lambda s: s.add_weight(shape=(3, 2), initializer="uniform", name="W",
                                     trainable=True))
    assert w.trainable and w.name == "W"


def test_layer_attributes_of_keras2_and_keras1():
    x = keras.Input((4,))
    dense = keras.layers.Dense(3)
    lstm = keras.layers.LSTM(2)
    model = keras.Model(x, dense(x))
    sequence = keras.Input((5, 4))
    keras.Model(sequence, lstm(sequence))
    for attr in ("output_shape", "input_shape", "get_output_at", "get_input_at", "inbound_nodes",
                 "outbound_nodes", "add_update", "W", "b", "U"):
        assert not hasattr(dense, attr), attr
    for attr in ("uses_learning_phase", "state_updates"):
        assert not hasattr(model, attr)
    assert model.output_shape == (None, 3)  # models keep it
    assert dense.output.shape == (None, 3) and dense.input.shape == (None, 4)
    assert dense.kernel.shape == (4, 3) and dense.bias.shape == (3,)
    assert not hasattr(lstm, "kernel") and lstm.cell.kernel.shape == (4, 8)
    bn = keras.layers.BatchNormalization()
    bn.build((None, 3))
    assert hasattr(bn, "moving_variance") and not hasattr(bn, "running_std")


# --- tf.keras -> keras (KF284) -------------------------------------------------------------------

def test_tf_keras_only_names_block_and_shared_names_are_the_same_objects():
    table = api()
    for module, names in table.tf_only.items():
        for name in names:  # the name, or the tf.keras-only module it is in
            [blocker] = _blocked(f"{module}.{name}")
            assert f"{module}.{name}".startswith(blocker)
            assert not api().exists(blocker)
    for module, names in table.keras3.items():
        tf_module = _module(TFK, module)
        if tf_module is None:
            continue
        for name in names:
            if not hasattr(tf_module, name) or name in table.differs.get(module, ()) or \
                    table.is_module(f"{module}.{name}"):
                continue  # (a submodule is another module object under tf.keras)
            assert getattr(tf_module, name) is getattr(_module(keras, module), name), \
                f"{module}.{name}"
            assert _blocked(f"{module}.{name}") == []
    assert _blocked("keras.layers.AlphaDropout") == ["keras.layers.AlphaDropout"]


def _module(root, qualname: str):
    obj = root
    for part in qualname.split(".")[1:]:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def test_tf_keras_program_computes_the_same_after_the_rewrite():
    src = ("import numpy as np\nimport tensorflow as tf\nfrom tensorflow.keras import layers\n"
           "def build():\n    tf.keras.utils.set_random_seed(7)\n"
           "    return tf.keras.Sequential([tf.keras.Input((4,)), layers.Dense(3),\n"
           "                                tf.keras.layers.Activation('relu')])\n")
    fixed = fix(src, select=("KF284",), unsafe=True)
    assert "tf.keras" not in fixed and "import keras" in fixed
    x = RNG.random((2, 4)).astype("float32")
    old, new = define(src, "build")(), define(fixed, "build")()
    np.testing.assert_allclose(np.asarray(old(x)), np.asarray(new(x)), rtol=1e-6)


def test_keras1_regularizer_wiring_is_an_error_or_silently_lost():
    assert not hasattr(keras.regularizers.L2(0.1), "set_param")

    class Wired(keras.layers.Layer):
        def build(self, input_shape):
            self.W = self.add_weight(shape=(input_shape[1], 2))
            self.regularizers = [keras.regularizers.L2(10.0)]  # Keras 1 wiring

        def call(self, x):
            return keras.ops.matmul(x, self.W)

    layer = Wired()
    layer(np.ones((1, 3), "float32"))
    assert layer.losses == []  # the penalty is lost

    class Keras3(Wired):
        def build(self, input_shape):
            self.W = self.add_weight(shape=(input_shape[1], 2),
                                     regularizer=keras.regularizers.L2(10.0))

    fixed = Keras3()
    fixed(np.ones((1, 3), "float32"))
    assert len(fixed.losses) == 1
