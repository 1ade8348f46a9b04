"""Unit tests for helpers.features (forward hooks) and plots.show_filters."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from torch import nn

from helpers import plots
from helpers.features import LayerOutput, conv_layers, feature_maps


def small_cnn() -> nn.Sequential:
    """Two conv blocks with an in-place ReLU, pooling and a head, seeded."""
    with torch.random.fork_rng():
        torch.manual_seed(0)
        return nn.Sequential(
            nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(inplace=True)),
            nn.MaxPool2d(2),
            nn.Sequential(nn.Conv2d(4, 6, 3), nn.BatchNorm2d(6), nn.ReLU(inplace=True)),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
            nn.Linear(6, 2),
        ).eval()


X = torch.rand(2, 3, 10, 12, generator=torch.Generator().manual_seed(1))


def hook_count(model: nn.Module) -> int:
    return sum(len(m._forward_hooks) for m in model.modules())


def test_feature_maps_equal_running_the_layers_by_hand():
    """Are the captured maps the outputs of running the modules one by one?"""
    model = small_cnn()
    maps = feature_maps(model, X, ["0.0", "2", "2.1"])
    with torch.no_grad():
        conv0 = model[0][0](X)
        block2 = model[2](model[1](model[0](X.clone())))
        norm = model[2][1](model[2][0](model[1](model[0](X.clone()))))
    assert list(maps) == ["0.0", "2", "2.1"]
    torch.testing.assert_close(maps["0.0"], conv0)
    torch.testing.assert_close(maps["2"], block2)
    # The batch norm's output is followed by an in-place ReLU: the copy keeps the
    # negative values that the ReLU would have overwritten.
    torch.testing.assert_close(maps["2.1"], norm)
    assert (maps["2.1"] < 0).any()
    assert [tuple(m.shape) for m in maps.values()] == [
        (2, 4, 10, 12),
        (2, 6, 3, 4),
        (2, 6, 3, 4),
    ]


def test_feature_maps_leave_no_hook_and_no_gradient():
    """Is the model left without hooks, and the maps free of the autograd graph?"""
    model = small_cnn()
    maps = feature_maps(model, X, ["0", "2.0"])
    assert hook_count(model) == 0
    assert not any(m.requires_grad for m in maps.values())


def test_conv_layers_lists_every_convolution_in_running_order():
    """Are nested convolutions found, in the order they run, with their shapes?"""
    layers = conv_layers(small_cnn(), X)
    assert [layer.name for layer in layers] == ["0.0", "2.0"]
    assert [layer.shape for layer in layers] == [(2, 4, 10, 12), (2, 6, 3, 4)]
    assert all(isinstance(layer, LayerOutput) for layer in layers)
    assert isinstance(layers[1].module, nn.Conv2d)


def test_conv_layers_of_resnet18_match_torchvision():
    """Does ResNet-18 show its 20 convolutions, downsampling ones included?"""
    import torchvision

    model = torchvision.models.resnet18().eval()
    layers = conv_layers(model, torch.zeros(1, 3, 64, 64))
    assert len(layers) == 20
    assert layers[0].name == "conv1" and layers[0].shape == (1, 64, 32, 32)
    assert layers[-1].shape == (1, 512, 2, 2)
    assert "layer2.0.downsample.0" in [layer.name for layer in layers]


@pytest.mark.parametrize(
    "names, message",
    [
        ("0", r"names must be a non-empty list of module names"),
        ([], r"names must be a non-empty list of module names"),
        (["conv9"], r"Sequential has no module 'conv9'; the names are those of"),
        (["0", "0"], r"names holds a module twice"),
    ],
)
def test_feature_maps_reject_bad_names(names, message):
    """Does a name that is not a module (or a str for a list) get a clear error?"""
    with pytest.raises(ValueError, match=message):
        feature_maps(small_cnn(), X, names)


@pytest.mark.parametrize(
    "x, message",
    [
        (np.zeros((1, 3, 8, 8)), r"X must be a float tensor batch \(N, C, H, W\)"),
        (torch.zeros(3, 8, 8), r"got \(3, 8, 8\); turn a photo into one"),
        (torch.zeros(1, 3, 8, 8, dtype=torch.long), r"X must be a float tensor"),
    ],
)
def test_feature_maps_reject_inputs_that_are_not_a_float_batch(x, message):
    """Does an image that is not (N, C, H, W) floats get a clear error?"""
    with pytest.raises(ValueError, match=message):
        feature_maps(small_cnn(), x, ["0"])


def test_feature_maps_name_a_module_the_forward_pass_never_calls():
    """Is a module that does not run reported rather than silently missing?"""

    class TwoHeads(nn.Module):
        def __init__(self):
            super().__init__()
            self.used, self.unused = nn.Conv2d(3, 3, 1), nn.Conv2d(3, 3, 1)

        def forward(self, x):
            return self.used(x)

    model = TwoHeads()
    with pytest.raises(ValueError, match=r"never called 'unused'"):
        feature_maps(model, X, ["used", "unused"])
    assert hook_count(model) == 0


def test_conv_layers_needs_a_model_with_convolutions():
    """Does a model without Conv2d get a clear error, and a non-model too?"""
    with pytest.raises(ValueError, match=r"has no nn.Conv2d layer"):
        conv_layers(
            nn.Sequential(nn.Flatten(), nn.Linear(12, 2)), torch.zeros(1, 1, 3, 4)
        )
    with pytest.raises(ValueError, match=r"model must be a torch.nn.Module"):
        conv_layers("resnet18", X)


# plots.show_filters


def test_show_filters_stretches_each_filter_to_black_and_white():
    """Does every tile span 0 to 1 on its own, whatever the filter's scale?"""
    weight = torch.stack(
        [torch.arange(12.0).view(3, 2, 2), -1e-3 * torch.arange(12.0).view(3, 2, 2)]
    )  # (2, 3, 2, 2): a large filter and a tiny, flipped one
    ax = plots.show_filters(weight, "two filters", ncols=2)
    grid = ax.images[0].get_array()  # (rows, cols, 3), one-pixel white gaps
    first, second = grid[1:3, 1:3], grid[1:3, 4:6]
    expected = (weight[0] - weight[0].min()) / (weight[0].max() - weight[0].min())
    np.testing.assert_allclose(first, expected.permute(1, 2, 0), atol=1e-4)
    np.testing.assert_allclose(second, 1 - expected.permute(1, 2, 0), atol=1e-4)
    assert ax.get_title() == "two filters"
    assert ax.get_xlabel() and ax.get_ylabel()
    plt.close(ax.figure)


def test_show_filters_draws_one_channel_as_grey_and_lays_out_rows():
    """Are single-channel filters grey, and 10 filters 3 rows of 4?"""
    weight = torch.randn(10, 1, 3, 3, generator=torch.Generator().manual_seed(0))
    ax = plots.show_filters(weight, "grey", ncols=4)
    grid = ax.images[0].get_array()
    assert grid.shape == (1 + 3 * 4, 1 + 4 * 4, 3)
    np.testing.assert_array_equal(grid[..., 0], grid[..., 2])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0", "4", "8"]
    plt.close(ax.figure)


@pytest.mark.parametrize(
    "weight, ncols, message",
    [
        (np.zeros((4, 3, 3)), 8, r"weight must be 4-D"),
        (np.zeros((4, 3, 3, 3)), 0, r"ncols must be a positive int"),
    ],
)
def test_show_filters_rejects_bad_input(weight, ncols, message):
    """Does a weight that is not (C_out, C_in, K, K) get a clear error?"""
    with pytest.raises(ValueError, match=message):
        plots.show_filters(weight, "bad", ncols=ncols)


# EfficientNet-Lite0 (timm): "same"-padding convolutions that torch.fx cannot trace


@pytest.mark.slow
def test_feature_maps_read_efficientnet_lite0_like_hooks():
    """Do timm's untraceable layers stay whole, giving the maps that hooks see?"""
    from helpers import pretrained

    model = pretrained.load_efficientnet_lite0().model
    X = torch.rand(1, 3, 64, 64, generator=torch.Generator().manual_seed(2)) * 2 - 1
    names = ["conv_stem", "bn1", "blocks.1", "blocks.3", "blocks.6"]
    maps = feature_maps(model, X, names)
    seen = {}
    handles = [
        model.get_submodule(name).register_forward_hook(
            lambda module, inputs, output, name=name: seen.__setitem__(
                name, output.clone()
            )
        )
        for name in names
    ]
    try:
        with torch.no_grad():
            model(X)
    finally:
        for handle in handles:
            handle.remove()
    assert [tuple(maps[n].shape) for n in names] == [
        (1, 32, 32, 32),
        (1, 32, 32, 32),
        (1, 24, 16, 16),
        (1, 80, 4, 4),
        (1, 320, 2, 2),
    ]
    for name in names:
        torch.testing.assert_close(maps[name], seen[name])
    assert hook_count(model) == 0


def test_conv_layers_of_efficientnet_lite0():
    """Are Lite0's 49 convolutions listed, the stem first and conv_head last?"""
    from helpers import pretrained

    model = pretrained.load_efficientnet_lite0(pretrained=False).model
    layers = conv_layers(model, torch.zeros(1, 3, 64, 64))
    assert len(layers) == 49
    assert layers[0].name == "conv_stem" and layers[0].shape == (1, 32, 32, 32)
    assert layers[-1].name == "conv_head" and layers[-1].shape == (1, 1280, 2, 2)
