"""Engine tests of the model and training API rules (rules/program/models.toml, KF200-KF209):
import spellings, receivers that are not Keras models, Keras 1 evidence and --from, the
generator methods' samples -> steps conversion, formatting and comments, idempotence.

The oracle side (what Keras 3 really does) is tests/test_program_training_keras.py."""

from __future__ import annotations

import pytest

from tests.harness import Family

# Keras 1 evidence: `keras.utils.np_utils` exists only in Keras 1 (rules/evidence.toml).
K1 = "from keras.models import Sequential\nfrom keras.utils import np_utils\n"


FAMILY = Family("KF20")
run, fixed, once = FAMILY.run, FAMILY.fixed, FAMILY.once


def found(src: str, code: str | None = None, **kw) -> list:
    """(code, applicability, message) of what `check` reports."""
    return [(f.code, f.fix.applicability if f.fix else "manual", f.message)
            for f in run(src, fix=False, **kw).findings if code is None or f.code == code]


def unchanged(src: str, **kw) -> None:
    assert fixed(src, unsafe=True, **kw) == src
    assert found(src, **kw) == []


# --- KF200 Model(input=, output=) ------------------------------------------------------------

@pytest.mark.parametrize("imports,callee", [
    ("from keras.models import Model", "Model"),
    ("from keras.models import Model as KModel", "KModel"),
    ("from keras import Model", "Model"),
    ("import keras", "keras.Model"),
    ("import keras", "keras.models.Model"),
    ("from keras import models", "models.Model"),
    ("import keras.models as KM", "KM.Model"),
    ("from tensorflow.keras import Model", "Model"),
    ("from tensorflow.keras.models import Model", "Model"),
    ("from tensorflow import keras", "keras.Model"),
    ("import tensorflow as tf", "tf.keras.Model"),
    ("import tensorflow as tf", "tf.keras.models.Model"),
    ("import keras", "keras.engine.training.Model"),
    ("from keras.engine.training import Model", "Model"),
    ("from keras.engine.topology import Container", "Container"),
])
def test_model_input_output_every_spelling(imports, callee):
    src = f"{imports}\nnet = {callee}(input=[a, b], output=out, name='net')\n"
    assert once(src) == f"{imports}\nnet = {callee}(inputs=[a, b], outputs=out, name='net')\n"
    assert [c for c, _, _ in found(src)] == ["KF200"]


def test_model_input_output_keeps_layout_and_comments():
    src = ("from keras.models import Model\n"
           "model = Model(\n"
           "    input=[a, b],  # both branches\n"
           "    output=out,  # the head\n"
           ")\n")
    assert once(src) == src.replace("input=", "inputs=").replace("output=", "outputs=")


@pytest.mark.parametrize("src", [
    "from mylib import Model\nm = Model(input=a, output=b)\n",
    "import keras\nclass Model:\n    pass\nm = Model(input=a, output=b)\n",
    "import keras\ndef Model(input, output):\n    pass\nm = Model(input=a, output=b)\n",
    "import keras\nm = self.Model(input=a, output=b)\n",
    "import torch\nm = torch.nn.Model(input=a, output=b)\n",
    "from keras.models import Model\nm = Model(inputs=a, outputs=b)\n",
    "from keras.models import Model\nm = Model(a, b)\n",
])
def test_model_input_output_leaves_the_rest(src):
    unchanged(src)


# --- KF201 fit(nb_epoch=) --------------------------------------------------------------------

def test_nb_epoch_on_any_receiver_and_multiline():
    src = ("import keras\n"
           "model.fit(X, Y, nb_epoch=12)\n"
           "self.net.fit(X, Y,\n"
           "             nb_epoch=3,  # quick\n"
           "             verbose=0)\n")
    assert once(src) == src.replace("nb_epoch", "epochs")


def test_nb_epoch_not_on_a_module_function():
    unchanged("import keras\nimport mylib\nmylib.fit(X, nb_epoch=3)\n")


def test_nb_epoch_and_epochs_both_given_is_manual():
    """A rename would repeat `epochs=` (a SyntaxError when compiled): report, change nothing."""
    src = "import keras\nmodel.fit(X, Y, nb_epoch=3, epochs=5)\n"
    assert fixed(src, unsafe=True) == src
    [(code, fix, message)] = found(src)
    assert (code, fix) == ("KF201", "manual") and "both `nb_epoch` and `epochs`" in message


# --- KF202 Keras 1's default of 10 epochs -------------------------------------------------------

@pytest.mark.parametrize("setup,receiver", [
    ("model = Sequential()", "model"),
    ("from keras.models import Model\nmodel = Model(a, b)", "model"),
    ("from keras.models import load_model\nmodel = load_model('m.h5')", "model"),
    ("import keras\nmodel = keras.models.Sequential()", "model"),
    ("def build():\n    m = Sequential()\n    return m\nnet = build()", "net"),
    ("def build():\n    return Sequential()\nnet = build()", "net"),
    ("class Trainer:\n    def __init__(self):\n        self.model = Sequential()", "self.model"),
])
def test_default_epochs_on_known_models(setup, receiver):
    src = f"{K1}{setup}\n{receiver}.fit(X, Y, batch_size=32)\n"
    out = once(src)
    assert out == src.replace("batch_size=32)", "batch_size=32, epochs=10)")
    [(code, fix, message)] = found(src)
    assert (code, fix) == ("KF202", "safe") and "trained 10 epochs" in message


def test_default_epochs_only_on_keras_receivers():
    """In a Keras 1 file, sklearn's / LightGBM's `fit` and other calls are left alone."""
    src = (K1 + "import numpy as np\nimport pickle\n"
           "model = Sequential()\n"
           "clf.fit(X, y)\n"
           "clf.fit(X, y, sample_weight=w)\n"
           "gbm.fit(X, y, eval_set=[(Xv, yv)], callbacks=[early_stop])\n"
           "p = clf.predict_proba(X)\n"
           "np.save('x.npy', X)\n"
           "pickle.dump(clf, f)\n")
    unchanged(src)


def test_a_name_also_holding_another_library_s_model_is_not_known():
    """`model` is a Keras model here and a scikit-learn one there: which one a call sees is
    not in the file, so neither fit(), predict_proba() nor predict_classes() is touched."""
    src = (K1 + "from sklearn.linear_model import LogisticRegression\n"
           "model = Sequential()\n"
           "model.fit(X, Y)\n"
           "p = model.predict_proba(X)\n"
           "model = LogisticRegression()\n"
           "model.fit(X, y)\n"
           "q = model.predict_proba(X)\n")
    unchanged(src)
    src = src.replace("LogisticRegression()", "load_model('m.h5')").replace(
        "sklearn.linear_model import LogisticRegression", "keras.models import load_model")
    assert once(src).count("epochs=10") == 2  # two Keras models: known


def test_default_epochs_on_unknown_receiver_with_keras_only_keywords():
    src = K1 + "net.fit(X, Y, validation_split=0.1)\nnet2.fit(X, Y, initial_epoch=2)\n"
    assert once(src) == K1 + ("net.fit(X, Y, validation_split=0.1, epochs=10)\n"
                              "net2.fit(X, Y, initial_epoch=2, epochs=10)\n")


@pytest.mark.parametrize("source,changed", [
    ("auto", True), ("keras1", True), ("keras2", False), ("tf.keras", False)])
def test_default_epochs_needs_keras1_evidence_or_from_keras1(source, changed):
    src = K1 + "model = Sequential()\nmodel.fit(X, Y)\n"
    out = once(src, source=source)
    assert out == (src.replace("fit(X, Y)", "fit(X, Y, epochs=10)") if changed else src)


def test_default_epochs_without_evidence_is_left_alone():
    unchanged("from keras.models import Sequential\nmodel = Sequential()\nmodel.fit(X, Y)\n")
    src = "from keras.models import Sequential\nmodel = Sequential()\nmodel.fit(X, Y)\n"
    assert once(src, source="keras1") == src.replace("fit(X, Y)", "fit(X, Y, epochs=10)")


@pytest.mark.parametrize("call", [
    "model.fit(X, Y, 32, 5)",  # (x, y, batch_size, nb_epoch): epochs given positionally
    "model.fit(X, Y, 32, 5, 2)",
    "model.fit(X, Y, epochs=3)",
    "model.fit(X, Y, **kw)",
    "model.fit(*args)",
    "model.fit_transform(X)",
])
def test_default_epochs_not_when_epochs_may_be_given(call):
    unchanged(f"{K1}model = Sequential()\n{call}\n")


def test_default_epochs_after_three_positionals_and_nb_epoch_is_kf201():
    src = K1 + "model = Sequential()\nmodel.fit(X, Y, 32)\nmodel.fit(X, Y, nb_epoch=2)\n"
    assert once(src) == K1 + ("model = Sequential()\nmodel.fit(X, Y, 32, epochs=10)\n"
                              "model.fit(X, Y, epochs=2)\n")
    assert [c for c, _, _ in found(src)] == ["KF202", "KF201"]


@pytest.mark.parametrize("call,expected", [
    # trailing comma and a comment: the comment stays on its argument's line
    ("model.fit(X, Y,\n          batch_size=32,  # per step\n          )\n",
     "model.fit(X, Y,\n          batch_size=32,  # per step\n          epochs=10,\n          )\n"),
    # the last argument's comment before a closing paren on its own line
    ("model.fit(\n    X, Y,\n    batch_size=32  # per step\n)\n",
     "model.fit(\n    X, Y,\n    batch_size=32,  # per step\n    epochs=10\n)\n"),
    ("model.fit(\n    X,\n    Y,\n    batch_size=32,\n)\n",
     "model.fit(\n    X,\n    Y,\n    batch_size=32,\n    epochs=10,\n)\n"),
    ("model.fit(\n    X,\n    Y\n)\n", "model.fit(\n    X,\n    Y,\n    epochs=10\n)\n"),
    ("model.fit(X, Y,\n          verbose=2)  # after\n",
     "model.fit(X, Y,\n          verbose=2, epochs=10)  # after\n"),
    ("model.fit(X, Y, )\n", "model.fit(X, Y, epochs=10, )\n"),
])
def test_default_epochs_formatting(call, expected):
    src = f"{K1}model = Sequential()\n{call}"
    assert once(src) == f"{K1}model = Sequential()\n{expected}"


def test_default_epochs_formatting_in_an_indented_block():
    src = (K1 + "model = Sequential()\n"
           "def train():\n"
           "    if True:\n"
           "        model.fit(\n"
           "            X, Y,\n"
           "            batch_size=32  # per step\n"
           "        )\n")
    assert once(src) == src.replace("batch_size=32  # per step\n",
                                    "batch_size=32,  # per step\n            epochs=10\n")


# --- KF203 show_accuracy -----------------------------------------------------------------------

def test_show_accuracy_dropped_keeping_the_rest():
    src = ("import keras\n"
           "model.fit(X, Y, show_accuracy=True, nb_epoch=2)\n"
           "score = model.evaluate(X_test, Y_test,\n"
           "                       show_accuracy=True,  # old\n"
           "                       verbose=0)\n"
           "loss = model.train_on_batch(x, y, show_accuracy=True)\n")
    assert once(src) == ("import keras\n"
                         "model.fit(X, Y, epochs=2)\n"
                         "score = model.evaluate(X_test, Y_test,\n"
                         "                       verbose=0)\n"
                         "loss = model.train_on_batch(x, y)\n")
    assert sorted(c for c, _, _ in found(src)) == ["KF201", "KF203", "KF203", "KF203"]


@pytest.mark.parametrize("args,expected", [
    # a dropped argument's comment goes with it; the others' stay
    ("verbose=0,\n    show_accuracy=True,  # old\n)", "verbose=0,\n)"),
    ("verbose=0,  # quiet\n    show_accuracy=True)", "verbose=0,  # quiet\n    )"),
    ("verbose=0,  # quiet\n    show_accuracy=True,  # old\n)", "verbose=0,  # quiet\n)"),
    ("verbose=0, show_accuracy=True,)", "verbose=0,)"),
])
def test_show_accuracy_comments(args, expected):
    src = f"import keras\nmodel.evaluate(X, Y,\n    {args}\n"
    assert once(src) == f"import keras\nmodel.evaluate(X, Y,\n    {expected}\n"


def test_show_accuracy_message_points_at_compile_metrics():
    [(_, fix, message)] = found("import keras\nmodel.evaluate(X, Y, show_accuracy=True)\n")
    assert fix == "safe" and "metrics=['accuracy']" in message


# --- KF204 fit_generator / evaluate_generator / predict_generator ------------------------------

FIT = "model.fit_generator({gen}, samples_per_epoch={samples}, nb_epoch=5)\n"


@pytest.mark.parametrize("prelude,gen,samples,steps", [
    ("", "datagen.flow(X, Y, batch_size=64)", "6400", "100"),
    ("", "datagen.flow(X, Y, batch_size=64)", "6401", "101"),  # ceil: the last partial batch
    ("", "datagen.flow(X, Y, 64)", "6400", "100"),
    ("", "datagen.flow(X, Y)", "6400", "200"),  # flow's default batch_size is 32
    ("", "datagen.flow(X, Y, shuffle=True)", "640", "20"),
    ("", "datagen.flow_from_directory('d', target_size=(8, 8))", "64", "2"),
    ("", "datagen.flow_from_directory('d', (8, 8), 'rgb', None, 'binary', 16)", "64", "4"),
    ("", "datagen.flow_from_directory('d', batch_size=16)", "64", "4"),
    ("def gen(X, y, batch_size):\n    yield X, y\n", "gen(X, y, 50)", "1000", "20"),
    ("def gen(X, y, batch_size):\n    yield X, y\n", "gen(X, y, batch_size=25)", "1000", "40"),
    ("def gen(X, y, batch_size=10):\n    yield X, y\n", "gen(X, y)", "1000", "100"),
    ("def gen(X, y, bs=10):\n    yield X, y\n", "gen(X, y, 20)", "1000", "50"),
    ("train = datagen.flow(X, Y, batch_size=100)\n", "train", "1000", "10"),
    ("def gen(batch_size):\n    yield 1\ntrain = gen(8)\n", "train", "80", "10"),
])
def test_samples_per_epoch_becomes_steps(prelude, gen, samples, steps):
    src = "import keras\n" + prelude + FIT.format(gen=gen, samples=samples)
    expected = ("import keras\n" + prelude
                + f"model.fit({gen}, steps_per_epoch={steps}, epochs=5)\n")
    assert once(src) == expected
    [(code, fix, message)] = found(src)
    assert (code, fix) == ("KF204", "safe") and "(samples) -> `steps_per_epoch`" in message


def test_samples_per_epoch_as_an_expression_uses_math_ceil():
    src = ("import keras\n"
           "model.fit_generator(datagen.flow(X, Y, batch_size=bs), samples_per_epoch=len(X),"
           " nb_epoch=5)\n"
           "model.fit_generator(datagen.flow(X, Y, batch_size=b + 1),"
           " samples_per_epoch=n - 1, nb_epoch=5)\n")
    assert once(src) == (
        "import keras\nimport math\n"
        "model.fit(datagen.flow(X, Y, batch_size=bs), steps_per_epoch=math.ceil(len(X) / bs),"
        " epochs=5)\n"
        "model.fit(datagen.flow(X, Y, batch_size=b + 1),"
        " steps_per_epoch=math.ceil((n - 1) / (b + 1)), epochs=5)\n")


def test_math_spelled_as_the_file_imports_it():
    src = ("import keras\nimport math as m\n"
           "model.fit_generator(datagen.flow(X, Y, batch_size=bs), samples_per_epoch=n,"
           " nb_epoch=5)\n")
    assert once(src) == ("import keras\nimport math as m\n"
                         "model.fit(datagen.flow(X, Y, batch_size=bs),"
                         " steps_per_epoch=m.ceil(n / bs), epochs=5)\n")


@pytest.mark.parametrize("prelude,gen", [
    ("", "my_generator()"),
    ("", "datagen.flow(X, Y, **options)"),  # the batch size may be in **options
    ("", "datagen.flow(*data)"),
    ("def gen(X, y):\n    yield X, y\n", "gen(X, y)"),  # no batch parameter
    ("def gen(X, y, batch_size):\n    yield X, y\n", "gen(X, y)"),  # not given, no default
    ("train = datagen.flow(X, Y, batch_size=32)\ntrain = datagen.flow(X, Y, batch_size=64)\n",
     "train"),  # assigned twice
    ("train = datagen.flow(X, Y, batch_size=32)\ndef fit(train):\n    pass\n",
     "train"),  # also a parameter somewhere: which one is meant?
    ("for train in gens:\n    pass\n", "train"),
])
def test_unknown_batch_size_is_manual_and_unchanged(prelude, gen):
    src = "import keras\n" + prelude + FIT.format(gen=gen, samples="5000")
    assert fixed(src, unsafe=True) == src
    [(code, fix, message)] = found(src)
    assert (code, fix) == ("KF204", "manual")
    assert "batch size of this generator is not visible" in message
    assert "samples_per_epoch=5000" in message


VALIDATE = ("model.fit_generator(datagen.flow(X, Y, batch_size=64), samples_per_epoch=640, "
            "nb_epoch=2, validation_data={val}, nb_val_samples=100)\n")


@pytest.mark.parametrize("prelude,val,tail", [
    # arrays: Keras 1 ignored nb_val_samples, so it goes
    ("", "(Xv, Yv)", ""),
    ("", "[Xv, Yv]", ""),
    ("val = (Xv, Yv)\n", "val", ""),
    # a generator with a visible batch size: validation_steps
    ("", "datagen.flow(Xv, Yv, batch_size=10)", ", validation_steps=10"),
    ("", "datagen.flow(Xv, Yv)", ", validation_steps=4"),
    ("vgen = datagen.flow(Xv, Yv, batch_size=50)\n", "vgen", ", validation_steps=2"),
])
def test_nb_val_samples(prelude, val, tail):
    src = "import keras\n" + prelude + VALIDATE.format(val=val)
    assert once(src) == ("import keras\n" + prelude
                         + "model.fit(datagen.flow(X, Y, batch_size=64), steps_per_epoch=10, "
                         f"epochs=2, validation_data={val}{tail})\n")


def test_nb_val_samples_of_an_unknown_generator_is_manual():
    src = "import keras\n" + VALIDATE.format(val="val_gen")
    assert fixed(src, unsafe=True) == src
    [(_, fix, message)] = found(src)
    assert fix == "manual" and "nb_val_samples=100" in message


@pytest.mark.parametrize("call,expected", [
    ("model.evaluate_generator(datagen.flow(X, Y, batch_size=10), val_samples=95)",
     "model.evaluate(datagen.flow(X, Y, batch_size=10), steps=10)"),
    ("model.predict_generator(datagen.flow(X, batch_size=8), val_samples=100)",
     "model.predict(datagen.flow(X, batch_size=8), steps=13)"),
    ("model.predict_generator(datagen.flow(X, batch_size=8), 100, max_q_size=4)",
     "model.predict(datagen.flow(X, batch_size=8), steps=13)"),
    ("model.evaluate_generator(generator=datagen.flow(X, Y, batch_size=10), val_samples=100)",
     "model.evaluate(datagen.flow(X, Y, batch_size=10), steps=10)"),
])
def test_evaluate_and_predict_generator_keras1(call, expected):
    assert once(f"{K1}{call}\n") == f"{K1}{expected}\n"


def test_worker_arguments_dropped_with_a_pointer_to_pydataset():
    src = ("import keras\n"
           "model.fit_generator(datagen.flow(X, Y, batch_size=64), samples_per_epoch=640,"
           " nb_epoch=5, max_q_size=10, nb_worker=4, pickle_safe=True)\n"
           "model.fit_generator(train_seq, steps_per_epoch=100, epochs=3, workers=4,"
           " use_multiprocessing=True, max_queue_size=8)\n"
           "model.predict_generator(test_seq, steps=5, workers=2)\n")
    assert once(src) == (
        "import keras\n"
        "model.fit(datagen.flow(X, Y, batch_size=64), steps_per_epoch=10, epochs=5)\n"
        "model.fit(train_seq, steps_per_epoch=100, epochs=3)\n"
        "model.predict(test_seq, steps=5)\n")
    messages = [m for _, _, m in found(src)]
    assert all("PyDataset" in m for m in messages) and len(messages) == 3
    assert "`max_q_size`, `nb_worker`, `pickle_safe`" in messages[0]


# Positional (generator, S, E): Keras 1 read S as samples, Keras 2 as steps.
POSITIONAL = "model.fit_generator(datagen.flow(X, Y, batch_size=64), 6400, 5)\n"
AS_KERAS1 = "model.fit(datagen.flow(X, Y, batch_size=64), steps_per_epoch=100, epochs=5)\n"
AS_KERAS2 = "model.fit(datagen.flow(X, Y, batch_size=64), steps_per_epoch=6400, epochs=5)\n"


@pytest.mark.parametrize("imports,source,expected", [
    (K1, "auto", AS_KERAS1),  # Keras 1 evidence in the file
    ("import keras\n", "keras1", AS_KERAS1),
    ("from tensorflow import keras\n", "auto", AS_KERAS2),  # tf.keras never had samples
    ("from tensorflow.keras.preprocessing.image import ImageDataGenerator\n", "auto",
     AS_KERAS2),
    ("import keras\n", "keras2", AS_KERAS2),
    ("import keras\n", "tf.keras", AS_KERAS2),
])
def test_positional_samples_read_by_the_known_era(imports, source, expected):
    src = imports + POSITIONAL
    assert once(src, source=source) == imports + expected
    [(_, fix, _)] = found(src, source=source)
    assert fix == "safe"


def test_positional_samples_when_unsure_is_an_unsafe_keras2_reading():
    src = "import keras\n" + POSITIONAL
    assert fixed(src) == src  # safe fixes only: unchanged
    [(_, fix, message)] = found(src)
    assert fix == "unsafe" and "--from keras1" in message
    assert once(src, unsafe=True) == "import keras\n" + AS_KERAS2


def test_keras1_or_keras2_keywords_decide_the_positionals():
    src = ("import keras\n"
           "model.fit_generator(datagen.flow(X, Y, batch_size=64), 6400, nb_epoch=5)\n"
           "model.fit_generator(datagen.flow(X, Y, batch_size=64), 100, epochs=5, workers=2)\n"
           "model.evaluate_generator(datagen.flow(X, Y, batch_size=64), 640, nb_worker=2)\n")
    assert once(src) == (
        "import keras\n"
        "model.fit(datagen.flow(X, Y, batch_size=64), steps_per_epoch=100, epochs=5)\n"
        "model.fit(datagen.flow(X, Y, batch_size=64), steps_per_epoch=100, epochs=5)\n"
        "model.evaluate(datagen.flow(X, Y, batch_size=64), steps=10)\n")
    assert {fix for _, fix, _ in found(src)} == {"safe"}


def test_generator_method_keeps_comments_and_layout():
    src = ("import keras\n"
           "history = model.fit_generator(\n"
           "    datagen.flow(X, Y, batch_size=64),  # augmented\n"
           "    samples_per_epoch=6400,  # one pass over X\n"
           "    nb_epoch=5,\n"
           "    validation_data=(Xv, Yv),\n"
           "    nb_worker=4,  # threads\n"
           ")\n")
    assert once(src) == ("import keras\n"
                         "history = model.fit(\n"
                         "    datagen.flow(X, Y, batch_size=64),  # augmented\n"
                         "    steps_per_epoch=100,  # one pass over X\n"
                         "    epochs=5,\n"
                         "    validation_data=(Xv, Yv),\n"
                         ")\n")


@pytest.mark.parametrize("call,why", [
    ("model.fit_generator(*args, **kwargs)", "`*args`/`**kwargs`"),
    ("model.fit_generator(g, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)",
     "more positional arguments"),
    ("model.fit_generator(datagen.flow(X, Y, batch_size=2), samples_per_epoch=10,"
     " steps_per_epoch=1, nb_epoch=1)",
     "`steps_per_epoch` twice"),
    ("model.fit_generator(g, steps_per_epoch=10, nb_epoch=1, epochs=2)", "`epochs` twice"),
])
def test_generator_method_manual_cases(call, why):
    src = f"import keras\n{call}\n"
    assert fixed(src, unsafe=True) == src
    [(code, fix, message)] = found(src)
    assert (code, fix) == ("KF204", "manual") and why in message


def test_generator_method_not_on_modules():
    unchanged("import keras\nimport mylib\nmylib.fit_generator(g, samples_per_epoch=3,"
              " nb_epoch=2)\n")


# --- KF205 / KF206 predict_classes, predict_proba -----------------------------------------------

def test_predict_classes_is_unsafe_and_imports_numpy():
    src = ("from keras.models import Sequential\n"
           "model = Sequential()\n"
           "classes = model.predict_classes(X_test, batch_size=32)\n")
    assert fixed(src) == src
    [(code, fix, message)] = found(src)
    assert (code, fix) == ("KF205", "unsafe") and "> 0.5" in message
    assert once(src, unsafe=True) == (
        "from keras.models import Sequential\n"
        "import numpy as np\n"
        "model = Sequential()\n"
        "classes = np.argmax(model.predict(X_test, batch_size=32), axis=-1)\n")


@pytest.mark.parametrize("units,activation,expected", [
    (1, "sigmoid", "(model.predict(X, verbose=0) > 0.5).astype('int32')"),
    (10, "softmax", "np.argmax(model.predict(X, verbose=0), axis=-1)"),
])
def test_predict_classes_safe_when_the_output_width_is_traced(units, activation, expected):
    """Keras 1/2 chose by the output's last axis: > 0.5 for one unit, argmax otherwise."""
    src = ("import numpy as np\n"
           "from keras.models import Sequential\n"
           "from keras.layers import Dense\n"
           "model = Sequential()\n"
           "model.add(Dense(16, input_dim=8, activation='relu'))\n"
           f"model.add(Dense({units}, activation='{activation}'))\n"
           "c = model.predict_classes(X, verbose=0)\n")
    assert once(src) == src.replace("model.predict_classes(X, verbose=0)", expected)
    [(code, fix, _)] = found(src)
    assert (code, fix) == ("KF205", "safe")


@pytest.mark.parametrize("numpy_import,argmax", [
    ("import numpy as np\n", "np.argmax"),
    ("import numpy\n", "numpy.argmax"),
    ("import numpy as onp\n", "onp.argmax"),
])
def test_predict_classes_spells_numpy_as_the_file_does(numpy_import, argmax):
    src = (numpy_import + "from keras.models import load_model\n"
           "model = load_model('m.h5')\nc = model.predict_classes(X)\n")
    assert once(src, unsafe=True) == (numpy_import + "from keras.models import load_model\n"
                                      f"model = load_model('m.h5')\n"
                                      f"c = {argmax}(model.predict(X), axis=-1)\n")


@pytest.mark.parametrize("taken", ["np = 3\n", "import jax.numpy as np\n"])
def test_predict_classes_when_np_is_something_else(taken):
    src = (taken + "from keras.models import Sequential\n"
           "model = Sequential()\nc = model.predict_classes(X)\n")
    out = once(src, unsafe=True)
    assert "c = numpy.argmax(model.predict(X), axis=-1)\n" in out
    assert "import numpy\n" in out and "np.argmax" not in out


def test_predict_classes_and_proba_only_on_keras_models():
    src = ("from keras.models import Sequential\n"
           "model = Sequential()\n"
           "q = clf.predict_proba(X)\n"
           "r = clf.predict_classes(X)\n"
           "s = self.clf.predict_proba(X)\n")
    unchanged(src)


def test_predict_proba_and_classes_keep_comments():
    src = ("import tensorflow as tf\n"
           "class Net:\n"
           "    def __init__(self):\n"
           "        self.model = tf.keras.models.load_model('m.h5')\n"
           "    def run(self, X):\n"
           "        p = self.model.predict_proba(X,\n"
           "                                     verbose=0)  # probabilities\n"
           "        return self.model.predict_classes(X,  # inputs\n"
           "                                          batch_size=8)\n")
    assert once(src, unsafe=True) == (
        "import tensorflow as tf\n"
        "import numpy as np\n"
        "class Net:\n"
        "    def __init__(self):\n"
        "        self.model = tf.keras.models.load_model('m.h5')\n"
        "    def run(self, X):\n"
        "        p = self.model.predict(X,\n"
        "                                     verbose=0)  # probabilities\n"
        "        return np.argmax(self.model.predict(X,  # inputs\n"
        "                                          batch_size=8), axis=-1)\n")
    assert [(c, f) for c, f, _ in found(src)] == [("KF206", "safe"), ("KF205", "unsafe")]


# --- KF207 / KF208 / KF209 compile and *_on_batch arguments ------------------------------------

def test_compile_removed_arguments_dropped():
    src = ("import keras\n"
           "model.compile(loss='mse', optimizer='adam', sample_weight_mode='temporal',\n"
           "              distribute=strategy,  # multi-gpu\n"
           "              experimental_run_tf_function=False, metrics=['mae'])\n")
    # the line breaks were the dropped arguments' commas
    assert once(src) == ("import keras\n"
                         "model.compile(loss='mse', optimizer='adam', metrics=['mae'])\n")
    [(code, fix, message)] = found(src, "KF207")
    assert fix == "safe" and "`sample_weight_mode`" in message and "`distribute`" in message


def test_compile_target_tensors_is_manual():
    src = "import keras\nmodel.compile(loss='mse', optimizer='sgd', target_tensors=[y])\n"
    assert fixed(src, unsafe=True) == src
    [(code, fix, message)] = found(src)
    assert (code, fix) == ("KF208", "manual") and "pass the targets to `fit()`" in message


def test_compile_without_removed_arguments_untouched():
    unchanged("import keras\nmodel.compile(loss='mse', optimizer='adam', metrics=['mae'])\n")


@pytest.mark.parametrize("method", ["train_on_batch", "test_on_batch"])
def test_on_batch_reset_metrics_dropped(method):
    src = f"import keras\nloss = model.{method}(x, y, reset_metrics=False, sample_weight=w)\n"
    assert once(src) == f"import keras\nloss = model.{method}(x, y, sample_weight=w)\n"
