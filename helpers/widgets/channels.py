"""02-multichannel-kernels: what each input channel adds to an output channel
(``channel_contributions``).
"""

from dataclasses import dataclass

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F

from helpers import plots
from helpers._threads import one_torch_thread
from helpers._validation import as_array, as_index, as_photo_dict, check_fits
from helpers.widgets.render import blitting_renderer

__all__ = ["ChannelSplit", "split_by_input_channel", "channel_contributions"]

RGB_NAMES = ("red", "green", "blue")


@dataclass(frozen=True)
class ChannelSplit:
    """One output channel of a convolution, split into its input channels' shares.

    Introduced in 02-multichannel-kernels.
    """

    contributions: np.ndarray  # (C_in, OH, OW): input channel c correlated with slice c
    bias: float  # the output channel's bias, added once at every position
    output: np.ndarray  # (OH, OW): the contributions summed over c, plus the bias


def split_by_input_channel(image, weight, bias, out_channel: int) -> ChannelSplit:
    """Split output channel ``out_channel`` of a valid convolution by input channel.

    ``image`` is (H, W, C), channels last as ``images.load_photo`` returns it;
    ``weight`` is (C_out, C, KH, KW), PyTorch's layout; ``bias`` is (C_out,) or
    None. Each contribution is PyTorch's ``F.conv2d`` of one input channel with its
    kernel slice, a single-channel correlation as in 01-convolution-by-hand; the
    output is their sum plus the bias. Introduced in 02-multichannel-kernels.
    """
    image, weight, bias = _check_channel_inputs(image, weight, bias)
    num_out = weight.shape[0]
    out_channel = as_index(out_channel, "out_channel", num_out, "one per kernel")
    with one_torch_thread():
        X = torch.tensor(image.transpose(2, 0, 1), dtype=torch.float64)  # (C, H, W)
        kernel = torch.tensor(weight[out_channel], dtype=torch.float64)  # (C, KH, KW)
        # One single-channel F.conv2d per input channel: channel c with slice c.
        contributions = np.stack(
            [
                F.conv2d(X[c][None, None], kernel[c][None, None])[0, 0].numpy()
                for c in range(X.shape[0])
            ]
        )  # (C, OH, OW)
    b = float(bias[out_channel])
    return ChannelSplit(contributions, b, contributions.sum(axis=0) + b)


def channel_contributions(photos, weight, bias=None, *, names=None) -> ipywidgets.VBox:
    """Pick an output channel (and a photo): see each colour channel's share of it.

    ``photos`` is one (H, W, 3) photo or a dict of photos of the same size by name;
    ``weight`` is (C_out, 3, KH, KW) and ``bias`` (C_out,) or None; ``names`` labels
    the output channels. Three rows of panels: the photo's red, green and blue
    channels; the kernel's slice for each; each channel's contribution, and their
    sum plus the bias, which is the output channel. Introduced in
    02-multichannel-kernels.
    """
    photos = as_photo_dict(photos)
    first_name = next(iter(photos))
    for name, photo in photos.items():  # every input checked before anything is drawn
        photo, _, _ = _check_channel_inputs(photo, weight, bias)
        if photo.shape[2] != 3:
            raise ValueError(
                f"photo {name!r} has shape {photo.shape}; this widget needs colour "
                f"photos, (H, W, 3) with red, green and blue channels last."
            )
        if photo.shape != photos[first_name].shape:
            raise ValueError(
                f"photo {name!r} has shape {photo.shape} but {first_name!r} has "
                f"{tuple(photos[first_name].shape)}; the photos must have the same "
                f"size: load them with the same images.load_photo(..., size=...) "
                f"or crop them."
            )
    weight = as_array(weight, "weight", ndims=(4,))
    num_out = weight.shape[0]
    names = _channel_names(names, num_out)
    photo = as_array(photos[first_name], "photo", ndims=(3,), floating=True)
    first = split_by_input_channel(photo, weight, bias, 0)

    fig, axes = plt.subplots(3, 4, figsize=(12, 8.4))
    inputs, slices, shares = axes[0, :3], axes[1, :3], axes[2, :3]
    ax_photo, ax_bias, ax_output = axes[0, 3], axes[1, 3], axes[2, 3]
    for c, colour in enumerate(RGB_NAMES):
        plots.show_image(photo[:, :, c], f"input: {colour} channel", ax=inputs[c])
        plots.show_values(weight[0, c], f"kernel slice for {colour}", ax=slices[c])
        plots.show_feature_map(
            first.contributions[c], f"{colour}'s share", ax=shares[c], colorbar=False
        )
    plots.show_image(photo, f"photo: {first_name}", ax=ax_photo)
    plots.show_feature_map(first.output, "sum + bias = output", ax=ax_output)
    ax_bias.set_axis_off()
    ax_bias.set_title("bias, added everywhere")
    bias_text = ax_bias.text(
        0.5, 0.5, "", ha="center", va="center", fontsize="xx-large"
    )
    input_images = [ax.images[0] for ax in inputs] + ax_photo.images
    slice_images = [ax.images[0] for ax in slices]
    map_images = [ax.images[0] for ax in shares] + ax_output.images
    # What the controls change is drawn over a saved background ("blitting"): an
    # update redraws those images and numbers, not the 12 whole panels.
    changing = [
        *input_images,
        ax_photo.title,
        *slice_images,
        *(text for ax in slices for text in ax.texts),
        *map_images,
        bias_text,
        fig.axes[-1].yaxis,  # the colour bar's ticks, which follow the maps' scale
    ]
    # Frames go back on top of the images they surround.
    changing += [
        spine
        for ax in [*inputs, ax_photo, *slices, *shares, ax_output]
        for spine in ax.spines.values()
    ]
    render = blitting_renderer(fig, changing)

    picture = ipywidgets.Image(format="png")
    caption = ipywidgets.HTML()
    style = {"description_width": "initial"}
    channel = ipywidgets.Dropdown(
        options=[(f"{o}: {names[o]}", o) for o in range(num_out)],
        value=0,
        description="output channel",
        style=style,
    )
    chooser = ipywidgets.Dropdown(
        options=list(photos), value=first_name, description="photo", style=style
    )

    def draw(out_channel: int, photo_name: str) -> None:
        image = as_array(photos[photo_name], "photo", ndims=(3,), floating=True)
        state = split_by_input_channel(image, weight, bias, out_channel)
        for c, shown in enumerate(input_images):
            shown.set_data(np.clip(image[:, :, c] if c < 3 else image, 0, 1))
        ax_photo.set_title(f"photo: {photo_name}")
        kernel_bound = float(np.abs(weight[out_channel]).max()) or 1.0
        for c, shown in enumerate(slice_images):
            shown.set_data(weight[out_channel, c])
            shown.set_clim(-kernel_bound, kernel_bound)
            plots.update_numbers(slices[c].texts, shown, weight[out_channel, c])
        # One colour scale for the shares and the output, so that colours compare.
        maps = [*state.contributions, state.output]
        bound = max(float(np.abs(values).max()) for values in maps) or 1.0
        for shown, values in zip(map_images, maps):
            shown.set_data(values)
            shown.set_clim(-bound, bound)
        bias_text.set_text(f"b = {plots.format_number(state.bias)}")
        picture.value = render()
        size = np.abs(state.contributions).sum(axis=(1, 2))
        shares_text = ", ".join(
            f"{colour} {share:.0%}"
            for colour, share in zip(RGB_NAMES, size / (size.sum() or 1.0))
        )
        caption.value = (
            f"Output channel {out_channel} ({names[out_channel]}) on the "
            f"{photo_name} photo: the sum of the red, green and blue shares plus the "
            f"bias {plots.format_number(state.bias)}. Each channel's part of the "
            f"total absolute contribution: {shares_text}. The output ranges from "
            f"{plots.format_number(state.output.min())} to "
            f"{plots.format_number(state.output.max())}."
        )

    def redraw(_change=None) -> None:
        draw(channel.value, chooser.value)

    channel.observe(redraw, names="value")
    chooser.observe(redraw, names="value")
    redraw()
    return ipywidgets.VBox([ipywidgets.HBox([channel, chooser]), picture, caption])


def _check_channel_inputs(image, weight, bias):
    """Check a photo, a weight and a bias for split_by_input_channel; return arrays."""
    if isinstance(image, (np.ndarray, torch.Tensor)) and image.ndim != 3:
        raise ValueError(
            f"image must be 3-D, (H, W, C) with channels last as "
            f"images.load_photo returns it, got shape {tuple(image.shape)}."
        )
    image = as_array(image, "image", ndims=(3,), floating=True)
    weight = as_array(weight, "weight", ndims=(4,))
    num_out, num_in = weight.shape[:2]
    if num_in != image.shape[2]:
        raise ValueError(
            f"weight has {num_in} input channels but the image has "
            f"{image.shape[2]} (shape {image.shape}); a weight is laid out "
            f"(C_out, C_in, KH, KW) and the image (H, W, C), channels last."
        )
    check_fits(image[:, :, 0], weight[0, 0])
    if bias is None:
        bias = np.zeros(num_out)
    bias = as_array(bias, "bias", ndims=(1,))
    if bias.shape[0] != num_out:
        raise ValueError(
            f"bias has {bias.shape[0]} values but weight has {num_out} output "
            f"channels; a layer has one bias per output channel."
        )
    return image, weight, bias


def _channel_names(names, num_out: int) -> list[str]:
    if names is None:
        return [f"kernel {o}" for o in range(num_out)]
    if (
        isinstance(names, str)
        or not isinstance(names, (list, tuple))
        or len(names) != num_out
        or not all(isinstance(name, str) and name for name in names)
    ):
        raise ValueError(
            f"names must be a list of {num_out} non-empty str, one per output "
            f"channel, got {names!r}."
        )
    return list(names)
