"""The oracle for the saving, loading and callback rules (KF360-KF372): each claim checked in
real Keras 3 on a tiny model in a temporary folder, and kerasfix's output run there."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

from kerasfix.migrate.program.loader import load_program_rules
from kerasfix.migrate.program.saving import SHORT_LOSSES
from tests.harness import fixed_text
from tests.oracle_support import keras

pytestmark = pytest.mark.oracle

RULE_DROPS = {r.id: r.data.get("drop", {}) for r in load_program_rules().rules}


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(loss="mae", optimizer="sgd")
    return model


def _run(code: str, model=None, **kw) -> dict:
    namespace = {"model": model if model is not None else _model()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(fixed_text(code, **kw), "<fixed>", "exec"), namespace)
    return namespace


# --- KF360 ---------------------------------------------------------------------------------------

def test_save_needs_a_keras_suffix(here):
    model = _model()
    with pytest.raises(ValueError, match="Invalid filepath extension"):
        model.save("my_model")
    for name in ("m.keras", "m.h5", "m.hdf5"):
        model.save(name)
    ns = _run("import keras\nmodel.save('my_model')\nback = keras.models.load_model('my_model')",
              model, unsafe=True)
    assert (here / "my_model.keras").exists() and isinstance(ns["back"], keras.Model)


def test_save_format_only_with_a_suffix(here):
    model = _model()
    with pytest.raises(ValueError, match="save_format"):
        model.save("net", save_format="h5")
    model.save("net.h5", save_format="h5")  # a warning only
    _run("import keras\nmodel.save('net', save_format='h5')", model, unsafe=True)
    assert (here / "net.h5").exists()


def test_savedmodel_arguments_and_directories_rejected(here):
    model = _model()
    with pytest.raises(ValueError, match="not supported"):
        model.save("m.keras", signatures=None)
    (here / "saved_model_dir").mkdir()
    with pytest.raises(ValueError, match="File format not supported"):
        keras.models.load_model("saved_model_dir")
    assert hasattr(keras.layers, "TFSMLayer") and hasattr(model, "export")


def test_keras3_does_not_create_folders_but_checkpoints_do(here):
    """Why a suffix appended to a SavedModel/TF-checkpoint path in a folder is reported."""
    model = _model()
    with pytest.raises(FileNotFoundError):
        model.save("saved_model/my_model.keras")
    with pytest.raises(FileNotFoundError):
        model.save_weights("checkpoints/my_checkpoint.weights.h5")
    model.fit(np.zeros((2, 3)), np.zeros((2, 2)), epochs=1, verbose=0, callbacks=[
        keras.callbacks.ModelCheckpoint("training_1/cp.ckpt.weights.h5", save_weights_only=True)])
    assert (here / "training_1" / "cp.ckpt.weights.h5").exists()


@pytest.mark.parametrize("loss", sorted(SHORT_LOSSES))
def test_h5_model_with_a_short_loss_name_does_not_load_compiled(here, loss):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(loss=loss, optimizer="sgd")
    model.save("m.h5")
    with pytest.raises(ValueError, match="Could not deserialize"):
        keras.models.load_model("m.h5")
    keras.models.load_model("m.h5", compile=False)
    model.compile(loss="mean_squared_error", optimizer="sgd")  # the long name is fine
    model.save("long.h5")
    keras.models.load_model("long.h5")


# --- KF361 ---------------------------------------------------------------------------------------

def test_save_weights_suffix(here):
    model = _model()
    for name in ("w.h5", "w.hdf5", "ckpt"):
        with pytest.raises(ValueError, match=r"\.weights\.h5"):
            model.save_weights(name)
    ns = _run("import keras\nmodel.save_weights('w.h5')\nmodel.load_weights('w.h5')\n", model)
    assert (here / "w.weights.h5").exists() and "model" in ns
    assert "save_format" not in inspect.signature(keras.Model.save_weights).parameters


def test_legacy_h5_still_loads_and_by_name_needs_it(here):
    model = _model()
    model.save("full.h5")
    model.load_weights("full.h5")  # a legacy file not written by save_weights: kept
    model.load_weights("full.h5", by_name=True)
    model.save_weights("w.weights.h5")
    with pytest.raises(ValueError, match="by_name"):
        model.load_weights("w.weights.h5", by_name=True)


def test_checkpoint_path_in_a_variable_fix_runs(here):
    code = ("import numpy as np\nimport tensorflow as tf\n"
            "checkpoint_path = 'training_1/cp.ckpt'\n"
            "cb = tf.keras.callbacks.ModelCheckpoint(filepath=checkpoint_path, "
            "save_weights_only=True)\n"
            "model.fit(np.zeros((2, 3)), np.zeros((2, 2)), epochs=1, verbose=0, callbacks=[cb])\n"
            "model.load_weights(checkpoint_path)\n")
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        exec(code, {"model": _model()})
    _run(code, unsafe=True)
    assert (here / "training_1" / "cp.ckpt.weights.h5").exists()


def test_tensorflow_checkpoint_prefix_not_loadable(here):
    with pytest.raises(ValueError, match="only supports"):
        _model().load_weights("training_1/cp.ckpt")


# --- KF362 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path,weights_only", [("a.hdf5", False), ("a", False),
                                               ("a.h5", True), ("a.keras", True)])
def test_checkpoint_rejects(path, weights_only):
    with pytest.raises(ValueError, match="must end in"):
        keras.callbacks.ModelCheckpoint(path, save_weights_only=weights_only)


@pytest.mark.parametrize("keyword", ["period", "options", "load_weights_on_restart"])
def test_checkpoint_removed_keywords(keyword):
    with pytest.raises(TypeError, match=keyword):
        keras.callbacks.ModelCheckpoint("a.keras", **{keyword: 1})


def test_checkpoint_fix_trains_and_reloads(here):
    model = _model()
    code = ("from keras.callbacks import ModelCheckpoint\n"
            "cp = ModelCheckpoint(filepath='weights.{epoch:02d}.hdf5', period=1)\n"
            "best = ModelCheckpoint('best.hdf5', save_best_only=True, monitor='loss')\n"
            "only = ModelCheckpoint('w.hdf5', save_weights_only=True)\n"
            "model.fit(np.zeros((4, 3)), np.zeros((4, 2)), epochs=1, verbose=0, "
            "callbacks=[cp, best, only])\n"
            "model.load_weights('best.hdf5')\nmodel.load_weights('w.hdf5')\n")
    _run("import numpy as np\n" + code, model)
    names = sorted(p.name for p in here.iterdir())
    assert names == ["best.h5", "w.weights.h5", "weights.01.h5"]


# --- KF363, KF364 --------------------------------------------------------------------------------

def test_yaml_gone_json_round_trips():
    model = _model()
    assert not hasattr(model, "to_yaml") and not hasattr(keras.models, "model_from_yaml")
    ns = _run("import keras\nclone = keras.models.model_from_yaml(model.to_yaml())", model,
              unsafe=True)
    assert isinstance(ns["clone"], keras.Model)


def test_from_config_functions_gone_and_deserialize_needs_keras3_configs():
    model = _model()
    assert not hasattr(keras.models, "model_from_config")
    keras1_style = {"class_name": "Sequential", "config": model.get_config()}
    with pytest.raises(TypeError, match="Could not locate class"):
        keras.layers.deserialize(keras1_style)
    assert isinstance(keras.Sequential.from_config(keras1_style["config"]), keras.Sequential)


# --- KF370-KF372 ---------------------------------------------------------------------------------

def test_reduce_lr_epsilon_silently_ignored_and_fix():
    assert keras.callbacks.ReduceLROnPlateau(epsilon=0.5).min_delta == 1e-4
    ns = _run("from keras.callbacks import ReduceLROnPlateau\ncb = ReduceLROnPlateau("
              "monitor='val_loss', factor=0.2, patience=5, epsilon=0.5)")
    assert ns["cb"].min_delta == 0.5


def test_tensorboard_keywords():
    params = inspect.signature(keras.callbacks.TensorBoard).parameters
    for dropped in RULE_DROPS["KF371"]:
        assert dropped not in params
        with pytest.raises(TypeError):
            keras.callbacks.TensorBoard(**{dropped: 1})
    ns = _run("import keras\ntb = keras.callbacks.TensorBoard(log_dir='logs', batch_size=32, "
              "write_grads=True, histogram_freq=1)")
    assert ns["tb"].histogram_freq == 1


def test_progbar_logger_and_base_logger():
    with pytest.raises(TypeError):
        keras.callbacks.ProgbarLogger(count_mode="samples")
    assert not hasattr(keras.callbacks, "BaseLogger")
    ns = _run("import keras\ncb = keras.callbacks.ProgbarLogger(count_mode='steps')")
    assert isinstance(ns["cb"], keras.callbacks.ProgbarLogger)

