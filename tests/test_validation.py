"""Do the helpers read integer and number arguments by one rule: Python and NumPy
integers (and, for numbers, floats) accepted, bools and everything else refused?"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import helpers
from helpers import images, plots, textures
from helpers._validation import as_index, as_whole_number, is_real, is_whole


@pytest.mark.parametrize("value", [3, np.int64(3), np.int32(3), np.uint8(3)])
def test_python_and_numpy_integers_are_whole(value):
    assert is_whole(value) and is_real(value)


@pytest.mark.parametrize("value", [True, np.bool_(True), 3.0, "3", None, (3,)])
def test_bools_floats_and_others_are_not_whole(value):
    assert not is_whole(value)


@pytest.mark.parametrize("value", [2.5, np.float32(2.5), np.float64(2.5), 2])
def test_floats_are_real(value):
    assert is_real(value)


@pytest.mark.parametrize("value", [True, "2.5", None, 2 + 0j])
def test_bools_strings_and_complex_are_not_real(value):
    assert not is_real(value)


def test_helpers_take_numpy_integers_where_they_take_ints():
    """The same call with np.int64 where an int goes: each returns what the int
    gives, as Python ints where it keeps them."""
    three = np.int64(3)
    helpers.setup(np.int64(0))
    assert as_index(np.int64(2), "row", 5, "rows") == 2
    assert type(as_whole_number(three, "size", 1)) is int
    photo = images.load_photo("cat", size=(np.int64(12), np.int64(16)))
    assert photo.shape == images.load_photo("cat", size=(12, 16)).shape
    net = textures.TextureNet(num_classes=three, widths=(np.int64(4), np.int64(8)))
    assert net.widths == (4, 8) and net(torch.zeros(1, 1, 16, 16)).shape == (1, 3)
    photos = textures.TARGET_PHOTOS[:2]
    patches, _ = textures.sample_patches(photos, "train", np.int64(2), 0)
    assert len(patches) == 2 * len(photos)
    figure = plots.show_grid([np.zeros((4, 4))] * 3, ["a", "b", "c"], ncols=three)
    assert len(figure.axes) == 3


@pytest.mark.parametrize("bad", [True, 2.0, "2"])
def test_helpers_refuse_bools_and_floats_as_ints(bad):
    with pytest.raises(ValueError, match="seed must be a non-negative int"):
        helpers.setup(bad)
    with pytest.raises(ValueError, match="per_photo must be a positive int"):
        textures.sample_patches(textures.TARGET_PHOTOS[:2], "train", bad, 0)
