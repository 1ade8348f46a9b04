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


SORTED_SPLIT_07 = """
def split_indices(n, seed):
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed)).tolist()
    n_train, n_val = int(0.7 * n), int(0.15 * n)
    parts = order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:]
    return tuple(sorted(part) for part in parts)
"""


CORRECT_SUBMISSIONS = {
    "06-pretrained-classification": [
        CorrectSubmission("06-own-names", OWN_NAMES_06),
    ],
    "07-transfer-learning": [
        # Each list sorted: the split is the same sets of indices.
        CorrectSubmission("07-sorted-split", {"split_indices": SORTED_SPLIT_07}),
    ],
}
