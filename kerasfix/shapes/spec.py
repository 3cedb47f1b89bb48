"""A layer as the checker sees it: its Keras 3 class name and evaluated arguments."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LayerSpec:
    name: str  # Keras 3 class name, e.g. "Conv2D" (aliases and Keras 1 names normalised)
    kwargs: dict = field(default_factory=dict)  # Keras 3 keyword -> value (int, tuple, str,
    #   None, bool, LayerSpec for wrappers, or dims.UNKNOWN); positionals already bound
    line: int = 0
    column: int = 0
    legacy: dict = field(default_factory=dict)  # Keras 1 keywords with no Keras 3 meaning
    #   that change the arithmetic: {"border_mode": "full"}
    default_format: str = "channels_last"  # image_data_format() when the layer was made
    input_at: tuple = ()  # (line, column) of an input_shape= / input_dim= keyword, if any
