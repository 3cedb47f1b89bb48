"""Keras 3 layers check their sizes with `isinstance(x, int)`, which a NumPy integer fails:
`nb_classes = np.max(y_train) + 1; Dense(nb_classes)` (the Keras 1 reuters example) raises
"invalid value for `units`". Keras 1 and 2 took it. `int(...)` around it is exact."""

from __future__ import annotations

import ast

import libcst as cst

from kerasfix.migrate.program import args as A
from kerasfix.migrate.program.site import Edit, Site
from kerasfix.names import dotted_name

_ASSIGNED: dict = {}  # id(nodes) -> (nodes, {name: [values]})


def _assignments(nodes) -> dict:
    hit = _ASSIGNED.get(id(nodes))
    if hit is None or hit[0] is not nodes:
        found: dict = {}
        for node in nodes:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found.setdefault(target.id, []).append(node.value)
        _ASSIGNED.clear()
        hit = _ASSIGNED[id(nodes)] = (nodes, found)
    return hit[1]


def _numpy_valued(expr: ast.expr) -> bool:
    """An expression whose value comes out of a NumPy call (`np.max(y) + 1`)."""
    if isinstance(expr, ast.Call) and dotted_name(expr.func) in ("int", "len"):
        return False
    if any(isinstance(n, ast.Attribute) and n.attr in ("shape", "size", "ndim")
           for n in ast.walk(expr)):
        return False  # `x.shape[0]` is a Python int already
    return any(isinstance(n, ast.Call) and (dotted_name(n.func) or "").split(".")[0]
               in ("np", "numpy") for n in ast.walk(expr))


def _numpy_name(name: str, nodes) -> bool:
    values = _assignments(nodes).get(name, [])
    return len(values) == 1 and _numpy_valued(values[0])


def precheck(call: ast.Call, nodes) -> bool:
    args = call.args[:2] + [k.value for k in call.keywords]
    return any(isinstance(a, ast.Name) and _numpy_name(a.id, nodes) for a in args)


def integer_sizes(site: Site, rule) -> Edit | None:
    call = site.node
    sizes = rule.data["sizes"].get(site.qualname.rpartition(".")[2], [])
    wrapped, names = [], []
    for i, arg in enumerate(call.args):
        name = arg.keyword.value if arg.keyword is not None else (
            sizes[i] if i < len(sizes) and not arg.star else None)
        value = arg.value
        if name in sizes and isinstance(value, cst.Name) and _numpy_name(
                value.value, site.facts.nodes):
            arg = arg.with_changes(value=cst.parse_expression(f"int({value.value})"))
            names.append(f"`{name}={value.value}`")
        wrapped.append(arg)
    if not names:
        return None
    return Edit(f"{', '.join(names)} holds a NumPy integer (assigned from a NumPy call): "
                f"Keras 3 accepts only a Python `int` there", A.with_args(call, wrapped))
