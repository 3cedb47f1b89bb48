"""Calls in a model script: Keras layers, inputs, models, merges and data-format settings;
NumPy array shapes; builtins; the user's own helper functions."""

from __future__ import annotations

import ast
from dataclasses import replace

from kerasfix.names import canonical
from kerasfix.shapes import evaluator as ev
from kerasfix.shapes import layers as formulas
from kerasfix.shapes.api import LayerTrace
from kerasfix.shapes.dims import UNKNOWN, UNKNOWN_RANK, is_shape
from kerasfix.shapes.errors import ShapeError
from kerasfix.shapes.interpreter import MAX_DEPTH
from kerasfix.shapes.normalize import input_shape_of, layer_spec
from kerasfix.shapes.numpy_calls import NUMPY, array_attribute, array_method
from kerasfix.shapes.spec import LayerSpec
from kerasfix.shapes.values import Array, Function, Layer, Record, Ref, Sequential, Tensor

MERGE_FUNCTIONS = {"concatenate": "Concatenate", "add": "Add", "subtract": "Subtract",
                   "multiply": "Multiply", "average": "Average", "maximum": "Maximum",
                   "minimum": "Minimum", "dot": "Dot"}
KERAS1_MERGE_MODES = {"concat": "Concatenate", "sum": "Add", "mul": "Multiply",
                      "ave": "Average", "max": "Maximum", "dot": "Dot"}
FORMAT_GETTERS = {"image_data_format", "image_dim_ordering"}
FORMAT_SETTERS = {"set_image_data_format", "set_image_dim_ordering"}
DIM_ORDERINGS = {"th": "channels_first", "tf": "channels_last"}
INPUT_KEYWORDS = ("input_shape", "batch_input_shape", "input_dim", "input_length", "shape",
                  "batch_shape")


class Calls:
    def __init__(self, interpreter, facts):
        self.it = interpreter
        self.rules, self.evidence = facts.rules, facts.evidence

    # -- dispatch --------------------------------------------------------------------------

    def call(self, node: ast.Call, env: dict):
        args = self.it.sequence(node.args, env)
        kwargs = self._kwargs(node, env)
        if args is UNKNOWN or kwargs is UNKNOWN:
            self._havoc_args(node, env)
            return UNKNOWN
        if isinstance(node.func, ast.Attribute):
            target = self.it.eval(node.func.value, env)
            handled = self._method(target, node.func.attr, args, kwargs, node)
            if handled is not NotImplemented:
                return handled
        func = self.it.eval(node.func, env)
        return self._invoke(func, args, kwargs, node, env)

    def _invoke(self, func, args, kwargs, node, env):
        if isinstance(func, Ref):
            return self._ref_call(func, args, kwargs, node, env)
        if isinstance(func, Function):
            if self.it.depth >= MAX_DEPTH:
                self._havoc_args(node, env)
                return UNKNOWN
            return self.it.inline(func, args, kwargs)
        if isinstance(func, Layer):
            return self.apply(func.spec, args[0] if args else kwargs.get("inputs", UNKNOWN))
        if isinstance(func, Sequential):
            return self._replay(func, args[0] if args else UNKNOWN)
        if callable(func) and func in ev.BUILTINS.values():
            try:
                return func(*args, **kwargs)
            except (TypeError, ValueError):
                return UNKNOWN
        self._havoc_args(node, env)
        return UNKNOWN

    def _kwargs(self, node: ast.Call, env: dict):
        out = {}
        for keyword in node.keywords:
            value = self.it.eval(keyword.value, env)
            if keyword.arg is None:
                if not isinstance(value, dict):
                    return UNKNOWN
                out.update(value)
            else:
                out[keyword.arg] = value
        return out

    def _havoc_args(self, node: ast.Call, env: dict) -> None:
        """An unknown call may change the models it is given."""
        for arg in list(node.args) + [k.value for k in node.keywords]:
            if isinstance(arg, ast.Name) and isinstance(env.get(arg.id), Sequential):
                env[arg.id].output = UNKNOWN_RANK

    def _method(self, target, name: str, args, kwargs, node):
        if isinstance(target, Sequential) and name == "add":
            self.add(target, args[0] if args else kwargs.get("layer", UNKNOWN), node)
            return None
        if isinstance(target, Sequential) and name in ("compile", "summary", "build"):
            return None
        if isinstance(target, Array):
            return array_method(target, name, args, kwargs)
        return NotImplemented

    def attribute(self, value, name: str):
        if isinstance(value, Ref):
            return Ref(f"{value.qualname}.{name}")
        if isinstance(value, Array):
            return array_attribute(value, name)
        if isinstance(value, Tensor) and name == "shape" and is_shape(value.shape):
            return value.shape
        if isinstance(value, Sequential) and name == "output_shape" and is_shape(value.output):
            return value.output
        return UNKNOWN

    def star_names(self, module: str):
        found = canonical(module)
        if found is not None and found.qualname.startswith("keras.layers"):
            return self.rules.layer_names
        return ()

    # -- Keras -----------------------------------------------------------------------------

    def _ref_call(self, func: Ref, args, kwargs, node, env):
        if func.qualname.startswith("numpy."):
            handler = NUMPY.get(func.qualname[len("numpy."):])
            return handler(args, kwargs) if handler else UNKNOWN
        found = canonical(func.qualname)
        if found is None:
            self._havoc_args(node, env)
            return UNKNOWN
        parts = found.qualname.split(".")
        last = parts[-1]
        if last in FORMAT_GETTERS:
            fmt = self.it.default_format
            return fmt if last == "image_data_format" else ("th" if "first" in fmt else "tf")
        if last in FORMAT_SETTERS:
            return self._set_format(args)
        if found.qualname in ("keras.Input", "keras.layers.Input", "keras.engine.topology.Input"):
            return self._input(args, kwargs, node)
        if last == "Sequential":
            return self._sequential(args, kwargs, node)
        if last in ("Model", "Container"):
            return self._model(args, kwargs)
        if len(parts) == 3 and parts[1] == "layers":
            return self._layer_call(last, args, kwargs, node, found.flavour)
        return UNKNOWN

    def _set_format(self, args):
        if args and isinstance(args[0], str):
            self.it.default_format = DIM_ORDERINGS.get(args[0], args[0])
        return None

    def _layer_call(self, name, args, kwargs, node, flavour):
        if name in MERGE_FUNCTIONS:
            spec = LayerSpec(MERGE_FUNCTIONS[name], dict(kwargs), node.lineno, node.col_offset,
                             default_format=self.it.default_format)
            return self.apply(spec, args[0] if args else kwargs.get("inputs", UNKNOWN))
        if name == "merge":
            return self._keras1_merge(args, kwargs, node)
        if not name[:1].isupper():
            return UNKNOWN
        spec = layer_spec(name, args, kwargs, node.lineno, node.col_offset, self.rules,
                          self.evidence, flavour)
        # Keras resolves data_format=None when the layer is made, not when it is called.
        at = next(((k.value.lineno, k.value.col_offset) for k in node.keywords
                   if k.arg in INPUT_KEYWORDS), ())
        return Layer(replace(spec, default_format=self.it.default_format, input_at=at))

    def _keras1_merge(self, args, kwargs, node):
        mode = kwargs.get("mode", "sum")
        if mode not in KERAS1_MERGE_MODES:
            return UNKNOWN
        extra = {"axis": kwargs.get("concat_axis", -1)} if mode == "concat" else {}
        if mode == "dot":
            extra = {"axes": kwargs.get("dot_axes", -1)}
        spec = LayerSpec(KERAS1_MERGE_MODES[mode], extra, node.lineno, node.col_offset,
                         default_format=self.it.default_format)
        return self.apply(spec, args[0] if args else kwargs.get("inputs", UNKNOWN))

    def _input(self, args, kwargs, node):
        shape = kwargs.get("shape", args[0] if args else None)
        batch = kwargs.get("batch_size", args[1] if len(args) > 1 else None)
        if "batch_shape" in kwargs:
            full = kwargs["batch_shape"]
        elif isinstance(shape, (tuple, list)):
            full = (batch,) + tuple(shape)
        elif isinstance(shape, int):
            full = (batch, shape)
        else:
            full = UNKNOWN_RANK
        full = _dims(full)
        trace = self.it.record.new("<functional>", node.lineno, self.it.default_format)
        Record.add(trace, LayerTrace("Input", node.lineno, full, column=node.col_offset))
        return Tensor(full, trace)

    def _sequential(self, args, kwargs, node):
        trace = self.it.record.new("", node.lineno, self.it.default_format)
        model = Sequential(trace)
        self.it.models.append(model)
        layers = args[0] if args else kwargs.get("layers", [])
        if isinstance(layers, (list, tuple)):
            for layer in layers:
                self.add(model, layer, node)
        elif layers is not None:
            model.output = UNKNOWN_RANK
        return model

    def _model(self, args, kwargs):
        outputs = kwargs.get("outputs", kwargs.get("output", args[1] if len(args) > 1 else None))
        first = outputs[0] if isinstance(outputs, (list, tuple)) and outputs else outputs
        return first.trace if isinstance(first, Tensor) and first.trace else UNKNOWN

    def name_model(self, value, name: str) -> None:
        trace = value.trace if isinstance(value, Sequential) else value
        if hasattr(trace, "layers") and trace.name in ("", "<functional>"):
            trace.name = name

    # -- building ----------------------------------------------------------------------------

    def add(self, model: Sequential, layer, node) -> None:
        if isinstance(layer, Tensor):  # model.add(keras.Input(...))
            model.output, model.started = layer.shape, True
            if layer.trace is not None and layer.trace.layers:
                Record.add(model.trace, layer.trace.layers[0])
                self.it.record.traces.remove(layer.trace)
            return
        if isinstance(layer, Sequential):
            result = self._replay(layer, Tensor(model.output, model.trace))
            model.output = result.shape if isinstance(result, Tensor) else UNKNOWN_RANK
            return
        if not isinstance(layer, Layer):
            model.output = UNKNOWN_RANK
            return
        model.layers.append(layer)
        if not model.started:
            self._first_layer(model, layer.spec)
        if layer.spec.name != "InputLayer":
            result = self.apply(layer.spec, Tensor(model.output, model.trace))
            model.output = result.shape if isinstance(result, Tensor) else UNKNOWN_RANK

    def _first_layer(self, model: Sequential, spec: LayerSpec) -> None:
        model.started = True
        if spec.name == "InputLayer":
            kw = spec.kwargs
            shape = kw.get("batch_shape") or kw.get("batch_input_shape")
            inner = kw.get("shape", kw.get("input_shape"))
            found = shape if shape is not None else (
                (None,) + tuple(inner) if isinstance(inner, (tuple, list)) else None)
        else:
            found = input_shape_of(spec, self.rules)
        model.output = _dims(found) if found is not None else UNKNOWN_RANK
        if found is not None:
            line, column = spec.input_at or (spec.line, spec.column)
            Record.add(model.trace, LayerTrace("Input", line, model.output, column=column))

    def _replay(self, model: Sequential, tensor):
        """A Sequential visible in the file used as a layer."""
        if not isinstance(tensor, Tensor):
            return Tensor(UNKNOWN_RANK)
        for layer in model.layers:
            if not isinstance(tensor, Tensor):
                return Tensor(UNKNOWN_RANK)
            tensor = self.apply(layer.spec, tensor)
        return tensor

    def apply(self, spec: LayerSpec, inputs):
        """Call a layer on a tensor (or a list of tensors): the output tensor(s)."""
        tensors = inputs if isinstance(inputs, (list, tuple)) else [inputs]
        if not tensors or not all(isinstance(t, Tensor) for t in tensors):
            return Tensor(UNKNOWN_RANK)
        trace = tensors[0].trace
        shapes = [t.shape for t in tensors]
        shapes_arg = shapes if isinstance(inputs, (list, tuple)) else shapes[:1]
        explicit = spec.kwargs.get("data_format") is not None
        fmt = spec.kwargs["data_format"] if explicit else spec.default_format

        def record(output, error=None):
            Record.add(trace, LayerTrace(spec.name, spec.line, output, error, spec.column, fmt,
                                         explicit))

        if any(not is_shape(s) for s in shapes):
            record(UNKNOWN_RANK)
            return Tensor(UNKNOWN_RANK, trace)
        try:
            out = formulas.output_shape(spec, shapes_arg, spec.default_format)
        except ShapeError as error:
            record(None, error)
            return Tensor(UNKNOWN_RANK, trace)
        record(out)
        if isinstance(out, list):
            return [Tensor(s, trace) for s in out]
        return Tensor(out, trace)


def _dims(shape):
    if not isinstance(shape, (tuple, list)):
        return UNKNOWN_RANK
    return tuple(d if d is None or (isinstance(d, int) and not isinstance(d, bool)) else UNKNOWN
                 for d in shape)

