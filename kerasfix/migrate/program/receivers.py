"""What the file itself says about a receiver or an argument, read from its `ast` nodes:
is `model` a Keras model, what batch size does a generator yield, what was a name assigned.

Training-method names (`fit`, `predict_proba`) are shared with scikit-learn and others, so a
rule that would change the meaning of a call on anything else asks here first.
"""

from __future__ import annotations

import ast

from kerasfix.names import dotted_name

MODEL_FACTORIES = frozenset({
    "keras.models.Sequential", "keras.Sequential", "keras.models.Model", "keras.Model",
    "keras.models.load_model", "keras.saving.load_model", "keras.models.model_from_json",
    "keras.models.model_from_yaml", "keras.models.clone_model", "keras.engine.training.Model",
    "keras.engine.topology.Container"})
BATCH_PARAMETERS = ("batch_size", "batchsize", "batch", "bs", "n_batch")
# ImageDataGenerator.flow* -> the position of `batch_size` (Keras 1, 2 and tf.keras agree).
FLOW_METHODS = {"flow": 2, "flow_from_directory": 5, "flow_from_dataframe": 9}
FLOW_DEFAULT_BATCH = "32"  # ImageDataGenerator.flow*(batch_size=32) in Keras 1, 2 and tf.keras


_CACHE: dict = {}  # id(facts) -> (facts, names): one file at a time


def _models(facts) -> frozenset[str]:
    hit = _CACHE.get(id(facts))
    if hit is None or hit[0] is not facts:
        _CACHE.clear()
        hit = _CACHE[id(facts)] = (facts, _find_models(facts))
    return hit[1]


def _find_models(facts) -> frozenset[str]:
    """Names (and `self.x` attributes) assigned a Keras model anywhere in the file, directly
    or from a function of the file that returns one, and no other call's result (`model =
    LogisticRegression()` elsewhere: its `predict_proba` is not Keras')."""
    table, nodes = facts.table, facts.nodes

    def is_model_call(node) -> bool:
        if not isinstance(node, ast.Call):
            return False
        dotted = dotted_name(node.func)
        found = table.resolve(dotted) if dotted else None
        return bool(found and found.qualname in MODEL_FACTORIES) or (
            isinstance(node.func, ast.Name) and node.func.id in builders)

    builders: set[str] = set()
    names: set[str] = set()
    for _ in range(2):  # builders return names assigned from builders: two rounds suffice
        for node in nodes:
            if isinstance(node, ast.Assign) and is_model_call(node.value):
                names |= {t for t in map(dotted_name, node.targets) if t}
        for node in nodes:
            if isinstance(node, ast.FunctionDef) and any(
                    isinstance(r, ast.Return) and r.value is not None and (
                        is_model_call(r.value) or dotted_name(r.value) in names)
                    for r in ast.walk(node)):
                builders.add(node.name)
    others = {t for node in nodes if isinstance(node, ast.Assign) and isinstance(
        node.value, ast.Call) and not is_model_call(node.value)
        for t in map(dotted_name, node.targets) if t}
    return frozenset(names - others)


def is_model(facts, receiver: str | None) -> bool:
    """Is `receiver` (as written: `model`, `self.model`) known to hold a Keras model?"""
    return bool(receiver) and receiver in _models(facts)


def assignment(facts, name: str) -> ast.expr | None:
    """The value of `name` when the file binds it exactly once (any scope), by `name = ...`.
    Any other binding (a parameter, a loop or tuple target, `+=`) makes it unknown."""
    values, direct, others = [], set(), 0
    for n in facts.nodes:
        if isinstance(n, ast.Assign):
            for t in n.targets:
                if isinstance(t, ast.Name) and t.id == name:
                    values.append(n.value)
                    direct.add(id(t))
    for n in facts.nodes:
        if isinstance(n, ast.arg) and n.arg == name or isinstance(n, ast.Name) and \
                n.id == name and isinstance(n.ctx, ast.Store) and id(n) not in direct:
            others += 1
    return values[0] if len(values) == 1 and not others else None


def function(facts, name: str) -> ast.FunctionDef | None:
    found = [n for n in facts.nodes if isinstance(n, ast.FunctionDef) and n.name == name]
    return found[0] if len(found) == 1 else None


def batch_size(facts, expr: ast.expr | None, depth: int = 0) -> str | None:
    """The batch size a generator expression yields, as source code, when the file shows it:
    `datagen.flow(X, Y, batch_size=64)`, `gen(X, y, 32)` for `def gen(X, y, batch_size)`, or a
    name assigned once from one of these. None when it cannot be known."""
    if depth > 3 or expr is None:
        return None
    if isinstance(expr, ast.Name):
        return batch_size(facts, assignment(facts, expr.id), depth + 1)
    if not isinstance(expr, ast.Call):
        return None
    for kw in expr.keywords:
        if kw.arg in BATCH_PARAMETERS:
            return ast.unparse(kw.value)
    if any(isinstance(a, ast.Starred) for a in expr.args) or \
            any(kw.arg is None for kw in expr.keywords):
        return None  # `*args` / `**kwargs` may carry the batch size
    if isinstance(expr.func, ast.Attribute) and expr.func.attr in FLOW_METHODS:
        index = FLOW_METHODS[expr.func.attr]
        if index is not None and len(expr.args) > index:
            return ast.unparse(expr.args[index])
        return FLOW_DEFAULT_BATCH
    if isinstance(expr.func, ast.Name):
        fn = function(facts, expr.func.id)
        return _from_signature(expr, fn) or _module_constant(facts, fn)
    return None


def _module_constant(facts, fn: ast.FunctionDef | None) -> str | None:
    """`def gen(X, y): ... X[i:i + batch_size]` with a module-level `batch_size = 32`: the
    generator reads a module constant, which the `fit` call can name too."""
    if fn is None or any(p.arg.lower() in BATCH_PARAMETERS for p in fn.args.args):
        return None
    read = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)
            and isinstance(n.ctx, ast.Load) and n.id.lower() in BATCH_PARAMETERS}
    module_level = {t.id for stmt in facts.nodes[0].body if isinstance(stmt, ast.Assign)
                    for t in stmt.targets if isinstance(t, ast.Name)}
    found = [name for name in read if name in module_level
             and isinstance(assignment(facts, name), ast.Constant)]
    return found[0] if len(found) == 1 else None


def _from_signature(call: ast.Call, fn: ast.FunctionDef | None):
    if fn is None:
        return None
    params = fn.args.posonlyargs + fn.args.args
    defaults = dict(zip([p.arg for p in params][-len(fn.args.defaults) or len(params):],
                        fn.args.defaults))
    for i, param in enumerate(params):
        if param.arg not in BATCH_PARAMETERS:
            continue
        if i < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[:i + 1]):
            return ast.unparse(call.args[i])
        if param.arg in defaults:
            return ast.unparse(defaults[param.arg])
    return None


def output_units(facts, source: str, receiver: str | None) -> int | None:
    """The last dimension of the model bound to `receiver`, from the shape checker's traces
    (every model of that name must agree); None when unknown."""
    if not receiver:
        return None
    traces = _traces(facts, source)
    found = {t.layers[-1].output[-1] for t in traces if t.name == receiver and t.layers
             and isinstance(t.layers[-1].output, tuple) and t.layers[-1].output}
    return found.pop() if len(found) == 1 and isinstance(next(iter(found)), int) else None


_TRACES: dict = {}


def _traces(facts, source: str) -> list:
    hit = _TRACES.get(id(facts))
    if hit is None or hit[0] is not facts:
        from kerasfix.shapes.api import trace_source

        _TRACES.clear()
        try:
            traces = trace_source(source)
        except Exception:  # the checker's own errors are its business, not this rule's
            traces = []
        hit = _TRACES[id(facts)] = (facts, traces)
    return hit[1]
