"""Which local names refer to Keras, read from a file's imports.

An `ast` pass over imports and bindings costs a small fraction of libcst's ScopeProvider /
QualifiedNameProvider (measured ~10x cheaper), and it is all a migration tool needs: a table
from local names to qualified names, plus the names the file rebinds itself (those are never
Keras, whatever was imported under the same name).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

# Roots under which the Keras API lives, and the flavour of Keras each one implies.
# tf.keras never ran Keras 2's Keras-1 shim, so positional arguments there mean what they
# mean in Keras 3.
ROOTS = {
    "keras": "keras",
    "tensorflow.keras": "tf.keras",
    "tensorflow.python.keras": "tf.keras",
    "tf_keras": "tf.keras",
}

# Keras 1/2 submodules of keras.layers whose public names all live in keras.layers today.
LAYER_MODULES = frozenset(
    "core convolutional convolutional_recurrent recurrent pooling embeddings normalization "
    "noise advanced_activations wrappers local merge cudnn_recurrent".split()
)


# Keras 1/2 modules whose names moved, as the same objects, to a public Keras 3 module
# (migration-table.md K1U10, K3I02, K3I03): a name imported from the old path resolves to its
# public name, so every rule sees `keras.utils.to_categorical` however the file imported it.
# The modules themselves keep their names: the import rules (KF273) rewrite them.
RELOCATED = {
    "utils.np_utils": "utils", "utils.generic_utils": "utils", "utils.data_utils": "utils",
    "utils.layer_utils": "utils", "utils.io_utils": "utils",
    "backend.tensorflow_backend": "backend", "objectives": "losses",
    "layers.experimental.preprocessing": "layers", "layers.experimental": "layers",
}
# keras.engine (Keras 1/2 internals): each public name moved to its own module.
ENGINE_MODULES = frozenset(
    "engine engine.topology engine.base_layer engine.input_layer engine.input_spec "
    "engine.training engine.network engine.sequential engine.functional".split())
ENGINE_NAMES = {
    "Layer": "layers", "InputSpec": "layers", "Input": "layers", "InputLayer": "layers",
    "Merge": "layers", "merge": "layers", "get_source_inputs": "utils", "Model": "models",
    "Sequential": "models",
}


def _relocated(parts: list[str]) -> list[str]:
    """`keras.utils.np_utils.to_categorical` -> `keras.utils.to_categorical` (RELOCATED)."""
    for size in (3, 2, 1):
        module = ".".join(parts[1 : 1 + size])
        rest = parts[1 + size :]
        if not rest or ".".join(parts[1 : 2 + size]) in RELOCATED:
            continue
        if module in RELOCATED:
            return ["keras", *RELOCATED[module].split("."), *rest]
        if module in ENGINE_MODULES and rest[0] in ENGINE_NAMES:
            return ["keras", ENGINE_NAMES[rest[0]], *rest]
    return parts


@dataclass(frozen=True)
class Resolved:
    """A reference resolved to the public Keras API."""

    qualname: str  # canonical, e.g. "keras.layers.Conv2D"
    flavour: str  # "keras" or "tf.keras"


def canonical(qualname: str, relocate: bool = True) -> Resolved | None:
    """Map a fully qualified name to its public Keras name, or None if it is not Keras.

    `relocate=False` keeps a name of a relocated Keras 1/2 module (RELOCATED) where it was."""
    for root, flavour in ROOTS.items():
        if qualname == root or qualname.startswith(root + "."):
            rest = qualname[len(root) :]
            break
    else:
        return None
    parts = ("keras" + rest).split(".")
    if len(parts) > 3 and parts[1] == "layers" and parts[2] in LAYER_MODULES:
        parts = parts[:2] + parts[3:]
    elif len(parts) > 3 and parts[1:3] == ["legacy", "layers"]:
        parts = ["keras", "layers"] + parts[3:]
    elif relocate and len(parts) > 2:
        parts = _relocated(parts)
    return Resolved(".".join(parts), flavour)


def legacy_layer_module(module: str) -> str | None:
    """`keras.layers` for `keras.layers.convolutional` (any root), else None."""
    head, sep, tail = module.rpartition(".layers.")
    if sep and tail in LAYER_MODULES and head in ROOTS:
        return head + ".layers"
    return None


def _module_of(node: ast.ImportFrom) -> str | None:
    return None if node.level else node.module


@dataclass
class ImportTable:
    """Local name -> fully qualified name, for the names a file imports."""

    names: dict[str, str] = field(default_factory=dict)
    star_modules: list[str] = field(default_factory=list)
    rebound: set[str] = field(default_factory=set)
    foreign_star: bool = False  # `from mylib import *`: a bare name may come from there
    # Local names of each function, defs in source order: a parameter `Dense` hides the
    # import inside that function only.
    function_scopes: list[frozenset[str]] = field(default_factory=list)

    def resolve(self, dotted: str, star_symbols: frozenset[str] = frozenset(),
                local: frozenset[str] = frozenset()) -> Resolved | None:
        """Resolve `KL.Conv2D`, `Conv2D`, `tf.keras.layers.Conv2D` to the public Keras name.

        `local`: names bound in the enclosing functions of the reference."""
        head, _, rest = dotted.partition(".")
        if head in self.rebound or head in local:
            return None
        if head in self.names:
            full = self.names[head] + ("." + rest if rest else "")
            return canonical(full)
        if not rest and head in star_symbols and not self.foreign_star:
            for module in self.star_modules:
                found = canonical(module + "." + head)
                if found is not None:
                    return found
        return None


def _bind_targets(target: ast.AST, out: set[str]) -> None:
    for node in ast.walk(target):
        if isinstance(node, ast.Name):
            out.add(node.id)


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def _bindings(node: ast.AST, out: set[str]) -> None:
    """The names one node binds other than by import: defs, classes, assignments, params."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        out.add(node.name)
    elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
            _bind_targets(target, out)
    elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
        _bind_targets(node.target, out)
    elif isinstance(node, ast.withitem) and node.optional_vars is not None:
        _bind_targets(node.optional_vars, out)
    elif isinstance(node, ast.arg):
        out.add(node.arg)
    elif isinstance(node, ast.ExceptHandler) and node.name:
        out.add(node.name)
    elif isinstance(node, ast.NamedExpr):
        _bind_targets(node.target, out)


def _scope_bindings(roots: list[ast.AST]) -> frozenset[str]:
    """Names bound in one scope: below `roots`, not inside nested defs, classes or lambdas."""
    out: set[str] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        _bindings(node, out)
        if not isinstance(node, _SCOPES):
            stack.extend(ast.iter_child_nodes(node))
    return frozenset(out)


def _function_scopes(nodes: list[ast.AST]) -> list[frozenset[str]]:
    """Each function's local names (params and assignments), in source order of the defs."""
    defs = sorted((n for n in nodes if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))),
                  key=lambda n: (n.lineno, n.col_offset))
    return [_scope_bindings([n.args] + n.body) for n in defs]


def build_import_table(tree: ast.Module, nodes: list[ast.AST]) -> ImportTable:
    """Read every import in the file (`nodes`: all of its ast nodes) into an ImportTable.

    A name bound both by a Keras import and by anything else (a def, an assignment, an import
    from another library) is treated as not Keras: kerasfix never touches a name it cannot be
    sure of.
    """
    table = ImportTable()
    foreign: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    local, target = alias.asname, alias.name
                else:
                    local = target = alias.name.split(".")[0]
                _record(table, foreign, local, target)
        elif isinstance(node, ast.ImportFrom):
            module = _module_of(node)
            for alias in node.names:
                if alias.name == "*":
                    if module and canonical(module):
                        table.star_modules.append(module)
                    else:
                        table.foreign_star = True
                    continue
                local = alias.asname or alias.name
                target = f"{module}.{alias.name}" if module else None
                _record(table, foreign, local, target)
    table.rebound = set(_scope_bindings(tree.body)) | foreign
    table.function_scopes = _function_scopes(nodes)
    return table


def _record(table: ImportTable, foreign: set[str], local: str, target: str | None) -> None:
    """Keep local -> target when target can lead to Keras; remember foreign rebinding."""
    leads_to_keras = target is not None and (
        canonical(target) is not None or target in ("tensorflow", "tensorflow.python")
    )
    if not leads_to_keras:
        foreign.add(local)
        return
    previous = table.names.get(local)
    if previous is not None and canonical(previous) != canonical(target):
        # `from keras.layers import X` and `from tensorflow.keras.layers import X` in a
        # try/except resolve to the same public name; anything else is a real conflict.
        if not _same_public(previous, target):
            foreign.add(local)
    table.names.setdefault(local, target)


def _same_public(a: str, b: str) -> bool:
    ca, cb = canonical(a), canonical(b)
    return ca is not None and cb is not None and ca.qualname == cb.qualname


def dotted_name(node: ast.AST) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))
