"""Input checks shared by the public helpers.

Each raises a ValueError that says what was wrong and what is expected, so a
student who passes the wrong thing learns how to fix it.
"""

import numbers

import numpy as np
import torch


def is_whole(value) -> bool:
    """The one rule for an integer argument of a helper: a Python or NumPy integer
    (``3``, ``np.int64(3)``), not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real(value) -> bool:
    """The one rule for a number argument: a Python or NumPy integer or float, not
    a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def as_array(
    x,
    name: str,
    *,
    ndims: tuple[int, ...] = (2,),
    floating: bool = False,
    allow_nan: bool = False,
) -> np.ndarray:
    """Return ``x`` as a float NumPy array after checking its type, dtype and shape.

    ``floating=True`` rejects integer arrays (images must be floats in [0, 1]);
    otherwise any real numbers are accepted (kernels are often written as ints).
    ``allow_nan=True`` accepts NaN, which drawings show as blank cells.
    """
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    if not isinstance(x, np.ndarray):
        raise ValueError(
            f"{name} must be a NumPy array or a torch tensor, got {type(x).__name__}; "
            f"wrap it with np.asarray(...)."
        )
    real = np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating)
    if not real:
        raise ValueError(
            f"{name} must hold real numbers, got dtype {x.dtype}; "
            f"convert it with .astype(np.float32)."
        )
    if floating and not np.issubdtype(x.dtype, np.floating):
        raise ValueError(
            f"{name} has dtype {x.dtype}, but images here are floats in [0, 1]; "
            f"convert it with x.astype(np.float32) / 255 "
            f"(or use helpers.images.load_photo)."
        )
    if x.ndim not in ndims:
        expected = " or ".join(f"{n}-D" for n in ndims)
        raise ValueError(
            f"{name} must be {expected}, got {x.ndim}-D with shape {x.shape}."
        )
    if x.size == 0:
        raise ValueError(
            f"{name} is empty (shape {x.shape}); it needs at least one value."
        )
    finite = np.isfinite(x) | (allow_nan & np.isnan(x))
    if not finite.all():
        raise ValueError(
            f"{name} holds NaN or infinite values; replace them before plotting."
        )
    return x.astype(np.float64 if x.dtype == np.float64 else np.float32, copy=False)


def check_fits(image: np.ndarray, kernel: np.ndarray) -> None:
    """Raise if the kernel cannot be placed inside the image even once."""
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise ValueError(
            f"the kernel {kernel.shape} is larger than the image {image.shape[:2]}: "
            f"a valid (unpadded) window must fit inside the image; "
            f"use a smaller kernel."
        )


def as_index(value, name: str, count: int, meaning: str) -> int:
    """Return ``value`` as an int after checking it is one from 0 to count - 1.

    ``meaning`` says what the positions are, for the error message.
    """
    if not is_whole(value) or not 0 <= value < count:
        raise ValueError(
            f"{name} must be an int from 0 to {count - 1} ({meaning}), got {value!r}."
        )
    return int(value)


def as_whole_number(value, name: str, minimum: int) -> int:
    """``value`` as an int, after checking that it is a whole number >= ``minimum``."""
    if not is_whole(value) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}.")
    return int(value)


def as_photo_dict(photos) -> dict:
    """One photo or a dict of them by name, as a non-empty dict."""
    if isinstance(photos, (np.ndarray, torch.Tensor)):
        return {"given": photos}  # the caption reads "on the given photo"
    if (
        not isinstance(photos, dict)
        or not photos
        or not all(isinstance(name, str) for name in photos)
    ):
        raise ValueError(
            "photos must be one (H, W, 3) photo or a non-empty dict of them by name, "
            f"got {type(photos).__name__}."
        )
    return photos
