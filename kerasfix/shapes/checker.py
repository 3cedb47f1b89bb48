"""KF5xx findings from the model traces, under the data-format policy of shape-rules.md 11.

Nothing in a file may say which data format Keras will use (it is in the user's keras.json),
so every model is traced twice, with channels_last and with channels_first as the default.
A failure under both is certain. A failure only under channels_last, the Keras default, is
reported and says so. A failure only under channels_first is not reported.
"""

from __future__ import annotations

import ast

from kerasfix.diagnostics import Finding, Span
from kerasfix.shapes import errors
from kerasfix.shapes.api import LayerTrace, ModelTrace
from kerasfix.shapes.dims import is_shape, show_shape
from kerasfix.shapes.interpreter import Interpreter, facts_for

HINTS = {
    errors.NEGATIVE: "use padding='same', a larger input, or fewer pooling/stride stages",
    errors.ZERO: "use padding='same', a larger input, or fewer pooling/stride stages",
    errors.CROPPING: "crop less than the input size on that axis",
    errors.MERGE: "make the branches agree: crop or pad one (Cropping2D / ZeroPadding2D), or "
                  "use padding='same' so both keep the same size",
    errors.RESHAPE: "the target shape must hold exactly as many elements as the input",
    errors.RANK: "check the previous layer's output rank (Flatten, Reshape, "
                 "return_sequences=True, TimeDistributed)",
    errors.UNDEFINED: "declare that dimension in the input shape",
    errors.ARGUMENT: "change the argument as the message says",
}
TRAIL = 8  # layers of context shown in a finding's trace


def check_tree(tree: ast.Module, data_format: str = "") -> list[Finding]:
    """`data_format`: the one the user declared (config); "" traces both."""
    facts = facts_for(tree)
    if data_format:  # known: a failure under it is certain, and nothing else is reported
        traces = Interpreter(facts, data_format).run(tree)
        found = {(layer.line, layer.error.code): (trace, layer)
                 for trace, layer in _failures(traces)}
        cf = _channels_first_inputs(traces) if data_format == "channels_last" else []
        return [_finding(t, layer, dependent=False) for t, layer in found.values()] + cf
    last = Interpreter(facts, "channels_last").run(tree)
    first = Interpreter(facts, "channels_first").run(tree)
    # A model (known by the line that starts it) that fails anywhere under channels_first too
    # fails whatever keras.json says; one that builds there only fails by default.
    failing_first = {trace.line for trace, _ in _failures(first)}
    findings = []
    seen = set()
    for trace, layer in _failures(last):
        key = (layer.line, layer.error.code)
        if key not in seen:
            seen.add(key)
            findings.append(_finding(trace, layer, dependent=trace.line not in failing_first))
    return findings + _channels_first_inputs(last)


def _failures(traces: list[ModelTrace]):
    for trace in traces:
        for layer in trace.layers:
            if layer.error is not None:
                yield trace, layer


def _finding(trace: ModelTrace, layer: LayerTrace, dependent: bool) -> Finding:
    error = layer.error
    message = f"`{layer.name}` cannot be built: {error.message}"
    if dependent:
        message += " (fails under channels_last, the Keras default; builds if "
        message += "image_data_format is channels_first)"
    if error.runtime:
        message += f". At build time Keras 3 raises: {error.runtime}"
    hint = HINTS.get(error.code, "")
    if dependent:
        hint += "; or check the data format: this input looks channels_first"
    help_text = f"trace: {_trail(trace, layer)}" + (f"; {hint}" if hint else "")
    span = Span(layer.line, layer.column + 1, layer.line, layer.column + 1 + len(layer.name))
    return Finding(span, error.code, message, "error", None, help_text)


def _trail(trace: ModelTrace, failed: LayerTrace) -> str:
    steps = []
    for layer in trace.layers:
        if layer is failed:
            steps.append(f"{layer.name} x")
            break
        shape = show_shape(layer.output[1:]) if is_shape(layer.output) else "?"
        steps.append(f"{layer.name} {shape}")
    shown = steps[-TRAIL:]
    return ("... -> " if len(steps) > TRAIL else "") + " -> ".join(shown)


IMAGE_2D = ("Conv2D", "Convolution2D", "SeparableConv2D", "DepthwiseConv2D", "MaxPooling2D",
            "AveragePooling2D", "MaxPool2D", "AvgPool2D", "Conv2DTranspose", "ZeroPadding2D",
            "Cropping2D", "UpSampling2D")


def _channels_first_inputs(traces: list[ModelTrace]) -> list[Finding]:
    """KF503: `input_shape=(3, 150, 150)` fed to channels_last image layers by default."""
    out = []
    for trace in traces:
        if len(trace.layers) < 2 or trace.layers[0].name != "Input":
            continue
        head, first = trace.layers[0], trace.layers[1]
        shape = head.output
        if not (is_shape(shape) and len(shape) == 4 and first.name in IMAGE_2D):
            continue
        if first.explicit_format or first.data_format != "channels_last":
            continue
        c, h, w = shape[1:]
        if c in (1, 3, 4) and isinstance(h, int) and isinstance(w, int) and min(h, w) > 4:
            out.append(_channels_first_finding(head, (c, h, w)))
    return out


def _channels_first_finding(head: LayerTrace, shape: tuple) -> Finding:
    c, h, w = shape
    message = (f"input shape {shape} looks channels_first ({c} channel(s), {h}x{w} images), but "
               f"the layers here use channels_last, the Keras default: they read {w} as the "
               f"channels and {c} as the height")
    help_text = (f"either feed images as ({h}, {w}, {c}), or pass data_format='channels_first' "
                 f"to every image layer (or call "
                 f"keras.config.set_image_data_format('channels_first') first)")
    span = Span(head.line, head.column + 1, head.line, head.column + 2)
    return Finding(span, errors.CHANNELS_FIRST_INPUT, message, "warning", None, help_text)
