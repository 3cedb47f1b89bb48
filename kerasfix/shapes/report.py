"""`kerasfix shapes FILE`: a `model.summary()` computed statically, as text or JSON."""

from __future__ import annotations

import json

from kerasfix.shapes.api import ModelTrace
from kerasfix.shapes.dims import UNKNOWN, UNKNOWN_RANK, is_shape, show_shape


def _shape_text(output) -> str:
    if isinstance(output, list):
        return ", ".join(_shape_text(o) for o in output)
    if output is UNKNOWN_RANK or not is_shape(output):
        return "unknown"
    return show_shape(output)


def as_text(path: str, traces: list[ModelTrace]) -> str:
    if not traces:
        return f"{path}: no model found\n"
    out = []
    for trace in traces:
        name = trace.name or "<unnamed>"
        out.append(f"{path}:{trace.line}: model `{name}`, default data format "
                   f"{trace.data_format}")
        width = max([len(layer.name) for layer in trace.layers] + [5])
        out.append(f"  {'Layer':{width}}  {'Line':>5}  Output shape")
        for layer in trace.layers:
            if layer.error is not None:
                shown = f"x {layer.error.code} {layer.error.message}"
            else:
                shown = _shape_text(layer.output)
            out.append(f"  {layer.name:{width}}  {layer.line:>5}  {shown}")
        out.append("")
    return "\n".join(out) + "\n"


def _dim_json(d):
    return "?" if d is UNKNOWN else d


def _shape_json(output):
    if isinstance(output, list):
        return [_shape_json(o) for o in output]
    if not is_shape(output):
        return None
    return [_dim_json(d) for d in output]


def as_json(path: str, traces: list[ModelTrace]) -> list[dict]:
    return [{
        "path": path, "model": trace.name, "line": trace.line,
        "data_format": trace.data_format,
        "layers": [{
            "name": layer.name, "line": layer.line, "output": _shape_json(layer.output),
            "error": None if layer.error is None else {
                "code": layer.error.code, "message": layer.error.message,
                "runtime": layer.error.runtime},
        } for layer in trace.layers],
    } for trace in traces]


def render_json(items: list[dict]) -> str:
    return json.dumps(items, indent=2) + "\n"
