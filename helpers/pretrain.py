"""Pretrains the course backbone: ``python -m helpers.pretrain`` (``make backbone``).

Trains :class:`helpers.textures.TextureNet` to tell which source photo a patch
comes from, deterministically, and writes the weights and the configuration that
made them next to each other in helpers/weights/. Introduced in
07-transfer-learning.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import time
from pathlib import Path

import torch

from helpers import textures, training

CONFIG = {
    "source_photos": list(textures.SOURCE_PHOTOS),
    "in_channels": 1,
    "widths": [16, 32, 64],
    "patches_per_photo": 2000,
    "val_patches_per_photo": 50,
    "num_epochs": 10,
    "batch_size": 64,
    "lr": 0.003,
    "seed": 0,
    "threads": 2,
}


def pretrain(config: dict = CONFIG, *, progress: bool = True):
    """Train a TextureNet on the source task; return it and its history."""
    torch.set_num_threads(config["threads"])
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(config["seed"])
    gray = config["in_channels"] == 1
    photos = config["source_photos"]
    X, y = textures.sample_patches(
        photos, "train", config["patches_per_photo"], config["seed"], gray=gray
    )
    X_val, y_val = textures.sample_patches(
        photos, "val", config["val_patches_per_photo"], config["seed"] + 1, gray=gray
    )
    model = textures.TextureNet(len(photos), config["in_channels"], config["widths"])
    optimizer = torch.optim.Adam(model.parameters(), lr=config["lr"])
    history = training.fit(
        model,
        optimizer,
        X,
        y,
        X_val,
        y_val,
        num_epochs=config["num_epochs"],
        batch_size=config["batch_size"],
        seed=config["seed"],
        progress=progress,
        description="pretraining",
    )
    return model, history


def cpu_model() -> str:
    """The processor: its name, family and model, and a digest of its instruction
    set (the flags oneDNN chooses its kernels by), from /proc/cpuinfo on Linux."""
    fields = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                fields.setdefault(key.strip(), value.strip())
    except OSError:
        return platform.processor() or platform.machine()
    flags = hashlib.sha256(fields.get("flags", "").encode()).hexdigest()[:12]
    return (
        f"{fields.get('model name', '?')}, family {fields.get('cpu family', '?')} "
        f"model {fields.get('model', '?')}, flags {flags}"
    )


def save(model: torch.nn.Module, config: dict, folder: Path) -> None:
    """Write the weights and the configuration that made them into ``folder``.

    The configuration file also names the processor ("made_on"): the same script
    reproduces the weights bit for bit on the same kind of CPU only.
    """
    folder.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), folder / textures.WEIGHTS_PATH.name)
    text = json.dumps({**config, "made_on": cpu_model()}, indent=2) + "\n"
    (folder / textures.CONFIG_PATH.name).write_text(text)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=textures.WEIGHTS_DIR,
        help="folder for the weights and configuration (default: %(default)s)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    model, history = pretrain(CONFIG, progress=not args.quiet)
    seconds = time.perf_counter() - start
    save(model, CONFIG, args.out)
    print(
        f"pretrained in {seconds:.0f} s; source validation accuracy "
        f"{history.val_accuracy[history.best_epoch - 1]:.3f} (epoch "
        f"{history.best_epoch}); wrote {textures.WEIGHTS_PATH.name} and "
        f"{textures.CONFIG_PATH.name} to {args.out}"
    )


if __name__ == "__main__":
    main()
