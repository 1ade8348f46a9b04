"""Unit tests for helpers.setup(): seeds, determinism and plot defaults."""

import os
import random

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

import helpers


@pytest.fixture(autouse=True)
def restore_global_state(monkeypatch):
    """Undo what setup() changes process-wide, so other tests see the defaults."""
    monkeypatch.delenv("CUBLAS_WORKSPACE_CONFIG", raising=False)
    python_state = random.getstate()
    numpy_state = np.random.get_state()
    torch_state = torch.get_rng_state()
    deterministic = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    with mpl.rc_context():
        yield
    random.setstate(python_state)
    np.random.set_state(numpy_state)
    torch.set_rng_state(torch_state)
    torch.use_deterministic_algorithms(deterministic, warn_only=warn_only)


def draws():
    """One draw from each random generator that a lesson might use."""
    return (
        random.random(),
        np.random.rand(3).tolist(),
        torch.rand(3).tolist(),
        torch.randn(2, 2).tolist(),
    )


def test_same_seed_repeats_every_generator():
    """Do torch, NumPy and Python random draws repeat after setup(seed) twice?"""
    helpers.setup(7)
    first = draws()
    helpers.setup(7)
    assert draws() == first


def test_default_seed_is_zero():
    """Is setup() with no argument the same as setup(0)?"""
    helpers.setup()
    first = draws()
    helpers.setup(0)
    assert draws() == first


def test_different_seeds_give_different_draws():
    """Do two seeds give different draws from each generator?"""
    helpers.setup(1)
    one = draws()
    helpers.setup(2)
    two = draws()
    assert all(a != b for a, b in zip(one, two, strict=True))


def test_turns_deterministic_algorithms_on():
    """Does setup() turn deterministic algorithms on (as errors, not warnings)?"""
    torch.use_deterministic_algorithms(False)
    helpers.setup(0)
    assert torch.are_deterministic_algorithms_enabled()
    assert not torch.is_deterministic_algorithms_warn_only_enabled()


def test_sets_cublas_workspace_for_gpu_determinism():
    """Does setup() set CUBLAS_WORKSPACE_CONFIG, which deterministic cuBLAS needs?"""
    helpers.setup(0)
    assert os.environ["CUBLAS_WORKSPACE_CONFIG"] == ":4096:8"


def test_keeps_an_existing_cublas_setting(monkeypatch):
    """Does setup() leave a CUBLAS_WORKSPACE_CONFIG the user already chose?"""
    monkeypatch.setenv("CUBLAS_WORKSPACE_CONFIG", ":16:8")
    helpers.setup(0)
    assert os.environ["CUBLAS_WORKSPACE_CONFIG"] == ":16:8"


def test_sets_colour_blind_safe_style():
    """Does setup() use the colour-blind line palette and the cividis colour map?"""
    plt.rcdefaults()
    helpers.setup(0)
    palette = plt.style.library["tableau-colorblind10"]["axes.prop_cycle"].by_key()[
        "color"
    ]
    assert plt.rcParams["axes.prop_cycle"].by_key()["color"] == palette
    assert plt.rcParams["image.cmap"] == "cividis"
    assert plt.rcParams["image.interpolation"] == "nearest"
    assert plt.rcParams["figure.constrained_layout.use"] is True
    assert tuple(plt.rcParams["figure.figsize"]) == (6.4, 4.0)


def test_new_lines_use_the_colour_blind_palette():
    """Is the first line drawn after setup() in the palette's first colour?"""
    helpers.setup(0)
    _, ax = plt.subplots()
    (line,) = ax.plot([0, 1], [0, 1])
    palette = plt.style.library["tableau-colorblind10"]["axes.prop_cycle"].by_key()[
        "color"
    ]
    assert mpl.colors.same_color(line.get_color(), palette[0])


def test_setup_returns_nothing():
    """Does setup() return None, so a notebook cell shows no stray output?"""
    assert helpers.setup(0) is None


@pytest.mark.parametrize("seed", [-1, 1.5, "0", None, True, np.bool_(True), [0]])
def test_rejects_a_bad_seed(seed):
    """Does setup() reject a seed that is not a non-negative int, suggesting 0?"""
    with pytest.raises(
        ValueError, match=r"seed must be a non-negative int, got .*; try setup\(0\)"
    ):
        helpers.setup(seed)


def test_bad_seed_changes_nothing():
    """Does a rejected seed leave the random generators untouched?"""
    torch.use_deterministic_algorithms(False)
    random.seed(5)
    expected = random.random()
    random.seed(5)
    with pytest.raises(ValueError):
        helpers.setup(-3)
    assert random.random() == expected
    assert not torch.are_deterministic_algorithms_enabled()


def test_a_numpy_integer_seed_is_the_same_seed():
    """Does setup(np.int64(3)) seed as setup(3) does (helpers take NumPy integers
    wherever they take ints)?"""
    helpers.setup(3)
    expected = (random.random(), np.random.rand(), torch.rand(1).item())
    helpers.setup(np.int64(3))
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == expected
