"""Friendly checks for exercises: type first, then shape, then values.

A failed check raises ``AssertionError`` with a message that says what was
expected, what came back, and the likely mistake with its fix. The expected
values always come from the test cell (computed with PyTorch or a closed form),
never from here: this module holds no answers.

``mistakes`` maps a description of a common mistake to the value that mistake
would produce, e.g. ``{"you flipped the kernel ...": F.conv2d(x, flipped)}``; a
wrong answer equal to one of them is reported with that description.
Introduced in 01-convolution-by-hand.
"""

import numpy as np
import torch

from helpers._validation import is_real, is_whole

__all__ = ["check_number", "check_count", "check_shape", "check_array"]

# How a failed check names the likely mistake; the grader's report looks for it.
LIKELY_MISTAKE = "Likely mistake: "


def check_number(
    actual,
    expected: float,
    name: str,
    *,
    mistakes: dict | None = None,
    tol: float = 1e-6,
) -> None:
    """Check that ``actual`` is a real number close to ``expected``."""
    if isinstance(actual, torch.Tensor) and actual.numel() == 1:
        _fail(
            name,
            "a Python number",
            f"a one-element tensor ({actual!r})",
            "call .item() on it",
        )
    if isinstance(actual, np.ndarray) and actual.size == 1:
        _fail(
            name,
            "a Python number",
            f"a one-element array ({actual!r})",
            "call .item() on it",
        )
    if not is_real(actual):
        _fail(name, "a number", _describe(actual), _missing_return(actual))
    value = float(actual)
    if abs(value - expected) <= tol * max(1.0, abs(expected)):
        return
    for description, wrong in (mistakes or {}).items():
        if abs(value - float(wrong)) <= tol * max(1.0, abs(float(wrong))):
            _fail(name, _short(expected), _short(value), description)
    _fail(
        name, _short(expected), _short(value), "recompute it step by step and compare"
    )


def check_count(
    actual, expected: int, name: str, *, mistakes: dict | None = None
) -> None:
    """Check that ``actual`` is a whole number (an int) equal to ``expected``."""
    check_number(actual, expected, name, mistakes=mistakes, tol=0)
    if not is_whole(actual):
        _fail(
            name,
            "an int",
            _describe(actual),
            "a count is a whole number; use int(...) or //, not /",
        )


def check_shape(
    actual, expected: tuple[int, ...], name: str, *, mistakes: dict | None = None
) -> None:
    """Check that ``actual`` is a tuple of ints equal to ``expected`` (a shape)."""
    if isinstance(actual, (torch.Size, list)):
        actual = tuple(actual)
    if not isinstance(actual, tuple) or not all(is_whole(n) for n in actual):
        _fail(
            name,
            f"a tuple of ints like {expected}",
            _describe(actual),
            _missing_return(actual),
        )
    actual = tuple(int(n) for n in actual)
    if actual == tuple(expected):
        return
    _fail(name, expected, actual, _shape_mistake(actual, tuple(expected), mistakes))


def check_array(
    actual, expected, name: str, *, mistakes: dict | None = None, atol: float = 1e-5
) -> None:
    """Check that ``actual`` is a float array with the shape and values expected."""
    expected = _to_numpy(expected)
    if isinstance(actual, torch.Tensor):
        _fail(
            name,
            "a NumPy array",
            f"a torch tensor {tuple(actual.shape)}",
            "return a NumPy array: convert with tensor.numpy()",
        )
    if not isinstance(actual, np.ndarray):
        _fail(name, "a NumPy array", _describe(actual), _missing_return(actual))
    # A plain ndarray from here on: a subclass cannot bend the comparisons.
    actual = np.asarray(actual)
    if np.issubdtype(expected.dtype, np.floating) and not np.issubdtype(
        actual.dtype, np.floating
    ):
        _fail(
            name,
            "an array of floats",
            f"an array of dtype {actual.dtype}",
            "wrong dtype: the result must hold floats; an array made with "
            "np.zeros_like of an integer array, or with dtype=int, rounds every value "
            "(create it with np.zeros(shape) or convert with .astype(float))",
        )
    if actual.shape != expected.shape:
        _fail(
            name,
            f"shape {expected.shape}",
            f"shape {actual.shape}",
            _shape_mistake(actual.shape, expected.shape, _shapes_of(mistakes)),
        )
    if np.allclose(actual, expected, atol=atol, rtol=1e-5):
        return
    for description, wrong in (mistakes or {}).items():
        wrong = _to_numpy(wrong)
        if wrong.shape == actual.shape and np.allclose(
            actual, wrong, atol=atol, rtol=1e-5
        ):
            _fail(
                name, "other values", "values that match a common mistake", description
            )
    if (
        actual.ndim == 2
        and actual.shape[0] == actual.shape[1]
        and np.allclose(actual, expected.T, atol=atol)
    ):
        _fail(
            name,
            "other values",
            "the transpose of the right answer",
            "transposed axes: index arrays as [row, column], i.e. [i, j] with i "
            "going down",
        )
    worst = np.unravel_index(np.argmax(np.abs(actual - expected)), actual.shape)
    _fail(
        name,
        f"{_short(expected[worst])} at index {tuple(map(int, worst))}",
        _short(actual[worst]),
        f"{int((~np.isclose(actual, expected, atol=atol)).sum())} of {actual.size} "
        "values differ; "
        "check the indices of your loops and of the window",
    )


def _shape_mistake(actual: tuple, expected: tuple, mistakes: dict | None) -> str:
    for description, wrong in (mistakes or {}).items():
        if tuple(actual) == tuple(wrong):
            return description
    if len(actual) != len(expected):
        return f"the result should have {len(expected)} dimensions, not {len(actual)}"
    differences = {a - e for a, e in zip(actual, expected)}
    if differences <= {-1, 0} and -1 in differences:
        return (
            "off by one, one too few: a loop stops one step early or a + 1 is missing "
            "(a window of size K fits H - K + 1 times in H: range(H - K + 1))"
        )
    if differences <= {0, 1} and 1 in differences:
        return (
            "off by one, one too many: a window goes one step too far past the border "
            "or a + 1 is counted twice (a window of size K fits H - K + 1 times in H)"
        )
    if tuple(actual) == tuple(reversed(expected)):
        return "transposed axes: shapes are (rows, columns), i.e. (height, width)"
    return "compare each dimension with the formula you used"


def _shapes_of(mistakes: dict | None) -> dict:
    return {
        description: _to_numpy(wrong).shape
        for description, wrong in (mistakes or {}).items()
    }


def _to_numpy(x) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def _missing_return(actual) -> str:
    if actual is None:
        return "did you forget the return statement?"
    return "check what your function returns"


def _describe(actual) -> str:
    return "None" if actual is None else f"{type(actual).__name__} {_short(actual)}"


def _short(value) -> str:
    if isinstance(value, np.generic):  # np.int64(4) would print as "np.int64(4)"
        value = value.item()
    text = (
        np.array2string(value, precision=4)
        if isinstance(value, np.ndarray)
        else repr(value)
    )
    if isinstance(value, (float, np.floating)):
        text = f"{float(value):.6g}"
    return text if len(text) <= 80 else text[:77] + "..."


def _fail(name: str, expected, got, hint: str):
    end = "" if hint.endswith(("?", ".")) else "."
    raise AssertionError(
        f"{name}: expected {expected}, got {got}. {LIKELY_MISTAKE}{hint}{end}"
    )
