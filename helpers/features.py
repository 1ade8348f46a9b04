"""Looking inside a network: the layers it has and the feature maps they compute.

A *forward hook* is a function that PyTorch calls right after a module's forward
pass, with the module's input and output. :func:`capture` registers one on each
named module, records the outputs while the model runs, and removes every hook
when the block ends, also when the forward pass raises: a hook left behind would
go on recording (and holding memory) in every later call of the model.
Introduced in 08-what-networks-learn.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import torch
from torch import nn

__all__ = ["LayerOutput", "capture", "conv_layers", "feature_maps"]


@dataclass(frozen=True)
class LayerOutput:
    """One layer of a model and the shape of what it computed for one input.

    Introduced in 08-what-networks-learn.
    """

    name: str  # the module's name in model.named_modules(), e.g. "features.0.0"
    module: nn.Module
    shape: tuple[int, ...]  # its output's shape, (N, C, H, W) for a convolution


@contextlib.contextmanager
def capture(model: nn.Module, names: Sequence[str]) -> Iterator[dict]:
    """Record the outputs of the modules called ``names`` while the block runs.

    Yields a dict that fills in as the model runs: module name -> a detached copy
    of its output (a copy, so that a later in-place layer such as
    ``nn.ReLU(inplace=True)`` cannot change it). A module called twice keeps its
    last output. The hooks are removed when the block ends, whatever happens in it.
    Introduced in 08-what-networks-learn.
    """
    modules = _modules(model, names)
    captured: dict[str, torch.Tensor] = {}
    handles = []
    try:
        for name, module in modules.items():
            handles.append(module.register_forward_hook(_recorder(captured, name)))
        yield captured
    finally:
        for handle in handles:
            handle.remove()


def feature_maps(
    model: nn.Module, X: torch.Tensor, names: Sequence[str]
) -> dict[str, torch.Tensor]:
    """Run ``model`` on ``X`` once and return the outputs of the named modules.

    The dict follows the order of ``names``. Gradients are off and the model's
    mode is left as it is: call ``model.eval()`` first, so that batch
    normalisation uses its stored statistics. Introduced in 08-what-networks-learn.
    """
    X = _batch(X)
    with capture(model, names) as captured, torch.no_grad():
        model(X)
    missing = [name for name in names if name not in captured]
    if missing:
        raise ValueError(
            f"the model never called {', '.join(map(repr, missing))} on this input, "
            f"so there is no feature map to show; pick modules that its forward "
            f"pass uses."
        )
    return {name: captured[name] for name in names}


def conv_layers(model: nn.Module, X: torch.Tensor) -> list[LayerOutput]:
    """Every ``nn.Conv2d`` of ``model`` that runs on ``X``, with its output's shape.

    In the order they run; found through forward hooks on one pass without
    gradients. Introduced in 08-what-networks-learn.
    """
    X = _batch(X)
    if not isinstance(model, nn.Module):
        raise ValueError(
            f"model must be a torch.nn.Module, got {type(model).__name__}."
        )
    convs = [name for name, m in model.named_modules() if isinstance(m, nn.Conv2d)]
    if not convs:
        raise ValueError(
            f"{type(model).__name__} has no nn.Conv2d layer to list; this lists the "
            f"convolutions of a CNN."
        )
    with capture(model, convs) as captured, torch.no_grad():
        model(X)
    # The dict fills in the order the layers first run.
    return [
        LayerOutput(name, model.get_submodule(name), tuple(output.shape))
        for name, output in captured.items()
    ]


# --------------------------------------------------------------------- internals


def _recorder(captured: dict, name: str):
    def record(module, inputs, output) -> None:
        if not isinstance(output, torch.Tensor):
            raise ValueError(
                f"module {name!r} returned {type(output).__name__}, not a tensor; "
                f"capture the outputs of layers that return one tensor (a Conv2d, "
                f"a block of an nn.Sequential)."
            )
        captured[name] = output.detach().clone()

    return record


def _modules(model, names) -> dict[str, nn.Module]:
    if not isinstance(model, nn.Module):
        raise ValueError(
            f"model must be a torch.nn.Module, got {type(model).__name__}."
        )
    if isinstance(names, str) or not isinstance(names, Sequence) or not names:
        raise ValueError(
            f"names must be a non-empty list of module names such as "
            f"['features.0', 'features.1'], got {names!r}."
        )
    known = dict(model.named_modules())
    unknown = [name for name in names if not isinstance(name, str) or name not in known]
    if unknown:
        listed = ", ".join(repr(name) for name in list(known)[1:9])
        raise ValueError(
            f"{type(model).__name__} has no module {unknown[0]!r}; the names are "
            f"those of model.named_modules(), e.g. {listed}."
        )
    if len(set(names)) != len(names):
        raise ValueError(f"names holds a module twice: {list(names)!r}.")
    return {name: known[name] for name in names}


def _batch(X) -> torch.Tensor:
    if not isinstance(X, torch.Tensor) or X.ndim != 4 or not X.is_floating_point():
        shape = tuple(X.shape) if isinstance(X, torch.Tensor) else type(X).__name__
        raise ValueError(
            f"X must be a float tensor batch (N, C, H, W), got {shape}; turn a "
            f"photo into one with helpers.images.to_tensor(photo)."
        )
    return X
