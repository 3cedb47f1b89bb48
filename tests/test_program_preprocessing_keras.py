"""The oracle for the preprocessing and dataset rules (KF380-KF387), in real Keras 3 and in the
tf.keras legacy surface of TensorFlow 2.21. No dataset is ever downloaded: signatures only."""

from __future__ import annotations

import importlib
import inspect
import warnings

import numpy as np
import pytest
import tensorflow as tf

from kerasfix.migrate.program.loader import load_program_rules
from tests.harness import fixed_text
from tests.oracle_support import keras

pytestmark = pytest.mark.oracle

RULES = {r.id: r for r in load_program_rules().rules}


def _legacy_names(code: str) -> list[tuple[str, str]]:
    return [tuple(q.rsplit(".", 2)[1:]) for q in RULES[code].calls]


# --- KF380, KF381, KF383 -------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["KF380", "KF381", "KF383"])
def test_legacy_names_gone_from_keras_but_in_tf_keras(code):
    for module, name in _legacy_names(code):
        try:
            keras_module = importlib.import_module(f"keras.preprocessing.{module}")
        except ImportError:
            keras_module = None  # keras.preprocessing.text: the whole module is gone
        assert not hasattr(keras_module, name), name
        assert hasattr(getattr(tf.keras.preprocessing, module), name), name


def test_what_keras3_preprocessing_keeps():
    assert sorted(n for n in dir(keras.preprocessing.image) if not n.startswith("_")) == [
        "array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"]
    assert keras.preprocessing.sequence.pad_sequences is keras.utils.pad_sequences
    with pytest.raises(ImportError):
        importlib.import_module("keras.preprocessing.text")
    with pytest.raises(ImportError):
        exec("from keras.preprocessing.image import ImageDataGenerator", {})


def test_unsafe_fix_runs_the_legacy_generator_with_keras3_fit():
    code = ("import numpy as np\nimport keras\n"
            "from keras.preprocessing.image import ImageDataGenerator\n"
            "from keras.preprocessing import text\n"
            "datagen = ImageDataGenerator(horizontal_flip=True)\n"
            "tok = text.Tokenizer(num_words=10)\n")
    with pytest.raises(ImportError):
        exec(code, {})
    ns: dict = {}
    exec(fixed_text(code, unsafe=True), ns)
    x = np.random.default_rng(0).uniform(size=(8, 6, 6, 3)).astype("float32")
    model = keras.Sequential([keras.Input((6, 6, 3)), keras.layers.Flatten(),
                              keras.layers.Dense(2)])
    model.compile(loss="mse", optimizer="sgd")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(ns["datagen"].flow(x, np.zeros((8, 2)), batch_size=4), epochs=1, verbose=0)
    assert ns["tok"].num_words == 10


def test_replacements_exist():
    for name in ("image_dataset_from_directory", "timeseries_dataset_from_array"):
        assert hasattr(keras.utils, name)
    for name in ("RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "Rescaling",
                 "TextVectorization"):
        assert hasattr(keras.layers, name)


def test_timeseries_replacement_aligns_as_the_message_says():
    assert "(data[:-1], targets[length:], sequence_length=length" in RULES["KF383"].data["instead"]
    data, length = np.arange(20, dtype="float32").reshape(10, 2), 3
    targets = np.arange(10, dtype="float32")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        old = tf.keras.preprocessing.sequence.TimeseriesGenerator(data, targets, length,
                                                                  batch_size=100)[0]
    new = next(iter(keras.utils.timeseries_dataset_from_array(
        data[:-1], targets[length:], sequence_length=length, batch_size=100)))
    np.testing.assert_array_equal(old[0], new[0].numpy())
    np.testing.assert_array_equal(old[1], new[1].numpy())


def test_tf_keras_tokenizer_maps_nb_words_and_fix_agrees():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        old = tf.keras.preprocessing.text.Tokenizer(nb_words=7)
    ns: dict = {}
    exec(fixed_text("from tensorflow.keras.preprocessing.text import Tokenizer\n"
                    "tok = Tokenizer(nb_words=7)", only="KF382"), ns)
    assert old.num_words == ns["tok"].num_words == 7


# --- KF384 ---------------------------------------------------------------------------------------

SEQUENCE = """\
import numpy as np
from keras.utils import Sequence
class Batches(Sequence):
    def __init__(self, n):
        self.n = n
    def __len__(self):
        return self.n
    def __getitem__(self, i):
        return np.zeros((2, 3)), np.zeros((2, 1))
"""


def _warnings_of(code: str) -> list[str]:
    ns: dict = {}
    exec(code, ns)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        batches = ns["Batches"](1)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        model.compile(loss="mse", optimizer="sgd")
        model.fit(batches, epochs=1, verbose=0)
    assert batches.workers == 1
    return [str(w.message) for w in caught if "super().__init__" in str(w.message)]


def test_sequence_is_pydataset_and_warns_without_super():
    assert keras.utils.Sequence is keras.utils.PyDataset
    assert _warnings_of(SEQUENCE)
    assert not _warnings_of(fixed_text(SEQUENCE, only="KF384"))


# --- KF385 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("load_img", [keras.utils.load_img, keras.preprocessing.image.load_img,
                                      tf.keras.preprocessing.image.load_img])
def test_load_img_has_no_grayscale(load_img):
    params = inspect.signature(load_img).parameters
    assert "grayscale" not in params and list(params)[:3] == ["path", "color_mode",
                                                             "target_size"]
    with pytest.raises(TypeError, match="grayscale"):
        load_img("missing.png", grayscale=True)


# --- KF386 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("dataset", [keras.datasets.imdb, keras.datasets.reuters,
                                     tf.keras.datasets.imdb])
def test_load_data_has_num_words_not_nb_words(dataset):
    params = inspect.signature(dataset.load_data).parameters
    assert "num_words" in params and "nb_words" not in params
    assert list(params)[:2] == ["path", "num_words"]  # Keras 1's positional order too
    assert "nb_words" not in inspect.getsource(dataset.load_data)  # **kwargs never read


def test_imdb_swallows_nb_words_reuters_refuses_it():
    assert "kwargs" in inspect.signature(keras.datasets.imdb.load_data).parameters
    with pytest.raises(TypeError, match="nb_words"):  # fails before any download
        keras.datasets.reuters.load_data(nb_words=10)


# --- KF387 ---------------------------------------------------------------------------------------

def test_data_format_helpers_and_fix_numerically():
    for fn in (keras.utils.img_to_array, keras.utils.array_to_img,
               keras.applications.imagenet_utils.preprocess_input,
               keras.applications.vgg16.preprocess_input):
        params = inspect.signature(fn).parameters
        assert "data_format" in params and "dim_ordering" not in params
    x = np.random.default_rng(0).uniform(0, 255, (1, 3, 4, 4)).astype("float32")
    ns = {"x": x.copy()}
    exec(fixed_text("from keras.applications.imagenet_utils import preprocess_input\n"
                    "y = preprocess_input(x, dim_ordering='th')", only="KF387"), ns)
    expected = keras.applications.imagenet_utils.preprocess_input(
        x.copy(), data_format="channels_first")
    np.testing.assert_allclose(ns["y"], expected)
    assert not np.allclose(ns["y"], keras.applications.imagenet_utils.preprocess_input(
        x.copy(), data_format="channels_last"))


def test_image_data_generator_data_format_in_tf_keras():
    params = inspect.signature(tf.keras.preprocessing.image.ImageDataGenerator).parameters
    assert "data_format" in params and "dim_ordering" not in params
