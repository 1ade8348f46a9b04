"""08-what-networks-learn: the feature maps of each layer for a photo
(``feature_browser``).
"""

from dataclasses import dataclass

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import torch

from helpers import plots
from helpers._threads import one_torch_thread
from helpers._validation import as_array, as_index
from helpers.widgets.render import blitting_renderer

__all__ = ["ChannelView", "channel_view", "feature_browser"]


@dataclass(frozen=True)
class ChannelView:
    """One channel of one layer's feature maps, ready to draw.

    Introduced in 08-what-networks-learn.
    """

    layer: str  # the module's name, e.g. "features.1"
    channel: int
    feature_map: np.ndarray  # (H, W) that channel's map for the photo
    num_channels: int  # C, the channels of the layer's output
    shape: tuple[int, ...]  # the layer's whole output, (1, C, H, W)


def channel_view(maps: dict, layer: str, channel: int) -> ChannelView:
    """Channel ``channel`` of the feature maps that layer ``layer`` computed.

    ``maps`` is what ``features.feature_maps`` returns for one photo: layer name ->
    (1, C, H, W) tensor. Nothing runs the network again.
    Introduced in 08-what-networks-learn.
    """
    if not isinstance(maps, dict) or not maps:
        raise ValueError(
            "maps must be a non-empty dict of layer name -> (1, C, H, W) tensor, as "
            "helpers.features.feature_maps returns."
        )
    if layer not in maps:
        raise ValueError(
            f"no layer {layer!r} in these feature maps; choose one of: "
            f"{', '.join(map(str, maps))}."
        )
    output = maps[layer]
    if not isinstance(output, torch.Tensor) or output.ndim != 4 or len(output) != 1:
        shape = tuple(output.shape) if isinstance(output, torch.Tensor) else output
        raise ValueError(
            f"the maps of {layer!r} must be a (1, C, H, W) tensor for one photo, "
            f"got {shape!r}."
        )
    num_channels = output.shape[1]
    channel = as_index(channel, "channel", num_channels, f"{layer} has {num_channels}")
    return ChannelView(
        layer,
        channel,
        output[0, channel].double().numpy(),
        num_channels,
        tuple(output.shape),
    )


def feature_browser(
    model, photo, layers, *, preprocess=None, label: str = ""
) -> ipywidgets.VBox:
    """Pick a layer and a channel: see that channel's feature map for ``photo``.

    ``photo`` is an (H, W) or (H, W, 3) image in [0, 1]; ``layers`` are module names
    of ``model`` (in eval mode) whose outputs are (1, C, H', W');
    ``preprocess`` optionally maps ``images.to_tensor(photo)`` to the model's input.
    The network runs once, when the widget is built (``features.feature_maps``:
    every layer's maps at once); a move only redraws. The map is drawn over the
    photo's pixels, so a coarse deep map covers the same ground as the photo: give
    the photo the network sees (for EfficientNet-Lite0, the 224×224 crop, with
    ``preprocess`` only rescaling it). ``label`` (e.g. UNTRAINED) goes above the
    figure.
    Introduced in 08-what-networks-learn.
    """
    from helpers import features, images  # torch-heavy helpers, only when used

    X = images.to_tensor(photo)  # (1, C, H, W), and a check of the photo
    if preprocess is not None:
        X = preprocess(X)
    with one_torch_thread():
        maps = features.feature_maps(model, X, layers)
    views = {layer: channel_view(maps, layer, 0) for layer in maps}
    picture_array = as_array(photo, "photo", ndims=(2, 3), floating=True)
    height, width = picture_array.shape[:2]
    first = views[layers[0]]

    fig, (ax_photo, ax_map) = plt.subplots(1, 2, figsize=(9.6, 4.4))
    plots.show_image(picture_array, f"photo, {height}×{width}", ax=ax_photo)
    plots.show_feature_map(first.feature_map, "feature map", ax=ax_map)
    shown = ax_map.images[0]
    shown.set_extent((-0.5, width - 0.5, height - 0.5, -0.5))  # over the photo
    ax_map.set_xlabel("column j of the photo")
    ax_map.set_ylabel("row i of the photo")
    if label:
        fig.suptitle(label)
    changing = [shown, ax_map.title, fig.axes[-1].yaxis, *ax_map.spines.values()]
    render = blitting_renderer(fig, changing)

    picture = ipywidgets.Image(format="png")
    caption = ipywidgets.HTML()
    style = {"description_width": "initial"}
    layer_choice = ipywidgets.Dropdown(
        options=[
            (
                f"{name}: {view.num_channels} maps of {view.shape[2]}×{view.shape[3]}",
                name,
            )
            for name, view in views.items()
        ],
        value=layers[0],
        description="layer",
        style=style,
    )
    channel = ipywidgets.IntSlider(
        0,
        min=0,
        max=first.num_channels - 1,
        description="channel",
        continuous_update=True,
        style=style,
    )

    def draw(_=None) -> None:
        state = channel_view(maps, layer_choice.value, channel.value)
        values = state.feature_map
        shown.set_data(values)
        bound = float(np.abs(values).max()) or 1.0
        shown.set_clim(-bound, bound)
        _, C, H, W = state.shape
        ax_map.set_title(f"{state.layer}, channel {state.channel} of {C} ({H}×{W})")
        picture.value = render()
        caption.value = (
            f"Layer <code>{state.layer}</code> computes {C} feature maps of "
            f"{H}×{W}, one cell per {height / H:.3g}×{width / W:.3g} photo pixels. "
            f"Channel {state.channel}: values from {values.min():.3g} to "
            f"{values.max():.3g}, mean {values.mean():.3g}."
        )

    def change_layer(change) -> None:
        channel.unobserve(draw, names="value")  # one redraw, not two
        channel.max = views[change["new"]].num_channels - 1  # lowers a larger value
        channel.observe(draw, names="value")
        draw()

    layer_choice.observe(change_layer, names="value")
    channel.observe(draw, names="value")
    draw()
    return ipywidgets.VBox([ipywidgets.HBox([channel, layer_choice]), picture, caption])
