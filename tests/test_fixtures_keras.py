"""The oracle for the golden files: every fixtures/legacy/X.expected.py builds its model in
real Keras 3 (TensorFlow backend), and every original X.py does not build that model: Keras 3
rejects it or builds something else. So a kerasfix that did nothing, or did the wrong thing,
fails here even if someone blessed its output as a golden file.

Each script has a `build_model()` that needs no data; training stays under
`if __name__ == "__main__":`, which these tests never run. CI installs tensorflow-cpu (the
`test` extra): a missing Keras is a failure, never a skip.
"""

from __future__ import annotations

import runpy
import sys
import warnings

import numpy as np
import pytest

from tests.corpus import expected_of, ids, legacy_scripts
from tests.oracle_support import comparable_config, keras

pytestmark = pytest.mark.oracle

SCRIPTS = legacy_scripts()

# Keras 1 module paths that no longer exist. The originals import through them, and a missing
# module or class must not be what makes an original fail at import: its layer calls must.
LEGACY_LAYER_MODULES = ("core", "convolutional", "convolutional_recurrent", "recurrent",
                        "pooling", "embeddings", "normalization", "noise",
                        "advanced_activations", "wrappers", "local")

# Keras 1 layer classes that Keras 3 no longer has (migration-table.md section 0.2): the
# originals import them, and calling one stands for "Keras 3 cannot build this".
REMOVED_LAYERS = ("AtrousConvolution1D", "AtrousConv1D", "AtrousConvolution2D", "AtrousConv2D",
                  "Deconvolution2D", "Deconv2D", "Deconvolution3D", "Deconv3D",
                  "TimeDistributedDense", "MaxoutDense", "Highway", "LocallyConnected1D",
                  "LocallyConnected2D", "ThresholdedReLU", "ParametricSoftplus", "SReLU")


class RemovedInKeras3(TypeError):
    pass


def _removed(name):
    def layer(*args, **kwargs):
        raise RemovedInKeras3(f"keras.layers.{name} does not exist in Keras 3")
    return layer


# What Keras 3 raises for Keras 1 layer arguments: "Unrecognized keyword arguments" (ValueError),
# a missing required argument such as `units` (TypeError), a kernel size landing in `padding`
# (AttributeError: 'int' object has no attribute 'lower').
KERAS3_REJECTS = (TypeError, ValueError, AttributeError)


def _load(path):
    """Run a fixture as a module that is not __main__: definitions only, no training."""
    return runpy.run_path(str(path), run_name="kerasfix_fixture_" + path.stem.replace(".", "_"))


def _build(namespace):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = namespace["build_model"]()
    return model, [str(w.message) for w in caught]


def _sample_inputs(model):
    """Zeros for every model input: batch 2, any other unknown dimension 8."""
    batch = []
    for tensor in model.inputs:
        shape = (2,) + tuple(8 if d is None else d for d in tensor.shape[1:])
        batch.append(np.zeros(shape, dtype=str(tensor.dtype)))
    return batch[0] if len(batch) == 1 else batch


def _signature(model) -> list:
    """What makes two models the same model: input shapes, and every layer's class and
    configuration (without auto-generated names)."""
    inputs = [tuple(t.shape) for t in model.inputs]
    return [inputs] + [(type(layer).__name__, comparable_config(layer)) for layer in model.layers]


def _provide_legacy_names(monkeypatch):
    for name in LEGACY_LAYER_MODULES:
        monkeypatch.setitem(sys.modules, f"keras.layers.{name}", keras.layers)
    for name in REMOVED_LAYERS:
        if not hasattr(keras.layers, name):
            monkeypatch.setattr(keras.layers, name, _removed(name), raising=False)


@pytest.mark.parametrize("script", SCRIPTS, ids=ids(SCRIPTS))
def test_fixed_script_builds_in_keras3(script):
    model, caught = _build(_load(expected_of(script)))
    assert isinstance(model, keras.Model)
    assert model.built and model.count_params() > 0
    outputs = model(_sample_inputs(model), training=False)
    assert tuple(outputs.shape)[1:] == tuple(model.output_shape)[1:]
    deprecated = [w for w in caught if "deprecated" in w.lower()]
    assert not deprecated, f"Keras 3 still warns about Keras 1 arguments: {deprecated}"


@pytest.mark.parametrize("script", SCRIPTS, ids=ids(SCRIPTS))
def test_original_script_does_not_build_that_model(script, monkeypatch):
    expected, _ = _build(_load(expected_of(script)))  # before the shims: they would hide bugs
    _provide_legacy_names(monkeypatch)
    original = _load(script)  # the import itself must work: only layer calls are at stake
    try:
        model, _ = _build(original)
    except KERAS3_REJECTS:
        return
    assert _signature(model) != _signature(expected), (
        f"{script.name} builds the same model in Keras 3 without kerasfix: the fixture "
        f"does not exercise a migration")
