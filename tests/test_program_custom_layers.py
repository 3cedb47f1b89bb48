"""Engine tests of the custom-layer rules (rules/program/custom_layers.toml, KF400-KF406):
which classes are Keras layers, the finding on the line that fails, weights created with an
initializer and the Keras 1 trainable lists, positional add_weight, layer attributes on
receivers known to be layers (never on models or other objects), formatting, idempotence.

The oracle side is tests/test_program_custom_layers_keras.py."""

from __future__ import annotations

import pytest

from tests.harness import Family

FAMILY = Family("KF40")
run, fixed, once = FAMILY.run, FAMILY.fixed, FAMILY.once


def codes(src: str, **kw) -> list[tuple[int, str]]:
    return [(f.span.line, f.code) for f in run(src, fix=False, **kw).findings]


K1_LAYER = '''\
from keras import backend as K
from keras import initializations
from keras.engine.topology import Layer


class Projection(Layer):
    def __init__(self, output_dim, init='glorot_uniform', **kwargs):
        self.output_dim = output_dim
        self.init = initializations.get(init)
        super(Projection, self).__init__(**kwargs)

    def build(self, input_shape):
        input_dim = input_shape[1]
        self.W = self.init((input_dim, self.output_dim),
                           name='{}_W'.format(self.name))  # the projection
        self.trainable_weights = [self.W]
        super(Projection, self).build(input_shape)

    def call(self, x, mask=None):
        return K.dot(x, self.W)

    def get_output_shape_for(self, input_shape):
        return (input_shape[0], self.output_dim)
'''


def test_every_failing_line_of_a_keras1_layer_carries_a_finding():
    assert codes(K1_LAYER) == [(14, "KF401"), (16, "KF402"), (22, "KF400")]


def test_keras1_layer_is_fixed_in_one_run():
    out = once(K1_LAYER)
    assert "        self.W = self.add_weight(shape=(input_dim, self.output_dim),\n" \
           "                           initializer=self.init,\n" \
           "                           name='{}_W'.format(self.name))  # the projection\n" \
           "        super(Projection, self).build(input_shape)\n" in out
    assert "trainable_weights" not in out
    assert "    def compute_output_shape(self, input_shape):\n" in out


def test_a_weight_the_keras1_list_leaves_out_is_created_frozen():
    src = K1_LAYER.replace("self.trainable_weights = [self.W]", "self.trainable_weights = []")
    out = once(src)
    assert "name='{}_W'.format(self.name),\n" \
           "                           trainable=False)  # the projection\n" in out
    assert "self.trainable_weights" not in out


@pytest.mark.parametrize("line", [
    "self.trainable_weights = [self.W] + extra",  # not a literal list
    "self.trainable_weights = [self.W, self.other.kernel]",
])
def test_lists_kerasfix_cannot_read_are_reported_and_kept(line):
    src = K1_LAYER.replace("self.trainable_weights = [self.W]", line)
    out = fixed(src)
    assert line in out and "self.init((input_dim" in out  # weight creation kept too
    assert (16, "KF402") in codes(src) and (14, "KF401") in codes(src)


def test_a_weight_created_some_other_way_keeps_the_list_reported():
    src = ("import numpy as np\nfrom keras import backend as K\nfrom keras.layers import Layer\n"
           "class P(Layer):\n    def build(self, s):\n"
           "        self.W = K.zeros((3, 4))\n        self.trainable_weights = [self.W]\n")
    assert fixed(src) == src and codes(src) == [(7, "KF402")]


def test_keras_variable_weights_let_the_list_go():
    src = ("import keras\nclass P(keras.layers.Layer):\n    def build(self, s):\n"
           "        self.W = keras.Variable(np.zeros((3, 4)))\n"
           "        self.c = keras.Variable(np.zeros((4,)), trainable=False)\n"
           "        if True:\n            self.trainable_weights = [self.W]\n"
           "        self.non_trainable_weights = [self.c]\n")
    assert once(src) == ("import keras\nclass P(keras.layers.Layer):\n    def build(self, s):\n"
                         "        self.W = keras.Variable(np.zeros((3, 4)))\n"
                         "        self.c = keras.Variable(np.zeros((4,)), trainable=False)\n"
                         "        if True:\n            pass\n")


def test_subclass_of_a_concrete_layer_keeps_its_list():
    # Keras 1 `trainable_weights = [self.g]` froze Dense's own kernel: not provable here.
    src = ("from keras.layers import Dense\nclass P(Dense):\n    def build(self, s):\n"
           "        super(P, self).build(s)\n"
           "        self.g = self.add_weight(shape=(4,), initializer='ones')\n"
           "        self.trainable_weights = [self.g]\n")
    assert fixed(src) == src and codes(src) == [(6, "KF402")]


def test_a_class_through_another_class_of_the_file_is_a_keras_layer():
    src = ("from keras.layers import Layer\nclass Base(Layer):\n    pass\n"
           "class Mine(Base):\n    def get_output_shape_for(self, s):\n        return s\n"
           "    def call(self, x):\n        return x\n")
    assert "def compute_output_shape(self, s):" in once(src)


@pytest.mark.parametrize("src", [
    # not Keras classes
    "import keras\nclass Plain:\n    def build(self, s):\n"
    "        self.trainable_weights = [self.W]\n    def get_output_shape_for(self, s):\n"
    "        return s\n",
    # a model's output_shape exists in Keras 3
    "from keras.models import Sequential\nmodel = Sequential()\nprint(model.output_shape)\n",
    # `.W` of something not known to be a layer
    "import keras\nimport numpy as np\nclass A:\n    W = 1\nprint(A().W, A().b)\n",
    # keyword add_weight, and a positional shape with its initializer
    "from keras.layers import Layer\nclass P(Layer):\n    def build(self, s):\n"
    "        self.a = self.add_weight(shape=(3,), name='a')\n"
    "        self.b = self.add_weight((3,), 'zeros')\n",
])
def test_what_is_not_keras1_is_left_alone(src):
    result = run(src, unsafe=True)
    assert result.new is None and not result.findings


def test_get_output_shape_for_calls_inside_the_class_are_renamed_too():
    src = ("from keras.layers import Layer\nclass P(Layer):\n"
           "    def get_output_shape_for(self, s):\n        return s\n"
           "    def shape_of(self, s):\n        return self.get_output_shape_for(s)\n")
    out = once(src)
    assert "self.compute_output_shape(s)" in out and "get_output_shape_for" not in out


def test_add_weight_positionals_ambiguous_order_is_reported():
    src = ("from keras.layers import Layer\nclass P(Layer):\n    def build(self, s):\n"
           "        self.k = self.add_weight(kname, kshape)\n")
    assert fixed(src) == src and codes(src) == [(4, "KF403")]


def test_layer_shape_attributes_on_names_bound_to_layers():
    src = ("from keras.layers import Dense\nd = Dense(3)\nl = model.get_layer('x')\n"
           "print(d.output_shape, l.input_shape)\n")
    assert fixed(src) == src  # unsafe
    assert once(src, unsafe=True) == ("from keras.layers import Dense\nd = Dense(3)\n"
                                       "l = model.get_layer('x')\n"
                                       "print(d.output.shape, l.input.shape)\n")


def test_a_name_also_bound_to_something_else_is_not_a_known_layer():
    src = ("from keras.layers import Dense\nd = Dense(3)\nd = model\nprint(d.output_shape)\n")
    assert run(src, unsafe=True).new is None


def test_keras1_weight_attribute_and_node_attributes_are_reported():
    src = ("import keras\nfor layer in model.layers:\n    print(layer.W, layer.inbound_nodes)\n"
           "print(model.uses_learning_phase)\n")
    assert codes(src) == [(3, "KF406"), (3, "KF404"), (4, "KF404")]


def test_add_update_is_reported_where_it_is_called():
    src = ("from keras.layers import Layer\nclass P(Layer):\n    def call(self, x):\n"
           "        self.add_update([(self.m, x)], x)\n        return x\n")
    assert codes(src) == [(4, "KF405")]


def test_keras1_regularizer_wiring_is_reported_line_by_line():
    src = ("from keras.engine.topology import Layer\nclass P(Layer):\n"
           "    def build(self, input_shape):\n"
           "        self.W = self.add_weight(shape=(3, 4), initializer='uniform')\n"
           "        self.regularizers = []\n"
           "        if self.W_regularizer:\n"
           "            self.W_regularizer.set_param(self.W)\n"
           "            self.regularizers.append(self.W_regularizer)\n"
           "        self.constraints = {}\n")
    found = run(src, fix=False).findings
    assert [(f.span.line, f.code, f.severity) for f in found] == [
        (5, "KF407", "warning"), (7, "KF407", "error"), (8, "KF407", "warning"),
        (9, "KF407", "warning")]
