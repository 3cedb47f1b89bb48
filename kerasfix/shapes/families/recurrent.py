"""Recurrent layers and the wrappers: SimpleRNN/GRU/LSTM, ConvLSTM1D/2D/3D, Bidirectional,
TimeDistributed.

Keras 3 sources: layers/rnn/{rnn,conv_lstm,bidirectional,time_distributed}.py. With
return_state the result is a list [output, state, ...], as the layer call returns it.
"""

from __future__ import annotations

from functools import partial

from kerasfix.shapes import errors
from kerasfix.shapes.dims import UNKNOWN, UNKNOWN_RANK
from kerasfix.shapes.errors import ShapeError
from kerasfix.shapes.families import _common as c
from kerasfix.shapes.families import conv
from kerasfix.shapes.spec import LayerSpec

STATES = {"SimpleRNN": 1, "GRU": 1, "LSTM": 2, "ConvLSTM1D": 2, "ConvLSTM2D": 2, "ConvLSTM3D": 2}
_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def _sequence_result(batch, steps, state: tuple, n_states: int, return_sequences, return_state):
    """(batch, steps, *state) or (batch, *state), plus the states with return_state."""
    out = (batch, steps, *state) if return_sequences else (batch, *state)
    if not return_state:
        return out
    return [out] + [(batch, *state)] * n_states


def rnn(shape, *, kind, units, n_states, return_sequences=False, return_state=False):
    """SimpleRNN/GRU/LSTM on (batch, steps, features)."""
    if shape is UNKNOWN_RANK:
        shape = (UNKNOWN, UNKNOWN, UNKNOWN)  # the output rank does not depend on it
    else:
        c.check_rank(kind, shape, 3)
        if shape[2] is None:
            raise c.undefined(kind, "features", shape)
    return _sequence_result(shape[0], shape[1], (units,), n_states, return_sequences,
                            return_state)


def conv_lstm(shape, *, kind, rank, filters, w, data_format, return_sequences=False,
              return_state=False):
    """ConvLSTM: the conv arithmetic on every step (batch, steps, *image)."""
    c.check_rank(kind, shape, rank + 3)
    step = (shape[0],) + shape[2:]
    if data_format is UNKNOWN:
        state = c.unknown_after_batch(step)[1:]
    else:
        axes, channel = c.layout(rank, data_format)
        names = c.spatial_names(rank)
        for axis, name in zip(axes, names):
            if step[axis] is None:  # the cell's states are sized from them
                raise c.undefined(kind, name, shape, "ConvLSTM layers only support static input "
                                  "shapes for the spatial dimension")
        if step[channel] is None:
            raise c.undefined(kind, "channels", shape, "The channel dimension of the inputs "
                              "should be defined")
        spatial = conv.spatial_out(kind, step, rank, data_format, w)
        state = conv.assemble(step, rank, data_format, spatial, filters)[1:]
    return _sequence_result(shape[0], shape[1], state, 2, return_sequences, return_state)


def bidirectional(forward, *, merge_mode):
    """Combine the forward layer's result. Keras 3 derives the shape from the forward layer
    only (a backward_layer with other units does not change the symbolic output)."""
    states = []
    if isinstance(forward, list):
        forward, states = forward[0], list(forward[1:])
    if forward is UNKNOWN_RANK:
        return UNKNOWN_RANK
    if merge_mode == "concat":
        last = forward[-1]
        out = forward[:-1] + (last * 2 if c.is_int(last) else last,)
    else:
        out = forward
    outputs = [out, out] if merge_mode is None else [out]
    if states:
        return outputs + states + states
    return outputs if merge_mode is None else out


def time_distributed(shape, inner):
    """Apply `inner` (a shape -> shape function) to every step: (batch, steps, *rest)."""
    if shape is UNKNOWN_RANK:
        return UNKNOWN_RANK
    if len(shape) < 3:
        raise ShapeError(errors.RANK, f"TimeDistributed needs an input of rank 3 or more "
                         f"(batch, steps, ...), got rank {len(shape)}",
                         "`TimeDistributed` Layer should be passed an `input_shape` with at "
                         "least 3 dimensions")
    try:
        out = inner((shape[0],) + shape[2:])
    except ShapeError as e:
        # Keras builds the wrapped layer without its rank check: a step of the wrong rank
        # fails for some layers and builds a meaningless shape for others (pooling). Silence.
        if e.code == errors.RANK:
            return UNKNOWN_RANK
        raise
    if not isinstance(out, tuple):
        return UNKNOWN_RANK  # a list (return_state) fails in Keras; unknown rank stays unknown
    return (out[0], shape[1]) + out[1:]


def _flags(kw: dict):
    seq, state = kw.get("return_sequences", False), kw.get("return_state", False)
    return seq, state, isinstance(seq, bool) and isinstance(state, bool)


def _rnn(layer: LayerSpec, inputs: list, fmt):
    kind, kw = layer.name, layer.kwargs
    units = c.positive(kw.get("units", UNKNOWN), "units", kind,
                       "Received an invalid value for argument `units`, expected a positive "
                       "integer")
    seq, state, ok = _flags(kw)
    if not ok:
        return UNKNOWN_RANK
    n_states = STATES.get(kind, STATES.get(_RNN_ALIASES.get(kind, ""), 1))
    return rnn(inputs[0], kind=kind, units=units, n_states=n_states, return_sequences=seq,
               return_state=state)


def _conv_lstm(rank: int, layer: LayerSpec, inputs: list, fmt):
    kind, kw = layer.name, layer.kwargs
    w = conv.window(kind, rank, kw, ("valid", "same"), True)
    filters = kw.get("filters", UNKNOWN)  # Keras 3 accepts filters=0 here
    seq, state, ok = _flags(kw)
    if not ok:
        return UNKNOWN_RANK
    return conv_lstm(inputs[0], kind=kind, rank=rank,
                     filters=filters if c.is_int(filters) else UNKNOWN, w=w, data_format=fmt,
                     return_sequences=seq, return_state=state)


def _prefixed(wrapper: str, fn, *args):
    """Run the wrapped layer's formula; its error is the wrapper's error."""
    try:
        return fn(*args)
    except ShapeError as e:
        raise ShapeError(e.code, f"{wrapper}: {e.message}", e.runtime) from None


def _bidirectional(layer: LayerSpec, inputs: list, fmt, apply):
    inner, mode = layer.kwargs.get("layer"), layer.kwargs.get("merge_mode", "concat")
    if mode not in _MERGE_MODES:
        if isinstance(mode, str):
            raise c.argument(layer.name, f"merge_mode={mode!r} is not one of {_MERGE_MODES}",
                             "Invalid merge mode")
        return UNKNOWN_RANK
    if not isinstance(inner, LayerSpec) or _RNN_ALIASES.get(inner.name, inner.name) not in STATES:
        return UNKNOWN_RANK
    forward = _prefixed(layer.name, apply, inner, inputs, fmt)
    return bidirectional(forward, merge_mode=mode)


def _time_distributed(layer: LayerSpec, inputs: list, fmt, apply):
    inner = layer.kwargs.get("layer")
    if not isinstance(inner, LayerSpec):
        return UNKNOWN_RANK
    return _prefixed(layer.name, time_distributed, inputs[0],
                     lambda step: apply(inner, [step], fmt))


_RNN_ALIASES = {"CuDNNLSTM": "LSTM", "CuDNNGRU": "GRU"}

TABLE = {
    **{name: _rnn for name in ("SimpleRNN", "GRU", "LSTM")},
    **{f"ConvLSTM{r}D": partial(_conv_lstm, r) for r in (1, 2, 3)},
}

NDIM = {"SimpleRNN": 3, "GRU": 3, "LSTM": 3, **{f"ConvLSTM{r}D": r + 3 for r in (1, 2, 3)}}

# Wrappers also receive `apply(layer, inputs, default_format)` to evaluate the wrapped layer.
WRAPPERS = {"Bidirectional": _bidirectional, "TimeDistributed": _time_distributed}

ALIASES = dict(_RNN_ALIASES)
