"""The Keras 1/2 backend (`K.*`) -> Keras 3 (migration-table.md 2c and 3f: K1B, K3B).

Keras 3's `keras.backend` keeps a handful of names (rules/program/keras_backend_names.toml);
every other `K.fn(...)` raises AttributeError there. Most have a `keras.ops` equivalent. Each
record's `data.functions` says, per legacy function, how its calls map (`convert`):

  old       the legacy signature (Keras 2 / tf.keras), to read positionals and keywords
  k1_old    the Keras 1 signature where positionals meant something else (read so in Keras 1
            code; in code of unknown version the fix is then unsafe)
  k1        Keras 1 keyword -> legacy parameter (`dim` -> `axis`)
  to        the Keras 3 function: a `keras.ops` name, or a public name (`keras.random.normal`)
  new       the Keras 3 parameter for each `old` one, in the same order ("" = none); default old
  order     the Keras 3 positional order, when it is not `new`'s (in_top_k swaps two)
  add       Keras 3 keyword = code, added when the legacy argument is absent (changed default)
  drop      legacy parameters Keras 3 does without (`name`): dropped
  fallback  the mapping to use instead when an argument `new` has no place for is passed
  select    { param, default, to = { literal = function } }: a literal argument picks `to`
  literal   { param = [values] }: any other value (or a non-literal) makes the fix unsafe
  code      a template instead of a call rename: `{ops}.take({reference}, {indices}, axis=0)`
  manual    no mechanical rewrite: the finding's message (and `help`)
  fix, why  "unsafe" when the rewrite may change behaviour, and why

Templates: `{param}` is the argument as written, `{param:atom}` parenthesized unless atomic,
`{ops}` / `{keras.random}` / `{math.prod}` a name spelled the way the file imports it.
Arguments are reused as written (comments and line breaks stay); keyword arguments whose name
changed become positional where they can, as the Keras 3 names (`x1`, `newshape`) are no one's.
"""

from __future__ import annotations

import ast
import functools
import re

import libcst as cst

from kerasfix.migrate.loader import rules_dir, tomllib
from kerasfix.migrate.program import args as A
from kerasfix.migrate.program.site import Edit, Site
from kerasfix.migrate.transformer_util import cst_dotted

_EQ = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                      whitespace_after=cst.SimpleWhitespace(""))
# Keras 3 parameter names nobody writes as keywords: a renamed keyword becomes positional.
_BARE = {"x", "x1", "x2", "xs", "inputs", "newshape", "repeats", "x_min", "x_max", "variable",
         "initializer", "f", "N"}
_ATOMS = (cst.Name, cst.Attribute, cst.Subscript, cst.Call, cst.SimpleString, cst.Integer,
          cst.Float, cst.List, cst.ListComp, cst.Dict, cst.Set, cst.ConcatenatedString)


@functools.lru_cache(maxsize=None)
def backend_names() -> dict[str, frozenset[str]]:
    """rules/program/keras_backend_names.toml: what `keras.backend` (Keras 3) and
    `tf.keras.backend` (TF 2.21, legacy functions included) still have."""
    with (rules_dir() / "program" / "keras_backend_names.toml").open("rb") as fh:
        data = tomllib.load(fh)
    return {key: frozenset(value) for key, value in data.items()}


def _shown(site: Site) -> str:
    return site.dotted or site.qualname


# --- the table-driven rewrite ----------------------------------------------------------------

def convert(site: Site, rule) -> Edit | None:
    call = site.node
    fn = site.qualname.rpartition(".")[2]
    spec = rule.data.get("functions", {}).get(fn)
    if not isinstance(call, cst.Call) or spec is None or fn in backend_names()["keras3"]:
        return None  # a name Keras 3's keras.backend still has is not this rule's business
    where = f"`{_shown(site)}` is not in Keras 3's `keras.backend`"
    # Through tf.keras (TF >= 2.16) most legacy functions still run: a warning there.
    severity = "error"
    if site.flavour == "tf.keras" and fn in backend_names()["tf_keras"]:
        where += " (tf.keras keeps it as a deprecated legacy function)"
        severity = "warning"
    edit = _convert(site, rule, call, spec, where)
    if edit is not None:
        edit.severity = severity
    return edit


def _convert(site: Site, rule, call: cst.Call, spec: dict, where: str) -> Edit | None:
    if "manual" in spec:
        return Edit(f"{where}: {spec['manual']}", help=spec.get("help"))
    if spec.get("no_lambda") and any(isinstance(a.value, cst.Lambda) for a in call.args):
        return Edit(f"{where}: `{spec['to']}` takes tensors, not the lambdas `{_shown(site)}` "
                    "called: pass the values, or use `keras.ops.cond(pred, true_fn, false_fn)` "
                    "for a scalar condition")
    bound, bad, ambiguous = _bind(site, call, spec)
    spec, fallback_bad = _choose(site, spec, bound, bad)
    if bound is None or fallback_bad:
        what = "`*args`/`**kwargs`" if bound is None else ", ".join(fallback_bad)
        return Edit(f"{where}, and {what} has no Keras 3 equivalent here: rewrite it by hand",
                    help=spec.get("help"))
    fix, notes = _safety(site, spec, bound, ambiguous)
    if "code" in spec and not _nonnegative_arg(site, spec, bound):
        new, missing = _template(site, spec["code"], spec, bound)
        if missing:
            return Edit(f"{where}: {spec.get('help') or 'rewrite it by hand'}")
        shown = spec.get("shown") or site.code(new)
    else:
        new, shown, added = _mapped(site, call, spec, bound)
        notes += [f"`{a}` added (the legacy default)" for a in added]
    if spec.get("note"):
        notes.append(spec["note"])
    if site.dotted:
        site.maybe_unused(site.dotted.split(".")[0])
    message = f"{where}: `{shown}`" + "".join(f"; {n}" for n in notes)
    return Edit(message, new, fix=fix, help=spec.get("help"))


def _safety(site: Site, spec: dict, bound: dict, ambiguous: bool) -> tuple[str, list[str]]:
    """The fix's applicability, and why it is unsafe."""
    fix, notes = spec.get("fix", "safe"), []
    if spec.get("why") and fix == "unsafe":
        notes.append(spec["why"])
    if ambiguous:
        fix = "unsafe"
        notes.append(f"Keras 1 read the positional arguments as ({', '.join(spec['k1_old'])}): "
                     f"they are read as Keras 2's ({', '.join(spec['old'])})")
    pure = spec.get("pure")
    if pure in bound and not _pure(bound[pure].value):
        fix = "unsafe"
        notes.append(f"`{site.code(bound[pure].value)}` is now evaluated twice")
    for param, allowed in spec.get("literal", {}).items():
        if param in bound and site.value(bound[param].value) not in allowed:
            fix = "unsafe"
            notes.append(f"Keras 3 takes only {allowed} for `{param}`")
    return fix, notes


def _bind(site: Site, call: cst.Call, spec: dict):
    """Legacy parameter -> Arg (None with `*args`), what cannot be placed, and whether the
    positionals mean something else in Keras 1 while the file's version is unknown."""
    if A.has_star(call):
        return None, [], False
    k1_old = spec.get("k1_old")
    hint = _hinted(site, call, spec)
    names = k1_old if k1_old and (site.keras1 or hint == "k1") else spec["old"]
    aliases = spec.get("k1", {})
    bound, bad = {}, []
    for i, arg in enumerate(call.args):
        if arg.keyword is None:
            name = names[i] if i < len(names) else f"positional argument {i + 1}"
        else:
            name = aliases.get(arg.keyword.value, arg.keyword.value)
        if name in spec["old"] and name not in bound:
            bound[name] = arg
        else:
            bad.append(f"`{name}`")
    undecided = site.flavour == "keras" and site.source == "auto" and site.evidence == ""
    ambiguous = bool(k1_old) and undecided and not hint and any(
        i < len(k1_old) and k1_old[i] != spec["old"][i] for i, a in enumerate(call.args)
        if a.keyword is None)
    return bound, bad, ambiguous


def _hinted(site: Site, call: cst.Call, spec: dict) -> str | None:
    """`k1_hint = { target = "true", output = "pred" }`: positionals named so (`y_true`,
    `y_pred`) tell which signature the call was written for: "k1", "k2" or None."""
    hints = spec.get("k1_hint")
    if not hints:
        return None
    codes = [site.code(a.value) for a in call.args if a.keyword is None]
    for reading, names in (("k2", spec["old"]), ("k1", spec["k1_old"])):
        found = {n: codes[i] for i, n in enumerate(names[:len(codes)]) if n in hints}
        if found and all(hints[n] in code.lower() for n, code in found.items()):
            return reading
    return None


def _choose(site: Site, spec: dict, bound, bad: list[str]) -> tuple[dict, list[str]]:
    """The mapping to apply: the spec, its fallback, or its `select`ed function."""
    if bound is None:
        return spec, []
    new = dict(zip(spec["old"], spec.get("new", spec["old"])))
    select = spec.get("select")
    skip = {*spec.get("drop", ()), *([select["param"]] if select else [])}
    missing = [f"`{p}`" for p in bound if not new.get(p) and p not in skip]
    if missing and "fallback" in spec:
        spec = {**spec, **spec["fallback"]}
        spec.pop("fallback")
        return _choose(site, spec, bound, bad)
    if select and not bad and not missing:
        arg = bound.get(select["param"])
        value = select["default"] if arg is None else site.value(arg.value)
        if not isinstance(value, str) or value not in select["to"]:
            return spec, [f"`{select['param']}` (not a literal of {sorted(select['to'])})"]
        spec = {**spec, "to": select["to"][value], "drop": [*spec.get("drop", ()),
                                                             select["param"]]}
    return spec, bad + missing


def _mapped(site: Site, call: cst.Call, spec: dict, bound: dict):
    """The call renamed, its arguments in the Keras 3 signature; (node, shown, added)."""
    rename = dict(zip(spec["old"], spec.get("new", spec["old"])))
    by_new = {rename[p]: arg for p, arg in bound.items() if p not in spec.get("drop", ())}
    order = spec.get("order") or [n for n in spec.get("new", spec["old"]) if n]
    positional = []
    for name in order:  # a prefix of the Keras 3 order: as written, or renamed to a bare name
        arg = by_new.get(name)
        if arg is None or arg.keyword is not None and (
                arg.keyword.value == name or name not in _BARE):
            break
        positional.append(name)
    out = [by_new[n].with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)
           for n in positional]
    for arg in call.args:  # the others keep the order they were written in
        name = next((n for n, a in by_new.items() if a is arg), None)
        if name is None or name in positional:
            continue
        if arg.keyword is None:
            arg = arg.with_changes(keyword=cst.Name(name), equal=_EQ)
        elif arg.keyword.value != name:
            arg = arg.with_changes(keyword=cst.Name(name))
        out.append(arg)
    added, extra = [], []
    for name, code in spec.get("add", {}).items():
        if name not in by_new:
            code = _substitute(site, code, {})
            extra.append(cst.Arg(cst.parse_expression(code), keyword=cst.Name(name), equal=_EQ))
            added.append(f"{name}={code}")
    shown = _target(site, spec.get("to", site.qualname.rpartition(".")[2]))
    new = A.with_args(call.with_changes(func=cst.parse_expression(shown)), out)
    return (A.append_args(new, extra) if extra else new), shown, added


def _target(site: Site, to: str) -> str:
    if to.startswith("keras."):
        module, _, name = to.rpartition(".")
        return f"{site.name_for(module)}.{name}" if module != "keras" else site.name_for(to)
    return f"{site.name_for('keras.ops')}.{to}"


def _template(site: Site, code: str, spec: dict, bound: dict):
    values = {p: site.code(arg.value) for p, arg in bound.items()}
    for p, default in spec.get("defaults", {}).items():
        values.setdefault(p, default)
    missing = [p for p in re.findall(r"\{(\w+)(?::atom)?\}", code)
               if p in spec["old"] and p not in values]
    if missing:
        return None, missing
    node = cst.parse_expression(_substitute(site, code, values, bound))
    if not isinstance(node, _ATOMS):  # `x + b` in `K.bias_add(x, b) * 2` needs parentheses
        node = node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return node.with_changes(lpar=[*site.node.lpar, *node.lpar],
                             rpar=[*node.rpar, *site.node.rpar]), []


def _substitute(site: Site, code: str, values: dict, bound: dict | None = None) -> str:
    def one(match: re.Match) -> str:
        key, atom = match.group(1), match.group(2)
        if key in values:
            arg = (bound or {}).get(key)
            if atom and arg is not None and not _atomic(arg.value) or \
                    "\n" in values[key] or "\r" in values[key]:
                # an argument laid out over lines (a comment, a backslash) needs brackets
                # once it is out of the call's own
                return f"({values[key]})"
            return values[key]
        return _target(site, key) if key.startswith("keras.") and key.count(".") > 1 \
            else site.name_for(key if key != "ops" else "keras.ops")
    return re.sub(r"\{([\w.]+)(?::(atom))?\}", one, code)


def _pure(node: cst.BaseExpression) -> bool:
    """A name or an attribute of one: evaluating it twice is the same as once."""
    while isinstance(node, cst.Attribute):
        node = node.value
    return isinstance(node, cst.Name)


def _atomic(node: cst.BaseExpression) -> bool:
    return isinstance(node, _ATOMS) or bool(getattr(node, "lpar", None)) or (
        isinstance(node, cst.Tuple) and bool(node.lpar))


# --- K.sqrt: Keras 1/2 clipped negative inputs to 0 --------------------------------------------

_NONNEGATIVE = {"square", "abs", "exp", "sqrt", "softplus", "relu", "sigmoid", "softmax",
                "epsilon", "hard_sigmoid", "elu_plus_one"}
_KEEPS_SIGN = {"sum", "mean", "max", "min", "prod", "cumsum", "reshape", "flatten",
               "batch_flatten", "expand_dims", "squeeze", "transpose", "permute_dimensions"}


def _nonnegative_arg(site: Site, spec: dict, bound: dict) -> bool:
    """`unless_nonnegative`: with an argument that cannot be negative, the plain call is
    exact, and the template (which keeps the legacy clipping) is not needed."""
    param = spec.get("unless_nonnegative")
    if not param or param not in bound:
        return False
    original = {a.keyword.value if a.keyword else i: a for i, a in enumerate(site.original.args)}
    arg = original.get(param, original.get(spec["old"].index(param)))
    return arg is not None and _nonnegative(site, arg.value)


def _nonnegative(site: Site, node: cst.BaseExpression) -> bool:
    value = site.value(node)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value >= 0
    if isinstance(node, cst.BinaryOperation):
        if isinstance(node.operator, cst.Power):
            return site.value(node.right) in (2, 4, 0.5) or _nonnegative(site, node.left)
        if isinstance(node.operator, (cst.Add, cst.Multiply, cst.Divide)):
            return _nonnegative(site, node.left) and _nonnegative(site, node.right)
    if not isinstance(node, cst.Call):
        return False
    dotted = cst_dotted(node.func)
    found = site.facts.table.resolve(dotted, site.facts.star_symbols) if dotted else None
    if found is None or found.qualname.rpartition(".")[0] not in ("keras.backend", "keras.ops"):
        return False
    fn = found.qualname.rpartition(".")[2]
    args = [a.value for a in node.args if a.keyword is None and not a.star]
    if fn in _NONNEGATIVE:
        return True
    if fn in _KEEPS_SIGN and args:
        return _nonnegative(site, args[0])
    if fn == "maximum" and args:
        return any(_nonnegative(site, a) for a in args)
    if fn == "clip" and len(args) > 1:
        return _nonnegative(site, args[1])
    return False


# --- K.shape(x)[i] (a tensor then, a tuple now) ------------------------------------------------

def shape(site: Site, rule) -> Edit | None:
    """`K.shape(x)[1]` is the same with ops.shape; anything else done with the shape tensor
    (arithmetic, slicing, passing it on) may not be, as ops.shape returns a tuple."""
    edit = convert(site, rule)
    fn = site.qualname.rpartition(".")[2]
    if edit is None or edit.new is None or fn != "shape" or _int_indexed(site):
        return edit
    edit.fix = "unsafe"
    edit.message += ("; `K.shape` returned a tensor, `ops.shape` returns a tuple: arithmetic, "
                     "slicing or `tf.*` calls on it may change meaning")
    return edit


def _int_indexed(site: Site) -> bool:
    parent = _parents(site).get(id(site.original))
    if not isinstance(parent, cst.Subscript) or parent.value is not site.original or \
            len(parent.slice) != 1 or not isinstance(parent.slice[0].slice, cst.Index):
        return False
    return isinstance(site.value(parent.slice[0].slice.value), int)


# --- the file's tree, once: parents and source order ------------------------------------------

_STATE: dict = {}


def _state(site: Site) -> dict:
    if _STATE.get("module") is not site.module:
        _STATE.clear()
        _STATE.update(module=site.module, parents=None, compare={})
    return _STATE


def _parents(site: Site) -> dict:
    state = _state(site)
    if state["parents"] is None:
        parents, order, nodes = {}, {}, []
        stack = [site.module]
        while stack:
            node = stack.pop()
            order[id(node)] = len(nodes)
            nodes.append(node)
            children = node.children
            for child in children:
                parents[id(child)] = node
            stack.extend(reversed(children))
        state.update(parents=parents, order=order, nodes=nodes)
    return state["parents"]


# --- K.image_dim_ordering() / K.set_image_dim_ordering() (K1B01, K1B02) -----------------------

_DIM = {"th": "channels_first", "tf": "channels_last"}
_EXACT = "{{'channels_first': 'th', 'channels_last': 'tf'}}[{getter}()]"
_SETTER = "{{'th': 'channels_first', 'tf': 'channels_last'}}[{value}]"
_DATA_FORMAT_KEYWORDS = ("dim_ordering", "data_format")


def image_dim_ordering(site: Site, rule) -> Edit | None:
    if isinstance(site.original, cst.Comparison):
        return _dim_comparison(site)
    call = site.node
    if not isinstance(call, cst.Call) or call.args:
        return None
    parents = _parents(site)
    state = _state(site)
    comparison, side = _comparison_of(parents, site.original)
    if side:  # `K.image_dim_ordering() == 'th'`: the comparison is rewritten as a whole
        state["compare"][id(comparison)] = side
        return None
    getter = _getter(site, call, "image_data_format")
    uses = _clean_uses(site, parents.get(id(site.original)))
    if uses is not None:
        for comparison, side in uses:
            state["compare"][id(comparison)] = side
        also = " (and the comparisons of its value with 'th'/'tf')" if uses else ""
        return Edit(f"`{_shown(site)}()` was removed in Keras 2: `{site.code(getter.func)}()` "
                    f"returns 'channels_first'/'channels_last' where it returned 'th'/'tf'"
                    f"{also}", getter)
    exact = cst.parse_expression(_EXACT.format(getter=site.code(getter.func)))
    exact = exact.with_changes(lpar=call.lpar, rpar=call.rpar)
    return Edit(f"`{_shown(site)}()` was removed in Keras 2: its value is used beyond "
                "comparisons with 'th'/'tf', so it is kept with the old values",
                exact, help=f"Keras 3: `{site.code(exact)}`; better, use "
                f"`{site.code(getter.func)}()` and compare with 'channels_first' / "
                "'channels_last'")


def _getter(site: Site, call: cst.Call, name: str) -> cst.Call:
    if isinstance(call.func, cst.Attribute):
        return call.with_changes(func=call.func.with_changes(attr=cst.Name(name)))
    site.maybe_unused(cst_dotted(call.func) or "")
    return call.with_changes(func=cst.parse_expression(site.name_for(f"keras.backend.{name}")))


def _comparison_of(parents: dict, operand: cst.CSTNode):
    """(comparison, side of its 'th'/'tf' literal) when `operand` is compared with literals
    only; else (None, None)."""
    parent = parents.get(id(operand))
    if isinstance(parent, cst.ComparisonTarget):
        parent = parents.get(id(parent))
    if not isinstance(parent, cst.Comparison) or len(parent.comparisons) != 1:
        return None, None
    target = parent.comparisons[0]
    op = target.operator
    if isinstance(op, (cst.Equal, cst.NotEqual)):
        if parent.left is operand and _dim_literal(target.comparator):
            return parent, "right"
        if target.comparator is operand and _dim_literal(parent.left):
            return parent, "left"
    if isinstance(op, (cst.In, cst.NotIn)) and parent.left is operand and isinstance(
            target.comparator, (cst.Tuple, cst.List, cst.Set)) and target.comparator.elements \
            and all(_dim_literal(e.value) for e in target.comparator.elements):
        return parent, "right"
    return None, None


def _dim_literal(node) -> bool:
    return isinstance(node, cst.SimpleString) and node.prefix.lower() in ("", "u") and \
        node.evaluated_value in _DIM


def _clean_uses(site: Site, parent) -> list | None:
    """Where `K.image_data_format()`'s values are right as they are: a `data_format=` /
    `dim_ordering=` argument, or `v = K.image_dim_ordering()` where the file binds `v` nowhere
    else and uses it only after, in comparisons with 'th'/'tf' (returned: to rewrite) or as
    such an argument. None: the value goes elsewhere."""
    if isinstance(parent, cst.Arg) and parent.keyword is not None and \
            parent.keyword.value in _DATA_FORMAT_KEYWORDS:
        return []
    if not (isinstance(parent, cst.Assign) and len(parent.targets) == 1 and
            isinstance(parent.targets[0].target, cst.Name)):
        return None
    name = parent.targets[0].target
    if _bindings(site.facts.nodes, name.value) != 1:
        return None
    state, parents = _state(site), _parents(site)
    after = state["order"][id(parent)]
    uses = []
    for node in state["nodes"]:
        if not isinstance(node, cst.Name) or node.value != name.value or node is name:
            continue
        up = parents.get(id(node))
        if isinstance(up, cst.Attribute) and up.attr is node or \
                isinstance(up, cst.Arg) and up.keyword is node:
            continue  # `self.dim`, `f(dim=...)`: not the variable
        if state["order"][id(node)] < after:
            return None
        comparison, side = _comparison_of(parents, node)
        if side:
            uses.append((comparison, side))
        elif not (isinstance(up, cst.Arg) and up.keyword is not None and
                  up.keyword.value in _DATA_FORMAT_KEYWORDS):
            return None
    return uses


def _bindings(nodes: list, name: str) -> int:
    """How many times the file binds `name` (assignments, parameters, imports, defs ...)."""
    count = 0
    for node in nodes:
        if isinstance(node, ast.Name):
            count += node.id == name and not isinstance(node.ctx, ast.Load)
        elif isinstance(node, ast.arg):
            count += node.arg == name
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                               ast.ExceptHandler)):
            count += node.name == name
        elif isinstance(node, ast.alias):
            count += (node.asname or node.name.split(".")[0]) == name
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            count += 2 * (name in node.names)  # bound from elsewhere: never clean
    return count


def _dim_comparison(site: Site) -> Edit | None:
    state = _STATE if _STATE.get("module") is site.module else None
    side = state["compare"].get(id(site.original)) if state else None
    node = site.node
    if side is None or not isinstance(node, cst.Comparison) or len(node.comparisons) != 1:
        return None
    target = node.comparisons[0]
    literal, operand = (target.comparator, node.left) if side == "right" else \
        (node.left, target.comparator)
    new_literal = _mapped_literals(literal)
    if isinstance(operand, cst.Call):  # the call itself (not a variable holding its value)
        operand = _getter(site, operand, "image_data_format")
    if side == "right":
        new = node.with_changes(left=operand, comparisons=[
            target.with_changes(comparator=new_literal)])
    else:
        new = node.with_changes(left=new_literal, comparisons=[
            target.with_changes(comparator=operand)])
    return Edit(f"`{site.code(site.original)}`: Keras 2+ `image_data_format()` returns "
                "'channels_first' / 'channels_last' where `image_dim_ordering()` returned "
                "'th' / 'tf'", new)


def _mapped_literals(node):
    if isinstance(node, cst.SimpleString):
        quote = node.quote
        return node.with_changes(
            value=f"{node.prefix}{quote}{_DIM[node.evaluated_value]}{quote}")
    return node.with_changes(elements=[e.with_changes(value=_mapped_literals(e.value))
                                       for e in node.elements])


def set_image_dim_ordering(site: Site, rule) -> Edit | None:
    call = site.node
    if not isinstance(call, cst.Call):
        return None
    args = call.args
    if A.has_star(call) or len(args) != 1 or args[0].keyword is not None and \
            args[0].keyword.value != "dim_ordering":
        return Edit(f"`{_shown(site)}(...)` was removed in Keras 2: call "
                    "`set_image_data_format('channels_first' | 'channels_last')`")
    value = args[0].value
    if _dim_literal(value):
        new_value = _mapped_literals(value)
    elif site.is_literal(value):
        return Edit(f"`{_shown(site)}({site.code(value)})`: Keras 1 took only 'th' or 'tf'; "
                    "Keras 3 `set_image_data_format` takes 'channels_first' / 'channels_last'")
    else:
        new_value = cst.parse_expression(_SETTER.format(value=site.code(value)))
    arg = args[0].with_changes(value=new_value, keyword=None, equal=cst.MaybeSentinel.DEFAULT)
    new = _getter(site, call, "set_image_data_format").with_changes(args=[arg])
    return Edit(f"`{_shown(site)}(...)` was removed in Keras 2: `set_image_data_format` with "
                "'channels_first' for 'th', 'channels_last' for 'tf'", new)
