"""05-stride-padding-pooling: where the windows of a convolution fall, with stride
and padding (``stride_padding``).
"""

from dataclasses import dataclass

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.patches import Rectangle

from helpers._validation import as_whole_number
from helpers.widgets.render import freeze, render_png

__all__ = ["WindowPositions", "window_positions", "stride_padding"]

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
    size = as_whole_number(size, "size", 1)
    kernel = as_whole_number(kernel, "kernel", 1)
    stride = as_whole_number(stride, "stride", 1)
    padding = as_whole_number(padding, "padding", 0)
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


def stride_padding(size=7, kernel=3, stride=1, padding=0) -> ipywidgets.VBox:
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

    picture = ipywidgets.Image(format="png")
    caption = ipywidgets.HTML()
    labels = {
        "size": "input W",
        "kernel": "kernel k",
        "stride": "stride S",
        "padding": "padding P",
    }
    sliders = {
        name: ipywidgets.IntSlider(
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
        ipywidgets.HBox([sliders["size"], sliders["kernel"]]),
        ipywidgets.HBox([sliders["stride"], sliders["padding"]]),
    ]
    return ipywidgets.VBox([*rows, picture, caption])


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
