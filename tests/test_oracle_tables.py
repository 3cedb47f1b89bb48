"""The rule tables against real Keras 3 (TF's `testV2KeywordArgNames`, architecture.md §R6).

Generic over every record `load_rules()` returns, so a new record is checked the day it lands:

a. every `after` of a layer record's before/after example that is self-contained builds in
   Keras 3 (program rules have their own oracles, tests/test_program_*_keras.py);
b. every keyword a record writes (renames, folds, `defaults`, `keras1_defaults`,
   `input_shape`, mapped values, converted values) is accepted by the Keras 3 class: the layer is constructed with it;
c. every keyword a record removes or renames is rejected by the Keras 3 class (or Keras 3
   takes it with another meaning: the documented exceptions below, each itself checked);
   every Keras 1 positional is either handled by the record or still a Keras 3 keyword;
d. `new_positional` is the leading parameters of the Keras 3 `__init__`; `rename_to` and the
   symbols exist in Keras 3 exactly when the tables say so;
e. every name in rules/keras_layers.toml exists in `keras.layers`;
f. the literal kinds the positional reading relies on (kinds.py) are what Keras 3 resolves.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import symtable
import sys
import warnings

import libcst as cst
import numpy as np
import pytest

from kerasfix.migrate import kinds
from kerasfix.migrate.converters import CONVERTERS
from kerasfix.migrate.loader import load_rules, rules_dir
from kerasfix.registry import all_rules
from tests.harness import PRELUDE
from tests.oracle_support import (
    BASE_KEYWORDS,
    BASE_VALUES,
    REQUIRED,
    NoSample,
    construct,
    input_shape_of,
    keras,
    layer_class,
    own_parameters,
    public_layer_names,
    takes_var_keywords,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

pytestmark = pytest.mark.oracle

RULES = load_rules()
BASE = RULES.base
KERAS3_NAMES = tuple(tomllib.loads((rules_dir() / "keras_layers.toml").read_text())["keras3"])
# The Keras version keras_layers.toml lists (its header comment); completeness is checked there.
TABLE_KERAS_VERSION = "3.15.1"
# Every class name a rule table knows, in any Keras version: a call to one of these names in an
# `after` must resolve in Keras 3, never be skipped as "defined elsewhere".
KNOWN_LAYER_NAMES = frozenset(KERAS3_NAMES) | frozenset(RULES.by_symbol)


def _rule_id(rule) -> str:
    return rule.id


# --------------------------------------------------------------------------------------------
# a. `after` examples build
# --------------------------------------------------------------------------------------------

def _helpers() -> dict:
    """Names an `after` may use without importing them: the lower-case helpers users import
    from keras.regularizers / constraints / initializers (`l2(0.01)`, `max_norm(2)`)."""
    found = {}
    for module in (keras.regularizers, keras.constraints, keras.initializers):
        for name in dir(module):
            if not name.startswith("_") and name[:1].islower():
                found.setdefault(name, getattr(module, name))
    return found


HELPERS = _helpers()
STAR = {n: getattr(keras.layers, n) for n in public_layer_names()}


def _unbound(code: str) -> set[str]:
    """Names the snippet reads but never binds (assignments, imports, lambda parameters)."""
    top = symtable.symtable(code, "<after>", "exec")
    bound = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported()}
    used: set[str] = set()

    def walk(table):
        for s in table.get_symbols():
            if s.is_referenced() and (table is top or s.is_global()):
                used.add(s.get_name())
        for child in table.get_children():
            walk(child)

    walk(top)
    return used - bound


def _after_cases():
    """Layer records' examples: a program rule's example shows one rule's change in a snippet
    that other rules (and names bound outside it) complete; each family has its own oracle
    (tests/test_program_*_keras.py)."""
    from kerasfix.migrate.program.spec import ProgramRule

    for rule in all_rules():
        if isinstance(rule, ProgramRule):
            continue
        for n, example in enumerate(rule.examples):
            if example.before and example.after and not example.flag:
                yield pytest.param(rule, example, id=f"{rule.id}-example-{n}")


AFTER_CASES = list(_after_cases())


def _plan(after: str) -> tuple[str, dict, str]:
    """(code to exec, namespace, reason to skip or "")."""
    own_imports = "import" in after
    code = after if own_imports else PRELUDE + after
    namespace: dict = {"__builtins__": builtins, **HELPERS}
    available = set(dir(builtins)) | (set() if own_imports else set(STAR)) | set(HELPERS)
    missing = _unbound(code) - available
    if missing & KNOWN_LAYER_NAMES:
        return code, namespace, ""  # exec it anyway: the NameError is the finding
    if missing:
        return code, namespace, f"uses names bound outside the snippet: {sorted(missing)}"
    return code, namespace, ""


def _runnable(example) -> bool:
    return not _plan(example.after)[2]


# Examples using names bound outside the snippet cannot run alone; they are left out here
# and counted by test_after_examples_are_mostly_executed.
RUNNABLE_AFTER = [p for p in AFTER_CASES if _runnable(p.values[1])]


@pytest.mark.parametrize("rule,example", RUNNABLE_AFTER)
def test_after_example_builds(rule, example, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # saving examples write their files: never into the checkout
    code, namespace, _ = _plan(example.after)
    tree = ast.parse(code)
    last = tree.body[-1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # input_shape= on a layer warns in Keras 3
        if isinstance(last, ast.Expr):
            head = compile(ast.Module(tree.body[:-1], type_ignores=[]), "<after>", "exec")
            exec(head, namespace)  # noqa: S102 - running the rule's own example is the test
            value = eval(compile(ast.Expression(last.value), "<after>", "eval"), namespace)
            if isinstance(last.value, ast.Call):
                assert isinstance(value, keras.layers.Layer), (
                    f"{example.after!r} built {type(value).__name__}, not a Keras 3 layer")
        else:
            exec(compile(tree, "<after>", "exec"), namespace)  # noqa: S102 - as above


def test_after_examples_are_mostly_executed():
    """Leaving some out must not hollow the test out: most `after`s are self-contained calls."""
    ran = RUNNABLE_AFTER
    print(f"\n{len(ran)} of {len(AFTER_CASES)} before/after examples exec'd in Keras 3")
    assert len(AFTER_CASES) > 0
    assert len(ran) >= 0.6 * len(AFTER_CASES), (
        f"only {len(ran)} of {len(AFTER_CASES)} `after` examples are self-contained")


# --------------------------------------------------------------------------------------------
# Records -> (Keras 3 class, keyword) cases
# --------------------------------------------------------------------------------------------

def _targets(rule) -> list[str]:
    """The Keras 3 class names a record's calls end up as (one per distinct class)."""
    if rule.manual:
        return []
    names = [rule.rename_to] if rule.rename_to else list(rule.symbols)
    seen, out = set(), []
    for name in names:
        cls = layer_class(name)
        if cls is not None and cls not in seen:
            seen.add(cls)
            out.append(name)
    return out


def _flat(new) -> tuple[str, ...]:
    return tuple(new) if isinstance(new, list) else (new,)


def _gone(rule, old: str) -> bool:
    return old in rule.drop or old in rule.drop_unsafe or old in rule.removed


DEFAULT = object()  # "use the parameter's own default, or a sample value"
INPUT_SHAPES = {"sequence": (5, 4), "embedding": (5,)}
# Old keyword value forms each converter exists for (converters.py), with what Keras 3 reads.
CONVERT_SAMPLES = {
    "zeropadding2d": ["(1, 2, 3, 4)", "{'top_pad': 1, 'left_pad': 2}", "(1, 2)", "3"],
    "zeropadding1d": ["{'left_pad': 1, 'right_pad': 2}", "{'right_pad': 2}", "(1, 2)", "2"],
}


def _emitted(rule):
    """(keyword, value, what) for every keyword the record can write into a Keras 3 call."""
    for old, new in rule.args.items():
        # a dropped keyword still renames when `values` maps its literal (rules/README.md)
        if not _gone(rule, old) or (old in rule.values and old not in rule.removed):
            for name in _flat(new):
                yield name, DEFAULT, f"args.{old}"
    for sources, into in rule.fold:
        yield into, DEFAULT, f"fold {'+'.join(sources)}"
    for table in ("defaults", "keras1_defaults"):
        for name, code in getattr(rule, table, {}).items():
            yield name, ("code", code), f"{table}.{name} = {code}"
    if rule.input_spec:
        yield "input_shape", INPUT_SHAPES[rule.input_spec], f"input_spec {rule.input_spec}"
    for old, table in rule.values.items():
        if old in rule.removed:
            continue
        for before, after in table.items():
            for name in rule.new_name(old):
                yield name, after, f"values.{old}[{before!r}]"
    for old, converter in rule.convert.items():
        for sample in CONVERT_SAMPLES.get(converter, [None]):
            for name in rule.new_name(old):
                yield name, ("convert", converter, sample), f"convert.{old} {sample}"
    for name in rule.accepts:
        if name not in rule.args:  # an accepted keyword the record renames is checked as args
            yield name, DEFAULT, f"accepts {name}"


def _emitted_cases():
    for rule in RULES.layers:
        for target in _targets(rule):
            seen = set()
            for name, value, what in _emitted(rule):
                key = (name, repr(value))
                if key in seen:
                    continue
                seen.add(key)
                yield pytest.param(rule, target, name, value, what,
                                   id=f"{rule.id}-{target}-{name}-{len(seen)}")


# Values better than a parameter's default (None) to show that Keras 3 takes the keyword.
EMIT_SAMPLES = {"shape": (4,), "batch_shape": (None, 4), "dtype": "int32", "batch_size": 2}


def _sample(cls, name):
    params = {p.name: p for p in own_parameters(cls)}
    if name in EMIT_SAMPLES and (name in params or name in BASE_KEYWORDS):
        return EMIT_SAMPLES[name]
    if name in params and params[name].default is not inspect.Parameter.empty:
        return params[name].default
    if name in REQUIRED:
        return REQUIRED[name]
    if name in BASE_VALUES:
        return BASE_VALUES[name]
    if name == "implementation":  # LSTM/GRU pop it from **kwargs (keras/src/layers/rnn/lstm.py:114)
        return 2
    raise NoSample(f"`{name}` is neither a parameter of {cls.__name__}.__init__ nor a base-layer "
                   f"keyword ({', '.join(BASE_KEYWORDS)})")


def _value(cls, name, value):
    if value is DEFAULT:
        return _sample(cls, name)
    if isinstance(value, tuple) and value and value[0] == "code":
        namespace = {"__builtins__": builtins, **HELPERS, **STAR}
        return eval(value[1], namespace)
    if isinstance(value, tuple) and value and value[0] == "convert":
        _, converter, sample = value
        if sample is None:
            raise NoSample(f"CONVERT_SAMPLES has no sample for converter {converter!r}")
        module = cst.parse_module(f"x = {sample}\n")
        node = module.body[0].body[0].value
        out = CONVERTERS[converter](module, node)
        assert out is not None, f"converter {converter} gave up on the Keras 1 form {sample}"
        return ast.literal_eval(module.code_for_node(out) if out is not node else sample)
    return value


@pytest.mark.parametrize("rule,target,name,value,what", list(_emitted_cases()))
def test_emitted_keyword_is_accepted(rule, target, name, value, what):
    cls = layer_class(target)
    params = {p.name for p in own_parameters(cls)}
    accepted_by_base = takes_var_keywords(cls) and name in BASE_KEYWORDS
    popped = name == "implementation" and takes_var_keywords(cls)
    known = name in params or accepted_by_base or popped
    assert known, (f"{rule.id} ({what}) writes `{name}=`, but Keras 3 {target}.__init__ has no "
                   f"such parameter and the base Layer does not take it")
    real = _value(cls, name, value)
    try:
        construct(cls, **{name: real})
    except Exception as exc:  # noqa: BLE001 - any failure to build is the finding
        pytest.fail(f"{rule.id} ({what}): Keras 3 {target}({name}={real!r}) fails: "
                    f"{type(exc).__name__}: {exc}")


# --------------------------------------------------------------------------------------------
# c. Keywords a record removes or renames are rejected (or documented exceptions)
# --------------------------------------------------------------------------------------------

OLD_SAMPLES = {"weights": [1], "batch_input_shape": (None, 4), "input_shape": (4,),
               "input_dtype": "int32", "batch_size": 2, "input_length": 5, "alpha": 0.2,
               "input_dim": 4}


def _check_leakyrelu_alpha(cls):
    layer, caught = construct(cls, alpha=0.2)
    assert layer.negative_slope == 0.2 and any("alpha" in m for m in caught)


def _check_embedding_input_length(cls):
    layer, caught = construct(cls, input_length=5)
    assert input_shape_of(layer) is None and any("input_length" in m for m in caught)


def _check_input_dim_rank1(cls):
    layer, _ = construct(cls, input_dim=4)
    assert input_shape_of(layer) == (4,)


def _check_inputlayer_input_shape(cls):
    layer, caught = construct(cls, input_shape=(4,))
    assert layer.batch_shape == (None, 4) and any("input_shape" in m for m in caught)


def _check_inputlayer_batch_input_shape(cls):
    layer, caught = construct(cls, shape=None, batch_input_shape=(2, 4))
    assert layer.batch_shape == (2, 4) and not caught


def _check_inputlayer_ignores(kw, sample):
    def check(cls):
        layer, caught = construct(cls, shape=(4,), **{kw: sample})
        assert layer.batch_shape == (None, 4) and layer.dtype == "float32" and not caught
    return check


def _check_bidirectional_weights_ignored(cls):
    given = [np.ones((3, 8)), np.ones((2, 8)), np.ones((8,))] * 2  # LSTM(2) on 3 features, x2
    layer, _ = construct(cls, layer=keras.layers.LSTM(2), weights=given)
    layer.build((None, 5, 3))
    assert not np.allclose(layer.forward_layer.get_weights()[0], 1.0), "the weights were set"


# (Keras 3 class or "*", old keyword) -> (why Keras 3 does not reject it, a check of that).
# A record may still remove or rename these: Keras 3 would take the old spelling with another
# meaning or none, which is what the record exists to fix.
EXCEPTIONS = {
    ("LeakyReLU", "alpha"): (
        ("deprecated alias of negative_slope, with a warning "
         "(keras/src/layers/activations/leaky_relu.py:39)"),
        _check_leakyrelu_alpha),
    ("Embedding", "input_length"): (
        ("warns 'Argument `input_length` is deprecated. Just remove it.' and ignores the value "
         "(keras/src/layers/core/embedding.py:121)"),
        _check_embedding_input_length),
    ("*", "input_dim"): (
        ("every Keras 3 layer takes input_dim as input_shape=(input_dim,) "
         "(keras/src/layers/layer.py:279): the wrong rank for a sequence layer, which needs "
         "(T, D)"),
        _check_input_dim_rank1),
    ("Bidirectional", "weights"): (
        ("taken and silently ignored: it only sets forward_layer.initial_weights, which nothing "
         "in Keras 3 reads (keras/src/layers/rnn/bidirectional.py:146-149)"),
        _check_bidirectional_weights_ignored),
    ("InputLayer", "input_shape"): (
        "deprecated alias of shape, with a warning (keras/src/layers/core/input_layer.py)",
        _check_inputlayer_input_shape),
    ("InputLayer", "batch_input_shape"): (
        "silently taken as batch_shape (keras/src/layers/core/input_layer.py)",
        _check_inputlayer_batch_input_shape),
    ("InputLayer", "input_dtype"): (
        ("silently ignored: InputLayer passes only name= to Layer.__init__ and drops every "
         "other keyword, so the input stays float32"),
        _check_inputlayer_ignores("input_dtype", "int32")),
    ("InputLayer", "weights"): (
        "silently ignored, like every unknown keyword of InputLayer",
        _check_inputlayer_ignores("weights", [1])),
}

REJECT, REJECT_UNLESS_DEFAULT, ACCEPT = "reject", "reject-unless-default", "accept"


def _old_keywords(rule):
    """(old keyword, expectation, where) for every keyword the record takes away."""
    for old, new in rule.args.items():
        if old not in _flat(new):
            yield old, REJECT, "args"
    for sources, _ in rule.fold:
        for old in sources:
            yield old, REJECT, "fold"
    for table in ("drop", "drop_unsafe", "removed"):
        for old in getattr(rule, table):
            yield old, REJECT, table
    for old, values in rule.drop_if.items():
        if old not in rule.args:
            yield old, (REJECT_UNLESS_DEFAULT, tuple(values)), "drop_if"
    if rule.input_spec == "sequence":
        yield "input_length", REJECT, "input_spec"
        yield "input_dim", REJECT, "input_spec"
    elif rule.input_spec == "embedding":
        yield "input_length", REJECT, "input_spec"
    if BASE is not None:
        for old in BASE.removed:
            if old not in rule.accepts and old not in rule.args:
                yield old, REJECT, f"{BASE.id} removed"


def _old_cases():
    for rule in RULES.layers:
        for target in _targets(rule):
            seen = set()
            for old, expect, where in _old_keywords(rule):
                if old in seen:
                    continue
                seen.add(old)
                yield pytest.param(rule, target, old, expect, where,
                                   id=f"{rule.id}-{target}-{old}")


def _rejection(cls, old, sample) -> str:
    """The error Keras 3 gives for `cls(old=sample)`, or "" when it builds."""
    try:
        construct(cls, **{old: sample})
    except (TypeError, ValueError) as exc:
        assert old in str(exc), f"rejected, but for another reason: {exc}"
        return str(exc)
    return ""


@pytest.mark.parametrize("rule,target,old,expect,where", list(_old_cases()))
def test_removed_keyword_is_rejected(rule, target, old, expect, where):
    cls = layer_class(target)
    params = {p.name: p for p in own_parameters(cls)}
    if isinstance(expect, tuple) and expect[0] == REJECT_UNLESS_DEFAULT and old in params:
        default = params[old].default
        assert all(v == default for v in expect[1]), (
            f"{rule.id} drops `{old}` when it is one of {list(expect[1])}, but Keras 3 "
            f"{target} takes `{old}` with default {default!r}: dropping changes the call")
        return
    sample = OLD_SAMPLES.get(old, 1)
    if old not in params and _rejection(cls, old, sample):
        return
    exception = EXCEPTIONS.get((target, old)) or (
        EXCEPTIONS.get(("*", old)) if takes_var_keywords(cls) else None)
    if exception is not None:
        reason, check = exception
        try:
            check(cls)  # Keras 3 takes it, with the meaning the exception documents
        except AssertionError as exc:
            pytest.fail(f"Keras 3 {target} takes `{old}=`, but no longer as documented "
                        f"({reason}): {exc}")
        return
    if old in params:
        pytest.fail(f"{rule.id} ({where}) takes `{old}=` away, but Keras 3 {target}.__init__ "
                    f"still has a `{old}` parameter")
    pytest.fail(f"{rule.id} ({where}) takes `{old}=` away, but Keras 3 {target}({old}={sample!r})"
                f" builds: add an EXCEPTIONS entry saying what Keras 3 does with it, or fix the "
                f"record")


def _accepts_same_name(cls, name: str) -> bool:
    if name in {p.name for p in own_parameters(cls)}:
        return True
    return takes_var_keywords(cls) and name in BASE_KEYWORDS


def _handled(rule) -> set[str]:
    handled = set(rule.args) | set(rule.drop) | set(rule.drop_unsafe) | set(rule.removed)
    handled |= set(rule.drop_if) | {s for sources, _ in rule.fold for s in sources}
    if rule.input_spec:
        handled |= {"input_dim", "input_length"}
    if BASE is not None:
        handled |= set(BASE.removed) - set(rule.accepts)
    return handled


@pytest.mark.parametrize("rule", [r for r in RULES.layers if _targets(r) and r.old_positional],
                         ids=_rule_id)
def test_every_keras1_parameter_lands_somewhere(rule):
    """A Keras 1 parameter the record neither renames nor drops must still be a Keras 3
    keyword of the same name, or kerasfix leaves a keyword Keras 3 rejects."""
    for target in _targets(rule):
        cls = layer_class(target)
        lost = [name for name in rule.old_positional
                if name not in _handled(rule) and not _accepts_same_name(cls, name)]
        assert not lost, (f"{rule.id}: Keras 1 parameters {lost} are neither handled by the "
                          f"record nor taken by Keras 3 {target}")


# --------------------------------------------------------------------------------------------
# d. Signatures and names
# --------------------------------------------------------------------------------------------

def _positional_parameters(cls) -> list[str]:
    return [p.name for p in own_parameters(cls)
            if p.kind in (inspect.Parameter.POSITIONAL_ONLY,
                          inspect.Parameter.POSITIONAL_OR_KEYWORD)]


@pytest.mark.parametrize("rule", [r for r in RULES.layers if _targets(r)], ids=_rule_id)
def test_new_positional_is_the_keras3_signature(rule):
    for target in _targets(rule):
        actual = _positional_parameters(layer_class(target))
        claimed = list(rule.new_positional)
        assert claimed == actual[:len(claimed)], (
            f"{rule.id}: new_positional {claimed} is not the start of Keras 3 "
            f"{target}.__init__{actual}")
        if rule.old_positional and actual:
            assert claimed, f"{rule.id}: new_positional is empty, Keras 3 {target} has {actual}"


@pytest.mark.parametrize("rule", RULES.layers, ids=_rule_id)
def test_symbols_exist_exactly_when_the_tables_say(rule):
    for symbol in rule.symbols:
        exists = layer_class(symbol) is not None
        listed = symbol in KERAS3_NAMES
        assert exists == listed, (
            f"{rule.id}: `{symbol}` {'exists' if exists else 'does not exist'} in Keras 3 "
            f"keras.layers, but keras_layers.toml {'lists' if listed else 'does not list'} it")
        if rule.manual:
            assert not exists, (f"{rule.id} is manual (no Keras 3 equivalent), yet "
                                f"keras.layers.{symbol} exists")
        elif not rule.rename_to:
            assert exists, (f"{rule.id}: `{symbol}` is gone from Keras 3 and the record has no "
                            f"rename_to and no manual note")
    if rule.rename_to:
        assert layer_class(rule.rename_to) is not None, (
            f"{rule.id}: rename_to `{rule.rename_to}` is not a class in Keras 3 keras.layers")
        assert rule.rename_to in KERAS3_NAMES


def test_base_removed_keywords_are_rejected_by_layer():
    """The base record's claim: Keras 3 `Layer.__init__` rejects these keywords."""
    assert BASE is not None, "rules/layers_base.toml must define the base-layer record"
    for old in BASE.removed:
        with pytest.raises(ValueError, match=old):
            keras.layers.Layer(**{old: OLD_SAMPLES.get(old, 1)})


# --------------------------------------------------------------------------------------------
# e. keras_layers.toml
# --------------------------------------------------------------------------------------------

def test_keras_layers_toml_names_exist():
    missing = [n for n in KERAS3_NAMES if not hasattr(keras.layers, n)]
    assert not missing, f"keras_layers.toml lists names Keras 3 keras.layers lacks: {missing}"
    assert len(set(KERAS3_NAMES)) == len(KERAS3_NAMES), "keras_layers.toml repeats a name"


def test_keras_layers_toml_is_complete():
    """The table documents Keras 3.15.1; on another Keras this tells what to update."""
    unlisted = sorted(public_layer_names() - set(KERAS3_NAMES))
    if keras.__version__ != TABLE_KERAS_VERSION:
        # A newer Keras may add layers; names it dropped are caught by the test above.
        print(f"Keras {keras.__version__} (table: {TABLE_KERAS_VERSION}) adds {unlisted}")
        return
    assert not unlisted, f"keras.layers names missing from keras_layers.toml: {unlisted}"


# --------------------------------------------------------------------------------------------
# f. The literal kinds behind the positional reading
# --------------------------------------------------------------------------------------------

def _resolves(getter, name) -> bool:
    try:
        getter(name)
    except Exception:  # noqa: BLE001 - Keras raises ValueError, KeyError, TypeError alike
        return False
    return True


# Initializer strings Keras 1/2 took that Keras 3 no longer resolves; still plausible values.
OLD_ONLY_INITIALIZERS = {
    "constant": "Keras 2 `Constant()` default; Keras 3 Constant.from_config needs `value`",
}


@pytest.mark.parametrize("name", sorted(kinds.ACTIVATIONS))
def test_activation_kind_names(name):
    assert _resolves(keras.activations.get, name), f"Keras 3 has no activation '{name}'"
    assert not _resolves(keras.initializers.get, name), (
        f"'{name}' is also an initializer: it cannot rule out the initializer reading")


@pytest.mark.parametrize("name", sorted(kinds.INITIALIZERS))
def test_initializer_kind_names(name):
    if name in OLD_ONLY_INITIALIZERS:
        assert not _resolves(keras.initializers.get, name), "now resolves: drop the exception"
    else:
        assert _resolves(keras.initializers.get, name), f"Keras 3 has no initializer '{name}'"
    assert not _resolves(keras.activations.get, name), (
        f"'{name}' is also an activation: it cannot rule out the activation reading")
