"""Abstract shapes. A dimension is a known int, `None` (dynamic, as the user declared it:
the batch, or `Input(shape=(None, 8))`), or UNKNOWN (the analysis lost track). Only facts
(ints, declared None) may ever produce a report; UNKNOWN never does."""

from __future__ import annotations


class _Unknown:
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "?"

    def __reduce__(self):
        return (_Unknown, ())


UNKNOWN = _Unknown()  # a dimension, or a whole value, nobody can know statically


class _UnknownRank:
    def __repr__(self) -> str:
        return "(?)"

    def __reduce__(self):
        return (_unknown_rank, ())


UNKNOWN_RANK = _UnknownRank()  # a shape whose very rank is unknown


def _unknown_rank():
    return UNKNOWN_RANK


def known(d) -> bool:
    """An int size (not None, not UNKNOWN)."""
    return isinstance(d, int) and not isinstance(d, bool)


def is_shape(s) -> bool:
    return isinstance(s, tuple)


def show_dim(d) -> str:
    return "?" if d is UNKNOWN else str(d)


def show_shape(s) -> str:
    if not is_shape(s):
        return "(?)"
    inner = ", ".join(show_dim(d) for d in s)
    return f"({inner},)" if len(s) == 1 else f"({inner})"
