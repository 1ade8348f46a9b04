"""Training a classifier on tensors, and the three ways to start it on a new task.

:func:`fit` is an explicit training loop: mini-batches with augmentation, a
learning-rate schedule, train and validation loss and accuracy every epoch, a
tqdm bar, and the weights of the best validation epoch kept and restored.

The transfer experiment of unit 07: the target task of :mod:`helpers.textures`
(which of 10 bundled photos a grey patch comes from, k labelled patches per
photo) learned three ways, from scratch, by feature extraction from the course's
ImageNet network (EfficientNet-Lite0) and by fine-tuning its last blocks.
:func:`prepare_task` runs the frozen part of the network once;
:func:`choose_learning_rates` picks each mode's learning rate on the validation
patches by one recorded procedure; :func:`compare_transfer` repeats every mode
over label budgets and seeds; :func:`paired_differences` compares two modes seed
by seed. Introduced in 07-transfer-learning.
"""

from __future__ import annotations

import copy
import functools
import json
import math
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn
from tqdm.auto import tqdm

from helpers import pretrained, textures
from helpers._threads import one_torch_thread
from helpers._validation import is_whole

__all__ = [
    "MODES",
    "LEARNING_RATES",
    "NUM_EPOCHS",
    "SELECTION_SEEDS",
    "CHOSEN_RATES_PATH",
    "load_chosen_rates",
    "save_chosen_rates",
    "INPUT_SIZE",
    "FROZEN_BLOCKS",
    "History",
    "evaluate",
    "flip_augment",
    "fit",
    "TransferData",
    "load_transfer_data",
    "labelled_subset",
    "TransferTask",
    "network_input",
    "prepare_task",
    "transfer",
    "TransferResult",
    "choose_learning_rates",
    "format_selection",
    "selection_rows",
    "compare_transfer",
    "Summary",
    "summarise",
    "format_comparison",
    "Difference",
    "paired_differences",
]

MODES = ("scratch", "feature extraction", "fine-tuning")
# The budget every mode gets, and the candidates its learning rate is chosen from
# on the validation patches (choose_learning_rates): no mode's setting is by hand.
LEARNING_RATES = (1e-3, 3e-3, 1e-2, 3e-2)
NUM_EPOCHS = 40
SELECTION_SEEDS = (100, 101)  # labelled subsets for choosing, never used for testing
INPUT_SIZE = 96  # the 48x48 patches are upsampled to this for the ImageNet network
FROZEN_BLOCKS = 6  # fine-tuning trains blocks[6:], conv_head and the new head
# The rates choose_learning_rates picked, per k, with the validation accuracies
# they were picked from: `python benchmarks/transfer.py --choose` writes it.
CHOSEN_RATES_PATH = Path(__file__).with_name("transfer-rates.json")


@dataclass
class History:
    """What :func:`fit` measured after every epoch, and which epoch was kept."""

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)  # each epoch's, of param group 0
    best_epoch: int = 0  # 1-based: the epoch whose weights the model ends with


def evaluate(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``model`` on (X, y), in eval mode.

    Leaves the model in the mode it was in.
    """
    was_training = model.training
    model.eval()
    with torch.inference_mode():
        logits = model(X)
        loss = nn.functional.cross_entropy(logits, y).item()
        accuracy = (logits.argmax(1) == y).float().mean().item()
    model.train(was_training)
    return loss, accuracy


def flip_augment(X: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Flip each (N, C, H, W) patch left-right and up-down, each with chance 1/2."""
    flip_h = torch.rand(len(X), generator=generator) < 0.5
    flip_v = torch.rand(len(X), generator=generator) < 0.5
    X = torch.where(flip_h[:, None, None, None], X.flip(3), X)
    return torch.where(flip_v[:, None, None, None], X.flip(2), X)


def fit(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    X: torch.Tensor,
    y: torch.Tensor,
    X_val: torch.Tensor,
    y_val: torch.Tensor,
    *,
    num_epochs: int,
    batch_size: int = 32,
    seed: int = 0,
    augment: bool = True,
    frozen_batch_norm: bool = False,
    progress: bool = True,
    description: str = "training",
) -> History:
    """Train ``model`` with ``optimizer`` and keep the best validation epoch.

    The learning rate follows a cosine schedule from the optimizer's to zero over
    ``num_epochs``. ``frozen_batch_norm`` keeps batch-norm layers in eval mode, so
    that they use their stored statistics rather than those of tiny batches.
    The model ends with the weights of the epoch with the highest validation
    accuracy (the lowest validation loss on ties), in eval mode.
    """
    for name, value in (("num_epochs", num_epochs), ("batch_size", batch_size)):
        if not is_whole(value) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}.")
    num_epochs, batch_size = int(num_epochs), int(batch_size)
    if len(X) != len(y) or len(X) == 0:
        raise ValueError(
            f"X and y must hold the same positive number of examples, got {len(X)} "
            f"and {len(y)}."
        )
    generator = torch.Generator().manual_seed(seed)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, num_epochs)
    history = History()
    best = (-1.0, float("inf"))
    best_state = copy.deepcopy(model.state_dict())
    for epoch in tqdm(range(num_epochs), desc=description, disable=not progress):
        model.train()
        if frozen_batch_norm:
            for module in model.modules():
                if isinstance(module, nn.modules.batchnorm._BatchNorm):
                    module.eval()
        history.lr.append(optimizer.param_groups[0]["lr"])
        order = torch.randperm(len(X), generator=generator)
        total_loss, correct = 0.0, 0
        for start in range(0, len(X), batch_size):
            batch = order[start : start + batch_size]
            inputs, labels = X[batch], y[batch]
            if augment:
                inputs = flip_augment(inputs, generator)
            optimizer.zero_grad()
            logits = model(inputs)
            loss = nn.functional.cross_entropy(logits, labels)
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(batch)
            correct += (logits.argmax(1) == labels).sum().item()
        schedule.step()
        history.train_loss.append(total_loss / len(X))
        history.train_accuracy.append(correct / len(X))
        val_loss, val_accuracy = evaluate(model, X_val, y_val)
        history.val_loss.append(val_loss)
        history.val_accuracy.append(val_accuracy)
        if (val_accuracy, -val_loss) > (best[0], -best[1]):
            best = (val_accuracy, val_loss)
            best_state = copy.deepcopy(model.state_dict())
            history.best_epoch = epoch + 1
    model.load_state_dict(best_state)
    model.eval()
    return history


@dataclass(frozen=True)
class TransferData:
    """The target task: a pool of labelled training patches, validation and test."""

    photos: tuple[str, ...]  # the target photos, one class each
    X_pool: torch.Tensor  # (N, ...) the examples training draws k per class from
    y_pool: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor


def load_transfer_data(
    photos=None,
    *,
    pool: int = 25,
    val: int = 10,
    test: int = 50,
    gray: bool = True,
    size: int = textures.PATCH_SIZE,
) -> TransferData:
    """Patches of the target photos (default TARGET_PHOTOS), per photo ``pool``
    from its training band, ``val`` and ``test`` from the other two bands.

    Grey patches (``gray``): colour alone then tells no photo from another, the
    texture and the shapes have to.
    """
    photos = tuple(photos or textures.TARGET_PHOTOS)
    sample = functools.partial(textures.sample_patches, photos, gray=gray, size=size)
    X_pool, y_pool = sample("train", pool, 1)
    X_val, y_val = sample("val", val, 2)
    X_test, y_test = sample("test", test, 3)
    return TransferData(photos, X_pool, y_pool, X_val, y_val, X_test, y_test)


def labelled_subset(y: torch.Tensor, k: int, seed: int) -> torch.Tensor:
    """Indices of ``k`` random examples of every class in y, the same for a seed."""
    generator = torch.Generator().manual_seed(seed)
    chosen = []
    for label in torch.unique(y):
        where = torch.nonzero(y == label).flatten()
        if len(where) < k:
            raise ValueError(f"class {int(label)} has {len(where)} examples, < k={k}.")
        chosen.append(where[torch.randperm(len(where), generator=generator)[:k]])
    return torch.cat(chosen)


@dataclass(frozen=True)
class TransferTask:
    """The target task as each mode trains on it, the frozen work done once.

    ``patches`` are the grey patches (scratch trains on them); ``maps`` the output
    of the frozen first blocks of the ImageNet network for every patch (fine-tuning
    trains ``top`` on them); ``features`` the pretrained network's pooled features
    (feature extraction trains a linear head on them). Each is a TransferData.
    """

    patches: TransferData
    maps: TransferData  # (N, C, h, w) outputs of conv_stem .. blocks[FROZEN_BLOCKS-1]
    features: TransferData  # (N, 1280) pooled features of the whole network
    top: nn.Module  # the pretrained blocks after the frozen ones, up to the pooling


def network_input(X: torch.Tensor, mean, std, size: int = INPUT_SIZE) -> torch.Tensor:
    """Grey (N, 1, H, W) patches in [0, 1] -> (N, 3, size, size), normalised.

    Upsampled (bilinear), the grey copied into red, green and blue, then each
    channel normalised as the network's weights expect: (x - mean) / std.
    """
    X = nn.functional.interpolate(X, size=size, mode="bilinear", align_corners=False)
    mean, std = (torch.tensor(v).view(1, 3, 1, 1) for v in (mean, std))
    return (X.expand(-1, 3, -1, -1) - mean) / std


def prepare_task(
    data: TransferData,
    loaded: pretrained.LoadedModel | None = None,
    *,
    frozen_blocks: int = FROZEN_BLOCKS,
    input_size: int = INPUT_SIZE,
    batch_size: int = 50,  # small batches: on a CPU faster per image (caches)
    progress: bool = True,
) -> TransferTask:
    """Run the frozen part of the ImageNet network once over every patch.

    ``loaded`` is :func:`helpers.pretrained.load_efficientnet_lite0` (loaded here when
    None). Its first blocks, ``conv_stem`` to ``blocks[frozen_blocks - 1]``, map
    each patch to a feature map; the remaining blocks, ``conv_head`` and the
    global pooling map that to 1280 features. Both are kept for every patch.
    """
    loaded = loaded or pretrained.load_efficientnet_lite0()
    network = loaded.model.eval()
    bottom = nn.Sequential(
        network.conv_stem, network.bn1, *network.blocks[:frozen_blocks]
    )
    top = nn.Sequential(
        *network.blocks[frozen_blocks:],
        network.conv_head,
        network.bn2,
        network.global_pool,  # average over the map, flattened: (N, 1280)
    )
    mean, std = loaded.preprocess.mean, loaded.preprocess.std
    splits = {"pool": data.X_pool, "val": data.X_val, "test": data.X_test}
    maps, features = {}, {}
    batches = [
        (name, i) for name, X in splits.items() for i in range(0, len(X), batch_size)
    ]
    with torch.inference_mode():
        for name, i in tqdm(batches, desc="ImageNet network", disable=not progress):
            X = network_input(splits[name][i : i + batch_size], mean, std, input_size)
            maps.setdefault(name, []).append(bottom(X))
            features.setdefault(name, []).append(top(maps[name][-1]))

    def task(outputs):
        pool, val, test = (torch.cat(outputs[name]) for name in splits)
        return TransferData(
            data.photos, pool, data.y_pool, val, data.y_val, test, data.y_test
        )

    return TransferTask(data, task(maps), task(features), copy.deepcopy(top))


@dataclass(frozen=True)
class TransferResult:
    """One training run of one mode of transfer learning."""

    mode: str
    k: int  # labelled patches per class
    seed: int
    lr: float  # the head's learning rate
    val_accuracy: float  # of the kept checkpoint
    test_accuracy: float
    trainable: int  # parameters the optimizer updated
    seconds: float  # wall time of the training
    history: History


def transfer(
    mode: str,
    task: TransferTask,
    k: int,
    seed: int,
    lr: float,
    *,
    num_epochs: int = NUM_EPOCHS,
    backbone_lr_factor: float = 0.1,
    progress: bool = False,
) -> TransferResult:
    """Train on ``k`` labelled patches per class in ``mode``; test accuracy.

    "scratch": a small CNN (:class:`helpers.textures.TextureNet`, 24 thousand
    parameters) with random weights, trained on the patches with flips.
    "feature extraction": the pretrained network frozen; a new linear head on its
    1280 pooled features. "fine-tuning": the network's last blocks from their
    pretrained weights and a new head, all trained, the pretrained blocks at
    ``backbone_lr_factor`` times the head's rate ``lr`` and their batch norm in
    eval mode (the stored statistics, frozen). The seed picks the labelled
    patches and the new weights: the same seed gives every mode the same patches.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}.")
    if not isinstance(task, TransferTask):
        raise ValueError(
            f"task must be what training.prepare_task returns, got "
            f"{type(task).__name__}."
        )
    chosen = labelled_subset(task.patches.y_pool, k, seed)
    num_classes = len(task.patches.photos)
    torch.manual_seed(seed)
    start = time.perf_counter()
    if mode == "scratch":
        data = task.patches
        model = textures.TextureNet(num_classes, data.X_pool.shape[1])
        # Channels last: the same numbers up to rounding, and on a CPU max pooling
        # over the first block's large maps runs several times faster.
        model = model.to(memory_format=torch.channels_last)
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    elif mode == "feature extraction":
        data = task.features
        model = nn.Linear(data.X_pool.shape[1], num_classes)
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    else:
        data = task.maps
        top = copy.deepcopy(task.top)
        head = nn.Linear(task.features.X_pool.shape[1], num_classes)
        model = nn.Sequential(top, head)
        optimizer = torch.optim.Adam(
            [
                {"params": head.parameters(), "lr": lr},  # first: history.lr
                {"params": top.parameters(), "lr": lr * backbone_lr_factor},
            ]
        )
    history = fit(
        model,
        optimizer,
        data.X_pool[chosen],
        data.y_pool[chosen],
        data.X_val,
        data.y_val,
        num_epochs=num_epochs,
        seed=seed,
        augment=mode == "scratch",  # the others train on outputs computed once
        frozen_batch_norm=mode == "fine-tuning",
        progress=progress,
        description=f"{mode}, k={k}",
    )
    seconds = time.perf_counter() - start
    trainable = sum(p.numel() for g in optimizer.param_groups for p in g["params"])
    _, accuracy = evaluate(model, data.X_test, data.y_test)
    val_accuracy = history.val_accuracy[history.best_epoch - 1]
    return TransferResult(
        mode, k, seed, lr, val_accuracy, accuracy, trainable, seconds, history
    )


def choose_learning_rates(
    task: TransferTask,
    k: int,
    *,
    learning_rates=LEARNING_RATES,
    seeds=SELECTION_SEEDS,
    modes=MODES,
    progress: bool = True,
) -> tuple[dict[str, float], list[TransferResult]]:
    """Each mode's learning rate, chosen on the validation patches.

    Every candidate rate trains every mode for the same NUM_EPOCHS on the labelled
    subsets of ``seeds`` (never those of the test runs); the rate whose kept
    checkpoints have the best mean validation accuracy wins (the smaller rate on
    ties). The epochs are chosen on validation too, inside every run: the best
    checkpoint. Returns {mode: rate} and every selection run, to print.
    """
    runs = [
        (mode, lr, seed) for mode in modes for lr in learning_rates for seed in seeds
    ]
    results = [
        transfer(mode, task, k, seed, lr)
        for mode, lr, seed in tqdm(runs, desc="choosing rates", disable=not progress)
    ]
    chosen = {}
    for mode in modes:
        scores = {
            lr: statistics.mean(
                r.val_accuracy for r in results if r.mode == mode and r.lr == lr
            )
            for lr in learning_rates
        }
        chosen[mode] = max(learning_rates, key=lambda lr: (scores[lr], -lr))
    return chosen, results


def selection_rows(results: list[TransferResult]) -> list[dict]:
    """The selection runs as the record keeps them: k, mode, lr, seed, accuracy."""
    return [
        {"k": r.k, "mode": r.mode, "lr": r.lr, "seed": r.seed,
         "val_accuracy": r.val_accuracy}
        for r in results
    ]  # fmt: skip


def format_selection(rows: list[dict], chosen: dict[str, float]) -> str:
    """A text table of :func:`selection_rows` at one k: mean validation accuracy
    per mode and rate, the chosen rate starred."""
    rates = sorted({r["lr"] for r in rows})
    lines = [f"{'mode':<18}" + "".join(f"  lr {lr:<7g}" for lr in rates)]
    for mode in dict.fromkeys(r["mode"] for r in rows):
        cells = []
        for lr in rates:
            mean = statistics.mean(
                r["val_accuracy"] for r in rows if r["mode"] == mode and r["lr"] == lr
            )
            cells.append(f"  {mean:6.3f}{'*' if chosen[mode] == lr else ' '}   ")
        lines.append(f"{mode:<18}" + "".join(cells))
    return "\n".join(lines)


def save_chosen_rates(chosen: dict, selection: list[TransferResult]) -> None:
    """Record {k: {mode: rate}} and the validation accuracies behind each choice."""
    record = {
        "learning_rates": list(LEARNING_RATES),
        "num_epochs": NUM_EPOCHS,
        "selection_seeds": list(SELECTION_SEEDS),
        "chosen": {str(k): rates for k, rates in chosen.items()},
        "validation": selection_rows(selection),
    }
    CHOSEN_RATES_PATH.write_text(json.dumps(record, indent=1) + "\n")


def load_chosen_rates() -> tuple[dict[int, dict[str, float]], dict]:
    """The recorded choice, {k: {mode: rate}}, and the whole record (to print)."""
    if not CHOSEN_RATES_PATH.exists():
        raise FileNotFoundError(
            f"{CHOSEN_RATES_PATH} is missing: run `python benchmarks/transfer.py "
            "--choose` to choose the learning rates on the validation patches."
        )
    record = json.loads(CHOSEN_RATES_PATH.read_text())
    return {int(k): rates for k, rates in record["chosen"].items()}, record


def compare_transfer(
    task: TransferTask,
    learning_rates: dict[str, float],
    ks=(5,),
    seeds=(0, 1, 2, 3, 4),
    *,
    progress: bool = True,
) -> list[TransferResult]:
    """Every mode at every ``k`` with every seed, at its chosen rate: one run each.

    ``learning_rates`` is {mode: rate}, or {k: {mode: rate}} when it was chosen
    per k (:func:`choose_learning_rates`).
    """
    runs = [(k, mode, seed) for k in ks for mode in MODES for seed in seeds]
    with one_torch_thread():
        return [
            transfer(mode, task, k, seed, learning_rates.get(k, learning_rates)[mode])
            for k, mode, seed in tqdm(runs, desc="transfer runs", disable=not progress)
        ]


@dataclass(frozen=True)
class Summary:
    """The runs of one mode at one k: mean and spread over seeds."""

    mode: str
    k: int
    mean: float  # test accuracy, mean over seeds
    std: float  # sample standard deviation over seeds
    runs: int
    trainable: int
    seconds: float  # mean wall time of one run
    lr: float  # the head's learning rate


def summarise(results: list[TransferResult]) -> list[Summary]:
    """One :class:`Summary` per (k, mode), in the order the results came."""
    groups: dict[tuple[int, str], list[TransferResult]] = {}
    for result in results:
        groups.setdefault((result.k, result.mode), []).append(result)
    return [
        Summary(
            mode,
            k,
            statistics.mean(r.test_accuracy for r in runs),
            statistics.stdev(r.test_accuracy for r in runs) if len(runs) > 1 else 0.0,
            len(runs),
            runs[0].trainable,
            statistics.mean(r.seconds for r in runs),
            runs[0].lr,
        )
        for (k, mode), runs in groups.items()
    ]


def format_comparison(summaries: list[Summary]) -> str:
    """A text table: k, mode, rate, test accuracy mean +- std, trainable, time."""
    header = (
        f"{'k':>3}  {'mode':<18}  {'lr':>6}  {'test accuracy':>15}  {'trainable':>9}"
    )
    lines = [f"{header}  {'time/run':>8}"]
    for s in summaries:
        lines.append(
            f"{s.k:>3}  {s.mode:<18}  {s.lr:>6g}  {s.mean:>7.3f} ± {s.std:.3f}  "
            f"{s.trainable:>9,}  {s.seconds:>7.1f}s"
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class Difference:
    """Mode ``a`` minus mode ``b`` at one k, seed by seed (same labelled patches)."""

    a: str
    b: str
    k: int
    differences: tuple[float, ...]  # test accuracy of a minus b, one per seed
    mean: float
    standard_error: float  # sample std of the differences / sqrt(seeds)

    @property
    def verdict(self) -> str:
        """ "beats" or "trails" only when |mean| > 2 standard errors."""
        if abs(self.mean) <= 2 * self.standard_error:
            return "shows no clear difference from"
        return "beats" if self.mean > 0 else "trails"

    def __str__(self) -> str:
        return (
            f"k={self.k}: {self.a} {self.verdict} {self.b}: "
            f"{100 * self.mean:+.1f} ± {100 * self.standard_error:.1f} points "
            f"(paired over {len(self.differences)} seeds)"
        )


def paired_differences(
    results: list[TransferResult], a: str, b: str
) -> list[Difference]:
    """Mode ``a`` against mode ``b`` at every k, paired by seed."""
    if a not in MODES or b not in MODES:
        raise ValueError(f"a and b must be modes of {MODES}, got {a!r} and {b!r}.")
    accuracy = {(r.mode, r.k, r.seed): r.test_accuracy for r in results}
    out = []
    for k in dict.fromkeys(r.k for r in results):
        seeds = [s for (m, kk, s) in accuracy if m == a and kk == k]
        diffs = tuple(accuracy[a, k, s] - accuracy[b, k, s] for s in seeds)
        if len(diffs) < 2:
            raise ValueError(f"k={k}: paired differences need at least 2 seeds.")
        se = statistics.stdev(diffs) / math.sqrt(len(diffs))
        out.append(Difference(a, b, k, diffs, statistics.mean(diffs), se))
    return out
