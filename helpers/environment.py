"""What this Jupyter environment has: versions, widgets, and the compute device.

Used by 00-start-here to tell a student, before the first lesson, whether
everything the course needs is in place.
"""

import importlib.metadata
import platform

import torch

__all__ = ["PACKAGES", "report"]

# Distribution names whose versions the course cares about.
PACKAGES = (
    "torch",
    "torchvision",
    "numpy",
    "matplotlib",
    "scikit-image",
    "scipy",
    "ipywidgets",
    "jupyterlab_widgets",
    "nbgrader",
    "tqdm",
)


def report() -> dict[str, str]:
    """Return {what: version or state}: Python, each package, and the device."""
    found = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            found[package] = (
                "MISSING: run `pip install cnn-building-blocks` or `make lab`"
            )
    if torch.cuda.is_available():
        found["device"] = f"GPU: {torch.cuda.get_device_name(0)}"
    else:
        found["device"] = "CPU (every notebook in this course runs on a CPU)"
    return found
