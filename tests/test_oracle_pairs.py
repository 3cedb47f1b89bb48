"""Hand-written Keras 1 -> Keras 3 pairs (tests/oracle_pairs.py) against kerasfix and Keras 3.

For each pair: kerasfix rewrites the Keras 1 call (the whole engine, tests.harness.fixed_text);
the rewrite and the hand-written Keras 3 call are both built in Keras 3; they must be the same
class with the same `get_config()` and the same `input_shape=`. Only the auto-generated layer
names (`dense_3`, and `forward_lstm_7` inside wrappers) are left out of the comparison: they
count the layers built earlier in the process. No other key of these configs is random (seeds
are None unless a call gives one).
"""

from __future__ import annotations

import builtins
import warnings

import pytest

from tests.harness import fixed_text, run
from tests.oracle_pairs import FAMILIES, PAIRS, scale
from tests.oracle_support import comparable_config, input_shape_of, keras, public_layer_names

pytestmark = pytest.mark.oracle

NAMESPACE = {
    "__builtins__": builtins,
    **{n: getattr(keras.layers, n) for n in public_layer_names()},
    "scale": scale,
    "l2": keras.regularizers.l2,
}


def _build(code: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # input_shape= on a layer warns in Keras 3
        return eval(code, dict(NAMESPACE))


def _findings(pair) -> str:
    result = run(pair.old, fix=False, source=pair.source)
    return "; ".join(f"{f.code}: {f.message}" for f in result.findings) or "none"


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{n:03d}-{p.family}" for n, p in enumerate(PAIRS)])
def test_rewrite_matches_hand_written_keras3(pair):
    out = fixed_text(pair.old, source=pair.source, unsafe=pair.unsafe)
    assert out != pair.old, (
        f"kerasfix left {pair.old!r} unchanged (--from {pair.source}"
        f"{', --unsafe-fixes' if pair.unsafe else ''}); findings: {_findings(pair)}")
    expected = _build(pair.new)
    try:
        got = _build(out)
    except Exception as exc:  # noqa: BLE001 - a rewrite Keras 3 cannot build is the finding
        pytest.fail(f"kerasfix wrote {out!r}, which Keras 3 cannot build: "
                    f"{type(exc).__name__}: {exc}")
    assert type(got) is type(expected), f"kerasfix wrote {out!r}; expected {pair.new!r}"
    assert comparable_config(got) == comparable_config(expected), (
        f"kerasfix wrote {out!r}; expected the same layer as {pair.new!r}")
    assert input_shape_of(got) == input_shape_of(expected), (
        f"kerasfix wrote {out!r}; input shape {input_shape_of(got)} != "
        f"{input_shape_of(expected)} of {pair.new!r}")


def test_pairs_cover_every_family():
    assert len(PAIRS) >= 90
    assert {p.family for p in PAIRS} == FAMILIES
    assert len({p.old for p in PAIRS}) == len(PAIRS), "a Keras 1 call appears twice"


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{n:03d}-{p.family}" for n, p in enumerate(PAIRS)])
def test_hand_written_side_builds(pair):
    """The hand-written half must itself be valid Keras 3, whatever kerasfix does."""
    assert isinstance(_build(pair.new), keras.layers.Layer)
