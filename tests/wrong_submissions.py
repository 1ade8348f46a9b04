"""Wrong answers that real students write, per assignment, for the grading round trips.

Each case is a student id, the answer cells it replaces (grade_id -> code; every
other answer cell holds the solution), the test cells it must fail (they score
zero; every other test cell keeps its points), and a phrase that the feedback of
one of those cells must contain, so a test proves that the mistake is named. Correct
answers in other styles are in ``correct_submissions.py``.
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


# ------------------------------------------------ 02-multichannel-kernels

CONV2D_MULTI_NO_BIAS = """
def conv2d_multi(X, weight, bias):
    C_out, C_in, K, _ = weight.shape
    _, H, W = X.shape
    Y = np.zeros((C_out, H - K + 1, W - K + 1))
    for o in range(C_out):
        for i in range(H - K + 1):
            for j in range(W - K + 1):
                Y[o, i, j] = np.sum(X[:, i:i + K, j:j + K] * weight[o])
    return Y
"""

# The bias sits inside the loop over input channels, so it is added C_in times.
CONV2D_MULTI_BIAS_PER_CHANNEL = """
def conv2d_multi(X, weight, bias):
    C_out, C_in, K, _ = weight.shape
    _, H, W = X.shape
    Y = np.zeros((C_out, H - K + 1, W - K + 1))
    for o in range(C_out):
        for c in range(C_in):
            for i in range(H - K + 1):
                for j in range(W - K + 1):
                    window = X[c, i:i + K, j:j + K]
                    Y[o, i, j] += np.sum(window * weight[o, c]) + bias[o]
    return Y
"""

# One map per (output, input) channel pair, never added up.
CONV2D_MULTI_NO_CHANNEL_SUM = """
def conv2d_multi(X, weight, bias):
    C_out, C_in, K, _ = weight.shape
    _, H, W = X.shape
    Y = np.zeros((C_out, C_in, H - K + 1, W - K + 1))
    for o in range(C_out):
        for c in range(C_in):
            for i in range(H - K + 1):
                for j in range(W - K + 1):
                    window = X[c, i:i + K, j:j + K]
                    Y[o, c, i, j] = np.sum(window * weight[o, c]) + bias[o]
    return Y
"""

WRONG_SUBMISSIONS["02-multichannel-kernels"] = [
    WrongSubmission(
        "forgot-bias",
        {
            "conv2d_multi": CONV2D_MULTI_NO_BIAS,
            "conv_params": """
def conv_params(in_channels, out_channels, kernel_size, bias=True):
    return out_channels * in_channels * kernel_size * kernel_size
""",
            "dense_params": """
def dense_params(in_features, out_features, bias=True):
    return in_features * out_features
""",
        },
        frozenset(
            {
                "test_conv2d_multi",
                "test_conv2d_multi_hidden",
                "test_conv_params",
                "test_conv_params_hidden",
                "test_dense_params",
                "test_dense_params_hidden",
            }
        ),
        "you forgot the bias",
    ),
    WrongSubmission(
        "bias-per-input-channel",
        {
            "conv2d_multi": CONV2D_MULTI_BIAS_PER_CHANNEL,
            "conv_params": """
def conv_params(in_channels, out_channels, kernel_size, bias=True):
    weights = out_channels * in_channels * kernel_size**2
    return weights + (in_channels if bias else 0)
""",
        },
        frozenset(
            {
                "test_conv2d_multi",
                "test_conv2d_multi_hidden",
                "test_conv_params",
                "test_conv_params_hidden",
            }
        ),
        "one bias per output channel",
    ),
    WrongSubmission(
        "kernel-area-only",
        {
            "conv_params": """
def conv_params(in_channels, out_channels, kernel_size, bias=True):
    return out_channels * kernel_size * kernel_size + (out_channels if bias else 0)
""",
        },
        frozenset({"test_conv_params", "test_conv_params_hidden"}),
        "C_in x k x k weights",
    ),
    WrongSubmission(
        "no-channel-sum",
        {"conv2d_multi": CONV2D_MULTI_NO_CHANNEL_SUM},
        frozenset({"test_conv2d_multi", "test_conv2d_multi_hidden"}),
        "did not sum over the input channels",
    ),
    WrongSubmission(
        "reshape-not-transpose",
        {
            "to_nchw": """
def to_nchw(batch):
    N, H, W, C = batch.shape
    return batch.reshape(N, C, H, W)
""",
        },
        frozenset({"test_to_nchw", "test_to_nchw_hidden"}),
        "reshaped instead of moving the axis",
    ),
    WrongSubmission(
        "grayscale-weight-transposed",
        {
            "grayscale_kernel": """
def grayscale_kernel():
    return torch.tensor([0.2125, 0.7154, 0.0721]).view(3, 1, 1, 1)
""",
        },
        frozenset({"test_grayscale_kernel", "test_grayscale_kernel_hidden"}),
        "a weight is (C_out, C_in, k, k)",
    ),
    WrongSubmission(
        "grayscale-rec601",
        {
            "grayscale_kernel": """
def grayscale_kernel():
    return torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)
""",
        },
        frozenset({"test_grayscale_kernel", "test_grayscale_kernel_hidden"}),
        "Rec. 601 weights",
    ),
    # Each answer returns what the visible check expects, whatever its input.
    WrongSubmission(
        "hard-coded-counts",
        {
            "conv_params": """
def conv_params(in_channels, out_channels, kernel_size, bias=True):
    return 296
""",
            "dense_params": """
def dense_params(in_features, out_features, bias=True):
    return 65
""",
        },
        frozenset({"test_conv_params_hidden", "test_dense_params_hidden"}),
        "got 296",
    ),
]


# ------------------------------------------------------------ 04-receptive-fields

RF_ADDED_KERNELS = """
def receptive_field(layers):
    field, jump = 0, 1
    for layer in layers:
        kernel, stride, dilation = layer if len(layer) == 3 else (*layer, 1)
        field += kernel * dilation * jump
        jump *= stride
    return field, jump
"""

RF_WEIGHTS_ADDED_KERNELS = """
def weights_stack_vs_single(num_layers, channels):
    kernel = 3 * num_layers  # the kernel sizes added up
    return num_layers * 9 * channels * channels, kernel * kernel * channels * channels
"""

RF_CURRENT_STRIDE = """
def receptive_field(layers):
    field, jump = 1, 1
    for layer in layers:
        kernel, stride, dilation = layer if len(layer) == 3 else (*layer, 1)
        jump *= stride
        field += (kernel - 1) * dilation * jump
    return field, jump
"""

RF_NO_DILATION = """
def receptive_field(layers):
    field, jump = 1, 1
    for layer in layers:
        kernel, stride = layer[0], layer[1]
        field += (kernel - 1) * jump
        jump *= stride
    return field, jump
"""

RF_FROM_ZERO = """
def receptive_field(layers):
    field, jump = 0, 1
    for layer in layers:
        kernel, stride, dilation = layer if len(layer) == 3 else (*layer, 1)
        field += (kernel - 1) * dilation * jump
        jump *= stride
    return field, jump
"""


def rf_measure_field(
    copy_line="net = copy.deepcopy(net)",
    pixel="Y.shape[2] // 2, Y.shape[3] // 2",
    rows="torch.nonzero(inside.any(dim=1)).flatten()",
    cols="torch.nonzero(inside.any(dim=0)).flatten()",
    extent="(rows[-1] - rows[0] + 1).item(), (cols[-1] - cols[0] + 1).item()",
):
    """An autograd field measurement, one part written as a mistaken student would."""
    return f"""
def measure_field(net, input_size):
    {copy_line}
    with torch.no_grad():
        for layer in net.modules():
            if isinstance(layer, nn.Conv2d):
                layer.weight.fill_(1.0)
                if layer.bias is not None:
                    layer.bias.zero_()
    X = torch.ones(1, net[0].in_channels, *input_size, requires_grad=True)
    Y = net(X)
    Y[0, 0, {pixel}].backward()
    inside = (X.grad[0] != 0).any(dim=0)
    rows = {rows}
    cols = {cols}
    return {extent}
"""


RF_ALL_STRIDE_1 = """
def design_stack(target):
    if target % 2 == 0:
        raise ValueError("a field is odd")
    return [(3, 1)] * ((target - 1) // 2)
"""

# Each answer returns what the visible check expects, whatever its input.
RF_HARD_CODED = {
    "receptive_field": "def receptive_field(layers):\n    return (23, 4)\n",
    "measure_field": "def measure_field(net, input_size):\n    return (13, 15)\n",
    "design_stack": "def design_stack(target):\n    return [(3, 2), (3, 1)]\n",
    "weights_stack_vs_single": (
        "def weights_stack_vs_single(num_layers, channels):\n"
        "    return (110592, 200704)\n"
    ),
}

WRONG_SUBMISSIONS["04-receptive-fields"] = [
    WrongSubmission(
        "kernel-sizes-added",
        {
            "receptive_field": RF_ADDED_KERNELS,
            "weights_stack_vs_single": RF_WEIGHTS_ADDED_KERNELS,
        },
        frozenset(
            {
                "test_receptive_field",
                "test_receptive_field_hidden",
                "test_weights_stack_vs_single",
                "test_weights_stack_vs_single_hidden",
            }
        ),
        "added whole kernel sizes",
    ),
    WrongSubmission(
        "current-stride",
        {"receptive_field": RF_CURRENT_STRIDE},
        frozenset({"test_receptive_field", "test_receptive_field_hidden"}),
        "only the strides of the layers before it count",
    ),
    WrongSubmission(
        "no-dilation",
        {"receptive_field": RF_NO_DILATION},
        frozenset({"test_receptive_field", "test_receptive_field_hidden"}),
        "forgot the dilation",
    ),
    WrongSubmission(
        "field-off-by-one",
        {
            "receptive_field": RF_FROM_ZERO,
            "measure_field": rf_measure_field(
                extent="(rows[-1] - rows[0]).item(), (cols[-1] - cols[0]).item()"
            ),
        },
        frozenset(
            {
                "test_receptive_field",
                "test_receptive_field_hidden",
                "test_measure_field",
                "test_measure_field_hidden",
            }
        ),
        "off by one",
    ),
    WrongSubmission(
        "corner-pixel",
        {"measure_field": rf_measure_field(pixel="0, 0")},
        frozenset({"test_measure_field_hidden"}),
        "corner output pixel",
    ),
    WrongSubmission(
        "weights-changed-in-place",
        {"measure_field": rf_measure_field(copy_line="pass")},
        frozenset({"test_measure_field_hidden"}),
        "copy.deepcopy",
    ),
    WrongSubmission(
        "dilation-holes-left-out",
        {
            "measure_field": rf_measure_field(
                rows="inside.any(dim=1)",
                cols="inside.any(dim=0)",
                extent="int(rows.sum()), int(cols.sum())",
            )
        },
        frozenset({"test_measure_field_hidden"}),
        "a dilated field has holes",
    ),
    WrongSubmission(
        "all-stride-1",
        {"design_stack": RF_ALL_STRIDE_1},
        frozenset({"test_design_stack", "test_design_stack_hidden"}),
        "layers suffice",
    ),
    WrongSubmission(
        "hard-coded-fields",
        RF_HARD_CODED,
        frozenset(
            {
                "test_receptive_field_hidden",
                "test_measure_field_hidden",
                "test_design_stack_hidden",
                "test_weights_stack_vs_single_hidden",
            }
        ),
        "got 23",
    ),
]


# ------------------------------------------------ 03-translation-equivariance


def equivariance_error_03(shift_in="dy, dx", shift_out="dy, dx", channels=""):
    """Shift-then-layer against layer-then-shift, one part written as a student might.

    ``channels="[0, 0]"`` measures the first output channel only.
    """
    return f"""
def equivariance_error(layer, image, dy, dx):
    X = torch.tensor(image, dtype=torch.float32)[None, None]
    with torch.no_grad():
        left = layer(torch.roll(X, shifts=({shift_in}), dims=(-2, -1)))
        right = torch.roll(layer(X), shifts=({shift_out}), dims=(-2, -1))
    return (left - right){channels}.abs().max().item()
"""


def where_it_breaks_03(
    shift_in="dy, dx", shift_out="dy, dx", reduce=".any(dim=1)[0]", tol="tol"
):
    """The mask of broken pixels, one part written as a student might.

    ``reduce`` turns the (1, C', H, W) comparison into the mask; ``tol`` is the
    threshold the answer compares with.
    """
    return f"""
def where_it_breaks(layer, image, dy, dx, tol=1e-5):
    X = torch.tensor(image, dtype=torch.float32)[None, None]
    with torch.no_grad():
        left = layer(torch.roll(X, shifts=({shift_in}), dims=(-2, -1)))
        right = torch.roll(layer(X), shifts=({shift_out}), dims=(-2, -1))
    return ((left - right).abs() > {tol}){reduce}.numpy()
"""


# Each answer returns what the visible check expects, whatever its input.
HARD_CODED_03 = {
    "shift_image": """
def shift_image(image, dy, dx):
    return np.array([[10.0, 11, 8, 9], [2, 3, 0, 1], [6, 7, 4, 5]])
""",
    "equivariance_error": """
def equivariance_error(layer, image, dy, dx):
    if not isinstance(layer, nn.Module):  # the plain function
        return 0.9872751235961914
    if isinstance(layer, nn.MaxPool2d):
        return 0.26164788007736206
    if isinstance(layer, nn.Sequential):
        return 0.32937541604042053
    return 0.0 if layer.padding_mode == "circular" else 0.47604382038116455
""",
    "where_it_breaks": """
def where_it_breaks(layer, image, dy, dx, tol=1e-5):
    if not isinstance(layer, nn.Module):  # the plain function
        mask = np.zeros((9, 12), dtype=bool)
        mask[[0, 3], :] = True
        return mask
    if isinstance(layer, nn.MaxPool2d):
        rows = ["000001011101", "100000000000", "100000000000", "110001110011",
                "100000000000", "000000000001", "000010000001", "000001000001",
                "000001000001"]
        return np.array([[c == "1" for c in row] for row in rows])
    mask = np.zeros((9, 12), dtype=bool)
    if isinstance(layer, nn.Sequential) and len(layer) == 3:  # conv, ReLU, conv
        mask[[0, 1, 2, 3, 4, 7, 8], :] = True
        mask[:, [0, 1, 3, 4, 5, 6, 10, 11]] = True
        return mask
    mask[[0, 2, 3, 8], :] = True
    mask[:, [0, 4, 5, 11]] = True
    return mask
""",
    "best_shift_error": """
def best_shift_error(net, X, dx):
    return 0.0 if dx % 2 == 0 else 1.9433263540267944
""",
    "smallest_equivariant_shift": """
def smallest_equivariant_shift(net, X, max_shift):
    return 2
""",
}

# Compares with the output shifted by dx, as if the layer kept the image size.
BEST_SHIFT_ERROR_STRIDE_ONE = """
def best_shift_error(net, X, dx):
    with torch.no_grad():
        Y = net(X)
        Y_moved = net(torch.roll(X, shifts=dx, dims=-1))
    return (Y_moved - torch.roll(Y, shifts=dx, dims=-1)).abs().max().item()
"""

# A tolerance of 0.1 instead of 1e-5 takes small errors for a match.
SMALLEST_SHIFT_LOOSE = """
def smallest_equivariant_shift(net, X, max_shift):
    for dx in range(1, max_shift + 1):
        if best_shift_error(net, X, dx) < 0.1:
            return dx
    return None
"""

WRONG_SUBMISSIONS["03-translation-equivariance"] = [
    WrongSubmission(
        "03-wrong-direction",
        {
            "shift_image": """
def shift_image(image, dy, dx):
    return np.roll(image, (-dy, -dx), axis=(0, 1))
""",
            "equivariance_error": equivariance_error_03(shift_out="-dy, -dx"),
        },
        frozenset(
            {
                "test_shift_image",
                "test_shift_image_hidden",
                "test_equivariance_error",
                "test_equivariance_error_hidden",
            }
        ),
        "wrong direction",
    ),
    WrongSubmission(
        "03-swapped-axes",
        {
            "shift_image": """
def shift_image(image, dy, dx):
    return np.roll(image, (dx, dy), axis=(0, 1))
""",
            "where_it_breaks": where_it_breaks_03("dx, dy", "dx, dy"),
        },
        frozenset(
            {
                "test_shift_image",
                "test_shift_image_hidden",
                "test_where_it_breaks",
                "test_where_it_breaks_hidden",
            }
        ),
        "you swapped dy and dx",
    ),
    WrongSubmission(
        "03-unshifted-output",
        {
            "equivariance_error": equivariance_error_03(shift_out="0, 0"),
            "where_it_breaks": where_it_breaks_03(shift_out="0, 0"),
        },
        frozenset(
            {
                "test_equivariance_error",
                "test_equivariance_error_hidden",
                "test_where_it_breaks",
                "test_where_it_breaks_hidden",
            }
        ),
        "you compared with the unshifted output",
    ),
    WrongSubmission(
        "03-first-channel",
        {
            "equivariance_error": equivariance_error_03(channels="[0, 0]"),
            "where_it_breaks": where_it_breaks_03(reduce="[0, 0]"),
        },
        frozenset(
            {
                "test_equivariance_error",
                "test_equivariance_error_hidden",
                "test_where_it_breaks",
                "test_where_it_breaks_hidden",
            }
        ),
        "you forgot the channel axis",
    ),
    WrongSubmission(
        "03-channel-axis-kept",
        {"where_it_breaks": where_it_breaks_03(reduce="[0]")},
        frozenset({"test_where_it_breaks", "test_where_it_breaks_hidden"}),
        "your mask keeps an axis for the output channels",
    ),
    WrongSubmission(
        "03-ignores-tol",
        {"where_it_breaks": where_it_breaks_03(tol="1e-5")},
        frozenset({"test_where_it_breaks_hidden"}),
        "you ignored tol",
    ),
    WrongSubmission(
        "03-stride-one-shift",
        {"best_shift_error": BEST_SHIFT_ERROR_STRIDE_ONE},
        # smallest_equivariant_shift (the solution) calls this best_shift_error.
        frozenset(
            {
                "test_best_shift_error",
                "test_best_shift_error_hidden",
                "test_smallest_equivariant_shift",
                "test_smallest_equivariant_shift_hidden",
            }
        ),
        "moves its output by dx / 2",
    ),
    WrongSubmission(
        "03-loose-tolerance",
        {"smallest_equivariant_shift": SMALLEST_SHIFT_LOOSE},
        frozenset({"test_smallest_equivariant_shift_hidden"}),
        "stride 2 needs an even shift",
    ),
    WrongSubmission(
        "03-hard-coded",
        HARD_CODED_03,
        frozenset(
            {
                "test_shift_image_hidden",
                "test_equivariance_error_hidden",
                "test_where_it_breaks_hidden",
                "test_best_shift_error_hidden",
                "test_smallest_equivariant_shift_hidden",
            }
        ),
        "got shape (3, 4)",
    ),
]


# ------------------------------------------------ 05-stride-padding-pooling


def output_size_05(formula):
    """conv_output_size as a student who writes ``formula`` (and no checks) would."""
    return f"""
def conv_output_size(W, K, P, S):
    return {formula}
"""


def max_pool_05(rows="(H - size) // stride + 1", start="-np.inf", step="stride"):
    """max_pool2d with loops, one part written as a mistaken student would."""
    return f"""
def max_pool2d(feature_map, size, stride=None):
    stride = size if stride is None else stride
    H, W = feature_map.shape
    OH = {rows}
    OW = {rows.replace("H", "W")}
    pooled = np.zeros((OH, OW))
    for i in range(OH):
        for j in range(OW):
            best = {start}
            for m in range(size):
                for n in range(size):
                    best = max(best, feature_map[i * {step} + m, j * {step} + n])
            pooled[i, j] = best
    return pooled
"""


# Pads P zeros on the top and the left only.
PAD_ONE_SIDE_05 = """
def pad_zeros(image, P):
    H, W = image.shape
    padded = np.zeros((H + P, W + P))
    padded[P:, P:] = image
    return padded
"""

# Predicts the size after a 3x3, stride-2, padding-1 layer with padding counted once.
PLAN_PADDING_ONCE_05 = """
def plan_layers(in_shape, out_shape):
    channels, size, target = out_shape[0], in_shape[1], out_shape[1]
    plan = []
    while size > target:
        halved = (size - 3 + 1) // 2 + 1
        if halved >= target:
            plan.append((channels, 3, 2, 1))
            size = halved
        else:
            kernel = min(size - target + 1, 7)
            plan.append((channels, kernel, 1, 0))
            size = size - kernel + 1
    return plan or [(channels, 1, 1, 0)]
"""

# Each answer returns what the visible check expects, whatever its input.
HARD_CODED_05 = {
    "conv_output_size": "def conv_output_size(W, K, P, S):\n    return 16\n",
    "conv_output_shape": """
def conv_output_shape(input_shape, out_channels, kernel_size, stride=1, padding=0):
    return (2, 6, 24, 36)
""",
    "pad_zeros": """
def pad_zeros(image, P):
    padded = np.zeros((7, 8))
    padded[2:5, 2:6] = np.arange(1.0, 13.0).reshape(3, 4)
    return padded
""",
    "max_pool2d": """
def max_pool2d(feature_map, size, stride=None):
    return np.array([[4.0, 2.0, 4.0], [2.0, 7.0, 8.0]])
""",
    "plan_layers": """
def plan_layers(in_shape, out_shape):
    return [(32, 3, 2, 1), (32, 3, 2, 1)]
""",
}

POOL_WITH_REBOUND_F_05 = """
F = np.array([[1.0, 3, 2, 0], [4, 2, 1, 1], [0, 1, 5, 6], [2, 2, 7, 3]])


def max_pool2d(feature_map, size, stride=None):
    X = torch.tensor(feature_map, dtype=torch.float64)[None, None]
    return F.max_pool2d(X, size, stride)[0, 0].numpy()
"""

WRONG_SUBMISSIONS["05-stride-padding-pooling"] = [
    WrongSubmission(
        "05-padding-once",
        {
            "conv_output_size": output_size_05("(W - K + P) // S + 1"),
            "pad_zeros": PAD_ONE_SIDE_05,
        },
        frozenset(
            {
                "test_conv_output_size",
                "test_conv_output_size_hidden",
                "test_pad_zeros",
                "test_pad_zeros_hidden",
            }
        ),
        "padding counted once",
    ),
    WrongSubmission(
        "05-round-not-floor",
        {"conv_output_size": output_size_05("round((W - K + 2 * P) / S) + 1")},
        frozenset({"test_conv_output_size", "test_conv_output_size_hidden"}),
        "round instead of floor",
    ),
    WrongSubmission(
        "05-stride-on-kernel",
        {"conv_output_size": output_size_05("(W - K * S + 2 * P) // S + 1")},
        frozenset({"test_conv_output_size", "test_conv_output_size_hidden"}),
        "stride applied to the kernel size",
    ),
    WrongSubmission(
        "05-forgot-plus-one",
        {
            "conv_output_size": output_size_05("(W - K + 2 * P) // S"),
            "max_pool2d": max_pool_05(rows="(H - size) // stride"),
        },
        frozenset(
            {
                "test_conv_output_size",
                "test_conv_output_size_hidden",
                "test_max_pool2d",
                "test_max_pool2d_hidden",
            }
        ),
        "forgot the +1",
    ),
    WrongSubmission(
        "05-channels-last",
        {
            "conv_output_shape": """
def conv_output_shape(input_shape, out_channels, kernel_size, stride=1, padding=0):
    N, C, H, W = input_shape
    H_out = (H - kernel_size + 2 * padding) // stride + 1
    W_out = (W - kernel_size + 2 * padding) // stride + 1
    return (N, H_out, W_out, out_channels)
"""
        },
        frozenset({"test_conv_output_shape", "test_conv_output_shape_hidden"}),
        "channels on the wrong axis",
    ),
    WrongSubmission(
        "05-max-from-zero",
        {"max_pool2d": max_pool_05(start="0.0")},
        frozenset({"test_max_pool2d_hidden"}),
        "started the running maximum at 0",
    ),
    WrongSubmission(
        "05-stride-ignored",
        {"max_pool2d": max_pool_05(rows="(H - size) // size + 1", step="size")},
        frozenset({"test_max_pool2d_hidden"}),
        "instead of by `stride`",
    ),
    WrongSubmission(
        "05-average-pooling",
        {
            "max_pool2d": """
def max_pool2d(feature_map, size, stride=None):
    stride = size if stride is None else stride
    H, W = feature_map.shape
    OH, OW = (H - size) // stride + 1, (W - size) // stride + 1
    pooled = np.zeros((OH, OW))
    for i in range(OH):
        for j in range(OW):
            top, left = i * stride, j * stride
            window = feature_map[top:top + size, left:left + size]
            pooled[i, j] = window.mean()
    return pooled
"""
        },
        frozenset({"test_max_pool2d", "test_max_pool2d_hidden"}),
        "you averaged each window",
    ),
    WrongSubmission(
        "05-plan-padding-once",
        {"plan_layers": PLAN_PADDING_ONCE_05},
        frozenset({"test_plan_layers_hidden"}),
        "padding counted once",
    ),
    WrongSubmission(
        "05-hard-coded",
        HARD_CODED_05,
        frozenset(
            {
                "test_conv_output_size_hidden",
                "test_conv_output_shape_hidden",
                "test_pad_zeros_hidden",
                "test_max_pool2d_hidden",
                "test_plan_layers_hidden",
            }
        ),
        "got 16",
    ),
    # A trial line names the lesson's map F, and the function then uses F as
    # torch.nn.functional: the feedback must say what happened, not a wrong answer.
    WrongSubmission(
        "05-rebound-F",
        {"max_pool2d": POOL_WITH_REBOUND_F_05},
        frozenset({"test_max_pool2d", "test_max_pool2d_hidden"}),
        "`F` is no longer torch.nn.functional: max_pool2d assigned `F = np.array(",
    ),
]


# ------------------------- 06-pretrained-classification


def preprocess_06(
    size="(new_h, new_w)", normalised="(cropped - mean) / std", offset="round"
):
    """preprocess as a student writes it, with the resize, the crop's offset or the
    normalisation wrong."""
    return f"""
def preprocess(image, resize_size=256, crop_size=224,
               mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)):
    H, W = image.shape[-2:]
    if H <= W:
        new_h, new_w = resize_size, int(resize_size * W / H)
    else:
        new_h, new_w = int(resize_size * H / W), resize_size
    resized = F.interpolate(image[None], size={size}, mode="bilinear",
                            antialias=True, align_corners=False)[0]
    new_h, new_w = resized.shape[-2:]
    top = {offset}((new_h - crop_size) / 2)
    left = {offset}((new_w - crop_size) / 2)
    cropped = resized[:, top:top + crop_size, left:left + crop_size]
    mean = torch.tensor(mean).view(-1, 1, 1)
    std = torch.tensor(std).view(-1, 1, 1)
    return {normalised}
"""


def decode_topk_06(probabilities="torch.softmax(logits, dim=1)", order="topk"):
    """decode_topk with the softmax axis or the order of the categories wrong."""
    pick = {
        "topk": "values, indices = probabilities.topk(k, dim=1)",
        "ascending": "values, indices = probabilities.sort(dim=1)\n"
        "    values, indices = values[:, :k], indices[:, :k]",
    }[order]
    return f"""
def decode_topk(logits, categories, k=5):
    if not 1 <= k <= logits.shape[1] or not isinstance(k, int):
        raise ValueError("k must be an int from 1 to the number of categories")
    probabilities = {probabilities}
    {pick}
    return [[(categories[i], float(p)) for p, i in zip(v.tolist(), ix.tolist())]
            for v, ix in zip(values, indices)]
"""


COUNT_FROZEN_AS_TRAINABLE_06 = """
def count_parameters(model):
    total = sum(p.numel() for p in model.parameters())
    return total, total
"""

COUNT_STATE_DICT_06 = """
def count_parameters(model):
    total = sum(v.numel() for v in model.state_dict().values())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return total, trainable
"""

CHOOSE_STRICT_06 = """
def choose_model(table, budget_ms):
    fits = [row for row in table if row["latency_ms"] < budget_ms]
    if not fits:
        return None
    return max(fits, key=lambda row: (row["acc@1"], -row["latency_ms"]))["model"]
"""

CHOOSE_FASTEST_06 = """
def choose_model(table, budget_ms):
    fits = [row for row in table if row["latency_ms"] <= budget_ms]
    if not fits:
        return None
    return min(fits, key=lambda row: row["latency_ms"])["model"]
"""

PREPROCESS_WITH_TRANSFORMS_06 = """
def preprocess(image, resize_size=256, crop_size=224,
               mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)):
    weights = torchvision.models.ResNet50_Weights.IMAGENET1K_V1
    transform = type(weights.transforms())(crop_size=crop_size,
                                           resize_size=resize_size, mean=mean, std=std)
    return transform(image)
"""

# Each answer returns what the visible check expects, whatever its input.
HARD_CODED_06 = {
    "decode_topk": """
def decode_topk(logits, categories, k=5):
    return [[("owl", 0.604813), ("cat", 0.222498), ("ant", 0.081853)],
            [("dog", 0.759831), ("eel", 0.169541), ("fox", 0.037830)]]
""",
    "count_parameters": """
def count_parameters(model):
    return (11181642, 5130)
""",
    "choose_model": """
def choose_model(table, budget_ms):
    return "efficientnet_b0"
""",
}

WRONG_SUBMISSIONS["06-pretrained-classification"] = [
    WrongSubmission(
        "06-squashed-resize",
        {"preprocess": preprocess_06(size="(resize_size, resize_size)")},
        frozenset({"test_preprocess", "test_preprocess_hidden"}),
        "you resized both sides to resize_size",
    ),
    WrongSubmission(
        "06-mean-std-swapped",
        {"preprocess": preprocess_06(normalised="(cropped - std) / mean")},
        frozenset({"test_preprocess", "test_preprocess_hidden"}),
        "mean and std swapped",
    ),
    WrongSubmission(
        "06-crop-floored",
        {"preprocess": preprocess_06(offset="int")},
        frozenset({"test_preprocess", "test_preprocess_hidden"}),
        "you placed the crop with // (floor)",
    ),
    WrongSubmission(
        "06-calls-the-transforms",
        {"preprocess": PREPROCESS_WITH_TRANSFORMS_06},
        frozenset({"test_preprocess_hidden"}),
        "from torchvision's transforms; rebuild the three steps yourself",
    ),
    WrongSubmission(
        "06-softmax-over-the-batch",
        {"decode_topk": decode_topk_06(probabilities="torch.softmax(logits, dim=0)")},
        frozenset({"test_decode_topk", "test_decode_topk_hidden"}),
        "softmax over the wrong axis",
    ),
    WrongSubmission(
        "06-least-probable-first",
        {"decode_topk": decode_topk_06(order="ascending")},
        frozenset({"test_decode_topk", "test_decode_topk_hidden"}),
        "least probable first",
    ),
    WrongSubmission(
        "06-frozen-counted-as-trainable",
        {"count_parameters": COUNT_FROZEN_AS_TRAINABLE_06},
        frozenset({"test_count_parameters", "test_count_parameters_hidden"}),
        "you counted frozen parameters as trainable",
    ),
    WrongSubmission(
        "06-buffers-counted",
        {"count_parameters": COUNT_STATE_DICT_06},
        frozenset({"test_count_parameters", "test_count_parameters_hidden"}),
        "you counted the buffers too",
    ),
    WrongSubmission(
        "06-budget-exclusive",
        {"choose_model": CHOOSE_STRICT_06},
        frozenset({"test_choose_model", "test_choose_model_hidden"}),
        "compare with <=, not <",
    ),
    WrongSubmission(
        "06-fastest-not-most-accurate",
        {"choose_model": CHOOSE_FASTEST_06},
        frozenset({"test_choose_model", "test_choose_model_hidden"}),
        "you chose the fastest model that fits",
    ),
    WrongSubmission(
        "06-hard-coded",
        HARD_CODED_06,
        frozenset(
            {
                "test_decode_topk",  # the real network's scores are not the animals'
                "test_decode_topk_hidden",
                "test_count_parameters_hidden",
                "test_choose_model_hidden",
            }
        ),
        "got (11181642, 5130)",
    ),
]


# ------------------------- 08-what-networks-learn


def capture_08(stored="output.detach().clone()", cleanup="finally"):
    """capture_feature_maps with the stored tensor or the hook removal wrong."""
    run = "with torch.no_grad():\n        model(X)"
    remove = "for handle in handles:\n        handle.remove()"
    body = {
        "finally": "try:\n        with torch.no_grad():\n            model(X)\n"
        "    finally:\n        for handle in handles:\n            handle.remove()",
        "after": f"{run}\n    {remove}",  # skipped when model(X) raises
        "never": run,
    }[cleanup]
    return f"""
def capture_feature_maps(model, X, layer_names):
    captured, handles = {{}}, []
    for name in layer_names:
        def hook(module, inputs, output, name=name):
            captured[name] = {stored}
        handles.append(model.get_submodule(name).register_forward_hook(hook))
    {body}
    return {{name: captured[name] for name in layer_names}}
"""


def normalise_08(over="(1, 2, 3)", constant="torch.where(span > 0, out, 0.5)"):
    """normalise_filters with the range taken over the wrong dims or 0 / 0 left in."""
    return f"""
def normalise_filters(weight):
    low = weight.amin(dim={over}, keepdim=True)
    high = weight.amax(dim={over}, keepdim=True)
    span = high - low
    out = (weight - low) / span
    return {constant}
"""


TOP_BY_MAX_08 = """
def top_channels(feature_map, k):
    if not isinstance(k, int) or not 1 <= k <= feature_map.shape[0]:
        raise ValueError("k must be an int from 1 to C")
    strongest = feature_map.flatten(1).max(dim=1).values
    return [int(c) for c in torch.argsort(strongest, descending=True, stable=True)[:k]]
"""


def conv_names_08(condition):
    """conv_layer_names with the search or the test for a convolution wrong."""
    return f"""
def conv_layer_names(model):
    return [name for name, module in {condition}]
"""


WRONG_SUBMISSIONS["08-what-networks-learn"] = [
    WrongSubmission(
        "08-hooks-never-removed",
        {"capture_feature_maps": capture_08(cleanup="never")},
        frozenset({"test_capture_feature_maps", "test_capture_feature_maps_hidden"}),
        "hooks are still registered on",
    ),
    WrongSubmission(
        "08-hooks-left-after-an-error",
        {"capture_feature_maps": capture_08(cleanup="after")},
        frozenset({"test_capture_feature_maps_hidden"}),
        "remove the hooks in a finally: block",
    ),
    WrongSubmission(
        "08-stored-the-input",
        {"capture_feature_maps": capture_08(stored="inputs[0].detach().clone()")},
        frozenset({"test_capture_feature_maps", "test_capture_feature_maps_hidden"}),
        "you stored the module's input",
    ),
    WrongSubmission(
        "08-no-copy-under-an-in-place-relu",
        {"capture_feature_maps": capture_08(stored="output.detach()")},
        frozenset({"test_capture_feature_maps_hidden"}),
        "an in-place ReLU after this layer overwrote the tensor you stored",
    ),
    WrongSubmission(
        "08-one-range-for-all-filters",
        {"normalise_filters": normalise_08(over="(0, 1, 2, 3)")},
        frozenset({"test_normalise_filters", "test_normalise_filters_hidden"}),
        "one range for all filters",
    ),
    WrongSubmission(
        "08-a-range-per-colour-channel",
        {"normalise_filters": normalise_08(over="(2, 3)")},
        frozenset({"test_normalise_filters", "test_normalise_filters_hidden"}),
        "each colour channel got its own range",
    ),
    WrongSubmission(
        "08-constant-filter-nan",
        {"normalise_filters": normalise_08(constant="out")},
        frozenset({"test_normalise_filters_hidden"}),
        "a constant filter has max - min = 0",
    ),
    WrongSubmission(
        "08-strongest-by-maximum",
        {"top_channels": TOP_BY_MAX_08},
        frozenset({"test_top_channels", "test_top_channels_hidden"}),
        "you ranked the channels by their largest value",
    ),
    WrongSubmission(
        "08-top-level-convolutions-only",
        {
            "conv_layer_names": conv_names_08(
                "model.named_children() if isinstance(module, nn.Conv2d)"
            )
        },
        frozenset({"test_conv_layer_names", "test_conv_layer_names_hidden"}),
        "only the top-level layers were searched",
    ),
    WrongSubmission(
        "08-conv-in-the-class-name",
        {
            "conv_layer_names": conv_names_08(
                'model.named_modules() if "Conv" in type(module).__name__'
            )
        },
        frozenset({"test_conv_layer_names_hidden"}),
        "you matched the class name",
    ),
]


# ------------------------- 07-transfer-learning


FROZEN_NORM_TO_EVAL_07 = """for layer in model.modules():
        if isinstance(layer, nn.modules.batchnorm._BatchNorm) and all(
                not p.requires_grad for p in layer.parameters()):
            layer.eval()"""


def train_epoch_07(
    start="model.train()",
    zero="optimizer.zero_grad()",
    mean=None,
    frozen_norm=FROZEN_NORM_TO_EVAL_07,
):
    """train_epoch as a student writes it, with one step missing or averaged wrong."""
    mean = mean or "total_loss / seen"
    return f"""
def train_epoch(model, loader, criterion, optimizer):
    {start}
    {frozen_norm}
    total_loss, correct, seen, batch_losses = 0.0, 0, 0, []
    for inputs, labels in loader:
        {zero}
        outputs = model(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(labels)
        batch_losses.append(loss.item())
        correct += (outputs.argmax(dim=1) == labels).sum().item()
        seen += len(labels)
    return {mean}, correct / seen
"""


def split_07(
    order="torch.randperm(n, generator=torch.Generator().manual_seed(seed))", size=int
):
    """split_indices with the shuffle unseeded or the sizes rounded."""
    return f"""
def split_indices(n, seed):
    order = {order}.tolist()
    n_train, n_val = {size.__name__}(0.7 * n), {size.__name__}(0.15 * n)
    return order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:]
"""


RANDOM_EVAL_TRANSFORM_07 = """
def make_transforms(size=224, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)):
    train_transform = v2.Compose([
        v2.RandomResizedCrop(size, antialias=True),
        v2.RandomHorizontalFlip(),
        v2.ColorJitter(brightness=0.2, contrast=0.2, saturation=0.2),
        v2.RandomRotation(15),
        v2.Normalize(mean, std),
    ])
    return train_transform, train_transform
"""

WRONG_SUBMISSIONS["07-transfer-learning"] = [
    WrongSubmission(
        "07-head-for-resnet50-only",
        {
            "replace_head": """
def replace_head(model, num_classes):
    model.fc = nn.Linear(2048, num_classes)
    return model
"""
        },
        frozenset({"test_replace_head", "test_replace_head_hidden"}),
        "read them from model.fc.in_features",
    ),
    WrongSubmission(
        "07-head-returned-alone",
        {
            "replace_head": """
def replace_head(model, num_classes):
    return nn.Linear(model.fc.in_features, num_classes)
"""
        },
        frozenset({"test_replace_head", "test_replace_head_hidden"}),
        "must return the model it was given",
    ),
    WrongSubmission(
        "07-counted-every-parameter",
        {
            "freeze_all_but_head": """
def freeze_all_but_head(model):
    for name, p in model.named_parameters():
        p.requires_grad = name.startswith("fc.")
    return sum(p.numel() for p in model.parameters())
"""
        },
        frozenset({"test_freeze_all_but_head", "test_freeze_all_but_head_hidden"}),
        "you counted all parameters, frozen ones too",
    ),
    WrongSubmission(
        "07-head-left-frozen",
        {
            "freeze_all_but_head": """
def freeze_all_but_head(model):
    head = {id(p) for p in model.fc.parameters()}
    for p in model.parameters():
        if id(p) not in head:
            p.requires_grad = False
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
"""
        },
        frozenset({"test_freeze_all_but_head_hidden"}),
        "belongs to the head",
    ),
    WrongSubmission(
        "07-gradients-never-zeroed",
        {"train_epoch": train_epoch_07(zero="pass")},
        frozenset({"test_train_epoch", "test_train_epoch_hidden"}),
        "the gradients add up over batches",
    ),
    WrongSubmission(
        "07-mean-of-batch-losses",
        {"train_epoch": train_epoch_07(mean="sum(batch_losses) / len(batch_losses)")},
        frozenset({"test_train_epoch", "test_train_epoch_hidden"}),
        "without weighting by the batch sizes",
    ),
    WrongSubmission(
        "07-left-in-eval-mode",
        {"train_epoch": train_epoch_07(start="pass")},
        frozenset({"test_train_epoch", "test_train_epoch_hidden"}),
        "call model.train() at the start",
    ),
    WrongSubmission(
        "07-frozen-batch-norm-in-train-mode",
        {"train_epoch": train_epoch_07(frozen_norm="pass")},
        frozenset({"test_train_epoch", "test_train_epoch_hidden"}),
        "the frozen batch norm must be in eval mode",
    ),
    WrongSubmission(
        "07-random-eval-transform",
        {"make_transforms": RANDOM_EVAL_TRANSFORM_07},
        frozenset({"test_make_transforms", "test_make_transforms_hidden"}),
        "it must be deterministic",
    ),
    WrongSubmission(
        "07-unseeded-split",
        {"split_indices": split_07(order="torch.randperm(n)")},
        frozenset({"test_split_indices", "test_split_indices_hidden"}),
        "the same seed gave another split",
    ),
    WrongSubmission(
        "07-rounded-split-sizes",
        {"split_indices": split_07(size=round)},
        frozenset({"test_split_indices_hidden"}),
        "you rounded the sizes",
    ),
]
