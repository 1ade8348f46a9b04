"""03-translation-equivariance: shift then convolve, or convolve then shift
(``shift_slider``).
"""

from dataclasses import dataclass

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np

from helpers import plots
from helpers._validation import as_array, check_fits, is_whole
from helpers.widgets.render import freeze, render_png

__all__ = ["ShiftComparison", "compare_shifts", "shift_slider"]

PADDING_MODES = ("zeros", "circular")
DIFFERENCE_TOL = 1e-5  # smaller differences are float rounding, not a broken shift


@dataclass(frozen=True)
class ShiftComparison:
    """The two sides of translation equivariance for one shift of the input.

    Introduced in 03-translation-equivariance.
    """

    dy: int  # rows down (negative: up)
    dx: int  # columns right (negative: left)
    padding_mode: str  # "zeros" or "circular"
    shifted_input: np.ndarray  # (H, W) the image moved by (dy, dx), wrapping around
    conv_of_shifted: np.ndarray  # (H, W) shift first, then convolve
    shifted_conv: np.ndarray  # (H, W) convolve first, then shift
    difference: np.ndarray  # (H, W) conv_of_shifted - shifted_conv
    max_error: float  # the largest absolute difference
    num_different: int  # pixels whose difference is larger than DIFFERENCE_TOL


def compare_shifts(
    image, kernel, dy: int, dx: int, padding_mode: str = "zeros"
) -> ShiftComparison:
    """Shift-then-convolve against convolve-then-shift, for one shift (dy, dx).

    The shift is circular (``np.roll``, like ``torch.roll``): rows pushed off the
    bottom come back at the top. The convolution is a cross-correlation, as in
    ``F.conv2d``, that keeps the image size: a centred window, with the border padded
    by zeros or wrapped around (``padding_mode``). SciPy's ``ndimage.correlate``
    computes it.
    """
    image = as_array(image, "image", floating=True)
    kernel = as_array(kernel, "kernel")
    check_fits(image, kernel)
    if kernel.shape[0] % 2 == 0 or kernel.shape[1] % 2 == 0:
        raise ValueError(
            f"the kernel {kernel.shape} needs odd sizes, such as 3x3 or 5x5, so that "
            f"it has a centre pixel and the output lines up with the input."
        )
    for name, value in (("dy", dy), ("dx", dx)):
        if not is_whole(value):
            raise ValueError(
                f"{name} must be an int (a number of pixels), got {value!r}."
            )
    if padding_mode not in PADDING_MODES:
        raise ValueError(
            f"padding_mode must be one of {PADDING_MODES}, got {padding_mode!r}."
        )
    from scipy import ndimage  # single-threaded C: fast even on a busy machine

    image = image.astype(np.float64)  # (H, W)
    mode = "constant" if padding_mode == "zeros" else "wrap"

    def convolve(x: np.ndarray) -> np.ndarray:
        return ndimage.correlate(x, kernel.astype(np.float64), mode=mode, cval=0.0)

    def shift(x: np.ndarray) -> np.ndarray:
        return np.roll(x, (int(dy), int(dx)), axis=(0, 1))

    shifted_input = shift(image)
    conv_of_shifted = convolve(shifted_input)
    shifted_conv = shift(convolve(image))
    difference = conv_of_shifted - shifted_conv
    return ShiftComparison(
        int(dy),
        int(dx),
        padding_mode,
        shifted_input,
        conv_of_shifted,
        shifted_conv,
        difference,
        float(np.abs(difference).max()),
        int((np.abs(difference) > DIFFERENCE_TOL).sum()),
    )


def shift_slider(image, kernel) -> ipywidgets.VBox:
    """Sliders that shift the input, and a padding mode, to test equivariance.

    Four panels: the shifted input (dashed lines where it wraps around), the
    convolution of the shifted input, the shifted convolution of the input, and
    their difference. The caption gives the largest difference.
    Introduced in 03-translation-equivariance.
    """
    first = compare_shifts(image, kernel, 0, 0)
    height, width = first.shifted_input.shape
    fig, (ax_input, ax_first, ax_second, ax_difference) = plt.subplots(
        1, 4, figsize=(13, 3.7)
    )
    plots.show_image(first.shifted_input, "shifted input", ax=ax_input)
    seam_row = ax_input.axhline(-0.5, color="#FF800E", linestyle="--", lw=1.5)
    seam_col = ax_input.axvline(-0.5, color="#FF800E", linestyle="--", lw=1.5)
    titles = ("conv(shifted input)", "shift(conv(input))", "difference")
    panels = (ax_first, ax_second, ax_difference)
    for ax, title in zip(panels, titles):
        plots.show_feature_map(first.shifted_conv, title, ax=ax, colorbar=False)
    # One fixed colour scale for every map and every shift: a colour is a value.
    bound = float(np.abs(first.shifted_conv).max()) or 1.0
    shown = [ax.images[0] for ax in panels]
    for artist in shown:
        artist.set_clim(-bound, bound)
    freeze(fig)
    # Frames, ticks and labels never change, and drawing them is most of the cost of
    # a redraw: draw them once into a backdrop picture, then let each redraw paint
    # only the backdrop and what moves (images, seam lines, two titles).
    moving = [ax_input.images[0], *shown, seam_row, seam_col]
    moving_titles = [ax_input.title, ax_difference.title]
    for artist in moving + moving_titles:
        artist.set_visible(False)
    fig.canvas.draw()
    backdrop = np.asarray(fig.canvas.buffer_rgba()).copy()  # (height, width, 4)
    for ax in fig.axes:  # ticks, labels and static titles: in the backdrop now
        ax.xaxis.set_visible(False)
        ax.yaxis.set_visible(False)
        ax.title.set_visible(False)
    fig.figimage(backdrop, origin="upper", zorder=-1)  # behind the axes
    for artist in moving + moving_titles:
        artist.set_visible(True)

    picture = ipywidgets.Image(format="png")
    caption = ipywidgets.HTML()
    sliders = {
        name: ipywidgets.IntSlider(
            0,
            min=-(size // 2),
            max=size // 2,
            description=f"{name} ({direction})",
            continuous_update=True,
            style={"description_width": "initial"},
        )
        for name, size, direction in (("dy", height, "down"), ("dx", width, "right"))
    }
    mode = ipywidgets.Dropdown(
        options=list(PADDING_MODES), value="zeros", description="padding"
    )

    def draw(_=None) -> None:
        state = compare_shifts(
            image, kernel, sliders["dy"].value, sliders["dx"].value, mode.value
        )
        shown_input = ax_input.images[0]
        shown_input.set_data(state.shifted_input)
        row, col = state.dy % height, state.dx % width
        seam_row.set_ydata([row - 0.5, row - 0.5])
        seam_col.set_xdata([col - 0.5, col - 0.5])
        seam_row.set_visible(row != 0)
        seam_col.set_visible(col != 0)
        for artist, values in zip(
            shown, (state.conv_of_shifted, state.shifted_conv, state.difference)
        ):
            artist.set_data(values)
        ax_input.set_title(f"input shifted by ({state.dy}, {state.dx})")
        if state.num_different == 0:
            verdict = "the two maps are equal at every pixel: max abs error < 1e-5."
        else:
            verdict = (
                f"the two maps differ at {state.num_different} of {height * width} "
                f"pixels (coloured in the last panel): max abs error "
                f"{state.max_error:.3g}."
            )
        ax_difference.set_title(
            "difference: none" if state.num_different == 0 else "difference"
        )
        rows = f"{abs(state.dy)} row{'' if abs(state.dy) == 1 else 's'}"
        cols = f"{abs(state.dx)} column{'' if abs(state.dx) == 1 else 's'}"
        caption.value = (
            f"Shift ({state.dy}, {state.dx}): {rows} "
            f"{'up' if state.dy < 0 else 'down'} and {cols} "
            f"{'left' if state.dx < 0 else 'right'}, "
            f"{'zero' if state.padding_mode == 'zeros' else 'circular'} padding; "
            + verdict
        )
        picture.value = render_png(fig)

    for control in (*sliders.values(), mode):
        control.observe(draw, names="value")
    draw()
    return ipywidgets.VBox(
        [ipywidgets.HBox([sliders["dy"], sliders["dx"], mode]), picture, caption]
    )
