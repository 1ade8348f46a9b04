"""Unit tests for helpers.widgets: the sliding window, as a function and a widget."""

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from helpers.widgets import WindowStep, sliding_window, sliding_window_step
from helpers.widgets.render import render_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# A non-square image, kernel and output, so that swapped rows and columns show up.
IMAGE = np.random.default_rng(0).random((4, 6)).astype(np.float32)  # (H, W) = (4, 6)
KERNEL = np.array([[1.0, 0.0, -1.0], [2.0, 0.5, -2.0]])  # (KH, KW) = (2, 3)
OH, OW = 4 - 2 + 1, 6 - 3 + 1  # output (3, 4), 12 window positions


def reference(image, kernel):
    """Valid cross-correlation computed here with PyTorch, (OH, OW)."""
    x = torch.tensor(np.asarray(image), dtype=torch.float64)[None, None]  # (1, 1, H, W)
    w = torch.tensor(np.asarray(kernel), dtype=torch.float64)[
        None, None
    ]  # (1, 1, KH, KW)
    return F.conv2d(x, w)[0, 0].numpy()


def widget_parts(box):
    (controls, picture, caption) = box.children
    play, slider = controls.children
    return play, slider, picture, caption


# sliding_window_step


def test_step_zero_is_the_top_left_window():
    """Is step 0 the window at row 0, column 0, with only output[0, 0] filled in?"""
    state = sliding_window_step(IMAGE, KERNEL, 0)
    assert isinstance(state, WindowStep)
    assert (state.row, state.col) == (0, 0)
    np.testing.assert_array_equal(state.window, IMAGE[0:2, 0:3])
    expected = reference(IMAGE, KERNEL)
    assert state.output[0, 0] == pytest.approx(expected[0, 0])
    assert np.isnan(state.output).sum() == expected.size - 1


def test_counts_every_window_position():
    """Is num_steps OH * OW = (H - KH + 1) * (W - KW + 1)?"""
    state = sliding_window_step(IMAGE, KERNEL, 0)
    assert state.num_steps == OH * OW == 12
    assert state.output.shape == (OH, OW)


def test_visits_positions_row_by_row():
    """Does the window move along a row, then down to the next row's first column?"""
    num_steps = sliding_window_step(IMAGE, KERNEL, 0).num_steps
    visited = [
        (s.row, s.col)
        for s in (sliding_window_step(IMAGE, KERNEL, k) for k in range(num_steps))
    ]
    assert visited == [(i, j) for i in range(OH) for j in range(OW)]


@pytest.mark.parametrize("step", range(OH * OW))
def test_each_step_matches_conv2d(step):
    """Are visited cells F.conv2d's values, the rest NaN, products window * kernel?"""
    state = sliding_window_step(IMAGE, KERNEL, step)
    expected = reference(IMAGE, KERNEL)
    visited = np.arange(expected.size).reshape(expected.shape) <= step
    np.testing.assert_allclose(state.output[visited], expected[visited], rtol=1e-12)
    assert np.isnan(state.output[~visited]).all()
    i, j = divmod(step, OW)
    np.testing.assert_array_equal(state.window, IMAGE[i : i + 2, j : j + 3])
    np.testing.assert_allclose(state.products, IMAGE[i : i + 2, j : j + 3] * KERNEL)
    assert state.products.sum() == pytest.approx(expected[i, j])
    assert state.output[i, j] == pytest.approx(state.products.sum())


def test_last_step_fills_the_whole_output():
    """Does the last step leave no NaN, the output equal to F.conv2d?"""
    state = sliding_window_step(IMAGE, KERNEL, OH * OW - 1)
    assert (state.row, state.col) == (OH - 1, OW - 1)
    np.testing.assert_allclose(state.output, reference(IMAGE, KERNEL), rtol=1e-12)


def test_is_a_cross_correlation_not_a_flipped_convolution():
    """Is the kernel applied unflipped, as in PyTorch (unlike textbook convolution)?"""
    image = np.zeros((3, 3), dtype=np.float32)
    image[0, 0] = 1.0
    kernel = np.array([[1.0, 2.0], [3.0, 4.0]])
    state = sliding_window_step(image, kernel, 0)
    assert state.output[0, 0] == 1.0  # image[0, 0] * kernel[0, 0], not kernel[1, 1]


def test_kernel_the_size_of_the_image():
    """Does a kernel as large as the image give exactly one step?"""
    state = sliding_window_step(IMAGE, np.ones((4, 6)), 0)
    assert state.num_steps == 1
    assert state.output[0, 0] == pytest.approx(IMAGE.sum())


def test_accepts_tensors_and_numpy_int_steps():
    """Does it accept torch tensors for the image and kernel and a NumPy int step?"""
    state = sliding_window_step(torch.tensor(IMAGE), torch.tensor(KERNEL), np.int64(5))
    assert (state.row, state.col) == (1, 1)
    assert state.output[1, 1] == pytest.approx(reference(IMAGE, KERNEL)[1, 1])


def test_does_not_change_its_inputs():
    """Are the image and kernel left unchanged?"""
    image, kernel = IMAGE.copy(), KERNEL.copy()
    sliding_window_step(image, kernel, 5)
    np.testing.assert_array_equal(image, IMAGE)
    np.testing.assert_array_equal(kernel, KERNEL)


@pytest.mark.parametrize("step", [-1, 12, 100])
def test_rejects_a_step_out_of_range(step):
    """Does it reject a step outside 0 .. num_steps - 1, giving the range?"""
    with pytest.raises(
        ValueError,
        match=rf"step must be an int from 0 to 11 \(one per window position\), "
        rf"got {step}",
    ):
        sliding_window_step(IMAGE, KERNEL, step)


@pytest.mark.parametrize("step", [1.0, "1", None, True])
def test_rejects_a_step_that_is_not_an_int(step):
    """Does it reject a float, str, None or bool step?"""
    with pytest.raises(ValueError, match=r"step must be an int from 0 to 11"):
        sliding_window_step(IMAGE, KERNEL, step)


@pytest.mark.parametrize(
    "kernel, message",
    [
        (
            np.ones((5, 1)),
            r"the kernel \(5, 1\) is larger than the image \(4, 6\)"
            r".*use a smaller kernel",
        ),
        (np.ones((1, 7)), r"the kernel \(1, 7\) is larger than the image \(4, 6\)"),
        (np.ones(3), r"kernel must be 2-D, got 1-D"),
        (np.ones((1, 2, 2)), r"kernel must be 2-D, got 3-D"),
        (np.ones((2, 2), dtype=bool), r"kernel must hold real numbers, got dtype bool"),
        (
            [[1, 0], [0, -1]],
            r"kernel must be a NumPy array or a torch tensor, got list",
        ),
    ],
)
def test_rejects_bad_kernels(kernel, message):
    """Does it reject a kernel larger than the image, not 2-D, bool or a list?"""
    with pytest.raises(ValueError, match=message):
        sliding_window_step(IMAGE, kernel, 0)


@pytest.mark.parametrize(
    "image, message",
    [
        (
            (IMAGE * 255).astype(np.uint8),
            r"image has dtype uint8, but images here are floats in \[0, 1\]",
        ),
        (
            np.zeros((4, 6), dtype=np.complex64),
            r"image must hold real numbers, got dtype complex64",
        ),
        (
            np.zeros((4, 6, 3), dtype=np.float32),
            r"image must be 2-D, got 3-D with shape \(4, 6, 3\)",
        ),
        ("camera", r"image must be a NumPy array or a torch tensor, got str"),
        (np.full((4, 6), np.nan), r"image holds NaN or infinite values"),
    ],
)
def test_rejects_bad_images(image, message):
    """Does it reject a uint8, complex, colour, str or NaN image, saying why?"""
    with pytest.raises(ValueError, match=message):
        sliding_window_step(image, KERNEL, 0)


# sliding_window, the widget


def test_widget_has_play_slider_picture_and_caption():
    """Does sliding_window give a VBox: play button, step slider, PNG and caption?"""
    box = sliding_window(IMAGE, KERNEL)
    assert isinstance(box, ipywidgets.VBox)
    play, slider, picture, caption = widget_parts(box)
    assert isinstance(play, ipywidgets.Play) and isinstance(
        slider, ipywidgets.IntSlider
    )
    assert (slider.min, slider.max, slider.value) == (0, 11, 0)
    assert (play.min, play.max) == (0, 11)
    assert isinstance(picture, ipywidgets.Image) and picture.format == "png"
    assert bytes(picture.value).startswith(PNG_SIGNATURE)
    assert caption.value.startswith(
        "Step 1 of 12: the window's top-left corner is at row 0, column 0"
    )


def test_widget_leaves_no_figure_open():
    """Is the widget's figure closed, so the inline backend does not draw it again?"""
    sliding_window(IMAGE, KERNEL)
    assert plt.get_fignums() == []


def test_moving_the_slider_redraws():
    """Does moving the slider change the PNG and the caption to the new step's value?"""
    _, slider, picture, caption = widget_parts(sliding_window(IMAGE, KERNEL))
    first = bytes(picture.value)
    slider.value = 6
    second = bytes(picture.value)
    assert second.startswith(PNG_SIGNATURE)
    assert second != first
    value = reference(IMAGE, KERNEL)[1, 2]
    assert caption.value == (
        f"Step 7 of 12: the window's top-left corner is at row 1, column 2; "
        f"the sum of its products is output[1, 2] = {value:.2f}."
    )
    slider.value = 0
    assert bytes(picture.value) == first


def test_widget_rejects_bad_input_before_drawing():
    """Does sliding_window reject a kernel larger than the image, opening no figure?"""
    with pytest.raises(
        ValueError, match=r"the kernel \(5, 6\) is larger than the image \(4, 6\)"
    ):
        sliding_window(IMAGE, np.ones((5, 6)))
    assert plt.get_fignums() == []


def test_widget_rejects_a_uint8_image():
    """Does sliding_window reject a uint8 image with the conversion to use?"""
    with pytest.raises(
        ValueError, match=r"image has dtype uint8.*astype\(np.float32\) / 255"
    ):
        sliding_window((IMAGE * 255).astype(np.uint8), KERNEL)


def test_render_png_gives_png_bytes():
    """Does render_png turn a figure into PNG bytes?"""
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    png = render_png(fig)
    assert isinstance(png, bytes) and png.startswith(PNG_SIGNATURE)


# window_positions and stride_padding (05-stride-padding-pooling)

from helpers.widgets import (  # noqa: E402 (unit 05's tests, appended)
    WindowPositions,
    stride_padding,
    window_positions,
)

# (size, kernel, stride, padding): same padding, strides that divide and that do not,
# a 1x1 kernel that skips pixels, and a kernel that reaches into two rings of zeros.
WINDOW_SETTINGS = [
    (7, 3, 1, 0),
    (7, 3, 1, 1),
    (7, 3, 2, 1),
    (8, 3, 3, 0),
    (6, 1, 2, 0),
    (5, 5, 1, 2),
    (10, 4, 3, 2),
    (9, 2, 2, 0),
]


def floor_output_size(size, kernel, stride, padding):
    """The output size by the closed form, written here as the reference."""
    return (size - kernel + 2 * padding) // stride + 1


def coverage_by_loops(size, kernel, stride, padding):
    """How many windows read each cell of the padded input, counted with loops."""
    side = size + 2 * padding
    count = np.zeros((side, side), dtype=int)
    top = 0
    while top + kernel <= side:
        left = 0
        while left + kernel <= side:
            count[top : top + kernel, left : left + kernel] += 1
            left += stride
        top += stride
    return count


def stride_padding_parts(box):
    (first_row, second_row, picture, caption) = box.children
    size, kernel = first_row.children
    stride, padding = second_row.children
    return {"size": size, "kernel": kernel, "stride": stride, "padding": padding}, (
        picture,
        caption,
    )


@pytest.mark.parametrize("setting", WINDOW_SETTINGS)
def test_window_positions_output_shape_is_torch_and_the_formula(setting):
    """Is the output shape nn.Conv2d's, equal to floor((W - K + 2P) / S) + 1?"""
    size, kernel, stride, padding = setting
    state = window_positions(size, kernel, stride, padding)
    assert isinstance(state, WindowPositions)
    side = floor_output_size(size, kernel, stride, padding)
    assert state.output_shape == (side, side)
    out = F.conv2d(
        torch.zeros(1, 1, size, size),
        torch.zeros(1, 1, kernel, kernel),
        stride=stride,
        padding=padding,
    )
    assert state.output_shape == tuple(out.shape[-2:])


@pytest.mark.parametrize("setting", WINDOW_SETTINGS)
def test_window_positions_corners_step_by_the_stride(setting):
    """Are the windows' top-left corners (i * S, j * S), row by row?"""
    size, kernel, stride, padding = setting
    state = window_positions(size, kernel, stride, padding)
    side = floor_output_size(size, kernel, stride, padding)
    expected = [(i * stride, j * stride) for i in range(side) for j in range(side)]
    assert [tuple(corner) for corner in state.corners.tolist()] == expected


@pytest.mark.parametrize("setting", WINDOW_SETTINGS)
def test_window_positions_coverage_counts_every_window(setting):
    """Does each cell's count equal the windows that cover it, counted with loops?"""
    state = window_positions(*setting)
    np.testing.assert_array_equal(state.coverage, coverage_by_loops(*setting))
    assert state.coverage.dtype.kind == "i"
    kernel = setting[1]
    OH, OW = state.output_shape
    assert state.coverage.sum() == OH * OW * kernel * kernel


@pytest.mark.parametrize("setting", WINDOW_SETTINGS)
def test_window_positions_marks_the_input_and_the_missed_pixels(setting):
    """Is the input the middle W x W of the grid, and missed its unread pixels?"""
    size, _, _, padding = setting
    state = window_positions(*setting)
    side = size + 2 * padding
    assert state.is_input.shape == (side, side) and state.is_input.dtype == bool
    assert state.is_input[padding : padding + size, padding : padding + size].all()
    assert state.is_input.sum() == size * size
    inside = slice(padding, padding + size)
    unread = coverage_by_loops(*setting)[inside, inside]
    assert state.missed == int((unread == 0).sum())


def test_window_positions_missed_pixels_of_a_stride_larger_than_the_kernel():
    """Does a 3x3 window with stride 3 on 8x8 miss the last 2 rows and columns (28)?"""
    state = window_positions(8, 3, 3, 0)
    assert state.output_shape == (2, 2)
    assert state.missed == 8 * 8 - 6 * 6 == 28
    assert (state.coverage[6:, :] == 0).all() and (state.coverage[:, 6:] == 0).all()


def test_window_positions_same_padding_keeps_the_size():
    """Does a 3x3 kernel with padding 1 and stride 1 keep a 7x7 input 7x7?"""
    assert window_positions(7, 3, 1, 1).output_shape == (7, 7)


def test_window_positions_accepts_numpy_ints():
    """Does it accept NumPy integers, as sliders and arrays may give?"""
    state = window_positions(np.int64(7), np.int32(3), np.int64(2), np.int64(1))
    assert state.output_shape == (4, 4)
    assert isinstance(state.size, int) and not isinstance(state.size, np.integer)


@pytest.mark.parametrize(
    "args, message",
    [
        ((5, 6, 1, 0), r"the 6x6 kernel does not fit in the padded input, 5x5"),
        ((3, 6, 1, 1), r"5x5 \(size 3 plus 1 zeros on each side\).*more padding"),
        ((0, 1, 1, 0), r"size must be an int >= 1, got 0"),
        ((7, 0, 1, 0), r"kernel must be an int >= 1, got 0"),
        ((7, 3, 0, 0), r"stride must be an int >= 1, got 0"),
        ((7, 3, 1, -1), r"padding must be an int >= 0, got -1"),
        ((7.0, 3, 1, 0), r"size must be an int >= 1, got 7.0"),
        ((7, "3", 1, 0), r"kernel must be an int >= 1, got '3'"),
        ((7, 3, True, 0), r"stride must be an int >= 1, got True"),
        ((7, 3, 1, None), r"padding must be an int >= 0, got None"),
    ],
)
def test_window_positions_rejects_bad_settings(args, message):
    """Does it reject a kernel that does not fit, non-ints and negatives, saying why?"""
    with pytest.raises(ValueError, match=message):
        window_positions(*args)


def test_stride_padding_has_four_sliders_a_picture_and_a_caption():
    """Does it give sliders W, K, S, P at their start values, a PNG and a caption?"""
    sliders, (picture, caption) = stride_padding_parts(stride_padding(8, 3, 3, 0))
    assert {name: s.value for name, s in sliders.items()} == {
        "size": 8,
        "kernel": 3,
        "stride": 3,
        "padding": 0,
    }
    assert all(isinstance(s, ipywidgets.IntSlider) for s in sliders.values())
    assert all(s.continuous_update for s in sliders.values())
    assert isinstance(picture, ipywidgets.Image) and picture.format == "png"
    assert bytes(picture.value).startswith(PNG_SIGNATURE)
    assert caption.value == (
        "Input 8×8, no padding. A 3×3 window moving 3 pixels at a time fits 2 times "
        "down and 2 across, so nn.Conv2d gives a 2×2 output. 28 input pixels are "
        "never read (a 0 on a dark cell): the windows skip them."
    )


def test_stride_padding_leaves_no_figure_open():
    """Is the widget's figure closed, so the inline backend does not draw it again?"""
    stride_padding()
    assert plt.get_fignums() == []


@pytest.mark.parametrize("name, value", [("stride", 2), ("padding", 1), ("size", 9)])
def test_moving_a_stride_padding_slider_redraws(name, value):
    """Does moving a slider change the PNG and the caption, and moving back restore?"""
    sliders, (picture, caption) = stride_padding_parts(stride_padding(7, 3, 1, 0))
    first, first_caption = bytes(picture.value), caption.value
    start = sliders[name].value
    sliders[name].value = value
    assert bytes(picture.value).startswith(PNG_SIGNATURE)
    assert bytes(picture.value) != first
    settings = {n: s.value for n, s in sliders.items()}
    side = floor_output_size(**settings)
    assert f"nn.Conv2d gives a {side}×{side} output" in caption.value
    assert caption.value != first_caption
    sliders[name].value = start
    assert bytes(picture.value) == first and caption.value == first_caption


def test_stride_padding_caption_says_when_the_size_is_kept():
    """Does the caption say 'the same size as the input' for same padding?"""
    _, (_, caption) = stride_padding_parts(stride_padding(7, 3, 1, 1))
    assert "padded with 1 ring of zeros to 9×9" in caption.value
    assert "gives a 7×7 output, the same size as the input." in caption.value


@pytest.mark.parametrize(
    "args, message",
    [
        ((12, 3, 1, 0), r"size must be from 5 to 10 for this widget, got 12"),
        ((7, 3, 1, 3), r"padding must be from 0 to 2 for this widget, got 3"),
        ((5, 7, 1, 0), r"the 7x7 kernel does not fit in the padded input, 5x5"),
        ((7, 3, 1.5, 0), r"stride must be an int >= 1, got 1.5"),
    ],
)
def test_stride_padding_rejects_bad_settings_before_drawing(args, message):
    """Does it reject settings outside its sliders' ranges, opening no figure?"""
    with pytest.raises(ValueError, match=message):
        stride_padding(*args)
    assert plt.get_fignums() == []


# compare_shifts and shift_slider (03-translation-equivariance)

from helpers.widgets import (  # noqa: E402 (unit 03's tests, appended)
    ShiftComparison,
    compare_shifts,
    shift_slider,
)

# A non-square image and kernel, so that swapped rows and columns show up.
SHIFT_IMAGE = np.random.default_rng(3).random((7, 10)).astype(np.float32)  # (H, W)
SHIFT_KERNEL = np.random.default_rng(4).normal(size=(3, 5))  # (KH, KW), no symmetry
SHIFTS = [(0, 0), (0, 1), (1, 0), (2, -3), (-3, 4), (7, 10), (9, -13)]


def same_correlation(image, kernel, padding_mode):
    """A size-keeping cross-correlation by NumPy padding and sums, (H, W)."""
    (H, W), (KH, KW) = image.shape, kernel.shape
    mode = "wrap" if padding_mode == "circular" else "constant"
    padded = np.pad(
        np.asarray(image, np.float64), ((KH // 2,) * 2, (KW // 2,) * 2), mode
    )
    out = np.zeros((H, W))
    for m in range(KH):
        for n in range(KW):
            out += kernel[m, n] * padded[m : m + H, n : n + W]
    return out


def slice_shift(image, dy, dx):
    """Move the image down dy rows and right dx columns, wrapping, by slicing."""
    H, W = image.shape
    dy, dx = dy % H, dx % W
    rows = np.concatenate([image[H - dy :], image[: H - dy]], axis=0)
    return np.concatenate([rows[:, W - dx :], rows[:, : W - dx]], axis=1)


def shift_parts(box):
    (controls, picture, caption) = box.children
    dy, dx, mode = controls.children
    return dy, dx, mode, picture, caption


@pytest.mark.parametrize("dy, dx", SHIFTS)
@pytest.mark.parametrize("padding_mode", ["zeros", "circular"])
def test_compare_shifts_matches_a_numpy_reference(dy, dx, padding_mode):
    """Are the shifted input, both sides and their difference NumPy's values?"""
    state = compare_shifts(SHIFT_IMAGE, SHIFT_KERNEL, dy, dx, padding_mode)
    assert isinstance(state, ShiftComparison)
    assert (state.dy, state.dx, state.padding_mode) == (dy, dx, padding_mode)
    shifted = slice_shift(SHIFT_IMAGE, dy, dx)
    np.testing.assert_array_equal(state.shifted_input, shifted)
    conv_of_shifted = same_correlation(shifted, SHIFT_KERNEL, padding_mode)
    shifted_conv = slice_shift(
        same_correlation(SHIFT_IMAGE, SHIFT_KERNEL, padding_mode), dy, dx
    )
    np.testing.assert_allclose(state.conv_of_shifted, conv_of_shifted, atol=1e-12)
    np.testing.assert_allclose(state.shifted_conv, shifted_conv, atol=1e-12)
    difference = conv_of_shifted - shifted_conv
    np.testing.assert_allclose(state.difference, difference, atol=1e-12)
    assert state.max_error == pytest.approx(np.abs(difference).max(), abs=1e-12)
    assert state.num_different == (np.abs(difference) > 1e-5).sum()


@pytest.mark.parametrize("dy, dx", SHIFTS)
def test_circular_padding_is_exactly_equivariant(dy, dx):
    """With circular padding, do the two sides agree at every pixel, for every shift?"""
    state = compare_shifts(SHIFT_IMAGE, SHIFT_KERNEL, dy, dx, "circular")
    assert state.max_error < 1e-12
    assert state.num_different == 0


def test_zero_padding_breaks_only_near_the_frame_and_the_seams():
    """With zero padding, do the errors fill exactly the bands the kernel reaches?"""
    H, W = 12, 15
    image = np.random.default_rng(5).random((H, W)).astype(np.float32)
    kernel = np.random.default_rng(6).normal(size=(3, 5))  # reaches 1 row, 2 columns
    dy, dx = 5, -4
    state = compare_shifts(image, kernel, dy, dx, "zeros")
    rows, cols = np.arange(H), np.arange(W)
    near_rows = (rows < 1) | (rows >= H - 1) | ((rows - dy + 1) % H < 2)
    near_cols = (cols < 2) | (cols >= W - 2) | ((cols - dx + 2) % W < 4)
    near = near_rows[:, None] | near_cols[None, :]
    np.testing.assert_array_equal(np.abs(state.difference) > 1e-5, near)
    assert state.num_different == near.sum()
    assert state.max_error > 0.1


def test_compare_shifts_moves_content_down_and_right():
    """Does a positive (dy, dx) move a bright pixel dy rows down, dx columns right?"""
    image = np.zeros((6, 9), dtype=np.float32)
    image[1, 2] = 1.0
    state = compare_shifts(image, np.ones((1, 1)), 2, 3)
    assert np.argwhere(state.shifted_input).tolist() == [[3, 5]]
    state = compare_shifts(image, np.ones((1, 1)), -2, -3)
    assert np.argwhere(state.shifted_input).tolist() == [[5, 8]]


def test_compare_shifts_accepts_tensors_and_numpy_ints():
    """Does it accept torch tensors and NumPy int shifts, and leave its inputs alone?"""
    image, kernel = SHIFT_IMAGE.copy(), SHIFT_KERNEL.copy()
    state = compare_shifts(
        torch.tensor(image), torch.tensor(kernel), np.int64(2), np.int32(-3), "zeros"
    )
    assert (state.dy, state.dx) == (2, -3)
    assert isinstance(state.max_error, float) and isinstance(state.num_different, int)
    np.testing.assert_array_equal(image, SHIFT_IMAGE)
    np.testing.assert_array_equal(kernel, SHIFT_KERNEL)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"kernel": np.ones((2, 3))},
            r"the kernel \(2, 3\) needs odd sizes, such as 3x3 or 5x5",
        ),
        (
            {"kernel": np.ones((9, 3))},
            r"the kernel \(9, 3\) is larger than the image \(7, 10\)",
        ),
        ({"dy": 1.0}, r"dy must be an int \(a number of pixels\), got 1.0"),
        ({"dx": True}, r"dx must be an int \(a number of pixels\), got True"),
        ({"dx": "2"}, r"dx must be an int \(a number of pixels\), got '2'"),
        (
            {"padding_mode": "reflect"},
            r"padding_mode must be one of \('zeros', 'circular'\), got 'reflect'",
        ),
        (
            {"image": (SHIFT_IMAGE * 255).astype(np.uint8)},
            r"image has dtype uint8, but images here are floats in \[0, 1\]",
        ),
        ({"image": np.zeros((7, 10, 3), np.float32)}, r"image must be 2-D, got 3-D"),
    ],
)
def test_compare_shifts_rejects_bad_input(kwargs, message):
    """Does it reject an even kernel, a non-int shift, an unknown mode, a bad image?"""
    arguments = {
        "image": SHIFT_IMAGE,
        "kernel": SHIFT_KERNEL,
        "dy": 1,
        "dx": 2,
        "padding_mode": "zeros",
    } | kwargs
    with pytest.raises(ValueError, match=message):
        compare_shifts(**arguments)


def test_shift_slider_has_two_sliders_a_dropdown_a_picture_and_a_caption():
    """Does shift_slider give a VBox: dy and dx sliders, padding mode, PNG, caption?"""
    box = shift_slider(SHIFT_IMAGE, SHIFT_KERNEL)
    assert isinstance(box, ipywidgets.VBox)
    dy, dx, mode, picture, caption = shift_parts(box)
    assert isinstance(dy, ipywidgets.IntSlider) and isinstance(dx, ipywidgets.IntSlider)
    assert (dy.min, dy.max, dy.value) == (-3, 3, 0)
    assert (dx.min, dx.max, dx.value) == (-5, 5, 0)
    assert isinstance(mode, ipywidgets.Dropdown)
    assert list(mode.options) == ["zeros", "circular"] and mode.value == "zeros"
    assert bytes(picture.value).startswith(PNG_SIGNATURE)
    assert caption.value.startswith("Shift (0, 0): 0 rows down and 0 columns right")
    assert "equal at every pixel" in caption.value
    assert plt.get_fignums() == []


def test_moving_the_shift_sliders_redraws():
    """Do dy, dx and the padding mode change the PNG and the caption's numbers?"""
    dy, dx, mode, picture, caption = shift_parts(
        shift_slider(SHIFT_IMAGE, SHIFT_KERNEL)
    )
    first = bytes(picture.value)
    dx.value = -2
    dy.value = 1
    moved = bytes(picture.value)
    assert moved.startswith(PNG_SIGNATURE) and moved != first
    state = compare_shifts(SHIFT_IMAGE, SHIFT_KERNEL, 1, -2, "zeros")
    assert caption.value == (
        f"Shift (1, -2): 1 row down and 2 columns left, zero padding; the two maps "
        f"differ at {state.num_different} of 70 pixels (coloured in the last panel): "
        f"max abs error {state.max_error:.3g}."
    )
    mode.value = "circular"
    assert bytes(picture.value) != moved
    assert caption.value.endswith(
        "circular padding; the two maps are equal at every pixel: max abs error < 1e-5."
    )
    dy.value, dx.value, mode.value = 0, 0, "zeros"
    assert bytes(picture.value) == first


def test_shift_slider_rejects_bad_input_before_drawing():
    """Does shift_slider reject an even-sized kernel, opening no figure?"""
    with pytest.raises(ValueError, match=r"needs odd sizes"):
        shift_slider(SHIFT_IMAGE, np.ones((4, 4)))
    assert plt.get_fignums() == []


# split_by_input_channel and channel_contributions (02-multichannel-kernels)

from scipy import signal  # noqa: E402 (unit 02's tests, appended)

from helpers.plots import format_number  # noqa: E402
from helpers.widgets import (  # noqa: E402
    ChannelSplit,
    channel_contributions,
    split_by_input_channel,
)

# A non-square colour image and non-square kernels, so swapped axes show up.
RGB_IMAGE = np.random.default_rng(2).random((5, 7, 3)).astype(np.float32)  # (H, W, C)
RGB_WEIGHT = np.random.default_rng(3).normal(size=(2, 3, 2, 3))  # (C_out, C_in, KH, KW)
RGB_BIAS = np.array([0.25, -0.5])  # (C_out,)
SPLIT_SHAPE = (5 - 2 + 1, 7 - 3 + 1)  # (OH, OW) = (4, 5)


def conv2d_reference(image, weight, bias):
    """F.conv2d on the whole image, computed here: (C_out, OH, OW)."""
    x = torch.tensor(np.asarray(image).transpose(2, 0, 1), dtype=torch.float64)[None]
    w = torch.tensor(np.asarray(weight), dtype=torch.float64)
    b = None if bias is None else torch.tensor(np.asarray(bias), dtype=torch.float64)
    return F.conv2d(x, w, b)[0].numpy()


def channel_widget_parts(box):
    (controls, picture, caption) = box.children
    channel, photo = controls.children
    return channel, photo, picture, caption


@pytest.mark.parametrize("out_channel", [0, 1])
def test_split_output_is_that_channel_of_conv2d(out_channel):
    """Is the output F.conv2d's channel out_channel, of shape (OH, OW)?"""
    split = split_by_input_channel(RGB_IMAGE, RGB_WEIGHT, RGB_BIAS, out_channel)
    assert isinstance(split, ChannelSplit)
    assert split.output.shape == SPLIT_SHAPE
    expected = conv2d_reference(RGB_IMAGE, RGB_WEIGHT, RGB_BIAS)[out_channel]
    np.testing.assert_allclose(split.output, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("out_channel", [0, 1])
def test_split_contributions_are_single_channel_correlations(out_channel):
    """Is contribution c channel c correlated with kernel slice c (as SciPy does it)?"""
    split = split_by_input_channel(RGB_IMAGE, RGB_WEIGHT, RGB_BIAS, out_channel)
    assert split.contributions.shape == (3, *SPLIT_SHAPE)
    for c in range(3):
        expected = signal.correlate2d(
            RGB_IMAGE[:, :, c].astype(np.float64),
            RGB_WEIGHT[out_channel, c],
            mode="valid",
        )
        np.testing.assert_allclose(split.contributions[c], expected, atol=1e-12)


def test_split_output_is_the_sum_of_the_contributions_plus_the_bias():
    """Is the output the contributions summed over channels, plus the bias once?"""
    split = split_by_input_channel(RGB_IMAGE, RGB_WEIGHT, RGB_BIAS, 1)
    assert split.bias == -0.5
    np.testing.assert_allclose(
        split.output, split.contributions.sum(axis=0) - 0.5, atol=1e-12
    )


def test_split_without_bias_adds_nothing():
    """Does bias=None mean a bias of zero?"""
    split = split_by_input_channel(RGB_IMAGE, RGB_WEIGHT, None, 0)
    assert split.bias == 0.0
    np.testing.assert_allclose(
        split.output, conv2d_reference(RGB_IMAGE, RGB_WEIGHT, None)[0], atol=1e-12
    )


def test_split_of_a_single_channel_image():
    """Does a (H, W, 1) image with a (C_out, 1, KH, KW) weight give one contribution?"""
    image = RGB_IMAGE[:, :, :1]
    split = split_by_input_channel(image, RGB_WEIGHT[:, :1], RGB_BIAS, 0)
    assert split.contributions.shape == (1, *SPLIT_SHAPE)
    expected = conv2d_reference(image, RGB_WEIGHT[:, :1], RGB_BIAS)[0]
    np.testing.assert_allclose(split.output, expected, atol=1e-12)


def test_split_accepts_tensors_and_a_numpy_int_channel():
    """Does it accept torch tensors for image, weight and bias and a NumPy int?"""
    split = split_by_input_channel(
        torch.tensor(RGB_IMAGE),
        torch.tensor(RGB_WEIGHT),
        torch.tensor(RGB_BIAS),
        np.int64(1),
    )
    expected = conv2d_reference(RGB_IMAGE, RGB_WEIGHT, RGB_BIAS)[1]
    np.testing.assert_allclose(split.output, expected, atol=1e-6)


def test_split_does_not_change_its_inputs():
    """Are the image, weight and bias left unchanged?"""
    image, weight, bias = RGB_IMAGE.copy(), RGB_WEIGHT.copy(), RGB_BIAS.copy()
    split_by_input_channel(image, weight, bias, 1)
    np.testing.assert_array_equal(image, RGB_IMAGE)
    np.testing.assert_array_equal(weight, RGB_WEIGHT)
    np.testing.assert_array_equal(bias, RGB_BIAS)


@pytest.mark.parametrize(
    "image, weight, bias, message",
    [
        (
            RGB_IMAGE[:, :, 0],
            RGB_WEIGHT,
            RGB_BIAS,
            r"image must be 3-D, \(H, W, C\) with channels last.*got shape \(5, 7\)",
        ),
        (
            RGB_IMAGE.transpose(2, 0, 1),
            RGB_WEIGHT,
            RGB_BIAS,
            r"weight has 3 input channels but the image has 7 \(shape \(3, 5, 7\)\)"
            r".*the image \(H, W, C\), channels last",
        ),
        (RGB_IMAGE, RGB_WEIGHT[0], RGB_BIAS, r"weight must be 4-D, got 3-D"),
        (
            RGB_IMAGE,
            RGB_WEIGHT[:, :2],
            RGB_BIAS,
            r"weight has 2 input channels but the image has 3",
        ),
        (
            RGB_IMAGE,
            RGB_WEIGHT,
            np.zeros(3),
            r"bias has 3 values but weight has 2 output channels; "
            r"a layer has one bias per output channel",
        ),
        (RGB_IMAGE, RGB_WEIGHT, [0.0, 1.0], r"bias must be a NumPy array"),
        (
            RGB_IMAGE,
            np.ones((1, 3, 6, 3)),
            None,
            r"the kernel \(6, 3\) is larger than the image \(5, 7\)",
        ),
        (
            (RGB_IMAGE * 255).astype(np.uint8),
            RGB_WEIGHT,
            RGB_BIAS,
            r"image has dtype uint8, but images here are floats in \[0, 1\]",
        ),
    ],
)
def test_split_rejects_bad_inputs(image, weight, bias, message):
    """Does it reject a 2-D or channels-first image, mismatched shapes, uint8?"""
    with pytest.raises(ValueError, match=message):
        split_by_input_channel(image, weight, bias, 0)


@pytest.mark.parametrize("out_channel", [-1, 2, 1.0, True, None])
def test_split_rejects_a_channel_that_is_not_one_of_the_kernels(out_channel):
    """Does it reject an output channel that is out of range or not an int?"""
    with pytest.raises(ValueError, match=r"out_channel must be an int from 0 to 1"):
        split_by_input_channel(RGB_IMAGE, RGB_WEIGHT, RGB_BIAS, out_channel)


# channel_contributions, the widget

RED_ONLY = np.zeros((1, 3, 2, 3))  # a kernel that reads the red channel only
RED_ONLY[0, 0] = [[1.0, 0.0, -1.0], [0.5, 0.0, -0.5]]
CHANNEL_WEIGHT = np.concatenate([RGB_WEIGHT, RED_ONLY])  # (3, 3, 2, 3)
CHANNEL_BIAS = np.array([0.25, -0.5, 0.0])
SAME_SIZE_PHOTOS = {
    "random": RGB_IMAGE,
    "flipped": np.ascontiguousarray(RGB_IMAGE[::-1]),
}


def test_channel_widget_has_two_dropdowns_a_picture_and_a_caption():
    """Does it give dropdowns for the channel (with names) and photo, a PNG, text?"""
    box = channel_contributions(
        SAME_SIZE_PHOTOS, CHANNEL_WEIGHT, CHANNEL_BIAS, names=["a", "b", "red"]
    )
    channel, photo, picture, caption = channel_widget_parts(box)
    assert isinstance(channel, ipywidgets.Dropdown)
    assert channel.options == (("0: a", 0), ("1: b", 1), ("2: red", 2))
    assert channel.value == 0
    assert isinstance(photo, ipywidgets.Dropdown)
    assert photo.options == ("random", "flipped")
    assert isinstance(picture, ipywidgets.Image) and picture.format == "png"
    assert bytes(picture.value).startswith(PNG_SIGNATURE)
    assert caption.value.startswith("Output channel 0 (a) on the random photo")
    assert plt.get_fignums() == []


@pytest.mark.slow
def test_channel_widget_caption_gives_each_channels_part():
    """Does the caption give red 100% for a kernel that reads red only?"""
    channel, _, _, caption = channel_widget_parts(
        channel_contributions(RGB_IMAGE, CHANNEL_WEIGHT, CHANNEL_BIAS)
    )
    channel.value = 2
    assert "Output channel 2 (kernel 2) on the given photo" in caption.value
    assert "red 100%, green 0%, blue 0%" in caption.value
    output = conv2d_reference(RGB_IMAGE, CHANNEL_WEIGHT, CHANNEL_BIAS)[2]
    low, high = format_number(output.min()), format_number(output.max())
    assert f"The output ranges from {low} to {high}." in caption.value


def test_moving_the_channel_redraws_and_coming_back_restores():
    """Does a new channel change the PNG, and going back give the first PNG again?"""
    channel, _, picture, caption = channel_widget_parts(
        channel_contributions(SAME_SIZE_PHOTOS, CHANNEL_WEIGHT, CHANNEL_BIAS)
    )
    first, first_caption = bytes(picture.value), caption.value
    channel.value = 1
    assert bytes(picture.value).startswith(PNG_SIGNATURE)
    assert bytes(picture.value) != first
    assert caption.value.startswith("Output channel 1 (kernel 1)")
    channel.value = 0
    assert bytes(picture.value) == first and caption.value == first_caption


@pytest.mark.slow
def test_a_redrawn_channel_looks_as_if_drawn_from_scratch():
    """Is the picture after a move the one a new widget draws for that setting?"""
    channel, _, picture, _ = channel_widget_parts(
        channel_contributions(SAME_SIZE_PHOTOS, CHANNEL_WEIGHT, CHANNEL_BIAS)
    )
    channel.value = 2
    order = [2, 0, 1]  # the same kernels, channel 2 first
    _, _, fresh, _ = channel_widget_parts(
        channel_contributions(
            SAME_SIZE_PHOTOS, CHANNEL_WEIGHT[order], CHANNEL_BIAS[order]
        )
    )
    assert bytes(picture.value) == bytes(fresh.value)


def test_changing_the_photo_redraws():
    """Does a new photo change the PNG and the caption, and going back restore them?"""
    _, photo, picture, caption = channel_widget_parts(
        channel_contributions(SAME_SIZE_PHOTOS, CHANNEL_WEIGHT, CHANNEL_BIAS)
    )
    first = bytes(picture.value)
    photo.value = "flipped"
    assert caption.value.startswith("Output channel 0 (kernel 0) on the flipped photo")
    assert bytes(picture.value).startswith(PNG_SIGNATURE)
    assert bytes(picture.value) != first
    photo.value = "random"
    assert bytes(picture.value) == first


@pytest.mark.parametrize(
    "photos, names, message",
    [
        ({"gray": RGB_IMAGE[:, :, 0]}, None, r"image must be 3-D, \(H, W, C\)"),
        ({}, None, r"photos must be one \(H, W, 3\) photo or a non-empty dict"),
        ([RGB_IMAGE], None, r"photos must be one .* got list"),
        (RGB_IMAGE, ["a", "b"], r"names must be a list of 3 non-empty str"),
        (RGB_IMAGE, "abc", r"names must be a list of 3 non-empty str"),
        (
            {"small": RGB_IMAGE, "large": np.zeros((9, 6, 3))},
            None,
            r"photo 'large' has shape \(9, 6, 3\) but 'small' has \(5, 7, 3\); "
            r"the photos must have the same size",
        ),
    ],
)
def test_channel_widget_rejects_bad_input_before_drawing(photos, names, message):
    """Does it reject a gray photo, no photos, wrong names or mixed sizes, early?"""
    with pytest.raises(ValueError, match=message):
        channel_contributions(photos, CHANNEL_WEIGHT, CHANNEL_BIAS, names=names)
    assert plt.get_fignums() == []


def test_channel_widget_needs_colour_photos():
    """Does it reject a 4-channel image, even with a 4-channel weight?"""
    image = np.random.default_rng(5).random((5, 7, 4))
    with pytest.raises(
        ValueError, match=r"this widget needs colour photos, \(H, W, 3\)"
    ):
        channel_contributions(image, np.ones((1, 4, 2, 2)))
    assert plt.get_fignums() == []


# pixel_field and field_explorer (04-receptive-fields)

from helpers.widgets import (  # noqa: E402 (unit 04's tests, appended)
    PixelField,
    field_explorer,
    pixel_field,
)

# A non-square photo-like image, so that swapped rows and columns show up.
FIELD_IMAGE = np.random.default_rng(5).random((40, 56)).astype(np.float32)  # (H, W)
# (depth, kernel, stride, row, col): one layer, deep stride-1 stacks, strides 2 and 3,
# 1x1 and even kernels, and pixels away from the centre.
FIELD_SETTINGS = [
    (1, 3, 1, 2, 5),
    (2, 3, 1, 10, 20),
    (4, 5, 1, 0, 0),
    (3, 3, 2, 1, 4),
    (2, 4, 2, 5, 3),
    (2, 7, 3, 1, 2),
    (3, 1, 2, 4, 6),
    (1, 2, 1, 38, 54),
]


def closed_form_box(depth, kernel, stride, row, col):
    """(top, left, size) of the field, by the closed form, computed here."""
    size = 1 + (kernel - 1) * sum(stride**layer for layer in range(depth))
    jump = stride**depth
    return row * jump, col * jump, size


def average_stack(image, depth, kernel, stride):
    """The image, (1, 1, H, W) float64, and the stack as repeated average pooling."""
    X = torch.tensor(image, dtype=torch.float64)[None, None].requires_grad_()
    Y = X
    for _ in range(depth):
        Y = F.avg_pool2d(Y, kernel, stride=stride)
    return X, Y


def field_parts(box):
    sizes, pixel, picture, caption = box.children
    depth, kernel, stride = sizes.children
    out_row, out_col = pixel.children
    return depth, kernel, stride, out_row, out_col, picture, caption


@pytest.mark.parametrize("setting", FIELD_SETTINGS)
def test_pixel_field_box_is_the_closed_form(setting):
    """Is the field's box at (row, col) x jump, and 1 + (k - 1)(1 + s + ...) wide?"""
    field = pixel_field(FIELD_IMAGE, *setting)
    assert isinstance(field, PixelField)
    top, left, size = closed_form_box(*setting)
    assert (field.row, field.col) == setting[3:]
    assert (field.top, field.left, field.height, field.width) == (top, left, size, size)


@pytest.mark.parametrize("setting", FIELD_SETTINGS)
def test_pixel_field_gradient_and_output_match_average_pooling(setting):
    """Are the output and its gradient those of repeated average pooling?"""
    depth, kernel, stride, row, col = setting
    field = pixel_field(FIELD_IMAGE, *setting)
    X, Y = average_stack(FIELD_IMAGE, depth, kernel, stride)
    np.testing.assert_allclose(field.output, Y[0, 0].detach().numpy(), rtol=1e-12)
    Y[0, 0, row, col].backward()
    np.testing.assert_allclose(field.gradient, X.grad[0, 0].numpy(), atol=1e-15)
    assert field.gradient.sum() == pytest.approx(1.0)  # averages of averages


def test_pixel_field_gradient_is_zero_exactly_outside_the_box():
    """Is every pixel inside a stride-1 field non-zero and every pixel outside zero?"""
    field = pixel_field(FIELD_IMAGE, 3, 3, 1, 4, 9)
    inside = np.zeros(FIELD_IMAGE.shape, dtype=bool)
    inside[4 : 4 + 7, 9 : 9 + 7] = True
    assert (field.gradient[inside] > 0).all()
    assert (field.gradient[~inside] == 0).all()


def test_pixel_field_two_layers_see_five_pixels_with_path_counts():
    """Do two 3x3 layers give a 5x5 field weighted 1 2 3 2 1 (paths), over 81?"""
    field = pixel_field(FIELD_IMAGE, 2, 3, 1, 0, 0)
    paths = np.outer([1, 2, 3, 2, 1], [1, 2, 3, 2, 1])
    np.testing.assert_allclose(field.gradient[:5, :5], paths / 81)
    assert (field.height, field.width) == (5, 5)


def test_pixel_field_defaults_to_the_centre_pixel():
    """Without row and col, is the pixel the centre of the output map?"""
    field = pixel_field(FIELD_IMAGE, 2, 3, 2)
    OH, OW = field.output.shape
    assert (OH, OW) == (9, 13)  # 40 -> 19 -> 9 rows, 56 -> 27 -> 13 columns
    assert (field.row, field.col) == (OH // 2, OW // 2)


def test_pixel_field_accepts_tensors_and_numpy_ints():
    """Does it accept a tensor image and NumPy ints for every setting?"""
    field = pixel_field(torch.tensor(FIELD_IMAGE), *map(np.int64, (2, 3, 2, 1, 4)))
    assert (field.top, field.left, field.height) == closed_form_box(2, 3, 2, 1, 4)


def test_pixel_field_leaves_the_image_and_the_random_state_alone():
    """Are the image and PyTorch's random generator unchanged (no random init)?"""
    image = FIELD_IMAGE.copy()
    state = torch.get_rng_state()
    pixel_field(image, 3, 3, 1)
    assert torch.equal(torch.get_rng_state(), state)
    np.testing.assert_array_equal(image, FIELD_IMAGE)


def test_pixel_field_gives_back_torchs_threads_even_after_an_error():
    """Is PyTorch's thread count restored, also when a stack does not fit?"""
    threads = torch.get_num_threads()
    pixel_field(FIELD_IMAGE, 2, 3, 1)
    assert torch.get_num_threads() == threads
    with pytest.raises(ValueError, match="does not fit"):
        pixel_field(FIELD_IMAGE, 6, 7, 2)
    assert torch.get_num_threads() == threads


@pytest.mark.parametrize(
    "args, message",
    [
        ((0, 3, 1), r"depth must be a positive int \(a number of layers\), got 0"),
        ((True, 3, 1), r"depth must be a positive int .*got True"),
        ((2, -1, 1), r"kernel_size must be a positive int .*got -1"),
        ((2, 3, 1.5), r"stride must be a positive int .*got 1.5"),
        (
            (2, 3, 1, 38, 0),
            r"row must be an int from 0 to 35 \(the output map is 36×52",
        ),
        ((2, 3, 1, 0, -1), r"col must be an int from 0 to 51 .*got -1"),
        ((1, 3, 1, 2.0, 0), r"row must be an int from 0 to 37"),
        (
            (6, 7, 2),
            r"the stack does not fit in the 40×56 image: layer 3 of 6 gets a 6×10 "
            r"map, smaller than its 7×7 kernel; use fewer layers",
        ),
        ((1, 41, 1), r"layer 1 of 1 gets a 40×56 map, smaller than its 41×41 kernel"),
    ],
)
def test_pixel_field_rejects_bad_settings(args, message):
    """Does it reject bad depths, kernels, strides and pixels, and too deep stacks?"""
    with pytest.raises(ValueError, match=message):
        pixel_field(FIELD_IMAGE, *args)


@pytest.mark.parametrize(
    "image, message",
    [
        ((FIELD_IMAGE * 255).astype(np.uint8), r"image has dtype uint8"),
        (np.zeros((4, 6, 3), dtype=np.float32), r"image must be 2-D, got 3-D"),
        ("cat", r"image must be a NumPy array or a torch tensor, got str"),
    ],
)
def test_pixel_field_rejects_bad_images(image, message):
    """Does it reject a uint8, colour or str image, saying why?"""
    with pytest.raises(ValueError, match=message):
        pixel_field(image, 1, 3, 1)


def test_field_explorer_has_five_sliders_a_picture_and_a_caption():
    """Does it show depth, kernel and stride, the output pixel, a PNG and a caption?"""
    depth, kernel, stride, out_row, out_col, picture, caption = field_parts(
        field_explorer(FIELD_IMAGE)
    )
    assert (depth.value, kernel.value, stride.value) == (2, 3, 1)
    assert all(isinstance(s, ipywidgets.IntSlider) for s in (depth, out_row, out_col))
    assert (out_row.max, out_col.max) == (35, 51)  # a 36x52 output map
    assert (out_row.value, out_col.value) == (18, 26)  # its centre
    assert bytes(picture.value).startswith(PNG_SIGNATURE)
    assert caption.value.startswith(
        "Output pixel (18, 26) of the 36×52 map after 2 layers of 3×3 kernels with "
        "stride 1 sees a 5×5 patch of the input: rows 18 to 22, columns 26 to 30."
    )


def test_field_explorer_leaves_no_figure_open():
    """Is the widget's figure closed, so the inline backend does not draw it again?"""
    field_explorer(FIELD_IMAGE)
    assert plt.get_fignums() == []


def test_moving_the_depth_redraws_and_recentres_the_pixel():
    """Does a new depth redraw, and put the pixel sliders on the new map's centre?"""
    depth, _, stride, out_row, out_col, picture, caption = field_parts(
        field_explorer(FIELD_IMAGE)
    )
    first = bytes(picture.value)
    stride.value = 2
    depth.value = 3  # 40 -> 19 -> 9 -> 4 rows, 56 -> 27 -> 13 -> 6 columns
    assert bytes(picture.value) != first
    assert (out_row.max, out_col.max, out_row.value, out_col.value) == (3, 5, 2, 3)
    top, left, size = closed_form_box(3, 3, 2, 2, 3)
    assert f"sees a {size}×{size} patch of the input: rows {top} to" in caption.value


def test_moving_the_output_pixel_moves_the_field_by_the_jump():
    """Does one step of the output column move the field by the stride's jump?"""
    _, _, stride, _, out_col, picture, caption = field_parts(
        field_explorer(FIELD_IMAGE)
    )
    stride.value = 2  # two layers: jump 4, map 9x13, centre (4, 6)
    before = bytes(picture.value)
    out_col.value = 7
    assert bytes(picture.value) != before
    assert caption.value.startswith("Output pixel (4, 7) of the 9×13 map")
    assert "columns 28 to 34." in caption.value  # 7 x 4 = 28, field 1 + 2 + 4 = 7


def test_a_stack_that_does_not_fit_says_so_and_comes_back():
    """Does a stack too deep for the image say so, disable the pixel, then recover?"""
    depth, kernel, stride, out_row, out_col, picture, caption = field_parts(
        field_explorer(FIELD_IMAGE)
    )
    kernel.value = 7
    stride.value = 3
    depth.value = 4  # 40 -> 12 -> 2 rows: too small for a 7x7 kernel
    assert caption.value.startswith("<b>No output:</b> the stack does not fit")
    assert out_row.disabled and out_col.disabled
    assert bytes(picture.value).startswith(PNG_SIGNATURE)
    depth.value = 1
    assert not out_row.disabled
    assert "sees a 7×7 patch" in caption.value


def test_field_explorer_rejects_bad_images_before_drawing():
    """Does it reject a colour image before opening a figure?"""
    with pytest.raises(ValueError, match=r"image must be 2-D, got 3-D"):
        field_explorer(np.zeros((20, 20, 3), dtype=np.float32))
    assert plt.get_fignums() == []


# ------------------------- 06-pretrained-classification

import dataclasses  # noqa: E402 (unit 06's tests, appended)
from pathlib import Path  # noqa: E402

import torchvision  # noqa: E402

from helpers import features, pretrained  # noqa: E402
from helpers.images import load_photo  # noqa: E402
from helpers.widgets import PhotoTopK, photo_top_k, top_k_explorer  # noqa: E402

TOP_K_PHOTOS = {  # two shapes, landscape and portrait, small to keep the tests fast
    "cat": load_photo("cat", size=(60, 90)),
    "rocket": load_photo("rocket", size=(90, 60)),
    "coffee": load_photo("coffee", size=(64, 96)),
}


@pytest.fixture(scope="module")
def untrained_classification():
    """An untrained small classifier's view of three photos, as offline.

    Its logits are all but equal (ties make any order right), so they are replaced
    by well-spread random ones, with their softmax.
    """
    with torch.random.fork_rng():
        torch.manual_seed(0)
        net = torchvision.models.get_model("mobilenet_v3_small", weights=None).eval()
    weights = pretrained.weights_of("mobilenet_v3_small")
    loaded = pretrained.LoadedModel(
        "mobilenet_v3_small", net, weights, False, Path("unused.pth"), ""
    )
    result = pretrained.classify(loaded, TOP_K_PHOTOS)
    logits = 3 * torch.randn(3, 1000, generator=torch.Generator().manual_seed(6))
    return dataclasses.replace(
        result, logits=logits, probabilities=logits.softmax(dim=1)
    )


@pytest.fixture(scope="module")
def trained_classification(untrained_classification):
    """The same numbers, as if the weights had loaded."""
    return dataclasses.replace(
        untrained_classification,
        pretrained=True,
        label="mobilenet_v3_small, ImageNet weights IMAGENET1K_V1",
    )


def top_k_parts(box):
    chooser, picture, caption = box.children
    return chooser, picture, caption


def test_photo_top_k_is_the_softmax_sorted(untrained_classification):
    """Are the top k the largest softmax probabilities of the photo's logits, sorted?"""
    state = photo_top_k(untrained_classification, "rocket", k=4)
    assert isinstance(state, PhotoTopK)
    logits = untrained_classification.logits[1].double().numpy()  # (1000,)
    probabilities = np.exp(logits - logits.max())
    probabilities /= probabilities.sum()
    order = np.argsort(-probabilities, kind="stable")[:4]
    categories = pretrained.weights_of("mobilenet_v3_small").meta["categories"]
    assert state.labels == tuple(categories[i] for i in order)
    np.testing.assert_allclose(state.probabilities, probabilities[order], rtol=1e-5)
    assert (np.diff(state.probabilities) <= 0).all()
    assert state.photo == "rocket" and not state.pretrained
    assert state.label == pretrained.UNTRAINED_LABEL


def test_photo_top_k_picture_is_the_input_with_the_normalisation_undone(
    untrained_classification,
):
    """Is the picture the weights' transform of the photo, times std plus mean?"""
    state = photo_top_k(untrained_classification, "cat")
    weights = pretrained.weights_of("mobilenet_v3_small")
    X = weights.transforms()(torch.from_numpy(TOP_K_PHOTOS["cat"]).permute(2, 0, 1))
    mean = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)
    expected = (X * std + mean).clamp(0, 1).permute(1, 2, 0).numpy()  # (224, 224, 3)
    assert state.picture.shape == (224, 224, 3)
    np.testing.assert_allclose(state.picture, expected, atol=1e-6)


@pytest.mark.parametrize(
    "photo, k, message",
    [
        ("dog", 5, r"no photo 'dog' in this classification; choose one of: cat, "),
        ("cat", 0, r"k must be an int from 1 to 1000, got 0"),
        ("cat", 5.0, r"k must be an int from 1 to 1000, got 5.0"),
    ],
)
def test_photo_top_k_rejects_unknown_photos_and_bad_k(
    untrained_classification, photo, k, message
):
    """Does it reject a photo it was not given and a k out of range?"""
    with pytest.raises(ValueError, match=message):
        photo_top_k(untrained_classification, photo, k)


def test_photo_top_k_needs_a_classification():
    """Does it ask for pretrained.classify's result rather than raw logits?"""
    with pytest.raises(ValueError, match=r"what helpers.pretrained.classify returns"):
        photo_top_k(torch.zeros(1, 1000), "cat")


def test_top_k_explorer_has_a_dropdown_a_picture_and_a_caption(
    untrained_classification,
):
    """Does it offer every photo, draw a PNG and leave no figure open?"""
    chooser, picture, caption = top_k_parts(top_k_explorer(untrained_classification))
    assert isinstance(chooser, ipywidgets.Dropdown)
    assert list(chooser.options) == ["cat", "rocket", "coffee"]
    assert chooser.value == "cat"
    assert bytes(picture.value).startswith(PNG_SIGNATURE)
    assert plt.get_fignums() == []


def test_an_untrained_network_is_labelled_on_every_photo(untrained_classification):
    """Does every caption of an untrained network say UNTRAINED and not a prediction?"""
    chooser, _, caption = top_k_parts(top_k_explorer(untrained_classification))
    for photo in ["rocket", "coffee", "cat"]:
        chooser.value = photo
        assert caption.value.startswith(
            "<b>UNTRAINED (random weights): not a prediction.</b>"
        )
        assert f"say nothing about the {photo}" in caption.value
        assert "make weights" in caption.value


def test_a_trained_network_lists_its_predictions(trained_classification):
    """With weights, does the caption list the top k with their probabilities?"""
    chooser, _, caption = top_k_parts(top_k_explorer(trained_classification, k=3))
    chooser.value = "rocket"
    state = photo_top_k(trained_classification, "rocket", k=3)
    listed = ", ".join(
        f"{name} {p:.1%}" for name, p in zip(state.labels, state.probabilities)
    )
    assert caption.value == (
        f"mobilenet_v3_small, ImageNet weights IMAGENET1K_V1. Top 3 for the rocket: "
        f"{listed}."
    )
    assert "UNTRAINED" not in caption.value


@pytest.mark.slow
def test_the_packaged_network_shows_real_predictions():
    """With the course's EfficientNet-Lite0, does the coffee's caption put espresso
    first, under the label of the installed weights, as lesson 06 shows it?"""
    lite0 = pretrained.load_efficientnet_lite0()
    result = pretrained.classify(lite0, {"coffee": load_photo("coffee")})
    chooser, _, caption = top_k_parts(top_k_explorer(result))
    assert chooser.value == "coffee"
    assert caption.value.startswith(
        "EfficientNet-Lite0, ImageNet weights (installed with the course). Top 5 for "
        "the coffee: espresso "
    )
    assert "UNTRAINED" not in caption.value


def test_choosing_a_photo_redraws_and_coming_back_restores(untrained_classification):
    """Does another photo change the picture, and the first photo bring it back?"""
    chooser, picture, _ = top_k_parts(top_k_explorer(untrained_classification))
    first = bytes(picture.value)
    chooser.value = "rocket"
    assert bytes(picture.value) != first
    chooser.value = "cat"
    assert bytes(picture.value) == first


def test_a_redrawn_photo_looks_as_if_drawn_from_scratch(untrained_classification):
    """Does a photo reached through the dropdown look as when the widget opens on it?"""
    chooser, picture, _ = top_k_parts(top_k_explorer(untrained_classification))
    chooser.value = "coffee"
    reordered = dataclasses.replace(
        untrained_classification,
        photos=("coffee", "cat", "rocket"),
        inputs=untrained_classification.inputs[[2, 0, 1]],
        logits=untrained_classification.logits[[2, 0, 1]],
        probabilities=untrained_classification.probabilities[[2, 0, 1]],
    )
    _, fresh, _ = top_k_parts(top_k_explorer(reordered))
    assert bytes(picture.value) == bytes(fresh.value)


# ------------------------- 08-what-networks-learn

from helpers.widgets import ChannelView, channel_view, feature_browser  # noqa: E402

BROWSER_PHOTO = load_photo("cat", size=(24, 36))  # (H, W, 3), small and not square


def browser_net() -> torch.nn.Sequential:
    """Two seeded conv blocks: 4 maps at full size, then 6 at half size."""
    with torch.random.fork_rng():
        torch.manual_seed(0)
        return torch.nn.Sequential(
            torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.ReLU()),
            torch.nn.Sequential(
                torch.nn.Conv2d(4, 6, 3, stride=2, padding=1), torch.nn.ReLU()
            ),
        ).eval()


def browser_parts(box):
    (controls, picture, caption) = box.children
    channel, layer = controls.children
    return channel, layer, picture, caption


def test_channel_view_is_that_channel_of_the_layer_output():
    """Is the view the layer's output at that channel, run through the net by hand?"""
    net = browser_net()
    X = torch.from_numpy(BROWSER_PHOTO).permute(2, 0, 1)[None]  # (1, 3, 24, 36)
    with torch.no_grad():
        maps = {"0": net[0](X), "1": net(X)}
    state = channel_view(maps, "1", 5)
    assert isinstance(state, ChannelView)
    assert state.shape == (1, 6, 12, 18) and state.num_channels == 6
    np.testing.assert_allclose(state.feature_map, maps["1"][0, 5].numpy(), rtol=1e-6)


@pytest.mark.parametrize(
    "layer, channel, message",
    [
        ("2", 0, r"no layer '2' in these feature maps; choose one of: 0, 1"),
        ("0", 4, r"channel must be an int from 0 to 3 \(0 has 4\), got 4"),
        ("0", 1.0, r"channel must be an int from 0 to 3"),
    ],
)
def test_channel_view_rejects_unknown_layers_and_channels(layer, channel, message):
    """Does a layer it was not given, or a channel out of range, get a clear error?"""
    maps = {"0": torch.zeros(1, 4, 5, 5), "1": torch.zeros(1, 6, 3, 3)}
    with pytest.raises(ValueError, match=message):
        channel_view(maps, layer, channel)


def test_channel_view_needs_one_photos_maps():
    """Does a batch of several photos, or a flat tensor, get a clear error?"""
    with pytest.raises(ValueError, match=r"must be a \(1, C, H, W\) tensor"):
        channel_view({"0": torch.zeros(2, 4, 5, 5)}, "0", 0)
    with pytest.raises(ValueError, match=r"maps must be a non-empty dict"):
        channel_view({}, "0", 0)


def test_feature_browser_has_a_slider_a_dropdown_a_picture_and_a_caption():
    """Does it offer every layer, a channel slider for the first, and no open figure?"""
    net = browser_net()
    channel, layer, picture, caption = browser_parts(
        feature_browser(net, BROWSER_PHOTO, ["0", "1"], label="UNTRAINED")
    )
    assert isinstance(channel, ipywidgets.IntSlider)
    assert (channel.min, channel.max, channel.value) == (0, 3, 0)
    assert isinstance(layer, ipywidgets.Dropdown)
    assert [value for _, value in layer.options] == ["0", "1"]
    assert bytes(picture.value).startswith(PNG_SIGNATURE)
    assert "computes 4 feature maps of 24×36" in caption.value
    assert plt.get_fignums() == []
    assert sum(len(m._forward_hooks) for m in net.modules()) == 0


def test_moving_the_feature_channel_redraws_and_coming_back_restores():
    """Does another channel change the picture, and channel 0 bring it back?"""
    channel, _, picture, caption = browser_parts(
        feature_browser(browser_net(), BROWSER_PHOTO, ["0", "1"])
    )
    first = bytes(picture.value)
    channel.value = 2
    assert bytes(picture.value) != first
    assert "Channel 2:" in caption.value
    channel.value = 0
    assert bytes(picture.value) == first


def test_a_smaller_layer_lowers_the_channel_and_its_range():
    """Does a layer with fewer channels cap the slider, and a larger one widen it?"""
    net = browser_net()
    channel, layer, _, caption = browser_parts(
        feature_browser(net, BROWSER_PHOTO, ["1", "0"])
    )
    channel.value = 5
    layer.value = "0"
    assert (channel.max, channel.value) == (3, 3)
    assert "computes 4 feature maps of 24×36" in caption.value
    assert "Channel 3:" in caption.value
    layer.value = "1"
    assert channel.max == 5
    assert "computes 6 feature maps of 12×18, one cell per 2×2 photo pixels" in (
        caption.value
    )


def test_a_redrawn_layer_looks_as_if_drawn_from_scratch():
    """Does a layer reached through the dropdown look as when the widget opens on it?"""
    net = browser_net()
    _, layer, picture, _ = browser_parts(
        feature_browser(net, BROWSER_PHOTO, ["0", "1"])
    )
    layer.value = "1"
    _, _, fresh, _ = browser_parts(feature_browser(net, BROWSER_PHOTO, ["1", "0"]))
    assert bytes(picture.value) == bytes(fresh.value)


def test_feature_browser_applies_the_preprocessing(monkeypatch):
    """Is the network given preprocess(photo), not the raw photo?"""
    seen = []
    real = features.feature_maps

    def recording(model, X, names):
        seen.append(X)
        return real(model, X, names)

    monkeypatch.setattr(features, "feature_maps", recording)
    feature_browser(browser_net(), BROWSER_PHOTO, ["0"], preprocess=lambda X: 2 * X - 1)
    expected = 2 * torch.from_numpy(BROWSER_PHOTO).permute(2, 0, 1)[None] - 1
    torch.testing.assert_close(seen[0], expected)


def test_feature_browser_rejects_bad_input_before_drawing():
    """Do an unknown layer and a uint8 photo fail with a clear error, and no figure?"""
    with pytest.raises(ValueError, match=r"Sequential has no module 'conv1'"):
        feature_browser(browser_net(), BROWSER_PHOTO, ["conv1"])
    with pytest.raises(ValueError, match=r"image has dtype uint8"):
        feature_browser(browser_net(), (BROWSER_PHOTO * 255).astype(np.uint8), ["0"])
    assert plt.get_fignums() == []


def test_feature_browser_browses_efficientnet_lite0_stages():
    """Does the lesson's widget offer Lite0's stem and 7 stages over the crop?"""
    from helpers import pretrained

    loaded = pretrained.load_efficientnet_lite0()
    photo = load_photo("cat", size=(224, 224))
    layers = ["bn1"] + [f"blocks.{i}" for i in range(7)]
    channel, layer, picture, caption = browser_parts(
        feature_browser(
            loaded.model,
            photo,
            layers,
            preprocess=lambda X: (X - 0.5) / 0.5,
            label=loaded.label,
        )
    )
    assert [value for _, value in layer.options] == layers
    assert channel.max == 31
    assert "computes 32 feature maps of 112×112, one cell per 2×2" in caption.value
    layer.value = "blocks.6"
    assert channel.max == 319
    assert "computes 320 feature maps of 7×7, one cell per 32×32" in caption.value
    assert bytes(picture.value).startswith(PNG_SIGNATURE)
    assert sum(len(m._forward_hooks) for m in loaded.model.modules()) == 0
    assert plt.get_fignums() == []


# ------------------------- 07-transfer-learning: augmented_versions, the preview

from helpers.widgets import (  # noqa: E402
    AUGMENTATIONS,
    augmentation_preview,
    augmented_versions,
)

AUGMENT_PHOTOS = {
    "noise": np.random.default_rng(7).random((24, 24, 3)).astype(np.float32),
    "ramp": np.repeat(
        np.linspace(0, 1, 24, dtype=np.float32)[None, :, None], 24, 0
    ).repeat(3, axis=2),
}


def preview_parts(box):
    (controls, picture, caption) = box.children
    strength, kind, photo = controls.children
    return strength, kind, photo, picture, caption


@pytest.mark.parametrize("name", AUGMENTATIONS)
def test_strength_zero_leaves_the_photo_unchanged(name):
    """At strength 0, is every version the photo itself?"""
    grid = augmented_versions(AUGMENT_PHOTOS, "noise", name, 0.0, count=3)
    assert grid.versions.shape == (3, 24, 24, 3)
    for version in grid.versions:
        np.testing.assert_allclose(version, AUGMENT_PHOTOS["noise"], atol=1e-6)


@pytest.mark.parametrize("name", AUGMENTATIONS)
def test_versions_differ_from_each_other_and_repeat_for_a_seed(name):
    """Does each version draw new parameters, and a seed give the same grid?"""
    first = augmented_versions(AUGMENT_PHOTOS, "noise", name, 0.5, count=6, seed=1)
    again = augmented_versions(AUGMENT_PHOTOS, "noise", name, 0.5, count=6, seed=1)
    np.testing.assert_array_equal(first.versions, again.versions)
    distinct = {version.tobytes() for version in first.versions}
    assert len(distinct) > 1
    assert 0 <= first.versions.min() and first.versions.max() <= 1


def test_a_full_strength_flip_mirrors_every_version():
    grid = augmented_versions(AUGMENT_PHOTOS, "ramp", "horizontal flip", 1.0, count=4)
    for version in grid.versions:
        np.testing.assert_allclose(version, AUGMENT_PHOTOS["ramp"][:, ::-1])
    assert "RandomHorizontalFlip(p=1.0)" in grid.pipeline


def test_augmented_versions_leaves_the_random_state_alone():
    state = torch.get_rng_state()
    augmented_versions(AUGMENT_PHOTOS, "noise", AUGMENTATIONS[-1], 0.5)
    assert torch.equal(state, torch.get_rng_state())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("cat", "rotation", 0.5), "no photo 'cat'"),
        (("noise", "blur", 0.5), "augmentation must be one of"),
        (("noise", "rotation", 1.5), "strength must be from 0 to 1"),
        (("noise", "rotation", "high"), "strength must be a number"),
    ],
)
def test_augmented_versions_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        augmented_versions(AUGMENT_PHOTOS, *args)


def test_augmented_versions_needs_a_square_photo():
    with pytest.raises(ValueError, match="must be a square"):
        augmented_versions({"wide": np.zeros((8, 12, 3), np.float32)}, "wide",
                           "rotation", 0.5)  # fmt: skip


def test_augmentation_preview_has_its_controls_a_picture_and_a_caption():
    strength, kind, photo, picture, caption = preview_parts(
        augmentation_preview(AUGMENT_PHOTOS)
    )
    assert isinstance(strength, ipywidgets.FloatSlider) and strength.value == 0.5
    assert list(kind.options) == list(AUGMENTATIONS)
    assert list(photo.options) == ["noise", "ramp"]
    assert bytes(picture.value).startswith(PNG_SIGNATURE)
    assert "8 random versions of the noise" in caption.value
    assert plt.get_fignums() == []


def test_moving_the_strength_redraws_and_coming_back_restores():
    strength, kind, photo, picture, caption = preview_parts(
        augmentation_preview(AUGMENT_PHOTOS)
    )
    first = bytes(picture.value)
    strength.value = 1.0
    assert bytes(picture.value) != first
    strength.value = 0.5
    assert bytes(picture.value) == first
    photo.value = "ramp"
    assert "versions of the ramp" in caption.value
