"""The oracle for the optimizer rules (KF340-KF347): each claim checked in real Keras 3, and the
code kerasfix writes run in Keras 3 against the Keras 1 formula it stands for."""

from __future__ import annotations

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
KERAS1 = ["SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax", "Nadam"]


def _run(code: str, **kw) -> dict:
    """kerasfix's output for `code`, executed: its namespace."""
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(fixed_text(code, **kw), "<fixed>", "exec"), namespace)
    return namespace


def _steps(optimizer, n: int) -> list[float]:
    """The step sizes of `n` updates with gradient 1 (SGD: the learning rate at each step)."""
    var = keras.Variable(np.zeros(1, "float32"))
    out = []
    for _ in range(n):
        before = float(var.numpy()[0])
        optimizer.apply_gradients([(keras.ops.ones(1), var)])
        out.append(before - float(var.numpy()[0]))
    return out


# --- KF340 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", KERAS1)
def test_keras3_positional_order_is_the_records(name):
    params = list(inspect.signature(getattr(keras.optimizers, name)).parameters)
    order = RULES["KF340"].data["keras3"][name]
    assert params[:len(order)] == order


def test_keras1_positionals_silently_differ_in_keras3():
    sgd = keras.optimizers.SGD(0.01, 0.9, 1e-6, True)  # Keras 1: lr, momentum, decay, nesterov
    assert sgd.nesterov == 1e-6 and sgd.weight_decay is True


def test_keras1_positionals_fixed_run_as_keras1_meant():
    ns = _run("from keras.optimizers import SGD\nsgd = SGD(0.1, 0.0, 0.5, True)",
              source="keras1")
    sgd = ns["sgd"]
    assert sgd.nesterov is True and sgd.weight_decay is None
    np.testing.assert_allclose(_steps(sgd, 3), [0.1, 0.1 / 1.5, 0.05], rtol=1e-5)


# --- KF341 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", KERAS1)
def test_lr_keyword_raises_and_fix_runs(name):
    with pytest.raises(ValueError, match="not recognized"):
        getattr(keras.optimizers, name)(lr=0.05)
    ns = _run(f"import keras\nopt = keras.optimizers.{name}(lr=0.05)", only="KF341")
    assert float(ns["opt"].learning_rate) == pytest.approx(0.05)


def test_epsilon_none_fails_at_the_first_step_and_is_dropped():
    with pytest.raises(ValueError):
        _steps(keras.optimizers.Adam(epsilon=None), 1)
    ns = _run("import keras\nopt = keras.optimizers.Adam(lr=0.001, epsilon=None)", only="KF341")
    assert ns["opt"].epsilon == keras.backend.epsilon() == 1e-7  # Keras 2: None -> K.epsilon()
    _steps(ns["opt"], 1)


# --- KF342 ---------------------------------------------------------------------------------------

def test_decay_is_ignored_in_keras3():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sgd = keras.optimizers.SGD(learning_rate=0.1, decay=0.5)
    assert any("decay" in str(w.message) for w in caught)
    np.testing.assert_allclose(_steps(sgd, 3), [0.1, 0.1, 0.1], rtol=1e-6)


def test_inverse_time_decay_is_the_keras1_formula():
    schedule = keras.optimizers.schedules.InverseTimeDecay(0.1, 1, 0.5)
    np.testing.assert_allclose([float(schedule(i)) for i in range(3)], [0.1, 0.1 / 1.5, 0.05],
                               rtol=1e-6)


@pytest.mark.parametrize("seed", range(3))
def test_decay_fix_matches_keras1_per_update(seed):
    rng = np.random.default_rng(seed)
    lr, decay = float(rng.uniform(0.01, 0.5)), float(rng.uniform(0.01, 2.0))
    ns = _run(f"from keras.optimizers import SGD\nsgd = SGD(lr={lr!r}, decay={decay!r}, "
              "momentum=0.0)")
    keras1 = [lr / (1 + decay * t) for t in range(5)]  # K1 optimizers.py: lr * 1/(1+d*iter)
    np.testing.assert_allclose(_steps(ns["sgd"], 5), keras1, rtol=1e-4)


def test_decay_default_lr_is_used_and_known_defaults():
    ns = _run("from keras.optimizers import Adam\nopt = Adam(decay=1.0)", only="KF342")
    assert float(ns["opt"].learning_rate) == pytest.approx(0.001)
    data = RULES["KF342"].data
    for name in ("SGD", "RMSprop", "Adam"):  # the same in Keras 1, 2, tf.keras and Keras 3
        default = inspect.signature(getattr(keras.optimizers, name)).parameters["learning_rate"]
        assert float(data["keras1_lr"][name]) == float(data["tf_keras_lr"][name]) == \
            default.default


def test_a_schedule_learning_rate_cannot_be_set():
    """Why KF342 is unsafe in a file that sets the learning rate."""
    schedule = keras.optimizers.schedules.InverseTimeDecay(0.1, 1, 0.5)
    opt = keras.optimizers.SGD(learning_rate=schedule)
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.01


# --- KF343 ---------------------------------------------------------------------------------------

def test_nadam_schedule_decay_rejected_and_dropped():
    with pytest.raises(ValueError, match="schedule_decay"):
        keras.optimizers.Nadam(schedule_decay=0.004)
    ns = _run("from keras.optimizers import Nadam\nopt = Nadam(lr=0.002, schedule_decay=0.004)",
              unsafe=True)
    assert float(ns["opt"].learning_rate) == pytest.approx(0.002)


# --- KF344 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("namespace", [keras.optimizers, tf.keras.optimizers])
def test_legacy_namespace_unusable(namespace):
    with pytest.raises(ImportError, match="not supported in Keras 3"):
        namespace.legacy.Adam(learning_rate=0.1)
    assert not hasattr(namespace, "experimental")


def test_legacy_namespace_fix_runs():
    ns = _run("import tensorflow as tf\nfrom tensorflow.keras.optimizers.legacy import Adam\n"
              "a = Adam(learning_rate=0.1)\n"
              "b = tf.keras.optimizers.legacy.SGD(learning_rate=0.2)\n")
    assert float(ns["a"].learning_rate) == pytest.approx(0.1)
    assert float(ns["b"].learning_rate) == pytest.approx(0.2)


def test_keras3_optimizer_names_of_the_record():
    for name in RULES["KF344"].data["keras3"]:
        assert hasattr(keras.optimizers, name), name


# --- KF345 ---------------------------------------------------------------------------------------

def test_lr_attribute_absent_and_its_assignment_silently_ignored():
    opt = keras.optimizers.SGD(learning_rate=0.1)
    with pytest.raises(AttributeError):
        opt.lr  # noqa: B018
    opt.lr = 0.5
    assert float(opt.learning_rate) == pytest.approx(0.1)
    ns = _run("from keras.optimizers import SGD\nopt = SGD(learning_rate=0.1)\nopt.lr = 0.5\n"
              "value = float(opt.lr)\n", only="KF345")
    assert ns["value"] == pytest.approx(0.5)


# --- KF346 ---------------------------------------------------------------------------------------

def test_removed_optimizer_api():
    opt = keras.optimizers.Adam()
    for method in ("get_updates", "get_gradients", "minimize"):
        assert not hasattr(opt, method), method
    assert not hasattr(keras.optimizers, "TFOptimizer")
    assert not hasattr(keras.optimizers.Optimizer, "get_updates")


# --- KF347 ---------------------------------------------------------------------------------------

def test_keras3_defaults_differ_from_keras1():
    for name in ("Adadelta", "Adagrad", "Adamax", "Nadam"):
        params = inspect.signature(getattr(keras.optimizers, name)).parameters
        assert params["learning_rate"].default == 0.001
    assert inspect.signature(keras.optimizers.Adagrad).parameters[
        "initial_accumulator_value"].default == 0.1
    assert float(keras.optimizers.get("adadelta").learning_rate) == pytest.approx(0.001)


def test_keras1_defaults_fix_compiles():
    code = ("import keras\nfrom keras.layers import Convolution2D, Dense\n"
            "model = keras.Sequential([keras.Input((2,)), Dense(1)])\n"
            "model.compile(optimizer='adadelta', loss='mse')\n"
            "opt = keras.optimizers.Adagrad()\n")
    ns = _run(code, source="keras1", only="KF347")
    assert float(ns["model"].optimizer.learning_rate) == pytest.approx(1.0)
    assert float(ns["opt"].learning_rate) == pytest.approx(0.01)
    assert ns["opt"].initial_accumulator_value == 0.0
    _steps(ns["opt"], 2)  # accumulators starting at 0 (Keras 1) still update
