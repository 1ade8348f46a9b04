"""Unit tests for helpers.images: bundled photos and the (1, C, H, W) tensor layout."""

import numpy as np
import pytest
import torch
from skimage import data

from helpers.images import PHOTOS, load_photo, to_tensor

COLOUR = {"astronaut", "cat", "coffee", "rocket"}


@pytest.mark.parametrize("name", sorted(PHOTOS))
def test_every_photo_is_float32_in_unit_range(name):
    """Does every photo load as float32 in [0, 1], laid out (H, W) or (H, W, 3)?"""
    photo = load_photo(name)
    assert isinstance(photo, np.ndarray)
    assert photo.dtype == np.float32
    assert 0.0 <= photo.min() and photo.max() <= 1.0
    raw = PHOTOS[name]()
    if name in COLOUR:
        assert photo.shape == raw.shape and photo.shape[2] == 3
    else:
        assert photo.shape == raw.shape and photo.ndim == 2


def test_photo_values_are_the_raw_pixels_over_255():
    """Is each value the photo's 8-bit pixel divided by 255 (no other change)?"""
    photo = load_photo("camera")
    np.testing.assert_allclose(photo, data.camera() / 255.0, atol=1e-6)
    assert photo.max() == 1.0 and photo.min() == 0.0


def test_cat_is_chelsea():
    """Is the course's "cat" scikit-image's chelsea photo, in colour?"""
    np.testing.assert_allclose(load_photo("cat"), data.chelsea() / 255.0, atol=1e-6)


def test_gray_turns_colour_into_luminance():
    """Does gray=True give an (H, W) float32 luminance of a colour photo?"""
    colour = load_photo("astronaut")
    gray = load_photo("astronaut", gray=True)
    assert gray.shape == colour.shape[:2]
    assert gray.dtype == np.float32
    luminance = colour @ np.array([0.2125, 0.7154, 0.0721], dtype=np.float32)
    np.testing.assert_allclose(gray, luminance, atol=1e-5)


def test_gray_leaves_a_grayscale_photo_alone():
    """Does gray=True leave an already grayscale photo unchanged?"""
    np.testing.assert_array_equal(load_photo("coins", gray=True), load_photo("coins"))


@pytest.mark.parametrize("name", sorted(PHOTOS))
def test_every_photo_resizes_to_a_square(name):
    """Does size=32 resize every photo to 32 x 32, keeping its channels and range?"""
    photo = load_photo(name, size=32)
    expected = (32, 32, 3) if name in COLOUR else (32, 32)
    assert photo.shape == expected
    assert photo.dtype == np.float32
    assert 0.0 <= photo.min() and photo.max() <= 1.0


def test_resizes_to_height_and_width():
    """Does size=(height, width) give exactly that many rows and columns?"""
    assert load_photo("camera", size=(24, 40)).shape == (24, 40)
    assert load_photo("coffee", size=(24, 40)).shape == (24, 40, 3)
    assert load_photo("coffee", gray=True, size=(24, 40)).shape == (24, 40)


def test_resizing_keeps_the_picture():
    """Is a resized photo the same picture, smaller (same brightness, same blocks)?"""
    full = load_photo("camera")
    small = load_photo("camera", size=64)
    assert abs(small.mean() - full.mean()) < 0.01
    # Block means of the original match the small photo, up to anti-aliasing blur.
    blocks = full.reshape(64, 8, 64, 8).mean(axis=(1, 3))
    assert np.abs(small - blocks).mean() < 0.05


def test_resizing_is_anti_aliased():
    """Does shrinking a fine texture average it out, rather than keep every other speck?

    Grass is detail finer than the new pixels: anti-aliasing blurs it to nearly
    flat gray; plain subsampling would keep almost all of its contrast.
    """
    full = load_photo("grass")
    small = load_photo("grass", size=32)
    assert small.std() < 0.5 * full[::16, ::16].std()


def test_rejects_an_unknown_name_with_the_choices():
    """Does load_photo reject an unknown name with the list of choices?"""
    with pytest.raises(
        ValueError, match=r"unknown photo 'dog'; choose one of: astronaut, brick, .*cat"
    ):
        load_photo("dog")


@pytest.mark.parametrize("name", ["Cat", "", None, 3, ["cat"]])
def test_rejects_names_that_are_not_photo_names(name):
    """Does load_photo reject a wrong-case, empty or non-str name with ValueError?"""
    with pytest.raises(ValueError, match=r"unknown photo .*; choose one of: .*camera"):
        load_photo(name)


@pytest.mark.parametrize(
    "size",
    [0, -4, 2.5, "32", [32, 32], (32,), (32, 32, 3), (0, 8), (8, 1.5), True, (True, 8)],
)
def test_rejects_a_bad_size(size):
    """Does load_photo reject a size that is not a positive int or (height, width)?"""
    with pytest.raises(
        ValueError,
        match=r"size must be a positive int or a \(height, width\) tuple of them, got",
    ):
        load_photo("camera", size=size)


def test_to_tensor_gray_is_1_1_h_w():
    """Does to_tensor give a float32 (1, 1, H, W) tensor for an (H, W) image?"""
    image = load_photo("coins", size=(20, 30))
    x = to_tensor(image)
    assert isinstance(x, torch.Tensor)
    assert x.dtype == torch.float32
    assert tuple(x.shape) == (1, 1, 20, 30)
    np.testing.assert_array_equal(x[0, 0].numpy(), image)


def test_to_tensor_colour_is_1_3_h_w_and_round_trips():
    """Does to_tensor give (1, 3, H, W) with channel c equal to image[:, :, c]?"""
    image = load_photo("astronaut", size=(16, 12))
    x = to_tensor(image)
    assert tuple(x.shape) == (1, 3, 16, 12)
    for c in range(3):
        np.testing.assert_array_equal(x[0, c].numpy(), image[:, :, c])
    np.testing.assert_array_equal(x[0].permute(1, 2, 0).numpy(), image)
    assert x.is_contiguous()


def test_to_tensor_is_a_copy():
    """Does editing the tensor in place leave the student's image as it was?"""
    for image in (
        np.full((4, 5), 0.5, dtype=np.float32),
        np.full((4, 5, 3), 0.5, dtype=np.float32),
    ):
        to_tensor(image).sub_(0.5)
        assert np.all(image == 0.5)


def test_to_tensor_matches_torch_layout_for_conv2d():
    """Does to_tensor's layout feed straight into F.conv2d (N, C, H, W)?"""
    image = np.arange(12, dtype=np.float32).reshape(3, 4) / 11
    x = to_tensor(image)
    out = torch.nn.functional.conv2d(x, torch.ones(1, 1, 2, 2))
    assert tuple(out.shape) == (1, 1, 2, 3)
    assert out[0, 0, 0, 0].item() == pytest.approx((0 + 1 + 4 + 5) / 11)


def test_to_tensor_accepts_float64_and_tensors():
    """Does to_tensor accept float64 arrays and torch tensors, returning float32?"""
    image = np.linspace(0, 1, 6).reshape(2, 3)
    x = to_tensor(image)
    assert x.dtype == torch.float32
    np.testing.assert_allclose(x[0, 0].numpy(), image, atol=1e-7)
    y = to_tensor(torch.tensor(image))
    assert tuple(y.shape) == (1, 1, 2, 3)
    np.testing.assert_allclose(y[0, 0].numpy(), image, atol=1e-7)


def test_to_tensor_rejects_uint8_with_the_fix():
    """Does to_tensor reject a uint8 image, saying images are floats in [0, 1]?"""
    with pytest.raises(
        ValueError,
        match=r"image has dtype uint8, but images here are floats in \[0, 1\].*/ 255",
    ):
        to_tensor(data.camera())


@pytest.mark.parametrize("dtype", [bool, np.complex64])
def test_to_tensor_rejects_bool_and_complex(dtype):
    """Does to_tensor reject bool and complex arrays, naming the dtype and the fix?"""
    with pytest.raises(
        ValueError,
        match=r"image must hold real numbers, got dtype .*astype\(np.float32\)",
    ):
        to_tensor(np.zeros((4, 4), dtype=dtype))


@pytest.mark.parametrize("image", ["camera", [[0.1, 0.2]], None, 0.5])
def test_to_tensor_rejects_non_arrays(image):
    """Does to_tensor reject a str, list, None or number, asking for an array?"""
    with pytest.raises(
        ValueError,
        match=r"image must be a NumPy array or a torch tensor, got \w+; wrap it",
    ):
        to_tensor(image)


@pytest.mark.parametrize("shape", [(5,), (1, 1, 4, 4)])
def test_to_tensor_rejects_wrong_dimensions(shape):
    """Does to_tensor reject a 1-D or 4-D array, asking for 2-D or 3-D?"""
    with pytest.raises(
        ValueError, match=rf"image must be 2-D or 3-D, got {len(shape)}-D with shape"
    ):
        to_tensor(np.zeros(shape, dtype=np.float32))


def test_to_tensor_rejects_empty_and_nan():
    """Does to_tensor reject an empty image and one holding NaN?"""
    with pytest.raises(ValueError, match=r"image is empty \(shape \(0, 3\)\)"):
        to_tensor(np.zeros((0, 3), dtype=np.float32))
    with pytest.raises(ValueError, match=r"image holds NaN or infinite values"):
        to_tensor(np.array([[0.0, np.nan]], dtype=np.float32))
