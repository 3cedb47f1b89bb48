"""The shape checker against real Keras 3, on random layer stacks (tests/shape_strategies.py).

For each drawn stack the rendered source is traced statically (`trace_source(src,
"channels_last")`) and exec'd with Keras 3 (default data format channels_last). They must agree
exactly:
- Keras builds: the checker reports no error, and each layer's static output shape equals Keras's
  `layer.output.shape` (batch dim None unless the input fixes it; every other dim a known int:
  the stacks are all literal);
- Keras refuses: the checker reports its first error at the same layer (same index, same line,
  Keras 3 class name), with a code that fits Keras's message, and the layers before it have
  Keras's shapes.
Any disagreement fails the test with the source and both results; hypothesis then shrinks it.
A second test does the same with None input dims (UNKNOWN accepted where Keras has None), a
third shows that both verdicts are exercised and that every required family is drawn.

Where Keras fails is found without reading its messages: `keras`, `tensorflow.keras` and their
`layers`/`models` are served to the exec'd source by an import hook whose layer classes record
every layer built (and its source line); a constructor that raises marks its own layer, and a
build that raises leaves the failing layer as the first one Keras never called (no inbound node).

KERASFIX_ORACLE_EXAMPLES sets the number of stacks (default 500, half as many with dynamic dims;
fixed seed):
    KERASFIX_ORACLE_EXAMPLES=5000 pytest tests/test_shape_oracle.py
"""

from __future__ import annotations

import builtins
import collections
import os
import re
import sys
import traceback
import types
import warnings
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from kerasfix.shapes import errors
from kerasfix.shapes.api import trace_source
from kerasfix.shapes.dims import UNKNOWN, show_shape
from tests.oracle_support import keras
from tests.shape_strategies import (
    DEFAULT_FORMAT,
    FAMILY_NAMES,
    LayerDraw,
    Stack,
    stacks,
)

pytestmark = pytest.mark.oracle

EXAMPLES = int(os.environ.get("KERASFIX_ORACLE_EXAMPLES", "500"))
PER_FAMILY = -(-EXAMPLES // len(FAMILY_NAMES))  # 12 x 42 families = 504 stacks by default
DYNAMIC_PER_FAMILY = -(-EXAMPLES // (2 * len(FAMILY_NAMES)))  # half as many with None dims
VERDICT_PER_FAMILY = 5  # stacks drawn per family to show that both verdicts are exercised
CLEAR_EVERY = 25  # keras.backend.clear_session() after this many builds

# The families the brief requires; the generator draws more (tests/shape_strategies.py).
REQUIRED_FAMILIES = {
    "Conv1D", "Conv2D", "Conv3D", "SeparableConv2D", "DepthwiseConv2D", "Conv2DTranspose",
    "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling2D", "ZeroPadding1D",
    "ZeroPadding2D", "Cropping1D", "Cropping2D", "UpSampling1D", "UpSampling2D", "Flatten",
    "Dense", "Reshape", "Permute", "RepeatVector", "Embedding", "SimpleRNN", "LSTM", "GRU",
    "Dropout", "BatchNormalization",
}

# Which checker codes fit which Keras refusal (by message); other refusals (strides with
# dilation, output_padding >= strides) have no dedicated code and accept any.
CODES_BY_MESSAGE = [
    ("Computed output size would be zero or negative", {errors.NEGATIVE, errors.ZERO}),
    ("total size of the tensor must be unchanged", {errors.RESHAPE}),
    ("cropping", {errors.CROPPING}),
]


# ---------------------------------------------------------------------------------------------
# The Keras half


class _Registry:
    """The layers one exec'd source built, in order, with the line of each constructor call."""

    def __init__(self):
        self.layers: list[tuple[object, int]] = []
        self.failed_init: tuple[str, int] | None = None


class _LayersModule(types.SimpleNamespace):
    """`keras.layers` as the exec'd source sees it: every layer class is wrapped to record."""

    def __init__(self, registry: _Registry):
        super().__init__()
        self._registry = registry

    def __getattr__(self, name):
        real = getattr(keras.layers, name)
        if not (isinstance(real, type) and issubclass(real, keras.layers.Layer)) or (
                real is keras.layers.InputLayer):
            return real  # keras.layers.Input and InputLayer: not layers of the stack
        registry = self._registry

        def make(*args, **kwargs):
            line = sys._getframe(1).f_lineno
            try:
                layer = real(*args, **kwargs)
            except Exception:
                registry.failed_init = (real.__name__, line)
                raise
            registry.layers.append((layer, line))
            return layer

        setattr(self, name, make)
        return make


def _namespace(registry: _Registry) -> dict:
    layers = _LayersModule(registry)
    models = types.SimpleNamespace(Sequential=keras.Sequential, Model=keras.Model)
    fake = types.SimpleNamespace(layers=layers, models=models, Sequential=keras.Sequential,
                                 Model=keras.Model, Input=keras.Input)
    modules = {"keras": fake, "keras.layers": layers, "keras.models": models,
               "tensorflow": types.SimpleNamespace(keras=fake), "tensorflow.keras": fake,
               "tensorflow.keras.layers": layers, "tensorflow.keras.models": models}

    def import_hook(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and name in modules:
            return modules[name] if fromlist else modules[name.split(".")[0]]
        return builtins.__import__(name, globals, locals, fromlist, level)

    return {"__builtins__": {**vars(builtins), "__import__": import_hook},
            "__name__": "oracle_source"}


@dataclass
class KerasResult:
    names: list[str]  # class name per layer constructed
    lines: list[int]
    shapes: list[tuple | None]  # layer.output.shape, None for a layer Keras never called
    failed_at: int | None = None  # index of the layer Keras refused (None: the model built)
    error: str = ""

    def show(self) -> str:
        rows = []
        for i, (name, line, shape) in enumerate(zip(self.names, self.lines, self.shapes)):
            mark = "  <- refused" if i == self.failed_at else ""
            rows.append(f"  [{i}] line {line} {name}: {shape}{mark}")
        if self.failed_at is not None and self.failed_at >= len(self.names):
            rows.append(f"  [{self.failed_at}] refused in its constructor")
        if self.error:
            rows.append(f"  error: {self.error}")
        return "\n".join(rows)


_builds = 0


def build_in_keras(stack: Stack) -> KerasResult:
    global _builds
    _builds += 1
    if _builds % CLEAR_EVERY == 0:
        keras.backend.clear_session()
    registry = _Registry()
    error = ""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # input_shape= on a layer warns in Keras 3
        try:
            exec(compile(stack.source, "<oracle>", "exec"), _namespace(registry))  # noqa: S102
        except Exception as exc:  # noqa: BLE001 - a refusal is a verdict
            text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))  # Keras bolds its messages
            error = f"{type(exc).__name__}: {' '.join(text.split())[:400]}"
    layers = [layer for layer, _ in registry.layers]
    result = KerasResult(names=[type(layer).__name__ for layer in layers],
                         lines=[line for _, line in registry.layers],
                         shapes=[tuple(layer.output.shape) if layer._inbound_nodes else None
                                 for layer in layers],
                         error=error)
    if registry.failed_init is not None:
        name, line = registry.failed_init
        result.failed_at = len(layers)
        result.names.append(name)
        result.lines.append(line)
        result.shapes.append(None)
    elif error:
        result.failed_at = next((i for i, s in enumerate(result.shapes) if s is None),
                                len(layers))
    return result


# ---------------------------------------------------------------------------------------------
# The comparison


def _show_trace(traces) -> str:
    rows = []
    for trace in traces:
        rows.append(f"  model {trace.name!r} (line {trace.line}):")
        for layer in trace.layers:
            out = show_shape(layer.output) if isinstance(layer.output, tuple) else layer.output
            err = (f"  ERROR {layer.error.code}: {layer.error.message}"
                   if layer.error is not None else "")
            rows.append(f"    line {layer.line} {layer.name}: {out}{err}")
    return "\n".join(rows) or "  (no model)"


def _numbered(source: str) -> str:
    return "\n".join(f"{i:3d}| {line}" for i, line in enumerate(source.splitlines(), 1))


def _same_shape(got, expected, dynamic: bool) -> bool:
    """Exact equality; with dynamic inputs UNKNOWN may stand where Keras has None."""
    if got == expected:
        return True
    return (dynamic and isinstance(got, tuple) and len(got) == len(expected)
            and all(g == e or (g is UNKNOWN and e is None) for g, e in zip(got, expected)))


def disagreements(stack: Stack, kr: KerasResult, traces, dynamic: bool = False) -> list[str]:
    if len(traces) != 1:
        return [f"the checker found {len(traces)} models; the source builds one"]
    got = [layer for layer in traces[0].layers if layer.name != "Input"]
    problems = []
    if kr.failed_at is not None and kr.failed_at >= len(stack.layers):
        return [f"Keras failed outside any layer (a generator bug?): {kr.error}"]
    upto = len(stack.layers) if kr.failed_at is None else kr.failed_at + 1
    if len(got) < upto:
        problems.append(f"the checker traced {len(got)} layers; Keras reached {upto}")
    for i in range(min(upto, len(got))):
        g, name, line = got[i], kr.names[i], kr.lines[i]
        where = f"layer {i} ({name}, line {line})"
        if (g.name, g.line) != (name, line):
            problems.append(f"{where}: the checker has {g.name} at line {g.line}")
            break
        if i == kr.failed_at:
            if g.error is None:
                problems.append(f"{where}: Keras refuses it ({kr.error}); the checker says "
                                f"{show_shape(g.output)}")
                continue
            for needle, codes in CODES_BY_MESSAGE:
                if needle in kr.error and g.error.code not in codes:
                    problems.append(f"{where}: code {g.error.code} for Keras's {kr.error!r}; "
                                    f"expected one of {sorted(codes)}")
                    break
        elif g.error is not None:
            problems.append(f"{where}: the checker reports {g.error.code} "
                            f"({g.error.message}); Keras builds it as {kr.shapes[i]}")
            break
        elif kr.shapes[i] is not None and not _same_shape(g.output, kr.shapes[i], dynamic):
            problems.append(f"{where}: the checker says {show_shape(g.output)}"
                            f" ({g.output!r}); Keras {kr.shapes[i]}")
    if kr.failed_at is None and len(got) > len(stack.layers):
        problems.append(f"the checker traced {len(got)} layers; the model has "
                        f"{len(stack.layers)}")
    return problems


def check_one(stack: Stack, dynamic: bool = False) -> tuple[KerasResult, list[str], str]:
    kr = build_in_keras(stack)
    if not stack.layers:  # a hand-written source: as many layers as Keras constructed
        stack.layers = [LayerDraw(name, [], None, line)
                        for name, line in zip(kr.names, kr.lines, strict=True)]
    try:
        traces = trace_source(stack.source, DEFAULT_FORMAT)
    except Exception:  # noqa: BLE001 - a crash is a disagreement like any other
        return kr, [f"trace_source raised:\n{traceback.format_exc()}"], "  (crashed)"
    return kr, disagreements(stack, kr, traces, dynamic), _show_trace(traces)


def report(stack: Stack, kr: KerasResult, problems: list[str], trace_text: str) -> str:
    return "\n".join([
        "The shape checker disagrees with Keras 3 on this source:",
        _numbered(stack.source),
        "Disagreements:", *(f"  - {p}" for p in problems),
        "Checker (trace_source, channels_last):", trace_text,
        "Keras 3:", kr.show(),
    ])


# ---------------------------------------------------------------------------------------------
# The tests


@pytest.fixture(scope="module", autouse=True)
def _channels_last():
    before = keras.config.image_data_format()
    keras.config.set_image_data_format(DEFAULT_FORMAT)
    yield
    keras.config.set_image_data_format(before)


# KERASFIX_ORACLE_SHRINK=0 reports the first disagreement of each family as drawn, without
# shrinking it (shrinking rebuilds Keras models: minutes when many families disagree).
SHRINK = os.environ.get("KERASFIX_ORACLE_SHRINK", "1") != "0"
SETTINGS = {"deadline": None, "derandomize": True, "database": None,
            "phases": list(Phase) if SHRINK else [Phase.explicit, Phase.generate],
            "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}


@pytest.mark.parametrize("family", FAMILY_NAMES)
@settings(max_examples=PER_FAMILY, **SETTINGS)
@given(data=st.data())
def test_checker_agrees_with_keras(family, data):
    """PER_FAMILY stacks containing `family` among their first three layers (the rest random)."""
    stack = data.draw(stacks(focus=family), label="stack")
    kr, problems, trace_text = check_one(stack)
    event("Keras refuses" if kr.failed_at is not None else "Keras builds")
    event(f"style: {stack.style}")
    if problems:
        pytest.fail(report(stack, kr, problems, trace_text), pytrace=False)


@pytest.mark.parametrize("family", FAMILY_NAMES)
@settings(max_examples=DYNAMIC_PER_FAMILY, **SETTINGS)
@given(data=st.data())
def test_checker_agrees_with_keras_on_dynamic_dims(family, data):
    """Inputs with None dims (`Input(shape=(None, None, 3))`): None propagates, Keras checks
    nothing it cannot know (a Reshape of a dynamic input, cropping a None axis), and refuses a
    kernel over an undefined channel axis. The checker must agree; UNKNOWN is accepted where
    Keras has None."""
    stack = data.draw(stacks(dynamic=True, focus=family), label="stack")
    kr, problems, trace_text = check_one(stack, dynamic=True)
    event("Keras refuses" if kr.failed_at is not None else "Keras builds")
    if problems:
        pytest.fail(report(stack, kr, problems, trace_text), pytrace=False)


def test_draws_exercise_both_verdicts():
    """Both verdicts are exercised: of VERDICT_PER_FAMILY stacks per family, drawn like the
    oracle draws them, at least 20% fail in Keras and at least 20% build; every required family
    is drawn (and the generator covers more)."""
    verdicts: list[bool] = []
    families: collections.Counter = collections.Counter()
    drawn: list[set[str]] = []
    for family in FAMILY_NAMES:
        @settings(max_examples=VERDICT_PER_FAMILY, **{**SETTINGS, "phases": [Phase.generate]})
        @given(stacks(focus=family))
        def draw(stack):
            verdicts.append(build_in_keras(stack).failed_at is not None)
            drawn.append({layer.name for layer in stack.layers})

        start = len(drawn)
        draw()
        assert all(family in names for names in drawn[start:]), f"focus {family} not drawn"
        families.update(name for names in drawn[start:] for name in names)
    refused = sum(verdicts)
    share = refused / len(verdicts)
    summary = (f"{refused} of {len(verdicts)} drawn stacks fail in Keras ({share:.0%}), "
               f"{len(verdicts) - refused} build; {len(families)} layer classes drawn")
    print(summary)
    assert 0.2 <= share <= 0.8, summary
    missing = REQUIRED_FAMILIES - set(families)
    assert not missing, f"never drawn in {len(verdicts)} stacks: {sorted(missing)}"
    assert len(families) >= 12


def _sequential(input_shape, *calls, imports="import keras\nfrom keras import layers\n"):
    body = "".join(f"    {call},\n" for call in calls)
    return f"{imports}\nmodel = keras.Sequential([\n    keras.Input(shape={input_shape}),\n{body}])\n"


_ZERO = "layers.Conv1DTranspose(3, 2, padding='same', output_padding=0)"  # (1, 2) -> (0, 3)

# Corners the random stacks rarely reach, each checked against Keras like a drawn stack.
EDGE_CASES = {
    # A 'same' transpose with an even kernel and output_padding=0 makes a zero-size axis, and
    # Keras builds it; 'same' windows keep it at 0, 'valid' ones and cropping refuse it.
    "zero-size axis kept": _sequential((1, 2), _ZERO, "layers.Conv1D(2, 1, padding='same')",
                                       "layers.MaxPooling1D(2, padding='same')",
                                       "layers.Reshape((3, -1))", "layers.Flatten()",
                                       "layers.Dense(2)"),
    "zero-size axis, valid conv": _sequential((1, 2), _ZERO, "layers.Conv1D(2, 1)"),
    "zero-size axis, valid pool": _sequential((1, 2), _ZERO, "layers.MaxPooling1D(1)"),
    "zero-size axis, cropping 0": _sequential((1, 2), _ZERO, "layers.Cropping1D(0)"),
    "zero-size axis, transpose grows it": _sequential(
        (1, 2), _ZERO, "layers.Conv1DTranspose(2, 3, strides=2)"),
    # (0 - 1) * 3 + 1 + 0 = -2: "Negative dimensions are not allowed"
    "zero-size axis, transpose makes it negative": _sequential(
        (1, 2), _ZERO, "layers.Conv1DTranspose(2, 1, strides=3, output_padding=0)"),
    # Only Conv/ConvTranspose refuse strides > 1 with dilation_rate > 1 (shape-rules.md §2
    # says "any Conv"): SeparableConv and DepthwiseConv build.
    "separable and depthwise take strides with dilation": _sequential(
        (9, 9, 3), "layers.SeparableConv2D(4, 3, strides=2, dilation_rate=2)",
        "layers.DepthwiseConv2D(2, strides=(1, 2), dilation_rate=(2, 1))"),
    "conv refuses strides with dilation": _sequential(
        (9, 3), "layers.Conv1D(4, 3, strides=2, dilation_rate=2)"),
    "transpose refuses strides with dilation": _sequential(
        (9, 3), "layers.Conv1DTranspose(4, 3, strides=2, dilation_rate=2)"),
    "fixed batch": ("import keras\nfrom keras import layers\n\n"
                    "inputs = keras.Input(shape=(6, 3), batch_size=8)\n"
                    "x = layers.MaxPool1D(2)(inputs)\n"
                    "x = layers.Convolution1DTranspose(2, 2)(x)\n"
                    "model = keras.Model(inputs, x)\n"),
    "aliases": _sequential((9, 9, 3), "layers.MaxPool2D(2)", "layers.AvgPool2D(2, strides=1)",
                           "layers.Convolution2DTranspose(2, 3)",
                           "layers.SeparableConvolution2D(2, 3)", "layers.GlobalAvgPool2D()"),
}


@pytest.mark.parametrize("source", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_checker_agrees_with_keras_on_edge_cases(source):
    stack = Stack((), [], "list", "keras", source)
    kr, problems, trace_text = check_one(stack)
    if problems:
        pytest.fail(report(stack, kr, problems, trace_text), pytrace=False)


@pytest.mark.parametrize("source, failed_at, line", [
    (("import keras\nfrom keras import layers\n\nmodel = keras.Sequential([\n"
      "    keras.Input(shape=(5, 5, 3)),\n    layers.Conv2D(2, 3),\n    layers.Conv2D(2, 4),\n"
      "])\n"), 1, 7),
    (("from keras.models import Sequential\nfrom keras.layers import Conv1D, Dense\n\n"
      "model = Sequential()\nmodel.add(Dense(4, input_shape=(6, 2)))\n"
      "model.add(Conv1D(2, 3, strides=2, dilation_rate=2))\n"), 1, 6),
    (("from tensorflow import keras\nfrom tensorflow.keras import layers\n\n"
      "inputs = keras.Input((4,))\nx = layers.Reshape((3, -1))(inputs)\n"
      "model = keras.Model(inputs, x)\n"), 0, 5),
    (("import keras\n\ninputs = keras.Input((4, 3))\nx = keras.layers.Flatten()(inputs)\n"
      "model = keras.Model(inputs, x)\n"), None, None),
])
def test_keras_half_locates_the_refusing_layer(source, failed_at, line):
    """The Keras half itself: a build failure, a constructor failure, a functional failure and
    a model that builds."""
    kr = build_in_keras(Stack((), [], "list", "keras", source))
    assert kr.failed_at == failed_at, kr.show()
    if failed_at is None:
        assert kr.shapes == [(None, 12)], kr.show()
    else:
        assert kr.lines[failed_at] == line, kr.show()
