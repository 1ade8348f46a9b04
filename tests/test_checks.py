"""Unit tests for helpers.checks: type, then shape, then values, naming the mistake."""

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from helpers.checks import check_array, check_count, check_number, check_shape

# An exercise's answer, computed here with PyTorch: a valid cross-correlation.
X = torch.arange(16, dtype=torch.float64).reshape(1, 1, 4, 4) / 15  # (N, C, H, W)
W = torch.tensor([[[[1.0, 2.0], [0.0, -1.0]]]], dtype=torch.float64)  # (1, 1, KH, KW)
EXPECTED = F.conv2d(X, W)[0, 0].numpy()  # (3, 3)
FLIPPED = F.conv2d(X, W.flip(-1, -2))[0, 0].numpy()  # what a flipped kernel gives


def failure(check, *args, **kwargs) -> str:
    with pytest.raises(AssertionError) as info:
        check(*args, **kwargs)
    return str(info.value)


# check_array


def test_check_array_passes_the_right_answer():
    """Does check_array accept the right answer in float32, float64, or vs a tensor?"""
    check_array(EXPECTED.copy(), EXPECTED, "out")
    check_array(EXPECTED.astype(np.float32), EXPECTED, "out")
    check_array(EXPECTED.copy(), torch.tensor(EXPECTED), "out")
    check_array(EXPECTED + 1e-7, EXPECTED, "out")


def test_check_array_passes_an_int_answer_to_an_int_exercise():
    """Does check_array accept ints when the expected values are ints?"""
    check_array(np.array([[1, 2], [3, 4]]), np.array([[1, 2], [3, 4]]), "counts")


def test_check_array_rejects_a_tensor():
    """Does check_array reject a torch tensor, telling the student to call .numpy()?"""
    message = failure(check_array, torch.tensor(EXPECTED), EXPECTED, "out")
    assert message == (
        "out: expected a NumPy array, got a torch tensor (3, 3). "
        "Likely mistake: return a NumPy array: convert with tensor.numpy()."
    )


def test_check_array_rejects_none_as_a_missing_return():
    """Does check_array report None as a forgotten return statement?"""
    message = failure(check_array, None, EXPECTED, "out")
    assert (
        message == "out: expected a NumPy array, got None. "
        "Likely mistake: did you forget the return statement?"
    )


def test_check_array_rejects_a_list():
    """Does check_array reject a nested list, naming its type?"""
    message = failure(check_array, EXPECTED.tolist(), EXPECTED, "out")
    assert message.startswith("out: expected a NumPy array, got list [[")
    assert message.endswith("Likely mistake: check what your function returns.")


@pytest.mark.parametrize("dtype", [np.int64, np.int32, bool])
def test_check_array_rejects_an_int_dtype(dtype):
    """Does check_array reject an int (or bool) array, pointing at np.zeros(shape)?"""
    message = failure(check_array, np.zeros((3, 3), dtype=dtype), EXPECTED, "out")
    assert message.startswith(
        f"out: expected an array of floats, got an array of dtype {np.dtype(dtype)}."
    )
    assert "create it with np.zeros(shape) or convert with .astype(float)" in message


def test_check_array_checks_dtype_before_shape():
    """Is an int array of the wrong shape reported for its dtype first?"""
    message = failure(check_array, np.zeros((2, 2), dtype=int), EXPECTED, "out")
    assert "an array of floats" in message and "shape" not in message.split("Likely")[0]


def test_check_array_one_step_early():
    """Does a (2, 2) answer for a (3, 3) output say a loop stopped a step early?"""
    message = failure(check_array, EXPECTED[:2, :2].copy(), EXPECTED, "out")
    assert message.startswith("out: expected shape (3, 3), got shape (2, 2).")
    assert "a loop stops one step early" in message
    assert "range(H - K + 1)" in message


def test_check_array_one_step_too_far():
    """Does a (4, 3) answer for a (3, 3) output say the window went one step too far?"""
    message = failure(check_array, np.zeros((4, 3)), EXPECTED, "out")
    assert message.startswith("out: expected shape (3, 3), got shape (4, 3).")
    assert "a window goes one step too far" in message


def test_check_array_transposed_shape():
    """Does a (5, 3) answer for a (3, 5) output say the axes are transposed?"""
    message = failure(check_array, np.zeros((5, 3)), np.zeros((3, 5)), "out")
    assert "expected shape (3, 5), got shape (5, 3)" in message
    assert "transposed axes: shapes are (rows, columns)" in message


def test_check_array_wrong_number_of_dimensions():
    """Does a 4-D answer for a 2-D output say how many dimensions it should have?"""
    message = failure(check_array, np.zeros((1, 1, 3, 3)), EXPECTED, "out")
    assert "the result should have 2 dimensions, not 4" in message


def test_check_array_listed_shape_mistake():
    """Is a wrong shape equal to a listed mistake's shape reported with that mistake?"""
    padded = np.zeros((5, 5))
    message = failure(
        check_array,
        padded,
        EXPECTED,
        "out",
        mistakes={"you padded the image: valid means no padding": padded},
    )
    assert message.endswith(
        "Likely mistake: you padded the image: valid means no padding."
    )


def test_check_array_transposed_values():
    """Does the transpose of a square answer say to index arrays as [row, column]?"""
    message = failure(check_array, EXPECTED.T.copy(), EXPECTED, "out")
    assert "got the transpose of the right answer" in message
    assert "index arrays as [row, column]" in message


def test_check_array_listed_value_mistake():
    """Is an answer equal to a listed mistake reported with its description?"""
    message = failure(
        check_array,
        FLIPPED.copy(),
        EXPECTED,
        "out",
        mistakes={
            "you flipped the kernel: cross-correlation does not flip it": torch.tensor(
                FLIPPED
            )
        },
    )
    assert message == (
        "out: expected other values, got values that match a common mistake. "
        "Likely mistake: you flipped the kernel: cross-correlation does not flip it."
    )


def test_check_array_generic_mismatch_names_the_index():
    """Does any other wrong answer name the worst index, its values, how many differ?"""
    wrong = EXPECTED.copy()
    wrong[1, 2] += 0.5
    wrong[0, 0] += 0.1
    message = failure(check_array, wrong, EXPECTED, "out")
    assert message.startswith(
        f"out: expected {EXPECTED[1, 2]:.6g} at index (1, 2), got {wrong[1, 2]:.6g}."
    )
    assert "2 of 9 values differ" in message
    assert "check the indices of your loops and of the window" in message


def test_check_array_generic_mismatch_with_ints_reads_plainly():
    """Are int values in the message written as numbers, not as np.int64(...)?"""
    message = failure(
        check_array, np.array([[1, 2], [3, 5]]), np.array([[1, 2], [3, 4]]), "counts"
    )
    assert message.startswith("counts: expected 4 at index (1, 1), got 5.")
    assert "np.int64" not in message


def test_check_array_rejects_nan():
    """Is an answer holding NaN reported at the NaN's index?"""
    wrong = EXPECTED.copy()
    wrong[2, 1] = np.nan
    message = failure(check_array, wrong, EXPECTED, "out")
    assert "at index (2, 1), got nan" in message


def test_check_array_cannot_be_fooled_by_a_lying_subclass():
    """Can an ndarray subclass whose __eq__ always says True pass check_array? (No.)"""

    class AlwaysEqual(np.ndarray):
        def __eq__(self, other):
            return np.ones(self.shape, dtype=bool)

        def __ne__(self, other):
            return np.zeros(self.shape, dtype=bool)

    liar = np.zeros((3, 3)).view(AlwaysEqual)
    assert (liar == EXPECTED).all()  # the lie itself
    message = failure(check_array, liar, EXPECTED, "out")
    assert "at index" in message and "9 of 9 values differ" in message


def test_check_array_cannot_be_fooled_by_a_lying_allclose():
    """Can a subclass whose ufuncs always answer True pass check_array? (No.)"""

    class AlwaysClose(np.ndarray):
        def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
            return np.True_

    liar = np.zeros((3, 3)).view(AlwaysClose)
    with pytest.raises(AssertionError, match=r"values differ"):
        check_array(liar, EXPECTED, "out")


# check_shape


def test_check_shape_passes_tuples_sizes_and_lists():
    """Does check_shape accept a tuple, a torch.Size, a list or NumPy ints?"""
    check_shape((1, 6, 26, 26), (1, 6, 26, 26), "shape")
    check_shape(torch.zeros(1, 6, 26, 26).shape, (1, 6, 26, 26), "shape")
    check_shape([1, 6, 26, 26], (1, 6, 26, 26), "shape")
    check_shape(tuple(np.array([26, 26])), (26, 26), "shape")


def test_check_shape_rejects_none_as_a_missing_return():
    """Does check_shape report None as a forgotten return statement?"""
    message = failure(check_shape, None, (3, 3), "shape")
    assert (
        message == "shape: expected a tuple of ints like (3, 3), got None. "
        "Likely mistake: did you forget the return statement?"
    )


@pytest.mark.parametrize(
    "actual, described",
    [
        (np.zeros((3, 3)), "got ndarray"),
        ((3.0, 3.0), "got tuple (3.0, 3.0)"),
        ((True, 3), "got tuple (True, 3)"),
        ("(3, 3)", "got str '(3, 3)'"),
        (9, "got int 9"),
    ],
)
def test_check_shape_rejects_what_is_not_a_shape(actual, described):
    """Does check_shape reject an array, floats, bools, a str or an int as a shape?"""
    message = failure(check_shape, actual, (3, 3), "shape")
    assert message.startswith(
        f"shape: expected a tuple of ints like (3, 3), {described}"
    )
    assert message.endswith("Likely mistake: check what your function returns.")


def test_check_shape_one_step_early():
    """Does (26, 26) for (27, 27) say the window stopped one step early?"""
    message = failure(check_shape, (1, 6, 26, 26), (1, 6, 27, 27), "shape")
    assert message.startswith("shape: expected (1, 6, 27, 27), got (1, 6, 26, 26).")
    assert "a loop stops one step early" in message


def test_check_shape_one_step_too_far():
    """Does (28, 27) for (27, 27) say the window went one step too far?"""
    message = failure(check_shape, (28, 27), (27, 27), "shape")
    assert "a window goes one step too far past the border" in message


def test_check_shape_transposed():
    """Does (W, H) for (H, W) say the axes are transposed?"""
    message = failure(check_shape, (5, 3), (3, 5), "shape")
    assert message == (
        "shape: expected (3, 5), got (5, 3). "
        "Likely mistake: transposed axes: shapes are (rows, columns), "
        "i.e. (height, width)."
    )


def test_check_shape_listed_mistake_comes_first():
    """Is a listed mistake reported even when another diagnosis would also fit?"""
    message = failure(
        check_shape,
        (1, 6, 26, 26),
        (1, 6, 28, 28),
        "shape",
        mistakes={"did you forget the padding?": torch.Size([1, 6, 26, 26])},
    )
    assert (
        message == "shape: expected (1, 6, 28, 28), got (1, 6, 26, 26). "
        "Likely mistake: did you forget the padding?"
    )


def test_check_shape_wrong_number_of_dimensions():
    """Does a 2-D shape for a 4-D output say how many dimensions are needed?"""
    message = failure(check_shape, (26, 26), (1, 6, 26, 26), "shape")
    assert "the result should have 4 dimensions, not 2" in message


def test_check_shape_other_differences():
    """Is any other wrong shape sent back to the formula?"""
    message = failure(check_shape, (10, 3), (3, 3), "shape")
    assert "compare each dimension with the formula you used" in message


# check_number


def test_check_number_passes_close_numbers():
    """Does check_number accept ints, floats and NumPy scalars within the tolerance?"""
    check_number(3, 3.0, "total")
    check_number(0.1 + 0.2, 0.3, "total")
    check_number(np.float32(0.3), 0.3, "total", tol=1e-6)
    check_number(np.int64(7), 7, "total")
    check_number(1e9 + 100, 1e9, "total")  # relative tolerance for large numbers


def test_check_number_rejects_a_one_element_tensor():
    """Does check_number reject a one-element tensor, saying to call .item()?"""
    message = failure(check_number, torch.tensor(3.0), 3.0, "total")
    assert message.startswith(
        "total: expected a Python number, got a one-element tensor (tensor(3.))"
    )
    assert message.endswith("Likely mistake: call .item() on it.")


def test_check_number_rejects_a_one_element_array():
    """Does check_number reject a one-element array, saying to call .item()?"""
    message = failure(check_number, np.array([3.0]), 3.0, "total")
    assert "got a one-element array" in message and "call .item() on it" in message


def test_check_count_accepts_ints_and_rejects_whole_floats():
    """Does check_count accept Python and NumPy ints, and reject 84.0 as not a count?"""
    check_count(84, 84, "conv_params(3, 3, 3)")
    check_count(np.int64(84), 84, "conv_params(3, 3, 3)")
    message = failure(check_count, 84.0, 84, "conv_params(3, 3, 3)")
    assert "expected an int, got float 84." in message and "use int(...)" in message
    message = failure(
        check_count, 83, 84, "conv_params(3, 3, 3)", mistakes={"no bias": 83}
    )
    assert message.endswith("Likely mistake: no bias.")


def test_check_number_rejects_none_as_a_missing_return():
    """Does check_number report None as a forgotten return statement?"""
    message = failure(check_number, None, 3.0, "total")
    assert (
        message == "total: expected a number, got None. "
        "Likely mistake: did you forget the return statement?"
    )


@pytest.mark.parametrize(
    "actual, described",
    [
        ("3.0", "got str '3.0'"),
        (True, "got bool True"),
        (3 + 0j, "got complex (3+0j)"),
        ([3.0], "got list [3.0]"),
    ],
)
def test_check_number_rejects_non_numbers(actual, described):
    """Does check_number reject a str, bool, complex or list, naming what came back?"""
    message = failure(check_number, actual, 3.0, "total")
    assert message.startswith(f"total: expected a number, {described}.")


def test_check_number_listed_mistake():
    """Is a wrong number equal to a listed mistake reported with that mistake?"""
    message = failure(
        check_number,
        26.0,
        28.0,
        "width",
        mistakes={
            "did you forget the padding?": 26,
            "did you add the stride twice?": 14,
        },
    )
    assert (
        message
        == "width: expected 28, got 26. Likely mistake: did you forget the padding?"
    )


def test_check_number_generic_mismatch():
    """Is any other wrong number reported with both values and a hint to recompute?"""
    message = failure(check_number, 2.5, 1 / 3, "mean")
    assert (
        message == "mean: expected 0.333333, got 2.5. "
        "Likely mistake: recompute it step by step and compare."
    )


def test_check_number_rejects_nan():
    """Is NaN reported as a wrong number?"""
    message = failure(check_number, float("nan"), 1.0, "mean")
    assert message.startswith("mean: expected 1, got nan.")


def test_check_number_cannot_be_fooled_by_a_lying_float():
    """Can a float subclass whose __eq__ always says True pass check_number? (No.)"""

    class AlwaysEqual(float):
        def __eq__(self, other):
            return True

        def __ne__(self, other):
            return False

        __hash__ = float.__hash__

    liar = AlwaysEqual(1.0)
    assert liar == 2.0  # the lie itself
    message = failure(check_number, liar, 2.0, "total")
    assert re.match(r"total: expected 2, got 1\. ", message)


def test_checks_return_none_when_right():
    """Do the checks return None (no output in the notebook) for a right answer?"""
    assert check_number(1.0, 1.0, "n") is None
    assert check_shape((2, 2), (2, 2), "s") is None
    assert check_array(np.ones(2), np.ones(2), "a") is None
