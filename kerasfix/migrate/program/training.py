"""Training API handlers (migration-table.md 2a and 3c): what is not a plain keyword map.

- Keras 1 `fit()` trained 10 epochs by default, Keras 2/3 train 1 (K1M03).
- `fit_generator` / `evaluate_generator` / `predict_generator` -> `fit` / `evaluate` /
  `predict` (K1M05-K1M09, K3T01-K3T02). Keras 1 counted samples, Keras 2 steps:
  `samples_per_epoch=S` is `steps_per_epoch=ceil(S / batch size)`, never a rename.
- `predict_classes` / `predict_proba` (K1M10, K1M11), on receivers known to be Keras models.
"""

from __future__ import annotations

import ast
import re

import libcst as cst

from kerasfix.migrate.program import args as A
from kerasfix.migrate.program import receivers
from kerasfix.migrate.program.site import Edit, Site
from kerasfix.migrate.transformer_util import cst_dotted

# Keras-only keywords of fit(): a call passing one is a Keras model's fit, not sklearn's.
# Not `callbacks`: LightGBM's, XGBoost's and CatBoost's `fit()` take it too.
KERAS_FIT_KEYWORDS = frozenset({"batch_size", "nb_epoch", "epochs", "validation_split",
                                "validation_data", "initial_epoch", "show_accuracy"})


def _receiver(site: Site) -> str | None:
    func = site.original.func
    return cst_dotted(func.value) if isinstance(func, cst.Attribute) else None


def keras_receiver(site: Site) -> bool:
    return receivers.is_model(site.facts, _receiver(site))


def keras1_default_epochs(site: Site, rule) -> Edit | None:
    """`fit(x, y)` in Keras 1 code: make Keras 1's default of 10 epochs explicit."""
    call = site.node
    if not site.keras1 or A.has_star(call) or A.has_keyword(call, "epochs", "nb_epoch"):
        return None
    if len(A.positionals(call)) >= 4:  # (x, y, batch_size, nb_epoch): given positionally
        return None
    keywords = {a.keyword.value for a in call.args if a.keyword is not None}
    if not (keras_receiver(site) or keywords & KERAS_FIT_KEYWORDS):
        return None
    return Edit("Keras 1 `fit()` trained 10 epochs when `nb_epoch` was not given; Keras 2 "
                "and 3 train 1: `epochs=10` keeps what this code did", A.add_keyword(
                    call, "epochs", "10"), severity="warning")


# --- generator methods ---------------------------------------------------------------------

def generator_method(site: Site, rule) -> Edit | None:
    call, method = site.node, site.node.func.attr.value
    data = rule.data[method]
    if A.has_star(call):
        return Edit(f"`.{method}()` was removed in Keras 3; `*args`/`**kwargs` hide which "
                    f"arguments it gets: call `.{data['to']}()` by hand")
    era, unsure = _era(site, call, data)
    signature = data[era]
    bound = _bind(call, signature)
    if bound is None:
        return Edit(f"`.{method}()` was removed in Keras 3 and this call passes more "
                    f"positional arguments than kerasfix can map: call `.{data['to']}()` with "
                    f"keywords")
    return _convert(site, rule, method, era, bound, unsure)


def _era(site: Site, call: cst.Call, data: dict) -> tuple[str, bool]:
    """Which signature the call was written against, and whether that is a guess."""
    keywords = {a.keyword.value for a in call.args if a.keyword is not None}
    if keywords & set(data["keras1_only"]):
        return "keras1", False
    if keywords & set(data["keras2_only"]) or len(A.positionals(call)) < 2:
        return "keras2", False
    if site.keras1:
        return "keras1", False
    known = site.flavour == "tf.keras" or site.evidence == "keras3" or \
        site.source in ("keras2", "tf.keras")
    return "keras2", not known


def _bind(call: cst.Call, signature: list[str]) -> dict[str, cst.Arg] | None:
    out = {}
    for i, arg in enumerate(call.args):
        if arg.keyword is not None:
            out[arg.keyword.value] = arg
        elif i < len(signature):
            out[signature[i]] = arg
        else:
            return None
    return out


def _convert(site: Site, rule, method: str, era: str, bound: dict, unsure: bool) -> Edit:
    data = rule.data[method]
    renames, drops = data["renames"], set(data["drop"])
    keywords, notes, dropped = [], [], []
    for name, arg in bound.items():
        if name == "generator" or name in drops:
            dropped += [name] if name in drops else []
            continue
        if name in data.get("samples", {}):
            steps = _steps(site, bound, name, data["samples"][name])
            if steps is None:
                return _unknown_batch(site, method, name, bound)
            if steps:
                keywords.append((data["samples"][name][0], cst.parse_expression(steps), arg))
                notes.append(f"`{name}` (samples) -> `{data['samples'][name][0]}` (batches)")
            continue
        keywords.append((renames.get(name, name), arg.value, arg))
    names = [k for k, _, _ in keywords]
    twice = next((k for k in names if names.count(k) > 1), None)
    if twice:  # `nb_epoch=3, epochs=5`: a Keras 1 and a Keras 2 spelling of one argument
        return Edit(f"`.{method}()` was removed in Keras 3, and this call gives `{twice}` twice "
                    f"(a Keras 1 and a Keras 2 spelling): call `.{data['to']}()` by hand")
    new = _render(site.node, data["to"], bound.get("generator"), keywords)
    message = f"`.{method}()` was removed in Keras 3: `.{data['to']}()` takes generators"
    message += "".join(f"; {n}" for n in notes)
    if dropped:
        message += (f"; dropped {', '.join(f'`{d}`' for d in dropped)} (Keras 3 takes them in "
                    f"a `keras.utils.PyDataset` subclass's `super().__init__(...)`)")
    if unsure:
        message += ("; nothing shows whether this is Keras 1 code, where the second positional "
                    "counted samples, not steps: run with --from keras1 if it is")
    return Edit(message, new, fix="unsafe" if unsure else "safe")


def _steps(site: Site, bound: dict, name: str, spec: list) -> str | None:
    """`ceil(samples / batch)` as code; "" when the samples are not needed (array data)."""
    _, generator_key = spec
    generator = bound.get(generator_key)
    if generator is None:
        return None
    expr = _ast_of(site, generator.value)
    if generator_key == "validation_data" and _arrays(site, expr):
        return ""  # Keras 1 used nb_val_samples only for generators
    batch = receivers.batch_size(site.facts, expr)
    if batch is None:
        return None
    samples = site.code(bound[name].value)
    if samples.isdigit() and batch.isdigit():
        return str(-(-int(samples) // int(batch)))
    return f"{site.name_for('math.ceil')}({_atom(samples)} / {_atom(batch)})"


def _arrays(site: Site, expr: ast.expr | None) -> bool:
    if isinstance(expr, ast.Name):
        expr = receivers.assignment(site.facts, expr.id)
    return isinstance(expr, (ast.Tuple, ast.List))


def _ast_of(site: Site, node: cst.BaseExpression) -> ast.expr | None:
    try:
        return ast.parse(site.code(node).strip(), mode="eval").body
    except SyntaxError:
        return None


def _atom(code: str) -> str:
    return code if re.fullmatch(r"[\w.\[\]()'\"]+", code) else f"({code})"


def _render(call: cst.Call, to: str, generator: cst.Arg | None, keywords) -> cst.Call:
    """`.to(generator, name=value, ...)`: only the generator stays positional, because the
    new methods' positional parameters (x, y, batch_size, ...) are not the old ones. Each
    argument is the original one changed (its comma and comments kept)."""
    args = [generator.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)] \
        if generator is not None else []
    args += [arg.with_changes(keyword=cst.Name(name), value=value,
                              equal=arg.equal if arg.keyword is not None else A.TIGHT)
             for name, value, arg in keywords]
    return A.with_args(A.set_func(call, to), args)


def _unknown_batch(site: Site, method: str, name: str, bound: dict) -> Edit:
    samples = site.code(bound[name].value)
    return Edit(
        f"`.{method}()` was removed in Keras 3, and its `{name}={samples}` counts samples where "
        f"Keras 3 counts batches: the batch size of this generator is not visible in the file. "
        f"Call `.fit()`/`.evaluate()`/`.predict()` with `steps=ceil({samples} / BATCH_SIZE)`",
        help="e.g. `model.fit(gen, steps_per_epoch=math.ceil(n_samples / batch_size), "
             "epochs=...)`")


# --- predict_classes / predict_proba --------------------------------------------------------

def predict_classes(site: Site, rule) -> Edit | None:
    """Keras 1/2's own implementation: argmax over a last axis > 1, else `> 0.5`. The shape
    checker's trace of the model, when it has one, says which; else argmax, unsafely."""
    if not keras_receiver(site):
        return None
    predict = site.code(A.set_func(site.node, "predict"))
    units = receivers.output_units(site.facts, site.module.code, _receiver(site))
    if units == 1:
        new = f"({predict} > 0.5).astype('int32')"
        how = "its model ends in one unit, so `(model.predict(x) > 0.5).astype('int32')`"
    else:
        new = f"{site.name_for('numpy.argmax')}({predict}, axis=-1)"
        how = "its model has several output units, so `np.argmax(model.predict(x), axis=-1)`" \
            if units else ("`np.argmax(model.predict(x), axis=-1)` for a softmax output; a "
                           "single sigmoid unit needs `(model.predict(x) > 0.5).astype('int32')`")
    return Edit(f"`predict_classes()` was removed (tf.keras 2.6, Keras 3): {how}",
                cst.parse_expression(new), fix="safe" if units else "unsafe")


def predict_proba(site: Site, rule) -> Edit | None:
    if not keras_receiver(site):
        return None
    return Edit("`predict_proba()` was removed (Keras 2.6 / Keras 3); it returned "
                "`predict()`'s output", A.set_func(site.node, "predict"))
