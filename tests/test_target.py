"""--target keras2: only the Keras 1 -> 2 rules, for code that stays on tf_keras (Keras 2)."""

from __future__ import annotations

from click.testing import CliRunner

from kerasfix.cli import main
from kerasfix.engine import Settings, run_source
from kerasfix.registry import all_rules

LEGACY = (b"from keras.layers import *\n"
          b"x = LeakyReLU(alpha=0.2)\n"
          b"y = Dense(10, weights=w, init='normal')\n"
          b"model.compile(loss='mse', optimizer='sgd', sample_weight_mode='temporal')\n"
          b"model.fit(X, Y, nb_epoch=3)\n")


def _fixed(target: str) -> str:
    result = run_source(LEGACY, Settings(fix=True, target=target))
    return (result.new or LEGACY).decode()


def test_keras2_keeps_what_tf_keras_accepts():
    out = _fixed("keras2")
    assert "LeakyReLU(alpha=0.2)" in out  # negative_slope does not exist in tf_keras
    assert "weights=w" in out and "TODO(kerasfix): KF100" not in out
    assert "sample_weight_mode='temporal'" in out


def test_keras2_still_applies_keras1_to_keras2_rules():
    out = _fixed("keras2")
    assert "kernel_initializer='normal'" in out and "epochs=3" in out


def test_keras3_applies_both():
    out = _fixed("keras3")
    assert "negative_slope=0.2" in out and "sample_weight_mode" not in out
    assert "kernel_initializer='normal'" in out and "epochs=3" in out


def test_every_keras3_only_rule_is_a_keras2_to_3_change():
    only3 = {r.id for r in all_rules() if tuple(getattr(r, "targets", ())) == ("keras3",)}
    assert {"KF100", "KF146", "KF207"} <= only3


def test_cli_target_option(tmp_path):
    path = tmp_path / "legacy.py"
    path.write_bytes(LEGACY)
    result = CliRunner().invoke(main, ["check", "--target", "keras2", "--isolated",
                                       "--no-cache", "--output-format", "concise", str(path)])
    assert "KF146" not in result.output and "KF101" in result.output
    result = CliRunner().invoke(main, ["check", "--target", "keras9", str(path)])
    assert result.exit_code == 2
