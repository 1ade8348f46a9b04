"""Unit tests for helpers.plots: titled, labelled panels with their numbers."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from helpers import plots
from helpers.plots import (
    DIVERGING,
    show_feature_map,
    show_grid,
    show_image,
    show_kernel,
)

IMAGE = np.array([[0.0, 0.25, 0.5], [0.75, 1.0, 0.5]], dtype=np.float32)  # (2, 3)
KERNEL = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])  # Sobel, ints


def texts_of(ax):
    return [text.get_text() for text in ax.texts]


def visible_panels(fig):
    """Axes that hold an image, i.e. panels rather than colour bars."""
    return [ax for ax in fig.axes if ax.get_visible() and ax.images]


# show_image


def test_show_image_draws_a_titled_labelled_image():
    """Does show_image draw the image in gray from 0 to 1, titled, with axis labels?"""
    ax = show_image(IMAGE, "a small image")
    assert ax.get_title() == "a small image"
    assert ax.get_xlabel() == "column j"
    assert ax.get_ylabel() == "row i"
    (shown,) = ax.images
    np.testing.assert_array_equal(shown.get_array(), IMAGE)
    assert shown.get_clim() == (0, 1)
    assert shown.get_cmap().name == "gray"
    assert len(ax.texts) == 0


def test_show_image_draws_into_the_given_axes():
    """Does show_image draw into the axes it is given instead of opening a figure?"""
    fig, ax = plt.subplots()
    assert show_image(IMAGE, "here", ax=ax) is ax
    assert plt.get_fignums() == [fig.number]


def test_show_image_opens_a_figure_without_axes():
    """Does show_image open one new figure when no axes are given?"""
    assert plt.get_fignums() == []
    ax = show_image(IMAGE, "new")
    assert plt.get_fignums() == [ax.figure.number]


def test_show_image_writes_each_pixel_value():
    """Does numbers=True write every pixel's value in its cell, row by row?"""
    ax = show_image(IMAGE, "numbers", numbers=True)
    assert texts_of(ax) == ["0", "0.25", "0.5", "0.75", "1", "0.5"]
    positions = [text.get_position() for text in ax.texts]
    assert positions == [(0, 0), (1, 0), (2, 0), (0, 1), (1, 1), (2, 1)]  # (x=j, y=i)


def test_show_image_numbers_contrast_with_the_cell():
    """Are numbers white on dark pixels and black on light ones?"""
    ax = show_image(IMAGE, "contrast", numbers=True)
    assert ax.texts[0].get_color() == "white"  # value 0: black cell
    assert ax.texts[4].get_color() == "black"  # value 1: white cell


def test_show_image_colour_and_its_numbers():
    """Does a colour image draw as RGB, with each cell's channel mean as its number?"""
    image = np.zeros((2, 2, 3), dtype=np.float32)
    image[0, 0] = [0.3, 0.6, 0.9]
    ax = show_image(image, "colour", numbers=True)
    np.testing.assert_array_equal(ax.images[0].get_array(), image)
    assert texts_of(ax) == ["0.6", "0", "0", "0"]


def test_show_image_accepts_a_tensor_and_clips_for_display():
    """Does show_image accept a tensor and clip values outside [0, 1] for display?"""
    ax = show_image(torch.tensor([[-0.5, 0.5], [1.5, 1.0]]), "tensor")
    np.testing.assert_array_equal(ax.images[0].get_array(), [[0.0, 0.5], [1.0, 1.0]])


def test_show_image_rejects_uint8_with_the_fix():
    """Does show_image reject a uint8 image, saying images are floats in [0, 1]?"""
    with pytest.raises(
        ValueError,
        match=r"image has dtype uint8, but images here are floats in \[0, 1\].*/ 255",
    ):
        show_image((IMAGE * 255).astype(np.uint8), "uint8")


@pytest.mark.parametrize("dtype", [bool, np.complex128])
def test_show_image_rejects_bool_and_complex(dtype):
    """Does show_image reject a bool or complex array, naming its dtype?"""
    with pytest.raises(
        ValueError, match=rf"image must hold real numbers, got dtype {np.dtype(dtype)}"
    ):
        show_image(np.zeros((2, 2), dtype=dtype), "bad")


def test_show_image_rejects_a_string_and_a_list():
    """Does show_image reject a str or a list, asking for an array?"""
    with pytest.raises(
        ValueError, match=r"image must be a NumPy array or a torch tensor, got str"
    ):
        show_image("camera", "name instead of pixels")
    with pytest.raises(ValueError, match=r"got list; wrap it with np.asarray"):
        show_image([[0.0, 1.0]], "list")


@pytest.mark.parametrize("shape", [(4,), (1, 2, 2, 3)])
def test_show_image_rejects_wrong_dimensions(shape):
    """Does show_image reject a 1-D or 4-D array, asking for 2-D or 3-D?"""
    with pytest.raises(
        ValueError, match=rf"image must be 2-D or 3-D, got {len(shape)}-D"
    ):
        show_image(np.zeros(shape, dtype=np.float32), "bad")


@pytest.mark.parametrize("channels", [1, 4])
def test_show_image_rejects_channels_other_than_three(channels):
    """Does show_image reject (H, W, 1) or (H, W, 4), asking for 3 channels last?"""
    with pytest.raises(
        ValueError, match=r"a colour image needs 3 channels last \(H, W, 3\), got shape"
    ):
        show_image(np.zeros((2, 2, channels), dtype=np.float32), "bad")


def test_show_image_rejects_channels_first():
    """Does show_image reject a (3, H, W) image, pointing at channels last?"""
    with pytest.raises(ValueError, match=r"3 channels last .*got shape \(3, 4, 5\)"):
        show_image(np.zeros((3, 4, 5), dtype=np.float32), "channels first")


def test_show_image_rejects_nan():
    """Does show_image reject an image holding NaN?"""
    with pytest.raises(ValueError, match=r"image holds NaN or infinite values"):
        show_image(np.array([[np.nan, 0.0]]), "nan")


@pytest.mark.parametrize("title", [None, "", 3])
def test_show_image_rejects_an_untitled_panel(title):
    """Does show_image reject a missing, empty or non-str title?"""
    with pytest.raises(
        ValueError, match=r"every panel needs a title \(a non-empty str\), got"
    ):
        show_image(IMAGE, title)


# show_kernel


def test_show_kernel_writes_its_numbers_in_the_cells():
    """Does show_kernel write each number in its cell, row by row, with a title?"""
    ax = show_kernel(KERNEL, "Sobel x")
    assert texts_of(ax) == ["1", "0", "-1", "2", "0", "-2", "1", "0", "-1"]
    assert ax.texts[5].get_position() == (2, 1)
    assert ax.get_title() == "Sobel x"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("column j", "row i")


def test_show_kernel_uses_a_diverging_map_centred_on_zero():
    """Is the kernel drawn with RdBu_r from -max|k| to +max|k|, so zero is white?"""
    ax = show_kernel(KERNEL, "Sobel x")
    (shown,) = ax.images
    assert shown.get_cmap().name == DIVERGING
    assert shown.get_clim() == (-2.0, 2.0)
    np.testing.assert_array_equal(shown.get_array(), KERNEL)


def test_show_kernel_numbers_contrast_with_the_cell():
    """Are numbers white on the strongest cells and black on zero (white) cells?"""
    ax = show_kernel(KERNEL, "Sobel x")
    colours = [text.get_color() for text in ax.texts]
    assert (
        colours[3] == "white" and colours[5] == "white"
    )  # +2 and -2: dark red, dark blue
    assert colours[1] == "black"  # 0: white


def test_show_kernel_rounds_to_decimals():
    """Does decimals set the rounding, dropping trailing zeros?"""
    box = np.full((3, 3), 1 / 9)
    assert set(texts_of(show_kernel(box, "box blur"))) == {"0.11"}
    assert set(texts_of(show_kernel(box, "box blur", decimals=4))) == {"0.1111"}
    assert set(texts_of(show_kernel(box, "box blur", decimals=0))) == {"0"}


def test_show_kernel_of_zeros_still_draws():
    """Does an all-zero kernel draw with limits (-1, 1) instead of failing on (0, 0)?"""
    ax = show_kernel(np.zeros((2, 2)), "zeros")
    assert ax.images[0].get_clim() == (-1.0, 1.0)
    assert texts_of(ax) == ["0"] * 4


@pytest.mark.parametrize(
    "kernel, message",
    [
        (np.ones(3), r"kernel must be 2-D, got 1-D with shape \(3,\)"),
        (np.ones((1, 3, 3)), r"kernel must be 2-D, got 3-D"),
        (np.ones((2, 2), dtype=bool), r"kernel must hold real numbers, got dtype bool"),
        (
            np.ones((2, 2), dtype=complex),
            r"kernel must hold real numbers, got dtype complex128",
        ),
        ("sobel", r"kernel must be a NumPy array or a torch tensor, got str"),
        (np.zeros((0, 3)), r"kernel is empty"),
    ],
)
def test_show_kernel_rejects_bad_kernels(kernel, message):
    """Does show_kernel reject a kernel of the wrong dimensions, dtype or type?"""
    with pytest.raises(ValueError, match=message):
        show_kernel(kernel, "bad")


@pytest.mark.parametrize("decimals", [-1, 1.5, "2", True])
def test_show_kernel_rejects_bad_decimals(decimals):
    """Does show_kernel reject decimals that are not a non-negative int?"""
    with pytest.raises(
        ValueError, match=r"decimals must be a non-negative int, got .*; try decimals=2"
    ):
        show_kernel(KERNEL, "bad", decimals=decimals)


def test_show_kernel_rejects_an_untitled_panel():
    """Does show_kernel reject an empty title?"""
    with pytest.raises(ValueError, match=r"every panel needs a title .*got ''"):
        show_kernel(KERNEL, "")


# show_feature_map


def test_show_feature_map_has_a_colour_bar():
    """Does show_feature_map add a colour bar labelled "response" next to the map?"""
    feature_map = np.array([[-3.0, 1.0], [0.5, 2.0]])
    ax = show_feature_map(feature_map, "edges")
    fig = ax.figure
    assert len(fig.axes) == 2
    colorbar = ax.images[0].colorbar
    assert colorbar is not None
    assert colorbar.ax.get_ylabel() == "response"
    assert ax.get_title() == "edges"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("column j", "row i")


def test_show_feature_map_is_centred_on_zero():
    """Is the feature map drawn with RdBu_r from -max|v| to +max|v|?"""
    ax = show_feature_map(np.array([[-3.0, 1.0], [0.5, 2.0]]), "edges")
    (shown,) = ax.images
    assert shown.get_cmap().name == DIVERGING
    assert shown.get_clim() == (-3.0, 3.0)
    np.testing.assert_array_equal(shown.get_array(), [[-3.0, 1.0], [0.5, 2.0]])


def test_show_feature_map_without_colour_bar():
    """Does colorbar=False leave the figure with only the map's axes?"""
    ax = show_feature_map(np.eye(3), "no bar", colorbar=False)
    assert len(ax.figure.axes) == 1
    assert ax.images[0].colorbar is None


def test_show_feature_map_accepts_a_tensor():
    """Does show_feature_map accept a 2-D tensor, e.g. F.conv2d(...)[0, 0]?"""
    out = torch.nn.functional.conv2d(torch.ones(1, 1, 4, 4), -torch.ones(1, 1, 2, 2))
    ax = show_feature_map(out[0, 0], "conv output")
    np.testing.assert_array_equal(ax.images[0].get_array(), np.full((3, 3), -4.0))


def test_show_feature_map_rejects_a_batch():
    """Does show_feature_map reject an (N, C, H, W) output, asking for 2-D?"""
    with pytest.raises(
        ValueError, match=r"feature_map must be 2-D, got 4-D with shape \(1, 1, 3, 3\)"
    ):
        show_feature_map(torch.zeros(1, 1, 3, 3), "batch")


@pytest.mark.parametrize(
    "feature_map, message",
    [
        (np.array([[np.inf, 0.0]]), r"feature_map holds NaN or infinite values"),
        (
            np.ones((2, 2), dtype=np.complex64),
            r"feature_map must hold real numbers, got dtype complex64",
        ),
        (None, r"feature_map must be a NumPy array or a torch tensor, got NoneType"),
    ],
)
def test_show_feature_map_rejects_bad_values(feature_map, message):
    """Does show_feature_map reject infinite, complex or missing values?"""
    with pytest.raises(ValueError, match=message):
        show_feature_map(feature_map, "bad")


def test_show_feature_map_rejects_an_untitled_panel():
    """Does show_feature_map reject a missing title?"""
    with pytest.raises(ValueError, match=r"every panel needs a title .*got None"):
        show_feature_map(np.eye(2), None)


# show_grid


def test_show_grid_lays_out_one_titled_panel_per_array():
    """Does show_grid return a figure with one visible titled panel per array?"""
    arrays = [IMAGE * k / 4 for k in range(5)]
    titles = [f"panel {k}" for k in range(5)]
    fig = show_grid(arrays, titles, ncols=3, suptitle="five panels")
    assert isinstance(fig, Figure)
    panels = visible_panels(fig)
    assert [ax.get_title() for ax in panels] == titles
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 5
    assert len(fig.axes) == 6  # a 2 x 3 grid, the sixth panel hidden
    rows = [ax.get_subplotspec().rowspan.start for ax in panels]
    assert rows == [0, 0, 0, 1, 1]
    assert fig._suptitle.get_text() == "five panels"


def test_show_grid_defaults_to_one_row():
    """Without ncols, are all panels side by side in one row?"""
    fig = show_grid([IMAGE, IMAGE, IMAGE], ["a", "b", "c"])
    assert len(fig.axes) == 3
    assert {ax.get_subplotspec().rowspan.start for ax in fig.axes} == {0}
    assert fig._suptitle is None


def test_show_grid_draws_each_kind():
    """Do kinds draw an image, a kernel with numbers, a map with a colour bar?"""
    fig = show_grid(
        [IMAGE, KERNEL, np.array([[-1.0, 2.0]])],
        ["image", "kernel", "response"],
        kinds=["image", "kernel", "feature_map"],
    )
    image_ax, kernel_ax, map_ax = visible_panels(fig)[:3]
    assert image_ax.images[0].get_cmap().name == "gray" and len(image_ax.texts) == 0
    assert texts_of(kernel_ax) == ["1", "0", "-1", "2", "0", "-2", "1", "0", "-1"]
    assert map_ax.images[0].colorbar is not None
    assert len(fig.axes) == 4  # three panels and one colour bar


def test_show_grid_one_kind_for_all():
    """Does kinds="kernel" draw every panel as a kernel?"""
    fig = show_grid([KERNEL, KERNEL.T], ["x", "y"], kinds="kernel")
    assert all(len(ax.texts) == 9 for ax in fig.axes)


def test_show_grid_accepts_tuples_and_generators():
    """Does show_grid accept any iterables of arrays and titles?"""
    fig = show_grid((a for a in [IMAGE, IMAGE]), ("a", "b"))
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]


@pytest.mark.parametrize(
    "arrays, titles, message",
    [
        (
            [IMAGE, IMAGE],
            ["only one"],
            r"one title per array, got 2 arrays and 1 titles",
        ),
        ([IMAGE], ["a", "b"], r"one title per array, got 1 arrays and 2 titles"),
        ([], [], r"one title per array, got 0 arrays and 0 titles"),
        ([IMAGE], None, r"show_grid needs a list of titles, one per array, got None"),
        (
            [IMAGE, IMAGE],
            "ab",
            r"show_grid needs a list of titles, one per array, got 'ab'",
        ),
    ],
)
def test_show_grid_rejects_missing_titles(arrays, titles, message):
    """Does show_grid reject titles that are missing, too few, too many or one str?"""
    with pytest.raises(ValueError, match=message):
        show_grid(arrays, titles)


def test_show_grid_rejects_an_untitled_panel():
    """Does show_grid reject an empty title among the others?"""
    with pytest.raises(
        ValueError, match=r"every panel needs a title \(a non-empty str\), got ''"
    ):
        show_grid([IMAGE, IMAGE], ["a", ""])


@pytest.mark.parametrize("kinds", ["photo", ["image"], ["image", "histogram"]])
def test_show_grid_rejects_unknown_kinds(kinds):
    """Does show_grid reject an unknown kind or too few kinds, listing the kinds?"""
    with pytest.raises(
        ValueError, match=r"kinds must be one of \('image', 'kernel', 'feature_map'\)"
    ):
        show_grid([IMAGE, IMAGE], ["a", "b"], kinds=kinds)


@pytest.mark.parametrize("ncols", [0, -1, 1.5, "2", True])
def test_show_grid_rejects_a_bad_ncols(ncols):
    """Does show_grid reject ncols that is not a positive int?"""
    with pytest.raises(ValueError, match=r"ncols must be a positive int, got"):
        show_grid([IMAGE, IMAGE], ["a", "b"], ncols=ncols)


def test_show_grid_rejects_a_bad_panel_array():
    """Does a uint8 array in a grid raise the same message as show_image?"""
    with pytest.raises(
        ValueError, match=r"image has dtype uint8, but images here are floats"
    ):
        show_grid([IMAGE, np.zeros((2, 2), dtype=np.uint8)], ["ok", "uint8"])


# the number helpers the widgets share


@pytest.mark.parametrize(
    "value, decimals, text",
    [
        (0.5, 2, "0.5"),
        (0.25, 2, "0.25"),
        (1.0, 2, "1"),
        (-0.001, 2, "0"),
        (-0.0, 2, "0"),
        (100.0, 2, "100"),
        (-1.256, 2, "-1.26"),
        (1 / 3, 4, "0.3333"),
        (12.0, 0, "12"),
        (10.0, 0, "10"),
    ],
)
def test_format_number(value, decimals, text):
    """Does format_number round, drop trailing zeros and never print "-0"?"""
    assert plots.format_number(value, decimals) == text


def test_update_numbers_leaves_nan_cells_blank():
    """Does update_numbers blank NaN cells and rewrite the others in place?"""
    _, ax = plt.subplots()
    values = np.array([[1.0, np.nan]])
    shown = ax.imshow(values, cmap=DIVERGING, vmin=-1, vmax=1)
    texts = plots.write_numbers(ax, shown, values)
    assert [t.get_text() for t in texts] == ["1", ""]
    plots.update_numbers(texts, shown, np.array([[np.nan, -0.5]]))
    assert [t.get_text() for t in texts] == ["", "-0.5"]
    assert len(ax.texts) == 2


def test_show_values_leaves_nan_cells_blank_and_grey():
    """Does show_values write numbers only where there are values, grey elsewhere?"""
    values = np.array([[1.0, -2.0], [np.nan, np.nan]])
    ax = plots.show_values(values, "output so far")
    assert [text.get_text() for text in ax.texts] == ["1", "-2", "", ""]
    shown = ax.images[0]
    assert shown.get_array().mask.tolist() == [[False, False], [True, True]]
    assert shown.cmap.get_bad()[:3] == pytest.approx((0.85, 0.85, 0.85))


def test_show_values_keeps_a_fixed_colour_scale():
    """Does bound fix the colour scale, so a colour means one value at every step?"""
    ax = plots.show_values(np.array([[0.5, -0.25]]), "products", bound=4)
    assert ax.images[0].get_clim() == (-4, 4)


@pytest.mark.parametrize("bound", [-1, "4", True])
def test_show_values_rejects_a_bad_bound(bound):
    """Does show_values reject a bound that is not a non-negative number?"""
    with pytest.raises(ValueError, match="bound must be a non-negative number"):
        plots.show_values(np.ones((2, 2)), "values", bound=bound)


def test_show_values_rejects_infinity():
    """Does show_values accept NaN (blank) but reject infinite values?"""
    with pytest.raises(ValueError, match="NaN or infinite"):
        plots.show_values(np.array([[np.inf, 1.0]]), "values")
