"""Unit tests for helpers.environment: the report that 00-start-here shows."""

import importlib.metadata
import platform

import pytest
import torch

from helpers import environment
from helpers.environment import PACKAGES, report


def test_report_lists_python_every_package_and_the_device():
    """Does report() give Python, each package in PACKAGES and the device, as str?"""
    found = report()
    assert list(found) == ["python", *PACKAGES, "device"]
    assert all(isinstance(value, str) and value for value in found.values())
    assert found["python"] == platform.python_version()


def test_report_gives_installed_versions():
    """Does report() give each installed package's version as pip sees it?"""
    found = report()
    for package in ("torch", "numpy", "matplotlib", "ipywidgets", "scikit-image"):
        assert found[package] == importlib.metadata.version(package)
    assert found["torch"].split("+")[0] == torch.__version__.split("+")[0]


def test_course_packages_are_listed():
    """Does PACKAGES cover what the lessons import, widgets and grading included?"""
    for package in (
        "torch",
        "torchvision",
        "numpy",
        "matplotlib",
        "scikit-image",
        "ipywidgets",
        "jupyterlab_widgets",
        "nbgrader",
    ):
        assert package in PACKAGES


def test_report_says_how_to_install_a_missing_package(monkeypatch):
    """Is a package that is not installed reported MISSING, with how to install it?"""
    monkeypatch.setattr(environment, "PACKAGES", ("numpy", "no-such-course-package"))
    found = report()
    assert found["numpy"] == importlib.metadata.version("numpy")
    assert found["no-such-course-package"].startswith(
        "MISSING: run `pip install cnn-building-blocks`"
    )
    assert "make lab" in found["no-such-course-package"]


def test_report_on_a_cpu(monkeypatch):
    """Without CUDA, does report() say CPU, and that every notebook runs on one?"""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert report()["device"] == "CPU (every notebook in this course runs on a CPU)"


def test_report_names_the_gpu(monkeypatch):
    """With CUDA, does report() name the GPU?"""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(
        torch.cuda, "get_device_name", lambda index=None: "Test GPU 80GB"
    )
    assert report()["device"] == "GPU: Test GPU 80GB"


def test_report_device_matches_this_machine():
    """Does the device line match whether this machine has CUDA?"""
    device = report()["device"]
    if torch.cuda.is_available():
        assert device == f"GPU: {torch.cuda.get_device_name(0)}"
    else:
        assert device.startswith("CPU")


def test_report_takes_no_arguments():
    """Does report() refuse arguments (it describes this environment only)?"""
    with pytest.raises(TypeError):
        report("torch")
