"""Shared set-up for the tests in tests/.

Matplotlib draws with Agg (no window, no display needed). It is chosen with
matplotlib.use rather than by setting MPLBACKEND in os.environ: notebook kernels
started by nbval inherit the environment, and must keep their inline backend.
"""

import sys

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def close_figures():
    """Close every figure a test opened, so none leaks into the next test."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
