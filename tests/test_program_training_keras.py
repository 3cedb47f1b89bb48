"""Oracle tests of the model and training API rules (KF200-KF209) against real Keras 3: the
legacy spelling fails (or means something else) in Keras 3, and the code kerasfix writes runs
and does what the Keras 1 program did. Where a rule converts code, the test runs kerasfix on
a Keras 1 snippet and executes the result with Keras 3."""

from __future__ import annotations

import numpy as np
import pytest

from kerasfix.engine import Settings, run_source
from kerasfix.selection import Selection
from tests.oracle_support import keras

pytestmark = pytest.mark.oracle

RNG = np.random.default_rng(0)


def fix(src: str, *, unsafe: bool = False, select: tuple = ("KF20",), source: str = "auto"):
    result = run_source(src.encode(), Settings(source=source, fix=True, unsafe_fixes=unsafe,
                                               selection=Selection(select=select)))
    return (result.new or src.encode()).decode(), result


def execute(code: str, **names) -> dict:
    namespace = dict(names)
    exec(compile(code, "<kerasfix output>", "exec"), namespace)
    return namespace


def tiny_model(outputs: int = 2, activation: str | None = None):
    inputs = keras.Input(shape=(4,))
    model = keras.Model(inputs, keras.layers.Dense(outputs, activation=activation)(inputs))
    model.compile(loss="mse", optimizer="sgd")
    return model


X = RNG.random((64, 4)).astype("float32")
Y = RNG.random((64, 2)).astype("float32")


class Batches(keras.callbacks.Callback):
    """Counts the training batches of each epoch."""

    def on_train_begin(self, logs=None):
        self.per_epoch = []

    def on_epoch_begin(self, epoch, logs=None):
        self.per_epoch.append(0)

    def on_train_batch_end(self, batch, logs=None):
        self.per_epoch[-1] += 1


# --- KF200 ------------------------------------------------------------------------------------

def test_model_input_output_keywords():
    a = keras.Input(shape=(4,))
    b = keras.layers.Dense(2)(a)
    with pytest.raises(ValueError, match="Unrecognized keyword arguments passed to Model"):
        keras.Model(input=a, output=b)
    code, _ = fix("import keras\nmodel = keras.Model(input=a, output=b)\n")
    model = execute(code, a=a, b=b)["model"]
    assert model.inputs[0] is a and model.outputs[0] is b


# --- KF201 / KF202 / KF203 ------------------------------------------------------------------

def test_fit_nb_epoch_raises_and_epochs_trains_that_many():
    model = tiny_model()
    with pytest.raises(TypeError, match="nb_epoch"):
        model.fit(X, Y, nb_epoch=1, verbose=0)
    code, _ = fix("import keras\nhistory = model.fit(X, Y, nb_epoch=3, verbose=0)\n")
    history = execute(code, model=model, X=X, Y=Y)["history"]
    assert len(history.history["loss"]) == 3


def test_fit_default_is_one_epoch_and_keras1_code_gets_its_ten():
    """Keras 1 `fit()` without nb_epoch trained 10 epochs [K1 engine/training.py fit(nb_epoch=10)];
    Keras 3 trains 1: the rule makes the 10 explicit in Keras 1 code."""
    model = tiny_model()
    assert len(model.fit(X, Y, verbose=0).history["loss"]) == 1
    code, _ = fix("import keras\nhistory = model.fit(X, Y, batch_size=32, verbose=0)\n",
                  source="keras1")
    assert "epochs=10" in code
    history = execute(code, model=model, X=X, Y=Y)["history"]
    assert len(history.history["loss"]) == 10


def test_fit_fourth_positional_is_still_epochs():
    """`fit(x, y, batch_size, nb_epoch)` in Keras 1; Keras 3's fit has the same order."""
    model = tiny_model()
    assert len(model.fit(X, Y, 32, 2, 0).history["loss"]) == 2
    code, _ = fix("import keras\nh = model.fit(X, Y, 32, 2, 0)\n", source="keras1")
    assert code == "import keras\nh = model.fit(X, Y, 32, 2, 0)\n"


@pytest.mark.parametrize("method,error", [("fit", TypeError), ("evaluate", ValueError)])
def test_show_accuracy_rejected(method, error):
    model = tiny_model()
    with pytest.raises(error):
        getattr(model, method)(X, Y, show_accuracy=True, verbose=0)
    code, _ = fix(f"import keras\nr = model.{method}(X, Y, show_accuracy=True, verbose=0)\n")
    execute(code, model=model, X=X, Y=Y)


# --- KF204 ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["fit_generator", "evaluate_generator", "predict_generator",
                                  "predict_classes", "predict_proba"])
def test_removed_methods_are_absent(name):
    assert not hasattr(keras.Model, name)
    assert not hasattr(keras.Sequential, name)
    assert not hasattr(tiny_model(), name)


@pytest.mark.parametrize("keyword", ["workers", "use_multiprocessing", "max_queue_size"])
def test_worker_arguments_rejected_by_fit(keyword):
    with pytest.raises(TypeError, match=keyword):
        tiny_model().fit(X, Y, verbose=0, **{keyword: 2})


def test_pydataset_takes_the_worker_arguments():
    class Data(keras.utils.PyDataset):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)

        def __len__(self):
            return 2

        def __getitem__(self, i):
            return X[i * 8:(i + 1) * 8], Y[i * 8:(i + 1) * 8]

    data = Data(workers=2, use_multiprocessing=False, max_queue_size=4)
    assert (data.workers, data.max_queue_size) == (2, 4)


def keras1_batches(samples_per_epoch: int, epochs: int, batch: int) -> list[int]:
    """Keras 1 fit_generator's loop [K1 engine/training.py fit_generator]: draw batches until
    `samples_per_epoch` samples were seen, in every epoch."""
    out = []
    for _ in range(epochs):
        seen = drawn = 0
        while seen < samples_per_epoch:
            seen += batch
            drawn += 1
        out.append(drawn)
    return out


GENERATOR = """\
def batches(X, Y, batch_size=16):
    while True:
        for i in range(0, len(X), batch_size):
            yield X[i:i + batch_size], Y[i:i + batch_size]
"""


@pytest.mark.parametrize("call,batch,samples,epochs", [
    ("model.fit_generator(batches(X, Y), samples_per_epoch=40, nb_epoch=2, callbacks=[count],"
     " verbose=0)", 16, 40, 2),
    ("model.fit_generator(batches(X, Y, 8), 64, 1, callbacks=[count], verbose=0)", 8, 64, 1),
    ("model.fit_generator(batches(X, Y, batch_size=10), samples_per_epoch=len(X), nb_epoch=2,"
     " callbacks=[count], verbose=0, nb_worker=2)", 10, 64, 2),
])
def test_fit_generator_samples_become_the_same_number_of_batches(call, batch, samples, epochs):
    code, result = fix(f"import keras\n{GENERATOR}{call}\n", source="keras1")
    assert "fit_generator" not in code and not [f for f in result.findings if f.kind != "fixed"]
    count = Batches()
    execute(code, model=tiny_model(), X=X, Y=Y, count=count)
    assert count.per_epoch == keras1_batches(samples, epochs, batch)


def test_fit_with_a_python_generator_runs_steps_per_epoch_steps():
    def endless():
        while True:
            yield X[:8], Y[:8]

    count = Batches()
    tiny_model().fit(endless(), steps_per_epoch=3, epochs=2, callbacks=[count], verbose=0)
    assert count.per_epoch == [3, 3]


def test_fit_generator_a_positional_sample_count_is_not_a_step_count():
    """Keras 3 binds `fit(gen, S, E)` to (x, y, batch_size): a generator with `y` is an error.
    The rule writes keywords."""
    def endless():
        while True:
            yield X[:8], Y[:8]

    with pytest.raises(ValueError):
        tiny_model().fit(endless(), 64, 1, verbose=0)


def test_validation_with_arrays_and_with_a_generator():
    code, _ = fix(f"import keras\n{GENERATOR}"
                  "h1 = model.fit_generator(batches(X, Y), samples_per_epoch=32, nb_epoch=1,"
                  " validation_data=(X, Y), nb_val_samples=999, verbose=0)\n"
                  "h2 = model.fit_generator(batches(X, Y), samples_per_epoch=32, nb_epoch=1,"
                  " validation_data=batches(X, Y, 32), nb_val_samples=64, verbose=0)\n",
                  source="keras1")
    assert "validation_steps=2" in code and "nb_val_samples" not in code
    names = execute(code, model=tiny_model(), X=X, Y=Y)
    assert "val_loss" in names["h1"].history and "val_loss" in names["h2"].history


def test_evaluate_and_predict_generator_steps():
    code, _ = fix(f"import keras\n{GENERATOR}"
                  "score = model.evaluate_generator(batches(X, Y, 16), val_samples=40)\n"
                  "pred = model.predict_generator(batches(X, Y, 16), 40)\n", source="keras1")
    assert "steps=3" in code
    names = execute(code, model=tiny_model(), X=X, Y=Y)
    assert np.isfinite(names["score"])
    # Keras 1 drew ceil(40 / 16) = 3 batches and returned all their rows
    assert names["pred"].shape == (48, 2)


# --- KF205 / KF206 ------------------------------------------------------------------------------

PREDICT = """\
import keras
from keras.models import Sequential
from keras.layers import Dense
model = Sequential([keras.Input(shape=(4,)), Dense({units}, activation='{activation}',
                                                 kernel_initializer='ones')])
classes = model.predict_classes(X, verbose=0)
proba = model.predict_proba(X, verbose=0)
"""


def keras1_predict_classes(proba: np.ndarray) -> np.ndarray:
    """Keras 1 / 2 Sequential.predict_classes [K2 engine/sequential.py:253]."""
    return proba.argmax(axis=-1) if proba.shape[-1] > 1 else (proba > 0.5).astype("int32")


def test_predict_classes_and_proba_for_a_softmax_output():
    code, _ = fix(PREDICT.format(units=3, activation="softmax"), unsafe=True)
    names = execute(code, X=X)
    expected = names["model"].predict(X, verbose=0)
    np.testing.assert_allclose(names["proba"], expected)  # predict_proba was predict
    np.testing.assert_array_equal(names["classes"], keras1_predict_classes(expected))


def test_predict_classes_for_one_sigmoid_unit_is_keras1s_threshold():
    code, result = fix(PREDICT.format(units=1, activation="sigmoid"))
    assert "> 0.5" in code  # the trace knows the model ends in one unit: a safe fix
    names = execute(code, X=X)
    keras1 = keras1_predict_classes(names["model"].predict(X, verbose=0))
    assert keras1.sum() == len(X)  # every input scores above 0.5 with these weights
    np.testing.assert_array_equal(names["classes"], keras1)


def test_predict_classes_of_an_unknown_width_is_argmax_and_unsafe(tmp_path):
    """A loaded model's output width is not in the file: the argmax form is offered unsafely,
    because for one sigmoid unit it is not what Keras 1 returned."""
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(
        1, activation="sigmoid", kernel_initializer="ones")])
    model.save(tmp_path / "m.keras")
    src = ("from keras.models import load_model\n"
           "model = load_model(path)\n"
           "classes = model.predict_classes(X, verbose=0)\n")
    code, result = fix(src, unsafe=True)
    assert [(f.code, f.fix.applicability) for f in result.findings] == [("KF205", "unsafe")]
    names = execute(code, X=X, path=str(tmp_path / "m.keras"))
    keras1 = keras1_predict_classes(names["model"].predict(X, verbose=0))
    assert not np.array_equal(names["classes"].reshape(keras1.shape), keras1)


# --- KF207 / KF208 / KF209 ----------------------------------------------------------------------

@pytest.mark.parametrize("keyword,value", [
    ("sample_weight_mode", "temporal"), ("target_tensors", None), ("distribute", None),
    ("experimental_run_tf_function", False)])
def test_compile_removed_arguments_raise(keyword, value):
    with pytest.raises(TypeError, match=keyword):
        tiny_model().compile(loss="mse", optimizer="sgd", **{keyword: value})


def test_compile_after_the_fix_and_2d_sample_weights_need_no_mode():
    code, _ = fix("import keras\nmodel.compile(loss='mse', optimizer='sgd',"
                  " sample_weight_mode='temporal', experimental_run_tf_function=False)\n")
    model = tiny_model()
    execute(code, model=model)
    seq = keras.Sequential([keras.Input(shape=(5, 3)), keras.layers.Dense(2)])
    seq.compile(loss="mse", optimizer="sgd")
    weights = RNG.random((8, 5)).astype("float32")  # one weight per time step
    seq.fit(RNG.random((8, 5, 3)), RNG.random((8, 5, 2)), sample_weight=weights, verbose=0)


@pytest.mark.parametrize("method", ["train_on_batch", "test_on_batch"])
def test_on_batch_reset_metrics(method):
    model = tiny_model()
    with pytest.raises(TypeError, match="reset_metrics"):
        getattr(model, method)(X, Y, reset_metrics=False)
    code, _ = fix(f"import keras\nloss = model.{method}(X, Y, reset_metrics=False)\n")
    assert np.isfinite(execute(code, model=model, X=X, Y=Y)["loss"])


# --- whole Keras 1 programs, every rule, --unsafe-fixes -----------------------------------------

SEQUENTIAL_PROGRAM = """\
import numpy as np
from keras.models import Sequential
from keras.layers import Dense, Activation

def batches(X, Y, batch_size=16):
    while True:
        for i in range(0, len(X), batch_size):
            yield X[i:i + batch_size], Y[i:i + batch_size]

model = Sequential()
model.add(Dense(8, input_dim=4, init='uniform'))
model.add(Activation('relu'))
model.add(Dense(2, activation='softmax'))
model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
history = model.fit(X, Y, batch_size=16, verbose=0, show_accuracy=True)
more = model.fit_generator(batches(X, Y), samples_per_epoch=len(X), nb_epoch=2, verbose=0,
                           nb_worker=1)
score = model.evaluate_generator(batches(X, Y, 32), val_samples=64)
proba = model.predict_proba(X, verbose=0)
classes = model.predict_classes(X, verbose=0)
"""


def test_a_keras1_sequential_program_runs_in_keras3():
    code, result = fix(SEQUENTIAL_PROGRAM, unsafe=True, select=())
    for legacy in ("nb_epoch", "show_accuracy", "_generator", "predict_proba", "init=",
                   "predict_classes", "samples_per_epoch"):
        assert legacy not in code
    onehot = np.eye(2, dtype="float32")[RNG.integers(0, 2, 64)]
    names = execute(code, X=X, Y=onehot)
    assert len(names["history"].history["loss"]) == 10  # Keras 1's default
    assert len(names["more"].history["loss"]) == 2
    assert names["proba"].shape == (64, 2) and names["classes"].shape == (64,)
