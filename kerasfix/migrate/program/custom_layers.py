"""Custom layers and models written against the Keras 1/2 API (KF400-KF419): migration-table.md
3i (K3Y).

The class rules see each class definition whose bases are a Keras layer or model (directly,
or through another class of the file). A finding points at the statement that fails at run
time; a fix replaces the class (the transformer's unit for a class hook) with that statement
changed, so every edit of one rule carries the ones before it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import libcst as cst

from kerasfix.migrate.program import args as A
from kerasfix.migrate.program.site import Edit, Site
from kerasfix.migrate.transformer_util import cst_dotted

# Public names whose subclasses are Keras layers or models.
_KERAS_BASES = ("keras.layers.", "keras.Model", "keras.models.Model", "keras.models.Sequential",
                "keras.Sequential", "keras.Layer", "keras.engine.")

# --- which classes are Keras layers --------------------------------------------------------------

_CACHE: list = [None, frozenset()]  # (facts, names): one file at a time


def keras_classes(site: Site) -> frozenset[str]:
    """Names of the file's classes that subclass a Keras layer or model (transitively)."""
    if _CACHE[0] is site.facts:
        return _CACHE[1]
    table = site.facts.table
    classes = [n for n in site.facts.nodes if isinstance(n, ast.ClassDef)]
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for node in classes:
            if node.name in found:
                continue
            for base in node.bases:
                dotted = _ast_dotted(base)
                resolved = table.resolve(dotted) if dotted else None
                if (resolved and resolved.qualname.startswith(_KERAS_BASES)) or dotted in found:
                    found.add(node.name)
                    changed = True
                    break
    _CACHE[:] = [site.facts, frozenset(found)]
    return _CACHE[1]


def _ast_dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def is_keras_class(site: Site) -> bool:
    return isinstance(site.node, cst.ClassDef) and site.facts is not None and \
        site.original.name.value in keras_classes(site)


# --- statements of a class's methods, in the original and the rewritten class --------------------


def statements(original: cst.ClassDef, updated: cst.ClassDef):
    """(path, original statement, rewritten statement) for every simple statement of the
    class's methods (nested blocks included), walked in both trees side by side."""
    for i, (o_fn, u_fn) in enumerate(zip(_body(original), _body(updated))):
        if isinstance(o_fn, cst.FunctionDef) and isinstance(u_fn, cst.FunctionDef):
            yield from _walk(o_fn, u_fn, (i,))


def _body(node) -> list:
    body = getattr(node, "body", None)
    return list(body.body) if isinstance(body, cst.IndentedBlock) else []


def _walk(o_parent, u_parent, path):
    for j, (o, u) in enumerate(zip(_body(o_parent), _body(u_parent))):
        if isinstance(o, cst.SimpleStatementLine) and isinstance(u, cst.SimpleStatementLine):
            if len(o.body) == 1 and len(u.body) == 1:
                yield path + (j,), o.body[0], u.body[0]
        elif type(o) is type(u) and not isinstance(o, (cst.FunctionDef, cst.ClassDef)):
            yield from _walk(o, u, path + (j,))


def replace(node, path: tuple, new_small) -> cst.CSTNode:
    """`node` with the statement at `path` replaced by `new_small` (a small statement), or
    removed (None; an emptied block gets `pass`)."""
    body = _body(node)
    i = path[0]
    if len(path) == 1:
        if new_small is None:
            del body[i]
            if not body:
                body = [cst.SimpleStatementLine([cst.Pass()])]
        else:
            body[i] = body[i].with_changes(body=[new_small])
    else:
        body[i] = replace(body[i], path[1:], new_small)
    return node.with_changes(body=node.body.with_changes(body=body))


def _self_attr(node) -> str | None:
    """`x` for `self.x`."""
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and \
            node.value.value == "self":
        return node.attr.value
    return None


# --- what the class creates and lists as trainable -----------------------------------------------


@dataclass
class Weights:
    creators: dict = field(default_factory=dict)  # attr -> kind of its creation
    initializers: set = field(default_factory=set)  # attrs holding an initializer (self.init)
    listed: dict = field(default_factory=lambda: {"trainable_weights": set(),
                                                  "non_trainable_weights": set()})
    dynamic: bool = False  # a weight list the class builds some other way


def weights(site: Site, cls: cst.ClassDef) -> Weights:
    """Read the class (as rewritten so far): how each `self.x` is created, which attributes
    hold an initializer, which weights the Keras 1 lists name."""
    found = Weights()
    table = site.facts.table
    for _, _, stmt in statements(cls, cls):
        if isinstance(stmt, cst.Assign) and len(stmt.targets) == 1:
            target = _self_attr(stmt.targets[0].target)
            if target in found.listed:
                names = _listed(stmt.value)
                found.dynamic |= names is None
                found.listed[target] |= names or set()
            elif target is not None:
                kind = _creation(stmt.value, table, found.initializers)
                if kind == "initializer":
                    found.initializers.add(target)
                found.creators[target] = kind if target not in found.creators else "several"
        elif isinstance(stmt, cst.AugAssign) and _self_attr(stmt.target) in found.listed:
            names = _listed(stmt.value)
            found.dynamic |= names is None
            found.listed[_self_attr(stmt.target)] |= names or set()
        elif _list_call(stmt) is not None:
            which, call = _list_call(stmt)
            names = _listed(cst.List([cst.Element(a.value) for a in call.args])) \
                if call.func.attr.value == "append" else \
                _listed(call.args[0].value) if len(call.args) == 1 else None
            found.dynamic |= names is None
            found.listed[which] |= names or set()
    return found


def _listed(value) -> set[str] | None:
    """{"W", "b"} for `[self.W, self.b]`; None when it is not such a literal."""
    if not isinstance(value, (cst.List, cst.Tuple)):
        return None
    names = [_self_attr(e.value) for e in value.elements]
    return None if None in names else set(names)


def _list_call(stmt) -> tuple[str, cst.Call] | None:
    """`self.trainable_weights.append(...)` / `.extend(...)`."""
    call = stmt.value if isinstance(stmt, cst.Expr) else None
    if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and \
            call.func.attr.value in ("append", "extend"):
        which = _self_attr(call.func.value)
        if which in ("trainable_weights", "non_trainable_weights"):
            return which, call
    return None


def _creation(value, table, initializers: set) -> str:
    if not isinstance(value, cst.Call):
        return "other"
    func = value.func
    frozen = any(a.keyword is not None and a.keyword.value == "trainable" and
                 isinstance(a.value, cst.Name) and a.value.value == "False" for a in value.args)
    if _self_attr(func) == "add_weight":
        return "frozen" if frozen else "trainable"
    if _self_attr(func) in initializers:
        return "init"
    dotted = cst_dotted(func)
    resolved = table.resolve(dotted) if dotted else None
    name = resolved.qualname if resolved else ""
    if name in ("keras.Variable", "keras.backend.variable", "keras.variables.Variable"):
        return "frozen" if frozen else "trainable"
    last = name.rpartition(".")[2]
    if name.startswith("keras.initializers.") or last == "get" and \
            name.startswith("keras.initializations."):
        return "initializer"  # `initializers.get(x)`, `GlorotUniform()`, `glorot_uniform()`
    if name.startswith("keras.initializations."):
        return "k1-init"  # Keras 1 `initializations.normal(shape)`: a variable
    return "other"


# --- KF400: get_output_shape_for -----------------------------------------------------------------


def get_output_shape_for(site: Site, rule) -> Edit | None:
    """Keras 1 `get_output_shape_for` -> `compute_output_shape` (Keras 2's name): Keras 3 never
    calls the old name. Not when the class already has a `compute_output_shape`."""
    if not is_keras_class(site):
        return None
    methods = {s.name.value: (i, s) for i, s in enumerate(_body(site.node))
               if isinstance(s, cst.FunctionDef)}
    if "get_output_shape_for" not in methods or "compute_output_shape" in methods:
        return None
    i, _ = methods["get_output_shape_for"]
    new = site.node.visit(_RenameShapeMethod())
    at = _body(site.original)[i].name
    return Edit("Keras 1 `get_output_shape_for`: Keras 3 never calls it; the method is "
                "`compute_output_shape`", new, at=at, help="Keras 3: `def compute_output_shape"
                "(self, input_shape):` (and `self.compute_output_shape(...)` where it is called)")


class _RenameShapeMethod(cst.CSTTransformer):
    """The method and its `self.get_output_shape_for` references, in this class only."""

    def __init__(self):
        super().__init__()
        self.depth = 0

    def visit_ClassDef(self, node) -> None:
        self.depth += 1

    def leave_ClassDef(self, original, updated):
        self.depth -= 1
        return updated

    def leave_FunctionDef(self, original, updated):
        if self.depth == 1 and updated.name.value == "get_output_shape_for":
            return updated.with_changes(name=cst.Name("compute_output_shape"))
        return updated

    def leave_Attribute(self, original, updated):
        if self.depth == 1 and _self_attr(updated) == "get_output_shape_for":
            return updated.with_changes(attr=cst.Name("compute_output_shape"))
        return updated


# --- KF401: Keras 1 weight creation with an initializer ------------------------------------------


def weight_creation(site: Site, rule) -> list[Edit] | None:
    """`self.W = self.init(shape, name=...)` (Keras 1: an initializer function made the
    variable, the `trainable_weights` list made it trained) -> `self.add_weight(shape=...,
    initializer=self.init, name=..., trainable=...)`, trainable as the class's lists said.
    Keras 1 initialization functions called directly are reported."""
    if not is_keras_class(site):
        return None
    found = weights(site, site.node)
    edits, cls = [], site.node
    for path, original, stmt in statements(site.original, site.node):
        if not (isinstance(stmt, cst.Assign) and len(stmt.targets) == 1):
            continue
        target = _self_attr(stmt.targets[0].target)
        kind = _creation(stmt.value, site.facts.table, found.initializers)
        if target is None or kind not in ("init", "k1-init"):
            continue
        new = None if kind == "k1-init" or found.dynamic else _add_weight(stmt, target, found)
        if new is None:
            edits.append(Edit(rule.data["message"], at=original, help=rule.data["help"]))
            continue
        cls = replace(cls, path, new)
        edits.append(Edit(rule.data["message"], cls, at=original,
                          help=f"Keras 3: `{site.code(new)}`"))
    return edits or None


def _add_weight(stmt: cst.Assign, target: str, found: Weights) -> cst.Assign | None:
    call = stmt.value
    if A.has_star(call) or len(A.positionals(call)) > 2 or any(
            a.keyword is not None and a.keyword.value not in ("name", "shape")
            for a in call.args):
        return None
    call = A.positional_to_keywords(call, ["shape", "name"])
    initializer = call.func
    call = call.with_changes(func=cst.parse_expression("self.add_weight"))
    args = list(call.args)
    at = 1 if args and args[0].keyword and args[0].keyword.value == "shape" else 0
    args.insert(at, cst.Arg(initializer, keyword=cst.Name("initializer"), equal=A.TIGHT))
    call = A.with_args(call, args)
    if target not in found.listed["trainable_weights"]:
        call = A.add_keyword(call, "trainable", "False")  # Keras 1 trained only what it listed
    return stmt.with_changes(value=call)


# --- KF402: self.trainable_weights = [...] -------------------------------------------------------


def trainable_weights(site: Site, rule) -> list[Edit] | None:
    """`self.trainable_weights = [self.W, ...]` (and `non_trainable_weights`, `+=`,
    `.append`): Keras 3 has no setter (AttributeError; `.append` silently does nothing) and
    tracks what `add_weight` / `keras.Variable` create. The line goes when every weight of the
    class is created that way, trainable as listed; otherwise it is reported."""
    if not is_keras_class(site):
        return None
    found = weights(site, site.node)
    trained = {a for a, k in found.creators.items() if k == "trainable"}
    frozen = {a for a, k in found.creators.items() if k == "frozen"}
    exact = not found.dynamic and found.listed["trainable_weights"] <= trained and \
        trained <= found.listed["trainable_weights"] and \
        found.listed["non_trainable_weights"] <= frozen
    exact = exact and _plain_layer(site)
    edits, cls, removed = [], site.node, {}
    for path, original, stmt in statements(site.original, site.node):
        which = _list_target(stmt)
        if which is None:
            continue
        silent = _list_call(stmt) is not None
        message = (f"`self.{which}.{_list_call(stmt)[1].func.attr.value}(...)` does nothing in "
                   "Keras 3 (the property returns a new list)" if silent else
                   f"`self.{which} = ...`: Keras 3 layers have no setter for it (AttributeError)")
        severity = "warning" if silent else "error"
        if not exact:
            edits.append(Edit(message, at=original, help=rule.data["help"], severity=severity))
            continue
        if len(path) == 2:  # a statement of the method itself goes; in a block, `pass`
            cls = replace(cls, (path[0], path[1] - removed.get(path[0], 0)), None)
            removed[path[0]] = removed.get(path[0], 0) + 1
        else:
            cls = replace(cls, path, cst.Pass())
        edits.append(Edit(message + "; Keras 3 already tracks these weights (created with "
                          "`add_weight` / `keras.Variable`): the line goes", cls, at=original,
                          severity=severity, help="delete the line"))
    return edits or None


def _list_target(stmt) -> str | None:
    if isinstance(stmt, cst.Assign) and len(stmt.targets) == 1:
        which = _self_attr(stmt.targets[0].target)
    elif isinstance(stmt, cst.AugAssign):
        which = _self_attr(stmt.target)
    else:
        return _list_call(stmt)[0] if _list_call(stmt) else None
    return which if which in ("trainable_weights", "non_trainable_weights") else None


def _plain_layer(site: Site) -> bool:
    """Does the class derive from `Layer` / `Model` themselves (no weights of a parent class
    that a Keras 1 list could have left untrained)?"""
    table = site.facts.table
    for base in site.original.bases:
        dotted = cst_dotted(base.value)
        resolved = table.resolve(dotted) if dotted else None
        if resolved is None or resolved.qualname not in (
                "keras.layers.Layer", "keras.Layer", "keras.Model", "keras.models.Model"):
            return False
    return bool(site.original.bases)


# --- KF403: add_weight with positional arguments -------------------------------------------------


def add_weight_positional(site: Site, rule) -> Edit | None:
    """Keras 3 `add_weight(shape, initializer, dtype)` takes at most three positionals and
    refuses a name first. Keras 2.1+ wrote `add_weight(name, shape, dtype, initializer, ...)`,
    Keras 1/2.0 `add_weight(shape, initializer, name, trainable, ...)`: they become keywords
    by the order the first argument shows (a string: a name)."""
    call = site.node
    if not isinstance(call, cst.Call) or A.has_star(call) or not isinstance(call.func,
                                                                              cst.Attribute):
        return None
    positional = A.positionals(call)
    if not positional:
        return None
    first = positional[0].value
    if isinstance(first, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
        order, era = rule.data["keras2"], "Keras 2.1+"
    elif isinstance(first, (cst.Tuple, cst.List)) or len(positional) >= 2 and isinstance(
            positional[1].value, (cst.SimpleString, cst.Call, cst.Attribute)):
        if len(positional) <= 2:
            return None  # (shape, initializer): what Keras 3 reads too
        order, era = rule.data["keras1"], "Keras 1 / 2.0"
    elif len(positional) == 1:
        return None  # a shape, most likely: Keras 3 reads it so
    else:
        return Edit(f"`{site.dotted or 'add_weight'}(...)`: positional arguments whose order "
                    "(Keras 1 shape first, or Keras 2.1 name first) cannot be told",
                    help="pass them by keyword: `add_weight(name=..., shape=..., initializer=...)`")
    if len(positional) > len(order):
        return None
    new = A.positional_to_keywords(call, order)
    return Edit(f"`add_weight(...)` positionals in the {era} order: Keras 3 reads "
                "`shape, initializer, dtype` and refuses a positional name", new)


# --- KF404: Keras 2 node and shape attributes of a layer -----------------------------------------


def layer_attributes(site: Site, rule) -> Edit | None:
    """`layer.output_shape` / `input_shape` (Keras 3 layers have neither; models still do)
    -> `layer.output.shape` / `layer.input.shape` (unsafe: a layer with several inputs or
    outputs has a list there), on receivers known to be layers; `get_output_at` & co.,
    `inbound_nodes`, `outbound_nodes`, `uses_learning_phase`, `state_updates` are reported."""
    node = site.node
    name = node.func.attr.value if isinstance(node, cst.Call) else node.attr.value
    receiver = node.func.value if isinstance(node, cst.Call) else node.value
    if name in rule.data["any_receiver"]:
        return Edit(f"`.{name}`: not in Keras 3", help=rule.data["any_receiver"][name])
    if not _is_layer(site, receiver):
        return None
    if name in rule.data["to"]:
        new = cst.Attribute(value=cst.Attribute(value=receiver, attr=cst.Name(
            rule.data["to"][name])), attr=cst.Name("shape"))
        return Edit(f"`.{name}` of a layer: Keras 3 layers have none (AttributeError)", new,
                    fix="unsafe", help=f"Keras 3: `{site.code(new)}` (for a layer with several "
                    "inputs or outputs: a list of tensors, each with its `.shape`)")
    return Edit(f"`.{name}` of a layer: not in Keras 3", help=rule.data["help"].get(name))


def _is_layer(site: Site, receiver) -> bool:
    """`model.layers[i]`, `model.get_layer(...)`, or a name the file binds only to those or
    to a Keras layer call (`for layer in model.layers`, `d = Dense(3)`)."""
    if _layer_expr(receiver):
        return True
    if not isinstance(receiver, cst.Name) or site.facts is None:
        return False
    bindings = _bindings(site.facts.nodes, receiver.value)
    table = site.facts.table
    return bool(bindings) and all(_layer_ast(value, table, loop) for value, loop in bindings)


def _layer_expr(node) -> bool:
    if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Attribute):
        return node.value.attr.value == "layers"
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and \
        node.func.attr.value == "get_layer"


def _bindings(nodes, name: str) -> list[tuple[ast.AST, bool]]:
    """(value, is a loop) for every binding of `name` in the file; a binding kerasfix cannot
    read (an unpacking, a parameter, ...) makes it unknown: [(None, False)]."""
    found = []
    for node in nodes:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == name:
                    found.append((node.value, False))
                elif any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(target)):
                    found.append((None, False))
        elif isinstance(node, (ast.For, ast.comprehension)):
            if isinstance(node.target, ast.Name) and node.target.id == name:
                found.append((node.iter, True))
            elif any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node.target)):
                found.append((None, False))
        elif isinstance(node, ast.arg) and node.arg == name or \
                isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.NamedExpr)) and \
                isinstance(getattr(node, "target", None), ast.Name) and node.target.id == name:
            found.append((None, False))
    return found


def _layer_ast(value, table, loop: bool) -> bool:
    if value is None:
        return False
    if loop:  # for layer in model.layers
        return isinstance(value, ast.Attribute) and value.attr == "layers"
    if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Attribute):
        return value.value.attr == "layers"
    if isinstance(value, ast.Call):
        if isinstance(value.func, ast.Attribute) and value.func.attr == "get_layer":
            return True
        dotted = _ast_dotted(value.func)
        resolved = table.resolve(dotted) if dotted else None
        name = resolved.qualname[len("keras.layers."):] if resolved else ""
        return resolved.qualname.startswith("keras.layers.") and name[:1].isupper() and \
            name not in ("Input", "InputSpec") if resolved else False
    return False


# --- KF405: add_update ---------------------------------------------------------------------------


def add_update(site: Site, rule) -> Edit | None:
    return Edit("`add_update(...)`: Keras 3 layers have no `add_update` (AttributeError)",
                help=rule.data["help"])


# --- KF406: Keras 1 weight attributes of a layer -------------------------------------------------


def keras1_weight_attribute(site: Site, rule) -> Edit | None:
    """`model.layers[0].W` and the like: Keras 1 names of a built layer's weights."""
    node = site.node
    if not isinstance(node, cst.Attribute) or not _is_layer(site, node.value):
        return None
    name = node.attr.value
    return Edit(f"`.{name}`: Keras 1 name of a layer's weight, not in Keras 3 (AttributeError)",
                help=rule.data["help"][name])


# --- KF407: Keras 1 regularizers and constraints lists -------------------------------------------


def regularizer_lists(site: Site, rule) -> list[Edit] | None:
    """Keras 1 custom layers wired weight penalties by hand: `regularizer.set_param(self.W)`
    (gone: AttributeError) and `self.regularizers` / `self.constraints` (Keras 3 reads
    neither: the penalty and the constraint are silently lost)."""
    if not is_keras_class(site):
        return None
    edits = []
    for _, original, stmt in statements(site.original, site.node):
        call = stmt.value if isinstance(stmt, cst.Expr) else None
        if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and \
                call.func.attr.value == "set_param":
            edits.append(Edit("Keras 1 `regularizer.set_param(weight)`: Keras 3 regularizers "
                              "have no `set_param` (AttributeError)", at=original,
                              help=rule.data["help"]))
            continue
        target = _wired(stmt)
        if target:
            edits.append(Edit(f"Keras 1 `self.{target}`: Keras 3 never reads it, so the "
                              f"{target[:-1]} is silently lost", at=original,
                              help=rule.data["help"], severity="warning"))
    return edits or None


def _wired(stmt) -> str | None:
    """"regularizers" / "constraints" for `self.regularizers = ...`, `self.constraints[w] =
    ...`, `self.regularizers.append(...)`."""
    if isinstance(stmt, cst.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0].target
        if isinstance(target, cst.Subscript):
            target = target.value
        name = _self_attr(target)
    elif isinstance(stmt, cst.AugAssign):
        name = _self_attr(stmt.target)
    elif isinstance(stmt, cst.Expr) and isinstance(stmt.value, cst.Call) and \
            isinstance(stmt.value.func, cst.Attribute):
        name = _self_attr(stmt.value.func.value)
    else:
        return None
    return name if name in ("regularizers", "constraints") else None
