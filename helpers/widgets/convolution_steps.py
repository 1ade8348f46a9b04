"""01-convolution-by-hand: the kernel sliding over the image, one output cell at a
time (``sliding_window``).
"""

from dataclasses import dataclass

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.patches import Rectangle

from helpers import plots
from helpers._threads import one_torch_thread
from helpers._validation import as_array, as_index, check_fits
from helpers.widgets.render import freeze, render_png

__all__ = ["WindowStep", "sliding_window_step", "sliding_window"]


@dataclass(frozen=True)
class WindowStep:
    """What the sliding window shows at one step.

    Introduced in 01-convolution-by-hand.
    """

    row: int  # output row i, also the window's top row in the image
    col: int  # output column j, also the window's left column
    window: np.ndarray  # (KH, KW) image pixels under the kernel
    products: np.ndarray  # (KH, KW) window * kernel, element by element
    output: np.ndarray  # (OH, OW) output map so far; NaN where the window has not been
    num_steps: int  # OH * OW window positions in all


def sliding_window_step(image, kernel, step: int) -> WindowStep:
    """The state of a valid cross-correlation after ``step`` + 1 window positions.

    Positions are visited row by row. The output values come from PyTorch's
    ``F.conv2d``, not from a loop of ours: the assignment asks you to write that loop.
    """
    image = as_array(image, "image", floating=True)
    kernel = as_array(kernel, "kernel")
    check_fits(image, kernel)
    with one_torch_thread():
        full = F.conv2d(
            torch.tensor(image, dtype=torch.float64)[None, None],
            torch.tensor(kernel, dtype=torch.float64)[None, None],
        )[0, 0].numpy()
    num_steps = full.size
    step = as_index(step, "step", num_steps, "one per window position")
    row, col = divmod(step, full.shape[1])
    window = image[row : row + kernel.shape[0], col : col + kernel.shape[1]]
    output = np.full(full.shape, np.nan)
    output.flat[: step + 1] = full.flat[: step + 1]
    return WindowStep(row, col, window, window * kernel, output, num_steps)


def sliding_window(image, kernel) -> ipywidgets.VBox:
    """A slider (and a play button) that steps the kernel across a small image.

    Four panels: the image with the window outlined, the kernel, the
    element-wise products, and the output map filling in.
    Introduced in 01-convolution-by-hand.
    """
    first = sliding_window_step(image, kernel, 0)
    image = as_array(image, "image", floating=True)
    kernel = as_array(kernel, "kernel")
    fig, (ax_image, ax_kernel, ax_products, ax_output) = plt.subplots(
        1, 4, figsize=(13, 3.6)
    )
    plots.show_image(image, "image and window", ax=ax_image, numbers=True)
    box = Rectangle(
        (-0.5, -0.5),
        kernel.shape[1],
        kernel.shape[0],
        fill=False,
        edgecolor="#FF800E",
        lw=3,
    )
    ax_image.add_patch(box)
    plots.show_kernel(kernel, "kernel", ax=ax_kernel)
    # Fixed colour scales, so a colour means the same value at every step.
    bound = float(np.abs(image).max() * np.abs(kernel).max())
    plots.show_values(first.products, "products", ax=ax_products, bound=bound)
    out_bound = float(np.abs(image).max() * np.abs(kernel).sum())
    plots.show_values(first.output, "output map so far", ax=ax_output, bound=out_bound)
    products_shown, products_text = ax_products.images[0], ax_products.texts
    output_shown, output_text = ax_output.images[0], ax_output.texts
    freeze(fig)

    picture = ipywidgets.Image(format="png")
    caption = ipywidgets.HTML()
    slider = ipywidgets.IntSlider(
        0, min=0, max=first.num_steps - 1, description="step", continuous_update=True
    )
    play = ipywidgets.Play(
        min=0, max=first.num_steps - 1, interval=600, description="play"
    )
    ipywidgets.jslink((play, "value"), (slider, "value"))

    def draw(step: int) -> None:
        state = sliding_window_step(image, kernel, step)
        box.set_xy((state.col - 0.5, state.row - 0.5))
        products_shown.set_data(state.products)
        plots.update_numbers(products_text, products_shown, state.products)
        output_shown.set_data(np.ma.masked_invalid(state.output))
        plots.update_numbers(output_text, output_shown, state.output)
        value = state.output[state.row, state.col]
        ax_products.set_title(f"products, sum = {plots.format_number(value)}")
        caption.value = (
            f"Step {step + 1} of {state.num_steps}: the window's top-left corner "
            f"is at row {state.row}, column {state.col}; the sum of its products is "
            f"output[{state.row}, {state.col}] = {plots.format_number(value)}."
        )
        picture.value = render_png(fig)

    slider.observe(lambda change: draw(change["new"]), names="value")
    draw(0)
    return ipywidgets.VBox([ipywidgets.HBox([play, slider]), picture, caption])
