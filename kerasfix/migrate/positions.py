"""Where findings are, without libcst's PositionProvider.

PositionProvider renders the whole module once more, the largest single cost on a legacy
file. The ast tree already has positions: the k-th `Call` (import, attribute) libcst
visits in pre-order is the k-th in ast source order. Each match is checked (same callee, same
number of arguments, same dotted name); on any mismatch the caller falls back to
PositionProvider.
"""

from __future__ import annotations

import ast

import libcst as cst

from kerasfix.diagnostics import Span
from kerasfix.migrate.transformer_util import cst_dotted
from kerasfix.names import dotted_name

KINDS = {cst.Call: ast.Call, cst.ImportFrom: ast.ImportFrom, cst.Import: ast.Import,
         cst.Attribute: ast.Attribute}  # attributes inside imports are not visited


def _source_order(node: ast.AST) -> tuple[int, int, int, int]:
    # An outer call starts where its callee does (`f(a)(b)`): the longer one comes first.
    return (node.lineno, node.col_offset, -node.end_lineno, -node.end_col_offset)


class Locator:
    def __init__(self, nodes: list[ast.AST], text: str):
        self.ast_nodes = {kind: sorted((n for n in nodes if isinstance(n, kind)),
                                       key=_source_order) for kind in KINDS.values()}
        self.lines = text.split("\n")
        self.index: dict[int, int] = {}  # id(cst node) -> its rank among nodes of its kind
        self.seen = dict.fromkeys(KINDS, 0)

    def see(self, node: cst.CSTNode) -> None:
        """Called in pre-order for every node of a kind in KINDS."""
        kind = type(node)
        self.index[id(node)] = self.seen[kind]
        self.seen[kind] += 1

    def span(self, node: cst.CSTNode, arg: int = -1) -> Span | None:
        """The span of `node` (or of its `arg`-th argument), None if it cannot be sure."""
        kind = KINDS.get(type(node))
        rank = self.index.get(id(node))
        if kind is None or rank is None or rank >= len(self.ast_nodes[kind]):
            return None
        found = self.ast_nodes[kind][rank]
        if not _same(node, found):
            return None
        if arg >= 0:
            found = sorted(found.args + found.keywords, key=_source_order)[arg]
        return self._span(found)

    def _span(self, node: ast.AST) -> Span:
        return Span(node.lineno, self._column(node.lineno, node.col_offset),
                    node.end_lineno, self._column(node.end_lineno, node.end_col_offset))

    def _column(self, line: int, byte_offset: int) -> int:
        """ast counts UTF-8 bytes; editors and ruff count characters (1-based)."""
        text = self.lines[line - 1] if line <= len(self.lines) else ""
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1


def _same(node: cst.CSTNode, found: ast.AST) -> bool:
    if isinstance(node, cst.Attribute):
        dotted = cst_dotted(node)
        return dotted is not None and dotted == dotted_name(found)
    if isinstance(node, cst.Call):
        return (cst_dotted(node.func) == dotted_name(found.func)
                and len(node.args) == len(found.args) + len(found.keywords))
    if isinstance(node, cst.ImportFrom):
        names = node.names if not isinstance(node.names, cst.ImportStar) else [None]
        module = cst_dotted(node.module) if node.module else None
        return module == found.module and len(names) == len(found.names)
    return len(node.names) == len(found.names)
