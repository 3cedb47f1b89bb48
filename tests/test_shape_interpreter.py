"""Where shape numbers come from: constants, arrays, loops, helpers, branches, data formats.

Each case is a small script; the expectation is the output shape of the last layer of the
first model (None: unknown, so nothing may be reported)."""

from __future__ import annotations

import pytest

from kerasfix.shapes.api import check_source, trace_source
from kerasfix.shapes.dims import UNKNOWN_RANK

HEAD = "import numpy as np\nimport keras\nfrom keras import layers\nfrom keras import backend as K\n"


def last_output(source: str, data_format: str = "channels_last"):
    [model, *_] = trace_source(HEAD + source, data_format)
    return model.layers[-1].output


@pytest.mark.parametrize("source, expected", [
    # module constants, tuple unpacking, arithmetic
    ("rows, cols = 28, 28\nk = 2 + 1\nm = keras.Sequential([keras.Input(shape=(rows, cols, 1)),"
     " layers.Conv2D(8, k)])", (None, 26, 26, 8)),
    # x_train.shape[1:] from a literal reshape
    ("x = np.zeros((60, 784)).reshape(60, 28, 28, 1).astype('float32')\n"
     "m = keras.Sequential([keras.Input(shape=x.shape[1:]), layers.MaxPooling2D()])",
     (None, 14, 14, 1)),
    # a for loop with constant bounds adds layers
    ("m = keras.Sequential()\nm.add(keras.Input(shape=(32, 32, 3)))\nfor f in (8, 16, 32):\n"
     "    m.add(layers.Conv2D(f, 3, padding='same'))\n    m.add(layers.MaxPooling2D())",
     (None, 4, 4, 32)),
    # a helper function called with known arguments
    ("def block(x, filters, k=3):\n    x = layers.Conv2D(filters, k)(x)\n    return x\n"
     "i = keras.Input(shape=(10, 10, 1))\ny = block(block(i, 4), 8, k=5)\n"
     "m = keras.Model(i, y)", (None, 4, 4, 8)),
    # a branch on the data format, evaluated under the default
    ("if K.image_data_format() == 'channels_first':\n    shape = (1, 28, 28)\nelse:\n"
     "    shape = (28, 28, 1)\nm = keras.Sequential([keras.Input(shape=shape), "
     "layers.Conv2D(4, 3)])", (None, 26, 26, 4)),
    # a loop over unknown data: the model's shape is lost, never guessed
    ("m = keras.Sequential([keras.Input(shape=(8, 8, 1))])\nfor f in load_filters():\n"
     "    m.add(layers.Conv2D(f, 3))\nm.add(layers.Conv2D(4, 3))", UNKNOWN_RANK),
    # an unknown condition around a model change
    ("m = keras.Sequential([keras.Input(shape=(8, 8, 1))])\nif flag():\n"
     "    m.add(layers.MaxPooling2D())\nm.add(layers.Conv2D(4, 3))", UNKNOWN_RANK),
])
def test_values_as_written(source, expected):
    assert last_output(source) == expected


def test_data_format_branch_is_clean_under_both_formats():
    source = HEAD + (
        "if K.image_data_format() == 'channels_first':\n    shape = (1, 28, 28)\nelse:\n"
        "    shape = (28, 28, 1)\nm = keras.Sequential([keras.Input(shape=shape), "
        "layers.Conv2D(4, 3), layers.MaxPooling2D()])\n")
    assert check_source(source) == []
    assert last_output(source[len(HEAD):], "channels_first") == (None, 4, 13, 13)


def test_failure_only_under_channels_last_says_so():
    source = HEAD + ("m = keras.Sequential([keras.Input(shape=(1, 28, 28)),\n"
                     "    layers.Conv2D(32, 3),\n    layers.Conv2D(32, 3)])\n")
    findings = check_source(source)
    codes = sorted(f.code for f in findings)
    assert codes == ["KF501", "KF503"]
    [collapse] = [f for f in findings if f.code == "KF501"]
    assert collapse.span.line == HEAD.count("\n") + 2  # the first Conv2D: height 1
    assert "channels_last, the Keras default" in collapse.message


def test_keras1_code_is_checked_as_written():
    source = ("from keras.models import Sequential\n"
              "from keras.layers import Convolution2D, MaxPooling2D\n"
              "model = Sequential()\n"
              "model.add(Convolution2D(32, 3, 3, border_mode='valid', input_shape=(8, 8, 1)))\n"
              "model.add(MaxPooling2D(pool_size=(2, 2)))\n"
              "model.add(Convolution2D(32, 5, 5))\n")
    [finding] = check_source(source)
    assert (finding.code, finding.span.line) == ("KF501", 6)
    assert "(3 - 5) // 1 + 1 = -1" in finding.message


def test_unknown_input_never_reports():
    source = HEAD + ("m = keras.Sequential([keras.Input(shape=(None, None, 3))] + "
                     "[layers.Conv2D(8, 50) for _ in range(3)])\n"
                     "x_train = np.load('x.npy')\n"
                     "m2 = keras.Sequential([keras.Input(shape=x_train.shape[1:]), "
                     "layers.Conv2D(8, 50)])\n")
    assert check_source(source) == []


def test_keras1_argument_forms_are_read_as_keras1_did():
    source = ("from keras.models import Sequential\n"
              "from keras.layers import ZeroPadding2D, MaxPooling2D, Convolution2D\n"
              "model = Sequential()\n"
              "model.add(ZeroPadding2D((1, 1, 2, 2), input_shape=(4, 8, 8), dim_ordering='th'))\n"
              "model.add(MaxPooling2D((2, 2), (2, 2), 'valid', 'th'))\n"
              "model.add(Convolution2D(8, 3, 3, border_mode='same', dim_ordering='th'))\n")
    [trace] = trace_source(source)
    assert [layer.output for layer in trace.layers[1:]] == [
        (None, 4, 10, 12), (None, 4, 5, 6), (None, 8, 5, 6)]
    assert check_source(source) == []
