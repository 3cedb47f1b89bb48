"""Expressions of a model script, evaluated on abstract values (a mixin of Interpreter)."""

from __future__ import annotations

import ast

from kerasfix.shapes import evaluator as ev
from kerasfix.shapes.dims import UNKNOWN


class Expressions:
    """Needs `self.globals` and `self.calls` from the interpreter."""

    def lookup(self, name: str, env: dict):
        if name in env:
            return env[name]
        if name in self.globals:
            return self.globals[name]
        if name in ev.BUILTINS:
            return ev.BUILTINS[name]
        return UNKNOWN

    def eval(self, node: ast.expr | None, env: dict):
        if node is None:
            return None
        handler = getattr(self, "e_" + type(node).__name__, None)
        return handler(node, env) if handler is not None else UNKNOWN

    def e_Constant(self, node, env):
        return node.value

    def e_Name(self, node, env):
        return self.lookup(node.id, env)

    def e_Attribute(self, node, env):
        return self.calls.attribute(self.eval(node.value, env), node.attr)

    def e_Subscript(self, node, env):
        return ev.subscript(self.eval(node.value, env), self.eval(node.slice, env))

    def e_Slice(self, node, env):
        parts = [self.eval(p, env) for p in (node.lower, node.upper, node.step)]
        if not all(p is None or isinstance(p, int) for p in parts):
            return UNKNOWN
        return slice(*parts)

    def e_BinOp(self, node, env):
        return ev.binop(node.op, self.eval(node.left, env), self.eval(node.right, env))

    def e_UnaryOp(self, node, env):
        return ev.unary(node.op, self.eval(node.operand, env))

    def e_Compare(self, node, env):
        values = [self.eval(node.left, env)] + [self.eval(c, env) for c in node.comparators]
        return ev.compare(node.ops, values)

    def e_BoolOp(self, node, env):
        values = [ev.truth(self.eval(v, env)) for v in node.values]
        if isinstance(node.op, ast.And):
            return False if False in values else (UNKNOWN if UNKNOWN in values else True)
        return True if True in values else (UNKNOWN if UNKNOWN in values else False)

    def e_IfExp(self, node, env):
        test = ev.truth(self.eval(node.test, env))
        if test is UNKNOWN:
            return UNKNOWN
        return self.eval(node.body if test else node.orelse, env)

    def e_Tuple(self, node, env):
        items = self.sequence(node.elts, env)
        return tuple(items) if items is not UNKNOWN else UNKNOWN

    def e_List(self, node, env):
        return self.sequence(node.elts, env)

    def e_Dict(self, node, env):
        out = {}
        for key, value in zip(node.keys, node.values):
            if key is None:
                extra = self.eval(value, env)
                if not isinstance(extra, dict):
                    return UNKNOWN
                out.update(extra)
            else:
                k = self.eval(key, env)
                if not ev.plain(k):
                    return UNKNOWN
                out[k] = self.eval(value, env)
        return out

    def sequence(self, elements: list, env: dict):
        out = []
        for element in elements:
            if isinstance(element, ast.Starred):
                inner = self.eval(element.value, env)
                if not isinstance(inner, (tuple, list)):
                    return UNKNOWN
                out.extend(inner)
            else:
                out.append(self.eval(element, env))
        return out

    def e_Call(self, node, env):
        return self.calls.call(node, env)
