"""Oracle tests of the module rules (rules/program/modules.toml, KF270-KF283) against real
Keras 3 and the tf.keras surface of TensorFlow (`keras._tf_keras.keras`).

- rules/program/data/keras_api.toml is exactly what scripts/gen_keras_api.py writes from the
  installed Keras (the rules' view of what exists);
- every legacy module a record rewrites is gone in Keras 3, and every name it writes exists;
- every name canonical() relocates (kerasfix/names.py) exists at its new place;
- the behaviour claims: to_categorical's keywords, Keras 1's np_utils helpers vs np.argmax,
  plot_model's default, initializers.get, BatchNormalization(synchronized=), the cuDNN
  defaults of LSTM/GRU, the aliases of tf.keras that Keras 3 lacks (same objects).
"""

from __future__ import annotations

import importlib
import inspect

import numpy as np
import pytest

from kerasfix.migrate.program.loader import load_program_rules
from kerasfix.migrate.program.modules import api
from kerasfix.names import ENGINE_MODULES, ENGINE_NAMES, RELOCATED
from tests.oracle_support import keras

tf = __import__("tensorflow")  # after oracle_support set the environment

pytestmark = pytest.mark.oracle

TFK = keras._tf_keras.keras
RULES = {r.id: r for r in load_program_rules().rules}
RNG = np.random.default_rng(3)


def _resolve(qualname: str, root=keras):
    """The object `keras.a.b.c` names (under `root`), or raise."""
    parts = qualname.split(".")[1:]
    obj = root
    for part in parts:
        obj = getattr(obj, part)
    return obj


def _absent_module(qualname: str, root: str = "keras") -> bool:
    try:
        importlib.import_module(root + qualname[len("keras"):])
    except ModuleNotFoundError:
        return True
    return False


# --- the API table -------------------------------------------------------------------------------

def test_api_table_is_what_the_installed_keras_has():
    import sys
    from pathlib import Path

    scripts = Path(__file__).resolve().parent.parent / "scripts"
    sys.path.insert(0, str(scripts))
    try:
        gen = importlib.import_module("gen_keras_api")
    finally:
        sys.path.remove(str(scripts))
    on_disk = gen.TARGET.read_text()
    assert on_disk == gen.render(), "run scripts/gen_keras_api.py"


def test_api_lookup_agrees_with_both_surfaces():
    table = api()
    for qualname in ("keras.utils.to_categorical", "keras.layers.Layer", "keras.losses",
                     "keras.mixed_precision.set_global_policy"):
        _resolve(qualname)
        assert table.exists(qualname)
    for qualname in ("keras.losses.mse", "keras.backend.int_shape", "keras.utils.np_utils"):
        assert not table.exists(qualname) and not hasattr(_parent(qualname), _last(qualname))
    # tf.keras: its legacy names exist there, and a few Keras 3 names do not.
    assert table.exists("keras.losses.mse", "tf.keras") and TFK.losses.mse
    assert table.exists("keras.backend.int_shape", "tf.keras") and TFK.backend.int_shape
    assert not table.exists("keras.losses.mean_squared_error", "tf.keras")
    assert not hasattr(TFK.losses, "mean_squared_error")


def _parent(qualname):
    return _resolve(qualname.rpartition(".")[0])


def _last(qualname):
    return qualname.rpartition(".")[2]


# --- module paths (KF273, KF278, KF280) ----------------------------------------------------------

MOVES = [RULES[code] for code in ("KF273", "KF278", "KF280", "KF283")]


@pytest.mark.parametrize("rule", MOVES, ids=lambda r: r.id)
def test_every_legacy_module_is_gone_and_every_target_exists(rule):
    for old, new in rule.data.get("modules_to", {}).items():
        assert _absent_module(old), f"{old} still exists: no rewrite needed"
        assert _absent_module(old, "tensorflow.keras") or old == "keras.legacy.layers"
        assert inspect.ismodule(_resolve(new)), new
    for old, new in rule.data.get("names_to", {}).items():
        _resolve(new) if api().exists(new) else _resolve(new, TFK)


def test_relocated_names_exist_at_their_public_place():
    # canonical() resolves `keras.engine.topology.X` and names of RELOCATED modules to
    # their public names; Merge/merge are the merge rules' business (gone in Keras 3).
    for name, module in ENGINE_NAMES.items():
        if name not in ("Merge", "merge"):
            assert hasattr(getattr(keras, module), name), f"keras.{module}.{name}"
    for old in ENGINE_MODULES:
        assert _absent_module("keras." + old)
    for old, new in RELOCATED.items():
        assert _absent_module("keras." + old), old
        assert inspect.ismodule(_resolve("keras." + new))


def test_keras2_names_of_the_utils_modules_are_in_keras_utils():
    # Keras 2.2 keras/utils/__init__.py took these from np_utils, generic_utils, data_utils,
    # layer_utils, vis_utils: each is in keras.utils today.
    for name in ("to_categorical", "normalize", "Progbar", "custom_object_scope",
                 "CustomObjectScope", "get_custom_objects", "serialize_keras_object",
                 "deserialize_keras_object", "get_file", "Sequence", "get_source_inputs",
                 "plot_model", "model_to_dot"):
        assert hasattr(keras.utils, name), name
    for name in ("HDF5Matrix", "multi_gpu_model", "OrderedEnqueuer", "GeneratorEnqueuer",
                 "print_summary", "convert_all_kernels_in_model", "probas_to_classes"):
        assert not hasattr(keras.utils, name), name


def test_container_and_network_become_model():
    # Keras 1 Container(inputs, outputs) is a Model without compile/fit.
    x = keras.Input((3,))
    model = keras.models.Model(x, keras.layers.Dense(2)(x))
    assert model(np.ones((1, 3), "float32")).shape == (1, 2)


def test_tensorflow_python_keras_is_not_keras3_but_tensorflow_keras_is():
    import tensorflow.python.keras.layers as internal

    assert internal.Dense is not keras.layers.Dense  # TF's frozen Keras 2 copy
    assert tf.keras.layers.Dense is keras.layers.Dense
    assert tf.keras.backend is not None and _absent_module("keras.engine", "tensorflow.keras")


# --- to_categorical, np_utils helpers, plot (KF270-KF272) ----------------------------------------

def k1_to_categorical(y, nb_classes=None):
    """Keras 1.2.2 keras/utils/np_utils.py."""
    y = np.array(y, dtype="int").ravel()
    if not nb_classes:
        nb_classes = np.max(y) + 1
    n = y.shape[0]
    categorical = np.zeros((n, nb_classes))
    categorical[np.arange(n), y] = 1
    return categorical


def test_to_categorical_keywords():
    y = RNG.integers(0, 5, size=(20,))
    with pytest.raises(TypeError, match="nb_classes"):
        keras.utils.to_categorical(y, nb_classes=5)
    with pytest.raises(TypeError, match="'y'"):
        keras.utils.to_categorical(y=y, num_classes=5)
    with pytest.raises(TypeError, match="dtype"):
        keras.utils.to_categorical(y, 5, dtype="float32")
    for labels in (y, y[:, None]):  # (n,) and (n, 1), as cifar10 gives them
        np.testing.assert_array_equal(keras.utils.to_categorical(labels, num_classes=5),
                                      k1_to_categorical(labels, 5))
    out = keras.utils.to_categorical(y, 5).astype("int32")  # what KF270 writes for dtype=
    assert out.dtype == np.int32


def k1_probas_to_classes(y_pred):
    """Keras 1.2.2 keras/utils/np_utils.py."""
    if len(y_pred.shape) > 1 and y_pred.shape[1] > 1:
        return np.argmax(y_pred, axis=1)
    return np.array([1 if p > 0.5 else 0 for p in y_pred])


def test_np_utils_helpers_and_their_rewrite():
    p = RNG.random((30, 4))
    np.testing.assert_array_equal(k1_probas_to_classes(p), np.argmax(p, axis=1))
    binary = RNG.random((30, 1))  # why probas_to_classes -> argmax is unsafe
    assert not np.array_equal(k1_probas_to_classes(binary), np.argmax(binary, axis=1))
    for name in RULES["KF271"].calls:
        assert not hasattr(keras.utils, name.rpartition(".")[2])


def test_plot_model_default_and_positional_order():
    params = inspect.signature(keras.utils.plot_model).parameters
    assert params["show_layer_names"].default is False  # Keras 1 plot / Keras 2: True
    assert list(params)[:5] == ["model", "to_file", "show_shapes", "show_dtype",
                                "show_layer_names"]
    for keyword in RULES["KF272"].data["positional"]:
        assert keyword in params


# --- objectives, initializations (KF273, KF274) --------------------------------------------------

def test_objectives_long_names_are_losses():
    for name in ("mean_squared_error", "mean_absolute_error", "categorical_crossentropy",
                 "sparse_categorical_crossentropy", "binary_crossentropy", "hinge",
                 "squared_hinge", "poisson", "mean_absolute_percentage_error",
                 "mean_squared_logarithmic_error"):
        assert callable(getattr(keras.losses, name))


def test_initializers_get_takes_the_keras1_names_and_returns_an_initializer():
    assert _absent_module("keras.initializations")
    for name in ("glorot_uniform", "uniform", "normal", "zero", "one", "orthogonal",
                 "he_normal", "lecun_uniform"):
        init = keras.initializers.get(name)
        assert init((2, 3)).shape == (2, 3)
    with pytest.raises(TypeError):
        keras.initializers.get("glorot_uniform")((2, 3), name="W")  # Keras 1 passed name=
    # Keras 1's functions took a shape and returned a variable; under the same name Keras 3
    # has nothing, or a class whose first parameter is not a shape (GlorotUniform(seed)).
    for name in RULES["KF274"].calls:
        found = getattr(keras.initializers, name.rpartition(".")[2], None)
        assert found is None or inspect.isclass(found) and "shape" not in \
            inspect.signature(found).parameters, name


# --- removed names (KF275-KF277, KF282) ----------------------------------------------------------

def test_removed_names_are_gone_in_both_surfaces():
    for code in ("KF275", "KF276", "KF277", "KF282"):
        for qualname in RULES[code].calls:
            for root in (keras, TFK):
                with pytest.raises(AttributeError):
                    _resolve(qualname, root)
    assert _absent_module("keras.wrappers.scikit_learn")
    assert keras.wrappers.SKLearnClassifier  # the Keras 3 replacement KF276 names
    assert _absent_module("keras.applications.music_tagger_crnn")
    assert keras.utils.FeatureSpace


# --- experimental layers, mixed precision, CuDNN (KF278-KF281) -----------------------------------

def test_experimental_layers_moved_to_keras_layers():
    for root in ("keras", "tensorflow.keras"):
        assert _absent_module("keras.layers.experimental", root)
    for name in ("Rescaling", "Normalization", "TextVectorization", "RandomFlip",
                 "EinsumDense", "StringLookup", "CategoryEncoding", "Resizing"):
        assert getattr(keras.layers, name) is getattr(TFK.layers, name)
    assert hasattr(TFK.layers, "RandomHeight") and not hasattr(keras.layers, "RandomHeight")


def test_sync_batch_normalization_is_batch_normalization_synchronized():
    bn = keras.layers.BatchNormalization(momentum=0.9, synchronized=True)
    assert bn.synchronized and bn.momentum == 0.9
    params = list(inspect.signature(keras.layers.BatchNormalization).parameters)
    # tf.keras 2.x SyncBatchNormalization(axis, momentum, epsilon, center, scale, ...):
    assert params[:5] == ["axis", "momentum", "epsilon", "center", "scale"]


def test_mixed_precision_names():
    for name in ("Policy", "set_global_policy", "global_policy", "LossScaleOptimizer"):
        assert hasattr(keras.mixed_precision, name) and hasattr(TFK.mixed_precision, name)
    assert not hasattr(keras.mixed_precision, "set_policy")
    assert keras.mixed_precision.Policy("mixed_float16").compute_dtype == "float16"


def test_lstm_and_gru_defaults_are_what_the_cudnn_layers_computed():
    rule = RULES["KF281"]
    lstm = keras.layers.LSTM(4)
    gru = keras.layers.GRU(4)
    assert lstm.activation.__name__ == "tanh" and lstm.recurrent_activation.__name__ == "sigmoid"
    assert gru.reset_after is True and gru.recurrent_activation.__name__ == "sigmoid"
    assert lstm.use_cudnn == "auto" and gru.use_cudnn == "auto"
    for old, new in rule.data["to"].items():
        assert not hasattr(keras.layers, old) and not hasattr(TFK.layers, old)
        params = inspect.signature(getattr(keras.layers, new)).parameters
        assert all(p in params for p in rule.data["positional"][old]), old


# --- aliases Keras 3 lacks (KF283) ---------------------------------------------------------------

def test_aliases_map_to_the_same_objects():
    rule = RULES["KF283"]
    for old, new in rule.data["names_to"].items():
        module, name = old.rsplit(".", 1)
        _, new_name = new.rsplit(".", 1)
        k3, tfk = _resolve(module), _resolve(module, TFK)
        if not hasattr(k3, name):  # keras flavour: rewritten, to a name Keras 3 has
            target = getattr(k3, new_name)
            legacy = getattr(tfk, name, None)
            if legacy is not None and not inspect.isclass(target):  # the same function
                assert legacy is target or _same_loss(legacy, target), old
        if not hasattr(tfk, name):  # tf.keras flavour: rewritten, to a name tf.keras has
            assert hasattr(tfk, new_name), new


def _same_loss(a, b) -> bool:
    y, p = RNG.random((8, 5)).astype("float32"), RNG.random((8, 5)).astype("float32") + 0.1
    return np.allclose(np.asarray(a(y, p)), np.asarray(b(y, p)), rtol=1e-6)


def test_keras2_lowercase_aliases_are_the_same_classes():
    # Keras 2.2: initializers `normal = random_normal = RandomNormal`, constraints
    # `maxnorm = max_norm = MaxNorm`, optimizers `adam = Adam`.
    assert keras.initializers.random_normal is keras.initializers.RandomNormal
    assert keras.initializers.zeros is keras.initializers.Zeros
    assert keras.constraints.max_norm is keras.constraints.MaxNorm
    assert keras.initializers.RandomNormal().stddev == 0.05  # Keras 2's default too
    assert keras.losses.mean_squared_error is TFK.losses.mse
