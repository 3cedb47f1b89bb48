"""Engine tests of the saving, loading and callback rules (KF360-KF372): path literals in their
spellings, readers following writers, and the `save`/`load` calls of other libraries, which
must never be touched. Keras facts: test_program_saving_keras.py."""

from __future__ import annotations

import ast

import pytest

from tests.harness import fixed_text, run


def _fix(src: str, only: str = "", **kw) -> str:
    out = fixed_text(src, only=only, **kw)
    ast.parse(out)
    assert fixed_text(out, only=only, **kw) == out, "a second fix must change nothing"
    return out


def _codes(src: str, **kw) -> list[str]:
    return [f.code for f in run(src, fix=False, **kw).findings]


# --- other libraries' save/load ----------------------------------------------------------------

OTHER_LIBRARIES = """\
import keras
import numpy as np
import pickle
import joblib
import torch
from PIL import Image
from gensim.models import Word2Vec
np.save('features', x)
np.save('features.h5', x)
torch.save(net.state_dict(), 'net')
joblib.dump(clf, 'clf')
pickle.dump(obj, open('obj', 'wb'))
img = Image.open('a.png')
img.save('b.png')
w2v = Word2Vec(sentences)
w2v.save('w2v')
model = Word2Vec(sentences)
model.save('word2vec.model')
fig.savefig('plot')
df.to_hdf('store.h5', 'key')
"""


def test_other_libraries_never_touched():
    result = run(OTHER_LIBRARIES, fix=True, unsafe=True)
    assert result.new is None
    assert not [f for f in result.findings if f.code.startswith(("KF36", "KF37"))]


# --- KF360 model.save ----------------------------------------------------------------------

@pytest.mark.parametrize("src,expected", [
    ("import keras\nmodel.save('m')", "model.save('m.keras')"),
    ("import keras\nmodel.save(f'{out}/model_{i}_v2')", "model.save(f'{out}/model_{i}_v2.keras')"),
    ("import keras\nmodel.save(out + '/final')", "model.save(out + '/final.keras')"),
    ("import keras\nkeras.models.save_model(net, 'saved')",
     "keras.models.save_model(net, 'saved.keras')"),
    ("from tensorflow import keras\nm = keras.Sequential()\nm.save(\"exported\")",
     "m.save(\"exported.keras\")"),
])
def test_save_appends_keras_unsafe(src, expected):
    assert fixed_text(src, only="KF360") == src
    assert expected in _fix(src, only="KF360", unsafe=True)


@pytest.mark.parametrize("src", [
    "import keras\nmodel.save('my_model.h5')",
    "import keras\nmodel.save('my_model.hdf5')",
    "import keras\nmodel.save('my_model.keras')",
    "import keras\nmodel.save(path)",
    "import keras\nmodel.save('dir/')",
    "import keras\nmodel.save(f'{out}/model_{suffix}')",  # the suffix is not in the literal
    "import keras\nclf.save('m')",  # nothing says it is a model
])
def test_save_left_alone(src):
    assert "KF360" not in _codes(src)


def test_save_known_model_with_any_name():
    src = "from keras.models import Sequential\nnet = Sequential()\nnet.save('net')"
    assert "net.save('net.keras')" in _fix(src, only="KF360", unsafe=True)


def test_load_model_follows_only_matching_literal():
    src = ("import keras\nmodel.save('a')\nm1 = keras.models.load_model('a')\n"
           "m2 = keras.models.load_model('a.h5')\n")
    out = _fix(src, only="KF360", unsafe=True)
    assert "load_model('a.keras')" in out and "load_model('a.h5')" in out


def test_save_format_tf_is_reported_not_rewritten():
    src = "import keras\nmodel.save('export', save_format='tf')"
    result = run(src, fix=True, unsafe=True, only="KF360")
    assert result.new is None and [f.fix for f in result.findings] == [None]


def test_save_unsupported_keywords_reported():
    src = "import keras\nmodel.save('m.keras', signatures=sig)"
    assert "KF360" in _codes(src)


def test_save_keeps_quotes_and_prefix():
    assert "model.save(r\"C:\\models\\net.keras\")" in _fix(
        "import keras\nmodel.save(r\"C:\\models\\net\")", only="KF360", unsafe=True)


# --- KF361 save_weights / load_weights --------------------------------------------------------

def test_weights_suffix_and_reader():
    src = ("import keras\nif os.path.exists('w.hdf5'):\n    model.load_weights('w.hdf5')\n"
           "model.fit(x, y)\nmodel.save_weights('w.hdf5')\n")
    out = _fix(src, only="KF361")
    assert out.count("'w.weights.h5'") == 2 and "exists('w.hdf5')" in out


def test_weights_reader_of_unknown_h5_kept():
    src = "import keras\nmodel.load_weights('imagenet.h5')\nmodel.save_weights('mine.h5')"
    out = _fix(src, only="KF361")
    assert "load_weights('imagenet.h5')" in out and "save_weights('mine.weights.h5')" in out


def test_weights_format_call_and_keyword():
    src = "import keras\nmodel.save_weights(filepath='w_{}.h5'.format(epoch), overwrite=True)"
    assert "filepath='w_{}.weights.h5'.format(epoch)" in _fix(src, only="KF361")


def test_weights_save_format_dropped():
    src = "import keras\nmodel.save_weights('w.h5', save_format='h5')"
    assert _fix(src, only="KF361").endswith("model.save_weights('w.weights.h5')")


def test_weights_by_name_blocks_both():
    src = ("import keras\nmodel.save_weights('w.h5')\n"
           "model.load_weights('w.h5', by_name=True)\n")
    result = run(src, fix=True, unsafe=True, only="KF361")
    assert result.new is None and len(result.findings) == 2


def test_weights_module_receiver_untouched():
    src = "import keras\nimport h5store\nh5store.save_weights('w.h5')"
    assert "KF361" not in _codes(src)


# --- KF362 ModelCheckpoint ---------------------------------------------------------------------

def test_checkpoint_weights_only_positional_and_reader():
    src = ("from keras.callbacks import ModelCheckpoint\nfrom keras.models import load_model\n"
           "cp = ModelCheckpoint('best.hdf5', 'val_acc', 1, True, True)\n"
           "model.load_weights('best.hdf5')\n")
    out = _fix(src, only="KF362")
    assert out.count("'best.weights.h5'") == 2


def test_checkpoint_full_model_reader_load_model():
    src = ("import keras\ncp = keras.callbacks.ModelCheckpoint(filepath='model.hdf5', "
           "save_best_only=True)\nbest = keras.models.load_model('model.hdf5')\n")
    assert _fix(src, only="KF362").count("'model.h5'") == 2


def test_checkpoint_keeps_template_fields():
    src = ("from keras.callbacks import ModelCheckpoint\n"
           "cp = ModelCheckpoint('ckpt/weights.{epoch:02d}-{val_loss:.2f}.hdf5')")
    assert "'ckpt/weights.{epoch:02d}-{val_loss:.2f}.h5'" in _fix(src, only="KF362")


def test_checkpoint_options_dropped_load_on_restart_reported():
    src = ("import keras\ncp = keras.callbacks.ModelCheckpoint('m.keras', options=opts, "
           "load_weights_on_restart=True)")
    result = run(src, fix=True, only="KF362")
    assert "options" not in result.new.decode()
    assert any("BackupAndRestore" in f.message for f in result.findings)


def test_checkpoint_variable_path_only_keywords():
    src = "from keras.callbacks import ModelCheckpoint\ncp = ModelCheckpoint(fp, period=1)"
    assert _fix(src, only="KF362").endswith("ModelCheckpoint(fp)")


# --- KF363 / KF364 -----------------------------------------------------------------------------

def test_yaml_with_module_alias():
    src = "import keras.models as KM\nm = KM.model_from_yaml(text)"
    assert "KM.model_from_json(text)" in _fix(src, only="KF363", unsafe=True)


def test_yaml_on_non_model_receiver_untouched():
    src = "import keras\nprint(settings.to_yaml())"
    assert "KF363" not in _codes(src)


# --- callbacks ---------------------------------------------------------------------------------

def test_reduce_lr_epsilon_tf_keras_and_multiline():
    src = ("import tensorflow as tf\ncb = tf.keras.callbacks.ReduceLROnPlateau(\n"
           "    monitor='val_loss',\n    epsilon=0.001,  # threshold\n)\n")
    assert _fix(src, only="KF370") == src.replace("epsilon=", "min_delta=")


def test_reduce_lr_epsilon_is_an_error():
    src = "from keras.callbacks import ReduceLROnPlateau\ncb = ReduceLROnPlateau(epsilon=0.1)"
    assert [f.severity for f in run(src, fix=False).findings if f.code == "KF370"] == ["error"]


def test_other_epsilons_untouched():
    src = ("import keras\nfrom keras.callbacks import EarlyStopping\n"
           "es = EarlyStopping(min_delta=0.1)\n"
           "bn = keras.layers.BatchNormalization(epsilon=1e-3)\n")
    assert "KF370" not in _codes(src)


def test_tensorboard_and_progbar():
    src = ("import keras\ncbs = [keras.callbacks.TensorBoard('logs', 1, embeddings_data=x),\n"
           "       keras.callbacks.ProgbarLogger(count_mode='steps')]\n")
    out = _fix(src)
    assert "TensorBoard('logs', 1)" in out and "ProgbarLogger()" in out


# --- paths held in a variable, and folders -----------------------------------------------------

def test_checkpoint_path_variable_appended_for_writer_and_reader():
    src = ("import os\nimport tensorflow as tf\ncheckpoint_path = 'training_1/cp.ckpt'\n"
           "checkpoint_dir = os.path.dirname(checkpoint_path)\n"
           "cb = tf.keras.callbacks.ModelCheckpoint(filepath=checkpoint_path, "
           "save_weights_only=True)\nmodel.load_weights(checkpoint_path)\n")
    assert fixed_text(src, only="KF362") == src
    out = _fix(src, only="KF362", unsafe=True)
    assert "filepath=checkpoint_path + '.weights.h5'" in out
    assert "model.load_weights(checkpoint_path + '.weights.h5')" in out
    assert "checkpoint_path = 'training_1/cp.ckpt'\n" in out  # its other uses unchanged


def test_variable_with_a_changed_suffix_is_reported_where_used():
    src = ("from keras.callbacks import ModelCheckpoint\nfilepath = 'weights.best.hdf5'\n"
           "cp = ModelCheckpoint(filepath, save_best_only=True)\nmodel.load_weights(filepath)\n")
    result = run(src, fix=True, unsafe=True, only="KF362")
    assert result.new is None
    assert [(f.span.line, f.fix) for f in result.findings] == [(3, None)]
    assert "'weights.best.h5'" in result.findings[0].message


def test_variable_assigned_twice_is_not_followed():
    src = ("import keras\npath = 'a'\nif big:\n    path = 'b.keras'\nmodel.save(path)\n")
    assert "KF360" not in _codes(src)


def test_folder_paths_reported_not_appended():
    src = ("import keras\nmodel.save('saved_model/my_model')\n"
           "m = keras.models.load_model('saved_model/my_model')\n"
           "model.save_weights('./checkpoints/my_checkpoint')\n"
           "model.save_weights('./checkpoints/w.h5')\n")
    result = run(src, fix=True, unsafe=True)
    out = result.new.decode()
    assert "model.save('saved_model/my_model')" in out  # reported, not rewritten
    assert "'./checkpoints/my_checkpoint')" in out and "'./checkpoints/w.weights.h5'" in out
    found = [(f.code, f.span.line) for f in result.findings if f.kind == "manual"]
    assert ("KF360", 2) in found and ("KF361", 4) in found
    assert ("KF360", 3) not in found  # its writer carries the finding


def test_h5_load_with_short_loss_in_the_file():
    src = ("import keras\nmodel.compile('adam', {'out': 'mae', 'aux': 'binary_crossentropy'})\n"
           "m = keras.models.load_model('best.hdf5')\nn = keras.models.load_model('x.keras')\n")
    found = [f for f in run(src, fix=False).findings if f.code == "KF360"]
    assert [(f.span.line, f.fix) for f in found] == [(3, None)] and "'mae'" in found[0].message
    assert "KF360" not in _codes(src.replace("'mae'", "'mean_absolute_error'"))
