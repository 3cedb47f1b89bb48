"""Engine tests of the preprocessing and dataset rules (KF380-KF387). Keras facts:
test_program_preprocessing_keras.py."""

from __future__ import annotations

import ast

from tests.harness import fixed_text, run


def _fix(src: str, only: str = "", **kw) -> str:
    out = fixed_text(src, only=only, **kw)
    ast.parse(out)
    assert fixed_text(out, only=only, **kw) == out, "a second fix must change nothing"
    return out


def _found(src: str, code: str, **kw):
    return [f for f in run(src, fix=False, **kw).findings if f.code == code]


# --- KF380-KF383 the legacy preprocessing modules ------------------------------------------------

def test_image_data_generator_severity_by_flavour():
    keras = _found("from keras.preprocessing.image import ImageDataGenerator as IDG\n"
                   "g = IDG(horizontal_flip=True)", "KF380")
    tf = _found("from tensorflow.keras.preprocessing.image import ImageDataGenerator\n"
                "g = ImageDataGenerator(horizontal_flip=True)", "KF380")
    assert [f.severity for f in keras] == ["error"] and [f.severity for f in tf] == ["warning"]
    assert "ImportError" in keras[0].message and "import keras" in tf[0].message


def test_image_helpers_still_in_keras3_not_reported():
    src = ("from keras.preprocessing import image\nx = image.img_to_array(image.load_img(p))\n"
           "image.save_img('a.png', x)\n")
    assert not _found(src, "KF380")


def test_text_and_sequence_modules():
    src = ("from keras.preprocessing import text, sequence\nt = text.Tokenizer(num_words=10)\n"
           "w = text.text_to_word_sequence(s)\nx = sequence.pad_sequences(seqs)\n"
           "p, l = sequence.skipgrams(seq, 100)\n")
    text = _found(src, "KF381")  # the import of the missing module, not each use
    assert [f.span.line for f in text] == [1] and len(_found(src, "KF383")) == 1


def test_reported_where_keras3_fails():
    by_name = _found("from keras.preprocessing.image import ImageDataGenerator\n"
                     "g = ImageDataGenerator()\nh = ImageDataGenerator()\n", "KF380")
    via_module = _found("import keras\ng = keras.preprocessing.image.ImageDataGenerator()\n",
                        "KF380")
    assert [f.span.line for f in by_name] == [1] and [f.span.line for f in via_module] == [2]


def test_user_tokenizer_not_reported():
    src = "import keras\nfrom transformers import Tokenizer\ntok = Tokenizer(nb_words=5)"
    assert not _found(src, "KF381") and fixed_text(src) == src


def test_tokenizer_nb_words_under_tf_keras():
    src = ("from tensorflow.keras.preprocessing.text import Tokenizer\n"
           "tok = Tokenizer(nb_words=1000, lower=True)")
    assert "Tokenizer(num_words=1000, lower=True)" in _fix(src, only="KF382")


# --- KF384 Sequence subclasses ---------------------------------------------------------------

SEQ = """\
from tensorflow.keras.utils import Sequence


class Gen(Sequence):
    def __init__(self, x, y, batch_size=32):
        # keep the arrays
        self.x = x
        self.y = y

    def __getitem__(self, i):
        return self.x[i], self.y[i]
"""


def test_sequence_super_added_before_comment():
    out = _fix(SEQ, only="KF384")
    assert "batch_size=32):\n        super().__init__()\n        # keep the arrays\n" in out


def test_sequence_finding_points_at_init():
    found = _found(SEQ, "KF384")
    assert found[0].span.line == 5 and found[0].severity == "warning"


def test_sequence_via_data_utils_path_and_pydataset():
    for base in ("keras.utils.data_utils.Sequence", "keras.utils.PyDataset"):
        module, _, name = base.rpartition(".")
        src = SEQ.replace("from tensorflow.keras.utils import Sequence",
                          f"from {module} import {name}").replace("(Sequence)", f"({name})")
        assert "super().__init__()" in fixed_text(src, only="KF384")


def test_sequence_base_init_call_counts():
    src = SEQ.replace("        # keep the arrays\n", "        Sequence.__init__(self)\n")
    assert not _found(src, "KF384")


def test_sequence_one_line_init_reported_not_fixed():
    src = ("from keras.utils import Sequence\nclass G(Sequence):\n"
           "    def __init__(self, x): self.x = x\n")
    result = run(src, fix=True, only="KF384")
    assert result.new is None and [f.fix for f in result.findings] == [None]


def test_non_keras_sequence_untouched():
    src = ("import keras\nfrom typing import Sequence\nclass S(Sequence):\n"
           "    def __init__(self):\n        self.a = 1\n")
    assert fixed_text(src) == src


# --- KF385 load_img ---------------------------------------------------------------------------

def test_load_img_false_keyword_dropped_positional_kept_aligned():
    src = ("from keras.preprocessing.image import load_img\na = load_img(p, grayscale=False)\n"
           "b = load_img(p, False, (32, 32))\n")
    out = _fix(src, only="KF385")
    assert "a = load_img(p)" in out and "b = load_img(p, 'rgb', (32, 32))" in out


def test_load_img_both_keywords_reported():
    src = ("from keras.utils import load_img\n"
           "a = load_img(p, grayscale=True, color_mode='rgba')")
    assert [f.fix for f in _found(src, "KF385")] == [None]


# --- KF386 datasets ----------------------------------------------------------------------------

def test_nb_words_only_on_keras_datasets():
    src = ("from keras.datasets import imdb as I\nimport mydata\n"
           "a = I.load_data(nb_words=100)\nb = mydata.load_data(nb_words=100)\n")
    out = _fix(src, only="KF386")
    assert "I.load_data(num_words=100)" in out and "mydata.load_data(nb_words=100)" in out


def test_nb_words_is_an_error_with_help():
    found = _found("import keras\nd = keras.datasets.imdb.load_data(nb_words=5)", "KF386")
    assert found[0].severity == "error" and "silently" in found[0].help


# --- KF387 dim_ordering ------------------------------------------------------------------------

def test_dim_ordering_on_applications_preprocess_input():
    src = ("from keras.applications.vgg16 import preprocess_input\n"
           "x = preprocess_input(x, dim_ordering='th')")
    assert "preprocess_input(x, data_format='channels_first')" in _fix(src, only="KF387")


def test_dim_ordering_default_positional_becomes_none():
    src = ("from keras.preprocessing.image import array_to_img\n"
           "im = array_to_img(x, 'default', True)")
    assert "array_to_img(x, None, True)" in _fix(src, only="KF387")


def test_data_format_untouched():
    src = ("from keras.preprocessing.image import ImageDataGenerator\n"
           "g = ImageDataGenerator(data_format='channels_last')")
    assert not _found(src, "KF387")


def test_tf_keras_import_fix_only_next_to_plain_keras():
    pure = "from keras.preprocessing.image import ImageDataGenerator\ng = ImageDataGenerator()\n"
    result = run(pure, fix=True, unsafe=True, only="KF380")
    assert result.new is None and [f.fix for f in result.findings] == [None]
    mixed = "import keras\n" + pure
    out = _fix(mixed, only="KF380", unsafe=True)
    assert "from tensorflow.keras.preprocessing.image import ImageDataGenerator" in out
    assert not _found(out, "KF380")  # no warning about the import the fix wrote


def test_text_module_import_alias_fix():
    src = "import keras\nimport keras.preprocessing.text as T\ntok = T.Tokenizer()\n"
    out = _fix(src, only="KF381", unsafe=True)
    assert "import tensorflow.keras.preprocessing.text as T\ntok = T.Tokenizer()" in out
