"""Rules that rewrite whole statements of a block (Module or IndentedBlock): what one
expression cannot say.

- KF211: Keras 1 `model.add(LSTM(..., batch_input_shape=S, stateful=True))` as the first layer
  of a Sequential: Keras 3 layers refuse `batch_input_shape`; a stateful RNN needs the batch
  size, which only `keras.Input(batch_shape=S)` added first can give.
- KF212: `model.reset_states()` (Keras 2 Model method, absent in Keras 3): reset each stateful
  layer, as Keras 2's own implementation did.
"""

from __future__ import annotations

import libcst as cst

from kerasfix.migrate.program import args as A
from kerasfix.migrate.program import receivers
from kerasfix.migrate.program.site import Edit, Site
from kerasfix.migrate.transformer_util import cst_dotted

SEQUENTIAL = ("keras.models.Sequential", "keras.Sequential")


def _call_statement(stmt, method: str) -> tuple[str, cst.Call] | None:
    """(receiver, call) for a statement line `receiver.method(...)`."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    expr = stmt.body[0]
    if not isinstance(expr, cst.Expr) or not isinstance(expr.value, cst.Call):
        return None
    func = expr.value.func
    if not isinstance(func, cst.Attribute) or func.attr.value != method:
        return None
    receiver = cst_dotted(func.value)
    return (receiver, expr.value) if receiver else None


def _sequential(site: Site, stmt, receiver: str) -> bool:
    """`receiver = Sequential()` (no layers given) as this statement."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return False
    assign = stmt.body[0]
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1 or \
            cst_dotted(assign.targets[0].target) != receiver:
        return False
    call = assign.value
    if not isinstance(call, cst.Call) or call.args:
        return False
    dotted = cst_dotted(call.func)
    found = site.facts.table.resolve(dotted, site.facts.star_symbols) if dotted else None
    return found is not None and found.qualname in SEQUENTIAL


def _first_adds(site: Site, body) -> list[tuple[int, str, cst.Call]]:
    """The first `R.add(...)` after each `R = Sequential()` in this block."""
    out, open_models = [], set()
    for i, stmt in enumerate(body):
        for receiver in list(open_models):
            found = _call_statement(stmt, "add")
            if found and found[0] == receiver:
                out.append((i, receiver, found[1]))
                open_models.discard(receiver)
        if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and \
                isinstance(stmt.body[0], cst.Assign):
            target = cst_dotted(stmt.body[0].targets[0].target)
            open_models.discard(target)
            if _sequential(site, stmt, target):
                open_models.add(target)
    return out


def batch_input_shape(site: Site, rule) -> list[Edit]:
    """Each edit's block holds its change and the ones before it (bottom-up, so indices hold):
    applied in order, the last block is the whole rewrite."""
    body = list(site.node.body)
    pairs = list(zip(_first_adds(site, body), _first_adds(site, list(site.original.body))))
    edits = []
    for (i, receiver, call), (_, _, old_call) in reversed(pairs):
        layer = call.args[0].value if len(call.args) == 1 else None
        shape = A.keyword(layer, "batch_input_shape") if isinstance(layer, cst.Call) else None
        if shape is None or A.has_star(layer):
            continue
        new_layer, _ = A.drop_keywords(layer, {"batch_input_shape"})
        inputs = site.name_for("keras.layers.Input")
        first = cst.parse_statement(
            f"{receiver}.add({inputs}(batch_shape={site.code(shape.value)}))\n")
        first = first.with_changes(leading_lines=body[i].leading_lines)
        second = body[i].with_changes(leading_lines=(), body=[body[i].body[0].with_changes(
            value=call.with_changes(args=[call.args[0].with_changes(value=new_layer)]))])
        body[i:i + 1] = [first, second]
        edits.append(Edit(
            "Keras 3 layers refuse `batch_input_shape=`: the model starts with "
            "`Input(batch_shape=...)` instead (the batch size stateful RNNs need)",
            site.node.with_changes(body=list(body)), at=old_call.args[0].value,
            supersedes=((old_call.args[0].value, "KF100"),)))
    return edits


def _resets(site: Site, body) -> list[tuple[int, str]]:
    """(index, receiver) of each `model.reset_states()` statement on a known Keras model."""
    out = []
    for i, stmt in enumerate(body):
        found = _call_statement(stmt, "reset_states")
        if found and not found[1].args and receivers.is_model(site.facts, found[0]):
            out.append((i, found[0]))
    return out


def reset_states(site: Site, rule) -> list[Edit]:
    """Paired with the original block by order: an earlier rule may have added statements."""
    body, original = list(site.node.body), list(site.original.body)
    edits = []
    for (i, receiver), (j, _) in zip(_resets(site, body), _resets(site, original)):
        loop = cst.parse_statement(
            f"for layer_ in {receiver}.layers:\n"
            f"    if getattr(layer_, 'stateful', False) and hasattr(layer_, 'reset_states'):\n"
            f"        layer_.reset_states()\n")
        body[i] = loop.with_changes(leading_lines=body[i].leading_lines)
        edits.append(Edit("`Model.reset_states()` was removed in Keras 3: reset each stateful "
                          "layer (what Keras 2's `reset_states` did)",
                          site.node.with_changes(body=list(body)),
                          at=original[j].body[0].value))
    return edits
