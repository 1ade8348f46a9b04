"""Looking inside a network: the layers it has and the feature maps they compute.

This module reads intermediate outputs with torchvision's feature extraction
(``torchvision.models.feature_extraction``): it traces the model's forward pass
into a graph with torch.fx and returns the outputs of the nodes you name, without
touching the model. Layers that torch.fx cannot trace (timm's "same"-padding
convolutions, whose padding depends on the input's size) are kept whole, as leaves
of the graph, with the list that timm keeps of them. Assignment 08 asks you to do
the same with forward hooks, by hand; the lesson shows both.
Introduced in 08-what-networks-learn.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from timm.models import get_notrace_functions, get_notrace_modules
from torch import nn
from torchvision.models.feature_extraction import (
    create_feature_extractor,
    get_graph_node_names,
)

__all__ = ["LayerOutput", "conv_layers", "feature_maps"]


@dataclass(frozen=True)
class LayerOutput:
    """One layer of a model and the shape of what it computed for one input.

    Introduced in 08-what-networks-learn.
    """

    name: str  # the module's name in model.named_modules(), e.g. "features.0.0"
    module: nn.Module
    shape: tuple[int, ...]  # its output's shape, (N, C, H, W) for a convolution


def feature_maps(
    model: nn.Module, X: torch.Tensor, names: Sequence[str]
) -> dict[str, torch.Tensor]:
    """Run ``model`` on ``X`` once and return the outputs of the named modules.

    The dict follows the order of ``names``. A module's output is the one it
    computed, even where an in-place layer (``nn.ReLU(inplace=True)``) follows it:
    the extraction runs a copy of the model with in-place layers switched off.
    Gradients are off and the model's mode is used as it is: call ``model.eval()``
    first, so that batch normalisation uses its stored statistics.
    Introduced in 08-what-networks-learn.
    """
    X = _batch(X)
    _modules(model, names)
    traced = _nodes(model)
    missing = [
        name
        for name in names
        if not any(node == name or node.startswith(f"{name}.") for node in traced)
    ]
    if missing:
        raise ValueError(
            f"the model never called {', '.join(map(repr, missing))} on this input, "
            f"so there is no feature map to show; pick modules that its forward "
            f"pass uses."
        )
    extractor = create_feature_extractor(
        _without_inplace(model), list(names), tracer_kwargs=_tracer_kwargs(model)
    )
    with torch.no_grad():
        outputs = extractor(X)
    return {name: outputs[name] for name in names}


def conv_layers(model: nn.Module, X: torch.Tensor) -> list[LayerOutput]:
    """Every ``nn.Conv2d`` of ``model`` that runs on ``X``, with its output's shape.

    In the order they run in the traced forward pass. Introduced in
    08-what-networks-learn.
    """
    X = _batch(X)
    if not isinstance(model, nn.Module):
        raise ValueError(
            f"model must be a torch.nn.Module, got {type(model).__name__}."
        )
    modules = dict(model.named_modules())
    convs = [n for n in _nodes(model) if isinstance(modules.get(n), nn.Conv2d)]
    if not convs:
        raise ValueError(
            f"{type(model).__name__} has no nn.Conv2d layer to list; this lists the "
            f"convolutions of a CNN."
        )
    maps = feature_maps(model, X, convs)
    return [LayerOutput(n, modules[n], tuple(maps[n].shape)) for n in convs]


# --------------------------------------------------------------------- internals


def _nodes(model: nn.Module) -> list[str]:
    """Names of the nodes of the model's traced forward pass (eval mode), in order."""
    return get_graph_node_names(model, tracer_kwargs=_tracer_kwargs(model))[1]


def _tracer_kwargs(model: nn.Module) -> dict:
    """Leaves and wrapped functions for the tracer: those timm marks as untraceable.

    Only the kinds of layer that ``model`` holds are named, so a plain torchvision
    model is traced exactly as torchvision traces it.
    """
    untraceable = tuple(get_notrace_modules())
    leaves = sorted(
        {type(m) for m in model.modules() if isinstance(m, untraceable)},
        key=lambda kind: kind.__qualname__,
    )
    if not leaves:
        return {}
    return {
        "leaf_modules": leaves,
        "autowrap_functions": tuple(get_notrace_functions()),
    }


def _without_inplace(model: nn.Module) -> nn.Module:
    """A copy of ``model`` whose in-place layers write to new tensors."""
    model = copy.deepcopy(model)
    for module in model.modules():
        if getattr(module, "inplace", False):
            module.inplace = False
    return model


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
