"""Name resolution: a Keras symbol however it was imported; never a name that is not Keras."""

from __future__ import annotations

import ast

import pytest

from kerasfix.names import build_import_table, canonical
from tests.harness import fixed_text

CALL = "Convolution2D(8, 3, 3, border_mode='same')"


@pytest.mark.parametrize("source, expected", [
    ("from keras.layers import Convolution2D\nConvolution2D(8, 3, 3, border_mode='same')\n",
     "from keras.layers import Conv2D\nConv2D(8, (3, 3), padding='same')\n"),
    ("import keras\nkeras.layers.Convolution2D(8, 3, 3, border_mode='same')\n",
     "import keras\nkeras.layers.Conv2D(8, (3, 3), padding='same')\n"),
    ("from keras.layers.convolutional import *\nConvolution2D(8, 3, 3, border_mode='same')\n",
     "from keras.layers import *\nConv2D(8, (3, 3), padding='same')\n"),
    ("import keras.layers as KL\nKL.Convolution2D(8, 3, 3, border_mode='same')\n",
     "import keras.layers as KL\nKL.Conv2D(8, (3, 3), padding='same')\n"),
    ("from keras import layers\nlayers.Convolution2D(8, 3, 3, border_mode='same')\n",
     "from keras import layers\nlayers.Conv2D(8, (3, 3), padding='same')\n"),
    ("import tensorflow as tf\ntf.keras.layers.Convolution2D(8, 3, 3, border_mode='same')\n",
     "import tensorflow as tf\ntf.keras.layers.Conv2D(8, (3, 3), padding='same')\n"),
    ("from tensorflow.keras.layers import Convolution2D as C\nC(8, 3, 3, border_mode='same')\n",
     "from tensorflow.keras.layers import Conv2D as C\nC(8, (3, 3), padding='same')\n"),
    ("import tf_keras\ntf_keras.layers.Convolution2D(8, 3, 3, border_mode='same')\n",
     "import tf_keras\ntf_keras.layers.Conv2D(8, (3, 3), padding='same')\n"),
    ("from tensorflow import keras\nkeras.layers.Convolution2D(8, 3, 3, border_mode='same')\n",
     "from tensorflow import keras\nkeras.layers.Conv2D(8, (3, 3), padding='same')\n"),
])
def test_every_import_style_resolves(source, expected):
    assert fixed_text(source) == expected


@pytest.mark.parametrize("source", [
    # a user's own class named like a Keras layer
    "from keras.layers import Convolution2D\nclass Convolution2D:\n    pass\n" + CALL + "\n",
    # a layer from another library
    "from mylib.layers import Convolution2D\n" + CALL + "\n",
    # a method that happens to share a name
    "import keras\nself.Convolution2D(8, 3, 3, border_mode='same')\nnet.layers.Convolution2D(8, 3, 3, border_mode='same')\n",
    # no import at all
    "import keras\n" + CALL + "\n",
    # a parameter shadows the import
    "from keras.layers import Convolution2D\ndef f(Convolution2D):\n    return " + CALL + "\n",
    # star import from another library too: a bare name is ambiguous
    "from keras.layers import *\nfrom mylib import Convolution2D\n" + CALL + "\n",
])
def test_non_keras_names_are_never_touched(source):
    assert fixed_text(source, unsafe=True) == source


def test_canonical_maps_roots_and_legacy_modules():
    assert canonical("tensorflow.keras.layers.Conv2D").qualname == "keras.layers.Conv2D"
    assert canonical("tensorflow.keras.layers.Conv2D").flavour == "tf.keras"
    assert canonical("keras.layers.convolutional.Convolution2D").qualname == \
        "keras.layers.Convolution2D"
    assert canonical("numpy.array") is None
    assert canonical("kerasextra.layers.Dense") is None


def test_try_except_fallback_imports_both_resolve():
    tree = ast.parse("try:\n    from keras.layers import Dense\nexcept ImportError:\n"
                     "    from tensorflow.keras.layers import Dense\n")
    table = build_import_table(tree, list(ast.walk(tree)))
    assert table.resolve("Dense").qualname == "keras.layers.Dense"


@pytest.mark.parametrize("source, expected", [
    # a method named like the new class does not hide the module-level import
    ("from keras.layers import Convolution2D\nclass R:\n    def Conv2D(self, a):\n        pass\n"
     "x = Convolution2D(32, 3, 3, border_mode='same')\n",
     "from keras.layers import Conv2D\nclass R:\n    def Conv2D(self, a):\n        pass\n"
     "x = Conv2D(32, (3, 3), padding='same')\n"),
    # a parameter hides the import inside its function only
    ("from keras.layers import Dense\ndef head(x, Dense=None):\n    return Dense(output_dim=3)\n"
     "y = Dense(output_dim=10)\n",
     "from keras.layers import Dense\ndef head(x, Dense=None):\n    return Dense(output_dim=3)\n"
     "y = Dense(units=10)\n"),
    # the file's own Conv2D: keep the alias Keras 3 still has, fix the arguments
    ("from keras.layers import Convolution2D\ndef Conv2D(*a, **k):\n    pass\n"
     "Convolution2D(32, 3, 3, border_mode='same')\n",
     "from keras.layers import Convolution2D\ndef Conv2D(*a, **k):\n    pass\n"
     "Convolution2D(32, (3, 3), padding='same')\n"),
])
def test_scopes(source, expected):
    assert fixed_text(source) == expected


def test_removed_class_whose_new_name_is_taken_is_reported():
    from tests.harness import run
    source = ("from keras.layers import AtrousConvolution2D\ndef Conv2D():\n    pass\n"
              "AtrousConvolution2D(8, 3, 3, atrous_rate=(2, 2))\n")
    result = run(source)
    assert result.new is None
    assert any("defines its own `Conv2D`" in f.message for f in result.findings)
