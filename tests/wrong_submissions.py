"""Wrong answers that real students write, per assignment, for the grading round trips.

Each case is a student id, the answer cells it replaces (grade_id -> code; every
other answer cell holds the solution), the test cells it must fail (they score
zero; every other test cell keeps its points), and a phrase that the feedback of
one of those cells must contain, so a test proves that the mistake is named.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class WrongSubmission:
    student: str
    answers: dict[str, str]
    fails: frozenset[str]
    feedback: str


def correlate(
    result="np.zeros((H - KH + 1, W - KW + 1))",
    rows="H - KH + 1",
    cols="W - KW + 1",
    index="i, j",
    kernel="kernel",
):
    """A loop cross-correlation with one part written as a mistaken student would."""
    return f"""
def correlate2d(image, kernel):
    H, W = image.shape
    KH, KW = kernel.shape
    result = {result}
    for i in range({rows}):
        for j in range({cols}):
            result[{index}] = np.sum(image[i:i + KH, j:j + KW] * {kernel})
    return result
"""


OFF_BY_ONE_SHAPE = """
def valid_output_shape(image_shape, kernel_shape):
    return (image_shape[0] - kernel_shape[0], image_shape[1] - kernel_shape[1])
"""

# Each answer returns what the visible check expects, whatever its input.
HARD_CODED = {
    "valid_output_shape": """
def valid_output_shape(image_shape, kernel_shape):
    return (4, 6)
""",
    "correlate2d": """
def correlate2d(image, kernel):
    return np.array([[14., 10., -1.], [15., 18., 14.], [2., 5., 15.]])
""",
    "make_detector": """
def make_detector(pattern):
    return np.array([[2., -1, -1], [-1, 2, -1], [-1, -1, 2]])
""",
}

PATTERN_AS_KERNEL = """
def make_detector(pattern):
    return np.array(pattern, dtype=float)
"""

WRONG_SUBMISSIONS = {
    "01-convolution-by-hand": [
        WrongSubmission(
            "off-by-one",
            {
                "valid_output_shape": OFF_BY_ONE_SHAPE,
                "correlate2d": correlate(
                    result="np.zeros((H - KH, W - KW))", rows="H - KH", cols="W - KW"
                ),
            },
            frozenset(
                {
                    "test_valid_output_shape",
                    "test_valid_output_shape_hidden",
                    "test_correlate2d",
                    "test_correlate2d_hidden",
                }
            ),
            "one step early",
        ),
        WrongSubmission(
            "flipped-kernel",
            {
                "value_at_1_2": "value_at_1_2 = 14\n",
                "correlate2d": correlate(kernel="np.flip(kernel)"),
            },
            frozenset(
                {"test_value_at_1_2", "test_correlate2d", "test_correlate2d_hidden"}
            ),
            "flipped the kernel",
        ),
        WrongSubmission(
            "hard-coded",
            HARD_CODED,
            frozenset(
                {
                    "test_valid_output_shape_hidden",
                    "test_correlate2d_hidden",
                    "test_make_detector_hidden",
                }
            ),
            "got (4, 6)",
        ),
        WrongSubmission(
            "pattern-as-kernel",
            {"make_detector": PATTERN_AS_KERNEL},
            frozenset({"test_make_detector", "test_make_detector_hidden"}),
            "solid block",
        ),
        WrongSubmission(
            "transposed-axes",
            {
                "correlate2d": correlate(
                    result="np.zeros((W - KW + 1, H - KH + 1))", index="j, i"
                )
            },
            frozenset({"test_correlate2d", "test_correlate2d_hidden"}),
            "transposed axes",
        ),
        WrongSubmission(
            "integer-output",
            {
                "correlate2d": correlate(
                    result="np.zeros_like(image[:H - KH + 1, :W - KW + 1])"
                )
            },
            frozenset({"test_correlate2d_hidden"}),
            "wrong dtype",
        ),
    ],
}
