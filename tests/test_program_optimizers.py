"""Engine tests of the optimizer rules (KF340-KF347): spellings, flavours, formatting,
idempotence, and the code they must leave alone. Keras facts: test_program_optimizers_keras.py."""

from __future__ import annotations

import ast

import pytest

from kerasfix.engine import Settings, run_source
from kerasfix.selection import Selection
from tests.harness import fixed_text, run


def _fix(src: str, only: str = "", **kw) -> str:
    out = fixed_text(src, only=only, **kw)
    ast.parse(out)
    assert fixed_text(out, only=only, **kw) == out, "a second fix must change nothing"
    return out


def _codes(src: str, **kw) -> list[str]:
    return [f.code for f in run(src, fix=False, **kw).findings]


# --- KF341 lr= --------------------------------------------------------------------------------

@pytest.mark.parametrize("src", [
    "from keras.optimizers import SGD as S\nopt = S(lr=0.1)",
    "import keras.optimizers as O\nopt = O.SGD(lr=0.1)",
    "from tensorflow.keras import optimizers\nopt = optimizers.SGD(lr=0.1)",
    "import tensorflow as tf\nopt = tf.keras.optimizers.SGD(lr=0.1)",
])
def test_lr_renamed_under_any_spelling(src):
    out = _fix(src, only="KF341")
    assert "learning_rate=0.1" in out and "lr=" not in out


def test_lr_keeps_comments_and_layout():
    src = ("import keras\nopt = keras.optimizers.Adam(\n    lr=1e-4,  # small\n"
           "    beta_1=0.9,\n)\n")
    assert _fix(src, only="KF341") == src.replace("lr=1e-4", "learning_rate=1e-4")


def test_lr_of_other_libraries_untouched():
    src = ("import keras\nimport torch\nfrom lightgbm import LGBMClassifier\n"
           "opt = torch.optim.Adam(params, lr=0.01)\nclf = LGBMClassifier(lr=0.1)\n"
           "def SGD(lr): return lr\nSGD(lr=0.1)\n")
    assert "KF341" not in _codes(src)
    assert fixed_text(src) == src


def test_tf_keras_lr_note_only_for_tf_keras():
    msg = [f.message for f in run("import keras\nopt = keras.optimizers.Adam(lr=0.01)",
                                  fix=False).findings if f.code == "KF341"]
    assert msg and "2.11" not in msg[0]


# --- KF342 decay= -----------------------------------------------------------------------------

def test_decay_positional_lr_stays_positional():
    out = _fix("from keras.optimizers import SGD\nsgd = SGD(0.01, 0.9, decay=1e-6)", only="KF342")
    assert "SGD(InverseTimeDecay(initial_learning_rate=0.01, decay_steps=1, decay_rate=1e-6), "\
           "0.9)" in out


def test_decay_with_all_rules_composes_with_lr_rename():
    src = ("from keras.optimizers import SGD\n"
           "sgd = SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True)")
    out = _fix(src)
    assert "SGD(learning_rate=InverseTimeDecay(initial_learning_rate=0.01, decay_steps=1, "\
           "decay_rate=1e-6), momentum=0.9, nesterov=True)" in out
    assert "from keras.optimizers.schedules import InverseTimeDecay" in out


def test_decay_variable_is_scheduled_too():
    out = _fix("import keras\nopt = keras.optimizers.Adam(learning_rate=lr, decay=lr / epochs)",
               only="KF342")
    assert "InverseTimeDecay(initial_learning_rate=lr, decay_steps=1, decay_rate=lr / epochs)" \
        in out


def test_decay_default_lr_by_flavour():
    tf = _fix("import tensorflow as tf\nopt = tf.keras.optimizers.Adagrad(decay=0.1)",
              only="KF342")
    assert "initial_learning_rate=0.001" in tf
    k1 = _fix("from keras.optimizers import Adagrad\nopt = Adagrad(decay=0.1)", only="KF342",
              source="keras1")
    assert "initial_learning_rate=0.01" in k1
    unknown = run("from keras.optimizers import Adamax\nopt = Adamax(decay=0.1)", fix=False,
                  only="KF342")
    assert [f.fix for f in unknown.findings] == [None]  # 0.002 or 0.001: reported


def test_decay_unsafe_when_the_file_sets_the_learning_rate():
    src = ("import keras\nfrom keras import backend as K\nopt = keras.optimizers.SGD(0.1, "
           "decay=1e-3)\nK.set_value(model.optimizer.lr, 0.01)\n")
    assert "InverseTimeDecay" not in fixed_text(src, only="KF342")
    assert "InverseTimeDecay" in fixed_text(src, only="KF342", unsafe=True)


def test_decay_not_added_import_when_fix_not_applied():
    src = ("from keras.optimizers import SGD, Adam\nfrom keras.callbacks import "
           "ReduceLROnPlateau\nsgd = SGD(0.1, decay=1e-4)\nx = Adam(lr=1)\n"
           "cb = ReduceLROnPlateau()\n")
    out = fixed_text(src)  # KF341 applies, KF342's unsafe fix does not: no import for it
    assert "schedules" not in out.replace("# TODO", "") and "learning_rate=1" in out
    assert "from keras.optimizers.schedules" in fixed_text(src, unsafe=True)


# --- KF340 Keras 1 positional order -----------------------------------------------------------

def test_positionals_in_keras1_code_then_decay_schedule():
    src = "from keras.optimizers import SGD\nsgd = SGD(0.01, 0.9, 1e-6, True)"
    out = _fix(src, source="keras1")
    assert "SGD(InverseTimeDecay(initial_learning_rate=0.01, decay_steps=1, decay_rate=1e-6), " \
           "0.9, nesterov=True)" in out


def test_positionals_by_literal_kind():
    # a bool where Keras 1 had a number: Keras 3's order (nesterov) without any evidence
    assert "KF340" not in _codes("import keras\nopt = keras.optimizers.SGD(0.01, 0.9, True)")
    # a number where Keras 3 has a bool (amsgrad): Keras 1's order, safe
    out = _fix("import keras\nopt = keras.optimizers.Adam(0.001, 0.9, 0.999, 1e-8, 0.01)",
               only="KF340")
    assert "Adam(0.001, 0.9, 0.999, 1e-8, decay=0.01)" in out


def test_positionals_shared_prefix_untouched():
    for src in ("import keras\nopt = keras.optimizers.RMSprop(0.001, 0.9)",
                "import keras\nopt = keras.optimizers.Adam(0.001, 0.9, 0.999, 1e-7)",
                "import keras\nopt = keras.optimizers.SGD(*args)"):
        assert "KF340" not in _codes(src, source="keras1")


# --- KF343 Nadam schedule_decay ------------------------------------------------------------------

def test_schedule_decay_only_with_unsafe():
    src = "from keras.optimizers import Nadam\nopt = Nadam(lr=0.002, schedule_decay=0.004)"
    assert "schedule_decay" in fixed_text(src, only="KF343")
    assert "schedule_decay" not in _fix(src, only="KF343", unsafe=True)


# --- KF344 legacy / experimental namespaces ----------------------------------------------------

def test_legacy_namespace_call_and_import():
    src = ("import tensorflow as tf\nfrom tensorflow.keras.optimizers.legacy import SGD\n"
           "a = SGD(learning_rate=0.1)\nb = tf.keras.optimizers.experimental.AdamW()\n")
    out = _fix(src, only="KF344")
    assert "from tensorflow.keras.optimizers import SGD" in out
    assert "b = tf.keras.optimizers.AdamW()" in out


def test_legacy_namespace_module_alias():
    src = "from keras.optimizers import legacy\nopt = legacy.Adam(learning_rate=0.1)\n"
    out = _fix(src, only="KF344")
    assert "legacy" not in out and "Adam(learning_rate=0.1)" in out


def test_legacy_namespace_stays_for_tf_keras_target():
    src = "import tensorflow as tf\nopt = tf.keras.optimizers.legacy.Adam(learning_rate=0.1)"
    assert fixed_text(src, only="KF344") != src
    result = run_source(src.encode(), Settings(fix=True, target="keras2",
                                               selection=Selection(select=("KF344",))))
    assert result.new is None and not result.findings


# --- KF345 .lr -------------------------------------------------------------------------------

@pytest.mark.parametrize("src,expected", [
    ("import keras\nold = model.optimizer.lr", "model.optimizer.learning_rate"),
    ("import keras\nself.model.optimizer.lr = 0.1", "self.model.optimizer.learning_rate = 0.1"),
    ("import keras\nmodel.optimizer.lr.assign(0.1)", "model.optimizer.learning_rate.assign(0.1)"),
    ("import keras\nprint(optimizer.lr)", "optimizer.learning_rate"),
    ("import keras\nopt = keras.optimizers.Adam()\nprint(opt.lr)", "opt.learning_rate"),
])
def test_lr_attribute(src, expected):
    assert expected in _fix(src, only="KF345")


@pytest.mark.parametrize("src", [
    "import keras\nprint(args.lr, config.lr, self.lr)",
    "import keras\nopt = torch.optim.SGD(p, lr=0.1)\nprint(opt.lr)",
    "import keras\noptimizer = make_torch_optimizer()\nprint(optimizer.lr)",
    "import keras\nmodel.optimizer.lr_schedule = 1",
])
def test_lr_attribute_leaves_other_receivers(src):
    assert fixed_text(src, only="KF345") == src


def test_lr_attribute_composes_with_backend_set_value():
    src = ("from keras import backend as K\nclass C(keras.callbacks.Callback):\n"
           "    def on_epoch_end(self, epoch, logs=None):\n"
           "        K.set_value(self.model.optimizer.lr,\n"
           "                    K.get_value(self.model.optimizer.lr) / 2)\n")
    out = _fix(src)
    assert ".lr" not in out and out.count("optimizer.learning_rate") == 2


# --- KF346 removed API ---------------------------------------------------------------------

def test_removed_api_only_on_optimizers():
    src = ("import keras\nfrom scipy.optimize import minimize\nres = minimize(f, x0)\n"
           "net.get_gradients(x)\nmodel.optimizer.get_gradients(loss, params)\n")
    found = [f for f in run(src, fix=False).findings if f.code == "KF346"]
    assert len(found) == 1 and found[0].span.line == 5


def test_removed_api_custom_optimizer_class_reported_once():
    src = ("import keras\nclass Mine(keras.optimizers.Optimizer):\n"
           "    def get_updates(self, loss, params):\n"
           "        grads = self.get_gradients(loss, params)\n        return []\n"
           "class Other:\n    def get_updates(self):\n        pass\n")
    found = [f for f in run(src, fix=False).findings if f.code == "KF346"]
    assert len(found) == 1 and found[0].span.line == 2


# --- KF347 Keras 1 defaults --------------------------------------------------------------------

def test_keras1_defaults_need_keras1_code():
    src = "from keras.optimizers import Adadelta\nopt = Adadelta(rho=0.95)"
    assert fixed_text(src, only="KF347") == src
    assert "Adadelta(rho=0.95, learning_rate=1.0)" in _fix(src, only="KF347", source="keras1")


def test_keras1_compile_string_with_alias_import():
    src = ("import keras.optimizers as KO\nfrom keras.layers import Convolution2D\n"
           "model.compile(loss='mse', optimizer='nadam')")
    out = _fix(src, source="keras1", only="KF347")
    assert "optimizer=KO.Nadam(learning_rate=0.002)" in out


def test_keras1_defaults_leave_sklearn_and_modern_strings():
    src = "import keras\nmodel.compile(optimizer='sgd', loss='mse')\npipe.compile('adadelta')"
    out = fixed_text(src, only="KF347", source="keras1")
    assert "optimizer='sgd'" in out
