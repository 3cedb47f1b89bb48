"""An abstract interpreter for model scripts: runs the module's statements on abstract values
(constants, array shapes, layers, tensors, models) and records every model it builds.

It never guesses. A loop over unknown data, a branch on an unknown condition that touches a
model, a call to an unknown function that receives a model: from there on the model's shape
is UNKNOWN, and UNKNOWN never produces a report.
"""

from __future__ import annotations

import ast

from kerasfix.shapes import evaluator as ev
from kerasfix.shapes.api import ModelTrace
from kerasfix.shapes.dims import UNKNOWN, UNKNOWN_RANK
from kerasfix.shapes.expressions import Expressions
from kerasfix.shapes.values import Function, Record, Ref, Sequential

MAX_DEPTH = 4  # helper functions inlined this deep
MAX_UNROLL = 256  # loop iterations unrolled
MAX_STEPS = 50_000  # statements executed per module, all in all


class _Return(Exception):
    def __init__(self, value):
        self.value = value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class _OutOfBudget(Exception):
    pass


class Interpreter(Expressions):
    def __init__(self, facts, data_format: str):
        from kerasfix.shapes.calls import Calls

        self.default_format = data_format
        self.record = Record()
        self.models: list[Sequential] = []
        self.globals: dict = {}
        self.depth = 0
        self.steps = 0
        self.calls = Calls(self, facts)

    # -- statements ----------------------------------------------------------------------

    def run(self, tree: ast.Module) -> list[ModelTrace]:
        try:
            self.block(tree.body, self.globals)
        except (_OutOfBudget, _Return, _Break, _Continue, RecursionError):
            pass
        return self.record.traces

    def block(self, body: list, env: dict) -> None:
        for stmt in body:
            self.steps += 1
            if self.steps > MAX_STEPS:
                raise _OutOfBudget
            self.statement(stmt, env)

    def statement(self, node: ast.stmt, env: dict) -> None:
        handler = getattr(self, "_" + type(node).__name__, None)
        if handler is not None:
            handler(node, env)

    def _Expr(self, node, env):
        self.eval(node.value, env)

    def _Assign(self, node, env):
        value = self.eval(node.value, env)
        for target in node.targets:
            self.assign(target, value, env)

    def _AnnAssign(self, node, env):
        if node.value is not None:
            self.assign(node.target, self.eval(node.value, env), env)

    def _AugAssign(self, node, env):
        if isinstance(node.target, ast.Name):
            current = self.lookup(node.target.id, env)
            env[node.target.id] = ev.binop(node.op, current, self.eval(node.value, env))

    def _If(self, node, env):
        test = ev.truth(self.eval(node.test, env))
        if test is UNKNOWN:
            self.both_arms(node.body, node.orelse, env)
        else:
            self.block(node.body if test else node.orelse, env)

    def _For(self, node, env):
        items = self.eval(node.iter, env)
        if isinstance(items, dict):
            items = list(items)
        if not isinstance(items, (list, tuple, str)) or len(items) > MAX_UNROLL:
            self.havoc(node, env)
            return
        for item in items:
            self.assign(node.target, item, env)
            try:
                self.block(node.body, env)
            except _Break:
                return
            except _Continue:
                continue
        self.block(node.orelse, env)

    def _While(self, node, env):
        self.havoc(node, env)

    def _With(self, node, env):
        for item in node.items:
            self.eval(item.context_expr, env)
            if item.optional_vars is not None:
                self.assign(item.optional_vars, UNKNOWN, env)
        self.block(node.body, env)

    def _Try(self, node, env):
        self.block(node.body, env)
        for handler in node.handlers:
            self.havoc(handler, env)
        self.block(node.orelse, env)
        self.block(node.finalbody, env)

    def _FunctionDef(self, node, env):
        defaults = {}
        args = node.args.posonlyargs + node.args.args
        for arg, default in zip(args[len(args) - len(node.args.defaults):], node.args.defaults):
            defaults[arg.arg] = self.eval(default, env)
        for arg, default in zip(node.args.kwonlyargs, node.args.kw_defaults):
            if default is not None:
                defaults[arg.arg] = self.eval(default, env)
        env[node.name] = Function(node, defaults)

    _AsyncFunctionDef = _FunctionDef

    def _ClassDef(self, node, env):
        env[node.name] = UNKNOWN

    def _Return(self, node, env):
        raise _Return(self.eval(node.value, env) if node.value is not None else None)

    def _Break(self, node, env):
        raise _Break

    def _Continue(self, node, env):
        raise _Continue

    def _Import(self, node, env):
        for alias in node.names:
            if alias.asname:
                env[alias.asname] = Ref(alias.name)
            else:
                head = alias.name.split(".")[0]
                env[head] = Ref(head)

    def _ImportFrom(self, node, env):
        if node.level or not node.module:
            return
        for alias in node.names:
            if alias.name == "*":
                for name in self.calls.star_names(node.module):
                    env[name] = Ref(f"{node.module}.{name}")
            else:
                env[alias.asname or alias.name] = Ref(f"{node.module}.{alias.name}")

    # -- branches and loops the interpreter cannot decide ----------------------------------

    def both_arms(self, body: list, orelse: list, env: dict) -> None:
        """Run each arm from the same state; what the arms disagree on becomes UNKNOWN."""
        before = {id(m): (m.output, list(m.layers), m.started) for m in self.models}
        left = dict(env)
        self._arm(body, left)
        after_left = {id(m): (m.output, list(m.layers), m.started) for m in self.models}
        for model in self.models:
            if id(model) in before:
                model.output, model.layers, model.started = before[id(model)]
        right = dict(env)
        self._arm(orelse, right)
        for model in self.models:
            if after_left.get(id(model)) != (model.output, model.layers, model.started):
                model.output = UNKNOWN_RANK
        for key in set(left) | set(right):
            a, b = left.get(key, UNKNOWN), right.get(key, UNKNOWN)
            env[key] = a if a is b or (ev.plain(a) and ev.plain(b) and a == b) else UNKNOWN

    def _arm(self, body: list, env: dict) -> None:
        try:
            self.block(body, env)
        except (_Return, _Break, _Continue):
            self.havoc_models()  # control leaves the arm: what follows is not knowable

    def havoc(self, node: ast.AST, env: dict) -> None:
        """A region not executed: its assignments become UNKNOWN, and so do the models it
        might extend."""
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                env[sub.id] = UNKNOWN
            if isinstance(sub, ast.Attribute) and sub.attr == "add":
                target = self.eval(sub.value, env) if isinstance(sub.value, ast.Name) else None
                if isinstance(target, Sequential):
                    target.output = UNKNOWN_RANK

    def havoc_models(self) -> None:
        for model in self.models:
            model.output = UNKNOWN_RANK

    # -- names and values -------------------------------------------------------------------

    def assign(self, target: ast.expr, value, env: dict) -> None:
        if isinstance(target, ast.Name):
            env[target.id] = value
            self.calls.name_model(value, target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = value if isinstance(value, (tuple, list)) else None
            if items is not None and len(items) != len(target.elts):
                items = None
            for k, element in enumerate(target.elts):
                self.assign(element, items[k] if items is not None else UNKNOWN, env)

    # -- user functions ------------------------------------------------------------------

    def inline(self, function: Function, args: list, kwargs: dict):
        """Run a helper function's body with the given arguments; its return value."""
        node = function.node
        params = node.args.posonlyargs + node.args.args
        local = dict(function.defaults)
        for param, value in zip(params, args):
            local[param.arg] = value
        if node.args.vararg is not None:
            local[node.args.vararg.arg] = tuple(args[len(params):])
        names = {p.arg for p in params + node.args.kwonlyargs}
        extra = {k: v for k, v in kwargs.items() if k not in names}
        local.update({k: v for k, v in kwargs.items() if k in names})
        if node.args.kwarg is not None:
            local[node.args.kwarg.arg] = extra
        self.depth += 1
        try:
            self.block(node.body, local)
        except _Return as result:
            return result.value
        finally:
            self.depth -= 1
        return None


class ShapeFacts:
    """What the interpreter needs from the rest of kerasfix."""

    def __init__(self, rules, evidence: str):
        self.rules, self.evidence = rules, evidence


def facts_for(tree: ast.Module) -> ShapeFacts:
    from kerasfix.migrate.facts import scan
    from kerasfix.migrate.loader import load_rules

    rules = load_rules()
    return ShapeFacts(rules, scan(tree, rules).evidence)


def trace_models(source: str, data_format: str) -> list[ModelTrace]:
    tree = ast.parse(source)
    return Interpreter(facts_for(tree), data_format).run(tree)
