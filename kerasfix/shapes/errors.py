"""What a shape formula raises when Keras would fail."""

from __future__ import annotations

# KF5xx codes (ux-spec 6.5 for 501-503).
NEGATIVE = "KF501"  # a dimension becomes negative
ZERO = "KF502"  # a dimension becomes zero
CHANNELS_FIRST_INPUT = "KF503"  # an input that looks channels-first under channels_last
MERGE = "KF505"  # merge inputs disagree on a non-axis dimension
RESHAPE = "KF506"  # Reshape target size cannot match the input
CROPPING = "KF507"  # cropping as large as the input or larger
RANK = "KF508"  # a layer gets an input of the wrong rank
UNDEFINED = "KF509"  # a declared None where the layer needs a size (Dense last axis, conv
#   channels, normalised axes, ConvLSTM spatial axes): Keras cannot create the weights
ARGUMENT = "KF510"  # an argument value Keras 3 rejects for this layer or this input (strides > 1
#   with dilation_rate > 1, output_padding >= strides, padding='causal' on Conv2D, groups)


class ShapeError(Exception):
    """Raised by a family function when Keras 3 would refuse to build the layer.

    message: one line naming the axis and the arithmetic, e.g.
      "height: (1 - 5) // 1 + 1 = -3 with padding='valid'"
    runtime: the error the user would otherwise meet at build time (Keras 3 wording).
    """

    def __init__(self, code: str, message: str, runtime: str = ""):
        super().__init__(message)
        self.code, self.message, self.runtime = code, message, runtime
