"""Keras 1/2 layer submodules (`keras.layers.core`, `keras.layers.recurrent`, ...) do not
exist in Keras 3 (ModuleNotFoundError); every layer is in `keras.layers` (KF151).

Three ways code reaches them, each with its rewrite:
  from keras.layers.core import Dense      -> from keras.layers import Dense
  from keras.layers import recurrent       -> from keras import layers as recurrent
  import keras.layers.core as core         -> import keras.layers as core
and a fully written path in an expression: keras.layers.core.Dense -> keras.layers.Dense.
"""

from __future__ import annotations

import libcst as cst

from kerasfix.migrate.transformer_util import cst_dotted
from kerasfix.names import LAYER_MODULES, ImportTable, canonical, legacy_layer_module

# TensorFlow's internal Keras 2 copy, spelled as the module rules (KF273) spell every import of
# it; kept, the rewritten import would be rewritten again by the next `fix` (not idempotent).
_INTERNAL, _PUBLIC = "tensorflow.python.keras", "tensorflow.keras"


def _public(module: str) -> str:
    if module == _INTERNAL or module.startswith(_INTERNAL + "."):
        return _PUBLIC + module[len(_INTERNAL):]
    return module


def _module(node: cst.ImportFrom) -> str | None:
    if node.relative or node.module is None:
        return None
    return cst_dotted(node.module)


def fix_import_from(node: cst.ImportFrom) -> list[cst.ImportFrom] | None:
    """The statements that replace `node`, or None when it imports nothing legacy."""
    module = _module(node)
    if module is None:
        return None
    target = legacy_layer_module(module)
    if target is not None:
        return [node.with_changes(module=cst.parse_expression(_public(target)))]
    found = canonical(module)
    if found is None or found.qualname != "keras.layers" or isinstance(node.names, cst.ImportStar):
        return None
    # `merge` imported from keras.layers is Keras 1's merge() function, not the Keras 2
    # module keras.layers.merge: leave it to the merge rules.
    legacy = [a for a in node.names if isinstance(a.name, cst.Name)
              and a.name.value in LAYER_MODULES and a.name.value != "merge"]
    if not legacy:
        return None
    keep = [a for a in node.names if a not in legacy]
    out = [_with_aliases(node, keep)] if keep else []
    if keep and _public(module) != module:
        out[0] = out[0].with_changes(module=cst.parse_expression(_public(module)))
    root = _public(module.rpartition(".")[0])
    for alias in legacy:
        local = alias.asname.name.value if alias.asname else alias.name.value
        out.append(cst.ImportFrom(module=cst.parse_expression(root), names=[
            cst.ImportAlias(cst.Name("layers"), asname=cst.AsName(cst.Name(local)))]))
    return out


def legacy_part(node: cst.ImportFrom) -> str:
    """What in this import is a Keras 1 layer submodule, for the message."""
    module = _module(node) or ""
    if legacy_layer_module(module):
        return module
    names = [a.name.value for a in node.names if isinstance(a.name, cst.Name)]
    return ", ".join(f"{module}.{n}" for n in names if n in LAYER_MODULES and n != "merge")


def _with_aliases(node: cst.ImportFrom, aliases: list[cst.ImportAlias]) -> cst.ImportFrom:
    last = node.names[-1].comma
    fixed = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in aliases[:-1]]
    return node.with_changes(names=fixed + [aliases[-1].with_changes(comma=last)])


def fix_import(node: cst.Import) -> cst.Import | None:
    """`import keras.layers.core [as c]` -> `import keras.layers [as c]`."""
    changed = False
    aliases = []
    for alias in node.names:
        name = cst_dotted(alias.name)
        target = legacy_layer_module(name) if name else None
        if target is not None:
            alias = alias.with_changes(name=cst.parse_expression(_public(target)))
            changed = True
        aliases.append(alias)
    return node.with_changes(names=aliases) if changed else None


def fix_path(dotted: str, table: ImportTable) -> str | None:
    """`keras.layers.core.Dense` -> `keras.layers.Dense` when the head is Keras."""
    parts = dotted.split(".")
    for i in range(len(parts) - 2):
        if parts[i] == "layers" and parts[i + 1] in LAYER_MODULES:
            head = table.resolve(".".join(parts[: i + 1]))
            if head is not None and head.qualname == "keras.layers":
                return ".".join(parts[: i + 1] + parts[i + 2 :])
    return None
