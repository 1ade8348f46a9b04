"""Interactive widgets. Each is a plain function of its slider values, tested
without a browser, plus a thin ipywidgets wrapper that a notebook calls in one line.

The widgets keep one matplotlib figure, update its artists in place and send it
to an ``ipywidgets.Image`` as PNG, so a slider answers quickly and the widget
works in JupyterLab, Colab and VS Code without extra extensions.
"""

import io
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import PIL.Image
import torch
import torch.nn.functional as F
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle

from helpers import plots
from helpers._validation import as_array, as_index, check_fits

RENDER_DPI = 80  # sharp enough for numbers in cells, small enough to redraw fast

__all__ = [
    "WindowStep",
    "sliding_window_step",
    "sliding_window",
    "ShiftComparison",
    "compare_shifts",
    "shift_slider",
    "PixelField",
    "pixel_field",
    "field_explorer",
    "WindowPositions",
    "window_positions",
    "stride_padding",
    "ChannelSplit",
    "split_by_input_channel",
    "channel_contributions",
    "PhotoTopK",
    "photo_top_k",
    "top_k_explorer",
    "ChannelView",
    "channel_view",
    "feature_browser",
    "AugmentedGrid",
    "augmentation",
    "augmented_versions",
    "augmentation_preview",
]


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


def sliding_window(image, kernel) -> widgets.VBox:
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

    picture = widgets.Image(format="png")
    caption = widgets.HTML()
    slider = widgets.IntSlider(
        0, min=0, max=first.num_steps - 1, description="step", continuous_update=True
    )
    play = widgets.Play(
        min=0, max=first.num_steps - 1, interval=600, description="play"
    )
    widgets.jslink((play, "value"), (slider, "value"))

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
    return widgets.VBox([widgets.HBox([play, slider]), picture, caption])


@contextmanager
def one_torch_thread():
    """Run PyTorch on one thread inside the block, then restore the thread count.

    A widget's tensors are tiny: one thread does the work in well under a
    millisecond, while waking a pool of threads can take tens of milliseconds, far
    more on a busy machine.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def freeze(fig) -> None:
    """Prepare a widget's figure for fast redraws.

    Lays it out once and then turns the layout engine off (re-running constrained
    layout on every redraw would double its cost), and closes it so that the
    inline backend does not show it a second time outside the widget.
    """
    plt.close(fig)
    FigureCanvasAgg(fig)  # closing detached pyplot's canvas; draw off-screen
    fig.set_dpi(RENDER_DPI)
    fig.canvas.draw()
    fig.set_layout_engine("none")


def blitting_renderer(fig, changing: list) -> Callable[[], bytes]:
    """Freeze ``fig`` without the ``changing`` artists; return its PNG renderer.

    The renderer draws only those artists over the background saved here
    ("blitting") and encodes the figure: much faster than redrawing every panel
    when a control changes a few images, bars or texts.
    """
    for artist in changing:
        artist.set_animated(True)
    freeze(fig)  # draws everything but the changing artists
    background = fig.canvas.copy_from_bbox(fig.bbox)

    def render() -> bytes:
        fig.canvas.restore_region(background)
        for artist in changing:
            fig.draw_artist(artist)
        return render_png(fig, draw=False)

    return render


def render_png(fig, *, draw: bool = True) -> bytes:
    """Encode a frozen figure as PNG bytes for an ``ipywidgets.Image``.

    ``draw=False`` encodes the canvas as it stands, for a widget that has already
    redrawn only the artists that changed (blitting).
    """
    if draw:
        fig.canvas.draw()
    buffer = io.BytesIO()
    # Fast compression: the PNG goes to the browser once and is replaced at once.
    PIL.Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).save(
        buffer, format="png", compress_level=1
    )
    return buffer.getvalue()


# ------------------------- 02-multichannel-kernels

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


def channel_contributions(photos, weight, bias=None, *, names=None) -> widgets.VBox:
    """Pick an output channel (and a photo): see each colour channel's share of it.

    ``photos`` is one (H, W, 3) photo or a dict of photos of the same size by name;
    ``weight`` is (C_out, 3, KH, KW) and ``bias`` (C_out,) or None; ``names`` labels
    the output channels. Three rows of panels: the photo's red, green and blue
    channels; the kernel's slice for each; each channel's contribution, and their
    sum plus the bias, which is the output channel. Introduced in
    02-multichannel-kernels.
    """
    photos = _photo_dict(photos)
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

    picture = widgets.Image(format="png")
    caption = widgets.HTML()
    style = {"description_width": "initial"}
    channel = widgets.Dropdown(
        options=[(f"{o}: {names[o]}", o) for o in range(num_out)],
        value=0,
        description="output channel",
        style=style,
    )
    chooser = widgets.Dropdown(
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
    return widgets.VBox([widgets.HBox([channel, chooser]), picture, caption])


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


def _photo_dict(photos) -> dict:
    """One photo or a dict of them by name, as a non-empty dict."""
    if isinstance(photos, (np.ndarray, torch.Tensor)):
        return {"given": photos}  # the caption reads "on the given photo"
    if (
        not isinstance(photos, dict)
        or not photos
        or not all(isinstance(name, str) for name in photos)
    ):
        raise ValueError(
            "photos must be one (H, W, 3) photo or a non-empty dict of them by name, "
            f"got {type(photos).__name__}."
        )
    return photos


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


# ------------------------- 03-translation-equivariance

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
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
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


def shift_slider(image, kernel) -> widgets.VBox:
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

    picture = widgets.Image(format="png")
    caption = widgets.HTML()
    sliders = {
        name: widgets.IntSlider(
            0,
            min=-(size // 2),
            max=size // 2,
            description=f"{name} ({direction})",
            continuous_update=True,
            style={"description_width": "initial"},
        )
        for name, size, direction in (("dy", height, "down"), ("dx", width, "right"))
    }
    mode = widgets.Dropdown(
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
    return widgets.VBox(
        [widgets.HBox([sliders["dy"], sliders["dx"], mode]), picture, caption]
    )


# ------------------------- 04-receptive-fields

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


def field_explorer(image) -> widgets.VBox:
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

    picture = widgets.Image(format="png")
    caption = widgets.HTML()

    def slider(description, low, high, value):
        return widgets.IntSlider(
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
    return widgets.VBox(
        [
            widgets.HBox([depth, kernel, stride]),
            widgets.HBox([out_row, out_col]),
            picture,
            caption,
        ]
    )


def _check_field_setting(name: str, value, unit: str) -> None:
    """Raise unless ``value`` is a positive int (a number of layers or pixels)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(
            f"{name} must be a positive int (a number of {unit}), got {value!r}."
        )


# ------------------------- 05-stride-padding-pooling

WINDOW_COLOURS = ("#FF800E", "#006BA4", "#C85200")  # first, next and last window
STRIDE_PADDING_RANGES = {  # slider -> (min, max); the largest padded input is 14x14
    "size": (5, 10),
    "kernel": (1, 5),
    "stride": (1, 4),
    "padding": (0, 2),
}


@dataclass(frozen=True)
class WindowPositions:
    """Where the windows of a square convolution sit on its zero-padded input.

    Introduced in 05-stride-padding-pooling.
    """

    size: int  # W: the input is W x W
    kernel: int  # K: the window is K x K
    stride: int  # S: the window moves S pixels per step
    padding: int  # P: rings of zeros around the input
    is_input: np.ndarray  # (W + 2P, W + 2P) bool: True on the input, False on zeros
    coverage: np.ndarray  # (W + 2P, W + 2P) int: how many windows read each cell
    corners: np.ndarray  # (OH * OW, 2) int: each window's top-left (row, col)
    output_shape: tuple[int, int]  # (OH, OW), from a real nn.Conv2d
    missed: int  # input pixels (not zeros) that no window reads


def window_positions(size, kernel, stride=1, padding=0) -> WindowPositions:
    """Where a K x K window moving S pixels at a time sits on a W x W input padded by P.

    Everything comes from PyTorch rather than from a formula of ours: the output
    shape from a real ``nn.Conv2d`` on a dummy input, the window positions and the
    coverage from ``F.unfold`` and ``F.fold`` on the padded grid. The assignment
    asks you to write the output-size formula yourself.
    """
    size = _whole_number(size, "size", 1)
    kernel = _whole_number(kernel, "kernel", 1)
    stride = _whole_number(stride, "stride", 1)
    padding = _whole_number(padding, "padding", 0)
    side = size + 2 * padding
    if kernel > side:
        raise ValueError(
            f"the {kernel}x{kernel} kernel does not fit in the padded input, "
            f"{side}x{side} (size {size} plus {padding} zeros on each side); use a "
            f"smaller kernel or more padding."
        )
    with torch.no_grad():
        layer = torch.nn.Conv2d(1, 1, kernel, stride=stride, padding=padding)
        output_shape = tuple(
            int(n) for n in layer(torch.zeros(1, 1, size, size)).shape[-2:]
        )
        cells = torch.arange(side * side, dtype=torch.float64).view(1, 1, side, side)
        windows = F.unfold(cells, kernel, stride=stride)  # (1, K * K, OH * OW)
        coverage = F.fold(torch.ones_like(windows), (side, side), kernel, stride=stride)
    top_left = windows[0, 0].long().numpy()  # the first cell of every window
    corners = np.stack(np.divmod(top_left, side), axis=1)
    is_input = np.zeros((side, side), dtype=bool)
    is_input[padding : padding + size, padding : padding + size] = True
    coverage = coverage[0, 0].round().long().numpy()
    missed = int((is_input & (coverage == 0)).sum())
    return WindowPositions(
        size, kernel, stride, padding, is_input, coverage, corners, output_shape, missed
    )


def stride_padding(size=7, kernel=3, stride=1, padding=0) -> widgets.VBox:
    """Sliders for input size, kernel, stride and padding over the window positions.

    Left: the zero-padded input (zeros in grey), each cell showing how many windows
    read it, a dot at each window's top-left corner, and three windows outlined.
    Right: the output grid, its size from a real ``nn.Conv2d``, with the outputs of
    the three outlined windows outlined in the same colours.
    Introduced in 05-stride-padding-pooling.
    """
    window_positions(size, kernel, stride, padding)  # reject bad input before drawing
    for name, value in zip(STRIDE_PADDING_RANGES, (size, kernel, stride, padding)):
        low, high = STRIDE_PADDING_RANGES[name]
        if not low <= value <= high:
            raise ValueError(
                f"{name} must be from {low} to {high} for this widget, got {value!r}."
            )
    fig, (ax_input, ax_output) = plt.subplots(1, 2, figsize=(10, 5.2))
    coverage_shown = ax_input.imshow(np.zeros((1, 1)), cmap="cividis", vmin=0, vmax=1)
    zeros_shown = ax_input.imshow(np.zeros((1, 1, 4)))
    (input_grid,) = ax_input.plot([], [], color="white", lw=0.8)
    (dots,) = ax_input.plot(
        [], [], "o", color="white", markeredgecolor="black", markersize=4, zorder=5
    )
    output_shown = ax_output.imshow(np.zeros((1, 1, 3)))
    (output_grid,) = ax_output.plot([], [], color="0.5", lw=0.8)
    boxes = []
    for ax in (ax_input, ax_output):
        for colour in WINDOW_COLOURS:
            box = Rectangle((0, 0), 1, 1, fill=False, edgecolor=colour, lw=3, zorder=6)
            boxes.append(ax.add_patch(box))
        ax.locator_params(integer=True)  # ticks on whole cells only
    ax_input.set_xlabel("column j of the padded input")
    ax_input.set_ylabel("row i of the padded input")
    ax_output.set_xlabel("column j of the output")
    ax_output.set_ylabel("row i of the output")
    # The numbers in the cells are mathtext markers, one line per value and colour:
    # Agg draws a marker once and stamps it, several times faster than one Text each.
    most_windows = max(STRIDE_PADDING_RANGES["kernel"]) ** 2
    numbers = {
        (value, colour): ax_input.plot(
            [], [], linestyle="none", marker=f"${value}$", color=colour, zorder=4
        )[0]
        for value in range(most_windows + 1)
        for colour in ("white", "black")
    }
    largest = max(STRIDE_PADDING_RANGES["size"]) + 2 * max(
        STRIDE_PADDING_RANGES["padding"]
    )
    for ax in (ax_input, ax_output):  # lay out room for the widest tick labels
        ax.set(xlim=(-0.5, largest - 0.5), ylim=(largest - 0.5, -0.5))
    freeze(fig)
    frame = ax_input.get_position(original=True)
    square_pt = 72 * min(
        frame.width * fig.get_figwidth(), frame.height * fig.get_figheight()
    )

    picture = widgets.Image(format="png")
    caption = widgets.HTML()
    labels = {
        "size": "input W",
        "kernel": "kernel k",
        "stride": "stride S",
        "padding": "padding P",
    }
    sliders = {
        name: widgets.IntSlider(
            value,
            min=STRIDE_PADDING_RANGES[name][0],
            max=STRIDE_PADDING_RANGES[name][1],
            description=labels[name],
            continuous_update=True,
        )
        for name, value in zip(STRIDE_PADDING_RANGES, (size, kernel, stride, padding))
    }

    def draw(_=None) -> None:
        state = window_positions(**{name: s.value for name, s in sliders.items()})
        side, K = state.coverage.shape[0], state.kernel
        OH, OW = state.output_shape
        most = max(1, int(state.coverage.max()))
        coverage_shown.set_data(state.coverage)
        coverage_shown.set_clim(0, most)
        zeros = np.zeros((side, side, 4))
        zeros[~state.is_input] = (0.85, 0.85, 0.85, 1.0)  # the zeros: light grey
        zeros_shown.set_data(zeros)
        output_shown.set_data(np.full((OH, OW, 3), 0.96))
        for shown, grid, (rows, cols) in (
            (coverage_shown, input_grid, (side, side)),
            (zeros_shown, None, (side, side)),
            (output_shown, output_grid, (OH, OW)),
        ):
            shown.set_extent((-0.5, cols - 0.5, rows - 0.5, -0.5))
            if grid is not None:
                grid.set_data(*_cell_boundaries(rows, cols))
        dark = state.is_input & (state.coverage < 0.6 * most)
        cell_pt = square_pt / side
        for (value, colour), line in numbers.items():
            rows, cols = np.nonzero(
                (state.coverage == value) & (dark == (colour == "white"))
            )
            line.set_data(cols, rows)
            line.set_markersize(min(0.55, 0.25 * len(str(value))) * cell_pt)
        dots.set_data(state.corners[:, 1] - 0.25, state.corners[:, 0] - 0.25)
        picks = [0, 1 if OW > 1 else None, OH * OW - 1 if OH * OW > 2 else None]
        for box_in, box_out, pick in zip(boxes[:3], boxes[3:], picks):
            box_in.set_visible(pick is not None)
            box_out.set_visible(pick is not None)
            if pick is not None:
                row, col = state.corners[pick]
                box_in.set_bounds(col - 0.5, row - 0.5, K, K)
                row, col = divmod(pick, OW)
                box_out.set_bounds(col - 0.5, row - 0.5, 1, 1)
        ax_input.set(xlim=(-0.5, side - 0.5), ylim=(side - 0.5, -0.5))
        ax_output.set(xlim=(-0.5, OW - 0.5), ylim=(OH - 0.5, -0.5))
        ax_input.set_title(
            f"padded input {side}×{side} (grey: zeros), windows per cell"
        )
        ax_output.set_title(f"output {OH}×{OW}, from nn.Conv2d")
        caption.value = _stride_padding_caption(state)
        picture.value = render_png(fig)

    for slider in sliders.values():
        slider.observe(draw, names="value")
    draw()
    rows = [
        widgets.HBox([sliders["size"], sliders["kernel"]]),
        widgets.HBox([sliders["stride"], sliders["padding"]]),
    ]
    return widgets.VBox([*rows, picture, caption])


def _stride_padding_caption(state: WindowPositions) -> str:
    W, K, S, P = state.size, state.kernel, state.stride, state.padding
    OH, OW = state.output_shape
    side = W + 2 * P
    padded = (
        f"padded with {P} ring{'s' * (P != 1)} of zeros to {side}×{side}"
        if P
        else "no padding"
    )
    text = (
        f"Input {W}×{W}, {padded}. A {K}×{K} window moving {S} "
        f"pixel{'s' * (S != 1)} at a time fits {OH} time{'s' * (OH != 1)} down "
        f"and {OW} across, so nn.Conv2d gives a {OH}×{OW} output"
    )
    if (OH, OW) == (W, W):
        text += ", the same size as the input"
    text += "."
    if state.missed:
        text += (
            f" {state.missed} input pixel{'s are' if state.missed != 1 else ' is'} "
            f"never read (a 0 on a dark cell): the windows skip "
            f"{'them' if state.missed != 1 else 'it'}."
        )
    return text


def _cell_boundaries(rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """x and y of the lines between cells, as one polyline broken by NaNs."""
    xs, ys = [], []
    for r in range(rows + 1):
        xs += [-0.5, cols - 0.5, np.nan]
        ys += [r - 0.5, r - 0.5, np.nan]
    for c in range(cols + 1):
        xs += [c - 0.5, c - 0.5, np.nan]
        ys += [-0.5, rows - 0.5, np.nan]
    return np.array(xs), np.array(ys)


def _whole_number(value, name: str, minimum: int) -> int:
    """``value`` as an int, after checking that it is a whole number >= ``minimum``."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, np.integer))
        or value < minimum
    ):
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}.")
    return int(value)


# ------------------------- 06-pretrained-classification

UNTRAINED_COLOUR = "#C85200"  # dark orange: the warning on an untrained network's plots


@dataclass(frozen=True)
class PhotoTopK:
    """One photo as the network sees it, and its k most probable categories.

    Introduced in 06-pretrained-classification.
    """

    photo: str  # the photo's name
    picture: np.ndarray  # (H, W, 3) the network's input, normalisation undone
    labels: tuple[str, ...]  # k category names, most probable first
    probabilities: np.ndarray  # (k,) their softmax probabilities, descending
    pretrained: bool  # False: random weights, these are not predictions
    label: str  # the model's label, UNTRAINED_LABEL when not pretrained


def photo_top_k(classification, photo: str, k: int = 5) -> PhotoTopK:
    """The network's input and top-k categories for one photo of a classification.

    ``classification`` is what ``models.classify`` returns: the network has run
    once on every photo, so choosing another photo computes nothing new.
    Introduced in 06-pretrained-classification.
    """
    # Imported here: torchvision, which helpers.models needs, is slow to import, and
    # the other lessons' widgets do without it.
    from helpers.models import Classification

    if not isinstance(classification, Classification):
        raise ValueError(
            f"classification must be what helpers.models.classify returns, got "
            f"{type(classification).__name__}."
        )
    top = classification.top(photo, k)
    return PhotoTopK(
        photo,
        classification.picture(photo),
        tuple(label for label, _ in top),
        np.array([p for _, p in top]),
        classification.pretrained,
        classification.label,
    )


def top_k_explorer(classification, k: int = 5) -> widgets.VBox:
    """Pick a photo from a dropdown: see the network's input and its top-k bars.

    The network ran once, in ``models.classify``; a new photo only redraws. An
    untrained network's figure and caption say UNTRAINED on every update.
    Introduced in 06-pretrained-classification.
    """
    first = photo_top_k(classification, classification.photos[0], k)
    fig, (ax_photo, ax_bars) = plt.subplots(
        1, 2, figsize=(10, 4.2), width_ratios=(1, 1.35)
    )
    plots.show_image(first.picture, "input", ax=ax_photo)
    picture_shown = ax_photo.images[0]
    positions = np.arange(k)
    bars = ax_bars.barh(positions, first.probabilities, color="#006BA4")
    values = [ax_bars.text(0, y, "", va="center", fontsize="small") for y in positions]
    ax_bars.set_yticks(positions, [" " * 24] * k)  # room for the longest names
    ax_bars.invert_yaxis()  # the most probable on top
    ax_bars.set_xlim(0, 1.18)
    ax_bars.set_xticks(np.linspace(0, 1, 6))
    ax_bars.set_xlabel("probability (softmax of the logits)")
    ax_bars.set_ylabel(f"top {k} of {len(classification.categories)} categories")
    warning = not classification.pretrained
    fig.suptitle(
        classification.label,
        color=UNTRAINED_COLOUR if warning else "black",
        fontweight="bold" if warning else "normal",
    )
    # What a new photo changes is drawn over a saved background ("blitting"); the
    # frames go back on top of the image and the bars.
    changing = [
        picture_shown,
        ax_photo.title,
        *bars,
        *values,
        ax_bars.yaxis,
        ax_bars.title,
        *ax_photo.spines.values(),
        *ax_bars.spines.values(),
    ]
    render = blitting_renderer(fig, changing)

    picture = widgets.Image(format="png")
    caption = widgets.HTML()
    chooser = widgets.Dropdown(
        options=list(classification.photos),
        value=classification.photos[0],
        description="photo",
    )

    def draw(photo: str) -> None:
        state = photo_top_k(classification, photo, k)
        picture_shown.set_data(state.picture)
        height, width = state.picture.shape[:2]
        ax_photo.set_title(f"{photo}: the {height}×{width} input")
        for bar, text, p in zip(bars, values, state.probabilities):
            bar.set_width(p)
            text.set_x(p + 0.01)
            text.set_text(f"{p:.1%}")
        ax_bars.set_yticks(positions, state.labels)
        ax_bars.set_title(
            f"top {k} for {photo}" + ("" if state.pretrained else ": UNTRAINED")
        )
        picture.value = render()
        listed = ", ".join(
            f"{name} {p:.1%}" for name, p in zip(state.labels, state.probabilities)
        )
        if state.pretrained:
            caption.value = f"{state.label}. Top {k} for the {photo}: {listed}."
        else:
            caption.value = (
                f"<b>{state.label}.</b> These bars come from a network with random "
                f"weights, so they say nothing about the {photo} ({listed}). Run "
                f"<code>make weights</code> on a connected machine, then run the "
                f"lesson again to see real predictions."
            )

    chooser.observe(lambda change: draw(change["new"]), names="value")
    draw(classification.photos[0])
    return widgets.VBox([chooser, picture, caption])


# ------------------------- 08-what-networks-learn


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
) -> widgets.VBox:
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

    picture = widgets.Image(format="png")
    caption = widgets.HTML()
    style = {"description_width": "initial"}
    layer_choice = widgets.Dropdown(
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
    channel = widgets.IntSlider(
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
    return widgets.VBox([widgets.HBox([channel, layer_choice]), picture, caption])


# ------------------------- 07-transfer-learning

AUGMENTATIONS = (
    "random resized crop",
    "horizontal flip",
    "colour jitter",
    "rotation",
    "all four (a training pipeline)",
)


@dataclass(frozen=True)
class AugmentedGrid:
    """Several random versions of one photo under one augmentation.

    Introduced in 07-transfer-learning.
    """

    photo: str  # the photo's name
    augmentation: str  # one of AUGMENTATIONS
    strength: float  # from 0 (the photo unchanged) to 1 (the strongest setting)
    pipeline: str  # the torchvision transform, as it prints
    versions: np.ndarray  # (count, H, W, 3) the augmented photos, in [0, 1]


def augmentation(name: str, strength: float, size: int):
    """The torchvision transform ``name`` at ``strength`` in [0, 1], output size.

    0 leaves a photo unchanged; 1 is: crops down to 10% of the area, a flip every
    time, brightness, contrast and saturation jittered by up to 80%, rotations of up
    to 45 degrees. Introduced in 07-transfer-learning.
    """
    from torchvision.transforms import v2  # slow to import: only when asked for

    if name not in AUGMENTATIONS:
        raise ValueError(f"augmentation must be one of {AUGMENTATIONS}, got {name!r}.")
    if isinstance(strength, bool) or not isinstance(strength, (int, float)):
        raise ValueError(f"strength must be a number from 0 to 1, got {strength!r}.")
    if not 0 <= strength <= 1:
        raise ValueError(f"strength must be from 0 to 1, got {strength!r}.")
    jitter = 0.8 * strength
    steps = {
        "random resized crop": v2.RandomResizedCrop(
            size, scale=(1 - 0.9 * strength, 1.0), antialias=True
        ),
        "horizontal flip": v2.RandomHorizontalFlip(p=strength),
        "colour jitter": v2.ColorJitter(jitter, jitter, jitter),
        "rotation": v2.RandomRotation(45 * strength),
    }
    if name in steps:
        return steps[name]
    return v2.Compose(list(steps.values()))


def augmented_versions(
    photos: dict, photo: str, name: str, strength: float, count: int = 8, seed=0
) -> AugmentedGrid:
    """``count`` augmented versions of ``photos[photo]``, the same for a seed.

    ``photos`` maps names to square (H, W, 3) photos in [0, 1]. Every version
    draws new random parameters, as every epoch of training does.
    Introduced in 07-transfer-learning.
    """
    photos = _photo_dict(photos)
    if photo not in photos:
        raise ValueError(f"no photo {photo!r}; choose one of: {', '.join(photos)}.")
    image = photos[photo]
    if image.ndim != 3 or image.shape[0] != image.shape[1]:
        raise ValueError(
            f"photo {photo!r} must be a square (H, W, 3) colour photo, got shape "
            f"{image.shape}; crop it first."
        )
    count = _whole_number(count, "count", 1)
    transform = augmentation(name, strength, image.shape[0])
    X = torch.from_numpy(np.ascontiguousarray(image.transpose(2, 0, 1)))  # (3, H, W)
    generator_state = torch.get_rng_state()
    torch.manual_seed(seed)  # torchvision draws from the global generator
    try:
        with one_torch_thread():
            versions = torch.stack([transform(X) for _ in range(count)])
    finally:
        torch.set_rng_state(generator_state)
    return AugmentedGrid(
        photo,
        name,
        float(strength),
        repr(transform),
        versions.clamp(0, 1).permute(0, 2, 3, 1).numpy(),
    )


def augmentation_preview(photos: dict, count: int = 8) -> widgets.VBox:
    """Pick a photo, an augmentation and its strength: see ``count`` versions.

    Introduced in 07-transfer-learning.
    """
    photos = _photo_dict(photos)
    names = list(photos)
    first = augmented_versions(photos, names[0], AUGMENTATIONS[-1], 0.5, count)
    columns = 4
    rows = -(-count // columns)
    fig, axes = plt.subplots(
        rows, columns + 1, figsize=(2.0 * (columns + 1), 2.1 * rows)
    )
    axes = np.atleast_2d(axes)
    for ax in axes[:, 0]:
        ax.axis("off")
    original = axes[0, 0].imshow(photos[names[0]])
    axes[0, 0].set_title("original")
    shown = []
    for i, ax in enumerate(axes[:, 1:].flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if i < count:
            shown.append(ax.imshow(first.versions[i]))
            ax.set_xlabel(f"version {i + 1}", fontsize="small")
        else:
            ax.axis("off")
    title = fig.suptitle(" ")
    render = blitting_renderer(fig, [original, *shown, title])

    picture = widgets.Image(format="png")
    caption = widgets.HTML()
    strength = widgets.FloatSlider(
        value=0.5, min=0.0, max=1.0, step=0.1, description="strength"
    )
    kind = widgets.Dropdown(
        options=list(AUGMENTATIONS), value=AUGMENTATIONS[-1], description="augment"
    )
    chooser = widgets.Dropdown(options=names, value=names[0], description="photo")

    def draw(_=None) -> None:
        state = augmented_versions(
            photos, chooser.value, kind.value, strength.value, count
        )
        original.set_data(photos[state.photo])
        for artist, version in zip(shown, state.versions):
            artist.set_data(version)
        title.set_text(
            f"{state.photo}: {state.augmentation}, strength {state.strength:.1f}"
        )
        picture.value = render()
        caption.value = (
            f"{count} random versions of the {state.photo}, each with new random "
            f"parameters, as each epoch of training sees it. The transform: "
            f"<code>{state.pipeline}</code>."
        )

    for control in (strength, kind, chooser):
        control.observe(draw, names="value")
    draw()
    return widgets.VBox([widgets.HBox([strength, kind, chooser]), picture, caption])
