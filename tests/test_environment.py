"""Unit tests for helpers.environment: the report that 00-start-here shows."""

import ast
import importlib.metadata
import platform
import tomllib

import nbformat
import pytest
import torch
from IPython.core.inputtransformer2 import TransformerManager
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from helpers import environment
from helpers.environment import PACKAGES, report
from instructor import ROOT


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


def notebook_imports() -> set[str]:
    """The top-level modules the lessons and assignments import."""
    transform = TransformerManager().transform_cell
    modules = set()
    for path in [*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("source/*/*.ipynb")]:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            for node in ast.walk(ast.parse(transform(cell.source))):
                if isinstance(node, ast.Import):
                    modules |= {alias.name.split(".")[0] for alias in node.names}
                elif (
                    isinstance(node, ast.ImportFrom) and node.module and not node.level
                ):
                    modules.add(node.module.split(".")[0])
    return modules


def test_course_packages_are_listed():
    """Does PACKAGES cover every course dependency (pyproject.toml) that a notebook
    imports, and nbgrader (Validate) and jupyterlab_widgets (widgets in JupyterLab),
    which no notebook imports but lesson 00 checks?"""
    with open(ROOT / "pyproject.toml", "rb") as f:
        dependencies = tomllib.load(f)["project"]["dependencies"]
    course = {canonicalize_name(Requirement(r).name) for r in dependencies}
    distributions = importlib.metadata.packages_distributions()
    imported = {
        canonicalize_name(distribution)
        for module in notebook_imports()
        for distribution in distributions.get(module, [])
    }
    listed = {canonicalize_name(package) for package in PACKAGES}
    assert imported & course, "no course dependency found among the imports"
    assert (imported & course) | {"nbgrader", "jupyterlab-widgets"} <= listed


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
