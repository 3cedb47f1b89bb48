"""Keras 1 (and Keras 2 up to 2.2) named the accuracy entries of `history.history` 'acc' and
'val_acc' whatever `metrics=['accuracy']` said; Keras 3 names them after the string given,
'accuracy' / 'val_accuracy', so `history.history['acc']` raises KeyError (K1M17)."""

from __future__ import annotations

import ast

import libcst as cst

from kerasfix.migrate.arguments import replace_literal
from kerasfix.migrate.program.site import Edit, Site
from kerasfix.migrate.transformer_util import cst_dotted


def _compiles_with_accuracy(site: Site) -> bool:
    """Some `compile(..., metrics=[...'accuracy'...])` in the file, and none with 'acc'."""
    found = set()
    for node in site.facts.nodes:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr == "compile":
            for kw in node.keywords:
                if kw.arg == "metrics":
                    found |= {n.value for n in ast.walk(kw.value) if isinstance(n, ast.Constant)}
    return "accuracy" in found and "acc" not in found


def accuracy_keys(site: Site, rule) -> Edit | None:
    sub = site.node
    if not (site.keras1 or site.source == "keras2") or not _compiles_with_accuracy(site):
        return None
    dotted = cst_dotted(sub.value) or ""
    if not dotted.endswith(".history"):
        return None  # `history.history[...]`, `hist.history[...]`: a History's dict only
    index = sub.slice[0].slice.value
    old = index.evaluated_value
    new = rule.data["keys"][old]
    element = sub.slice[0].with_changes(slice=cst.Index(replace_literal(index, new)))
    return Edit(f"Keras 1 called the `metrics=['accuracy']` entry of `history.history` "
                f"'{old}'; Keras 3 calls it '{new}' (KeyError otherwise)",
                sub.with_changes(slice=[element]))
