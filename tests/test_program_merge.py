"""Engine tests of the Keras 1 merge rules (rules/program/merge.toml, KF250 `merge()` and
KF251 `Merge`): every mode, keywords carried or dropped, callable and variable modes, import
spellings, the `merge` import pruned or kept, non-Keras `merge`s, comments, idempotence.

The oracle side (Keras 3 computes what Keras 1 did) is tests/test_program_merge_keras.py."""

from __future__ import annotations

import pytest

from tests.harness import Family

FAMILY = Family("KF25")
run, fixed, once = FAMILY.run, FAMILY.fixed, FAMILY.once


def found(src: str, **kw) -> list:
    return [(f.code, f.fix.applicability if f.fix else "manual", f.message)
            for f in run(src, fix=False, **kw).findings]


def at_call(findings: list) -> list:
    """Without the finding a manual use adds at the import of the removed name."""
    return [f for f in findings if "does not exist in Keras 3" not in f[2]]


def reported_at_import(findings: list, name: str, code: str) -> bool:
    return (code, "manual", f"`{name}` does not exist in Keras 3, and a use of it below needs "
            "the manual change reported there") in findings


def unchanged(src: str) -> None:
    assert fixed(src, unsafe=True) == src
    assert found(src) == []


# --- KF250 merge() ---------------------------------------------------------------------------

@pytest.mark.parametrize("args,function,rest", [
    ("mode='concat', concat_axis=1", "concatenate", ", axis=1"),
    ("mode='concat'", "concatenate", ""),  # both default to the last axis
    ("mode='concat', concat_axis=-1", "concatenate", ", axis=-1"),
    ("", "add", ""),  # Keras 1's default mode is 'sum'
    ("mode='sum'", "add", ""),
    ("mode='mul'", "multiply", ""),
    ("mode='ave'", "average", ""),
    ("mode='max'", "maximum", ""),
    ("mode='dot'", "dot", ", axes=-1"),  # Keras 1's default dot_axes; Dot has no default
    ("mode='dot', dot_axes=1", "dot", ", axes=1"),
    ("mode='dot', dot_axes=(1, 2)", "dot", ", axes=(1, 2)"),
    ("mode=\"mul\"", "multiply", ""),
    # positional: (inputs, mode, concat_axis, dot_axes, output_shape, ...)
    ("'concat', 1", "concatenate", ", axis=1"),
    ("'dot', -1, 2", "dot", ", axes=2"),
    # what the mode does not use goes (Keras 1 ignored it)
    ("mode='concat', dot_axes=2", "concatenate", ""),
    ("mode='dot', concat_axis=1, dot_axes=1", "dot", ", axes=1"),
    ("mode='sum', output_shape=(4,)", "add", ""),
    # name= is carried
    ("mode='mul', name='gate'", "multiply", ", name='gate'"),
    ("mode='sum', name=prefix + 'res'", "add", ", name=prefix + 'res'"),
    ("'concat', 2, name='c'", "concatenate", ", axis=2, name='c'"),
])
def test_merge_function_modes(args, function, rest):
    src = f"from keras.layers import merge\nx = merge([a, b]{', ' if args else ''}{args})\n"
    assert once(src) == f"from keras.layers import {function}\nx = {function}([a, b]{rest})\n"
    [(code, fix, _)] = found(src)
    assert (code, fix) == ("KF250", "safe")


def test_merge_inputs_by_keyword_becomes_positional_first():
    src = ("from keras.layers import merge\n"
           "x = merge(inputs=[a, b], mode='max')\n"
           "y = merge(mode='concat', inputs=[a, b], concat_axis=2)\n")
    assert once(src) == ("from keras.layers import concatenate, maximum\n"
                         "x = maximum([a, b])\n"
                         "y = concatenate([a, b], axis=2)\n")


def test_merge_three_inputs():
    src = "from keras.layers import merge\ns = merge([a, b, c], mode='sum')\n"
    assert once(src) == "from keras.layers import add\ns = add([a, b, c])\n"


@pytest.mark.parametrize("args,rest", [
    ("mode='cos'", "axes=-1, normalize=True"),
    ("mode='cos', dot_axes=1", "axes=1, normalize=True"),
    ("mode='cos', name='sim'", "name='sim', axes=-1, normalize=True"),
])
def test_merge_cos_is_an_unsafe_normalized_dot(args, rest):
    src = f"from keras.layers import merge\ns = merge([a, b], {args})\n"
    assert fixed(src) == src  # safe fixes only
    [(code, fix, message)] = found(src)
    assert (code, fix) == ("KF250", "unsafe") and "added an axis" in message
    assert once(src, unsafe=True) == f"from keras.layers import dot\ns = dot([a, b], {rest})\n"


def test_merge_callable_modes_become_lambda():
    src = ("from keras.layers import merge\n"
           "def diff(t):\n"
           "    return t[0] - t[1]\n"
           "d = merge([a, b], mode=diff, output_shape=(4,), name='d')\n"
           "e = merge([a, b], mode=lambda t: t[0] * t[1], output_shape=lambda s: s[0],\n"
           "          output_mask=None, arguments={'k': 1})\n"
           "f = merge([a, b], output_shape=(4,), mode=lambda t: t[0])\n")
    assert fixed(src) == src
    assert [(c, f) for c, f, _ in found(src)] == [("KF250", "unsafe")] * 3
    assert once(src, unsafe=True) == (
        "from keras.layers import Lambda\n"
        "def diff(t):\n"
        "    return t[0] - t[1]\n"
        "d = Lambda(diff, output_shape=(4,), name='d')([a, b])\n"
        "e = Lambda(lambda t: t[0] * t[1], output_shape=lambda s: s[0],\n"
        "          mask=None, arguments={'k': 1})([a, b])\n"
        "f = Lambda(lambda t: t[0], output_shape=(4,))([a, b])\n")


@pytest.mark.parametrize("mode", ["my_mode", "MODES[0]", "'minus'", "get_mode()"])
def test_merge_mode_not_known_is_manual(mode):
    src = f"from keras.layers import merge\nx = merge([a, b], mode={mode})\n"
    assert fixed(src, unsafe=True) == src
    findings = found(src)
    assert reported_at_import(findings, "merge", "KF250")  # where the program fails first
    [(code, fix, message)] = at_call(findings)
    assert (code, fix) == ("KF250", "manual") and "not a literal mode" in message


def test_merge_star_arguments_is_manual():
    src = "from keras.layers import merge\nx = merge(*tensors, **options)\n"
    assert fixed(src, unsafe=True) == src
    [(code, fix, message)] = at_call(found(src))
    assert fix == "manual" and "merge layer for its mode" in message


@pytest.mark.parametrize("imports,callee,function", [
    ("import keras", "keras.layers.merge", "keras.layers.concatenate"),
    ("from keras import layers", "layers.merge", "layers.concatenate"),
    ("import keras.layers as KL", "KL.merge", "KL.concatenate"),
    ("from keras.layers import *", "merge", "concatenate"),
    ("from keras.layers import merge as kmerge", "kmerge", "concatenate"),
])
def test_merge_spellings(imports, callee, function):
    src = f"{imports}\nx = {callee}([a, b], mode='concat')\n"
    out = once(src)
    assert out.endswith(f"\nx = {function}([a, b])\n")
    if "import *" in imports or "." in callee:
        assert out == f"{imports}\nx = {function}([a, b])\n"  # imports untouched


def test_merge_from_the_keras1_engine_module():
    src = "from keras.engine.topology import merge\nx = merge([a, b], mode='mul')\n"
    assert once(src) == "from keras.layers import multiply\nx = multiply([a, b])\n"


def test_merge_import_pruned_and_new_names_join_the_existing_import():
    src = ("from keras.layers import Input, Dense, merge\n"
           "from keras.models import Model\n"
           "a = Input(shape=(4,))\n"
           "b = Input(shape=(4,))\n"
           "m = merge([a, b], mode='concat')\n"
           "s = merge([a, b], mode='sum')\n"
           "model = Model(inputs=[a, b], outputs=Dense(2)(m))\n")
    assert once(src) == src.replace("Dense, merge\n", "Dense, add, concatenate\n").replace(
        "merge([a, b], mode='concat')", "concatenate([a, b])").replace(
        "merge([a, b], mode='sum')", "add([a, b])")


@pytest.mark.parametrize("other_use", [
    "f = merge\n",  # still referenced
    "g = merge([a, b], mode=custom)\n",  # a manual one stays
])
def test_merge_import_kept_while_still_used(other_use):
    src = ("from keras.layers import Input, merge\n"
           "x = merge([a, b], mode='max')\n" + other_use)
    assert once(src) == ("from keras.layers import Input, merge, maximum\n"
                         "x = maximum([a, b])\n" + other_use)


def test_merge_reuses_an_imported_function():
    src = ("from keras.layers import merge, concatenate\n"
           "x = merge([a, b], mode='concat')\n"
           "y = concatenate([c, d])\n")
    assert once(src) == ("from keras.layers import concatenate\n"
                         "x = concatenate([a, b])\n"
                         "y = concatenate([c, d])\n")


@pytest.mark.parametrize("shadow", [
    "concatenate = something\n",  # at module level
    "def f():\n    concatenate = 3\n",  # in some function (maybe the one calling merge)
    "def f(concatenate):\n    return concatenate\n",
])
def test_merge_never_calls_a_shadowing_name(shadow):
    src = f"from keras.layers import merge\n{shadow}x = merge([a, b], mode='concat')\n"
    out = once(src)
    assert "x = keras.layers.concatenate([a, b])\n" in out and "import keras\n" in out


@pytest.mark.parametrize("src", [
    "import keras\nfrom mylib import merge\nx = merge([a, b], mode='sum')\n",
    "import keras\nimport pandas as pd\ndf = pd.merge(left, right, how='inner')\n",
    "import keras\ndf = left.merge(right, on='key')\n",
    "import keras\ndef merge(xs, mode):\n    return xs\nx = merge([a, b], mode='sum')\n",
    "import keras\nx = merge([a, b], mode='sum')\n",  # not imported from Keras
    "import keras\nimport heapq\nit = heapq.merge(a, b)\n",
    "from keras.layers import concatenate\nx = concatenate([a, b], axis=1)\n",
    # Keras 2's `keras.layers.merge` module
    "from keras.layers import merge\nx = merge.concatenate([a, b])\ny = merge.Add()([a, b])\n",
    "import keras\nx = keras.layers.merge.concatenate([a, b])\n",
])
def test_merge_leaves_other_merges_alone(src):
    unchanged(src)


def test_merge_keeps_comments_and_layout():
    src = ("from keras.layers import merge\n"
           "x = merge([a, b],  # two branches\n"
           "          mode='concat',\n"
           "          concat_axis=1,  # features\n"
           "          name='joined')  # after\n")
    assert once(src) == ("from keras.layers import concatenate\n"
                         "x = concatenate([a, b],  # two branches\n"
                         "          axis=1,  # features\n"
                         "          name='joined')  # after\n")


def test_merge_added_keywords_in_a_one_per_line_call():
    src = ("from keras.layers import merge\n"
           "def head(a, b):\n"
           "    return merge(\n"
           "        [a, b],\n"
           "        mode='dot',\n"
           "        name='score',  # logits\n"
           "    )\n")
    assert once(src) == ("from keras.layers import dot\n"
                         "def head(a, b):\n"
                         "    return dot(\n"
                         "        [a, b],\n"
                         "        name='score',  # logits\n"
                         "        axes=-1,\n"
                         "    )\n")


# --- KF251 Merge ------------------------------------------------------------------------------

@pytest.mark.parametrize("args,layer", [
    ("mode='concat', concat_axis=1", "Concatenate(axis=1)"),
    ("", "Add()"),
    ("mode='sum'", "Add()"),
    ("mode='mul'", "Multiply()"),
    ("mode='ave'", "Average()"),
    ("mode='max', name='m'", "Maximum(name='m')"),
    ("mode='dot'", "Dot(axes=-1)"),
    ("mode='dot', dot_axes=[1, 2]", "Dot(axes=[1, 2])"),
    ("mode='concat', dot_axes=1, output_shape=(3,)", "Concatenate()"),
    ("None, 'concat', 2", "Concatenate(axis=2)"),  # layers=None positionally
])
def test_merge_class_modes(args, layer):
    src = f"from keras.layers import Merge\nx = Merge({args})([a, b])\n"
    name = layer.split("(")[0]
    assert once(src) == f"from keras.layers import {name}\nx = {layer}([a, b])\n"
    [(code, fix, _)] = found(src)
    assert (code, fix) == ("KF251", "safe")


def test_merge_class_cos_and_callable_are_unsafe():
    src = ("from keras.layers import Merge\n"
           "y = Merge(mode='cos', dot_axes=1, name='c')([a, b])\n"
           "z = Merge(mode=lambda t: t[0] - t[1], output_shape=(3,))([a, b])\n")
    assert fixed(src) == src
    assert [(c, f) for c, f, _ in found(src)] == [("KF251", "unsafe")] * 2
    assert once(src, unsafe=True) == (
        "from keras.layers import Dot, Lambda\n"
        "y = Dot(axes=1, name='c', normalize=True)([a, b])\n"
        "z = Lambda(lambda t: t[0] - t[1], output_shape=(3,))([a, b])\n")


@pytest.mark.parametrize("call", [
    "model.add(Merge([left, right], mode='concat'))",
    "model.add(Merge(layers=[left, right], mode='sum'))",
    "model = Sequential([Merge([left, right], mode='concat', concat_axis=1), Dense(1)])",
])
def test_merge_class_of_models_in_a_sequential_is_manual(call):
    src = f"from keras.models import Sequential\nfrom keras.layers import Merge, Dense\n{call}\n"
    assert fixed(src, unsafe=True) == src
    findings = found(src)
    assert reported_at_import(findings, "Merge", "KF251")
    [(code, fix, message)] = at_call(findings)
    assert (code, fix) == ("KF251", "manual") and "functional API" in message


@pytest.mark.parametrize("args,why", [
    ("mode='concat', node_indices=[0, 1]", "`node_indices` has no Keras 3 equivalent"),
    ("mode='sum', tensor_indices=[0, 0]", "`tensor_indices` has no Keras 3 equivalent"),
    ("mode=m", "not a literal mode"),
    ("**options", "use the merge layer for its mode"),
])
def test_merge_class_manual_cases(args, why):
    src = f"from keras.layers import Merge\nx = Merge({args})([a, b])\n"
    assert fixed(src, unsafe=True) == src
    [(code, fix, message)] = at_call(found(src))
    assert (code, fix) == ("KF251", "manual") and why in message


@pytest.mark.parametrize("imports,callee,layer", [
    ("import keras", "keras.layers.Merge", "keras.layers.Concatenate"),
    ("from keras import layers", "layers.Merge", "layers.Concatenate"),
    ("from keras.layers import *", "Merge", "Concatenate"),
])
def test_merge_class_spellings(imports, callee, layer):
    src = f"{imports}\nx = {callee}(mode='concat', concat_axis=1)([a, b])\n"
    assert once(src) == f"{imports}\nx = {layer}(axis=1)([a, b])\n"


def test_merge_class_import_pruned_or_kept():
    src = ("from keras.layers import Merge, Dense\n"
           "x = Merge(mode='ave')([a, b])\n")
    assert once(src) == "from keras.layers import Dense, Average\nx = Average()([a, b])\n"
    kept = ("from keras.layers import Merge, Dense\n"
            "model.add(Merge([left, right], mode='concat'))\n"
            "x = Merge(mode='ave')([a, b])\n")
    assert once(kept) == kept.replace("Merge(mode='ave')", "Average()").replace(
        "Merge, Dense\n", "Merge, Dense, Average\n")


def test_merge_class_not_keras_left_alone():
    unchanged("import keras\nfrom mylib import Merge\nx = Merge(mode='concat')([a, b])\n")
    unchanged("import keras\nclass Merge:\n    pass\nx = Merge(mode='sum')([a, b])\n")


def test_merge_class_keeps_comments():
    src = ("from keras.layers import Merge\n"
           "x = Merge(mode='concat',\n"
           "          concat_axis=1,  # channels\n"
           "          name='cat')([a, b])\n")
    assert once(src) == ("from keras.layers import Concatenate\n"
                         "x = Concatenate(concat_axis=1,  # channels\n"
                         "          name='cat')([a, b])\n").replace("concat_axis", "axis")
