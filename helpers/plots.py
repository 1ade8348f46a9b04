"""Drawing for lessons: images, kernels with their numbers, feature maps, grids.

Every function draws into ``ax`` when given one (so panels compose into a grid)
or into a new figure, gives the panel a title and labelled axes, and returns the
axes. Colour maps are colour-blind safe: cividis for images and the diverging
RdBu (blue negative, red positive, white zero) for kernels and feature maps.
Introduced in 01-convolution-by-hand.
"""

import math

import matplotlib.pyplot as plt
import numpy as np

from helpers._validation import as_array, is_real, is_whole

__all__ = [
    "DIVERGING",
    "show_image",
    "show_filters",
    "show_kernel",
    "show_values",
    "show_feature_map",
    "show_grid",
    "write_numbers",
    "update_numbers",
    "format_number",
]

DIVERGING = "RdBu_r"
PANEL_KINDS = ("image", "kernel", "feature_map")


def show_image(image, title: str, *, ax=None, numbers: bool = False):
    """Draw an (H, W) grayscale or (H, W, 3) colour image with values in [0, 1].

    ``numbers=True`` writes each pixel's value in its cell (for small images).
    """
    image = as_array(image, "image", ndims=(2, 3), floating=True)
    if image.ndim == 3 and image.shape[2] != 3:
        raise ValueError(
            f"a colour image needs 3 channels last (H, W, 3), got shape {image.shape}."
        )
    ax = _axes(ax, title)
    shown = ax.imshow(np.clip(image, 0, 1), cmap="gray", vmin=0, vmax=1)
    _label(ax, title)
    if numbers:
        write_numbers(ax, shown, image if image.ndim == 2 else image.mean(axis=2))
    return ax


def show_kernel(kernel, title: str, *, ax=None, decimals: int = 2):
    """Draw a 2-D kernel as coloured cells with its numbers written in them."""
    return show_values(as_array(kernel, "kernel"), title, ax=ax, decimals=decimals)


def show_values(values, title: str, *, ax=None, decimals: int = 2, bound=None):
    """Draw a small 2-D array as coloured cells with its numbers written in them.

    NaN cells stay blank (an output map being filled in, say). The colour scale
    runs from -``bound`` to ``bound``: by default the largest absolute value.
    """
    values = as_array(values, "values", allow_nan=True)
    if not is_whole(decimals) or decimals < 0:
        raise ValueError(
            f"decimals must be a non-negative int, got {decimals!r}; try decimals=2."
        )
    if bound is None:
        bound = float(np.nanmax(np.abs(values))) if not np.isnan(values).all() else 0
    elif not is_real(bound) or bound < 0:
        raise ValueError(f"bound must be a non-negative number, got {bound!r}.")
    ax = _axes(ax, title)
    bound = bound or 1.0  # an all-zero array still needs a colour scale
    cmap = plt.get_cmap(DIVERGING).with_extremes(bad="0.85")  # NaN: light grey
    shown = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=-bound, vmax=bound)
    _label(ax, title)
    write_numbers(ax, shown, values, decimals=decimals)
    return ax


def show_feature_map(feature_map, title: str, *, ax=None, colorbar: bool = True):
    """Draw a 2-D feature map with a diverging colour map centred on zero."""
    feature_map = as_array(feature_map, "feature_map")
    ax = _axes(ax, title)
    shown = ax.imshow(feature_map, cmap=DIVERGING, **_symmetric_limits(feature_map))
    _label(ax, title)
    if colorbar:
        ax.figure.colorbar(shown, ax=ax, shrink=0.8, label="response")
    return ax


def show_grid(
    arrays,
    titles,
    *,
    kinds="image",
    ncols: int | None = None,
    suptitle: str | None = None,
):
    """Draw arrays side by side, one titled panel each; return the figure.

    ``kinds`` is one of "image", "kernel", "feature_map", or a list with one
    kind per panel.
    """
    if titles is None or isinstance(titles, str):
        raise ValueError(
            f"show_grid needs a list of titles, one per array, got {titles!r}."
        )
    arrays, titles = list(arrays), list(titles)
    if not arrays or len(arrays) != len(titles):
        raise ValueError(
            f"show_grid needs one title per array, got {len(arrays)} arrays "
            f"and {len(titles)} titles."
        )
    kinds = [kinds] * len(arrays) if isinstance(kinds, str) else list(kinds)
    if len(kinds) != len(arrays) or any(kind not in PANEL_KINDS for kind in kinds):
        raise ValueError(
            f"kinds must be one of {PANEL_KINDS} or a list of them, one per array; "
            f"got {kinds!r}."
        )
    ncols = len(arrays) if ncols is None else ncols
    if not is_whole(ncols) or ncols < 1:
        raise ValueError(f"ncols must be a positive int, got {ncols!r}.")
    nrows = math.ceil(len(arrays) / ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(3.2 * ncols, 3.2 * nrows), squeeze=False
    )
    draw = {"image": show_image, "kernel": show_kernel, "feature_map": show_feature_map}
    for ax, array, title, kind in zip(axes.flat, arrays, titles, kinds):
        draw[kind](array, title, ax=ax)
    for ax in axes.flat[len(arrays) :]:
        ax.set_visible(False)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def write_numbers(ax, shown, values: np.ndarray, *, decimals: int = 2) -> list:
    """Write each value in its cell, in black or white for contrast; return the texts.

    The widgets update these texts in place (``set_text``) as a slider moves.
    """
    texts = []
    for row, col in np.ndindex(values.shape):
        texts.append(ax.text(col, row, "", ha="center", va="center", fontsize="small"))
    update_numbers(texts, shown, values, decimals=decimals)
    return texts


def update_numbers(
    texts: list, shown, values: np.ndarray, *, decimals: int = 2
) -> None:
    """Rewrite the texts made by :func:`write_numbers`; NaN cells stay blank."""
    for text, value in zip(texts, values.flat):
        if np.isnan(value):
            text.set_text("")
            continue
        red, green, blue, _ = shown.cmap(shown.norm(value))
        text.set_color(
            "white" if 0.299 * red + 0.587 * green + 0.114 * blue < 0.5 else "black"
        )
        text.set_text(format_number(value, decimals))


def format_number(value: float, decimals: int = 2) -> str:
    """Round for display and drop trailing zeros: 0.50 -> "0.5", -0.00 -> "0"."""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _symmetric_limits(values: np.ndarray) -> dict:
    bound = float(np.nanmax(np.abs(values))) or 1.0
    return {"vmin": -bound, "vmax": bound}


def _axes(ax, title: str):
    """The axes to draw in (a new figure when None), once the title is known valid."""
    if not isinstance(title, str) or not title:
        raise ValueError(f"every panel needs a title (a non-empty str), got {title!r}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    return ax


def _label(ax, title: str) -> None:
    ax.set_title(title)
    ax.set_xlabel("column j")
    ax.set_ylabel("row i")
    ax.locator_params(integer=True)  # ticks on whole pixels only


# ------------------------- 08-what-networks-learn


def show_filters(weight, title: str, *, ax=None, ncols: int = 8):
    """Draw a convolution's filters, (C_out, C_in, K, K), as one grid of tiles.

    Filter i is tile i, row by row. Each filter is stretched on its own to the
    full range (its smallest value black, its largest white: torchvision's
    ``make_grid(normalize=True, scale_each=True)``), so a filter with small
    weights is as visible as one with large weights. Three input channels are shown
    as colour, one as grey; other channel counts are averaged to grey.
    Introduced in 08-what-networks-learn.
    """
    # Imported here: the other lessons draw without torch.
    import torch
    from torchvision.utils import make_grid

    weight = as_array(weight, "weight", ndims=(4,))
    if not is_whole(ncols) or ncols < 1:
        raise ValueError(f"ncols must be a positive int, got {ncols!r}.")
    tiles = torch.from_numpy(weight).float()  # (C_out, C_in, K, K)
    if tiles.shape[1] not in (1, 3):
        tiles = tiles.mean(dim=1, keepdim=True)
    grid = make_grid(
        tiles, nrow=ncols, padding=1, normalize=True, scale_each=True, pad_value=1.0
    )  # (3, rows, cols): grey tiles are repeated to three channels
    ax = _axes(ax, title)
    ax.imshow(grid.permute(1, 2, 0).numpy(), vmin=0, vmax=1)
    num, size = tiles.shape[0], tiles.shape[-1]
    step = size + 1  # a tile and the one-pixel gap after it
    columns = min(ncols, num)
    ax.set_xticks(
        [1 + step * c + (size - 1) / 2 for c in range(columns)], range(columns)
    )
    rows = -(-num // ncols)
    ax.set_yticks(
        [1 + step * r + (size - 1) / 2 for r in range(rows)],
        [ncols * r for r in range(rows)],
    )
    ax.tick_params(length=0, labelsize="x-small")
    ax.set_title(title)
    ax.set_xlabel(f"column c: filter = row start + c (tiles of {size}×{size})")
    ax.set_ylabel("row start")
    return ax
