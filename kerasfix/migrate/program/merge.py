"""Keras 1 `merge(inputs, mode=...)` and `Merge(mode=...)` -> the Keras 2/3 merge layers
(migration-table.md 2b, K1G01-K1G11). Both were removed in Keras 2.2.

merge([a, b], mode='concat', concat_axis=1)  -> concatenate([a, b], axis=1)
Merge(mode='sum')([a, b])                    -> Add()([a, b])
merge([a, b], mode=lambda t: t[0] - t[1])    -> Lambda(lambda t: t[0] - t[1])([a, b])  (unsafe)
Merge([left, right], mode='concat') in a Sequential: the functional API is needed (manual).
"""

from __future__ import annotations

import libcst as cst

from kerasfix.migrate.program import args as A
from kerasfix.migrate.program.site import Edit, Site

# Keras 1 merge() / Merge positional signatures [K1 engine/topology.py:1208,1622].
MERGE_POSITIONAL = ["inputs", "mode", "concat_axis", "dot_axes", "output_shape",
                    "output_mask", "arguments", "name"]
CLASS_POSITIONAL = ["layers", "mode", "concat_axis", "dot_axes", "output_shape",
                    "output_mask", "arguments", "node_indices", "tensor_indices", "name"]


def _bound(call: cst.Call, positional: list[str]) -> dict[str, cst.Arg] | None:
    """Argument name -> Arg by the Keras 1 signature; None with *args/**kwargs."""
    if A.has_star(call):
        return None
    out = {}
    for i, arg in enumerate(call.args):
        name = arg.keyword.value if arg.keyword is not None else (
            positional[i] if i < len(positional) else None)
        if name is None:
            return None
        out[name] = arg
    return out


def _target(site: Site, rule, bound: dict) -> tuple[str, dict, dict, str] | str:
    """(layer name, the arguments kept: Keras 1 name -> Keras 3 keyword, keywords added as
    code, fix) or a reason it is manual."""
    modes = rule.data["modes"]
    mode_arg = bound.get("mode")
    mode = "sum" if mode_arg is None else site.value(mode_arg.value)
    if mode_arg is not None and _callable(site, mode_arg.value):
        return "lambda"
    if not isinstance(mode, str) or mode not in modes:
        return f"`mode={site.code(mode_arg.value) if mode_arg else mode}` is not a literal mode"
    keep, extra, fix = {"name": "name"}, {}, "safe"
    if mode == "concat":
        keep["concat_axis"] = "axis"  # both default to -1
    if mode in ("dot", "cos"):
        keep["dot_axes"] = "axes"
        if "dot_axes" not in bound:
            extra["axes"] = "-1"  # Keras 1's default; `Dot` has none
    if mode == "cos":
        extra["normalize"], fix = "True", "unsafe"
    return modes[mode], keep, extra, fix


def _rebuild(call: cst.Call, func: str, bound: dict, keep: dict, extra: dict) -> cst.Call:
    """`func(...)` from the call's own arguments (commas and comments kept): those in `keep`
    (Keras 1 name -> Keras 3 keyword; None: the positional one, first), then `extra`."""
    args = []
    for name, arg in bound.items():
        if name not in keep:
            continue
        if keep[name] is None:
            args.insert(0, arg.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT))
        else:
            args.append(arg.with_changes(keyword=cst.Name(keep[name]), equal=arg.equal
                                         if arg.keyword is not None else A.TIGHT))
    new = A.with_args(call.with_changes(func=cst.parse_expression(func)), args)
    added = [cst.Arg(value=cst.parse_expression(v), keyword=cst.Name(k), equal=A.TIGHT)
             for k, v in extra.items()]
    return A.append_args(new, added) if added else new


# Which inbound node of a shared layer to merge: the functional API says it by calling the
# layer on the tensors themselves, so there is nothing to translate these into.
def _callable(site: Site, node: cst.BaseExpression) -> bool:
    """A lambda, or a name the file defines with `def` (a variable may hold a mode string)."""
    import ast

    if isinstance(node, cst.Lambda):
        return True
    return isinstance(node, cst.Name) and any(
        isinstance(n, ast.FunctionDef) and n.name == node.value for n in site.facts.nodes)


_UNSUPPORTED = ("node_indices", "tensor_indices")


def merge_function(site: Site, rule) -> Edit | None:
    call = site.node
    bound = _bound(call, MERGE_POSITIONAL)
    if bound is None or "inputs" not in bound:
        return Edit("`merge(...)` was removed in Keras 2.2: call the merge layer for its mode "
                    "(`concatenate`, `add`, `multiply`, `average`, `maximum`, `dot`)",
                    help=rule.see or None)
    found = _target(site, rule, bound)
    if found == "lambda":
        return _as_lambda(site, bound, "merge")
    if isinstance(found, str):
        return Edit(f"`merge(...)` was removed in Keras 2.2 and {found}: rewrite it by hand "
                    "with a merge layer or `Lambda`")
    function, keep, extra, fix = found
    name = site.name_for(f"keras.layers.{function.lower()}")
    new = _rebuild(call, name, bound, dict(keep, inputs=None), extra)
    _forget(site)
    note = " (Keras 1 added an axis after a cosine merge: check the shapes)" if fix == "unsafe" \
        else ""
    return Edit(f"`merge(..., mode=...)` was removed in Keras 2.2: `{function.lower()}(...)`"
                f"{note}", new, fix=fix)


def _as_lambda(site: Site, bound: dict, what: str) -> Edit:
    """A callable mode: Keras 1 called it on the list of inputs, as Lambda does."""
    keep = {"mode": None, "output_shape": "output_shape", "output_mask": "mask",
            "arguments": "arguments", "name": "name"}
    new = _rebuild(site.node, site.name_for("keras.layers.Lambda"), bound, keep, {})
    if what == "merge":
        new = cst.Call(func=new, args=[cst.Arg(value=bound["inputs"].value)])
    _forget(site)
    return Edit(f"`{what}` with a callable mode was removed in Keras 2.2: a `Lambda` layer on "
                "the list of inputs computes the same; check `output_shape`", new, fix="unsafe")


def merge_class(site: Site, rule) -> Edit | None:
    call = site.node
    bound = _bound(call, CLASS_POSITIONAL)
    layers = (bound or {}).get("layers")
    if layers is not None and not (isinstance(layers.value, cst.Name)
                                   and layers.value.value == "None"):  # `layers=None`: tensors
        return Edit("`Merge([model_a, model_b], ...)` (a Keras 1 Sequential merge) was removed "
                    "in Keras 2.2: build the model with the functional API: call each branch on "
                    "its own `keras.Input` and merge the outputs, e.g. `a, b = keras.Input(...), "
                    "keras.Input(...); model = keras.Model([a, b], concatenate([left(a), "
                    "right(b)]))`, and pass a list of inputs to fit (a Sequential that was "
                    "never called has no `.input` in Keras 3)", help=rule.see or None)
    if bound is None:
        return Edit("`Merge(...)` was removed in Keras 2.2: use the merge layer for its mode")
    found = _target(site, rule, bound)
    if found == "lambda":
        return _as_lambda(site, bound, "Merge")
    blocked = [k for k in _UNSUPPORTED if k in bound]
    if isinstance(found, str) or blocked:
        why = found if isinstance(found, str) else f"`{blocked[0]}` has no Keras 3 equivalent"
        return Edit(f"`Merge(...)` was removed in Keras 2.2 and {why}: rewrite it by hand")
    function, keep, extra, fix = found
    new = _rebuild(call, site.name_for(f"keras.layers.{function}"), bound, keep, extra)
    _forget(site)
    return Edit(f"`Merge(mode=...)` was removed in Keras 2.2: `{function}(...)`", new, fix=fix)


def _forget(site: Site) -> None:
    if site.dotted and "." not in site.dotted:
        site.maybe_unused(site.dotted)
