"""KF210 against real Keras 3: a NumPy integer size is refused, `int(...)` of it works, and
the rule rewrites exactly the sizes Keras 3 refuses."""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from tests.harness import fixed_text  # noqa: E402

SIZES = {
    "Dense": lambda n: keras.layers.Dense(n),
    "Embedding": lambda n: keras.layers.Embedding(n, n),
    "GRU": lambda n: keras.layers.GRU(n),
    "SimpleRNN": lambda n: keras.layers.SimpleRNN(n),
}


@pytest.mark.parametrize("name", sorted(SIZES))
def test_numpy_integer_is_refused_and_int_is_taken(name):
    with pytest.raises((ValueError, TypeError)):
        SIZES[name](np.max(np.array([1, 3])) + 1)
    SIZES[name](int(np.max(np.array([1, 3])) + 1))


def test_the_fixed_snippet_builds():
    before = ("import numpy as np\nfrom keras.layers import Dense, Embedding\n"
              "y = np.array([0, 2, 1])\nn = np.max(y) + 1\n"
              "layers = [Embedding(n, n), Dense(n)]\n")
    after = fixed_text(before, only="KF210")
    assert after.count("int(n)") == 3
    scope = {}
    exec(compile(after, "<fixed>", "exec"), scope)
    assert scope["layers"][1].units == 3


def test_sizes_keras_checks_are_the_ones_the_rule_lists():
    from kerasfix.migrate.program.loader import load_program_rules

    rule = next(r for r in load_program_rules().rules if r.id == "KF210")
    assert set(rule.data["sizes"]) == set(SIZES)
    keras.layers.LSTM(np.int64(4))  # LSTM and convolutions take NumPy integers: not listed
    keras.layers.Conv2D(np.int64(4), 3)
