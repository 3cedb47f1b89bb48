"""Byte-level pre-filter: skip, before any parse, files no rule can apply to.

A file is parsed only if it imports the public Keras API (`keras`, `tensorflow`,
`tf_keras`; not Keras' own `keras.src`), and analysed only if it also holds a token some rule
is about: a layer name a record handles, a base-layer keyword Keras 3 rejects, or a Keras 1
layer submodule. Everything else is clean by construction, and parsing it would be the whole
cost of a run on a large tree.
"""

from __future__ import annotations

import functools
import re

from kerasfix.migrate.loader import load_rules
from kerasfix.names import LAYER_MODULES

_KERAS_IMPORT = re.compile(
    rb"(?m)^(?:\xef\xbb\xbf)?[ \t]*(?:from|import)[ \t][^\n]*?\b(?:keras|tensorflow|tf_keras)\b"
    rb"(?!\.src\b)")


@functools.lru_cache(maxsize=1)
def _tokens() -> re.Pattern:
    rules = load_rules()
    from kerasfix.migrate.program.loader import load_program_rules

    words = set(rules.by_symbol) | {"merge", "Merge"} | set(load_program_rules().words)
    if rules.base is not None:
        words |= set(rules.base.removed)
    words |= {f"layers.{m}" for m in LAYER_MODULES}
    alternatives = b"|".join(re.escape(w.encode()) for w in sorted(words, key=len, reverse=True))
    return re.compile(rb"\b(?:" + alternatives + rb")\b")


def imports_keras(data: bytes) -> bool:
    """Worth parsing: a file that imports the public Keras API (so a parse error matters)."""
    return b"keras" in data and bool(_KERAS_IMPORT.search(data))


_SUBMODULE_IMPORT = re.compile(
    rb"layers[ \t]+import[ \t(][^\n]*\b(?:" + b"|".join(m.encode() for m in sorted(LAYER_MODULES))
    + rb")\b")


def mentions_rule_token(data: bytes) -> bool:
    """Worth analysing: some rule is about a token in the file (or it imports a Keras 1
    layer submodule by name: `from keras.layers import core`)."""
    return bool(_tokens().search(data)) or bool(_SUBMODULE_IMPORT.search(data))
