"""Correct answers in other styles than the solutions', for the grading round trips.

Independent students answer correctly in many styles; every one of them must keep
every autograded point. Each case is a student id and the answer cells it replaces
(grade_id -> code; every other answer cell holds the solution). Every autograded
answer cell has at least three cases, in different styles:

- ``loops``: plain Python loops and types (lists, tuples, ints, floats);
- ``vectorised``: NumPy or PyTorch operations without loops;
- ``unusual``: valid choices the task allows but the solution does not make (other
  containers and dtypes, NumPy scalars, tensors that require grad, helpers of one's
  own with library-like names, trial variables that rebind the setup cell's names).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class CorrectSubmission:
    student: str
    answers: dict[str, str]


LOOPS_01 = {
    "value_at_1_2": """
# Row 1, column 2 is the window's top-left corner: rows 1-3, columns 2-4 of I.
value_at_1_2 = 0
for m in range(3):
    for n in range(3):
        value_at_1_2 += int(I[1 + m, 2 + n]) * int(K[m, n])
""",
    "valid_output_shape": """
def valid_output_shape(image_shape, kernel_shape):
    sizes = []
    for size, k in zip(image_shape, kernel_shape):
        if k > size:
            raise ValueError("the kernel does not fit inside the image")
        sizes.append(size - k + 1)
    return tuple(sizes)
""",
    "correlate2d": """
def correlate2d(image, kernel):
    H, W = len(image), len(image[0])
    KH, KW = len(kernel), len(kernel[0])
    rows = []
    for i in range(H - KH + 1):
        row = []
        for j in range(W - KW + 1):
            total = 0.0
            for m in range(KH):
                for n in range(KW):
                    total += float(image[i + m][j + n]) * float(kernel[m][n])
            row.append(total)
        rows.append(row)
    return np.array(rows, dtype=float).reshape(H - KH + 1, W - KW + 1)
""",
    "make_detector": """
def make_detector(pattern):
    # +1 where the pattern is lit, -1 where it is dark, as a list of lists.
    kernel = []
    for row in pattern:
        kernel.append([1 if value == 1 else -1 for value in row])
    return kernel
""",
}

VECTORISED_01 = {
    "value_at_1_2": """
value_at_1_2 = (I[1:4, 2:5] * K).sum()  # np.int64
""",
    "valid_output_shape": """
def valid_output_shape(image_shape, kernel_shape):
    out = np.subtract(image_shape, kernel_shape) + 1
    if (out < 1).any():
        raise ValueError(f"kernel {kernel_shape} is larger than image {image_shape}")
    return tuple(out)  # a tuple of np.int64
""",
    "correlate2d": """
from numpy.lib.stride_tricks import sliding_window_view


def correlate2d(image, kernel):
    kernel = np.asarray(kernel, dtype=float)
    out = np.empty((image.shape[0] - kernel.shape[0] + 1,
                    image.shape[1] - kernel.shape[1] + 1))
    windows = sliding_window_view(image, kernel.shape)  # (OH, OW, KH, KW)
    for i, j in np.ndindex(out.shape):  # one loop over the window positions
        out[i, j] = np.tensordot(windows[i, j], kernel, axes=2)
    return out
""",
    "make_detector": """
def make_detector(pattern):
    pattern = np.asarray(pattern)
    return np.where(pattern > 0.5, 1.0 / pattern.sum(), -1.0 / (pattern.size - pattern.sum()))
""",
}

# A kernel that requires grad, float32 arithmetic, a helper named like a library
# function, trial lines that rebind the given I and K and the setup's F and checks.
UNUSUAL_01 = {
    "value_at_1_2": '''
"""Exercise 1.1, with numbers read off the slice."""
value_at_1_2 = np.float32(np.sum(I[1:4, 2:5] * K))
print("my value:", value_at_1_2)
''',
    "valid_output_shape": """
checks = 3  # a trial line that rebinds the setup's checks


def valid_output_shape(image_shape, kernel_shape):
    H, W = image_shape
    KH, KW = kernel_shape
    if KH > H:
        raise ValueError("kernel taller than the image")
    if KW > W:
        raise ValueError("kernel wider than the image")
    return [H - KH + 1, W - KW + 1]
""",
    "correlate2d": """
K = np.ones((2, 2))  # trying another kernel: rebinds exercise 1.1's K
I = np.zeros((3, 3))
F = "not the functional module any more"


def flip(kernel):  # a helper of my own, named like np.flip (unused: no flip here)
    return kernel[::-1, ::-1]


def correlate2d(image, kernel):
    image = torch.as_tensor(np.asarray(image, dtype=np.float32))
    kernel = torch.as_tensor(np.asarray(kernel, dtype=np.float32))
    KH, KW = kernel.shape
    out = torch.zeros(image.shape[0] - KH + 1, image.shape[1] - KW + 1)  # float32
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (image[i:i + KH, j:j + KW] * kernel).sum()
    return out.numpy()
""",
    "make_detector": """
def make_detector(pattern):
    p = torch.tensor(pattern, dtype=torch.float32)
    return torch.nn.Parameter(2 * p - 1)  # +1 on, -1 off; it requires grad
""",
}

LOOPS_02 = {
    "to_nchw": """
def to_nchw(batch):
    N, H, W, C = batch.shape
    result = np.zeros((N, C, H, W), dtype=batch.dtype)
    for n in range(N):
        for c in range(C):
            for i in range(H):
                for j in range(W):
                    result[n, c, i, j] = batch[n, i, j, c]
    return result
""",
    "conv2d_multi": """
def conv2d_multi(X, weight, bias):
    C_in, H, W = X.shape
    C_out, _, K, _ = weight.shape
    Y = np.zeros((C_out, H - K + 1, W - K + 1))
    for o in range(C_out):
        for i in range(H - K + 1):
            for j in range(W - K + 1):
                total = float(bias[o])
                for c in range(C_in):
                    for m in range(K):
                        for n in range(K):
                            total += float(X[c, i + m, j + n]) * float(weight[o, c, m, n])
                Y[o, i, j] = total
    return Y
""",
    "grayscale_kernel": """
def grayscale_kernel():
    weights = [0.2125, 0.7154, 0.0721]  # R, G, B
    kernel = torch.zeros(1, 3, 1, 1)
    for c in range(3):
        kernel[0, c, 0, 0] = weights[c]
    return kernel
""",
    "conv_params": """
def conv_params(in_channels, out_channels, kernel_size, bias=True):
    total = 0
    for _ in range(out_channels):  # one kernel and one bias per output channel
        total += in_channels * kernel_size * kernel_size
        if bias:
            total += 1
    return total
""",
    "dense_params": """
def dense_params(in_features, out_features, bias=True):
    per_output = in_features + (1 if bias else 0)
    total = 0
    for _ in range(out_features):
        total += per_output
    return total
""",
}

VECTORISED_02 = {
    "to_nchw": """
def to_nchw(batch):
    return np.einsum("nhwc->nchw", batch).copy()
""",
    "conv2d_multi": """
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_multi(X, weight, bias):
    K = weight.shape[-1]
    windows = sliding_window_view(X, (K, K), axis=(1, 2))  # (C_in, H', W', K, K)
    Y = np.einsum("cijmn,ocmn->oij", windows, weight)
    return Y + np.asarray(bias)[:, None, None]
""",
    "grayscale_kernel": """
def grayscale_kernel():
    return torch.from_numpy(np.array([0.2125, 0.7154, 0.0721], dtype=np.float32)).reshape(1, -1, 1, 1)
""",
    "conv_params": """
import math


def conv_params(in_channels, out_channels, kernel_size, bias=True):
    return math.prod([out_channels, in_channels, kernel_size, kernel_size]) + bias * out_channels
""",
    "dense_params": """
def dense_params(in_features, out_features, bias=True):
    return (in_features + int(bias)) * out_features
""",
}

# The weight of a real nn.Conv2d (an nn.Parameter that requires grad), NumPy counts,
# float32 arithmetic, trial lines that rebind the setup's images, color and numbers.
UNUSUAL_02 = {
    "to_nchw": """
images = [np.zeros((4, 4, 3))]  # a trial batch of my own: rebinds helpers' images
batch = np.arange(12).reshape(1, 2, 2, 3)
print(batch.shape)


def to_nchw(batch):
    \"\"\"Channels last to channels first, via PyTorch.\"\"\"
    return torch.from_numpy(batch).permute(0, 3, 1, 2).numpy()
""",
    "conv2d_multi": """
color = "red"  # rebinds the setup's skimage.color


def pad(X, amount=0):  # a helper named like np.pad / F.pad: here it pads nothing
    return X


def conv2d_multi(X, weight, bias):
    X = pad(np.asarray(X, dtype=np.float32))
    weight = np.asarray(weight, dtype=np.float32)
    C_out, C_in, K, _ = weight.shape
    H, W = X.shape[1] - K + 1, X.shape[2] - K + 1
    Y = np.zeros((C_out, H, W), dtype=np.float32)
    for m in range(K):  # loops over the kernel's offsets, not over the positions
        for n in range(K):
            patch = X[:, m:m + H, n:n + W]  # (C_in, H, W)
            Y += np.tensordot(weight[:, :, m, n], patch, axes=1)
    return Y + np.asarray(bias, dtype=np.float32).reshape(-1, 1, 1)
""",
    "grayscale_kernel": """
def grayscale_kernel():
    conv = nn.Conv2d(3, 1, 1, bias=False)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([0.2125, 0.7154, 0.0721]).view(1, 3, 1, 1))
    return conv.weight  # an nn.Parameter: it requires grad
""",
    "conv_params": """
numbers = [1, 2, 3]  # rebinds the setup's numbers module


def conv_params(in_channels, out_channels, kernel_size, bias=True):
    shape = np.array([out_channels, in_channels, kernel_size, kernel_size], dtype=np.int64)
    return np.prod(shape) + np.int64(out_channels if bias else 0)  # an np.int64
""",
    "dense_params": '''
def dense_params(in_features, out_features, bias=True):
    """Weights and biases of nn.Linear, as an np.int64."""
    weights = np.int64(in_features) * np.int64(out_features)
    return weights + np.int64(out_features) if bias else weights
''',
}

# Plain loops and Python types: pixel by pixel with modular indices, a running
# maximum over .tolist(), a while loop.
LOOPS_03 = {
    "shift_image": """
def shift_image(image, dy, dx):
    H, W = image.shape
    result = np.empty_like(image)
    for i in range(H):
        for j in range(W):
            result[(i + dy) % H, (j + dx) % W] = image[i, j]
    return result
""",
    "equivariance_error": """
def equivariance_error(layer, image, dy, dx):
    H, W = len(image), len(image[0])
    rows = [[float(image[i][j]) for j in range(W)] for i in range(H)]
    X = torch.tensor([[rows]], dtype=torch.float32)  # (1, 1, H, W)
    with torch.no_grad():
        out = layer(X)[0].tolist()  # [C'][H][W]
        out_shifted = layer(torch.roll(X, (dy, dx), (2, 3)))[0].tolist()
    worst = 0.0
    for c in range(len(out)):
        for i in range(H):
            for j in range(W):
                # shift(layer(X))[i, j] is layer(X)[i - dy, j - dx]
                moved = out[c][(i - dy) % H][(j - dx) % W]
                worst = max(worst, abs(out_shifted[c][i][j] - moved))
    return worst
""",
    "where_it_breaks": """
def where_it_breaks(layer, image, dy, dx, tol=1e-5):
    H, W = image.shape
    X = torch.tensor(image, dtype=torch.float32).reshape(1, 1, H, W)
    with torch.no_grad():
        out = layer(X)[0].tolist()
        out_shifted = layer(torch.roll(X, (dy, dx), (2, 3)))[0].tolist()
    mask = np.zeros((H, W), dtype=bool)
    for i in range(H):
        for j in range(W):
            for c in range(len(out)):
                if abs(out_shifted[c][i][j] - out[c][(i - dy) % H][(j - dx) % W]) > tol:
                    mask[i, j] = True
    return mask
""",
    "best_shift_error": """
def best_shift_error(net, X, dx):
    with torch.no_grad():
        Y = net(X)[0, 0].tolist()
        Y_moved = net(torch.roll(X, dx, 3))[0, 0].tolist()
    rows, width = len(Y), len(Y[0])
    best = None
    for s in range(width):
        error = 0.0
        for i in range(rows):
            for j in range(width):
                error = max(error, abs(Y_moved[i][j] - Y[i][(j - s) % width]))
        if best is None or error < best:
            best = error
    return best
""",
    "smallest_equivariant_shift": """
def smallest_equivariant_shift(net, X, max_shift):
    dx = 1
    while dx <= max_shift:
        if best_shift_error(net, X, dx) < 1e-5:
            return dx
        dx += 1
    return None
""",
}

# NumPy and PyTorch without Python loops: fancy indexing, NumPy on the layer's output,
# all output shifts at once by index arithmetic, a generator with next().
VECTORISED_03 = {
    "shift_image": """
def shift_image(image, dy, dx):
    H, W = image.shape
    rows = np.arange(-dy, H - dy) % H
    cols = np.arange(-dx, W - dx) % W
    return image[np.ix_(rows, cols)]
""",
    "equivariance_error": """
def equivariance_error(layer, image, dy, dx):
    X = torch.from_numpy(np.asarray(image, dtype=np.float32))[None, None]
    with torch.no_grad():
        left = layer(torch.roll(X, shifts=(dy, dx), dims=(2, 3))).numpy()
        right = np.roll(layer(X).numpy(), (dy, dx), axis=(2, 3))
    return float(np.max(np.abs(left - right)))
""",
    "where_it_breaks": """
def where_it_breaks(layer, image, dy, dx, tol=1e-5):
    X = torch.from_numpy(np.asarray(image, dtype=np.float32))[None, None]
    with torch.no_grad():
        left = layer(torch.roll(X, shifts=(dy, dx), dims=(2, 3))).numpy()
        right = np.roll(layer(X).numpy(), (dy, dx), axis=(2, 3))
    return np.any(np.abs(left - right) > tol, axis=(0, 1))
""",
    "best_shift_error": """
def best_shift_error(net, X, dx):
    with torch.no_grad():
        Y = net(X)  # (1, 1, H', W')
        Y_moved = net(torch.roll(X, dx, dims=-1))
    width = Y.shape[-1]
    s = torch.arange(width)[:, None]  # every output shift, one row each
    index = (torch.arange(width)[None, :] - s) % width  # (S, W'): roll by s
    rolled = Y[0, 0][:, index]  # (H', S, W')
    errors = (Y_moved[0, 0][:, None, :] - rolled).abs().amax(dim=(0, 2))  # (S,)
    return errors.min().item()
""",
    "smallest_equivariant_shift": """
def smallest_equivariant_shift(net, X, max_shift):
    shifts = range(1, max_shift + 1)
    return next((dx for dx in shifts if best_shift_error(net, X, dx) < 1e-5), None)
""",
}

# Choices the task allows that the solution does not make: np.take with mode="wrap",
# NumPy float64 results, a helper of one's own named shift, .detach() instead of
# no_grad, a mask from torch converted with .numpy(), recursion, an np.int64 answer,
# trial lines that rebind the setup's checks, nn and F, prints and docstrings.
UNUSUAL_03 = {
    "shift_image": '''
checks = "my own notes"  # rebinds the setup's checks
print(np.arange(6).reshape(2, 3))


def shift_image(image, dy, dx):
    """Index arithmetic with np.take, which wraps the indices around."""
    H, W = image.shape
    moved = np.take(image, np.arange(H) - dy, axis=0, mode="wrap")
    return np.take(moved, np.arange(W) - dx, axis=1, mode="wrap")
''',
    "equivariance_error": """
nn = None  # a trial line: my answers below do not use nn


def shift(t, dy, dx):  # a helper of my own, named like a library function
    return torch.roll(t, shifts=(dy, dx), dims=(-2, -1))


def equivariance_error(layer, image, dy, dx):
    X = torch.as_tensor(np.asarray(image)).float().unsqueeze(0).unsqueeze(0)
    left = layer(shift(X, dy, dx)).detach()
    right = shift(layer(X).detach(), dy, dx)
    return np.float64((left - right).abs().numpy().max())  # a float subclass
""",
    "where_it_breaks": """
F = "not torch.nn.functional"  # rebinds the setup's F: unused below


def where_it_breaks(layer, image, dy, dx, tol=1e-5):
    X = torch.as_tensor(np.asarray(image)).float()[None, None]
    left = layer(shift(X, dy, dx)).detach()
    right = shift(layer(X).detach(), dy, dx)
    worst = (left - right).abs().amax(dim=(0, 1))  # (H, W): the worst channel
    return (worst > tol).numpy()
""",
    "best_shift_error": """
def best_shift_error(net, X, dx):
    with torch.inference_mode():
        Y = net(X).numpy()
        Y_moved = net(torch.roll(X, dx, dims=-1)).numpy()
    errors = {s: np.abs(Y_moved - np.roll(Y, s, axis=-1)).max()
              for s in range(Y.shape[-1])}
    return np.float64(min(errors.values()))  # NumPy's float64, a float subclass
""",
    "smallest_equivariant_shift": """
def smallest_equivariant_shift(net, X, max_shift, dx=1):
    if dx > max_shift:
        return None
    if best_shift_error(net, X, dx) < 1e-5:
        return np.int64(dx)
    return smallest_equivariant_shift(net, X, max_shift, dx + 1)
""",
}

# ------------------------------------------------------------ 04-receptive-fields

# Plain Python: loops, ints, lists for the pairs, a search over jump sequences.
LOOPS_04 = {
    "receptive_field": """
def receptive_field(layers):
    field = 1
    jump = 1
    for layer in layers:
        kernel = layer[0]
        stride = layer[1]
        dilation = 1
        if len(layer) > 2:
            dilation = layer[2]
        field = field + (kernel - 1) * dilation * jump
        jump = jump * stride
    return [field, jump]
""",
    "measure_field": """
def measure_field(net, input_size):
    net = copy.deepcopy(net)
    for layer in net:
        if isinstance(layer, nn.Conv2d):
            layer.weight.data.fill_(1.0)
            if layer.bias is not None:
                layer.bias.data.fill_(0.0)
    H, W = input_size
    x = torch.ones(1, net[0].in_channels, H, W, requires_grad=True)
    out = net(x)
    out[0, 0, out.shape[2] // 2, out.shape[3] // 2].backward()
    grad = x.grad[0].abs().sum(dim=0).tolist()  # H lists of W floats
    rows = []
    for i in range(H):
        for j in range(W):
            if grad[i][j] != 0:
                rows.append(i)
                break
    cols = []
    for j in range(W):
        for i in range(H):
            if grad[i][j] != 0:
                cols.append(j)
                break
    return [rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1]
""",
    # The layers see jumps 1, 2, 4, ..., 2**m (each at least once) and every extra
    # layer adds a copy of one of them: make up the rest with the largest jumps first.
    "design_stack": """
def design_stack(target):
    if type(target) is not int or target < 1 or target % 2 == 0:
        raise ValueError("target must be a positive odd int: a field starts at 1 and "
                         "each 3x3 layer adds an even number of pixels")
    half = (target - 1) // 2  # the sum of the jumps the layers see
    best = []
    m = 0
    while 2 ** (m + 1) - 1 <= half:
        jumps = []
        for i in range(m + 1):
            jumps.append(2 ** i)
        rest = half - (2 ** (m + 1) - 1)
        for i in range(m, -1, -1):
            while rest >= 2 ** i:
                jumps.append(2 ** i)
                rest = rest - 2 ** i
        jumps.sort()
        if not best or len(jumps) < len(best):
            best = jumps
        m = m + 1
    stack = []
    for i in range(len(best)):
        if i + 1 < len(best) and best[i + 1] > best[i]:
            stack.append((3, 2))
        else:
            stack.append((3, 1))
    return stack
""",
    "weights_stack_vs_single": """
def weights_stack_vs_single(num_layers, channels):
    stack = 0
    field = 1
    for layer in range(num_layers):
        stack = stack + 3 * 3 * channels * channels
        field = field + 2
    return [stack, field * field * channels * channels]
""",
}

# NumPy and PyTorch without loops where the task allows: NumPy ints, 0-d tensors.
VECTORISED_04 = {
    "receptive_field": """
def receptive_field(layers):
    table = np.array([tuple(layer) + (1,) * (3 - len(layer)) for layer in layers],
                     dtype=np.int64).reshape(-1, 3)
    kernels, strides, dilations = table.T
    jumps = np.concatenate([[1], np.cumprod(strides)])  # before each layer, then the last
    field = 1 + np.sum((kernels - 1) * dilations * jumps[:-1])
    return field, jumps[-1]
""",
    "measure_field": """
def set_to_ones(layer):
    if isinstance(layer, nn.Conv2d):
        nn.init.ones_(layer.weight)
        if layer.bias is not None:
            nn.init.zeros_(layer.bias)


def measure_field(net, input_size):
    net = copy.deepcopy(net).apply(set_to_ones)
    X = torch.ones((1, net[0].in_channels) + tuple(input_size), requires_grad=True)
    Y = net(X)
    (grad,) = torch.autograd.grad(Y[0, 0, Y.shape[-2] // 2, Y.shape[-1] // 2], X)
    where = grad[0].ne(0).any(dim=0).nonzero()  # (n, 2): row, column
    height, width = where.max(dim=0).values - where.min(dim=0).values + 1
    return height, width  # two 0-d tensors
""",
    # The best m (largest jump 2**m) and the extra copies of each jump, from the bits.
    "design_stack": """
def design_stack(target):
    if (isinstance(target, bool) or not isinstance(target, (int, np.integer))
            or target < 1 or target % 2 == 0):
        raise ValueError(f"{target!r} is not a positive odd int; every field is one")
    half = (int(target) - 1) // 2
    if half == 0:
        return []
    m = np.arange(int(np.log2(half + 1)))  # all the jumps 1 .. 2**m fit in half
    rest = half - (2 ** (m + 1) - 1)
    low_bits = (rest[:, None] >> np.arange(64)) & 1 & (np.arange(64) < m[:, None])
    count = m + 1 + (rest >> m) + low_bits.sum(axis=1)
    best = int(np.argmin(count))
    top, r = m[best], rest[best]
    copies = 1 + low_bits[best, :top + 1]
    copies[top] = 1 + (r >> top)
    strides = np.ones(copies.sum(), dtype=np.int64)
    strides[np.cumsum(copies)[:-1] - 1] = 2  # the last layer of each jump doubles it
    return list(map(tuple, np.stack([np.full_like(strides, 3), strides], axis=1)))
""",
    "weights_stack_vs_single": """
def weights_stack_vs_single(num_layers, channels):
    kernels = np.array([3, 2 * num_layers + 1])
    layers = np.array([num_layers, 1])
    return tuple(layers * kernels ** 2 * channels ** 2)  # NumPy ints
""",
}

# Recursion, a namedtuple, a float64 copy made with pickle, weights replaced by
# nn.Parameter and biases dropped, torch.Size for a pair, trial lines that rebind
# the setup's names.
UNUSUAL_04 = {
    "receptive_field": """
from collections import namedtuple

Field = namedtuple("Field", "field jump")


def receptive_field(layers):
    \"\"\"Recursively: the last layer adds (k - 1) * d times the jump before it.\"\"\"
    if not layers:
        return Field(1, 1)
    *before, last = layers
    kernel, stride, *rest = last
    dilation = rest[0] if rest else 1
    field, jump = receptive_field(before)
    return Field(field + (kernel - 1) * dilation * jump, jump * stride)


checks = [(3, 1), (3, 1)]  # a trial stack; rebinds the setup's checks
print(receptive_field(checks), receptive_field([(7, 2), (3, 2)]))
""",
    "measure_field": """
import pickle


def measure_field(net, input_size):
    net = pickle.loads(pickle.dumps(net)).double()  # a copy, in float64
    for layer in net.modules():
        if isinstance(layer, nn.Conv2d):
            layer.weight = nn.Parameter(torch.ones_like(layer.weight))
            layer.bias = None  # no bias is a bias of 0
    X = torch.ones(1, net[0].in_channels, *input_size, dtype=torch.float64)
    X.requires_grad = True
    Y = net(X)
    Y[0, 0, Y.shape[2] // 2, Y.shape[3] // 2].backward()
    grad = X.grad.numpy()[0]  # (C, H, W)
    rows = np.flatnonzero(grad.any(axis=(0, 2)))
    cols = np.flatnonzero(grad.any(axis=(0, 1)))
    return np.array([rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1])
""",
    "design_stack": """
import functools


@functools.lru_cache(maxsize=None)
def _fields(layers_left, jump):
    \"\"\"The fields (beyond 1) that layers_left more layers can add, with their strides.\"\"\"
    if layers_left == 0:
        return {0: ()}
    found = {}
    for stride in (2, 1):
        for added, strides in _fields(layers_left - 1, jump * stride).items():
            found.setdefault(added + 2 * jump, (stride,) + strides)
    return found


def design_stack(target, *, most=64):
    if isinstance(target, bool) or not isinstance(target, int) or target % 2 != 1 or target < 1:
        raise ValueError("no stack of 3x3 layers has a field of %r: fields are odd and "
                         "at least 1" % (target,))
    for count in range(most + 1):
        strides = _fields(count, 1).get(target - 1)
        if strides is not None:
            return [(3, stride) for stride in strides]


copy = "a scratch name"  # rebinds the setup's copy module (not used below)
""",
    "weights_stack_vs_single": """
def count_parameters(module):
    return sum(p.numel() for p in module.parameters())


def weights_stack_vs_single(num_layers, channels, *, kernel=3):
    stack = nn.Sequential(*(nn.Conv2d(channels, channels, kernel, bias=False, device="meta")
                            for _ in range(num_layers)))
    field = (kernel - 1) * num_layers + 1
    single = nn.Conv2d(channels, channels, field, bias=False, device="meta")
    return torch.Size([count_parameters(stack), count_parameters(single)])
""",
}


# ------------------------------------------------ 05-stride-padding-pooling

# Plain Python: a counting loop, lists, element-by-element copies and maxima, and a
# table of the fewest layers to each size, filled from the largest size down.
LOOPS_05 = {
    "conv_output_size": """
def conv_output_size(W, K, P, S):
    if S < 1:
        raise ValueError("the stride must be at least 1")
    if K > W + 2 * P:
        raise ValueError("the kernel does not fit in the padded input")
    count = 0
    start = 0
    while start + K <= W + 2 * P:  # one output for every window that fits whole
        count = count + 1
        start = start + S
    return count
""",
    "conv_output_shape": """
def conv_output_shape(input_shape, out_channels, kernel_size, stride=1, padding=0):
    sizes = []
    for length in input_shape[2:]:
        sizes.append((length - kernel_size + 2 * padding) // stride + 1)
    return (input_shape[0], out_channels, sizes[0], sizes[1])
""",
    "pad_zeros": """
def pad_zeros(image, P):
    H, W = image.shape
    padded = np.zeros((H + 2 * P, W + 2 * P))
    for i in range(H):
        for j in range(W):
            padded[i + P, j + P] = image[i][j]
    return padded
""",
    "max_pool2d": """
def max_pool2d(feature_map, size, stride=None):
    if stride is None:
        stride = size
    H, W = feature_map.shape
    OH = (H - size) // stride + 1
    OW = (W - size) // stride + 1
    pooled = np.zeros((OH, OW))
    for i in range(OH):
        for j in range(OW):
            best = feature_map[i * stride, j * stride]
            for m in range(size):
                for n in range(size):
                    value = feature_map[i * stride + m, j * stride + n]
                    if value > best:
                        best = value
            pooled[i, j] = best
    return pooled
""",
    "plan_layers": """
def plan_layers(in_shape, out_shape):
    C2, H, H2 = out_shape[0], in_shape[1], out_shape[1]
    if H2 == H:
        return [(C2, 1, 1, 0)]
    fewest = [None] * (H + 1)  # fewest[n]: the fewest layers from H to n
    came_from = [None] * (H + 1)  # came_from[n]: (the size before, the layer)
    fewest[H] = 0
    for n in range(H, H2, -1):  # sizes only shrink: fewest[n] is final here
        if fewest[n] is None:
            continue
        for kernel in range(1, 8):
            for stride in (1, 2):
                for padding in range(0, (kernel - 1) // 2 + 1):
                    if kernel > n + 2 * padding:
                        continue
                    m = (n - kernel + 2 * padding) // stride + 1
                    if m < H2 or m == n:
                        continue
                    if fewest[m] is None or fewest[n] + 1 < fewest[m]:
                        fewest[m] = fewest[n] + 1
                        came_from[m] = (n, (C2, kernel, stride, padding))
    if fewest[H2] is None or fewest[H2] > 12:
        raise ValueError(f"no plan of 1 to 12 layers goes from {H} to {H2}")
    plan = []
    n = H2
    while n != H:
        n, layer = came_from[n]
        plan.insert(0, layer)
    return plan
""",
}

# NumPy without loops where the task allows: NumPy ints, float32 kept, sliding
# windows (one loop over the output rows, as the task asks for loops), and a
# reachability table of all sizes by broadcasting.
VECTORISED_05 = {
    "conv_output_size": """
def conv_output_size(W, K, P, S):
    if S < 1 or K > W + 2 * P:
        raise ValueError(f"no output: stride {S}, kernel {K}, padded input {W + 2 * P}")
    return np.floor_divide(W - K + 2 * P, S) + 1  # a NumPy int
""",
    "conv_output_shape": """
def conv_output_shape(input_shape, out_channels, kernel_size, stride=1, padding=0):
    hw = (np.asarray(input_shape[2:]) - kernel_size + 2 * padding) // stride + 1
    return (input_shape[0], out_channels) + tuple(hw)  # NumPy ints
""",
    "pad_zeros": """
def pad_zeros(image, P):
    dtype = image.dtype if np.issubdtype(image.dtype, np.floating) else np.float64
    padded = np.zeros(np.add(image.shape, 2 * P), dtype=dtype)  # float32 stays float32
    np.copyto(padded[P:padded.shape[0] - P, P:padded.shape[1] - P], image)
    return padded
""",
    "max_pool2d": """
from numpy.lib.stride_tricks import sliding_window_view


def max_pool2d(feature_map, size, stride=None):
    stride = stride or size
    H, W = feature_map.shape
    OH = (H - size) // stride + 1
    pooled = []
    for i in range(OH):  # one output row at a time: all its windows at once
        band = feature_map[i * stride:i * stride + size]  # (size, W)
        windows = sliding_window_view(band, size, axis=1)[:, ::stride]  # (size, OW, size)
        pooled.append(windows.max(axis=(0, 2)))
    return np.array(pooled, dtype=float)
""",
    "plan_layers": """
def plan_layers(in_shape, out_shape):
    C2, H, H2 = out_shape[0], in_shape[1], out_shape[1]
    kernel, stride, padding = np.array(
        [(k, s, p) for k in range(1, 8) for s in (1, 2) for p in range((k - 1) // 2 + 1)]).T
    sizes = np.arange(H + 1)[:, None]  # (H + 1, 1) against (layers,)
    fits = (sizes >= 1) & (kernel <= sizes + 2 * padding)
    after = np.where(fits, (sizes - kernel + 2 * padding) // stride + 1, 0)
    reach = [sizes[:, 0] == H]  # reach[d]: the sizes that d layers reach
    for _ in range(12):
        now = np.zeros(H + 1, dtype=bool)
        now[after[reach[-1]][fits[reach[-1]]]] = True
        reach.append(now)
    depths = np.flatnonzero([r[H2] for r in reach[1:]]) + 1
    if depths.size == 0:
        raise ValueError(f"{H2}x{H2} cannot be reached from {H}x{H} in 12 layers")
    plan, size = [], H2
    for d in range(depths[0], 0, -1):  # back from the target, one layer at a time
        before, layer = np.argwhere(reach[d - 1][:, None] & fits & (after == size))[0]
        plan.insert(0, (C2, kernel[layer], stride[layer], padding[layer]))  # NumPy ints
        size = before
    return plan
""",
}

# A ValueError of one's own, math.floor, torch.Size from a meta layer, a helper named
# pad, float32 results, itertools, recursion with a cache, and trial lines that rebind
# the setup's names (numbers, F, nn, checks).
UNUSUAL_05 = {
    "conv_output_size": """
import math


class ShapeError(ValueError):
    \"\"\"A layer that gives no output.\"\"\"


def conv_output_size(W, K, P, S):
    \"\"\"floor((W - K + 2P) / S) + 1, the number of whole windows.\"\"\"
    if not S >= 1:
        raise ShapeError("a stride smaller than 1 never moves on")
    if W + 2 * P - K < 0:
        raise ShapeError(f"a {K}-wide kernel does not fit in {W + 2 * P} padded pixels")
    return math.floor((W - K + 2 * P) / S) + 1


numbers = (7, 3, 1, 2)  # a trial setting; rebinds the setup's numbers module
print(conv_output_size(*numbers))
""",
    "conv_output_shape": """
def conv_output_shape(input_shape, out_channels, kernel_size, stride=1, padding=0):
    layer = torch.nn.Conv2d(input_shape[1], out_channels, kernel_size, stride=stride,
                            padding=padding, device="meta")
    return layer(torch.empty(*input_shape, device="meta")).shape  # a torch.Size
""",
    "pad_zeros": """
def pad(image, width, value=0.0):
    \"\"\"My own pad: a float32 frame of value, width pixels wide.\"\"\"
    H, W = image.shape
    framed = np.zeros((H + 2 * width, W + 2 * width), dtype=np.float32) + value
    framed[width:width + H, width:width + W] = image
    return framed


def pad_zeros(image, P):
    return pad(image, P)


print(pad_zeros(np.array([[1., 2], [3, 4]]), 1))
""",
    "max_pool2d": """
import itertools

F = np.array([[1., 3, 2, 0], [4, 2, 1, 1], [0, 1, 5, 6], [2, 2, 7, 3]])  # the lesson's map


def max_pool2d(feature_map, size, stride=None, *, dtype=np.float32):
    stride = size if stride is None else stride
    rows = range(0, feature_map.shape[0] - size + 1, stride)
    cols = range(0, feature_map.shape[1] - size + 1, stride)
    pooled = np.empty((len(rows), len(cols)), dtype=dtype)
    for (i, top), (j, left) in itertools.product(enumerate(rows), enumerate(cols)):
        pooled[i, j] = max(feature_map[top:top + size, left:left + size].flat)
    return pooled


print(max_pool2d(F, 2))
""",
    "plan_layers": """
import functools


class NoPlanError(ValueError):
    \"\"\"No plan of 1 to 12 layers reaches the target.\"\"\"


CHOICES = [(kernel, stride, padding) for kernel in range(7, 0, -1) for stride in (1, 2)
           for padding in range((kernel - 1) // 2 + 1)]


def plan_layers(in_shape, out_shape):
    C2, H2 = out_shape[0], out_shape[1]

    @functools.lru_cache(maxsize=None)
    def finish(size, budget):
        \"\"\"A shortest tuple of at most budget layers from size to H2, or None.\"\"\"
        if size == H2:
            return ()
        if budget == 0 or size < H2:
            return None
        best = None
        for kernel, stride, padding in CHOICES:
            if kernel <= size + 2 * padding:
                after = (size - kernel + 2 * padding) // stride + 1
                rest = finish(after, budget - 1) if after < size else None
                if rest is not None and (best is None or len(rest) + 1 < len(best)):
                    best = ((C2, kernel, stride, padding),) + rest
        return best

    plan = finish(in_shape[1], 12)
    if plan is None:
        raise NoPlanError(f"no plan of 1 to 12 layers reaches {out_shape} from {in_shape}")
    return list(plan) or [(C2, 1, 1, 0)]


nn = checks = None  # rebinds the setup's names (not used above)
numbers = [148, 75]
try:
    plan_layers((1, numbers[0], numbers[0]), (1, numbers[1], numbers[1]))
except ValueError as error:
    print("as expected:", error)
print(plan_layers((3, 32, 32), (16, 8, 8)))
""",
}


# Helpers of one's own named like torchvision's (resize, center_crop, normalize),
# names the checks must not clobber or be clobbered by (F, images, numbers), NumPy
# floats, a list for a pair of counts.
OWN_NAMES_06 = {
    "preprocess": """
images = []  # a scratch list of the student's own


def resize(image, size):
    return torch.nn.functional.interpolate(
        image[None], size=size, mode="bilinear", antialias=True, align_corners=False
    )[0]


def center_crop(image, size):
    H, W = image.shape[-2:]
    top, left = round((H - size) / 2), round((W - size) / 2)
    return image[:, top:top + size, left:left + size]


def normalize(image, mean, std):
    mean = torch.tensor(mean).view(-1, 1, 1)
    std = torch.tensor(std).view(-1, 1, 1)
    return (image - mean) / std


def preprocess(image, resize_size=256, crop_size=224,
               mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)):
    H, W = image.shape[-2:]
    if H <= W:
        size = (resize_size, int(resize_size * W / H))
    else:
        size = (int(resize_size * H / W), resize_size)
    return normalize(center_crop(resize(image, size), crop_size), mean, std)


F = None  # the setup cell's F, rebound: the checks must not rely on it
""",
    "decode_topk": """
def decode_topk(logits, categories, k=5):
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= logits.shape[1]:
        raise ValueError("k must be an int from 1 to the number of categories")
    probabilities = torch.softmax(logits.double(), dim=1).numpy()  # float64
    result = []
    for row in probabilities:
        order = np.argsort(-row, kind="stable")[:k]
        result.append([(categories[i], row[i]) for i in order])  # np.float64
    return result
""",
    "count_parameters": """
numbers = [3, 1, 2]  # a scratch list that shadows the setup's numbers module


def count_parameters(model):
    sizes = [p.numel() for p in model.parameters()]
    trainable = [p.numel() for p in model.parameters() if p.requires_grad]
    return [sum(sizes), sum(trainable)]
""",
    "choose_model": """
TABLE = [{"model": "mine", "acc@1": 99.0, "latency_ms": 1.0}]  # the student's own


def choose_model(table, budget_ms):
    best = None
    for row in sorted(table, key=lambda row: row["latency_ms"]):
        if row["latency_ms"] <= budget_ms and (
            best is None or row["acc@1"] > best["acc@1"]
        ):
            best = row
    return None if best is None else best["model"]
""",
}


# Plain loops and Python types: a channel loop for the normalisation, a softmax
# with math.exp, running sums, a running best.
LOOPS_06 = {
    "preprocess": """
def preprocess(image, resize_size=256, crop_size=224,
               mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)):
    height, width = image.shape[1], image.shape[2]
    if width >= height:
        new_h = resize_size
        new_w = int(resize_size * width / height)
    else:
        new_w = resize_size
        new_h = int(resize_size * height / width)
    big = F.interpolate(image[None], size=(new_h, new_w), mode="bilinear",
                        antialias=True, align_corners=False)[0]
    top = round((new_h - crop_size) / 2)
    left = round((new_w - crop_size) / 2)
    channels = []
    for c in range(3):
        window = big[c, top:top + crop_size, left:left + crop_size]
        channels.append((window - mean[c]) / std[c])
    return torch.stack(channels)
""",
    "decode_topk": """
import math


def decode_topk(logits, categories, k=5):
    rows = logits.tolist()
    if type(k) is not int or k < 1 or k > len(rows[0]):
        raise ValueError("k must be an int between 1 and the number of categories")
    result = []
    for row in rows:
        largest = max(row)
        exps = [math.exp(value - largest) for value in row]
        total = sum(exps)
        probs = [e / total for e in exps]
        order = sorted(range(len(probs)), key=lambda i: -probs[i])  # stable
        pairs = []
        for i in order[:k]:
            pairs.append((categories[i], probs[i]))
        result.append(pairs)
    return result
""",
    "count_parameters": """
def count_parameters(model):
    total = 0
    trainable = 0
    for p in model.parameters():
        total += p.numel()
        if p.requires_grad:
            trainable += p.numel()
    return (total, trainable)
""",
    "choose_model": """
def choose_model(table, budget_ms):
    best = None
    for row in table:
        if row["latency_ms"] > budget_ms:
            continue
        if best is None or row["acc@1"] > best["acc@1"] or (
                row["acc@1"] == best["acc@1"]
                and row["latency_ms"] < best["latency_ms"]):
            best = row
    if best is None:
        return None
    return best["model"]
""",
}


# NumPy and PyTorch without loops: narrow for the crop, broadcasting, NumPy's
# stable argsort with float32 probabilities, np.int64 counts, np.lexsort.
VECTORISED_06 = {
    "preprocess": """
def preprocess(image, resize_size=256, crop_size=224,
               mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)):
    size = torch.tensor(image.shape[-2:], dtype=torch.float64)  # (H, W)
    short = size.min()
    scaled = torch.where(size == short, resize_size, resize_size * size / short)
    new_h, new_w = scaled.long().tolist()  # .long() truncates, as int() does
    resized = F.interpolate(image.unsqueeze(0), size=(new_h, new_w), mode="bilinear",
                            antialias=True, align_corners=False).squeeze(0)
    crop = (resized.narrow(1, round((new_h - crop_size) / 2), crop_size)
                   .narrow(2, round((new_w - crop_size) / 2), crop_size))
    mean, std = torch.tensor(mean)[:, None, None], torch.tensor(std)[:, None, None]
    return crop.sub(mean).div(std)
""",
    "decode_topk": """
def decode_topk(logits, categories, k=5):
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not (
            0 < k <= logits.shape[-1]):
        raise ValueError(f"k must be an int from 1 to {logits.shape[-1]}")
    probs = torch.softmax(logits, dim=-1).numpy()  # float32
    order = np.argsort(-probs, axis=1, kind="stable")[:, :k]
    top = np.take_along_axis(probs, order, axis=1)  # np.float32 values
    labels = np.asarray(categories, dtype=object)[order]
    return [list(zip(names, values)) for names, values in zip(labels, top)]
""",
    "count_parameters": """
def count_parameters(model):
    params = list(model.parameters())
    sizes = np.array([p.numel() for p in params], dtype=np.int64)
    trains = np.array([p.requires_grad for p in params], dtype=bool)
    return sizes.sum(), sizes[trains].sum()  # np.int64 counts
""",
    "choose_model": """
def choose_model(table, budget_ms):
    if not table:
        return None
    acc = np.array([row["acc@1"] for row in table], dtype=float)
    latency = np.array([row["latency_ms"] for row in table], dtype=float)
    fits = np.flatnonzero(latency <= budget_ms)
    if fits.size == 0:
        return None
    ranked = fits[np.lexsort((latency[fits], -acc[fits]))]  # acc down, latency up
    return table[ranked[0]]["model"]
""",
}


# Choices the task allows that the solution does not make: helpers named pad and
# normalize of one's own, float64 statistics (a float64 result), trial lines that
# rebind the setup's names, prints, a log-softmax, an id set, a sorted copy.
UNUSUAL_06 = {
    "preprocess": """
def pad(n):  # the student's own helper, named like F.pad
    return n


def normalize(x, mean, std):
    mean = torch.from_numpy(np.array(mean, dtype=np.float64)).reshape(3, 1, 1)
    std = torch.from_numpy(np.array(std, dtype=np.float64)).reshape(3, 1, 1)
    return (x.double() - mean) / std  # a float64 result


def preprocess(image, resize_size=256, crop_size=224,
               mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)):
    \"\"\"Short side to resize_size, centre crop, normalise.\"\"\"
    *_, H, W = image.shape
    short, long = sorted((H, W))
    long = int(resize_size * long / short)
    size = (resize_size, long) if H <= W else (long, resize_size)
    x = torch.nn.functional.interpolate(image.unsqueeze(0), size, mode="bilinear",
                                        antialias=True, align_corners=False)[0]
    top, left = (round((side - crop_size) / 2) for side in size)
    return normalize(x[:, pad(top):top + crop_size, pad(left):left + crop_size],
                     mean, std)


image = torch.rand(3, 300, 451)  # a trial, rebinding nothing the checks need
print(preprocess(image).shape)
F = "not torch.nn.functional"  # the setup's F, rebound after the trial
""",
    "decode_topk": """
import operator


def decode_topk(logits, categories, k=5):
    \"\"\"k most probable (label, probability) per row.\"\"\"
    if isinstance(k, bool):
        raise ValueError("k must be an int, not a bool")
    try:
        k = operator.index(k)
    except TypeError:
        raise ValueError(f"k must be an int, got {k!r}") from None
    if k not in range(1, logits.shape[1] + 1):
        raise ValueError(f"k must be between 1 and {logits.shape[1]}")
    logp = torch.log_softmax(logits.double(), dim=1)
    values, indices = torch.sort(logp, dim=1, descending=True, stable=True)
    probs = values[:, :k].exp().numpy()  # np.float64 values
    return [[(categories[i], p) for i, p in zip(idx, row)]
            for idx, row in zip(indices[:, :k].tolist(), probs)]


print(decode_topk(torch.tensor([[1.0, 3.0, 2.0]]), ["cat", "dog", "fox"], k=2))
""",
    "count_parameters": """
def count_parameters(model):
    seen, total, trainable = set(), 0, 0
    for module in model.modules():
        for p in module.parameters(recurse=False):
            if id(p) in seen:  # a shared layer counts once
                continue
            seen.add(id(p))
            total += p.numel()
            trainable += p.numel() * p.requires_grad
    return total, trainable


model = torchvision.models.resnet18()  # a trial: the task's example
for p in model.parameters():
    p.requires_grad = False
model.fc = nn.Linear(512, 10)
print(count_parameters(model))
checks = 3  # the setup's checks, rebound
""",
    "choose_model": """
import copy


def choose_model(table, budget_ms, *, key=("acc@1", "latency_ms")):
    ranked = sorted(copy.deepcopy(table), key=lambda row: (-row[key[0]], row[key[1]]))
    return next((row["model"] for row in ranked if row[key[1]] <= budget_ms), None)


TABLE = [
    {"model": "resnet18", "acc@1": 69.758, "latency_ms": 13.7},
    {"model": "efficientnet_b0", "acc@1": 77.692, "latency_ms": 10.3},
]
print(choose_model(TABLE, 40.0))
""",
}


SORTED_SPLIT_07 = """
def split_indices(n, seed):
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed)).tolist()
    n_train, n_val = int(0.7 * n), int(0.15 * n)
    parts = order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:]
    return tuple(sorted(part) for part in parts)
"""


# Plain loops and Python types: a name test per parameter, an example-by-example
# accuracy count, transforms appended in a loop, indices dealt out one by one.
LOOPS_07 = {
    "replace_head": """
def replace_head(model, num_classes):
    old = model.fc
    features = old.weight.shape[1]  # (out_features, in_features)
    setattr(model, "fc", nn.Linear(features, num_classes, bias=True))
    return model
""",
    "freeze_all_but_head": """
def freeze_all_but_head(model):
    count = 0
    for name, p in model.named_parameters():
        if name.startswith("fc."):
            p.requires_grad = True
            count = count + p.numel()
        else:
            p.requires_grad = False
    return count
""",
    "train_epoch": """
def train_epoch(model, loader, criterion, optimizer):
    model.train()
    norm_types = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d, nn.SyncBatchNorm)
    for module in model.modules():
        if isinstance(module, norm_types):
            frozen = True
            for p in module.parameters():
                if p.requires_grad:
                    frozen = False
            if frozen:
                module.eval()
    loss_sum = 0.0
    right = 0
    count = 0
    for batch in loader:
        inputs, labels = batch
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        size = labels.shape[0]
        loss_sum += loss.item() * size
        predictions = outputs.argmax(dim=1).tolist()
        for guess, truth in zip(predictions, labels.tolist()):
            if guess == truth:
                right += 1
        count += size
    return loss_sum / count, right / count
""",
    "make_transforms": """
def make_transforms(size=224, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)):
    train_steps = []
    for step in (v2.RandomResizedCrop(size, antialias=True),
                 v2.RandomHorizontalFlip(),
                 v2.ColorJitter(brightness=0.2, contrast=0.2, saturation=0.2),
                 v2.RandomRotation(15),
                 v2.Normalize(mean, std)):
        train_steps.append(step)
    eval_steps = []
    for step in (v2.Resize(int(size * 256 / 224), antialias=True),
                 v2.CenterCrop(size),
                 v2.Normalize(mean, std)):
        eval_steps.append(step)
    return (v2.Compose(train_steps), v2.Compose(eval_steps))
""",
    "split_indices": """
def split_indices(n, seed):
    generator = torch.Generator().manual_seed(seed)
    order = torch.randperm(n, generator=generator).tolist()
    n_train = int(0.7 * n)
    n_val = int(0.15 * n)
    train, val, test = [], [], []
    for position in range(n):
        index = order[position]
        if position < n_train:
            train.append(index)
        elif position < n_train + n_val:
            val.append(index)
        else:
            test.append(index)
    return (train, val, test)
""",
}


# PyTorch without Python loops where it can: requires_grad_ on whole modules,
# parameters_to_vector, apply(), losses and predictions gathered as tensors,
# tensor_split for the split.
VECTORISED_07 = {
    "replace_head": """
def replace_head(model, num_classes):
    model.add_module("fc", nn.Linear(model.get_submodule("fc").in_features,
                                     num_classes))
    return model
""",
    "freeze_all_but_head": """
def freeze_all_but_head(model):
    model.requires_grad_(False)
    model.fc.requires_grad_(True)
    return torch.nn.utils.parameters_to_vector(model.fc.parameters()).numel()
""",
    "train_epoch": """
def _freeze_norm(module):
    if isinstance(module, nn.modules.batchnorm._BatchNorm) and not any(
            p.requires_grad for p in module.parameters()):
        module.train(False)


def train_epoch(model, loader, criterion, optimizer):
    model.train().apply(_freeze_norm)
    weighted, hits, sizes = [], [], []
    for inputs, labels in loader:
        optimizer.zero_grad(set_to_none=True)
        outputs = model(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        weighted.append(loss.detach() * labels.numel())
        hits.append(outputs.detach().argmax(1).eq(labels))
        sizes.append(labels.numel())
    mean_loss = torch.stack(weighted).double().sum() / sum(sizes)
    accuracy = torch.cat(hits).double().mean()
    return mean_loss.item(), accuracy.item()
""",
    "make_transforms": """
def make_transforms(size=224, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)):
    normalise = v2.Normalize(mean=list(mean), std=list(std))
    return (
        v2.Compose([v2.RandomResizedCrop((size, size)), v2.RandomHorizontalFlip(p=0.5),
                    v2.ColorJitter(0.2, 0.2, 0.2), v2.RandomRotation(degrees=15),
                    normalise]),
        v2.Compose([v2.Resize(size * 256 // 224), v2.CenterCrop((size, size)),
                    normalise]),
    )
""",
    "split_indices": """
def split_indices(n, seed):
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    cuts = [int(0.7 * n), int(0.7 * n) + int(0.15 * n)]
    return tuple(part.tolist() for part in torch.tensor_split(order, cuts))
""",
}


# Choices the task allows that the solution does not make: trial lines that rebind
# the setup's names (model, checks, copy), an id set, NumPy floats and NumPy ints,
# a list for the pair, keyword arguments, v2's antialias default, prints, docstrings.
UNUSUAL_07 = {
    "replace_head": """
def replace_head(model, num_classes):
    \"\"\"Swap the classifier; keep the backbone.\"\"\"
    in_features = model.fc.in_features
    head = nn.Linear(in_features=in_features, out_features=num_classes, bias=True,
                     dtype=model.fc.weight.dtype)
    model.fc = head
    return model


model = torchvision.models.resnet18(weights=None)  # a trial
print(replace_head(model, 10).fc)
checks = None  # the setup's checks, rebound
""",
    "freeze_all_but_head": """
def freeze_all_but_head(model):
    head = {id(p) for p in model.fc.parameters()}
    for p in model.parameters():
        p.requires_grad_(id(p) in head)
    print("trainable tensors:", len(head))
    return int(np.sum([p.numel() for p in model.parameters() if p.requires_grad]))


copy = "the setup's copy module, rebound"
""",
    "train_epoch": """
def train_epoch(model, loader, criterion, optimizer):
    \"\"\"One epoch; mean loss per example (np.float64) and accuracy (np.float32).\"\"\"
    model.train(mode=True)
    for layer in model.modules():
        params = list(layer.parameters())
        if (isinstance(layer, nn.modules.batchnorm._BatchNorm)
                and all(not p.requires_grad for p in params)):
            layer.training = False
    losses, counts, correct = [], [], np.int64(0)
    for step, (inputs, labels) in enumerate(loader):
        for p in model.parameters():  # zero the gradients by hand
            p.grad = None
        outputs = model(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        counts.append(len(inputs))
        correct += int((outputs.argmax(-1) == labels).sum())
    mean_loss = np.average(losses, weights=counts)  # np.float64
    accuracy = np.float32(correct) / np.float32(sum(counts))  # np.float32
    return [mean_loss, accuracy]
""",
    "make_transforms": """
def make_transforms(size=224, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)):
    evaluation = v2.Compose([v2.Resize(size=int(size * 256 / 224)),
                             v2.CenterCrop(size=size),
                             v2.Normalize(mean=mean, std=std)])
    training = v2.Compose([
        v2.RandomResizedCrop(size=size, antialias=True),
        v2.RandomHorizontalFlip(),
        v2.ColorJitter(brightness=0.2, contrast=0.2, saturation=0.2),
        v2.RandomRotation(degrees=(-15, 15)),
        v2.Normalize(mean=mean, std=std),
    ])
    return [training, evaluation]


print(make_transforms(64)[1])
""",
    "split_indices": """
def split_indices(n, seed):
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed)).numpy()
    a, b = int(0.7 * n), int(0.7 * n) + int(0.15 * n)
    return [list(perm[:a]), list(perm[a:b]), list(perm[b:])]  # lists of np.int64


print([len(part) for part in split_indices(20, 0)])
helpers = "the setup's helpers, rebound"
""",
}


# Plain loops and Python types: one hook per name in a loop, min and max filter by
# filter with .item(), a mean per channel, a recursive walk over the children.
LOOPS_08 = {
    "capture_feature_maps": """
def capture_feature_maps(model, X, layer_names):
    outputs = {}
    handles = []

    def make_hook(name):
        def hook(module, inputs, output):
            outputs[name] = output.detach().clone()
        return hook

    try:
        for name in layer_names:
            layer = model.get_submodule(name)
            handles.append(layer.register_forward_hook(make_hook(name)))
        with torch.no_grad():
            model(X)
    finally:
        for handle in handles:
            handle.remove()
    result = {}
    for name in layer_names:
        result[name] = outputs[name]
    return result
""",
    "normalise_filters": """
def normalise_filters(weight):
    result = weight.detach().clone().float()
    for i in range(weight.shape[0]):
        low = weight[i].min().item()
        high = weight[i].max().item()
        if high > low:
            result[i] = (weight[i].detach() - low) / (high - low)
        else:
            result[i] = 0.5
    return result
""",
    "top_channels": """
def top_channels(feature_map, k):
    C = feature_map.shape[0]
    if type(k) is not int or k < 1 or k > C:
        raise ValueError("k must be an int from 1 to " + str(C))
    means = []
    for c in range(C):
        means.append(feature_map[c].double().mean().item())
    ranking = sorted(range(C), key=lambda c: means[c], reverse=True)  # stable
    return ranking[:k]
""",
    "conv_layer_names": """
def conv_layer_names(model):
    names = []

    def walk(module, prefix):
        for child_name, child in module.named_children():
            full = prefix + child_name
            if isinstance(child, nn.Conv2d):
                names.append(full)
            walk(child, full + ".")

    if isinstance(model, nn.Conv2d):
        names.append("")
    walk(model, "")
    return names
""",
}


# Without Python loops where PyTorch allows: handles as context managers in an
# ExitStack, amin/amax with broadcasting, argsort on the means, a filter().
VECTORISED_08 = {
    "capture_feature_maps": """
import contextlib
import functools


def _store(captured, name, module, inputs, output):
    captured[name] = output.detach().clone()


def capture_feature_maps(model, X, layer_names):
    captured = {}
    with contextlib.ExitStack() as stack:
        for name in layer_names:
            hook = functools.partial(_store, captured, name)
            stack.enter_context(model.get_submodule(name).register_forward_hook(hook))
        with torch.no_grad():
            model(X)
    return dict(zip(layer_names, map(captured.get, layer_names)))
""",
    "normalise_filters": """
def normalise_filters(weight):
    dims = tuple(range(1, weight.dim()))
    low = weight.amin(dim=dims, keepdim=True)
    span = weight.amax(dim=dims, keepdim=True) - low
    return torch.where(span > 0, (weight - low) / span.clamp_min(1e-30),
                       torch.full_like(weight, 0.5))
""",
    "top_channels": """
def top_channels(feature_map, k):
    if not isinstance(k, int) or isinstance(k, bool) or not 0 < k <= len(feature_map):
        raise ValueError(f"k must be an int from 1 to {len(feature_map)}")
    means = feature_map.flatten(start_dim=1).mean(dim=1)  # float32, (C,)
    return torch.sort(means, descending=True, stable=True).indices[:k].tolist()
""",
    "conv_layer_names": """
def conv_layer_names(model):
    convs = filter(lambda item: isinstance(item[1], nn.Conv2d), model.named_modules())
    return [name for name, _ in convs]
""",
}


# Choices the task allows that the solution does not make: hooks with
# keyword arguments, inference_mode, an OrderedDict, NumPy float64 filters turned
# back into a tensor, NumPy ints, issubclass, trial lines that rebind the setup's
# names (numbers, checks, nn, torchvision).
UNUSUAL_08 = {
    "capture_feature_maps": """
from collections import OrderedDict


def capture_feature_maps(model, X, layer_names):
    \"\"\"Layer outputs through forward hooks, removed even after an error.\"\"\"
    modules = dict(model.named_modules())
    store, handles = OrderedDict(), []
    try:
        for name in layer_names:
            handles.append(modules[name].register_forward_hook(
                lambda module, args, kwargs, output, name=name:
                    store.__setitem__(name, output.clone().detach()),
                with_kwargs=True))
        with torch.inference_mode():
            model(X)
    finally:
        while handles:
            handles.pop().remove()
    return OrderedDict((name, store[name]) for name in layer_names)


model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
print({k: tuple(v.shape) for k, v in
       capture_feature_maps(model, torch.rand(2, 3, 20, 24), ["0", "2"]).items()})
""",
    "normalise_filters": """
def normalise_filters(weight):
    w = weight.detach().cpu().numpy().astype(np.float64)  # (C_out, C_in, K, K)
    flat = w.reshape(len(w), -1)
    low, high = flat.min(axis=1), flat.max(axis=1)
    span = np.where(high > low, high - low, 1.0)[:, None]
    out = np.where((high > low)[:, None], (flat - low[:, None]) / span, 0.5)
    return torch.from_numpy(out.reshape(w.shape))  # a float64 tensor


weight = torch.tensor([[[[1., 3.], [5., 9.]]], [[[2., 2.], [2., 2.]]]])  # a trial
print(normalise_filters(weight))
""",
    "top_channels": """
import numpy


def top_channels(feature_map, k):
    if isinstance(k, bool) or not isinstance(k, (int, numpy.integer)):
        raise ValueError("k must be an int")
    if not 1 <= k <= feature_map.shape[0]:
        raise ValueError("k must be from 1 to the number of channels")
    means = feature_map.detach().double().mean(dim=(-2, -1)).numpy()
    order = numpy.argsort(-means, kind="stable")  # ties: the lower index first
    return list(order[:k])  # a list of np.int64


numbers = [3, 1, 2]  # the setup's numbers module, rebound
""",
    "conv_layer_names": """
def conv_layer_names(model):
    \"\"\"Names of every Conv2d, subclasses included.\"\"\"
    found = []
    for name, module in model.named_modules():
        if issubclass(type(module), torch.nn.Conv2d):
            found += [name]
    return found


checks = "rebound"
model = torchvision.models.resnet18()
print(len(conv_layer_names(model)))
nn = torchvision = None  # the setup's names, rebound after the trial
""",
}


CORRECT_SUBMISSIONS = {
    "01-convolution-by-hand": [
        CorrectSubmission("01-loops", LOOPS_01),
        CorrectSubmission("01-vectorised", VECTORISED_01),
        CorrectSubmission("01-unusual", UNUSUAL_01),
    ],
    "02-multichannel-kernels": [
        CorrectSubmission("02-loops", LOOPS_02),
        CorrectSubmission("02-vectorised", VECTORISED_02),
        CorrectSubmission("02-unusual", UNUSUAL_02),
    ],
    "03-translation-equivariance": [
        CorrectSubmission("03-loops", LOOPS_03),
        CorrectSubmission("03-vectorised", VECTORISED_03),
        CorrectSubmission("03-unusual", UNUSUAL_03),
    ],
    "04-receptive-fields": [
        CorrectSubmission("04-loops", LOOPS_04),
        CorrectSubmission("04-vectorised", VECTORISED_04),
        CorrectSubmission("04-unusual", UNUSUAL_04),
    ],
    "05-stride-padding-pooling": [
        CorrectSubmission("05-loops", LOOPS_05),
        CorrectSubmission("05-vectorised", VECTORISED_05),
        CorrectSubmission("05-unusual", UNUSUAL_05),
    ],
    "06-pretrained-classification": [
        CorrectSubmission("06-own-names", OWN_NAMES_06),
        CorrectSubmission("06-loops", LOOPS_06),
        CorrectSubmission("06-vectorised", VECTORISED_06),
        CorrectSubmission("06-unusual", UNUSUAL_06),
    ],
    "07-transfer-learning": [
        # Each list sorted: the split is the same sets of indices.
        CorrectSubmission("07-sorted-split", {"split_indices": SORTED_SPLIT_07}),
        CorrectSubmission("07-loops", LOOPS_07),
        CorrectSubmission("07-vectorised", VECTORISED_07),
        CorrectSubmission("07-unusual", UNUSUAL_07),
    ],
    "08-what-networks-learn": [
        CorrectSubmission("08-loops", LOOPS_08),
        CorrectSubmission("08-vectorised", VECTORISED_08),
        CorrectSubmission("08-unusual", UNUSUAL_08),
    ],
}
