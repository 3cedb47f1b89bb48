"""Imports follow the rewrite: the user's style kept, no unused import, no duplicate."""

from __future__ import annotations

import pytest

from tests.harness import fixed_text

C = "Convolution2D(8, 3, 3, border_mode='same')"
F = "Conv2D(8, (3, 3), padding='same')"


@pytest.mark.parametrize("before, after", [
    (f"from keras.layers import Convolution2D, MaxPooling2D\n{C}\n",
     f"from keras.layers import Conv2D, MaxPooling2D\n{F}\n"),
    # Conv2D already imported: drop the old name, add no duplicate
    (f"from keras.layers import Conv2D, Convolution2D\n{C}\nConv2D(4, 3)\n",
     f"from keras.layers import Conv2D\n{F}\nConv2D(4, 3)\n"),
    (f"from keras.layers import Conv2D\nfrom keras.layers import Convolution2D\n{C}\n",
     f"from keras.layers import Conv2D\n{F}\n"),
    # the old name is still used elsewhere (isinstance): keep it, add the new one beside it
    (f"from keras.layers import Convolution2D\n{C}\nisinstance(l, Convolution2D)\n",
     f"from keras.layers import Convolution2D, Conv2D\n{F}\nisinstance(l, Convolution2D)\n"),
    # parenthesised, multi-line, with a trailing comma and a comment
    (f"from keras.layers import (\n    Dense,  # dense\n    Convolution2D,\n)\n{C}\n",
     f"from keras.layers import (\n    Dense,  # dense\n    Conv2D,\n)\n{F}\n"),
    # an alias: the call keeps the alias, the import renames the class
    ("from keras.layers import Convolution2D as Conv\nConv(8, 3, 3, border_mode='same')\n",
     "from keras.layers import Conv2D as Conv\nConv(8, (3, 3), padding='same')\n"),
    # try/except fallback imports both follow
    (f"try:\n    from keras.layers import Convolution2D\nexcept ImportError:\n"
     f"    from tensorflow.keras.layers import Convolution2D\n{C}\n",
     f"try:\n    from keras.layers import Conv2D\nexcept ImportError:\n"
     f"    from tensorflow.keras.layers import Conv2D\n{F}\n"),
    # Keras 1 submodule paths become keras.layers
    (f"from keras.layers.convolutional import Convolution2D, MaxPooling2D\n{C}\n",
     f"from keras.layers import Conv2D, MaxPooling2D\n{F}\n"),
    # a Keras 1 layer submodule imported as a module
    ("from keras.layers import Dense, recurrent\nrecurrent.LSTM(4)\nDense(2)\n",
     "from keras.layers import Dense\nfrom keras import layers as recurrent\n"
     "recurrent.LSTM(4)\nDense(2)\n"),
    # ...but `merge` from keras.layers is Keras 1's function, not a module
    ("from keras.layers import Input, merge, Convolution2D\n" + C + "\n",
     "from keras.layers import Input, merge, Conv2D\n" + F + "\n"),
    ("import keras.layers.core\nkeras.layers.core.Dense(3)\n",
     "import keras.layers\nkeras.layers.Dense(3)\n"),
    ("import tensorflow.keras.layers.recurrent as rec\nrec.LSTM(4)\n",
     "import tensorflow.keras.layers as rec\nrec.LSTM(4)\n"),
])
def test_imports_follow(before, after):
    assert fixed_text(before) == after


def test_unconverted_call_keeps_its_import():
    source = ("from keras.layers import Convolution2D\n"
              "Convolution2D(8, 3, 3, border_mode='full')\n" + C + "\n")
    assert fixed_text(source) == ("from keras.layers import Convolution2D, Conv2D\n"
                                  "Convolution2D(8, 3, 3, border_mode='full')\n" + F + "\n")


def test_alias_with_an_unconverted_use_is_kept():
    source = ("from keras.layers import Convolution2D as Conv\n"
              "Conv(8, 3, 3, border_mode='full')\nConv(8, 3, 3, border_mode='same')\n")
    out = fixed_text(source)
    assert out.startswith("from keras.layers import Convolution2D as Conv\n")
    assert "Conv(8, (3, 3), padding='same')" in out


def test_submodule_imported_by_name_is_reported_with_its_full_name():
    from tests.harness import run
    result = run("from tensorflow.python.keras.layers import convolutional, core as c\n",
                 fix=False)
    [finding] = result.findings
    assert finding.code == "KF151"
    assert "tensorflow.python.keras.layers.convolutional" in finding.message
