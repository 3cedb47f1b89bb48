"""KF211-KF213 against real Keras 3: the legacy spelling fails there, the fixed code runs and
does what Keras 1/2 did."""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from tests.harness import fixed_text  # noqa: E402

STATEFUL = """\
from keras.models import Sequential
from keras.layers import LSTM, Dense
model = Sequential()
model.add(LSTM(4, batch_input_shape=(2, 3, 1), stateful=True))
model.add(Dense(1))
model.compile(loss='mse', optimizer='sgd')
model.fit(np.zeros((4, 3, 1)), np.zeros((4, 1)), batch_size=2, epochs=1, verbose=0)
model.reset_states()
"""


def _run(code: str) -> dict:
    scope = {"np": np}
    exec(compile(code, "<program>", "exec"), scope)  # noqa: S102 - the oracle runs the fix
    return scope


def test_legacy_stateful_program_fails_in_keras3():
    with pytest.raises(ValueError, match="batch_input_shape"):
        _run(STATEFUL)
    assert not hasattr(keras.Sequential(), "reset_states")


def test_fixed_stateful_program_runs_and_resets_the_state():
    fixed = fixed_text(STATEFUL, only="KF21")  # KF211, KF212 (KF210, KF213: nothing here)
    assert "Input(batch_shape=(2, 3, 1))" in fixed and "batch_input_shape" not in fixed
    assert "model.reset_states()" not in fixed
    scope = _run(fixed)
    lstm = scope["model"].layers[0]
    assert lstm.stateful and scope["model"].input_shape == (2, 3, 1)
    lstm.states[0].assign(np.ones((2, 4), "float32"))
    _run_reset = fixed[fixed.index("for layer_"):]
    exec(compile(_run_reset, "<reset>", "exec"), scope)  # noqa: S102
    assert not np.asarray(lstm.states[0]).any()


def test_history_key_is_the_metric_string_in_keras3():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    x, y = np.zeros((4, 2)), np.eye(2)[[0, 1, 0, 1]]
    history = model.fit(x, y, epochs=1, verbose=0, validation_data=(x, y))
    assert "accuracy" in history.history and "val_accuracy" in history.history
    assert "acc" not in history.history
    fixed = fixed_text("from keras.layers import Dense\n"
                       "model.compile(loss='mse', optimizer='sgd', metrics=['accuracy'])\n"
                       "a = h.history['acc']\nb = h.history['val_acc']\n",
                       only="KF213", source="keras1")
    scope = {"h": history, "model": model}
    exec(compile(fixed, "<fixed>", "exec"), scope)  # noqa: S102
    assert scope["a"] == history.history["accuracy"]
