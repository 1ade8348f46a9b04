"""Unit tests for helpers.textures: the photos, the patches and the small CNN."""

import numpy as np
import pytest
import torch

from helpers import textures


def test_texture_photos_are_colour_floats_no_larger_than_max_side():
    """Does every photo load offline as (H, W, 3) floats in [0, 1]?"""
    for name in textures.PHOTO_LOADERS:
        photo = textures.texture_photo(name)
        assert photo.dtype == np.float32 and photo.ndim == 3 and photo.shape[2] == 3
        assert 0 <= photo.min() and photo.max() <= 1
        assert min(photo.shape[:2]) <= textures.MAX_SIDE


def test_texture_photo_returns_a_copy():
    """Can a caller scribble on a photo without changing the next one?"""
    textures.texture_photo("brick")[:] = 0
    assert textures.texture_photo("brick").max() > 0


def test_the_target_photos_are_ten_bundled_photos():
    assert len(set(textures.TARGET_PHOTOS)) == 10
    assert set(textures.TARGET_PHOTOS) <= set(textures.PHOTO_LOADERS)


def test_patches_have_the_shape_labels_and_range_asked_for():
    """Do sample_patches return (N, C, 48, 48) patches labelled by photo?"""
    X, y = textures.sample_patches(["brick", "grass", "coffee"], "val", 4, seed=0)
    assert X.shape == (12, 1, 48, 48) and X.dtype == torch.float32
    assert y.tolist() == [0] * 4 + [1] * 4 + [2] * 4
    assert 0 <= X.min() and X.max() <= 1
    X_colour, _ = textures.sample_patches(["coffee"], "test", 2, seed=0, gray=False)
    assert X_colour.shape == (2, 3, 48, 48)
    X_small, _ = textures.sample_patches(["coffee"], "test", 2, seed=0, size=16)
    assert X_small.shape == (2, 1, 16, 16)


def test_patches_are_the_same_for_a_seed_and_differ_for_another():
    """Is the sampling deterministic, and does the seed matter?"""
    first, _ = textures.sample_patches(["gravel"], "train", 5, seed=3)
    again, _ = textures.sample_patches(["gravel"], "train", 5, seed=3)
    other, _ = textures.sample_patches(["gravel"], "train", 5, seed=4)
    assert torch.equal(first, again) and not torch.equal(first, other)


def test_patches_of_each_split_stay_inside_its_band():
    """Does no test patch overlap a training patch? A photo with one column per
    pixel value tells where each patch was cut."""
    width = 400
    ramp = np.tile(np.arange(width, dtype=np.float32) / width, (100, 1))
    textures.PHOTO_LOADERS["ramp"] = lambda: ramp
    try:
        for split, (start, stop) in textures.SPLIT_BANDS.items():
            X, _ = textures.sample_patches(["ramp"], split, 50, seed=1)
            columns = torch.round(X[:, 0, 0] * width)  # (N, 48) column indices
            assert columns.min() >= round(start * width)
            assert columns.max() < round(stop * width)
    finally:
        del textures.PHOTO_LOADERS["ramp"]
        textures._texture_photo.cache_clear()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((["nope"], "train", 1, 0), "unknown photo 'nope'"),
        ((["brick"], "training", 1, 0), "split must be one of"),
        ((["brick"], "train", 0, 0), "per_photo must be a positive int"),
    ],
)
def test_sample_patches_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        textures.sample_patches(*args)


def test_texture_net_has_features_of_conv_blocks_a_pool_and_a_head():
    """Is the interface that 08 relies on there: features[i][0] a Conv2d, a head?"""
    net = textures.TextureNet(num_classes=5, in_channels=3, widths=(8, 16))
    assert isinstance(net.features, torch.nn.Sequential) and len(net.features) == 2
    assert all(isinstance(block[0], torch.nn.Conv2d) for block in net.features)
    assert isinstance(net.head, torch.nn.Linear) and net.head.out_features == 5
    X = torch.rand(4, 3, 32, 32)  # (N, C, H, W)
    assert net(X).shape == (4, 5) and net.embed(X).shape == (4, 16)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_classes": 0}, "num_classes must be a positive int"),
        ({"in_channels": 2.0}, "in_channels must be a positive int"),
        ({"widths": ()}, "widths must be a non-empty tuple"),
        ({"widths": (8, -1)}, "widths must be a non-empty tuple"),
    ],
)
def test_texture_net_rejects_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        textures.TextureNet(**kwargs)
