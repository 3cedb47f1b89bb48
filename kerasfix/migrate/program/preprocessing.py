"""Preprocessing and datasets (migration-table.md K1U06-K1U09, K3P01-K3P06).

ImageDataGenerator, Tokenizer, TimeseriesGenerator        reported (Keras 3 has none of them)
class D(Sequence) whose __init__ skips super().__init__() -> super().__init__() added
load_img(p, grayscale=True)                               -> load_img(p, color_mode='grayscale')
img_to_array(img, dim_ordering='th')                      -> img_to_array(img, data_format=...)
"""

from __future__ import annotations

import libcst as cst

from kerasfix.migrate.program import args as A
from kerasfix.migrate.program.site import Edit, Site
from kerasfix.migrate.transformer_util import cst_dotted
from kerasfix.names import canonical


def legacy_preprocessing(site: Site, rule) -> Edit | None:
    """A name of the legacy preprocessing modules Keras 3 dropped: an ImportError under
    `keras`, reported where it fails (the import, or the call through a module). In a file
    that also imports plain `keras`, an unsafe fix imports the deprecated one from
    `tensorflow.keras` (TF 2.16+ keeps it; it needs TensorFlow). In a tf.keras-only file, a
    warning: a move to `import keras` breaks it. (A file mixing both keeps its tf.keras import
    silently: that is what the fix writes.)"""
    node, module = site.node, rule.data["module"]
    legacy = {q.rpartition(".")[2] for q in rule.calls}
    if isinstance(node, cst.Call):
        head = (cst_dotted(node.func) or "").split(".")[0]
        bound = site.facts.table.names.get(head)
        via = canonical(bound) if bound else None
        if bound and (isinstance(node.func, cst.Name) or via is not None
                      and via.qualname == "keras.preprocessing.text"):
            return None  # imported by name (or the missing module itself): at its import
        new = None
        if site.flavour == "keras":
            new = node.with_changes(func=cst.parse_expression(
                site.name_for(f"tensorflow.{site.qualname}")))
            site.maybe_unused(head)
        return _legacy_name(site, rule, site.qualname.rpartition(".")[2], site.flavour, new)
    if isinstance(node, cst.Import):
        found = [canonical(cst_dotted(a.name) or "") for a in node.names]
        hits = [f for f in found if f and f.qualname == f"keras.preprocessing.{module}"]
        if not hits or module != "text":
            return None
        alias = node.names[0]
        new = node.with_changes(names=[alias.with_changes(name=cst.parse_expression(
            "tensorflow.keras.preprocessing.text"))]) if len(node.names) == 1 and \
            alias.asname is not None and _plain_keras(site, {alias.asname.name.value}) else None
        return _legacy_name(site, rule, None, hits[0].flavour, new)
    if node.module is None or node.relative or isinstance(node.names, cst.ImportStar):
        return None
    found = canonical(cst_dotted(node.module) or "")
    names = [a.name.value for a in node.names if isinstance(a.name, cst.Name)]
    hits = [n for n in names if n in legacy]
    if found is None:
        return None
    if found.qualname == "keras.preprocessing" and module == "text" and "text" in names:
        hits = [None]
    elif found.qualname != f"keras.preprocessing.{module}" or not hits:
        return None
    locals_ = {a.asname.name.value if a.asname else a.name.value for a in node.names
               if isinstance(a.name, cst.Name)}
    new = node.with_changes(module=cst.parse_expression(f"tensorflow.{found.qualname}")) \
        if _plain_keras(site, locals_) else None
    return _legacy_name(site, rule, hits[0], found.flavour, new)


def _plain_keras(site: Site, besides: set[str]) -> bool:
    """Does the file import plain `keras` other than through the names `besides`?"""
    for local, target in site.facts.table.names.items():
        found = canonical(target)
        if local not in besides and found is not None and found.flavour == "keras":
            return True
    return False


def _legacy_name(site: Site, rule, name: str | None, flavour: str, new=None) -> Edit | None:
    module = rule.data["module"]
    what = f"`{name}`" if name else f"`keras.preprocessing.{module}`"
    if flavour == "tf.keras":
        if _plain_keras(site, set()):
            return None  # a deliberate tf.keras import next to plain keras (or the fix's)
        return Edit(f"{what} is deprecated: only `tf.keras.preprocessing.{module}` still has it "
                    "(Keras 3 itself does not: moving this file to `import keras` breaks it); "
                    f"use {rule.data['instead']}", help=rule.data["help"], severity="warning")
    where = f"`keras.preprocessing.{module}` has no `{name}`" if name else "no such module"
    return Edit(f"{what} is not in Keras 3 ({where}: ImportError); use {rule.data['instead']}"
                + (f"; or, unsafe fix, the deprecated one from `tensorflow.keras.preprocessing."
                   f"{module}` (needs TensorFlow)" if new is not None else ""),
                new, fix="unsafe", help=rule.data["help"])


# --- Sequence subclasses (KF384) --------------------------------------------------------------

SEQUENCE = {"keras.utils.Sequence", "keras.utils.PyDataset", "keras.utils.data_utils.Sequence"}


class _SuperInit(cst.CSTVisitor):
    """Does a function call `super().__init__` / `super(C, self).__init__` / `Base.__init__`?"""

    def __init__(self):
        self.found = False

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "__init__":
            self.found = True


def _init(node: cst.ClassDef) -> cst.FunctionDef | None:
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    return next((s for s in body if isinstance(s, cst.FunctionDef)
                 and s.name.value == "__init__"), None)


def _docstring(stmt) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and \
        isinstance(stmt.body[0], cst.Expr) and isinstance(
            stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))


def sequence_super_init(site: Site, rule) -> Edit | None:
    node, table = site.node, site.facts.table
    bases = [cst_dotted(b.value) for b in node.bases]
    found = [table.resolve(b, site.facts.star_symbols) if b else None for b in bases]
    if not any(f is not None and f.qualname in SEQUENCE for f in found):
        return None
    init, at, visitor = _init(node), _init(site.original), _SuperInit()
    if init is None:
        return None
    init.visit(visitor)
    if visitor.found:
        return None
    message = (f"`class {node.name.value}`: Keras 3's `Sequence` is `PyDataset`, whose "
               "`__init__` sets `workers`/`use_multiprocessing`/`max_queue_size`; without "
               "`super().__init__()` it warns and runs with the defaults")
    if len(node.bases) != 1 or node.keywords or not isinstance(init.body, cst.IndentedBlock):
        return Edit(message + ": call `super().__init__(**kwargs)` in `__init__`", at=at,
                    severity="warning")
    star = init.params.star_kwarg
    call = f"super().__init__(**{star.name.value})" if star is not None else \
        "super().__init__()"
    body = list(init.body.body)
    body.insert(1 if body and _docstring(body[0]) else 0, cst.parse_statement(call + "\n"))
    new_init = init.with_changes(body=init.body.with_changes(body=body))
    new = node.with_changes(body=node.body.with_changes(
        body=[new_init if s is init else s for s in node.body.body]))
    return Edit(message + f": `{call}` added", new, at=at, severity="warning")


# --- load_img(grayscale=) (KF385) -------------------------------------------------------------

def load_img_grayscale(site: Site, rule) -> Edit | None:
    call = site.node
    arg = A.keyword(call, "grayscale")
    given = A.positionals(call)
    if arg is None and len(given) > 1 and isinstance(site.value(given[1].value), bool):
        arg = given[1]  # Keras 1 load_img(path, grayscale, target_size)
    if arg is None:
        return None
    if arg.keyword is not None and A.keyword(call, "color_mode") is not None:
        return Edit("`load_img(grayscale=..., color_mode=...)`: Keras 3 has only `color_mode`: "
                    "keep one")
    value = site.value(arg.value)
    if value is True or value is False:
        mode = "'grayscale'" if value else "'rgb'"
        if value is False and arg.keyword is not None:
            new, _ = A.drop_keywords(call, {"grayscale"})
            return Edit("`load_img(grayscale=False)`: Keras 3 has no `grayscale` (TypeError); "
                        "`color_mode='rgb'` is the default: dropped", new)
    else:
        mode = f"'grayscale' if {site.code(arg.value)} else 'rgb'"
    keyword = cst.Name("color_mode") if arg.keyword is not None else None
    new_arg = arg.with_changes(keyword=keyword, value=cst.parse_expression(mode))
    new = call.with_changes(args=[new_arg if a is arg else a for a in call.args])
    return Edit(f"`load_img(..., grayscale=...)`: Keras 3 takes `color_mode` (TypeError "
                f"otherwise): `{mode}`", new)


# --- dim_ordering on the image helpers (KF387) --------------------------------------------------

def dim_ordering(site: Site, rule) -> Edit | None:
    call, name = site.node, site.qualname.rpartition(".")[2]
    values = rule.data["values"]
    arg = A.keyword(call, "dim_ordering")
    given = A.positionals(call)
    if arg is None and name in rule.data["positional"] and len(given) > 1 and \
            isinstance(site.value(given[1].value), str) and site.value(given[1].value) in values:
        arg = given[1]  # Keras 1 img_to_array(img, dim_ordering), preprocess_input(x, ...)
    if arg is None:
        return None
    value = site.value(arg.value)
    if not isinstance(value, str) or value not in values:
        return Edit(f"`{name}(dim_ordering={site.code(arg.value)})`: Keras 3 takes `data_format`,"
                    " whose values are 'channels_first' / 'channels_last' (not 'th' / 'tf'): "
                    "convert the value by hand",
                    arg=A.index_of(site.original, A.keyword(site.original, "dim_ordering")))
    if value == "default" and arg.keyword is not None:
        new, _ = A.drop_keywords(call, {"dim_ordering"})
    else:
        keyword = cst.Name("data_format") if arg.keyword is not None else None
        new_arg = arg.with_changes(keyword=keyword, value=cst.parse_expression(values[value]))
        new = call.with_changes(args=[new_arg if a is arg else a for a in call.args])
    return Edit(f"`{name}(dim_ordering='{value}')`: Keras 2 and 3 take `data_format` "
                f"(`{values[value]}`)", new)

