"""Real photos that ship with scikit-image, ready for convolution.

Every photo comes back as a ``float32`` NumPy array with values in [0, 1], laid
out as (H, W) for grayscale or (H, W, 3) for colour: the layout matplotlib
draws. :func:`to_tensor` turns one into PyTorch's (N, C, H, W) layout.
None of these needs the network: the files are inside the scikit-image package.
Introduced in 01-convolution-by-hand.
"""

import numpy as np
import torch
from skimage import color, data, transform

from helpers._validation import as_array, is_whole

__all__ = ["PHOTOS", "load_photo", "to_tensor"]

# Course name -> scikit-image loader. Only photos bundled with the package, so
# every one of them loads offline.
PHOTOS = {
    "astronaut": data.astronaut,
    "brick": data.brick,
    "camera": data.camera,
    "cat": data.chelsea,
    "checkerboard": data.checkerboard,
    "clock": data.clock,
    "coffee": data.coffee,
    "coins": data.coins,
    "grass": data.grass,
    "gravel": data.gravel,
    "moon": data.moon,
    "rocket": data.rocket,
    "text": data.text,
}


def load_photo(
    name: str, *, gray: bool = False, size: int | tuple[int, int] | None = None
) -> np.ndarray:
    """Load a bundled photo as float32 in [0, 1], shape (H, W) or (H, W, 3).

    ``gray=True`` converts a colour photo to luminance. ``size`` resizes to
    ``size`` x ``size`` (an int) or to (height, width), with anti-aliasing.
    """
    if not isinstance(name, str) or name not in PHOTOS:
        raise ValueError(f"unknown photo {name!r}; choose one of: {', '.join(PHOTOS)}.")
    photo = PHOTOS[name]()
    photo = photo.astype(np.float32) / np.float32(np.iinfo(photo.dtype).max)
    if gray and photo.ndim == 3:
        photo = color.rgb2gray(photo).astype(np.float32)
    if size is not None:
        height, width = _parse_size(size)
        photo = transform.resize(photo, (height, width), anti_aliasing=True).astype(
            np.float32
        )
    return np.clip(photo, 0.0, 1.0)


def to_tensor(image) -> torch.Tensor:
    """Turn an (H, W) or (H, W, C) image into a float32 tensor of shape (1, C, H, W)."""
    image = as_array(image, "image", ndims=(2, 3), floating=True)
    if image.ndim == 2:
        image = image[:, :, None]
    # A copy, so editing the tensor in place never changes the student's image.
    channels_first = np.array(image.transpose(2, 0, 1), dtype=np.float32, order="C")
    return torch.from_numpy(channels_first)[None]


def _parse_size(size) -> tuple[int, int]:
    pair = (size, size) if is_whole(size) else size
    ok = (
        isinstance(pair, tuple)
        and len(pair) == 2
        and all(is_whole(n) and n > 0 for n in pair)
    )
    if not ok:
        raise ValueError(
            "size must be a positive int or a (height, width) tuple of them, "
            f"got {size!r}."
        )
    return int(pair[0]), int(pair[1])
