"""04-receptive-fields: the input pixels an output pixel of a conv stack sees
(``field_explorer``).
"""

from dataclasses import dataclass

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.patches import Rectangle

from helpers import plots
from helpers._threads import one_torch_thread
from helpers._validation import as_array, as_index, is_whole
from helpers.widgets.render import freeze, render_png

__all__ = ["FIELD_COLOUR", "PixelField", "pixel_field", "field_explorer"]

FIELD_COLOUR = (1.0, 0.5, 0.055)  # the orange of the course's boxes, #FF800E


@dataclass(frozen=True)
class PixelField:
    """Which input pixels one output pixel of a stack of convolutions sees.

    Introduced in 04-receptive-fields.
    """

    row: int  # the output pixel: row in the last layer's output map
    col: int  # and column
    gradient: np.ndarray  # (H, W) d output[row, col] / d image; 0 outside the field
    top: int  # the field's bounding box in the image: first row,
    left: int  # first column,
    height: int  # number of rows
    width: int  # and number of columns
    output: np.ndarray  # (OH, OW) the stack's output for the image


def pixel_field(
    image, depth: int, kernel_size: int, stride: int, row=None, col=None
) -> PixelField:
    """The receptive field of output pixel (``row``, ``col``), measured with autograd.

    The stack is ``depth`` real ``nn.Conv2d`` layers with one channel, a
    ``kernel_size`` x ``kernel_size`` kernel, the given ``stride``, no padding and
    fixed positive weights 1 / kernel_size**2, so every output is the average of its
    window and no gradient cancels. The field is where the gradient of
    output[row, col] with respect to the image is not zero; no formula is used.
    ``row`` and ``col`` default to the centre of the output map.
    """
    image = as_array(image, "image", floating=True)
    _check_field_setting("depth", depth, "layers")
    _check_field_setting("kernel_size", kernel_size, "pixels")
    _check_field_setting("stride", stride, "pixels")
    with one_torch_thread():
        return _field_by_autograd(image, depth, kernel_size, stride, row, col)


def _field_by_autograd(image, depth, kernel_size, stride, row, col) -> PixelField:
    """The work of :func:`pixel_field`, once its settings are checked."""
    X = torch.tensor(image, dtype=torch.float64)[None, None].requires_grad_()
    Y = X  # (1, 1, H, W), then each layer's output
    for layer in range(1, depth + 1):
        if min(Y.shape[-2:]) < kernel_size:
            raise ValueError(
                f"the stack does not fit in the {image.shape[0]}×{image.shape[1]} "
                f"image: layer {layer} of {depth} gets a {Y.shape[-2]}×{Y.shape[-1]} "
                f"map, smaller than its {kernel_size}×{kernel_size} kernel; use fewer "
                f"layers, a smaller kernel or a smaller stride."
            )
        # skip_init: no random initial weights, so the global RNG is left alone.
        conv = torch.nn.utils.skip_init(
            torch.nn.Conv2d,
            1,
            1,
            kernel_size,
            stride=stride,
            bias=False,
            dtype=torch.float64,
        )
        with torch.no_grad():
            conv.weight.fill_(1.0 / kernel_size**2)
        Y = conv(Y)
    OH, OW = Y.shape[-2:]
    output_map = f"the output map is {OH}×{OW}"
    row = as_index(OH // 2 if row is None else row, "row", OH, output_map)
    col = as_index(OW // 2 if col is None else col, "col", OW, output_map)
    Y[0, 0, row, col].backward()
    gradient = X.grad[0, 0].numpy()
    rows = np.flatnonzero(gradient.any(axis=1))
    cols = np.flatnonzero(gradient.any(axis=0))
    return PixelField(
        row,
        col,
        gradient,
        int(rows[0]),
        int(cols[0]),
        int(rows[-1] - rows[0] + 1),
        int(cols[-1] - cols[0] + 1),
        Y[0, 0].detach().numpy(),
    )


def field_explorer(image) -> ipywidgets.VBox:
    """Sliders for depth, kernel size, stride and an output pixel; its field drawn.

    Left: the image, with the receptive field of the chosen output pixel shaded
    in orange (stronger where the gradient is larger) and outlined. Right: the
    stack's output map, with the chosen pixel outlined. The field comes from
    :func:`pixel_field`, that is from autograd.
    Introduced in 04-receptive-fields.
    """
    first = pixel_field(image, 2, 3, 1)
    image = as_array(image, "image", floating=True)
    height, width = image.shape
    fig, (ax_image, ax_output) = plt.subplots(1, 2, figsize=(11, 4.2))
    plots.show_image(image, "input image", ax=ax_image)
    overlay = ax_image.imshow(np.zeros((height, width, 4)), zorder=2)
    box = Rectangle((0, 0), 1, 1, fill=False, edgecolor=FIELD_COLOUR, lw=2, zorder=3)
    ax_image.add_patch(box)
    plots.show_image(first.output, "output map", ax=ax_output)
    output_shown = ax_output.images[0]
    marker = Rectangle((0, 0), 1, 1, fill=False, edgecolor=FIELD_COLOUR, lw=2)
    ax_output.add_patch(marker)
    freeze(fig)

    picture = ipywidgets.Image(format="png")
    caption = ipywidgets.HTML()

    def slider(description, low, high, value):
        return ipywidgets.IntSlider(
            value, min=low, max=high, description=description, continuous_update=True
        )

    depth = slider("depth", 1, 6, 2)
    kernel = slider("kernel", 1, 7, 3)
    stride = slider("stride", 1, 3, 1)
    out_row = slider("out row", 0, first.output.shape[0] - 1, first.row)
    out_col = slider("out col", 0, first.output.shape[1] - 1, first.col)
    busy = [False]  # True while draw() moves the pixel sliders itself

    def draw(centre: bool) -> None:
        config = (depth.value, kernel.value, stride.value)
        pixel = (None, None) if centre else (out_row.value, out_col.value)
        try:
            state = pixel_field(image, *config, *pixel)
        except ValueError as error:
            for artist in (overlay, box, output_shown, marker):
                artist.set_visible(False)
            out_row.disabled = out_col.disabled = True
            ax_image.set_title("input image")
            ax_output.set_title("no output")
            caption.value = f"<b>No output:</b> {error}"
            picture.value = render_png(fig)
            return
        for artist in (overlay, box, output_shown, marker):
            artist.set_visible(True)
        OH, OW = state.output.shape
        busy[0] = True  # the pixel sliders follow the new map without redrawing
        for control, size in ((out_row, OH), (out_col, OW)):
            control.disabled = False
            control.max = max(size - 1, control.value)  # never below the value
        out_row.value, out_col.value = state.row, state.col
        out_row.max, out_col.max = OH - 1, OW - 1
        busy[0] = False
        strength = state.gradient / state.gradient.max()
        rgba = np.zeros((height, width, 4))
        rgba[..., :3] = FIELD_COLOUR
        rgba[..., 3] = np.where(strength > 0, 0.25 + 0.6 * strength, 0.0)
        overlay.set_data(rgba)
        box.set_bounds(state.left - 0.5, state.top - 0.5, state.width, state.height)
        output_shown.set_data(np.clip(state.output, 0, 1))
        output_shown.set_extent((-0.5, OW - 0.5, OH - 0.5, -0.5))
        ax_output.set_xlim(-0.5, OW - 0.5)
        ax_output.set_ylim(OH - 0.5, -0.5)
        marker.set_xy((state.col - 0.5, state.row - 0.5))
        ax_image.set_title(
            f"input {height}×{width}: field {state.height}×{state.width}"
        )
        layers = "layer" if depth.value == 1 else "layers"
        ax_output.set_title(f"output after {depth.value} {layers}: {OH}×{OW}")
        caption.value = (
            f"Output pixel ({state.row}, {state.col}) of the {OH}×{OW} map after "
            f"{depth.value} {layers} of {kernel.value}×{kernel.value} kernels with "
            f"stride {stride.value} sees a {state.height}×{state.width} patch of the "
            f"input: rows {state.top} to {state.top + state.height - 1}, columns "
            f"{state.left} to {state.left + state.width - 1}. The stronger the "
            f"orange, the more paths lead from that input pixel to the output pixel."
        )
        picture.value = render_png(fig)

    for control in (depth, kernel, stride):
        control.observe(lambda change: draw(centre=True), names="value")
    for control in (out_row, out_col):
        control.observe(
            lambda change: None if busy[0] else draw(centre=False), names="value"
        )
    draw(centre=True)
    return ipywidgets.VBox(
        [
            ipywidgets.HBox([depth, kernel, stride]),
            ipywidgets.HBox([out_row, out_col]),
            picture,
            caption,
        ]
    )


def _check_field_setting(name: str, value, unit: str) -> None:
    """Raise unless ``value`` is a positive int (a number of layers or pixels)."""
    if not is_whole(value) or value < 1:
        raise ValueError(
            f"{name} must be a positive int (a number of {unit}), got {value!r}."
        )
