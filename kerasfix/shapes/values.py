"""The abstract values the shape interpreter computes with.

Plain Python constants (int, float, str, bool, None, tuples, lists, dicts) stand for
themselves; `dims.UNKNOWN` stands for anything the analysis cannot know. The classes below
model the few objects a model script builds: NumPy arrays (only their shape), Keras layers,
tensors and models, and the user's own functions.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from kerasfix.shapes.api import LayerTrace, ModelTrace
from kerasfix.shapes.spec import LayerSpec


@dataclass
class Ref:
    """A module or attribute reached through imports: `np.zeros`, `keras.layers.Conv2D`."""

    qualname: str


@dataclass
class Array:
    """A NumPy array whose shape is known (from np.zeros, reshape, ...)."""

    shape: tuple


@dataclass
class Layer:
    """A Keras layer object, before or after it is called."""

    spec: LayerSpec


@dataclass
class Tensor:
    """A symbolic tensor of a functional model; `trace` is the model graph it belongs to."""

    shape: object  # a shape tuple, or dims.UNKNOWN_RANK
    trace: ModelTrace | None = None


@dataclass
class Sequential:
    trace: ModelTrace
    output: object = None  # current output shape; None until the input is known
    layers: list = field(default_factory=list)  # Layer objects added, to replay it as a layer
    started: bool = False  # a first layer was added (its input spec decides the input)


@dataclass
class Function:
    node: ast.FunctionDef
    defaults: dict  # parameter name -> evaluated default value


@dataclass
class Record:
    """The traces of every model seen, in the order they were started."""

    traces: list[ModelTrace] = field(default_factory=list)

    def new(self, name: str, line: int, data_format: str) -> ModelTrace:
        trace = ModelTrace(name=name, line=line, data_format=data_format)
        self.traces.append(trace)
        return trace

    @staticmethod
    def add(trace: ModelTrace | None, layer: LayerTrace) -> None:
        if trace is not None:
            trace.layers.append(layer)
