"""Optimizers (migration-table.md 3b, K3O01-K3O08, K1M20).

SGD(0.01, 0.9, 1e-6, True)        -> SGD(0.01, 0.9, decay=1e-6, nesterov=True)   (Keras 1 code)
Adam(lr=1e-4)                     -> Adam(learning_rate=1e-4)
SGD(lr=0.01, decay=1e-6)          -> SGD(learning_rate=InverseTimeDecay(initial_learning_rate=0.01,
                                         decay_steps=1, decay_rate=1e-6))
tf.keras.optimizers.legacy.Adam   -> tf.keras.optimizers.Adam
model.optimizer.lr                -> model.optimizer.learning_rate
Adadelta() / 'adadelta'           -> Adadelta(learning_rate=1.0)                  (Keras 1 code)
"""

from __future__ import annotations

import ast

import libcst as cst

from kerasfix.migrate.program import args as A
from kerasfix.migrate.program.site import Edit, Site
from kerasfix.migrate.transformer_util import cst_dotted
from kerasfix.names import canonical, dotted_name

NAMESPACES = ("legacy", "experimental")  # keras.optimizers.<ns>.X, gone in Keras 3
BOOLEAN = {"nesterov", "amsgrad", "centered"}  # the optimizer parameters that take a bool
ORDINAL = ["first", "second", "third", "fourth", "fifth", "sixth"]


def _class(site: Site) -> str:
    return site.qualname.rpartition(".")[2]


def _tf_era(site: Site) -> bool:
    """tf.keras, or a namespace only tf.keras had: the tf.keras 2.x signatures and defaults."""
    return site.flavour == "tf.keras" or site.qualname.split(".")[2] in NAMESPACES


# --- Keras 1 positional order (KF340) -------------------------------------------------------

def many_positionals(call: ast.Call) -> bool:
    return len(call.args) >= 2


def _fits(value, param: str):
    """Can a literal be a value of `param`? None when the value says nothing."""
    if isinstance(value, bool):
        return param in BOOLEAN
    if isinstance(value, (int, float)):
        return param not in BOOLEAN
    return None


def _reading(site: Site, values: list, old: list[str], new: list[str]) -> str:
    """"keras1", "keras3" or "unsure": which signature the positionals were written for."""
    k1 = all(_fits(v, p) is not False for v, p in zip(values, old))
    k3 = all(_fits(v, p) is not False for v, p in zip(values, new))
    if k1 != k3:
        return "keras1" if k1 else "keras3"
    if site.keras1:
        return "keras1"
    # Keras 2.0-2.2 kept Keras 1's order and 2.3 changed it: --from keras2 does not decide.
    if site.flavour == "tf.keras" or site.evidence == "keras3" or site.source == "tf.keras":
        return "keras3"
    return "unsure"


def keras1_positionals(site: Site, rule) -> Edit | None:
    call, name = site.node, _class(site)
    old, new = rule.data["keras1"][name], rule.data["keras3"][name]
    first = next(i for i in range(1, len(old)) if old[i] != new[i])
    given = A.positionals(call)
    if len(given) <= first or len(given) > len(old) or A.has_star(call):
        return None  # nothing past the shared prefix (more than Keras 1 took: not Keras 1)
    values = [site.value(a.value) for a in given[first:]]
    reading = _reading(site, values, old[first:], new[first:])
    if reading == "keras3":
        return None
    twice = [n for n in old[first:len(given)] if A.has_keyword(call, n)]
    if twice:  # a TypeError in Keras 1 too; as keywords it would not even compile
        return Edit(f"`{name}(...)`: `{twice[0]}` is given by position (the Keras 1 signature "
                    f"`{name}({', '.join(old)})`) and by keyword: keep one of them")
    fixed = A.positional_to_keywords(call, [None] * first + old[first:len(given)])
    message = (f"`{name}(...)`: positional arguments by the Keras 1 signature "
               f"`{name}({', '.join(old)})`; in Keras 3 the {ORDINAL[first]} positional is "
               f"`{new[first]}`")
    if reading == "unsure":
        message += ("; nothing in the file shows it is Keras 1 code (Keras 2.3+ and tf.keras "
                    "read them as Keras 3 does): check, or run with --from keras1")
    return Edit(message, fixed, fix="safe" if reading == "keras1" else "unsafe")


# --- lr= and decay= (KF341, KF342) ----------------------------------------------------------

def lr_keyword(site: Site, rule) -> Edit | None:
    call, name = site.node, _class(site)
    if A.has_keyword(call, "lr") and A.has_keyword(call, "learning_rate"):
        return Edit(f"`{name}(lr=..., learning_rate=...)`: both given (Keras 2.3 used `lr`); "
                    "Keras 3 rejects `lr`: keep one of them as `learning_rate`")
    new, notes = A.rename_keywords(call, {"lr": "learning_rate"})
    epsilon = A.keyword(new, "epsilon")
    if epsilon is not None and site.value(epsilon.value) is None and site.is_literal(
            epsilon.value):  # Keras 2.2's default: None meant the backend epsilon, 1e-7
        new, _ = A.drop_keywords(new, {"epsilon"})
        notes.append("`epsilon=None` dropped (Keras 2 read it as 1e-7, Keras 3's default; "
                     "Keras 3 fails on None)")
    if not notes:
        return None
    message = f"`{name}(...)`: {'; '.join(notes)}"
    if site.flavour == "tf.keras" and A.has_keyword(call, "lr"):
        message += ("; note that tf.keras 2.11-2.15 ignored `lr=` (it trained with the "
                    "default): with `learning_rate=` the value written is used")
    return Edit(message, new)


def _zero(site: Site, node: cst.BaseExpression) -> bool:
    value = site.value(node)
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0


def decay_schedule(site: Site, rule) -> Edit | None:
    call, name = site.node, _class(site)
    decay = A.keyword(call, "decay")
    if decay is None or A.has_star(call):
        return None
    if _zero(site, decay.value):
        new, _ = A.drop_keywords(call, {"decay"})
        return Edit(f"`{name}(decay=0)`: Keras 3 has no `decay` (ignored with a warning); 0 "
                    "did nothing: dropped", new, severity="warning")
    lr = A.keyword(call, "learning_rate") or A.keyword(call, "lr") or next(
        iter(A.positionals(call)), None)
    table = rule.data["tf_keras_lr" if _tf_era(site) else "keras1_lr"]
    if lr is None and not (_tf_era(site) or site.keras1) and \
            rule.data["keras1_lr"].get(name) != rule.data["tf_keras_lr"].get(name):
        return Edit(f"`{name}(decay=...)`: Keras 3 ignores `decay`; a learning-rate schedule "
                    f"replaces it, but the default learning rate of `{name}` was "
                    f"{rule.data['keras1_lr'][name]} in Keras 1/2 and "
                    f"{rule.data['tf_keras_lr'][name]} in tf.keras: pass `learning_rate=` "
                    "explicitly", severity="warning")
    initial = site.code(lr.value) if lr is not None else table[name]
    schedule = cst.parse_expression(
        f"{site.name_for('keras.optimizers.schedules.InverseTimeDecay')}(initial_learning_rate="
        f"{initial}, decay_steps=1, decay_rate={site.code(decay.value)})")
    if lr is None:  # the schedule takes the place of `decay`
        args = [a.with_changes(keyword=cst.Name("learning_rate"), value=schedule)
                if a is decay else a for a in call.args]
        new = call.with_changes(args=args)
    else:
        keyword = cst.Name("learning_rate") if lr.keyword is not None else None
        args = [a.with_changes(keyword=keyword, value=schedule) if a is lr else a
                for a in call.args]
        new, _ = A.drop_keywords(call.with_changes(args=args), {"decay"})
    message = (f"`{name}(decay=...)`: Keras 3 ignores `decay` (with a warning); Keras 1/2 "
               "computed lr / (1 + decay * iterations), which is `InverseTimeDecay(..., "
               "decay_steps=1)`")
    if _sets_lr(site):
        message += ("; this file also sets the learning rate, which Keras 3 refuses on an "
                    "optimizer built with a schedule (TypeError): check that code")
        return Edit(message, new, fix="unsafe", severity="warning")
    return Edit(message, new, severity="warning")


_LR_SETTERS = {"keras.callbacks.ReduceLROnPlateau", "keras.callbacks.LearningRateScheduler"}


def _sets_lr(site: Site) -> bool:
    """Does the file set a learning rate: an LR callback, `x.lr = ...`, `set_value(x.lr, ...)`,
    `x.learning_rate.assign(...)`?"""
    table = site.facts.table
    for node in site.facts.nodes:
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Attribute) and t.attr in ("lr", "learning_rate")
                   for t in targets):
                return True
        elif isinstance(node, ast.Call):
            dotted = dotted_name(node.func)
            found = table.resolve(dotted) if dotted else None
            if found is not None and found.qualname in _LR_SETTERS:
                return True
            if dotted and dotted.rpartition(".")[2] in ("set_value", "assign") and any(
                    ".lr" in ast.unparse(a) or ".learning_rate" in ast.unparse(a)
                    for a in [node.func, *node.args]):
                return True
    return False


# --- keras.optimizers.legacy / experimental (KF344) ----------------------------------------

def legacy_namespace(site: Site, rule) -> Edit | None:
    node = site.node
    if isinstance(node, (cst.ImportFrom, cst.Import)):
        return _legacy_import(site, rule, node) if isinstance(node, cst.ImportFrom) else None
    func = node.func
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute) and \
            func.value.attr.value in NAMESPACES:
        new = node.with_changes(func=func.with_changes(value=func.value.value))
    elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
        new = node.with_changes(func=cst.parse_expression(
            site.name_for(f"keras.optimizers.{func.attr.value}")))
        site.maybe_unused(func.value.value)
    else:
        return None  # a bare name: its import is what changes
    return Edit(f"`{site.dotted or 'keras.optimizers.legacy'}`: Keras 3 has only "
                "`keras.optimizers`", new)


def _legacy_import(site: Site, rule, node: cst.ImportFrom) -> Edit | None:
    if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
        return None
    module = cst_dotted(node.module) or ""
    found = canonical(module)
    if found is None or found.qualname not in rule.data["modules"]:
        return None
    names = [a.name.value for a in node.names if isinstance(a.name, cst.Name)]
    missing = [n for n in names if n not in rule.data["keras3"]]
    if missing or "Optimizer" in names:
        return Edit(f"`from {module} import ...`: Keras 3 has no `{module}`; "
                    + (f"`{missing[0]}` is not in `keras.optimizers`" if missing else
                       "`Optimizer` subclasses written against the legacy optimizer API "
                       "(`_resource_apply_dense`, `get_updates`) need porting to `build()` + "
                       "`update_step()`"),
                    help=None if missing else "Keras 3: keras.optimizers.Optimizer with "
                    "build() + update_step()")
    new = node.with_changes(module=cst.parse_expression(module.rpartition(".")[0]))
    return Edit(f"`{module}`: Keras 3 has only `keras.optimizers`", new)


# --- the .lr attribute (KF345) ---------------------------------------------------------------

_CACHE: dict = {}  # id(facts) -> (facts, {name: what it is assigned}): one file at a time


def _bindings(facts) -> dict[str, str]:
    """name -> "optimizer" (assigned a Keras optimizer), "other" (assigned anything else)."""
    hit = _CACHE.get(id(facts))
    if hit is None or hit[0] is not facts:
        found: dict[str, str] = {}
        for node in facts.nodes:
            if isinstance(node, ast.Assign):
                kind = "other"
                if isinstance(node.value, ast.Call):
                    dotted = dotted_name(node.value.func)
                    resolved = facts.table.resolve(dotted) if dotted else None
                    if resolved and resolved.qualname.startswith("keras.optimizers."):
                        kind = "optimizer"
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        seen = found.setdefault(target.id, kind)
                        found[target.id] = seen if seen == kind else "other"
        _CACHE.clear()
        hit = _CACHE[id(facts)] = (facts, found)
    return hit[1]


def optimizer_like(site: Site, receiver: cst.BaseExpression) -> bool:
    """`model.optimizer`, `self.model.optimizer`, a name assigned a Keras optimizer, or a
    name `optimizer` the file does not assign anything else."""
    if isinstance(receiver, cst.Attribute):
        return receiver.attr.value == "optimizer"
    if isinstance(receiver, cst.Name):
        bound = _bindings(site.facts).get(receiver.value)
        return bound == "optimizer" or bound is None and receiver.value == "optimizer"
    return False


def lr_attribute(site: Site, rule) -> Edit | None:
    node = site.node
    if not isinstance(node, cst.Attribute) or not optimizer_like(site, node.value):
        return None
    new = node.with_changes(attr=cst.Name("learning_rate"))
    return Edit(f"`{site.code(site.original)}`: Keras 3 optimizers have no `lr` (a read raises "
                "AttributeError, an assignment is never read): `learning_rate`", new)


# --- removed optimizer API (KF346) ----------------------------------------------------------

def removed_api(site: Site, rule) -> Edit | None:
    node = site.node
    if isinstance(node, cst.ClassDef):
        return _legacy_optimizer_class(site, rule, node)
    if site.qualname:
        return Edit("`TFOptimizer` (a wrapper of a TensorFlow 1 optimizer) is not in Keras 3: "
                    "use a `keras.optimizers` optimizer",
                    help="Keras 3: a keras.optimizers optimizer")
    func = node.func
    if not optimizer_like(site, func.value):
        return None
    method = func.attr.value
    return Edit(f"`.{method}()`: Keras 3 optimizers have no `{method}`; apply gradients with "
                "`optimizer.apply_gradients(zip(grads, variables))` (gradients from "
                "`tf.GradientTape` or a custom `train_step`)",
                help="Keras 3: optimizer.apply_gradients(zip(grads, variables))")


def _legacy_optimizer_class(site: Site, rule, node: cst.ClassDef) -> Edit | None:
    bases = [cst_dotted(b.value) for b in node.bases]
    resolved = [site.facts.table.resolve(b, site.facts.star_symbols) for b in bases if b]
    if not any(r and r.qualname.startswith("keras.optimizers.") for r in resolved):
        return None
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    legacy = [s.name.value for s in body if isinstance(s, cst.FunctionDef)
              and s.name.value in ("get_updates", "get_gradients")]
    if not legacy:
        return None
    return Edit(f"`class {node.name.value}`: Keras 3 optimizers never call `{legacy[0]}()`; "
                "port it to `build(variables)` (create the slots) and `update_step(gradient, "
                "variable, learning_rate)`",
                help="Keras 3: implement build(variables) and update_step(gradient, variable, lr)")


# --- Keras 1 default learning rates (KF347) -------------------------------------------------

STRINGS = {"adadelta", "adagrad", "adamax", "nadam"}


def default_optimizer(call: ast.Call) -> bool:
    if isinstance(call.func, ast.Attribute) and call.func.attr == "compile":
        given = [k.value for k in call.keywords if k.arg == "optimizer"] + call.args[:1]
        return any(isinstance(v, ast.Constant) and v.value in STRINGS for v in given)
    return not call.args and not any(k.arg in ("lr", "learning_rate", None)
                                     for k in call.keywords)


def keras1_defaults(site: Site, rule) -> Edit | None:
    call = site.node
    if not site.keras1 or A.has_star(call):
        return None
    if not site.qualname:  # .compile(optimizer='adadelta')
        return _compile_string(site, rule, call)
    name = _class(site)
    if A.positionals(call) or A.has_keyword(call, "lr", "learning_rate"):
        return None
    defaults = rule.data["defaults"][name]
    new = A.append_args(call, [cst.Arg(value=cst.parse_expression(v.split("=")[1]),
                                       keyword=cst.Name(v.split("=")[0]), equal=A.TIGHT)
                               for v in defaults.split(", ")])
    return Edit(f"`{name}()`: Keras 1 defaulted to `{defaults}`, Keras 3 to learning_rate="
                "0.001: the Keras 1 default, written out, keeps what this code trained with",
                new, severity="warning")


def _compile_string(site: Site, rule, call: cst.Call) -> Edit | None:
    arg = A.keyword(call, "optimizer")
    if arg is None:
        given = A.positionals(call)
        arg = given[0] if given else None
    value = site.value(arg.value) if arg is not None else None
    if not isinstance(value, str) or value not in rule.data["strings"]:
        return None
    name = rule.data["strings"][value]
    built = cst.parse_expression(f"{site.name_for(f'keras.optimizers.{name}')}("
                                 f"{rule.data['defaults'][name]})")
    new = call.with_changes(args=[a.with_changes(value=built) if a is arg else a
                                  for a in call.args])
    return Edit(f"`optimizer='{value}'`: Keras 1 built `{name}({rule.data['defaults'][name]})`,"
                f" Keras 3 builds it with learning_rate=0.001: the Keras 1 default, written "
                "out, keeps what this code trained with", new, severity="warning")
