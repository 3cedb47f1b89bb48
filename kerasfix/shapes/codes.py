"""The KF5xx shape rules, registered like every other rule (docs, `kerasfix rules`, tests)."""

from __future__ import annotations

from kerasfix.migrate.meta import MetaRule
from kerasfix.migrate.spec import Example

_SEQ = ("import keras\nfrom keras import layers\n"
        "model = keras.Sequential([keras.Input(shape={}), {}])")


def _model(shape: str, *layers: str) -> str:
    return _SEQ.format(shape, ", ".join(layers))


NEGATIVE = MetaRule(
    "KF501", "dimension-becomes-negative",
    "A layer's valid padding, kernel, strides or pooling make a dimension negative: Keras "
    "refuses to build the model (\"Negative dimension size caused by subtracting 5 from 1\", "
    "\"Computed output size would be zero or negative\"). The message names the axis and the "
    "arithmetic; the help shows the shapes that led there.", "manual",
    examples=(Example(flag=_model("(4, 4, 1)", "layers.Conv2D(8, 6)"), message="height"),),
    oks=(Example(before=_model("(4, 4, 1)", "layers.Conv2D(8, 5, padding='same')")),
         Example(before=_model("(None, None, 1)", "layers.Conv2D(8, 5)"))))

ZERO = MetaRule(
    "KF502", "dimension-becomes-zero",
    "A layer makes a dimension exactly zero; Keras 3 refuses to build it.", "manual",
    examples=(Example(flag=_model("(4, 4, 1)", "layers.MaxPooling2D(5, strides=1)"),
                      message="= 0"),),
    oks=(Example(before=_model("(5, 5, 1)", "layers.MaxPooling2D(5)")),))

CHANNELS_FIRST = MetaRule(
    "KF503", "channels-first-input-under-channels-last",
    "An input such as `(3, 150, 150)` or `(1, 28, 28)` looks channels-first, but the image "
    "layers use channels_last, the Keras default: the channels become the height.", "manual",
    examples=(Example(flag=_model("(3, 150, 150)", "layers.Conv2D(8, 3)"),
                      message="looks channels_first"),),
    oks=(Example(before=_model("(3, 150, 150)",
                               "layers.Conv2D(8, 3, data_format='channels_first')")),
         Example(before=_model("(150, 150, 3)", "layers.Conv2D(8, 3)"))))

MERGE = MetaRule(
    "KF505", "merge-shapes-disagree",
    "The inputs of a merge layer (Concatenate, Add, ...) disagree on a dimension other than "
    "the merge axis; typically a U-Net skip whose sizes drifted apart.", "manual",
    examples=(Example(flag=(
        "import keras\nfrom keras import layers\na = keras.Input(shape=(16, 16, 4))\n"
        "b = layers.MaxPooling2D()(keras.Input(shape=(30, 30, 4)))\n"
        "c = layers.Concatenate()([a, b])"), message="15"),),
    oks=(Example(before=(
        "import keras\nfrom keras import layers\na = keras.Input(shape=(15, 15, 4))\n"
        "b = layers.MaxPooling2D()(keras.Input(shape=(30, 30, 4)))\n"
        "c = layers.Concatenate()([a, b])")),))

RESHAPE = MetaRule(
    "KF506", "reshape-size-mismatch",
    "A Reshape whose target cannot hold the input's number of elements.", "manual",
    examples=(Example(flag=_model("(6, 4)", "layers.Reshape((5, 5))"), message="24"),),
    oks=(Example(before=_model("(6, 4)", "layers.Reshape((3, -1))")),))

CROPPING = MetaRule(
    "KF507", "cropping-exceeds-input",
    "A Cropping layer removes as much as the input has, or more (cropping to 0 is an error in "
    "Keras 3 too).", "manual",
    examples=(Example(flag=_model("(4, 4, 1)", "layers.Cropping2D(2)"), message="crop"),),
    oks=(Example(before=_model("(5, 5, 1)", "layers.Cropping2D(2)")),))

RANK = MetaRule(
    "KF508", "wrong-input-rank",
    "A layer gets an input of the wrong rank (Conv2D after Flatten, LSTM on 2-D input).",
    "manual",
    examples=(Example(flag=_model("(8,)", "layers.Conv2D(4, 3)"), message="ndim"),),
    oks=(Example(before=_model("(8, 8, 1)", "layers.Conv2D(4, 3)")),))

UNDEFINED = MetaRule(
    "KF509", "undefined-dimension-for-weights",
    "A dimension the layer needs to create its weights is declared None (Dense on a None last "
    "axis, a convolution on None channels): Keras 3 cannot build it.", "manual",
    examples=(Example(flag=_model("(8, None)", "layers.Dense(4)"), message="None"),),
    oks=(Example(before=_model("(None, 8)", "layers.Dense(4)")),))

ARGUMENT = MetaRule(
    "KF510", "argument-rejected-for-input",
    "An argument value Keras 3 refuses for this layer: strides > 1 together with "
    "dilation_rate > 1, output_padding >= strides, padding='causal' on a 2D convolution, "
    "groups that do not divide the channels.", "manual",
    examples=(Example(flag=_model("(32, 32, 3)", "layers.Conv2D(8, 3, strides=2, "
                                  "dilation_rate=2)"), message="dilation"),),
    oks=(Example(before=_model("(32, 32, 3)", "layers.Conv2D(8, 3, dilation_rate=2)")),))

SHAPE_RULES = (NEGATIVE, ZERO, CHANNELS_FIRST, MERGE, RESHAPE, CROPPING, RANK, UNDEFINED,
               ARGUMENT)
