"""Rules that are not one Keras symbol: they are defined in code, with the same metadata and
examples as the TOML records, so `kerasfix rules`, the docs and the tests treat them alike."""

from __future__ import annotations

from dataclasses import dataclass

from kerasfix.migrate.spec import Example


@dataclass(frozen=True)
class MetaRule:
    id: str
    name: str
    summary: str
    fix: str
    examples: tuple[Example, ...] = ()
    oks: tuple[Example, ...] = ()
    symbols: tuple[str, ...] = ()
    file: str = "kerasfix/migrate/meta.py"


INVALID = MetaRule(
    "KF000", "invalid-syntax",
    "The file cannot be decoded or parsed, so nothing in it was checked. It is left "
    "byte-identical and the run exits with 3.", "manual")

TRAP = MetaRule(
    "KF150", "ambiguous-positional-arguments",
    "Positional arguments that mean one thing in Keras 1 / Keras 2.0-2.3 and another in "
    "tf.keras / Keras 3 (`Conv2D(32, 3, 3)`: a 3x3 kernel, or kernel 3 with stride 3), in a "
    "file with no sign of which Keras it was written for. The fix reads them the Keras 1 way, "
    "what nearly all such code meant; it is unsafe because it changes the model Keras 3 would "
    "build today. `--from keras1` makes it safe; `--from tf.keras` keeps the Keras 3 reading.",
    "unsafe",
    examples=(Example(before="Conv2D(32, 3, 3)", after="Conv2D(32, (3, 3))", unsafe=True),
              Example(flag="Conv2D(32, 3, 3)", message="read as `filters, kernel_size, strides`")),
    oks=(Example(before="Conv2D(32, 3, strides=3)", after="Conv2D(32, 3, strides=3)"),
         Example(before="Conv2D(32, (3, 3), (2, 2))", after="Conv2D(32, (3, 3), (2, 2))")))

LAYER_MODULE = MetaRule(
    "KF151", "keras1-layer-module-import",
    "Imports from Keras 1/2 submodules of `keras.layers` (`keras.layers.convolutional`, "
    "`keras.layers.core`, ...). Keras 3 has no such modules (ModuleNotFoundError); every "
    "layer is in `keras.layers`.", "safe",
    examples=(Example(before="from keras.layers.convolutional import Conv2D\nConv2D(8, 3)",
                      after="from keras.layers import Conv2D\nConv2D(8, 3)"),),
    oks=(Example(before="from keras.layers import Conv2D\nConv2D(8, 3)",
                 after="from keras.layers import Conv2D\nConv2D(8, 3)"),))

META_RULES = (INVALID, TRAP, LAYER_MODULE)

UNUSED_SUPPRESSION = MetaRule(
    "KF901", "unused-suppression",
    "A `# kerasfix: ignore[...]`, `disable[...]`, `file-ignore[...]` or `# noqa: KF...` comment "
    "that suppresses nothing: the finding it was written for is gone, or it names the wrong "
    "rule. Remove it.", "manual",
    examples=(Example(flag="import keras\nx = 1  # kerasfix: ignore[KF112]", message="unused"),),
    oks=(Example(before="from keras.layers import Conv2D\n"
                        "Conv2D(8, 3, 3)  # kerasfix: ignore[KF150] stride 3 meant"),))

MALFORMED_SUPPRESSION = MetaRule(
    "KF902", "malformed-suppression",
    "A `# kerasfix:` comment kerasfix cannot read (a misspelt directive, an `enable` without "
    "its `disable`, a `file-ignore` below the first 20 lines); it suppresses nothing.", "manual",
    examples=(Example(flag="import keras\nx = 1  # kerasfix: ignor[KF112]", message="malformed"),),
    oks=(Example(before="import keras\nx = 1  # kerasfix is great"),))

UNKNOWN_SUPPRESSION_CODE = MetaRule(
    "KF903", "unknown-code-in-suppression",
    "A suppression names a code or rule name kerasfix does not have.", "manual",
    examples=(Example(flag="import keras\nx = 1  # kerasfix: ignore[E501]", message="E501"),),
    oks=(Example(before="import keras\nx = 1  # noqa: E501"),))

META_RULES = META_RULES + (UNUSED_SUPPRESSION, MALFORMED_SUPPRESSION, UNKNOWN_SUPPRESSION_CODE)
