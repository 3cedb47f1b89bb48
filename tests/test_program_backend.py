"""The backend rules (KF300-KF321, rules/program/backend.toml) through the engine: import
spellings, what is left alone, formatting, Keras 1 readings, the image_dim_ordering analysis.
The Keras facts behind them: tests/test_program_backend_keras.py."""

from __future__ import annotations

import ast

import pytest

from kerasfix.migrate.loader import rules_dir, tomllib
from kerasfix.migrate.program.backend import backend_names
from kerasfix.migrate.program.loader import load_program_rules
from tests.harness import fixed_text, run

BACKEND = [r for r in load_program_rules().rules if r.file == "program/backend.toml"]


def fix(src: str, only: str = "", **kw) -> str:
    out = fixed_text(src, only=only, **kw)
    ast.parse(out)
    assert fixed_text(out, only=only, **kw) == out, "a second fix must change nothing"
    return out


def codes(src: str, **kw) -> list[tuple[str, str]]:
    return [(f.code, f.message) for f in run(src, fix=False, **kw).findings]


# --- the records --------------------------------------------------------------------------

def test_codes_in_range_and_calls_match_the_tables():
    assert BACKEND and all(300 <= int(r.id[2:]) <= 339 for r in BACKEND)
    for rule in BACKEND:
        functions = rule.data.get("functions")
        if functions is None:
            continue
        assert set(rule.calls) == {f"keras.backend.{fn}" for fn in functions}, rule.id


def test_no_record_touches_a_name_keras3_still_has():
    kept = backend_names()["keras3"]
    for rule in BACKEND:
        assert not {c.rpartition(".")[2] for c in rule.calls} & kept, rule.id


def test_each_legacy_function_has_one_record():
    seen = [c for r in BACKEND for c in r.calls]
    assert len(seen) == len(set(seen))


def test_names_table_is_loaded_from_rules():
    with (rules_dir() / "program" / "keras_backend_names.toml").open("rb") as fh:
        data = tomllib.load(fh)
    assert set(data["keras3"]) == backend_names()["keras3"]
    assert "epsilon" in backend_names()["keras3"] and "sum" not in backend_names()["keras3"]
    assert {"sum", "set_value"} <= backend_names()["tf_keras"]


def test_table_entries_are_well_formed():
    keys = {"old", "k1_old", "k1", "k1_hint", "to", "new", "order", "add", "drop", "fallback",
            "select", "literal", "code", "manual", "help", "fix", "why", "note", "shown",
            "pure", "unless_nonnegative", "no_lambda"}
    for rule in BACKEND:
        for fn, spec in rule.data.get("functions", {}).items():
            assert set(spec) <= keys, (fn, set(spec) - keys)
            if "manual" in spec:
                continue
            assert "old" in spec, fn
            assert len(spec.get("new", spec["old"])) == len(spec["old"]), fn
            assert spec.get("fix", "safe") in ("safe", "unsafe"), fn
            if spec.get("fix") == "unsafe":
                assert spec.get("why"), fn


# --- import spellings -----------------------------------------------------------------------

@pytest.mark.parametrize("src,after", [
    ("import keras.backend as K\ny = K.sum(x)",
     "import keras.backend as K\nfrom keras import ops\ny = ops.sum(x)"),
    ("from keras import backend\ny = backend.mean(x, axis=1)",
     "from keras import ops\ny = ops.mean(x, axis=1)"),
    ("import keras\ny = keras.backend.max(x)", "import keras\ny = keras.ops.max(x)"),
    ("from keras.backend import sum as ksum\ny = ksum(x)", "from keras import ops\ny = ops.sum(x)"),
    ("import tensorflow as tf\ny = tf.keras.backend.sum(x)",
     "import tensorflow as tf\ny = tf.keras.ops.sum(x)"),
    ("from tensorflow.keras import backend as K\ny = K.sum(x)",
     "from tensorflow.keras import ops\ny = ops.sum(x)"),
    ("from keras import backend as K\nops = 3\ny = K.sum(x)",
     "import keras\nops = 3\ny = keras.ops.sum(x)"),
    ("from keras import backend as K\nimport random\ny = K.random_normal((2, 3))",
     "import random\nimport keras\ny = keras.random.normal((2, 3))"),
])
def test_spellings(src, after):
    assert fix(src, unsafe=True) == after


def test_tf_keras_findings_say_the_legacy_function_still_runs_there():
    found = run("from tensorflow.keras import backend as K\ny = K.sum(x)", fix=False).findings
    assert found and "tf.keras keeps it" in found[0].message
    assert found[0].severity == "warning"
    found = run("from keras import backend as K\ny = K.sum(x)", fix=False).findings
    assert found and "tf.keras keeps it" not in found[0].message
    assert found[0].severity == "error"
    found = run("from tensorflow.keras import backend as K\nf = K.function([a], [b])",
                fix=False).findings  # gone from TF 2.21's tf.keras too
    assert found and found[0].severity == "error"


def test_k_is_kept_while_still_used():
    assert fix("from keras import backend as K\ny = K.sum(x) + K.epsilon()") == \
        "from keras import backend as K, ops\ny = ops.sum(x) + K.epsilon()"


# --- what is not Keras, or still exists -------------------------------------------------------

@pytest.mark.parametrize("src", [
    "import numpy as np\nimport keras\ny = np.sum(x) + np.sqrt(x)",
    "from keras import backend as K\ndef f(K):\n    return K.sum(x)",
    "import keras\nK = MyBackend()\ny = K.sum(x)",
    "from keras import backend as K\nK.clear_session()\ne = K.epsilon()\nf = K.floatx()",
    "from keras import backend as K\nif K.image_data_format() == 'channels_first':\n    pass",
    "from keras import backend as K\nK.set_image_data_format('channels_last')",
    "import keras\nx = self.get_value()\ny = obj.sum(1)\nif mode == 'th':\n    pass",
])
def test_left_alone(src):
    result = run(src, fix=True, unsafe=True)
    assert not [f for f in result.findings if f.code.startswith("KF3") and
                int(f.code[2:]) < 340]
    assert result.new is None


# --- formatting ----------------------------------------------------------------------------

def test_comments_and_line_breaks_kept():
    src = "from keras import backend as K\nout = K.concatenate(\n    [a, b],  # both\n)\n"
    assert fix(src) == ("from keras import ops\nout = ops.concatenate(\n    [a, b],  # both\n"
                        "    axis=-1,\n)\n")
    src = "from keras import backend as K\nout = K.clip(x,  # scores\n             0, 1)\n"
    assert fix(src) == "from keras import ops\nout = ops.clip(x,  # scores\n             0, 1)\n"


def test_parenthesized_call_and_precedence():
    assert fix("from keras import backend as K\ny = (K.hard_sigmoid(-x)) * 2") == \
        "from keras import ops\ny = (ops.clip(0.2 * (-x) + 0.5, 0.0, 1.0)) * 2"
    assert fix("from keras import backend as K\nv = K.int_shape(a + b)") == \
        "v = tuple((a + b).shape)"
    assert fix("from keras import backend as K\nK.set_value(a[0] + b, v)") == \
        "(a[0] + b).assign(v)"


def test_renamed_keywords():
    assert fix("from keras import backend as K\ny = K.dot(y=b, x=a)") == \
        "from keras import ops\ny = ops.dot(a, b)"
    assert fix("from keras import backend as K\ny = K.reverse(x, axes=1)") == \
        "from keras import ops\ny = ops.flip(x, axis=1)"
    assert fix("from keras import backend as K\ny = K.sum(x, keepdims=True, axis=1)") == \
        "from keras import ops\ny = ops.sum(x, keepdims=True, axis=1)"
    assert fix("from keras import backend as K\ny = K.relu(x, max_value=6)") == \
        "from keras import activations\ny = activations.relu(x, max_value=6)"


# --- manual findings ------------------------------------------------------------------------

@pytest.mark.parametrize("src,message", [
    ("from keras import backend as K\ny = K.sum(*args)", "*args"),
    ("from keras import backend as K\ny = K.sum(x, foo=1)", "`foo`"),
    ("from keras import backend as K\ny = K.pool2d(x, (2, 2), pool_mode=mode)", "pool_mode"),
    ("from keras import backend as K\ny = K.map_fn(f, xs, dtype='float32')", "`dtype`"),
    ("from keras import backend as K\ny = K.switch(c, lambda: a, lambda: b)", "lambda"),
    ("from keras import backend as K\nK.set_image_dim_ordering('xx')", "'th' or 'tf'"),
    ("from keras import backend as K\nK.set_learning_phase(1)", "training="),
    ("from keras import backend as K\nK.batch_set_value(zip(ws, vals))", "assign"),
    ("from keras import backend as K\ny = K.constant(0, shape=(2, 2))", "`shape`"),
])
def test_manual(src, message):
    result = run(src, fix=True, unsafe=True)
    found = [f for f in result.findings if f.code.startswith("KF3")]
    assert found and any(message in f.message for f in found), found
    assert result.new is None or b"TODO(kerasfix)" in result.new


# --- unsafe fixes ---------------------------------------------------------------------------

K_ = "from keras import backend as K\n"
OPS = "from keras import ops\n"


@pytest.mark.parametrize("src,after", [
    (K_ + "y = K.batch_flatten(f(x))", OPS + "y = ops.reshape(f(x), (ops.shape(f(x))[0], -1))"),
    (K_ + "y = K.conv1d(x, k, padding='causal')", OPS + "y = ops.conv(x, k, padding='causal')"),
    (K_ + "y = K.shape(x)[1:]", OPS + "y = ops.shape(x)[1:]"),
    (K_ + "y = K.switch(c, a, b)", OPS + "y = ops.where(c, a, b)"),
    (K_ + "I = K.eye(3, 'float64')", OPS + "I = ops.eye(3, dtype='float64')"),
])
def test_unsafe_only_with_unsafe_fixes(src, after):
    assert fixed_text(src) == src  # not applied by a plain fix
    assert fix(src, unsafe=True) == after


def test_safe_counterparts():
    assert fix("from keras import backend as K\ny = K.batch_flatten(self.x)") == \
        "from keras import ops\ny = ops.reshape(self.x, (ops.shape(self.x)[0], -1))"
    assert fix("from keras import backend as K\ny = K.shape(x)[-1]") == \
        "from keras import ops\ny = ops.shape(x)[-1]"
    assert fix("from keras import backend as K\ny = K.conv1d(x, k, padding='same')") == \
        "from keras import ops\ny = ops.conv(x, k, padding='same')"


# --- Keras 1 -----------------------------------------------------------------------------------

def test_crossentropy_argument_order_by_version_and_names():
    legacy = "from keras import backend as K\nloss = K.categorical_crossentropy(a, b)"
    assert fixed_text(legacy) == legacy  # unknown version: unsafe
    assert fix(legacy, source="keras1") == \
        "from keras import ops\nloss = ops.categorical_crossentropy(b, a)"
    assert fix(legacy, source="keras2") == \
        "from keras import ops\nloss = ops.categorical_crossentropy(a, b)"
    named = "from keras import backend as K\nloss = K.binary_crossentropy(y_pred, y_true)"
    assert fix(named) == "from keras import ops\nloss = ops.binary_crossentropy(y_true, y_pred)"
    tfk = "from tensorflow.keras import backend as K\nloss = K.categorical_crossentropy(a, b)"
    assert fix(tfk) == "from tensorflow.keras import ops\nloss = ops.categorical_crossentropy(a, b)"


def test_keras1_positionals_and_keywords():
    assert fix("from keras import backend as K\nx = K.batch_normalization(x, m, v, b, g, 1e-3)",
               source="keras1") == ("from keras import ops\nx = ops.batch_normalization("
                                    "x, m, v, offset=b, scale=g, epsilon=1e-3, axis=-1)")
    assert fix("from keras import backend as K\nx = K.zeros_like(y, 'z')", source="keras1") == \
        "from keras import ops\nx = ops.zeros_like(y)"
    assert fix("from keras import backend as K\nx = K.dropout(x, 0.5, 3)", source="keras1",
               unsafe=True) == "from keras import random\nx = random.dropout(x, 0.5, seed=3)"
    assert fix("from keras import backend as K\ny = K.pool2d(x, (2, 2), border_mode='same')") == \
        "from keras import ops\ny = ops.max_pool(x, (2, 2), padding='same', strides=(1, 1))"
    found = codes("from keras import backend as K\ny = K.conv2d(x, W, (1, 1), 'same', 'th')",
                  source="keras1")
    assert found and "`dim_ordering`" in found[0][1]


# --- sqrt ---------------------------------------------------------------------------------

@pytest.mark.parametrize("arg,plain", [
    ("K.square(a)", True), ("K.sum(K.square(a - b), axis=1)", True),
    ("K.maximum(d, K.epsilon())", True), ("a ** 2 + 1e-6", True), ("K.abs(a) * 2", True),
    ("a - b", False), ("K.mean(a)", False), ("K.maximum(a, b)", False), ("-K.square(a)", False),
])
def test_sqrt_clipping_only_where_the_argument_can_be_negative(arg, plain):
    out = fix(f"from keras import backend as K\nr = K.sqrt({arg})", only="KF309")
    assert ("ops.maximum(" + arg in out) != plain, out


# --- image_dim_ordering ---------------------------------------------------------------------

@pytest.mark.parametrize("src,after", [
    ("if K.image_dim_ordering() == 'th':\n    pass",
     "if K.image_data_format() == 'channels_first':\n    pass"),
    ("a = 'tf' != K.image_dim_ordering()", "a = 'channels_last' != K.image_data_format()"),
    ("a = K.image_dim_ordering() in ['th']", "a = K.image_data_format() in ['channels_first']"),
    ("a = K.image_dim_ordering() not in {'th', \"tf\"}",
     "a = K.image_data_format() not in {'channels_first', \"channels_last\"}"),
    ("d = K.image_dim_ordering()\ndef f():\n    return 1 if d == 'th' else 2",
     "d = K.image_data_format()\ndef f():\n    return 1 if d == 'channels_first' else 2"),
    ("c = Conv2D(8, 3, data_format=K.image_dim_ordering())",
     "c = Conv2D(8, 3, data_format=K.image_data_format())"),
    # the value goes elsewhere: kept exactly, with its old values
    ("d = K.image_dim_ordering()\nprint(d)",
     "d = {'channels_first': 'th', 'channels_last': 'tf'}[K.image_data_format()]\nprint(d)"),
    ("if d == 'th':\n    pass\nd = K.image_dim_ordering()",
     "if d == 'th':\n    pass\nd = {'channels_first': 'th', 'channels_last': 'tf'}"
     "[K.image_data_format()]"),
    ("d = K.image_dim_ordering()\nd = 'th'\nok = d == 'th'",
     "d = {'channels_first': 'th', 'channels_last': 'tf'}[K.image_data_format()]\nd = 'th'\n"
     "ok = d == 'th'"),
    ("ok = K.image_dim_ordering() is 'th'",
     "ok = {'channels_first': 'th', 'channels_last': 'tf'}[K.image_data_format()] is 'th'"),
    ("ok = K.image_dim_ordering() == 'default'",
     "ok = {'channels_first': 'th', 'channels_last': 'tf'}[K.image_data_format()] == 'default'"),
    ("self.dim_ordering = K.image_dim_ordering()",
     "self.dim_ordering = {'channels_first': 'th', 'channels_last': 'tf'}"
     "[K.image_data_format()]"),
])
def test_image_dim_ordering(src, after):
    head = "from keras.layers import Conv2D\nfrom keras import backend as K\n"
    assert fix(head + src, only="KF300") == head + after


def test_image_dim_ordering_bare_import():
    src = "from keras.backend import image_dim_ordering\nif image_dim_ordering() == 'th':\n    pass"
    assert fix(src) == ("from keras.backend import image_data_format\n"
                        "if image_data_format() == 'channels_first':\n    pass")


def test_image_dim_ordering_one_finding_per_comparison():
    found = codes("from keras import backend as K\nif K.image_dim_ordering() == 'th':\n    pass")
    assert [c for c, _ in found] == ["KF300"]


def test_image_dim_ordering_with_keras1_layer():
    src = ("from keras import backend as K\nfrom keras.layers import Convolution2D\n"
           "c = Convolution2D(8, 3, 3, dim_ordering=K.image_dim_ordering())")
    assert fix(src) == ("from keras import backend as K\nfrom keras.layers import Conv2D\n"
                        "c = Conv2D(8, (3, 3), data_format=K.image_data_format())")


def test_set_image_dim_ordering_keyword():
    assert fix("from keras import backend as K\nK.set_image_dim_ordering(dim_ordering='th')") == \
        "from keras import backend as K\nK.set_image_data_format('channels_first')"


# --- composition with the optimizer rules (KF345 renames `.lr`) -------------------------------

def test_set_value_of_learning_rate_composes():
    src = ("from keras import backend as K\nK.set_value(model.optimizer.lr, 0.5)\n"
           "lr = K.get_value(model.optimizer.lr)")
    out = fix(src)
    assert out == ("from keras import ops\nmodel.optimizer.learning_rate.assign(0.5)\n"
                   "lr = ops.convert_to_numpy(model.optimizer.learning_rate)")
