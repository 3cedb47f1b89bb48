"""Hypothesis strategies for the fuzz tests (tests/test_fuzz_legacy.py): legacy Keras sources
built from the rule tables themselves, so that the generators grow with the rules.

What the tables give:
- every layer record (`load_rules()`): its symbols, its Keras 1 positional signature, and the
  keywords its tables are keyed by (`args`, `values`, `drop`, `drop_if`, `drop_unsafe`,
  `removed`, `fold`, `unfaithful`, `kinds`, `defaults`), with the literal values its `values`
  and `drop_if` tables map (`dim_ordering='th'`, `border_mode='full'`, `mode=0`);
- every program record (`load_program_rules()`): the public names it hooks (`calls`), the
  methods (`methods`) and attributes (`attributes`) it sees, its `when_keywords` and the
  keywords named in its `data` tables;
- every example and ok snippet of both kinds of record (`before` / `flag`), split into its
  imports and its body.

What the generators add, at random:
- import spellings: `from keras.layers import *`, `from keras.layers import X`,
  `... import X as Y`, `import keras.layers as KL`, `from tensorflow.keras import layers`,
  `import tensorflow as tf` + `tf.keras.layers.X`, `import keras` + `keras.layers.X`, Keras 1
  layer submodules, `tf_keras`; and for other Keras names (`keras.optimizers.SGD`,
  `keras.backend.mean`) a from-import, an aliased from-import, a module import, the full
  dotted path or `tf.keras...`; imports parenthesised, continued with a backslash, one a line;
- calls: positional / keyword mixes whose values fit the parameter (ints, tuples, strings from
  the `values` tables, names, calls, lambdas, regularizer calls), duplicated meanings
  (`Dense(3, output_dim=4)`), `*args` / `**kwargs`, keywords no table knows;
- nesting: `Model(input=x, output=Dense(3)(Flatten()(x)))`, `Sequential([...])`,
  `model.add(...)`, `TimeDistributed(...)`, `Bidirectional(...)`, layers in lists and
  comprehensions, layers applied to layers;
- program statements: `fit(nb_epoch=)`, `fit_generator(samples_per_epoch=)`, `merge([...],
  mode=)`, `Merge`, `K.image_dim_ordering() == 'th'` (as a condition, a comparison operand),
  `K.*` calls, optimizers (`SGD(lr=0.1, decay=1e-6)`, Keras 1 positionals), `model.optimizer.lr`,
  compile, predict_classes, saving and callbacks, preprocessing, `np_utils`;
- layout: comments after commas and brackets and on lines of their own (some of them legacy
  code, suppressions or stale `# TODO(kerasfix)` comments), backslash continuations, bracket
  continuations with any indentation, trailing commas, semicolons, one-line compound
  statements, decorators, lambdas, nested defs, classes, loops, `with`, `try`, `async def`;
- f-strings with calls inside (`f"{Conv2D(1, 3, 3)}"`, flat: Python 3.11 allows no comment,
  backslash or same quote in them), strings, docstrings and comments holding legacy code;
- Python 2 print statements, now and then (the pre-pass converts them);
- the file: tabs or spaces, `\\n` or `\\r\\n` line ends, a BOM or a PEP 263 cookie, non-ASCII
  text, with or without a final newline.

`perturb_layout` re-lays any source out with the tokenizer (comments and line breaks after
brackets and commas, backslash continuations, comment lines between statements) without
changing its syntax tree; it is applied to the rule examples and to whole generated programs.
"""

from __future__ import annotations

import ast
import io
import keyword
import tokenize
from dataclasses import dataclass, field

from hypothesis import strategies as st

from kerasfix.migrate.loader import load_rules
from kerasfix.migrate.program.loader import load_program_rules

RULES = load_rules()
PROGRAM = load_program_rules()
LAYER_RULES = tuple(RULES.layers)
# Keras 3 layers no record is about: calls around and inside the legacy ones.
PLAIN_LAYERS = ("Flatten", "Activation", "Reshape", "Permute", "RepeatVector", "Masking",
                "Concatenate", "Add", "Input", "TimeDistributed", "Softmax", "ReLU")


# ---------------------------------------------------------------------------------------------
# What the rule tables give


def _split_snippet(text: str) -> tuple[tuple[str, ...], str] | None:
    """(import lines, body) of a rule example run the way the examples are (`from keras.layers
    import *` when it imports nothing); None when it is not valid Python 3 on its own."""
    if "import" not in text:
        text = "from keras.layers import *\n" + text
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    lines = text.split("\n")
    imports, body_lines = [], set(range(1, len(lines) + 1))
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append("\n".join(lines[node.lineno - 1:node.end_lineno]))
            body_lines -= set(range(node.lineno, node.end_lineno + 1))
    body = "\n".join(lines[i - 1] for i in sorted(body_lines)).strip("\n")
    if body:
        try:
            ast.parse(body)
        except SyntaxError:
            return None
    return tuple(imports), body


def _snippets() -> tuple[tuple[tuple[str, ...], str], ...]:
    found = []
    for rule in (*LAYER_RULES, *([RULES.base] if RULES.base else []), *PROGRAM.rules):
        for example in (*rule.examples, *rule.oks):
            for text in (example.before, example.flag, example.after):
                split = _split_snippet(text) if text else None
                if split is not None and split[1] and split not in found:
                    found.append(split)
    return tuple(found)


SNIPPETS = _snippets()


def _program_keywords() -> dict[str, tuple[str, ...]]:
    """Per hooked method / call name: the keywords program records act on (when_keywords and
    the keys of their data tables)."""
    out: dict[str, set[str]] = {}
    for rule in PROGRAM.rules:
        words = set(rule.when_keywords)
        for key in ("args", "drop", "if_keywords", "renames"):
            value = rule.data.get(key)
            if isinstance(value, (dict, list, tuple)):
                words |= {w for w in value if isinstance(w, str)}
        for value in rule.data.values():
            if isinstance(value, dict):
                for key in ("keras1", "keras2", "keras1_only", "keras2_only", "drop"):
                    inner = value.get(key)
                    if isinstance(inner, (list, tuple)):
                        words |= {w for w in inner if isinstance(w, str)}
        words = {w for w in words if w.isidentifier() and not keyword.iskeyword(w)}
        for name in (*rule.methods, *(c.rpartition(".")[2] for c in rule.calls)):
            out.setdefault(name, set()).update(words)
    return {name: tuple(sorted(words)) for name, words in out.items()}


PROGRAM_KEYWORDS = _program_keywords()
METHODS = tuple(sorted({m for r in PROGRAM.rules for m in r.methods}))
ATTRIBUTES = tuple(sorted({a for r in PROGRAM.rules for a in r.attributes}))
PROGRAM_CALLS = tuple(sorted({c for r in PROGRAM.rules for c in r.calls}))


def _layer_keywords(rule) -> tuple[str, ...]:
    words = set(rule.old_positional) | set(rule.args) | set(rule.values) | set(rule.drop_if)
    words |= set(rule.drop) | set(rule.drop_unsafe) | set(rule.removed) | set(rule.kinds)
    words |= set(rule.convert) | set(rule.defaults) | set(rule.keras1_defaults)
    for olds, new in rule.fold:
        words |= set(olds) | {new}
    for unfaithful in rule.unfaithful:
        words |= set(unfaithful.when)
    for new in rule.args.values():
        words |= set(new) if isinstance(new, (list, tuple)) else {new}
    words |= set(rule.new_positional)
    return tuple(sorted(w for w in words if w.isidentifier() and not keyword.iskeyword(w)))


LAYER_KEYWORDS = {rule.id: _layer_keywords(rule) for rule in LAYER_RULES}
BASE_KEYWORDS = tuple(sorted((set(RULES.base.removed) if RULES.base else set()) | {
    "name", "trainable", "input_shape", "input_dim", "batch_input_shape", "dtype"}))


def _table_values(rule, name: str) -> list:
    """Literal values the record's tables know for this keyword."""
    found: list = []
    for table in (rule.values, rule.drop_if):
        entry = table.get(name)
        if isinstance(entry, dict):
            found += list(entry)
        elif isinstance(entry, (list, tuple)):
            found += list(entry)
    for unfaithful in rule.unfaithful:
        when = unfaithful.when.get(name)
        if isinstance(when, (list, tuple)):
            found += list(when)
    return [v for v in found if isinstance(v, (str, int, float, bool))]


# ---------------------------------------------------------------------------------------------
# Imports and spellings


class Imports:
    """The import statements a generated source needs, in first-use order."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, list[str]] = {}  # module -> names, for `from M import a, b`

    def add(self, line: str) -> None:
        if line not in self.lines:
            self.lines.append(line)

    def add_name(self, module: str, name: str) -> None:
        key = f"\0{module}"
        if key not in self.lines:
            self.lines.append(key)
        names = self.names.setdefault(module, [])
        if name not in names:
            names.append(name)

    def render(self, draw) -> list[str]:
        out = []
        for line in self.lines:
            if not line.startswith("\0"):
                out.append(line)
                continue
            module = line[1:]
            names = self.names[module]
            how = draw(st.sampled_from(("one", "one", "paren", "backslash", "each")))
            if how == "one" or len(names) == 1 and how != "paren":
                out.append(f"from {module} import {', '.join(names)}")
            elif how == "paren":
                sep = draw(st.sampled_from((",\n    ", ", ", ",  # layers\n    ")))
                trail = draw(st.sampled_from(("", ",", ",\n")))
                out.append(f"from {module} import (\n    {sep.join(names)}{trail})")
            elif how == "backslash":
                out.append(f"from {module} import {names[0]}, \\\n    "
                           + ", ".join(names[1:]))
            else:
                out += [f"from {module} import {n}" for n in names]
        return out


LAYER_STYLES = ("star", "names", "alias", "module", "tf_layers", "tf", "keras", "submodule",
                "tf_keras")
SUBMODULES = ("core", "convolutional", "recurrent", "pooling", "normalization", "embeddings",
              "advanced_activations", "wrappers", "noise", "local")


@dataclass
class Ctx:
    """What a source being generated has so far."""

    imports: Imports = field(default_factory=Imports)
    styles: tuple[str, ...] = LAYER_STYLES
    flat: bool = False  # inside an f-string: one line, no comment, no backslash, no `"`
    python2: bool = False  # Python 2 statements allowed
    depth: int = 0  # nesting of calls


def spell_layer(draw, ctx: Ctx, symbol: str) -> str:
    style = draw(st.sampled_from(ctx.styles))
    imports = ctx.imports
    if style == "star":
        imports.add("from keras.layers import *")
        return symbol
    if style == "names":
        imports.add_name("keras.layers", symbol)
        return symbol
    if style == "alias":
        alias = draw(st.sampled_from((f"K{symbol}", f"{symbol}_", f"L{symbol[:3]}")))
        imports.add(f"from keras.layers import {symbol} as {alias}")
        return alias
    if style == "module":
        imports.add("import keras.layers as KL")
        return f"KL.{symbol}"
    if style == "tf_layers":
        imports.add("from tensorflow.keras import layers")
        return f"layers.{symbol}"
    if style == "tf":
        imports.add("import tensorflow as tf")
        return f"tf.keras.layers.{symbol}"
    if style == "keras":
        imports.add("import keras")
        return f"keras.layers.{symbol}"
    if style == "submodule":
        imports.add_name(f"keras.layers.{draw(st.sampled_from(SUBMODULES))}", symbol)
        return symbol
    imports.add("import tf_keras")
    return f"tf_keras.layers.{symbol}"


def spell(draw, ctx: Ctx, qualname: str) -> str:
    """A public Keras name (`keras.optimizers.SGD`) spelled one of the ways files import it."""
    module, _, name = qualname.rpartition(".")
    if module == "keras.layers":
        return spell_layer(draw, ctx, name)
    style = draw(st.sampled_from(("from", "from", "alias", "module", "root", "tf")))
    imports = ctx.imports
    if module == "keras.backend" and style in ("from", "alias", "module"):
        how = draw(st.sampled_from(("from keras import backend as K", "import keras.backend as K",
                                    "from tensorflow.keras import backend as K")))
        imports.add(how)
        return f"K.{name}"
    if style == "from":
        imports.add_name(module, name)
        return name
    if style == "alias":
        imports.add(f"from {module} import {name} as {name}_")
        return f"{name}_"
    if style == "module" and "." in module:
        parent, _, last = module.rpartition(".")
        imports.add(f"from {parent} import {last}")
        return f"{last}.{name}"
    if style == "tf" and qualname.startswith("keras."):
        imports.add("import tensorflow as tf")
        return f"tf.{qualname}"
    imports.add("import keras")
    return qualname


# ---------------------------------------------------------------------------------------------
# Values

INT_WORDS = ("nb_", "_dim", "length", "stride", "units", "filters", "multiplier", "batch_size",
             "nb_epoch", "epochs", "verbose", "steps", "samples", "words", "seed", "num_classes",
             "input_dim", "output_dim", "rate")
SHAPE_WORDS = ("subsample", "strides", "pool_size", "size", "cropping", "atrous_rate",
               "dilation_rate", "kernel_size", "input_shape", "batch_input_shape", "noise_shape",
               "shared_axes", "target_shape", "dims", "output_shape", "batch_shape", "shape")
STRINGS = {
    "border_mode": ("same", "valid", "full", "causal"),
    "padding": ("same", "valid", "causal"),
    "init": ("glorot_uniform", "he_normal", "orthogonal", "zero", "one", "uniform", "normal",
             "lecun_uniform", "identity"),
    "activation": ("relu", "tanh", "sigmoid", "hard_sigmoid", "softmax", "linear"),
    "dim_ordering": ("th", "tf", "default"),
    "data_format": ("channels_first", "channels_last"),
    "merge_mode": ("concat", "sum", "ave", "mul"),
    "mode": ("concat", "sum", "mul", "ave", "dot", "cos", "max"),
    "consume_less": ("cpu", "mem", "gpu"),
    "dtype": ("float32", "int32"),
    "loss": ("categorical_crossentropy", "mse", "binary_crossentropy"),
    "optimizer": ("sgd", "adam", "rmsprop"),
    "constraint": ("maxnorm", "nonneg", "unitnorm"),
    "name": ("conv1", "dense_out", "çonv", "lstm"),
    "monitor": ("val_loss", "val_acc"),
}
FLOAT_WORDS = ("p", "sigma", "dropout", "alpha", "theta", "epsilon", "momentum", "lr", "decay",
               "rho", "beta_1", "beta_2", "l1", "l2", "factor", "min_delta", "stddev", "mean")
BOOL_WORDS = ("bias", "mask_zero", "return_sequences", "stateful", "go_backwards", "unroll",
              "sparse", "trainable", "center", "scale", "nesterov", "shuffle", "save_best_only",
              "keepdims", "reset_metrics", "show_accuracy", "use_bias", "unit_forget_bias")
NAMES = ("x", "inputs", "h", "nb_filter", "N", "n_classes", "weights", "kw", "cfg.size",
         "self.units", "args.lr", "X_train.shape[1:]")


def _kind(name: str) -> str:
    low = name.lower()
    if low in BOOL_WORDS:
        return "bool"
    if low in STRINGS:
        return low
    if low.endswith("_regularizer") or low in ("regularizer",):
        return "regularizer"
    if low.endswith("_constraint"):
        return "constraint"
    if low.endswith(("_init", "_initializer")) or low == "init":
        return "init"
    if low.endswith("activation"):
        return "activation"
    if low in SHAPE_WORDS or low.endswith("_shape"):
        return "shape"
    if low in FLOAT_WORDS or low.startswith("dropout"):
        return "float"
    if any(w in low for w in INT_WORDS) or low.startswith(("nb_", "kernel_dim")):
        return "int"
    if low in ("weights",):
        return "weights"
    if low in ("function",):
        return "lambda"
    if low in ("layer", "cell"):
        return "layer"
    if low in ("axis", "concat_axis", "dot_axes", "axes"):
        return "axis"
    return "any"


def _quote(text: str, ctx: Ctx) -> str:
    if ctx.flat:
        return "'" + text.replace("'", "") + "'"
    return repr(text)


def literal(draw, ctx: Ctx, kind: str, rule=None, name: str = "") -> str:
    """Source text for a value of this kind."""
    table = _table_values(rule, name) if rule is not None and name else []
    if table and draw(st.integers(0, 2)) == 0:
        value = draw(st.sampled_from(table))
        return _quote(value, ctx) if isinstance(value, str) else repr(value)
    if draw(st.integers(0, 9)) == 0:
        kind = "any"  # a value of the wrong kind, now and then
    small = st.integers(1, 64)
    if kind == "int":
        how = draw(st.integers(0, 9))
        if how < 6:
            return str(draw(small))
        return draw(st.sampled_from(("nb_filter", "2 * n", "len(vocab)", "np.int64(3)", "-1",
                                     "0", "N // 2", "int(n)")))
    if kind == "float":
        return draw(st.sampled_from(("0.5", "0.25", "0.", "1e-6", "0.1", "1", "0", "rate")))
    if kind == "bool":
        return draw(st.sampled_from(("True", "False", "1", "flag")))
    if kind == "shape":
        how = draw(st.integers(0, 6))
        if how == 0:
            return str(draw(small))
        if how == 1:
            return draw(st.sampled_from(("(None, 3)", "(3, None, None)", "shape",
                                         "X.shape[1:]", "((1, 1), (2, 2))", "[2, 2]", "()")))
        items = draw(st.lists(small, min_size=1, max_size=4))
        inner = ", ".join(map(str, items)) + ("," if len(items) == 1 else "")
        return f"({inner})" if draw(st.booleans()) else f"[{', '.join(map(str, items))}]"
    if kind in STRINGS:
        if draw(st.integers(0, 5)) == 0:
            return draw(st.sampled_from(("None", "mode", "K.image_dim_ordering()")))
        return _quote(draw(st.sampled_from(STRINGS[kind])), ctx)
    if kind == "regularizer":
        return draw(st.sampled_from(("l2(0.01)", "l1(1e-4)", "regularizers.l2(1e-4)", "None",
                                     "l1l2(l1=0.01, l2=0.01)", "reg", "WeightRegularizer(l2=1)")))
    if kind == "constraint":
        choices = ("maxnorm(2)", "None", "max_norm(3)", "constraints.maxnorm(2)", "c")
        if draw(st.booleans()):
            return _quote(draw(st.sampled_from(STRINGS["constraint"])), ctx)
        return draw(st.sampled_from(choices))
    if kind == "init":
        if draw(st.integers(0, 3)) == 0:
            return draw(st.sampled_from(("initializations.normal", "my_init",
                                         "initializers.Constant(0.1)")))
        return _quote(draw(st.sampled_from(STRINGS["init"])), ctx)
    if kind == "activation":
        if draw(st.integers(0, 4)) == 0:
            return draw(st.sampled_from(("None", "K.relu", "my_act", "lambda t: t")))
        return _quote(draw(st.sampled_from(STRINGS["activation"])), ctx)
    if kind == "weights":
        return draw(st.sampled_from(("[W]", "[W, b]", "None", "weights", "[np.zeros((3, 3))]")))
    if kind == "lambda":
        return draw(st.sampled_from(("lambda t: t * 2", "lambda t: K.mean(t, axis=1)", "f",
                                     "lambda a, b=1: (a, b)")))
    if kind == "layer" and ctx.depth < 3:
        return layer_call_text(draw, ctx, applied=False)
    if kind == "axis":
        return draw(st.sampled_from(("-1", "1", "(1, 1)", "[1, 2]", "axis")))
    return any_value(draw, ctx)


def any_value(draw, ctx: Ctx) -> str:
    how = draw(st.integers(0, 12))
    if how == 0:
        return str(draw(st.integers(-3, 512)))
    if how == 1:
        return draw(st.sampled_from(("0.5", "1e-3", ".5", "1_000", "0x10", "3j")))
    if how == 2:
        return draw(st.sampled_from(("True", "False", "None", "...")))
    if how == 3:
        return _quote(draw(st.sampled_from(("same", "th", "full", "maxnorm", "é", "", "a b",
                                            "Convolution2D(64, 3, 3)"))), ctx)
    if how == 4:
        return draw(st.sampled_from(NAMES))
    if how == 5:
        return draw(st.sampled_from(("(3, 3)", "(1,)", "[]", "{}", "{'a': 1}", "(None, 28)")))
    if how == 6:
        return draw(st.sampled_from(("f(x)", "np.sqrt(2)", "get(n=1)", "a if b else c",
                                     "x[1:2]", "not x", "-x", "x @ y")))
    if how == 7 and not ctx.flat:
        return draw(st.sampled_from(('f"conv{i}"', "'a' 'b'", "b'x'", 'r"\\d"')))
    if how == 8:
        return "lambda t: t"
    if how == 9 and ctx.depth < 3:
        return layer_call_text(draw, ctx, applied=draw(st.booleans()))
    return str(draw(st.integers(1, 9)))


# ---------------------------------------------------------------------------------------------
# Calls


def render_call(draw, ctx: Ctx, func: str, args: list[str]) -> str:
    """`func(args)` laid out one of many ways (all valid Python)."""
    if not args:
        return f"{func}()" if ctx.flat or draw(st.integers(0, 4)) else f"{func}(\n)"
    if ctx.flat:
        seps = (", ", ",", " , ")
        opens, closes = ("",), ("", ",")
    else:
        seps = (", ", ", ", ",", " , ", ",\n    ", ",\n", ",  # note\n        ",
                ", \\\n    ", ",  # Convolution2D(64, 3, 3)\n    ", ",\n\n    ",
                ", ", ",\n    ", ", ", ",  # kerasfix: ignore[KF112]\n    ")
        opens = ("", "", "\n    ", "  # open\n    ", "\n")
        closes = ("", "", ",", ",\n", "\n", "  # close\n", ",  # trailing\n")
    out = [func, "(", draw(st.sampled_from(opens))]
    for i, arg in enumerate(args):
        if i:
            out.append(draw(st.sampled_from(seps)))
        out.append(arg)
    out += [draw(st.sampled_from(closes)), ")"]
    return "".join(out)


def _keyword(draw, ctx: Ctx, name: str, value: str) -> str:
    eq = "=" if ctx.flat or draw(st.integers(0, 5)) else " = "
    return f"{name}{eq}{value}"


def layer_call_text(draw, ctx: Ctx, applied: bool | None = None) -> str:
    """A layer call from a record (or a plain Keras 3 layer), optionally applied to a tensor."""
    ctx.depth += 1
    try:
        if draw(st.integers(0, 5)) == 0:
            symbol = draw(st.sampled_from(PLAIN_LAYERS))
            rule = RULES.by_symbol.get(symbol)
        else:
            rule = draw(st.sampled_from(LAYER_RULES))
            symbol = draw(st.sampled_from(rule.symbols))
        func = spell_layer(draw, ctx, symbol)
        args: list[str] = []
        positional = rule.old_positional if rule else ("units",)
        count = draw(st.integers(0, min(len(positional), 5)))
        for name in positional[:count]:
            args.append(literal(draw, ctx, _kind(name), rule, name))
        words = LAYER_KEYWORDS.get(rule.id, ()) if rule else ()
        pool = tuple(sorted(set(words) | set(BASE_KEYWORDS) | {"units", "foo", "lambda_"}))
        chosen = draw(st.lists(st.sampled_from(pool), max_size=5, unique=True))
        used = set(positional[:count])
        for name in chosen:
            if name in used and draw(st.booleans()):
                continue  # sometimes both the positional and its keyword
            args.append(_keyword(draw, ctx, name, literal(draw, ctx, _kind(name), rule, name)))
        star = draw(st.integers(0, 15))
        if star == 0:
            args.append("**kwargs")
        elif star == 1:
            args.insert(min(count, len(args)), "*args")
        if symbol in ("TimeDistributed", "Bidirectional") and ctx.depth < 3 and not count:
            args.insert(0, layer_call_text(draw, ctx, applied=False))
        call = render_call(draw, ctx, func, args)
        if applied is None:
            applied = draw(st.booleans())
        if applied:
            call += f"({tensor(draw, ctx)})"
        return call
    finally:
        ctx.depth -= 1


def tensor(draw, ctx: Ctx) -> str:
    """What a layer is applied to: a name, or another layer applied to something."""
    if ctx.depth < 3 and draw(st.integers(0, 3)) == 0:
        return layer_call_text(draw, ctx, applied=True)
    return draw(st.sampled_from(("x", "inputs", "h", "[a, b]", "inp", "x_in")))


def model_name(draw, ctx: Ctx, which: str) -> str:
    style = draw(st.integers(0, 5))
    if style <= 2:
        ctx.imports.add_name("keras.models", which)
        return which
    if style == 3:
        ctx.imports.add("import keras")
        return f"keras.{which}" if draw(st.booleans()) else f"keras.models.{which}"
    if style == 4:
        ctx.imports.add("import tensorflow as tf")
        return f"tf.keras.models.{which}"
    ctx.imports.add("from tensorflow import keras")
    return f"keras.{which}"


def method_call_text(draw, ctx: Ctx) -> str:
    """`model.<method>(...)` for a method some program rule sees, with its keywords."""
    method = draw(st.sampled_from(METHODS))
    receiver = draw(st.sampled_from(("model", "self.model", "net", "clf", "m[0]", "opt",
                                     "get_model()")))
    words = PROGRAM_KEYWORDS.get(method, ())
    args = [draw(st.sampled_from(("X", "X_train", "gen", "datagen.flow(X, Y, batch_size=32)",
                                  "[X1, X2]", "'w.h5'", "path")))
            for _ in range(draw(st.integers(0, 3)))]
    for name in draw(st.lists(st.sampled_from(words or ("verbose",)), max_size=4, unique=True)):
        args.append(_keyword(draw, ctx, name, literal(draw, ctx, _kind(name), None, name)))
    return render_call(draw, ctx, f"{receiver}.{method}", args)


def program_call_text(draw, ctx: Ctx) -> str:
    """A call of a public name some program record hooks (`keras.optimizers.SGD`, `K.mean`,
    `merge`, `ImageDataGenerator`...), with keywords its records act on."""
    qualname = draw(st.sampled_from(PROGRAM_CALLS))
    func = spell(draw, ctx, qualname)
    name = qualname.rpartition(".")[2]
    words = PROGRAM_KEYWORDS.get(name, ())
    args = []
    for _ in range(draw(st.integers(0, 3))):
        args.append(draw(st.sampled_from(("x", "0.01", "[a, b]", "(2, 2)", "'th'", "y_pred",
                                          "-1", "0.9", "1e-6", "'concat'", "model"))))
    for word in draw(st.lists(st.sampled_from(words + ("axis", "name", "mode")), max_size=4,
                              unique=True)):
        args.append(_keyword(draw, ctx, word, literal(draw, ctx, _kind(word), None, word)))
    return render_call(draw, ctx, func, args)


def expression(draw, ctx: Ctx) -> str:
    """Any of the calls above, nested now and then."""
    how = draw(st.integers(0, 9))
    if how <= 3:
        return layer_call_text(draw, ctx)
    if how <= 5:
        return program_call_text(draw, ctx)
    if how == 6:
        return method_call_text(draw, ctx)
    if how == 7:
        model = model_name(draw, ctx, "Model")
        inner = layer_call_text(draw, ctx, applied=True)
        kw = draw(st.sampled_from((("input", "output"), ("inputs", "outputs"),
                                   ("input", "outputs"))))
        args = [f"{kw[0]}=x", f"{kw[1]}={inner}"]
        if draw(st.booleans()):
            args.append("name='net'")
        return render_call(draw, ctx, model, args)
    if how == 8:
        seq = model_name(draw, ctx, "Sequential")
        items = [layer_call_text(draw, ctx, applied=False)
                 for _ in range(draw(st.integers(0, 3)))]
        # the list laid out like a call's arguments: `[` + what render_call puts in `( )` + `]`
        listed = "[" + render_call(draw, ctx, "", items)[1:-1] + "]" if items else "[]"
        return render_call(draw, ctx, seq, [listed])
    merge = spell(draw, ctx, draw(st.sampled_from(("keras.layers.merge", "keras.layers.Merge"))))
    mode = _quote(draw(st.sampled_from(STRINGS["mode"])), ctx)
    args = ["[a, b]", f"mode={mode}"]
    if draw(st.booleans()):
        args.append(draw(st.sampled_from(("concat_axis=1", "dot_axes=1", "name='m'",
                                          "output_shape=(4,)"))))
    return render_call(draw, ctx, merge, args)


# ---------------------------------------------------------------------------------------------
# Statements and blocks

COMMENTS = ("# a comment", "# Convolution2D(64, 3, 3, border_mode='same')",
            "# model.fit(X, Y, nb_epoch=3)", "# noqa", "# kerasfix: ignore[KF112]",
            "# TODO(kerasfix): KF112 stale comment", "# é ü ✓", "#", "# type: ignore",
            "# kerasfix: ignore", "# TODO(kerasfix): KF999")


def statement(draw, ctx: Ctx) -> list[str]:
    """One simple statement (its lines, unindented)."""
    how = draw(st.integers(0, 22))
    if how <= 4:
        target = draw(st.sampled_from(("x", "h", "x", "out", "self.conv", "layers_[0]", "y")))
        return [f"{target} = {expression(draw, ctx)}"]
    if how <= 6:
        return [f"model.add({layer_call_text(draw, ctx, applied=False)})"]
    if how <= 8:
        return [expression(draw, ctx)]
    if how == 9:
        return [method_call_text(draw, ctx)]
    if how == 10:
        dim = spell(draw, ctx, "keras.backend.image_dim_ordering")
        value = draw(st.sampled_from(("'th'", '"tf"', "'channels_first'")))
        op = draw(st.sampled_from(("==", "!=", "is", "in")))
        if op == "in":
            value = "('th', 'tf')"
        return [f"channel_axis = 1 if {dim}() {op} {value} else -1"]
    if how == 11:
        if draw(st.booleans()):
            return ["lr = model.optimizer.lr", "model.optimizer.lr = lr * 0.1",
                    f"{spell(draw, ctx, 'keras.backend.set_value')}(model.optimizer.lr, 0.5)"]
        parent = draw(st.sampled_from(ATTRIBUTE_PARENTS))
        root = spell(draw, ctx, parent + ".x").rpartition(".")[0] or "keras"
        attr = draw(st.sampled_from(ATTRIBUTES))
        return [draw(st.sampled_from((f"v = {root}.{attr}", f"v = {root}.{attr}(y, 10)",
                                      f"compile(loss={root}.{attr})")))]
    if how == 12:
        call = expression(draw, _flat(ctx))
        q = '"'
        return [f"msg = f{q}built {{{call}}} and {{x!r:>10}}{q}"]
    if how == 13:
        text = draw(st.sampled_from(("Convolution2D(64, 3, 3, border_mode='same')",
                                     "model.fit(X, Y, nb_epoch=3)", "K.image_dim_ordering()")))
        return [f"code = {text!r}", f'"""{text}"""']
    if how == 14:
        return [f"build = lambda x: {layer_call_text(draw, ctx, applied=True)}"]
    if how == 15:
        return [f"layers_ = [{layer_call_text(draw, ctx, applied=False)} for _ in range(3)]"]
    if how == 16:
        return [f"x = \\\n    {layer_call_text(draw, ctx, applied=True)}"]
    if how == 17:
        return [f"a = 1; {expression(draw, ctx)}; b = 2"]
    if how == 18:
        return [draw(st.sampled_from(COMMENTS))]
    if how == 19:
        snippet_imports, body = draw(st.sampled_from(SNIPPETS))
        for line in snippet_imports:
            ctx.imports.add(line)
        return body.split("\n")
    if how == 20:
        opt = spell(draw, ctx, draw(st.sampled_from((
            "keras.optimizers.SGD", "keras.optimizers.Adam", "keras.optimizers.RMSprop",
            "keras.optimizers.Adagrad", "keras.optimizers.Nadam",
            "keras.optimizers.legacy.Adam"))))
        args = draw(st.sampled_from((["lr=0.1", "decay=1e-6", "momentum=0.9", "nesterov=True"],
                                     ["0.001", "0.9"], ["lr=args.lr"], ["0.01", "0.9", "1e-6"],
                                     ["lr=0.002", "schedule_decay=0.004"], ["epsilon=1e-8"])))
        return [f"opt = {render_call(draw, ctx, opt, args)}",
                "model.compile(loss='mse', optimizer=opt, metrics=['accuracy'])"]
    if how == 21 and ctx.python2:
        return [draw(st.sampled_from(("print 'epoch', i", "print x", 'print "done"',
                                      "print >>sys.stderr, 'x'", "print('ok')", "n = 0777",
                                      "name = `x`", "if a <> b: pass", "exec 'x = 1'",
                                      "print 'loss:', model.evaluate(X, Y, show_accuracy=True)",
                                      "s = ur'th'")))]
    return [draw(st.sampled_from(("pass", "x = inputs", "del x", "return x", "assert x",
                                  "global model", "raise ValueError('th')")))]


ATTRIBUTE_PARENTS = ("keras.utils", "keras.losses", "keras.metrics", "keras.optimizers",
                     "keras.backend", "keras.constraints", "keras.initializers",
                     "keras.mixed_precision", "keras.layers")


def _flat(ctx: Ctx) -> Ctx:
    return Ctx(imports=ctx.imports, styles=ctx.styles, flat=True, depth=ctx.depth,
               python2=ctx.python2)


DECORATORS = ("@staticmethod", "@functools.lru_cache()", "@tf.function",
              "@register('conv')", "@property", "@keras.saving.register_keras_serializable()",
              "@dec(Convolution2D(1, 3, 3))")


def _real(lines: list[str]) -> list[str]:
    """A block needs a statement: comment lines alone are not one."""
    if all(not line.strip() or line.lstrip().startswith("#") for line in lines):
        return lines + ["pass"]
    return lines


def block(draw, ctx: Ctx, unit: str, depth: int = 0) -> list[str]:
    """Statements, some of them compound, indented with `unit`."""
    out: list[str] = []
    for _ in range(draw(st.integers(1, 4 if depth else 6))):
        how = draw(st.integers(0, 12)) if depth < 2 else 0
        if how <= 5:
            out += statement(draw, ctx)
            continue
        inner = [unit + line if line.strip() else line
                 for line in _real(block(draw, ctx, unit, depth + 1))]
        if how == 6:
            decorators = draw(st.lists(st.sampled_from(DECORATORS), max_size=2))
            asyncdef = "async " if draw(st.integers(0, 5)) == 0 else ""
            out += decorators + [f"{asyncdef}def build(x, nb_filter=32, *a, **kw):"]
            if draw(st.booleans()):
                out.append(f"{unit}'''Builds Convolution2D(nb_filter, 3, 3) blocks.'''")
            out += inner
        elif how == 7:
            cond = draw(st.sampled_from((
                "K.image_dim_ordering() == 'th'", "keras.backend.image_dim_ordering() != 'tf'",
                "flag", "'th' == K.image_dim_ordering()")))
            if "K." in cond:
                ctx.imports.add("from keras import backend as K")
            if "keras.backend" in cond:
                ctx.imports.add("import keras")
            out += [f"if {cond}:"] + inner
            if draw(st.booleans()):
                out += ["else:"] + [unit + line if line.strip() else line
                                    for line in _real(block(draw, ctx, unit, depth + 1))]
        elif how == 8:
            out += ["for i in range(3):"] + inner
        elif how == 9:
            out += ["class Net(object):", f"{unit}units = 3", f"{unit}def call(self, x):"]
            out += [unit + line if line.strip() else line for line in inner]
        elif how == 10:
            out += ["with scope('a') as s:"] + inner
        elif how == 11:
            handler = "except Exception as e:"
            if ctx.python2 and draw(st.booleans()):
                handler = draw(st.sampled_from(("except Exception, e:",
                                                "except (ValueError, TypeError), e:")))
            out += ["try:"] + inner + [handler, f"{unit}pass", "finally:", f"{unit}pass"]
        else:
            one = statement(draw, ctx)
            if len(one) == 1 and "\n" not in one[0] and not one[0].startswith("#"):
                out.append(f"if x: {one[0]}")
            else:
                out += one
    return out


@dataclass
class Source:
    text: str
    newline: str
    encoding: str  # "utf-8", "utf-8-sig" or "latin-1"

    @property
    def data(self) -> bytes:
        text = self.text.replace("\n", self.newline)
        return text.encode(self.encoding, errors="replace")


def _finish(draw, ctx: Ctx, body: list[str], docstring: bool = True) -> Source:
    head = []
    if draw(st.integers(0, 4)) == 0:
        head.append("#!/usr/bin/env python")
    encoding = draw(st.sampled_from(("utf-8", "utf-8", "utf-8", "utf-8-sig", "latin-1")))
    if encoding == "latin-1":
        head.append("# -*- coding: latin-1 -*-")
    if docstring and draw(st.integers(0, 3)) == 0:
        head.append('"""Trains Convolution2D(64, 3, 3) on MNIST (Keras 1).\n\nmodel.fit(X, Y, '
                    'nb_epoch=3)\n"""')
    if draw(st.integers(0, 3)) == 0:
        head.append("from __future__ import print_function")
    imports = ctx.imports.render(draw)
    if not any("keras" in line for line in imports):
        imports.insert(0, "import keras")
    text = "\n".join(head + imports + body)
    if encoding == "latin-1":
        text = text.encode("latin-1", errors="replace").decode("latin-1")
    if draw(st.integers(0, 4)):
        text += "\n"
    newline = draw(st.sampled_from(("\n", "\n", "\n", "\r\n")))
    return Source(text, newline, encoding)


@st.composite
def calls(draw) -> Source:
    """A small source: imports and one to three statements around legacy calls."""
    styles = tuple(draw(st.lists(st.sampled_from(LAYER_STYLES), min_size=1, max_size=3,
                                 unique=True)))
    ctx = Ctx(styles=styles, python2=draw(st.integers(0, 5)) == 0)
    body = []
    for _ in range(draw(st.integers(1, 3))):
        body += statement(draw, ctx)
    source = _finish(draw, ctx, body, docstring=False)
    if draw(st.integers(0, 2)) == 0:
        source.text = draw(perturbed(source.text))
    return source


@st.composite
def programs(draw) -> Source:
    """A whole program: imports, module code, defs, classes, loops, and a main guard."""
    styles = tuple(draw(st.lists(st.sampled_from(LAYER_STYLES), min_size=1, max_size=4,
                                 unique=True)))
    ctx = Ctx(styles=styles, python2=draw(st.integers(0, 3)) == 0)
    unit = draw(st.sampled_from(("    ", "    ", "  ", "\t")))
    body = block(draw, ctx, unit)
    if draw(st.booleans()):
        body += ["if __name__ == '__main__':", f"{unit}main()"]
    source = _finish(draw, ctx, body)
    if draw(st.booleans()):
        source.text = draw(perturbed(source.text))
    return source


@st.composite
def snippets(draw) -> Source:
    """One to three rule examples (their `before`, `flag` or `after`), imports merged, laid
    out again by the tokenizer now and then."""
    ctx = Ctx()
    body: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        imports, text = draw(st.sampled_from(SNIPPETS))
        for line in imports:
            ctx.imports.add(line)
        body += text.split("\n")
    source = _finish(draw, ctx, body, docstring=False)
    if draw(st.booleans()):
        source.text = draw(perturbed(source.text))
    return source


# ---------------------------------------------------------------------------------------------
# Layout perturbation through the tokenizer

_FSTRING = tuple(getattr(tokenize, n) for n in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
                 if hasattr(tokenize, n))


def _insertions(text: str):
    """Places where text may be inserted without changing the syntax tree: (offset, kind),
    kind "bracket" (inside brackets, after a token: any whitespace, comments, newlines),
    "space" (between two tokens of a logical line: a backslash continuation), "eol" (before a
    NEWLINE: an end-of-line comment), "line" (after a NEWLINE: a comment line)."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(pos):
        return starts[pos[0] - 1] + pos[1]

    out = []
    depth, fdepth = 0, 0
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return out
    previous = None
    for tok in tokens:
        if tok.type in _FSTRING[:1]:
            fdepth += 1
        elif _FSTRING and tok.type == _FSTRING[2]:
            fdepth -= 1
            previous = tok
            continue
        if fdepth:
            previous = tok
            continue
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
        if tok.type == tokenize.NEWLINE and tok.string:
            out.append((offset(tok.start), "eol"))
            out.append((offset(tok.end), "line"))
        elif tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT,
                          tokenize.ENCODING, tokenize.ENDMARKER, tokenize.NEWLINE):
            pass
        elif depth > 0 and tok.type != tokenize.STRING:
            out.append((offset(tok.end), "bracket"))
        elif (previous is not None and previous.type not in (tokenize.NEWLINE, tokenize.NL,
                                                              tokenize.INDENT, tokenize.DEDENT,
                                                              tokenize.COMMENT)
              and previous.end[0] == tok.start[0] and depth == 0):
            out.append((offset(tok.start), "space"))
        previous = tok
    return out


@st.composite
def perturbed(draw, text: str) -> str:
    """`text` with comments, line breaks and continuations inserted where the tokenizer says
    they keep the program the same; `text` itself when that could not be done."""
    try:
        before = ast.dump(ast.parse(text))
    except (SyntaxError, ValueError):
        return text
    places = _insertions(text)
    if not places:
        return text
    chosen = draw(st.lists(st.sampled_from(places), max_size=6, unique=True))
    new = text
    for at, kind in sorted(chosen, reverse=True):
        if kind == "bracket":
            piece = draw(st.sampled_from(("  # c\n", "\n", "\n\n  ", " \\\n", "  # é, (\n    ",
                                          "\n# Convolution2D(1, 3, 3)\n")))
        elif kind == "space":
            piece = draw(st.sampled_from((" \\\n", " \\\n        ", "\\\n")))
        elif kind == "eol":
            piece = draw(st.sampled_from(("  # end", "  # noqa", "  # ))", "  # kerasfix")))
        else:
            piece = draw(st.sampled_from(("# own line\n", "\n", "        # deep comment\n",
                                          "# TODO(kerasfix): KF101 stale\n")))
        new = new[:at] + piece + new[at:]
    try:
        if ast.dump(ast.parse(new)) != before:
            return text
    except (SyntaxError, ValueError):
        return text
    return new
