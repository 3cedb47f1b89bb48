"""The shape checker's entry points: traces for `kerasfix shapes` and the oracle tests,
findings for `kerasfix check`."""

from __future__ import annotations

from dataclasses import dataclass, field

from kerasfix.shapes.errors import ShapeError


@dataclass
class LayerTrace:
    name: str  # Keras 3 class name ("Conv2D"), "Input" for a model input
    line: int  # line of the layer call in the source (1-based)
    output: object  # output shape (a tuple incl. batch dim, or a list of them), None if failed
    error: ShapeError | None = None  # why Keras would refuse to build this layer
    column: int = 0  # 0-based, of the layer call
    data_format: str = ""  # the layer's data format when it was made (image layers)
    explicit_format: bool = False  # given by `data_format=` / `dim_ordering=` on the layer


@dataclass
class ModelTrace:
    name: str  # the variable the model is bound to ("model"), or "<functional>"
    line: int
    data_format: str  # the default data format this trace was computed under
    layers: list[LayerTrace] = field(default_factory=list)

    @property
    def failed(self) -> LayerTrace | None:
        return next((layer for layer in self.layers if layer.error is not None), None)


def check_source(source: str | bytes) -> list:
    """The KF5xx findings for a source text."""
    import ast

    from kerasfix.shapes.checker import check_tree

    return check_tree(ast.parse(source))


def trace_source(source: str, data_format: str = "channels_last") -> list[ModelTrace]:
    """Every model the source builds, layer by layer, under `data_format` as the default
    (what `keras.config.image_data_format()` returns). Statically: nothing is imported or run."""
    from kerasfix.shapes.interpreter import trace_models

    return trace_models(source, data_format)
