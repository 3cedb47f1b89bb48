"""Engine tests of the block rules KF211 (batch_input_shape -> Input first), KF212
(model.reset_states()) and the subscript rule KF213 (history 'acc' keys)."""

from __future__ import annotations

import ast

from tests.harness import fixed_text, run

HEAD = "from keras.models import Sequential\nfrom keras.layers import LSTM, Dense\n"


def test_inside_a_function_with_both_rules_and_comments_kept():
    before = HEAD + (
        "def build(b):\n"
        "    model = Sequential()\n"
        "    # the stateful part\n"
        "    model.add(LSTM(8, batch_input_shape=(b, 5, 1), stateful=True))  # first\n"
        "    model.add(Dense(1))\n"
        "    for epoch in range(3):\n"
        "        model.reset_states()\n"
        "    return model\n")
    after = fixed_text(before, only="KF21")
    assert ("    # the stateful part\n    model.add(Input(batch_shape=(b, 5, 1)))\n"
            "    model.add(LSTM(8, stateful=True))  # first\n") in after
    assert "        for layer_ in model.layers:\n" in after
    assert "from keras.layers import LSTM, Dense, Input" in after
    ast.parse(after)
    assert fixed_text(after, only="KF21") == after


def test_only_the_first_add_of_a_fresh_sequential():
    second = HEAD + ("model = Sequential()\nmodel.add(Dense(4, input_shape=(3,)))\n"
                     "model.add(LSTM(8, batch_input_shape=(2, 5, 1)))\n")
    assert "KF211" not in {f.code for f in run(second, fix=False).findings}
    given = HEAD + ("model = Sequential([Dense(2)])\n"
                    "model.add(LSTM(8, batch_input_shape=(2, 5, 1)))\n")
    assert "KF211" not in {f.code for f in run(given, fix=False).findings}


def test_check_reports_kf211_instead_of_the_layer_report():
    before = HEAD + "model = Sequential()\nmodel.add(LSTM(8, batch_input_shape=(2, 5, 1)))\n"
    codes = [f.code for f in run(before, fix=False).findings]
    assert "KF211" in codes and "KF100" not in codes


def test_reset_states_of_unknown_receivers_is_left():
    before = HEAD + "layer.reset_states()\nself.rnn.reset_states()\n"
    assert run(before, fix=True).new is None


def test_history_keys_need_a_history_receiver_and_keras1_code():
    compile_ = "model.compile(loss='mse', optimizer='sgd', metrics=['accuracy'])\n"
    legacy = "from keras.layers import Convolution2D\n" + compile_
    assert "h.history['accuracy']" in fixed_text(legacy + "a = h.history['acc']\n",
                                                 source="keras1", only="KF213")
    untouched = legacy + "a = scores['acc']\nb = h.history[key]\n"
    assert run(untouched, source="keras1", only="KF213").new is None
    modern = "import keras\n" + compile_ + "a = h.history['acc']\n"
    assert run(modern, only="KF213").new is None  # not known to be Keras 1 code: left
