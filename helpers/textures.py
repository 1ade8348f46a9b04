"""The target task of unit 07, and the small CNN that learns it from scratch.

The task: which of ten photos that ship with scikit-image does a grey patch come
from? :func:`sample_patches` cuts the patches from three bands of every photo
(training, validation and test never overlap); :class:`TextureNet` is the small
CNN of three convolution blocks that unit 07 trains from scratch on them, against
transfer from the course's ImageNet network. Introduced in 07-transfer-learning.
"""

from __future__ import annotations

import functools

import numpy as np
import torch
from skimage import color, data, transform
from torch import nn

from helpers._validation import is_whole

__all__ = [
    "PATCH_SIZE",
    "TARGET_PHOTOS",
    "TextureNet",
    "conv_block",
    "sample_patches",
    "texture_photo",
]


def conv_block(in_channels: int, out_channels: int) -> nn.Sequential:
    """3x3 convolution, batch norm, ReLU, 2x2 max pooling: halves H and W."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(2),
    )


class TextureNet(nn.Module):
    """A small CNN: ``features`` (conv blocks), global average ``pool``, ``head``.

    ``features[i]`` is block i: Conv2d, BatchNorm2d, ReLU, MaxPool2d.
    ``embed(X)`` gives the pooled features that the head classifies, (N, widths[-1]).
    Introduced in 07-transfer-learning.
    """

    def __init__(
        self,
        num_classes: int = 12,
        in_channels: int = 1,
        widths: tuple[int, ...] = (16, 32, 64),
    ) -> None:
        super().__init__()
        for name, value in (("num_classes", num_classes), ("in_channels", in_channels)):
            if not is_whole(value) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}.")
        widths = tuple(widths)
        if not widths or not all(is_whole(w) and w > 0 for w in widths):
            raise ValueError(
                f"widths must be a non-empty tuple of positive ints, got {widths!r}."
            )
        self.widths = widths = tuple(int(w) for w in widths)
        num_classes, in_channels = int(num_classes), int(in_channels)
        channels = (in_channels, *widths)
        self.features = nn.Sequential(
            *(conv_block(c_in, c_out) for c_in, c_out in zip(channels, widths))
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(widths[-1], num_classes)

    def embed(self, X: torch.Tensor) -> torch.Tensor:
        """(N, C, H, W) patches -> (N, widths[-1]) pooled features."""
        return self.pool(self.features(X)).flatten(1)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """(N, C, H, W) patches -> (N, num_classes) logits."""
        return self.head(self.embed(X))


PATCH_SIZE = 48  # patches are PATCH_SIZE x PATCH_SIZE pixels
MAX_SIDE = 512  # larger photos are shrunk so that their shorter side is this
# Which part of every photo each split draws its patches from, as fractions of the
# photo's width: the bands do not overlap, so neither do the patches.
SPLIT_BANDS = {"train": (0.0, 0.7), "val": (0.7, 0.85), "test": (0.85, 1.0)}
PHOTO_LOADERS = {
    "astronaut": data.astronaut,
    "brick": data.brick,
    "camera": data.camera,
    "cat": data.chelsea,
    "cell": data.cell,
    "clock": data.clock,
    "coffee": data.coffee,
    "coins": data.coins,
    "colorwheel": data.colorwheel,
    "grass": data.grass,
    "gravel": data.gravel,
    "horse": data.horse,
    "hubble": data.hubble_deep_field,
    "immunohistochemistry": data.immunohistochemistry,
    "logo": data.logo,
    "moon": data.moon,
    "motorcycle": lambda: data.stereo_motorcycle()[0],
    "page": data.page,
    "phantom": data.shepp_logan_phantom,
    "retina": data.retina,
    "rocket": data.rocket,
    "text": data.text,
}

# The ten photos of the target task.
TARGET_PHOTOS = (
    "brick", "grass", "gravel", "coffee", "cat",
    "rocket", "coins", "moon", "cell", "immunohistochemistry",
)  # fmt: skip


def texture_photo(name: str) -> np.ndarray:
    """A bundled photo as float32 (H, W, 3) in [0, 1], shorter side <= MAX_SIDE."""
    if name not in PHOTO_LOADERS:
        raise ValueError(
            f"unknown photo {name!r}; choose one of: {', '.join(PHOTO_LOADERS)}."
        )
    return _texture_photo(name).copy()  # a copy: the cached one stays as it is


@functools.cache
def _texture_photo(name: str) -> np.ndarray:
    photo = np.asarray(PHOTO_LOADERS[name]())
    if photo.dtype == bool:
        photo = photo.astype(np.float32)
    elif np.issubdtype(photo.dtype, np.integer):
        photo = photo.astype(np.float32) / np.iinfo(photo.dtype).max
    photo = photo.astype(np.float32)
    if photo.ndim == 2:
        photo = np.repeat(photo[:, :, None], 3, axis=2)
    photo = photo[:, :, :3]  # the logo has an alpha channel
    scale = MAX_SIDE / min(photo.shape[:2])
    if scale < 1:
        shape = (round(photo.shape[0] * scale), round(photo.shape[1] * scale))
        photo = transform.resize(photo, shape, anti_aliasing=True)
    return np.clip(photo, 0, 1).astype(np.float32)


def sample_patches(
    photos,
    split: str,
    per_photo: int,
    seed: int,
    *,
    gray: bool = True,
    size: int = PATCH_SIZE,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Random ``size`` x ``size`` patches from ``split``'s band of each photo,
    labelled by photo.

    Returns X, (N, C, size, size) float32 in [0, 1] with C = 1 when ``gray``
    else 3, and y, (N,) the index of each patch's photo in ``photos``.
    The same arguments give the same patches. Introduced in 07-transfer-learning.
    """
    if split not in SPLIT_BANDS:
        raise ValueError(f"split must be one of {list(SPLIT_BANDS)}, got {split!r}.")
    if not is_whole(per_photo) or per_photo < 1:
        raise ValueError(f"per_photo must be a positive int, got {per_photo!r}.")
    per_photo = int(per_photo)
    rng = np.random.default_rng(seed)
    start, stop = SPLIT_BANDS[split]
    patches, labels = [], []
    for label, name in enumerate(photos):
        photo = texture_photo(name)
        if gray:
            photo = color.rgb2gray(photo)[:, :, None].astype(np.float32)
        height, width = photo.shape[:2]
        left, right = round(start * width), round(stop * width) - size
        if right < left or height < size:
            raise ValueError(
                f"photo {name!r} ({height}x{width}) is too small for "
                f"{size}x{size} patches in its {split!r} band."
            )
        rows = rng.integers(0, height - size + 1, per_photo)
        cols = rng.integers(left, right + 1, per_photo)
        for row, col in zip(rows, cols):
            patches.append(photo[row : row + size, col : col + size])
        labels += [label] * per_photo
    X = torch.from_numpy(np.stack(patches).transpose(0, 3, 1, 2).copy())
    return X, torch.tensor(labels)
