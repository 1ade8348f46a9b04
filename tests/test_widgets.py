"""Unit tests for helpers.widgets: the sliding window, as a function and a widget."""

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from helpers.widgets import WindowStep, render_png, sliding_window, sliding_window_step

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
