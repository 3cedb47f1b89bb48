"""Imports follow the rewrite: `from keras.layers import Convolution2D` becomes
`from keras.layers import Conv2D` once no `Convolution2D` is left, keeping the user's import
style, leaving no unused import and adding no duplicate."""

from __future__ import annotations

from collections import Counter

import libcst as cst

from kerasfix.migrate.transformer import Renames
from kerasfix.migrate.transformer_util import cst_dotted
from kerasfix.names import canonical


class _Uses(cst.CSTVisitor):
    """How often each bare name is used outside import statements."""

    def __init__(self) -> None:
        super().__init__()
        self.count: Counter = Counter()

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # `x.Conv2D`: the attribute name is not a use of `Conv2D`
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)  # `f(Conv2D=1)`: a keyword is not a use either
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.count[node.value] += 1


def _keras_from(node: cst.ImportFrom) -> bool:
    if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
        return False
    module = cst_dotted(node.module)
    return module is not None and canonical(module) is not None


def _alias_names(node: cst.ImportFrom) -> set[str]:
    return {a.name.value for a in node.names if isinstance(a.name, cst.Name) and a.asname is None}


class _ImportFixer(cst.CSTTransformer):
    def __init__(self, renames: Renames, uses: Counter, top_level: set[str]):
        super().__init__()
        self.renames, self.uses, self.top_level = renames, uses, top_level
        self.depth = 0

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.depth += 1

    def leave_IndentedBlock(self, original, updated):
        self.depth -= 1
        return updated

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom):
        if not _keras_from(updated):
            return updated
        present = _alias_names(updated)
        elsewhere = self.top_level if self.depth == 0 else set()
        aliases: list[cst.ImportAlias] = []
        for alias in updated.names:
            aliases.extend(self._follow(alias, present, elsewhere))
        if not aliases:
            return cst.RemoveFromParent() if self.depth == 0 else updated
        if aliases == list(updated.names):
            return updated
        last = updated.names[-1].comma
        aliases = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) if a.comma is last else a
                   for a in aliases[:-1]] + [aliases[-1].with_changes(comma=last)]
        return updated.with_changes(names=aliases)

    def _follow(self, alias: cst.ImportAlias, present: set[str], elsewhere: set[str]):
        if not isinstance(alias.name, cst.Name):
            return [alias]
        name = alias.name.value
        if alias.asname is not None:
            local = alias.asname.name.value
            target = self.renames.aliased.get(local)
            if target and self.uses[local] == self.renames.aliased_calls[local]:
                return [alias.with_changes(name=cst.Name(target))]
            return [alias]
        new = self.renames.bare.get(name)
        if new is None:
            return [alias]
        known = new in present or new in elsewhere
        if self.uses[name] == 0:
            present.add(new)
            return [] if known else [alias.with_changes(name=cst.Name(new))]
        if self.uses[new] > 0 and not known:
            present.add(new)
            return [alias, cst.ImportAlias(name=cst.Name(new))]
        return [alias]


def follow_imports(module: cst.Module, renames: Renames) -> cst.Module:
    if not renames.bare and not renames.aliased:
        return module
    uses = _Uses()
    module.visit(uses)
    top_level: set[str] = set()
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.ImportFrom) and _keras_from(small):
                    top_level |= _alias_names(small)
    return module.visit(_ImportFixer(renames, uses.count, top_level))
