"""Modules, imports and utils (KF270-KF299): Keras 1/2 module paths Keras 3 no longer has,
the utils that moved or went, and `tf.keras` -> `keras` (migration-table.md 2d, 3a).

What exists in Keras 3 (and in the `tf.keras` surface of TensorFlow) is read from
rules/program/data/keras_api.toml (scripts/gen_keras_api.py writes it from the installed
Keras; an oracle test keeps it exact): kerasfix never imports Keras.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import libcst as cst

from kerasfix.migrate.loader import rules_dir, tomllib
from kerasfix.migrate.program import args as A
from kerasfix.migrate.program.site import Edit, Site
from kerasfix.migrate.transformer_util import cst_dotted
from kerasfix.names import canonical, dotted_name

# --- what Keras 3 has ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Api:
    keras3: dict  # module -> frozenset of its public names (submodules included)
    tf_only: dict  # module -> names only the tf.keras surface has
    tf_lacks: dict  # module -> Keras 3 names the tf.keras surface does not have
    differs: dict  # module -> names both have, bound to other objects under tf.keras

    def exists(self, qualname: str, flavour: str = "keras") -> bool:
        """Is `keras.a.b` a module or a name of a module in Keras 3 (for the tf.keras
        flavour: in the tf.keras surface of TensorFlow)?"""
        module, _, name = qualname.rpartition(".")
        if flavour == "tf.keras":
            if qualname in self.tf_only or name in self.tf_only.get(module, ()):
                return True
            if name in self.tf_lacks.get(module, ()):
                return False
        return qualname in self.keras3 or name in self.keras3.get(module, ())

    def is_module(self, qualname: str) -> bool:
        return qualname in self.keras3


@functools.lru_cache(maxsize=1)
def api() -> Api:
    with (rules_dir() / "program" / "data" / "keras_api.toml").open("rb") as fh:
        data = tomllib.load(fh)
    tables = [{m: frozenset(n) for m, n in data[k].items()}
              for k in ("keras3", "tf_keras_only", "tf_keras_lacks", "tf_keras_differs")]
    return Api(*tables)


# --- spelling ------------------------------------------------------------------------------------

# Import roots a rule rewrites, and how the public module is spelled under each. tf_keras (the
# Keras 2 package) is left alone: code that imports it stays on Keras 2.
ROOTS = {"keras": "keras", "tensorflow.keras": "tensorflow.keras",
         "tensorflow.python.keras": "tensorflow.keras"}


def split_root(dotted: str) -> tuple[str, str] | None:
    """`tensorflow.keras.utils.np_utils` -> ("tensorflow.keras", "keras.utils.np_utils")."""
    for root in sorted(ROOTS, key=len, reverse=True):
        if dotted == root or dotted.startswith(root + "."):
            return root, "keras" + dotted[len(root):]
    return None


def spell(root: str, qualname: str) -> str:
    """`keras.utils` under root `tensorflow.python.keras` -> `tensorflow.keras.utils`."""
    return ROOTS[root] + qualname[len("keras"):]


def flavour_of(root: str) -> str:
    return "keras" if root == "keras" else "tf.keras"


class Statements(cst.FlattenSentinel):
    """Several import statements in place of one (`from a import x` + `from b import y`),
    which the transformer also renders for the finding's replacement text."""

    def _codegen(self, state) -> None:
        for i, node in enumerate(self.nodes):
            if i:
                state.add_token("; ")
            node._codegen(state)


def _from(module: str, aliases: list[cst.ImportAlias]) -> cst.ImportFrom:
    names = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in aliases]
    return cst.ImportFrom(module=cst.parse_expression(module), names=names)


def _renamed(alias: cst.ImportAlias, name: str) -> cst.ImportAlias:
    """`alias` importing `name` instead, under the same local name."""
    old = alias.name.value
    if name == old:
        return alias
    asname = alias.asname or cst.AsName(cst.Name(old))
    if isinstance(asname.name, cst.Name) and asname.name.value == name:
        asname = None
    return alias.with_changes(name=cst.Name(name), asname=asname)


def regroup(node: cst.ImportFrom, items: list[tuple[str, cst.ImportAlias]]):
    """`node` importing each alias from its module: the same statement (formatting kept)
    when they share one module, else one statement per module, in order."""
    groups: list[tuple[str, list[cst.ImportAlias]]] = []
    for module, alias in items:
        if groups and groups[-1][0] == module:
            groups[-1][1].append(alias)
        else:
            groups.append((module, [alias]))
    if len(groups) == 1:
        module, aliases = groups[0]
        return node.with_changes(module=cst.parse_expression(module), names=aliases)
    return Statements([_from(module, aliases) for module, aliases in groups])


def local_of(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return (cst_dotted(alias.name) or "").split(".")[0]


# --- moved names (KF273 module paths, KF278, KF280, KF283): one handler, data-driven -------------
# data.modules: the legacy modules (or names) the rule is about; data.modules_to: legacy
# module -> its public module; data.names_to: legacy name -> public name, where it differs.
# A name that exists under its old spelling in the file's flavour of Keras is left alone.


def _target(qual: str, data: dict) -> str | None:
    """The public Keras 3 name of a legacy `keras.*` name (module or not), or None."""
    if qual in data.get("names_to", {}):
        return data["names_to"][qual]
    modules_to = data.get("modules_to", {})
    if qual in modules_to:
        return modules_to[qual]
    found = canonical(qual)
    if found and found.qualname != qual:
        return found.qualname
    module, _, name = qual.rpartition(".")
    return f"{modules_to[module]}.{name}" if module in modules_to else None


def _about(qual: str, root: str, data: dict) -> bool:
    """Is `qual` (written under `root`) one of the rule's legacy names?"""
    if root == "tensorflow.python.keras":
        return bool(data.get("tf_internal"))
    found = canonical(qual)
    names = {qual, found.qualname} if found else {qual}
    return any(q == m or q.startswith(m + ".") for q in names for m in data["modules"])


def _moved(qual: str, root: str, data: dict) -> str | None:
    """Where the legacy name `qual` is in Keras 3 (the flavour's surface), or None."""
    if not _about(qual, root, data):
        return None
    flavour = flavour_of(root)
    if root == "tensorflow.python.keras":
        new = _target(qual, data) or qual  # else the same name, from the public tf.keras
        return new if api().exists(new, flavour) else None
    if api().exists(qual, flavour):
        return None  # still there (a tf.keras-only name used through tf.keras)
    new = _target(qual, data)
    if new in data.get("names_to", {}) and not api().exists(new, flavour):
        new = data["names_to"][new]  # `objectives.kld`: keras.losses.kld, renamed
    return new if new and api().exists(new, flavour) else None


def legacy_module(site: Site, rule) -> Edit | None:
    node = site.node
    if isinstance(node, cst.ImportFrom):
        return _legacy_from(site, rule, node)
    if isinstance(node, cst.Import):
        return _legacy_import(site, rule, node)
    if isinstance(node, (cst.Attribute, cst.Call)):
        return _legacy_path(site, rule, node)
    return None


def _legacy_from(site: Site, rule, node: cst.ImportFrom) -> Edit | None:
    module = None if node.relative or node.module is None else cst_dotted(node.module)
    split = split_root(module) if module else None
    if split is None:
        return None
    root, qual = split
    if isinstance(node.names, cst.ImportStar):
        new = rule.data.get("modules_to", {}).get(qual)
        if new is None or not _about(qual, root, rule.data):
            return None
        return _edit(node.with_changes(module=cst.parse_expression(spell(root, new))),
                     [f"`{qual}` -> `{new}`"], rule)
    items, notes = [], []
    for alias in node.names:
        old = f"{qual}.{alias.name.value}"
        new = _moved(old, root, rule.data)
        if new is None:
            items.append((module, alias))  # nothing to do, or gone: KF275 reports it
            continue
        parent, _, name = new.rpartition(".")
        items.append((spell(root, parent), _renamed(alias, name)))
        if new != old:
            notes.append(f"`{old}` -> `{new}`")
    if not notes and all(m == module for m, _ in items):
        return None
    if root == "tensorflow.python.keras":
        notes.insert(0, "`tensorflow.python.keras` (TensorFlow's internal Keras 2 copy) -> "
                        "`tensorflow.keras`")
    return _edit(regroup(node, items), notes, rule)


def _legacy_import(site: Site, rule, node: cst.Import) -> Edit | None:
    """`import keras.utils.np_utils as np_utils` -> `import keras.utils as np_utils`."""
    aliases, notes = [], []
    for alias in node.names:
        dotted = cst_dotted(alias.name) or ""
        split = split_root(dotted)
        new = _moved(split[1], split[0], rule.data) if split else None
        if new is None or not api().is_module(new):
            aliases.append(alias)
            continue
        aliases.append(alias.with_changes(name=cst.parse_expression(spell(split[0], new))))
        notes.append(f"`{dotted}` -> `{spell(split[0], new)}`")
    if not notes:
        return None
    return _edit(node.with_changes(names=aliases), notes, rule)


def _legacy_path(site: Site, rule, node) -> Edit | None:
    """A legacy path written out: `keras.utils.np_utils.to_categorical` after
    `import keras.utils.np_utils`, `tf.keras.layers.experimental.preprocessing.Rescaling`,
    `mixed_precision.experimental.set_policy(...)`. The head of the path stays as written
    (the import of a legacy module it names is rewritten too)."""
    table = site.facts.table if site.facts is not None else None
    head, _, rest = site.dotted.partition(".")
    if not rest or table is None or head in table.rebound or head not in table.names:
        return None
    head_raw = table.names[head]
    split = split_root(f"{head_raw}.{rest}")
    new = _moved(split[1], split[0], rule.data) if split else None
    if new is None:
        return None
    if rest == split[1].rpartition(".")[2]:
        # `local.name` with `local` an imported module: only the name changes here (the
        # import of the module is another rewrite): `objectives.kld` -> `objectives.kl_divergence`
        return _path_edit(site, rule, node, f"{head}.{new.rpartition('.')[2]}")
    head_split = split_root(head_raw)  # the head itself may name a legacy module
    if head_split is not None:
        moved_head = _moved(head_split[1], head_split[0], rule.data)
        head_raw = spell(head_split[0], moved_head) if moved_head else head_raw
    full = spell(split[0], new)
    if full != head_raw and not full.startswith(head_raw + "."):
        return None
    return _path_edit(site, rule, node, head + full[len(head_raw):])


def _path_edit(site: Site, rule, node, path: str) -> Edit:
    why = rule.data.get("why", "no such module in Keras 3")
    if isinstance(node, cst.Call):
        return Edit(f"`{site.dotted}` -> `{path}`: {why}",
                    node.with_changes(func=cst.parse_expression(path)))
    return Edit(f"`{site.dotted}` -> `{path}`: {why}", cst.parse_expression(path))


def _edit(new, notes: list[str], rule) -> Edit:
    """`a` -> `b`; ...: why (data.why, by default a missing module)."""
    return Edit(f"{'; '.join(notes)}: {rule.data.get('why', 'no such module in Keras 3')}", new)


# --- KF275: names Keras 3 no longer has ----------------------------------------------------------


def removed(site: Site, rule) -> Edit | list[Edit] | None:
    """A manual finding for an import (or a call) of a name that is gone, with the way out."""
    node = site.original
    if isinstance(node, cst.Call):
        return Edit(f"`{site.dotted}` is not in Keras 3",
                    help=_removed_help(site.qualname, rule.data))
    if isinstance(node, cst.ImportFrom):
        module = None if node.relative or node.module is None else cst_dotted(node.module)
        split = split_root(module) if module else None
        if split is None or isinstance(node.names, cst.ImportStar):
            return None
        root, qual = split
        gone = [f"{qual}.{a.name.value}" for a in node.names]
        gone = [q for q in gone if _is_removed(q, root, rule.data)]
    elif isinstance(node, cst.Import):
        gone = []
        for alias in node.names:
            split = split_root(cst_dotted(alias.name) or "")
            if split and _is_removed(split[1], split[0], rule.data):
                gone.append(split[1])
    else:
        return None
    if not gone:
        return None
    helps = [h for h in (_removed_help(canonical(q).qualname, rule.data) for q in gone) if h]
    names = ", ".join(f"`{q}`" for q in gone)
    return Edit(f"{names}: not in Keras 3 (the import fails)",
                help=" ".join(dict.fromkeys(helps)) or None)


def _is_removed(qual: str, root: str, data: dict) -> bool:
    """A name (or module) the rule is about that the file's Keras 3 flavour lacks, and that
    no moved-name rule (KF273, KF278, ...) gives a Keras 3 name."""
    if not _about(qual, root, data):
        return False
    if root != "tensorflow.python.keras" and api().exists(qual, flavour_of(root)):
        return False
    return not any(_moved(qual, root, tables) for tables in _moves())


@functools.lru_cache(maxsize=1)
def _moves() -> tuple[dict, ...]:
    """The tables of every moved-name rule."""
    from kerasfix.migrate.program.loader import load_program_rules

    return tuple(r.data for r in load_program_rules().rules
                 if r.handler == "modules.legacy_module")


def _removed_help(qualname: str, data: dict) -> str | None:
    if qualname in data["help"]:
        return data["help"][qualname]
    module = qualname.rpartition(".")[0]
    return data["help"].get(module + ".*")


# --- KF270: to_categorical -----------------------------------------------------------------------


def to_categorical(site: Site, rule) -> Edit | list[Edit] | None:
    """Keras 1 `nb_classes=` -> `num_classes=`; a first keyword `y=` (Keras 3 names it `x`)
    -> positional; tf.keras 2's `dtype=` (Keras 3 has none) -> `.astype(dtype)` (unsafe: a
    tensor argument gives a tensor, which has no `astype`)."""
    call = site.node
    if not isinstance(call, cst.Call) or A.has_star(call):
        return None
    new, notes = A.rename_keywords(call, {"nb_classes": "num_classes"})
    first = new.args[0] if new.args else None
    if first is not None and first.keyword is not None and first.keyword.value == "y":
        args = [first.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)]
        new = new.with_changes(args=args + list(new.args[1:]))
        notes.append("`y=` -> positional (Keras 3 calls it `x`)")
    else:
        new, more = A.rename_keywords(new, {"y": "x"})
        notes += more
    edits = [Edit(f"`{site.dotted}(...)`: {'; '.join(notes)} in Keras 3", new)] if notes else []
    dtype = A.keyword(new, "dtype")
    if dtype is None and len(A.positionals(new)) == 3:
        dtype = A.positionals(new)[2]
    if dtype is not None:
        kept = [a for a in new.args if a is not dtype]
        inner = A.with_args(new, kept) if kept else new.with_changes(args=[])
        wrapped = cst.Call(func=cst.Attribute(value=inner, attr=cst.Name("astype")),
                           args=[cst.Arg(dtype.value)])
        edits.append(Edit(f"`{site.dotted}(..., dtype=)`: Keras 3's to_categorical has no "
                          "`dtype`; the result is converted instead", wrapped, fix="unsafe",
                          help=f"`{site.code(wrapped)}` (a NumPy array in, a NumPy array out)"))
    return edits or None


# --- KF271: np_utils helpers Keras 3 does not have -----------------------------------------------


def np_utils_removed(site: Site, rule) -> Edit | None:
    """`categorical_probas_to_classes(p)` -> `np.argmax(p, axis=1)` (what Keras 1 did);
    `probas_to_classes(p)` the same, unsafe (Keras 1 thresholded a single column at 0.5);
    the other Keras 1 np_utils helpers are reported with the way to write them."""
    call, name = site.node, site.qualname.rpartition(".")[2]
    if name not in rule.data["argmax"]:
        return Edit(f"`{site.dotted}`: Keras 1 np_utils helper, not in Keras 3",
                    help=rule.data["help"].get(name))
    if not isinstance(call, cst.Call) or len(call.args) != 1 or call.args[0].star or \
            call.args[0].keyword is not None:
        return Edit(f"`{site.dotted}`: not in Keras 3", help=rule.data["argmax"][name])
    new = A.add_keyword(call.with_changes(func=cst.parse_expression(
        site.name_for("numpy.argmax"))), "axis", "1")
    if "." not in site.dotted:
        site.maybe_unused(site.dotted)
    fix = "safe" if name == "categorical_probas_to_classes" else "unsafe"
    return Edit(f"`{site.dotted}`: not in Keras 3; Keras 1 computed `np.argmax(p, axis=1)`",
                new, fix=fix, help=rule.data["argmax"][name] if fix == "unsafe" else None)


# --- KF272: plot / vis_utils.plot_model ----------------------------------------------------------


def plot_model(site: Site, rule) -> Edit | None:
    """Keras 1 `visualize_util.plot` / Keras 2 `vis_utils.plot_model` -> `keras.utils.plot_model`
    with the old default `show_layer_names=True` written out (Keras 3's default is False);
    positionals past `show_shapes` become keywords (Keras 3's fourth is `show_dtype`)."""
    call = site.node
    if not isinstance(call, cst.Call) or A.has_star(call):
        return None
    notes = []
    if site.qualname.endswith(".plot"):
        if isinstance(call.func, cst.Attribute):
            call = A.set_func(call, "plot_model")
        else:
            call = call.with_changes(func=cst.parse_expression(
                site.name_for("keras.utils.plot_model")))
            site.maybe_unused(site.dotted)
        notes.append("`plot` -> `plot_model`")
    call = A.positional_to_keywords(call, [None, None, None] + rule.data["positional"][3:])
    if not A.has_keyword(call, "show_layer_names"):
        call = A.add_keyword(call, "show_layer_names", "True")
        notes.append("`show_layer_names=True` written out (Keras 3 defaults to False)")
    if call.deep_equals(site.node):
        return None
    return Edit(f"`{site.dotted}(...)` -> `keras.utils.plot_model`: {'; '.join(notes)}", call,
                severity="error" if site.qualname.endswith(".plot") else "warning")


# --- KF274: keras.initializations ----------------------------------------------------------------


def initializations(site: Site, rule) -> Edit | None:
    """`from keras import initializations` -> `initializers as initializations` when the file
    only calls its `get` (Keras 3's `initializers.get` takes the same names); the Keras 1
    functions themselves (`initializations.normal(shape)`, which returned a variable) have no
    Keras 3 counterpart: reported."""
    node = site.node
    if isinstance(node, cst.Call):
        if site.qualname.endswith(".get"):
            return None
        return Edit(f"`{site.dotted}(...)`: Keras 1 initialization function, not in Keras 3",
                    help=rule.data["help"])
    if not isinstance(node, (cst.ImportFrom, cst.Import)) or \
            isinstance(getattr(node, "names", None), cst.ImportStar):
        return None
    aliases, notes, blocked = [], [], []
    module = cst_dotted(node.module) if isinstance(node, cst.ImportFrom) and node.module \
        and not node.relative else None
    for alias in node.names:
        full = f"{module}.{cst_dotted(alias.name)}" if module else cst_dotted(alias.name) or ""
        split = split_root(full)
        if split is None or not (split[1] == "keras.initializations" or
                                 split[1].startswith("keras.initializations.")):
            aliases.append(alias)
            continue
        local = local_of(alias)
        if split[1] == "keras.initializations.get" or (
                split[1] == "keras.initializations" and _only_get(site, local)):
            new = spell(split[0], "keras.initializers" + split[1][len(
                "keras.initializations"):])
            aliases.append(_moved_alias(alias, new, module, local))
            notes.append(f"`{full}` -> `{new}`")
        else:
            aliases.append(alias)
            blocked.append(full)
    if blocked:
        return Edit(f"{', '.join(f'`{b}`' for b in blocked)}: Keras 1 initialization "
                    "functions, not in Keras 3 (the import fails)", help=rule.data["help"])
    if not notes:
        return None
    if isinstance(node, cst.ImportFrom) and module:
        split = split_root(module)
        if split and split[1] == "keras.initializations":  # from keras.initializations import get
            node = node.with_changes(module=cst.parse_expression(spell(split[0],
                                                                      "keras.initializers")))
    return Edit(f"no module `keras.initializations` in Keras 3: {'; '.join(notes)}",
                node.with_changes(names=aliases))


def _moved_alias(alias: cst.ImportAlias, new: str, module: str | None, local: str):
    if module is None:  # import keras.initializations as inits
        return alias.with_changes(name=cst.parse_expression(new))
    return _renamed(alias, new.rpartition(".")[2])


def _only_get(site: Site, local: str) -> bool:
    """Does the file use `local` only as `local.get`?"""
    import ast

    nodes = site.facts.nodes if site.facts is not None else []
    names = sum(1 for n in nodes if isinstance(n, ast.Name) and n.id == local)
    gets = sum(1 for n in nodes if isinstance(n, ast.Attribute) and n.attr == "get"
               and isinstance(n.value, ast.Name) and n.value.id == local)
    return names == gets


# --- KF279: SyncBatchNormalization, RandomFourierFeatures ----------------------------------------


def experimental_layer(site: Site, rule) -> Edit | None:
    call, name = site.node, site.qualname.rpartition(".")[2]
    if name != "SyncBatchNormalization":
        return Edit(f"`{site.dotted}`: not in Keras 3", help=rule.data["help"].get(name))
    if not isinstance(call, cst.Call):
        return None
    new = _renamed_callee(site, call, "keras.layers.BatchNormalization")
    new = A.set_keyword(new, "synchronized", "True")
    return Edit(f"`{site.dotted}` -> `BatchNormalization(synchronized=True)` in Keras 3", new)


def _renamed_callee(site: Site, call: cst.Call, qualname: str) -> cst.Call:
    """`call` of the Keras class `qualname` instead: a bare name is spelled by name_for (its
    old import goes when unused); a dotted callee keeps its head, without `experimental`."""
    if isinstance(call.func, cst.Attribute):
        parts = [p for p in site.dotted.split(".")[:-1] if p != "experimental"]
        return call.with_changes(func=cst.parse_expression(
            ".".join(parts + [qualname.rpartition(".")[2]])))
    site.maybe_unused(site.dotted)
    return call.with_changes(func=cst.parse_expression(site.name_for(qualname)))


# --- KF281: CuDNNLSTM / CuDNNGRU -----------------------------------------------------------------


def cudnn_rnn(site: Site, rule) -> Edit | None:
    """`CuDNNLSTM(...)` -> `LSTM(...)`: Keras 3 runs LSTM/GRU on cuDNN whenever it can
    (tanh, sigmoid, no recurrent dropout, unroll=False, use_bias; GRU reset_after=True), which
    are the defaults, and what the CuDNN layers hard-wired. Positionals past `units` become
    keywords (the CuDNN signatures had no activations)."""
    call = site.node
    if not isinstance(call, cst.Call) or A.has_star(call):
        return None
    old = site.qualname.rpartition(".")[2]
    new_name = rule.data["to"][old]
    new = A.positional_to_keywords(call, [None] + rule.data["positional"][old][1:])
    if old == "CuDNNGRU" and not A.has_keyword(new, "reset_after") and (
            site.source in ("keras1", "keras2") or site.source == "auto"
            and site.flavour != "tf.keras" and site.evidence == "keras1"):
        # What CuDNNGRU computed: written out, for in Keras 1/2 code the GRU record (KF138)
        # adds Keras 2's reset_after=False to a GRU that does not say (a second fix did).
        new = A.add_keyword(new, "reset_after", "True")
    new = _renamed_callee(site, new, f"keras.layers.{new_name}")
    return Edit(f"`{old}` is not in Keras 3: `{new_name}` uses cuDNN itself", new,
                help=rule.data["help"])


# --- KF284: tf.keras -> keras (opt-in) -----------------------------------------------------------


@dataclass(frozen=True)
class TfKeras:
    """What a file uses through tf.keras, read once per file."""

    blockers: tuple[str, ...]  # names only tf.keras has (or that differ), or why not
    chains: bool  # `tf.keras.X` written out through a `tensorflow` import
    keras_bound: bool  # `keras` is (or becomes) the real keras module


_TF_CACHE: list = [None, None]


def tf_keras_uses(site: Site) -> TfKeras:
    import ast

    if _TF_CACHE[0] is site.facts:
        return _TF_CACHE[1]
    table, nodes = site.facts.table, site.facts.nodes
    blockers: list[str] = []
    keras_bound = False
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module == "tensorflow" and any(a.name == "keras" for a in node.names):
                if len(node.names) > 1:
                    blockers.append("`from tensorflow import keras, ...` (split it first)")
                keras_bound |= any((a.asname or a.name) == "keras" for a in node.names)
            split = split_root(node.module)
            if split and split[0] == "tensorflow.keras":
                blockers += [b for a in node.names if a.name != "*"
                             for b in _blocked(f"{split[1]}.{a.name}")]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                split = split_root(alias.name)
                if split and split[0] == "tensorflow.keras":
                    if alias.asname is None:
                        blockers.append(f"`import {alias.name}` (binds `tensorflow`)")
                    blockers += _blocked(split[1])
                    keras_bound |= alias.asname == "keras" and split[1] == "keras"
                keras_bound |= alias.name == "keras" and alias.asname in (None, "keras")
    chains = False
    for node in nodes:
        if not isinstance(node, ast.Attribute):
            continue
        dotted = dotted_name(node)
        head, _, rest = (dotted or "").partition(".")
        target = table.names.get(head)
        if target is None or head in table.rebound:
            continue
        split = split_root(f"{target}.{rest}")
        if split is None or split[0] != "tensorflow.keras":
            continue
        chains |= target == "tensorflow"
        blockers += _blocked(split[1])
    if chains and not keras_bound and ("keras" in table.rebound or "keras" in table.names):
        blockers.append("the name `keras` is taken in this file")
    result = TfKeras(tuple(dict.fromkeys(blockers)), chains, keras_bound)
    _TF_CACHE[:] = [site.facts, result]
    return result


def _blocked(qual: str) -> list[str]:
    """[qual] when `keras.a.b` (or the object it leads to) is not the same in Keras 3."""
    parts = qual.split(".")
    table, module = api(), "keras"
    for i, part in enumerate(parts[1:], 1):
        if table.is_module(f"{module}.{part}"):
            module = f"{module}.{part}"
            continue
        name = ".".join(parts[: i + 1])
        if part not in table.keras3.get(module, ()) or part in table.differs.get(module, ()):
            return [name]
        return []  # an attribute of a name both have: the same object
    return []


def tf_keras_to_keras(site: Site, rule) -> Edit | None:
    node = site.node
    uses = tf_keras_uses(site)
    if uses.blockers:
        if isinstance(node, (cst.Import, cst.ImportFrom)) and _brings_tf_keras(node, uses):
            names = ", ".join(b if b.startswith("`") or " " in b else f"`{b}`"
                              for b in uses.blockers)
            return Edit(f"`tf.keras` -> `keras` not done: {rule.data['blocked']}: {names}",
                        severity="warning", help=_blocked_help(uses.blockers))
        return None
    if isinstance(node, cst.ImportFrom):
        return _tf_from(node, rule)
    if isinstance(node, cst.Import):
        aliases, changed = [], False
        for alias in node.names:
            split = split_root(cst_dotted(alias.name) or "")
            if split and split[0] == "tensorflow.keras" and alias.asname is not None:
                same = local_of(alias) == split[1]  # import tensorflow.keras as keras
                alias = alias.with_changes(name=cst.parse_expression(split[1]),
                                           asname=None if same else alias.asname)
                changed = True
            aliases.append(alias)
        return _tf_edit(node.with_changes(names=aliases), rule) if changed else None
    if isinstance(node, cst.Attribute) and site.facts is not None:
        head = site.dotted.split(".")[0]
        if site.dotted != head + ".keras" or site.facts.table.names.get(head) != "tensorflow":
            return None
        if not uses.keras_bound:
            site.names.needs[("keras", None)] = "keras"
        return _tf_edit(cst.Name("keras"), rule)
    return None


def _tf_from(node: cst.ImportFrom, rule) -> Edit | None:
    module = None if node.relative or node.module is None else cst_dotted(node.module)
    if module == "tensorflow" and not isinstance(node.names, cst.ImportStar) and \
            [a.name.value for a in node.names] == ["keras"]:
        alias = node.names[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return _tf_edit(cst.Import(names=[alias], semicolon=node.semicolon), rule)
    split = split_root(module) if module else None
    if split is None or split[0] != "tensorflow.keras":
        return None
    return _tf_edit(node.with_changes(module=cst.parse_expression(split[1])), rule)


def _tf_edit(new, rule) -> Edit:
    return Edit("`tf.keras` -> `keras`: every name this file uses through tf.keras is the same "
                "object in Keras 3", new, fix="unsafe", severity="warning",
                help=rule.data["help"])


def _brings_tf_keras(node, uses: TfKeras) -> bool:
    """Is this the import through which the file reaches tf.keras?"""
    if isinstance(node, cst.ImportFrom):
        module = cst_dotted(node.module) if node.module and not node.relative else ""
        if module == "tensorflow":
            names = [] if isinstance(node.names, cst.ImportStar) else node.names
            return any(a.name.value == "keras" for a in names)
        split = split_root(module or "")
        return bool(split) and split[0] == "tensorflow.keras"
    for alias in node.names:
        name = cst_dotted(alias.name) or ""
        split = split_root(name)
        if split and split[0] == "tensorflow.keras" or name == "tensorflow" and uses.chains:
            return True
    return False


def _blocked_help(blockers: tuple[str, ...]) -> str:
    hints = []
    for tables in _moves():
        for b in blockers:
            new = tables.get("names_to", {}).get(b)
            if new and api().exists(new):
                hints.append(f"`{b}` -> `{new}`")
    hint = f" ({', '.join(hints)})" if hints else ""
    return f"rewrite those uses with their Keras 3 names first{hint}, then run this rule again"
