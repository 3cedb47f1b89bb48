"""Saving, loading and callbacks (migration-table.md K1M13-K1M16, K3S01-K3S10, K3C01-K3C04).

Keras 3 decides a file's format by its name: `model.save` takes `.keras` (or legacy
`.h5`/`.hdf5`), `save_weights` only `.weights.h5`, `ModelCheckpoint` `.keras`/`.h5` (weights
only: `.weights.h5`). A path is rewritten only where its suffix is a string literal (the tail
of an f-string, a `+`, `os.path.join` or `.format`); where the same file reads that path back
(`load_weights`, `load_model` with an identical expression), the reader follows the writer.
"""

from __future__ import annotations

import ast
import os
import re

import libcst as cst

from kerasfix.migrate.program import args as A
from kerasfix.migrate.program import receivers
from kerasfix.migrate.program.site import Edit, Site
from kerasfix.migrate.transformer_util import cst_dotted
from kerasfix.names import dotted_name

H5 = (".h5", ".hdf5", ".hdf", ".hd5")
PREFIXES = ("", ".ckpt", ".tf")  # a TensorFlow checkpoint prefix (tf.keras save_weights)
MODEL_DIRS = ("", ".model", ".pb", ".tf", ".savedmodel", ".ckpt")  # SavedModel, or K1 HDF5
SAVE_MODEL = {"keras.models.save_model", "keras.saving.save_model"}
LOAD_MODEL = {"keras.models.load_model", "keras.saving.load_model"}
CHECKPOINT = "keras.callbacks.ModelCheckpoint"


# --- path literals ----------------------------------------------------------------------------

def _suffix(text: str) -> str:
    found = re.search(r"\.[A-Za-z0-9]+$", text)  # `w.{epoch:02d}`: no suffix
    return found.group(0).lower() if found else ""


def _tail(node):
    """The literal that ends a path expression (SimpleString or FormattedStringText, libcst;
    Constant, ast), or None."""
    if isinstance(node, (cst.SimpleString, cst.FormattedStringText)):
        return node
    if isinstance(node, ast.Constant):
        return node if isinstance(node.value, str) else None
    if isinstance(node, (cst.FormattedString, ast.JoinedStr)):
        parts = node.parts if isinstance(node, cst.FormattedString) else node.values
        return _tail(parts[-1]) if parts else None
    if isinstance(node, cst.ConcatenatedString) or isinstance(node, cst.BinaryOperation) and \
            isinstance(node.operator, cst.Add) or isinstance(node, ast.BinOp) and \
            isinstance(node.op, ast.Add):
        return _tail(node.right)
    if isinstance(node, (cst.Call, ast.Call)):
        func = node.func
        if isinstance(func, (cst.Attribute, ast.Attribute)) and _attr(func) == "format":
            return _tail(func.value)
        dotted = (cst_dotted(func) if isinstance(func, cst.BaseExpression) else
                  dotted_name(func)) or ""
        args = [a.value for a in node.args] if isinstance(node, cst.Call) else node.args
        if dotted.endswith("path.join") and args:
            return _tail(args[-1])
    return None


def _attr(func) -> str:
    return func.attr.value if isinstance(func, cst.Attribute) else func.attr


def _text(tail) -> str:
    if isinstance(tail, cst.SimpleString):
        return tail.raw_value
    return tail.value


def _retext(path: cst.BaseExpression, tail, text: str) -> cst.BaseExpression:
    if isinstance(tail, cst.SimpleString):
        new = tail.with_changes(value=f"{tail.prefix}{tail.quote}{text}{tail.quote}")
    else:
        new = tail.with_changes(value=text)
    return path.deep_replace(tail, new) if path is not tail else new


def literal_path(call: ast.Call, nodes=()) -> bool:
    """precheck: does the call's first or second argument end in a string literal, or is it a
    name the file assigns a string?"""
    values = call.args[:2] + [k.value for k in call.keywords if k.arg == "filepath"]
    names = {v.id for v in values if isinstance(v, ast.Name)}
    return any(_tail(v) is not None for v in values) or bool(names) and any(
        isinstance(n, ast.Assign) and isinstance(_tail(n.value), ast.Constant)
        and any(isinstance(t, ast.Name) and t.id in names for t in n.targets) for n in nodes)


def _path(site: Site, value: cst.BaseExpression):
    """(literal node, its text, None) for a path ending in a literal; (None, text, name) for a
    name the file assigns a string literal exactly once; else None."""
    tail = _tail(value)
    if tail is not None:
        return tail, _text(tail), None
    if isinstance(value, cst.Name):
        assigned = receivers.assignment(site.facts, value.value)
        literal = _tail(assigned) if assigned is not None else None
        if isinstance(literal, ast.Constant):
            return None, literal.value, value.value
    return None


# --- what a new name is, per writer ----------------------------------------------------------

def weights_name(text: str):
    suffix = _suffix(text)
    if text.endswith(".weights.h5") or text.endswith(("/", "\\")):
        return None
    if suffix in H5:
        return text[:-len(suffix)] + ".weights.h5", "safe"
    return (text + ".weights.h5", "unsafe") if suffix in PREFIXES else None


def model_name(text: str):
    if _suffix(text) in MODEL_DIRS and not text.endswith(("/", "\\")):
        return text + ".keras", "unsafe"
    return None


def checkpoint_name(text: str, weights_only: bool):
    if weights_only:
        return weights_name(text[:-len(".keras")] + ".h5" if text.endswith(".keras") else text)
    suffix = _suffix(text)
    if suffix in H5 and suffix != ".h5":
        return text[:-len(suffix)] + ".h5", "safe"
    return model_name(text) if suffix != ".h5" else None


NAMERS = {"weights": weights_name, "model": model_name,
          "checkpoint": lambda t: checkpoint_name(t, False),
          "checkpoint_weights": lambda t: checkpoint_name(t, True)}


# --- the file's writers -----------------------------------------------------------------------

_CACHE: dict = {}  # id(facts) -> (facts, {path code: writer kind}): one file at a time


def _writers(site: Site) -> dict[str, str]:
    facts = site.facts
    hit = _CACHE.get(id(facts))
    if hit is None or hit[0] is not facts:
        found: dict[str, str] = {}
        for node in facts.nodes:
            if isinstance(node, ast.Call):
                path, kind = _writer(site, node)
                if path is not None and kind:
                    found.setdefault(ast.unparse(path), kind)
        _CACHE.clear()
        hit = _CACHE[id(facts)] = (facts, found)
    return hit[1]


def _writer(site: Site, call: ast.Call):
    """(path expression, writer kind) of a call that writes a model or weights file."""
    func, keywords = call.func, {k.arg: k.value for k in call.keywords}
    dotted = dotted_name(func)
    found = site.facts.table.resolve(dotted) if dotted else None
    qualname = found.qualname if found else ""
    if qualname == CHECKPOINT:
        path = call.args[0] if call.args else keywords.get("filepath")
        only = keywords.get("save_weights_only", call.args[4] if len(call.args) > 4 else None)
        value = only.value if isinstance(only, ast.Constant) else None if only else False
        kind = {True: "checkpoint_weights", False: "checkpoint"}.get(value)
        return path, kind
    if qualname in SAVE_MODEL:
        return (call.args[1] if len(call.args) > 1 else keywords.get("filepath")), "model"
    if found or not isinstance(func, ast.Attribute) or _module(site, dotted):
        return None, None
    path = call.args[0] if call.args else keywords.get("filepath")
    if func.attr == "save_weights":
        return path, "weights"
    if func.attr == "save" and _model_like(site, dotted_name(func.value)):
        return path, "model"
    return None, None


def _module(site: Site, dotted: str | None) -> bool:
    return bool(dotted) and "." in dotted and dotted.split(".")[0] in site.names.imported


def _model_like(site: Site, receiver: str | None) -> bool:
    """A Keras model (known to the file), or a receiver named like one that the file does not
    assign from another library (`model = Word2Vec(...)` is gensim's)."""
    if not receiver:
        return False
    if receivers.is_model(site.facts, receiver):
        return True
    if "model" not in receiver.rpartition(".")[2].lower():
        return False
    value = receivers.assignment(site.facts, receiver) if "." not in receiver else None
    head = (dotted_name(value.func) or "").split(".")[0] if isinstance(value, ast.Call) else ""
    return not (head in site.names.imported and site.facts.table.resolve(head) is None)


def _code(site: Site, node: cst.BaseExpression) -> str | None:
    try:
        return ast.unparse(ast.parse(site.code(node).strip(), mode="eval").body)
    except SyntaxError:
        return None


def _path_arg(call: cst.Call, index: int = 0) -> cst.Arg | None:
    given = A.positionals(call)
    return A.keyword(call, "filepath") or (given[index] if len(given) > index else None)


def _renamed(site: Site, call: cst.Call, arg: cst.Arg, kind: str):
    """(new call, old text, new text, fix) with the path renamed for `kind`, or None. A path
    held in a variable gets an appended suffix as `name + '.keras'` (unsafe: the variable's
    other uses keep the old name); a changed suffix there is reported: new call None."""
    found = _path(site, arg.value)
    named = NAMERS[kind](found[1]) if found is not None else None
    if named is None:
        return None
    (tail, old, name), (text, fix) = found, named
    whole = name is not None or isinstance(arg.value, cst.SimpleString)  # old is the path
    if kind in ("weights", "model") and whole and text.startswith(old) and \
            os.path.dirname(old) not in ("", "."):
        return None, old, text, "folder"  # TensorFlow made the folder, Keras 3 does not
    if name is None:
        return _with_value(call, arg, _retext(arg.value, tail, text)), old, text, fix
    if not text.startswith(old):
        return None, old, text, fix
    value = cst.parse_expression(f"{name} + {text[len(old):]!r}")
    return _with_value(call, arg, value), old, text, "unsafe"


def _manual_rename(code: str, old: str, text: str, why: str) -> Edit:
    if why == "folder":
        folder = os.path.dirname(old)
        return Edit(f"`'{old}'`: Keras 3 needs `'{text}'`, and unlike a TensorFlow SavedModel "
                    f"or checkpoint it does not create the folder `{folder}`: create it first",
                    help=f"os.makedirs({folder!r}, exist_ok=True), then save to {text!r}")
    return Edit(f"`{code}` holds `'{old}'`, which Keras 3 refuses here: assign `'{text}'` "
                f"to it (and read that name back)")


def _with_value(call: cst.Call, arg: cst.Arg, value: cst.BaseExpression) -> cst.Call:
    return call.with_changes(args=[a.with_changes(value=value) if a is arg else a
                                   for a in call.args])


def _reader(site: Site, call: cst.Call, arg: cst.Arg | None, kinds) -> Edit | None:
    """A load_weights/load_model of a path this file writes with a writer of `kinds`."""
    code = _code(site, arg.value) if arg is not None else None
    kind = _writers(site).get(code) if code else None
    if kind not in kinds:
        return None
    done = _renamed(site, call, arg, kind)
    if done is None or done[0] is None:
        return None  # a changed suffix in a variable: reported at the writer
    new, old, text, fix = done
    return Edit(f"`{old}` is written under a new name in this file (Keras 3's suffix rules): "
                f"read `{text}`", new, fix=fix)


# --- model.save / save_model / load_model (KF360) --------------------------------------------

def model_path(site: Site, rule) -> Edit | list[Edit] | None:
    call = site.node
    if site.qualname in LOAD_MODEL:
        return _reader(site, call, _path_arg(call), ("model",)) or _load_dir(site, call) \
            or _h5_loss(site, call)
    arg = _path_arg(call, 1 if site.qualname else 0)
    if arg is None or not site.qualname and not _model_like(site, cst_dotted(call.func.value)):
        return None
    edits = []
    unsupported = [a.keyword.value for a in call.args if a.keyword is not None
                   and a.keyword.value in ("signatures", "options", "save_traces")]
    if unsupported:
        edits.append(Edit(f"`save({unsupported[0]}=...)`: Keras 3 rejects it (ValueError 'not "
                          "supported'); a SavedModel with signatures comes from "
                          "`model.export(dir)`"))
    fmt = A.keyword(call, "save_format")
    if fmt is None:
        done = _renamed(site, call, arg, "model")
        if done is not None and done[0] is None:
            edits.append(_manual_rename(site.code(arg.value), *done[1:]))
        elif done is not None:
            new, old, text, fix = done
            edits.append(Edit(f"`'{old}'`: Keras 3 saves a model only to a `.keras` (or legacy "
                              f"`.h5`) path (ValueError otherwise): `'{text}'`; the readers of "
                              "this file must use the new name too", new, fix=fix))
        return edits
    return edits + [_save_format(site, call, arg, fmt)]


def _save_format(site: Site, call: cst.Call, arg: cst.Arg, fmt: cst.Arg) -> Edit:
    value = site.value(fmt.value)
    if value not in ("h5", "keras"):
        return Edit(f"`save_format={site.code(fmt.value)}`: Keras 3 has no `save_format` and no "
                    "SavedModel `save`: use `model.export(dir)` for serving (inference only), "
                    "or save to a `.keras` file", severity="error")
    tail, suffix, fix = _tail(arg.value), "." + value, "safe"
    if tail is not None and not _text(tail).endswith((".keras", ".h5", ".hdf5")):
        call = _with_value(call, arg, _retext(arg.value, tail, _text(tail) + suffix))
        fix = "unsafe"
    new, _ = A.drop_keywords(call, {"save_format"})
    return Edit(f"`save_format=`: Keras 3 reads the format from the suffix (`{suffix}`)"
                + ("; the readers of this file must use the new name too"
                   if fix == "unsafe" else ""), new, fix=fix,
                severity="warning" if fix == "safe" else "error")


def _load_dir(site: Site, call: cst.Call) -> Edit | None:
    arg = _path_arg(call)
    tail = _tail(arg.value) if arg is not None else None
    if tail is None or _suffix(_text(tail)) not in MODEL_DIRS:
        return None
    if _code(site, arg.value) in _writers(site):
        return None  # written in this file: its writer's rule renames both
    return Edit(f"`load_model('{_text(tail)}')`: Keras 3 loads only `.keras` and legacy `.h5` "
                "files (ValueError): an HDF5 file saved without a suffix needs `.h5`; a "
                "TensorFlow SavedModel directory loads for inference with "
                "`keras.layers.TFSMLayer(path, call_endpoint='serving_default')`")


SHORT_LOSSES = {"mse", "mae", "mape", "msle", "kld"}  # Keras 3 cannot rebuild them from .h5


def _h5_loss(site: Site, call: cst.Call) -> Edit | None:
    """`load_model('m.h5')` in a file compiling with `loss='mse'`: Keras 3 saves such a model
    to .h5 but cannot load it compiled (K3S09)."""
    arg = _path_arg(call)
    tail = _tail(arg.value) if arg is not None else None
    if tail is None or _suffix(_text(tail)) not in (".h5", ".hdf5") or \
            A.keyword(call, "compile") is not None or len(A.positionals(call)) > 2:
        return None
    losses = set()
    for node in site.facts.nodes:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr == "compile":
            given = [k.value for k in node.keywords if k.arg == "loss"] + node.args[1:2]
            losses |= {c.value for v in given for c in ast.walk(v)
                       if isinstance(c, ast.Constant) and c.value in SHORT_LOSSES}
    if not losses:
        return None
    loss = sorted(losses)[0]
    return Edit(f"`load_model('{_text(tail)}')`: Keras 3 cannot load a legacy `.h5` model "
                f"compiled with `loss='{loss}'` (ValueError \"Could not deserialize "
                f"'keras.metrics.{loss}'\"), and this file compiles with it",
                help="load with compile=False and compile the model again")


# --- save_weights / load_weights (KF361) ------------------------------------------------------

def weights_path(site: Site, rule) -> Edit | list[Edit] | None:
    call, method = site.node, site.node.func.attr.value
    arg = _path_arg(call)
    if arg is None:
        return None
    by_name = A.keyword(call, "by_name")
    if method == "load_weights":
        edit = _reader(site, call, arg, ("weights",))
        if edit is not None and by_name is not None and site.value(by_name.value) is not False:
            return Edit("`load_weights(..., by_name=True)` reads only legacy `.h5` files in "
                        "Keras 3, and `save_weights` writes `.weights.h5`: save with "
                        "`model.save('x.h5')` to load by name, or drop `by_name`")
        return edit or _unknown_weights(site, arg, by_name)
    if _by_name_reader(site, arg):
        return Edit("this file loads these weights with `by_name=True`, which Keras 3 allows only "
                    "on legacy `.h5` files, while `save_weights` must write `.weights.h5`: save "
                    "with `model.save('x.h5')` to load by name, or drop `by_name`")
    done = _renamed(site, call, arg, "weights")
    if done is None:
        return None
    if done[0] is None:
        return _manual_rename(site.code(arg.value), *done[1:])
    new, old, text, fix = done
    new, _ = A.drop_keywords(new, {"save_format"})
    return Edit(f"`save_weights('{old}')`: Keras 3 writes weights only to `.weights.h5` files "
                f"(ValueError): `'{text}'`" + ("; the readers of this file must use the new "
                                               "name too" if fix == "unsafe" else ""),
                new, fix=fix)


def _by_name_reader(site: Site, arg: cst.Arg) -> bool:
    code = _code(site, arg.value)
    for node in site.facts.nodes:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr == "load_weights" and node.args and \
                ast.unparse(node.args[0]) == code and any(
                    k.arg == "by_name" and not (isinstance(k.value, ast.Constant)
                                                and k.value.value is False)
                    for k in node.keywords):
            return True
    return False


def _unknown_weights(site: Site, arg: cst.Arg, by_name) -> Edit | None:
    """A weights file this file does not write: Keras 3 still loads legacy `.h5`."""
    found = _path(site, arg.value)
    if found is None or _code(site, arg.value) in _writers(site):
        return None
    text, suffix = found[1], _suffix(found[1])
    if suffix in PREFIXES and not text.endswith(("/", "\\")):
        return Edit(f"`load_weights('{text}')`: a TensorFlow checkpoint prefix; Keras 3 loads "
                    "only `.weights.h5`, `.keras` and legacy `.h5` files (ValueError): "
                    "re-save the weights as `.weights.h5` with the program that wrote them")
    if by_name is not None and site.value(by_name.value) is not False and suffix not in H5:
        return Edit("`load_weights(..., by_name=True)`: Keras 3 loads by name only from "
                    "legacy `.h5` files (ValueError)")
    return None


# --- ModelCheckpoint (KF362) ------------------------------------------------------------------

def checkpoint(site: Site, rule) -> list[Edit] | Edit | None:
    call = site.node
    if site.qualname in LOAD_MODEL or isinstance(call.func, cst.Attribute) and not \
            site.qualname:
        return _reader(site, call, _path_arg(call), ("checkpoint", "checkpoint_weights"))
    if A.has_star(call):
        return None
    edits, notes, new, fix = [], [], call, "safe"
    if len(A.positionals(call)) > 6:
        edits.append(Edit("`ModelCheckpoint(...)`: the seventh positional was `period` in "
                          "Keras 1/2 and is `save_freq` (in batches) in Keras 3: pass it by "
                          "keyword"))
    period = A.keyword(call, "period")
    if period is not None and site.value(period.value) == 1:
        new, _ = A.drop_keywords(new, {"period"})
        notes.append("`period=1` dropped (Keras 3 saves every epoch by default)")
    elif period is not None:
        edits.append(Edit(f"`period={site.code(period.value)}`: Keras 3 has no `period` "
                          "(TypeError); `save_freq` counts batches: `save_freq=N * "
                          "steps_per_epoch`", help="or save from a callback's `on_epoch_end`"))
    if A.keyword(call, "options") is not None:
        new, _ = A.drop_keywords(new, {"options"})
        notes.append("`options=` dropped (Keras 3 has no TensorFlow save options)")
    if A.keyword(call, "load_weights_on_restart") is not None:
        edits.append(Edit("`load_weights_on_restart=`: not in Keras 3 (TypeError); resuming "
                          "is `keras.callbacks.BackupAndRestore`'s job"))
    arg = _path_arg(new)
    only = A.keyword(new, "save_weights_only") or (A.positionals(new)[4]
                                                   if len(A.positionals(new)) > 4 else None)
    weights_only = False if only is None else site.value(only.value)
    found = _path(site, arg.value) if arg is not None else None
    if found is not None:
        if weights_only in (True, False):
            done = _renamed(site, new, arg, "checkpoint_weights" if weights_only
                            else "checkpoint")
            if done is not None and done[0] is None:
                edits.append(_manual_rename(site.code(arg.value), *done[1:]))
            elif done is not None:
                new, old, text, fix = done
                notes.append(f"`'{old}'` -> `'{text}'` (Keras 3 checkpoints: `.keras`/`.h5`, "
                             "weights only `.weights.h5`)")
        elif weights_name(found[1]) or model_name(found[1]):
            edits.append(Edit("`ModelCheckpoint` path: Keras 3 wants `.weights.h5` when "
                              "`save_weights_only` is true and `.keras`/`.h5` otherwise; "
                              "`save_weights_only` is not a literal here"))
    if notes:
        edits.append(Edit(f"`ModelCheckpoint(...)`: {'; '.join(notes)}", new, fix=fix))
    return edits


# --- to_yaml / model_from_yaml (KF363) --------------------------------------------------------

def yaml_to_json(site: Site, rule) -> Edit | None:
    call = site.node
    if site.qualname:
        local = cst_dotted(call.func)
        new = call.with_changes(func=cst.parse_expression(
            site.name_for("keras.models.model_from_json")))
        if local and "." not in local:
            site.maybe_unused(local)
        what = "`model_from_yaml()`"
    elif _model_like(site, cst_dotted(call.func.value)):
        new, what = A.set_func(call, "to_json"), "`to_yaml()`"
    else:
        return None
    return Edit(f"{what}: YAML model configs are gone (tf.keras 2.6, Keras 3): JSON "
                "(`to_json()` / `model_from_json()`); a file holding the text changes format "
                "too", new, fix="unsafe")


# --- callbacks (KF370, KF372) -----------------------------------------------------------------

def reduce_lr_epsilon(site: Site, rule) -> Edit | None:
    call = site.node
    if A.keyword(call, "min_delta") is not None:
        return Edit("`ReduceLROnPlateau(epsilon=..., min_delta=...)`: both given; Keras 3 "
                    "silently ignores `epsilon` (Keras 2 let it win): keep one as `min_delta`")
    new, notes = A.rename_keywords(call, {"epsilon": "min_delta"})
    return Edit("`ReduceLROnPlateau(epsilon=...)`: Keras 3 silently ignores `epsilon` (it "
                "takes **kwargs; `min_delta` stays 1e-4): `min_delta`", new) if notes else None


def progbar_logger(site: Site, rule) -> Edit | None:
    call = site.node
    if site.qualname.endswith("BaseLogger"):
        return Edit("`BaseLogger` is not in Keras 3 (`fit()` averages the metrics itself): "
                    "remove it from the callbacks")
    new, dropped = A.drop_keywords(call, {"count_mode", "stateful_metrics"})
    if not dropped:
        return None
    return Edit(f"`ProgbarLogger({dropped[0]}=...)`: Keras 3's takes no arguments (TypeError); "
                "it counts steps", new)
