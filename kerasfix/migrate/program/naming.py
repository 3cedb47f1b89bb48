"""Spelling the names generated code needs (`concatenate`, `ops.argmax`, `np.argmax`) the way
the file already imports them, and adding or pruning imports afterwards.

name_for("keras.layers.concatenate"), in order of preference:
  1. a local name already bound to it              -> `concatenate`
  2. a star import of its module                   -> `concatenate`
  3. a top-level `from keras.layers import ...`    -> `concatenate`, added to that import
  4. a local bound to its module (or to keras)     -> `KL.concatenate`, `keras.layers.concatenate`
  5. otherwise                                     -> `concatenate` + `from keras.layers import
                                                      concatenate` after the last import
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from kerasfix.migrate.transformer_util import cst_dotted
from kerasfix.names import ImportTable, canonical

# Non-Keras modules generated code may need, with their usual local names.
CONVENTIONAL = {"numpy": "np", "math": "math", "tensorflow": "tf"}


@dataclass
class Names:
    table: ImportTable
    star_modules: list[str]
    from_modules: set[str]  # public Keras modules with a top-level `from M import ...`
    imported: frozenset[str] = frozenset()  # every local name an import binds
    needs: dict = field(default_factory=dict)  # (module, name or None) -> local
    prunes: set[str] = field(default_factory=set)
    foreign: dict = field(default_factory=dict)  # `import numpy as np` at top level: numpy -> np

    def _bound(self, local: str) -> bool:
        """Is `local` taken, at module level or in any function (where a generated call to an
        added import would find the function's own variable instead)?"""
        return local in self.table.rebound or local in self.table.names or any(
            local in scope for scope in self.table.function_scopes)

    def name_for(self, qualname: str, flavour: str = "keras") -> str:
        head = qualname.split(".")[0]
        if head != "keras":
            return self._foreign(qualname)
        module, _, name = qualname.rpartition(".")
        for local, target in self.table.names.items():
            found = canonical(target)
            if found and found.qualname == qualname and local not in self.table.rebound:
                return local
        if module in {canonical(m).qualname for m in self.star_modules if canonical(m)} and \
                not self._bound(name):
            return name
        if module in self.from_modules and not self._bound(name):
            self.needs[(self._spell(module, flavour), name)] = name
            return name
        via = self._via_module(module)
        if via:
            return f"{via}.{name}"
        if not self._bound(name):
            self.needs[(self._spell(module, flavour), name)] = name
            return name
        self.needs[(self._spell("keras", flavour), None)] = "keras"
        return qualname

    def _via_module(self, module: str) -> str | None:
        """`KL` for keras.layers imported as KL; `keras.layers` via `import keras`."""
        best = None
        for local, target in self.table.names.items():
            if local in self.table.rebound:
                continue
            found = canonical(target)
            prefix = found.qualname if found else None
            if target == "tensorflow":
                prefix, local = "keras", f"{local}.keras"
            if prefix and (module == prefix or module.startswith(prefix + ".")):
                spelled = local + module[len(prefix):]
                if best is None or len(spelled) < len(best):
                    best = spelled
        return best

    def _foreign(self, qualname: str) -> str:
        """`numpy.argmax` -> `np.argmax`, importing numpy as np if the file does not."""
        module, _, name = qualname.partition(".")
        for local, target in self.table.names.items():
            if target == module and local not in self.table.rebound:
                return f"{local}.{name}"
        if module in self.foreign:  # `import numpy` -> `numpy.argmax`; `import math as m`
            return f"{self.foreign[module]}.{name}"
        local = CONVENTIONAL.get(module, module)
        if self._bound(local) or local in self.imported:
            local = module  # `np` is something else here (`np = ...`, `import jax.numpy as np`)
        self.needs[(module, None)] = local
        return f"{local}.{name}"

    @staticmethod
    def _spell(module: str, flavour: str) -> str:
        return "tensorflow." + module if flavour == "tf.keras" else module


def names_for_file(table: ImportTable, tree_body: list, nodes: list) -> Names:
    import ast

    imported = {(a.asname or a.name).split(".")[0] for n in nodes
                if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    from_modules = set()
    for stmt in tree_body:
        if isinstance(stmt, ast.ImportFrom) and stmt.module and not stmt.level:
            found = canonical(stmt.module)
            if found and not any(a.name == "*" for a in stmt.names):
                from_modules.add(found.qualname)
    foreign = {}
    for stmt in tree_body:
        for alias in stmt.names if isinstance(stmt, ast.Import) else ():
            if alias.asname or "." not in alias.name:
                foreign.setdefault(alias.name, alias.asname or alias.name)
    return Names(table, list(table.star_modules), from_modules, frozenset(imported),
                 foreign=foreign)


# --- after the pass: add what `needs` lists, prune what became unused ---------------------

def finish_imports(module: cst.Module, names: Names) -> cst.Module:
    if names.prunes:
        module = _prune(module, names.prunes)
    if names.needs:
        module = _add(module, names.needs)
    return module


def _statement(module_name: str, name: str | None, local: str) -> cst.SimpleStatementLine:
    if name is None:
        text = f"import {module_name}" + ("" if local == module_name else f" as {local}")
    else:
        text = f"from {module_name} import {name}" + ("" if local == name else f" as {local}")
    return cst.parse_statement(text + "\n")


def _add(module: cst.Module, needs: dict) -> cst.Module:
    body = list(module.body)
    last_import = -1
    for i, stmt in enumerate(body):
        if _imports(stmt):
            last_import = i
    if last_import < 0 and body and _is_docstring(body[0]):
        last_import = 0  # below the module docstring, which must stay first to be one
    for (module_name, name), local in sorted(needs.items(), key=str):
        if name is not None and _extend(body, module_name, name):
            continue
        if name is None and _has_plain_import(body, module_name, local):
            continue
        last_import += 1
        body.insert(last_import, _statement(module_name, name, local))
    return module.with_changes(body=body)


def _is_docstring(stmt) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and \
        isinstance(stmt.body[0], cst.Expr) and \
        isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))


def _imports(stmt) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and any(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body)


def _has_plain_import(body: list, module_name: str, local: str) -> bool:
    for stmt in body:
        for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
            if isinstance(small, cst.Import):
                for alias in small.names:
                    bound = alias.asname.name.value if alias.asname else cst_dotted(alias.name)
                    if cst_dotted(alias.name) == module_name and bound == local:
                        return True
    return False


def _extend(body: list, module_name: str, name: str) -> bool:
    """Add `name` to the first top-level `from module_name import ...`; False if none."""
    for i, stmt in enumerate(body):
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for j, small in enumerate(stmt.body):
            if not (isinstance(small, cst.ImportFrom) and small.module is not None
                    and not small.relative and not isinstance(small.names, cst.ImportStar)):
                continue
            found = canonical(cst_dotted(small.module) or "")
            wanted = canonical(module_name)
            if not found or not wanted or found.qualname != wanted.qualname:
                continue
            present = {a.name.value for a in small.names if isinstance(a.name, cst.Name)}
            if name not in present:
                aliases = list(small.names)
                last = aliases[-1]
                sep = next((a.comma for a in aliases[:-1]), cst.Comma(
                    whitespace_after=cst.SimpleWhitespace(" ")))
                aliases[-1] = last.with_changes(comma=sep)
                aliases.append(cst.ImportAlias(cst.Name(name), comma=last.comma))
                parts = list(stmt.body)
                parts[j] = small.with_changes(names=aliases)
                body[i] = stmt.with_changes(body=parts)
            return True
    return False


def _prune(module: cst.Module, prunes: set[str]) -> cst.Module:
    from kerasfix.migrate.imports import _Uses  # the same count the layer imports use

    uses = _Uses()
    module.visit(uses)
    dead = {name for name in prunes if uses.count[name] == 0}
    if not dead:
        return module
    return module.visit(_Pruner(dead))


class _Pruner(cst.CSTTransformer):
    """Remove imported names that nothing uses any more (Keras imports only)."""

    def __init__(self, dead: set[str]):
        super().__init__()
        self.dead = dead
        self.depth = 0  # only top-level imports: an emptied block would not parse
        self.emptied: set[int] = set()  # ids of the import lines that lost every name

    def visit_IndentedBlock(self, node) -> None:
        self.depth += 1

    def leave_IndentedBlock(self, original, updated):
        self.depth -= 1
        return updated

    def leave_ImportFrom(self, original, updated):
        if self.depth or isinstance(updated.names, cst.ImportStar) or updated.module is None or \
                canonical(cst_dotted(updated.module) or "") is None:
            return updated
        keep = [a for a in updated.names if _local(a) not in self.dead]
        if len(keep) == len(updated.names):
            return updated
        if not keep:
            return cst.RemoveFromParent()
        last = updated.names[-1].comma
        keep = keep[:-1] + [keep[-1].with_changes(comma=last)]
        return updated.with_changes(names=keep)

    def leave_SimpleStatementLine(self, original, updated):
        if not updated.body:  # libcst drops the emptied line; leave_Module keeps its comments
            self.emptied.add(id(original))
        return updated

    def leave_Module(self, original, updated):
        """The comment lines above an import line that went move to the next statement."""
        if not self.emptied:
            return updated
        body, carry, kept = [], [], iter(updated.body)
        for stmt in original.body:
            if id(stmt) in self.emptied:
                carry += [line for line in stmt.leading_lines if line.comment is not None]
                continue
            stmt = next(kept)
            if carry:
                stmt, carry = stmt.with_changes(leading_lines=[*carry, *stmt.leading_lines]), []
            body.append(stmt)
        return updated.with_changes(body=body, footer=[*carry, *updated.footer])


def _local(alias: cst.ImportAlias) -> str | None:
    if alias.asname is not None:
        return alias.asname.name.value
    return cst_dotted(alias.name)
