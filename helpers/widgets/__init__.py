"""Interactive widgets. Each is a plain function of its slider values, tested
without a browser, plus a thin ipywidgets wrapper that a notebook calls in one line.

The widgets keep one matplotlib figure, update its artists in place and send it
to an ``ipywidgets.Image`` as PNG, so a slider answers quickly and the widget
works in JupyterLab, Colab and VS Code without extra extensions.

One module per widget, named for its concept; ``render`` is the renderer they
share. Every widget is re-exported here: notebooks call ``widgets.sliding_window``.
"""

from helpers.widgets.augmentations import (
    AUGMENTATIONS,
    AugmentedGrid,
    augmentation,
    augmentation_preview,
    augmented_versions,
)
from helpers.widgets.channels import (
    ChannelSplit,
    channel_contributions,
    split_by_input_channel,
)
from helpers.widgets.convolution_steps import (
    WindowStep,
    sliding_window,
    sliding_window_step,
)
from helpers.widgets.equivariance import (
    ShiftComparison,
    compare_shifts,
    shift_slider,
)
from helpers.widgets.feature_maps import (
    ChannelView,
    channel_view,
    feature_browser,
)
from helpers.widgets.predictions import (
    PhotoTopK,
    photo_top_k,
    top_k_explorer,
)
from helpers.widgets.receptive_fields import (
    FIELD_COLOUR,
    PixelField,
    field_explorer,
    pixel_field,
)
from helpers.widgets.strides import (
    WindowPositions,
    stride_padding,
    window_positions,
)

__all__ = [
    "WindowStep",
    "sliding_window_step",
    "sliding_window",
    "ChannelSplit",
    "split_by_input_channel",
    "channel_contributions",
    "ShiftComparison",
    "compare_shifts",
    "shift_slider",
    "FIELD_COLOUR",
    "PixelField",
    "pixel_field",
    "field_explorer",
    "WindowPositions",
    "window_positions",
    "stride_padding",
    "PhotoTopK",
    "photo_top_k",
    "top_k_explorer",
    "AUGMENTATIONS",
    "AugmentedGrid",
    "augmentation",
    "augmented_versions",
    "augmentation_preview",
    "ChannelView",
    "channel_view",
    "feature_browser",
]
