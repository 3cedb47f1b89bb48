"""Engine tests of the module rules (rules/program/modules.toml, KF270-KF283): import
spellings and aliases, tf.keras and tensorflow.python.keras, statements split per module,
formatting and comments kept, names that are not Keras left alone, removed names reported on
the import line, the combination with the other families, idempotence.

The oracle side (each claim in real Keras 3) is tests/test_program_modules_keras.py."""

from __future__ import annotations

import pytest

from kerasfix.names import canonical
from tests.harness import Family

FAMILY = Family("KF27", "KF28")
run, fixed, once = FAMILY.run, FAMILY.fixed, FAMILY.once


def codes(src: str, **kw) -> list[tuple[int, str]]:
    return [(f.span.line, f.code) for f in run(src, fix=False, **kw).findings]


# --- module paths (KF273) ------------------------------------------------------------------------

@pytest.mark.parametrize("before, after", [
    ("import keras.utils.np_utils as nu\ny = nu.to_categorical(x, 3)\n",
     "import keras.utils as nu\ny = nu.to_categorical(x, 3)\n"),
    ("from keras.utils import np_utils as U, generic_utils\n",
     "from keras import utils as U, utils as generic_utils\n"),
    ("from keras.utils.np_utils import *\n", "from keras.utils import *\n"),
    ("from keras.engine import Layer, InputSpec\n", "from keras.layers import Layer, InputSpec\n"),
    ("from keras.engine.base_layer import Layer as Base\n",
     "from keras.layers import Layer as Base\n"),
    ("from keras.backend.tensorflow_backend import set_session\n",
     "from keras.backend.tensorflow_backend import set_session\n"),  # gone: KF275's business
    ("from keras.legacy.layers import Highway\n", "from keras.legacy.layers import Highway\n"),
    ("from tensorflow.python.keras import backend as K\n",
     "from tensorflow.keras import backend as K\n"),
    ("from tensorflow.python.keras.engine.base_layer import Layer\n",
     "from tensorflow.keras.layers import Layer\n"),
    ("import tensorflow.python.keras as keras\n", "import tensorflow.keras as keras\n"),
])
def test_module_paths(before, after):
    assert once(before, select=("KF273",)) == after


def test_formatting_and_comments_of_the_import_are_kept():
    before = ("from keras.utils.np_utils import (  # labels\n"
              "    to_categorical,  # one-hot\n"
              "    normalize,\n)\n")
    after = ("from keras.utils import (  # labels\n"
             "    to_categorical,  # one-hot\n"
             "    normalize,\n)\n")
    assert once(before) == after


def test_a_statement_split_per_module_goes_on_lines_of_its_own():
    before = "def f():\n    from keras.engine.topology import Layer, get_source_inputs\n"
    after = ("def f():\n    from keras.layers import Layer\n"
             "    from keras.utils import get_source_inputs\n")
    assert once(before) == after


def test_names_resolve_to_their_public_names():
    assert canonical("keras.utils.np_utils.to_categorical").qualname == \
        "keras.utils.to_categorical"
    assert canonical("keras.engine.topology.Layer").qualname == "keras.layers.Layer"
    assert canonical("keras.engine.topology.merge").qualname == "keras.layers.merge"
    assert canonical("keras.engine.training.Model").qualname == "keras.models.Model"
    assert canonical("tensorflow.keras.layers.experimental.preprocessing.Rescaling").qualname \
        == "keras.layers.Rescaling"
    # The modules themselves keep their names (the import rules see them), and so does
    # everything with relocate=False (Keras 1 evidence).
    assert canonical("keras.utils.np_utils").qualname == "keras.utils.np_utils"
    assert canonical("keras.layers.experimental.preprocessing").qualname == \
        "keras.layers.experimental.preprocessing"
    assert canonical("keras.engine.topology.Layer", relocate=False).qualname == \
        "keras.engine.topology.Layer"
    assert canonical("keras.engine.topology.Container").qualname == \
        "keras.engine.topology.Container"


def test_engine_topology_import_is_still_keras1_evidence():
    src = ("from keras.engine.topology import Layer\nfrom keras.layers import Conv2D\n"
           "Conv2D(8, 3, 3)\n")
    out = fixed(src, select=("KF1",))
    assert "Conv2D(8, (3, 3))" in out  # read the Keras 1 way, a safe fix


@pytest.mark.parametrize("src", [
    "from mylib.utils.np_utils import to_categorical\ny = to_categorical(x, nb_classes=3)\n",
    "import keras\nclass A:\n    mse = 1\n    np_utils = 2\nprint(A().mse, A().np_utils)\n",
    "import keras\nimport numpy as np\nc = np.argmax(p, axis=1)\nobjectives = {}\n",
    "import keras\nfrom keras import losses\nloss = losses.mean_squared_error\n",
    "from keras.utils import to_categorical, plot_model\nplot_model(m)\nto_categorical(y, 3)\n",
])
def test_what_is_not_legacy_keras_is_left_alone(src):
    result = run(src, unsafe=True)
    assert result.new is None and not result.findings


# --- removed names (KF275-KF277, KF282) ----------------------------------------------------------

def test_the_import_line_of_a_removed_name_carries_a_finding():
    src = ("from keras.utils.io_utils import HDF5Matrix\n"
           "from keras.utils import multi_gpu_model, to_categorical\n"
           "from keras.wrappers.scikit_learn import KerasClassifier\n"
           "X = HDF5Matrix('d.h5', 'X')\n")
    assert codes(src) == [(1, "KF275"), (2, "KF275"), (3, "KF276"), (4, "KF275")]


def test_a_removed_name_stays_in_its_legacy_statement_and_the_rest_moves():
    src = "from keras.utils.io_utils import HDF5Matrix, ask_to_proceed_with_overwrite\n"
    assert [c for _, c in codes(src)] == ["KF275"]
    src = "from keras.utils.np_utils import to_categorical, probas_to_classes\n"
    assert fixed(src, select=("KF273",)) == ("from keras.utils import to_categorical\n"
                                             "from keras.utils.np_utils import probas_to_classes\n")


def test_removed_np_utils_helper_import_goes_with_its_calls():
    src = ("from keras.utils.np_utils import to_categorical, categorical_probas_to_classes\n"
           "c = categorical_probas_to_classes(model.predict(x))\n")
    assert once(src) == ("from keras.utils import to_categorical\n"
                         "import numpy as np\n"
                         "c = np.argmax(model.predict(x), axis=1)\n")


def test_merge_from_engine_topology_reaches_the_merge_rule():
    src = ("from keras.engine.topology import merge, Input\n"
           "a = Input(shape=(3,))\nx = merge([a, a], mode='concat')\n")
    out = once(src, select=("KF27", "KF25"))
    assert out == ("from keras.layers import Input, concatenate\n"
                   "a = Input(shape=(3,))\nx = concatenate([a, a])\n")


# --- to_categorical, np_utils, plot (KF270-KF272) ------------------------------------------------

def test_to_categorical_through_every_spelling():
    src = "from keras.utils import np_utils\nY = np_utils.to_categorical(y, nb_classes=10)\n"
    assert once(src) == \
        "from keras import utils as np_utils\nY = np_utils.to_categorical(y, num_classes=10)\n"
    assert once("import tensorflow as tf\nY = tf.keras.utils.to_categorical(y=y, nb_classes=3)\n") \
        == "import tensorflow as tf\nY = tf.keras.utils.to_categorical(y, num_classes=3)\n"
    assert once("from keras.utils import to_categorical\nY = to_categorical(nb_classes=3, y=y)\n") \
        == "from keras.utils import to_categorical\nY = to_categorical(num_classes=3, x=y)\n"


def test_to_categorical_dtype_is_an_unsafe_fix():
    src = "from keras.utils import to_categorical\nY = to_categorical(y, 3, dtype='int32')\n"
    assert fixed(src) == src
    assert once(src, unsafe=True) == \
        "from keras.utils import to_categorical\nY = to_categorical(y, 3).astype('int32')\n"


def test_probas_to_classes_needs_unsafe_and_keeps_an_existing_numpy_alias():
    src = ("import numpy as npy\nfrom keras.utils import np_utils\n"
           "c = np_utils.probas_to_classes(p)\n")
    assert fixed(src, select=("KF271",)) == src
    assert once(src, unsafe=True, select=("KF271",)) == (
        "import numpy as npy\nfrom keras.utils import np_utils\nc = npy.argmax(p, axis=1)\n")


def test_plot_of_a_keras1_script():
    src = ("from keras.utils.visualize_util import plot\n"
           "from keras.models import Sequential\n"
           "model = Sequential()\n"
           "plot(model, to_file='model.png',\n     show_shapes=True)\n")
    assert once(src) == ("from keras.models import Sequential\n"
                         "from keras.utils import plot_model\n"
                         "model = Sequential()\n"
                         "plot_model(model, to_file='model.png',\n"
                         "     show_shapes=True, show_layer_names=True)\n")


# --- initializations, experimental, mixed precision, CuDNN (KF274-KF281) -------------------------

def test_initializations_import_used_for_more_than_get_is_reported_not_rewritten():
    src = ("from keras import initializations\n"
           "init = initializations.get('normal')\nW = initializations.uniform((3, 4))\n")
    assert fixed(src) == src
    assert codes(src) == [(1, "KF274"), (3, "KF274")]


def test_experimental_preprocessing_through_a_module_alias():
    src = ("from tensorflow.keras import layers\n"
           "norm = layers.experimental.preprocessing.Normalization(axis=-1)\n")
    assert once(src) == ("from tensorflow.keras import layers\n"
                         "norm = layers.Normalization(axis=-1)\n")


def test_a_layer_only_tf_keras_has_moves_under_tf_keras_only():
    tf = "from tensorflow.keras.layers.experimental.preprocessing import RandomHeight\n"
    assert once(tf) == "from tensorflow.keras.layers import RandomHeight\n"
    k3 = "from keras.layers.experimental.preprocessing import RandomHeight\n"
    assert fixed(k3) == k3 and [c for _, c in codes(k3)] == ["KF275"]


def test_mixed_precision_attribute_path_not_called():
    src = "import tensorflow as tf\nP = tf.keras.mixed_precision.experimental.Policy\n"
    assert once(src) == "import tensorflow as tf\nP = tf.keras.mixed_precision.Policy\n"


def test_cudnn_layer_through_tf_keras_and_its_import_pruned():
    src = ("from tensorflow.keras.layers import CuDNNGRU, Dense\n"
           "x = CuDNNGRU(16, return_sequences=True)(x)\n")
    assert once(src) == ("from tensorflow.keras.layers import Dense, GRU\n"
                         "x = GRU(16, return_sequences=True)(x)\n")


def test_tf_keras_aliases_only_change_where_the_flavour_lacks_them():
    src = ("import keras\nimport tensorflow as tf\n"
           "a = keras.losses.kld\nb = tf.keras.losses.kld\nc = tf.keras.losses.log_cosh\n")
    assert once(src) == ("import keras\nimport tensorflow as tf\n"
                         "a = keras.losses.kl_divergence\nb = tf.keras.losses.kld\n"
                         "c = tf.keras.losses.logcosh\n")


# --- a whole Keras 1 script ----------------------------------------------------------------------

def test_keras1_script_with_every_module_family_is_fixed_in_one_run():
    src = ("from keras.utils import np_utils\n"
           "from keras.engine.topology import Layer\n"
           "from keras.utils.visualize_util import plot\n"
           "from keras import objectives\n"
           "from keras.constraints import maxnorm\n\n"
           "Y = np_utils.to_categorical(y, nb_classes)\n"
           "loss = objectives.mse\n"
           "c = maxnorm(2)\n"
           "plot(model, to_file='m.png')\n")
    out = once(src, select=("KF2",))
    assert out == ("from keras import utils as np_utils\n"
                   "from keras.layers import Layer\n"
                   "from keras import losses as objectives\n"
                   "from keras.constraints import max_norm as maxnorm\n"
                   "from keras.utils import plot_model\n\n"
                   "Y = np_utils.to_categorical(y, nb_classes)\n"
                   "loss = objectives.mean_squared_error\n"
                   "c = maxnorm(2)\n"
                   "plot_model(model, to_file='m.png', show_layer_names=True)\n")


# --- tf.keras -> keras (KF284, opt-in) -----------------------------------------------------------

TF_PROGRAM = ("import tensorflow as tf\nfrom tensorflow import keras\n"
              "from tensorflow.keras.layers import Dense\n"
              "model = keras.Sequential([Dense(3), tf.keras.layers.Dense(1)])\n"
              "ds = tf.data.Dataset.range(3)\n")


@pytest.mark.parametrize("select", [(), ("KF2",), ("ALL",), ("KF28",)])
def test_tf_keras_to_keras_runs_only_when_named(select):
    result = run(TF_PROGRAM, unsafe=True, select=select)
    assert result.new is None and not [f for f in result.findings if f.code == "KF284"]


def test_tf_keras_to_keras_rewrites_every_import_and_path_of_the_file():
    for select in (("KF284",), ("tf-keras-to-keras",), ("ALL", "KF284")):
        settings_select = ("KF284",) if select == ("tf-keras-to-keras",) else select
        assert once(TF_PROGRAM, unsafe=True, select=settings_select) == (
            "import tensorflow as tf\nimport keras\nfrom keras.layers import Dense\n"
            "model = keras.Sequential([Dense(3), keras.layers.Dense(1)])\n"
            "ds = tf.data.Dataset.range(3)\n")
    assert fixed(TF_PROGRAM, select=("KF284",)) == TF_PROGRAM  # unsafe fix


def test_rule_name_selects_the_opt_in_rule_through_the_cli(tmp_path):
    from click.testing import CliRunner

    from kerasfix.cli import main

    path = tmp_path / "m.py"
    path.write_text(TF_PROGRAM)
    out = CliRunner().invoke(main, ["check", "--select", "tf-keras-to-keras", str(path)])
    assert "KF284" in out.output


@pytest.mark.parametrize("src, blocker", [
    ("from tensorflow.keras import backend as K\nn = K.int_shape(x)\n", "keras.backend.int_shape"),
    ("from tensorflow.keras.preprocessing.image import ImageDataGenerator\n",
     "keras.preprocessing.image.ImageDataGenerator"),
    ("import tensorflow as tf\nloss = tf.keras.losses.mse\n", "keras.losses.mse"),
    ("import tensorflow as tf\nd = tf.keras.layers.AlphaDropout(0.1)\n",
     "keras.layers.AlphaDropout"),
    ("import tensorflow.keras\nm = tensorflow.keras.Sequential()\n", "import tensorflow.keras"),
    ("from tensorflow import keras, nn\nm = keras.Sequential()\n", "from tensorflow import keras"),
    ("import tensorflow as tf\nkeras = 3\nm = tf.keras.Sequential()\n", "`keras` is taken"),
])
def test_a_name_only_tf_keras_has_keeps_every_tf_keras_import(src, blocker):
    assert fixed(src, unsafe=True, select=("KF284",)) == src
    findings = [f for f in run(src, fix=False, select=("KF284",)).findings if f.code == "KF284"]
    assert findings and all(blocker in f.message and f.severity == "warning" for f in findings)
    assert findings[0].span.line == 1  # on the import that brings tf.keras in


def test_tf_keras_to_keras_converges_with_the_backend_rules():
    src = ("import tensorflow as tf\nfrom tensorflow.keras import backend as K\n"
           "def f(x):\n    return K.int_shape(x)\nm = tf.keras.Sequential()\n")
    out = once(src, unsafe=True, select=("ALL", "KF284"))
    assert "tf.keras" not in out and "tensorflow.keras" not in out
    assert "tuple(x.shape)" in out and "m = keras.Sequential()" in out


def test_numpy_random_names_are_no_alias_business():
    src = ("import keras\nimport numpy as np\nw = np.random.normal(size=3)\n"
           "u = np.random.uniform(0, 1)\nloss = keras.losses.mean_squared_error\n")
    result = run(src, unsafe=True)
    assert result.new is None and not result.findings
