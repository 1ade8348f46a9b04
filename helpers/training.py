"""Training a classifier on tensors, and the three ways to start it on a new task.

:func:`fit` is an explicit training loop: mini-batches with augmentation, a
learning-rate schedule, train and validation loss and accuracy every epoch, a
tqdm bar, and the weights of the best validation epoch kept and restored.
:func:`transfer` trains one of the three modes of transfer learning on the
texture task of :mod:`helpers.textures`, and :func:`compare_transfer` repeats it
over label budgets and seeds. Introduced in 07-transfer-learning.
"""

from __future__ import annotations

import copy
import statistics
import time
from dataclasses import dataclass, field

import torch
from torch import nn
from tqdm.auto import tqdm

from helpers import textures

__all__ = [
    "MODES",
    "MODE_SETTINGS",
    "History",
    "evaluate",
    "flip_augment",
    "fit",
    "TransferData",
    "load_transfer_data",
    "embed_data",
    "labelled_subset",
    "transfer",
    "TransferResult",
    "compare_transfer",
    "Summary",
    "summarise",
    "format_comparison",
]

MODES = ("scratch", "feature extraction", "fine-tuning")
# Per mode: epochs and the head's learning rate. Feature extraction trains only a
# linear layer on precomputed features: many cheap epochs and a larger rate.
MODE_SETTINGS = {
    "scratch": {"num_epochs": 30, "lr": 3e-3},
    "feature extraction": {"num_epochs": 100, "lr": 1e-2},
    "fine-tuning": {"num_epochs": 30, "lr": 3e-3},
}


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
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}.")
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
    X_pool: torch.Tensor  # (N, C, 32, 32) the patches training draws k per class from
    y_pool: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor


def load_transfer_data(
    photos=None, *, pool: int = 100, val: int = 10, test: int = 100, gray=True
) -> TransferData:
    """Patches of the target photos (default TARGET_PHOTOS), per photo ``pool``
    from its training band, ``val`` and ``test`` from the other two bands.

    Grey patches (``gray``) like the backbone's: colour alone then tells no photo
    from another, the texture has to.
    """
    photos = tuple(photos or textures.TARGET_PHOTOS)
    X_pool, y_pool = textures.sample_patches(photos, "train", pool, 1, gray=gray)
    X_val, y_val = textures.sample_patches(photos, "val", val, 2, gray=gray)
    X_test, y_test = textures.sample_patches(photos, "test", test, 3, gray=gray)
    return TransferData(photos, X_pool, y_pool, X_val, y_val, X_test, y_test)


def embed_data(backbone: nn.Module, data: TransferData) -> TransferData:
    """The same task with every patch replaced by the frozen backbone's features."""
    backbone.eval()
    with torch.inference_mode():
        return TransferData(
            data.photos,
            backbone.embed(data.X_pool),
            data.y_pool,
            backbone.embed(data.X_val),
            data.y_val,
            backbone.embed(data.X_test),
            data.y_test,
        )


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
class TransferResult:
    """One training run of one mode of transfer learning."""

    mode: str
    k: int  # labelled patches per class
    seed: int
    test_accuracy: float
    trainable: int  # parameters the optimizer updated
    seconds: float  # wall time of the training
    history: History


def transfer(
    mode: str,
    data: TransferData,
    k: int,
    seed: int,
    backbone: nn.Module | None = None,
    *,
    num_epochs: int | None = None,
    lr: float | None = None,
    backbone_lr_factor: float = 0.1,
    features: TransferData | None = None,
    progress: bool = False,
) -> TransferResult:
    """Train on ``k`` labelled patches per class in ``mode``; test accuracy.

    "scratch": a randomly initialised TextureNet of the backbone's widths (the
    default widths without a backbone), every weight trained.
    "feature extraction": the pretrained ``backbone`` frozen, only a new head.
    "fine-tuning": the backbone's weights as the start, a new head, every weight
    trained, the backbone with ``backbone_lr_factor`` times the head's rate and its
    batch-norm statistics frozen.
    Feature extraction trains the head on the backbone's features of the patches,
    ``features`` (:func:`embed_data`), computed here when None.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}.")
    if mode != "scratch" and backbone is None:
        raise ValueError(f"mode {mode!r} needs the pretrained backbone.")
    chosen = labelled_subset(data.y_pool, k, seed)
    X, y = data.X_pool[chosen], data.y_pool[chosen]
    num_epochs = num_epochs or MODE_SETTINGS[mode]["num_epochs"]
    lr = lr or MODE_SETTINGS[mode]["lr"]
    num_classes = len(data.photos)
    torch.manual_seed(seed)
    start = time.perf_counter()
    if mode == "scratch":
        same_widths = {} if backbone is None else {"widths": backbone.widths}
        model = textures.TextureNet(num_classes, X.shape[1], **same_widths)
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    else:
        model = copy.deepcopy(backbone)
        model.head = nn.Linear(model.head.in_features, num_classes)
    if mode == "feature extraction":
        features = features or embed_data(backbone, data)
        X, data = features.X_pool[chosen], features
        model = model.head  # the frozen backbone ran once, in embed_data
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    elif mode == "fine-tuning":
        optimizer = torch.optim.Adam(
            [
                {"params": model.features.parameters(), "lr": lr * backbone_lr_factor},
                {"params": model.head.parameters(), "lr": lr},
            ]
        )
    history = fit(
        model,
        optimizer,
        X,
        y,
        data.X_val,
        data.y_val,
        num_epochs=num_epochs,
        seed=seed,
        augment=mode != "feature extraction",
        frozen_batch_norm=mode != "scratch",
        progress=progress,
        description=f"{mode}, k={k}",
    )
    seconds = time.perf_counter() - start
    trainable = sum(p.numel() for g in optimizer.param_groups for p in g["params"])
    _, accuracy = evaluate(model, data.X_test, data.y_test)
    return TransferResult(mode, k, seed, accuracy, trainable, seconds, history)


def compare_transfer(
    backbone: nn.Module,
    data: TransferData,
    ks=(5, 10, 25),
    seeds=(0, 1, 2),
    *,
    progress: bool = True,
) -> list[TransferResult]:
    """Every mode at every ``k`` with every seed: one run each, with a tqdm bar.

    The frozen backbone's features are computed once for all feature-extraction
    runs. Runs on one thread.
    """
    runs = [(k, mode, seed) for k in ks for mode in MODES for seed in seeds]
    threads = torch.get_num_threads()
    # One thread: the same numbers on every machine with this CPU, and no threads
    # waiting for each other on tiny batches when other programs use the cores.
    torch.set_num_threads(1)
    try:
        features = embed_data(backbone, data)
        return [
            transfer(mode, data, k, seed, backbone, features=features)
            for k, mode, seed in tqdm(runs, desc="transfer runs", disable=not progress)
        ]
    finally:
        torch.set_num_threads(threads)


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
        )
        for (k, mode), runs in groups.items()
    ]


def format_comparison(summaries: list[Summary]) -> str:
    """A text table: k, mode, test accuracy mean +- std, trainable parameters, time."""
    header = f"{'k':>3}  {'mode':<18}  {'test accuracy':>15}  {'trainable':>9}"
    lines = [f"{header}  {'time/run':>8}"]
    for s in summaries:
        lines.append(
            f"{s.k:>3}  {s.mode:<18}  {s.mean:>7.3f} ± {s.std:.3f}  "
            f"{s.trainable:>9,}  {s.seconds:>7.1f}s"
        )
    return "\n".join(lines)
