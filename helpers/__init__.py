"""Helpers for the CNN Building Blocks course, one module per concern.

- ``helpers.images``: real photos bundled with scikit-image, as arrays and tensors.
- ``helpers.plots``: images, kernels with their numbers, feature maps, grids of panels.
- ``helpers.widgets``: interactive widgets, each a thin wrapper over a plain function.
- ``helpers.checks``: friendly checks for exercises (type, then shape, then values).
- ``helpers.pretrained``: ImageNet classifiers: EfficientNet-Lite0, installed with the
  course, and torchvision's, with their weights from the cache.
- ``helpers.textures``: unit 07's target task (patches of bundled photos) and the
  small CNN that learns it from scratch.
- ``helpers.training``: a training loop, and transfer learning measured three ways.
- ``helpers.features``: what a network computes inside, through torchvision's
  feature extraction (torch.fx).
- ``helpers.environment``: versions, widgets and device, for 00-start-here.

Call :func:`setup` once at the top of every notebook.
"""

import os
import random

import matplotlib.pyplot as plt
import numpy as np
import torch

from helpers._validation import is_whole

__all__ = ["setup"]

# Colour-blind-safe defaults: a perceptually uniform sequential map (cividis) and
# the Tableau colour-blind palette for lines.
PLOT_DEFAULTS = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "figure.constrained_layout.use": True,
    "axes.titlesize": "medium",
    "image.cmap": "cividis",
    "image.interpolation": "nearest",
}


def setup(seed: int = 0) -> None:
    """Make a notebook reproducible and its figures consistent.

    Seeds Python's, NumPy's and PyTorch's random generators, asks PyTorch for
    deterministic algorithms, and sets colour-blind-safe matplotlib defaults.
    Introduced in 01-convolution-by-hand.
    """
    if not is_whole(seed) or seed < 0:
        raise ValueError(
            f"seed must be a non-negative int, got {seed!r}; try setup(0)."
        )
    seed = int(seed)  # random.seed takes no NumPy integer
    # cuBLAS needs this for deterministic results on a GPU; harmless on a CPU.
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
    plt.style.use("tableau-colorblind10")
    plt.rcParams.update(PLOT_DEFAULTS)
