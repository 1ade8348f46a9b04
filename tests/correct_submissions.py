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
    "06-pretrained-classification": [
        CorrectSubmission("06-own-names", OWN_NAMES_06),
        CorrectSubmission("06-loops", LOOPS_06),
        CorrectSubmission("06-vectorised", VECTORISED_06),
        CorrectSubmission("06-unusual", UNUSUAL_06),
    ],
    "07-transfer-learning": [
        # Each list sorted: the split is the same sets of indices.
        CorrectSubmission("07-sorted-split", {"split_indices": SORTED_SPLIT_07}),
    ],
}
