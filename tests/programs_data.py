"""Synthetic data for the legacy programs in fixtures/programs (see fixtures/programs/README.md).

Each program gets its data only from its module-level `load_data()`; the runner replaces that
function with the loader below that has the program's file name. A loader returns what the real
`load_data()` returns (same structure, shapes past the first axis, dtypes), but for 32-100
random samples, so that every program trains in a second or two and nothing is downloaded.
The programs' own preprocessing (reshaping, `to_categorical`, `pad_sequences`, ...) still runs
on these arrays: that code is part of what kerasfix migrates.

NumPy only: tests/test_programs.py imports this module without Keras.
"""

from __future__ import annotations

import numpy as np


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def _labels(n: int, classes: int) -> np.ndarray:
    """Every class present (in order, then shuffled), so `np.max(y) + 1` sees all classes."""
    return _rng(n + classes).permutation(np.arange(n) % classes).astype("int64")


def _images(n: int, *shape: int) -> np.ndarray:
    return _rng(n).integers(0, 256, size=(n, *shape), dtype=np.uint8)


def _mnist():
    """keras.datasets.mnist.load_data(): uint8 (n, 28, 28) images, int labels."""
    return (_images(80, 28, 28), _labels(80, 10)), (_images(40, 28, 28), _labels(40, 10))


def _word_sequences(n: int, vocabulary: int, shortest: int, longest: int) -> np.ndarray:
    """imdb/reuters.load_data(): an object array of lists of word ids of different lengths."""
    rng = _rng(n + vocabulary)
    sequences = np.empty(n, dtype=object)
    for i in range(n):
        length = int(rng.integers(shortest, longest + 1))
        sequences[i] = [int(w) for w in rng.integers(1, vocabulary, size=length)]
    return sequences


def _imdb(vocabulary: int, longest: int):
    return ((_word_sequences(64, vocabulary, 10, longest), _labels(64, 2)),
            (_word_sequences(32, vocabulary, 10, longest), _labels(32, 2)))


def k1_mnist_cnn():
    return _mnist()


def k1_reuters_mlp():
    return ((_word_sequences(64, 1000, 5, 60), _labels(64, 46)),
            (_word_sequences(32, 1000, 5, 60), _labels(32, 46)))


def k1_imdb_lstm():
    return _imdb(20000, 120)


def k1_imdb_cnn_lstm():
    return _imdb(20000, 150)


def k1_char_gru():
    rng = _rng(7)
    words = ["the", "will", "to", "power", "is", "truth", "a", "woman", "what", "free",
             "spirit", "and", "of", "philosophers", "good", "evil", "beyond"]
    text = " ".join(rng.choice(words, size=70)) + "."
    return text


def k1_functional_merge():
    rng = _rng(3)

    def split(n):
        users = rng.integers(0, 500, size=(n, 1)).astype("int32")
        items = rng.integers(0, 300, size=(n, 1)).astype("int32")
        features = rng.normal(size=(n, 10)).astype("float32")
        ratings = rng.integers(1, 6, size=n).astype("float32")
        return users, items, features, ratings

    return split(128), split(64)


def k1_fit_generator():
    rng = _rng(4)

    def split(n):
        return rng.normal(size=(n, 64)).astype("float32"), _labels(n, 5)

    return [split(64), split(32), split(32)]


def k1_conv_autoencoder():
    return _images(64, 28, 28), _images(32, 28, 28)


def k1_custom_layer():
    rng = _rng(5)

    def split(n):
        x = rng.normal(size=(n, 20)).astype("float32")
        return x, (x[:, 0] + x[:, 1] > 0).astype("float32")

    return split(64), split(32)


def k1_siamese():
    # 5 and 3 images per digit: create_pairs() makes 2 * 10 * (5 - 1) = 80 training pairs
    return (_images(50, 28, 28), _labels(50, 10)), (_images(30, 28, 28), _labels(30, 10))


def k1_merge_sequential():
    rng = _rng(6)

    def split(n):
        images = rng.normal(size=(n, 512)).astype("float32")
        titles = (rng.random(size=(n, 2000)) < 0.01).astype("float32")
        return images, titles, _labels(n, 12)

    return split(96), split(32)


def k1_cifar10_datagen():
    """keras.datasets.cifar10.load_data(): uint8 (n, 32, 32, 3), labels of shape (n, 1)."""
    return ((_images(64, 32, 32, 3), _labels(64, 10).reshape(-1, 1)),
            (_images(32, 32, 32, 3), _labels(32, 10).reshape(-1, 1)))


def k1_stateful_lstm():
    """gen_cosine_amp() over 100 steps (a multiple of the batch size 25): (100, 1, 1)."""
    steps = np.arange(100)
    return (100 * np.cos(2 * np.pi * steps / 25) * np.exp(-0.01 * steps)).reshape(-1, 1, 1)


def k2_review_classifier():
    rng = _rng(8)
    return (_word_sequences(80, 10000, 5, 90), rng.normal(size=(80, 8)).astype("float32"),
            _labels(80, 5) + 1,
            _word_sequences(32, 10000, 5, 90), rng.normal(size=(32, 8)).astype("float32"),
            _labels(32, 5) + 1)


def tfk_sequence_checkpoint():
    return (_images(48, 32, 32, 3), _labels(48, 4)), (_images(32, 32, 32, 3), _labels(32, 4))


def tfk_custom_metrics():
    rng = _rng(9)

    def split(n):
        x = rng.normal(loc=2.0, size=(n, 30)).astype("float32")
        # churn as a column (n, 1): Keras 3 metric functions, unlike tf.keras 2, do not reshape
        # y_true to the rank of y_pred, so (n,) against (n, 1) would broadcast to (n, n)
        return x, (rng.random((n, 1)) < 0.25).astype("float32"), _labels(n, 4)

    return split(96), split(32)


def tfk_save_load():
    return _mnist()


def tfk_regression_normalization():
    rng = _rng(10)

    def split(n):
        features = rng.normal(loc=10.0, scale=3.0, size=(n, 9)).astype("float32")
        mpg = (features[:, :3].sum(axis=1) + rng.normal(size=n)).astype("float32")
        return features, mpg

    return split(64), split(32)


LOADERS = {name + ".py": function for name, function in dict(globals()).items()
           if name.startswith(("k1_", "k2_", "tfk_")) and callable(function)}
