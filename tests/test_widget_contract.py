"""Does every widget keep the course's contract?

- its state function is pure: the same arguments give equal states, its inputs are
  left as they were, and the state is a frozen dataclass;
- its wrapper returns an ipywidgets box holding one picture (an ipywidgets.Image);
- every control of the box (slider, dropdown, buttons) redraws the picture when it
  moves;
- bad input is refused with a ValueError that names the argument.

08's feature_browser runs on a small seeded network; 06's top_k_explorer needs an
ImageNet classifier, an untrained EfficientNet-Lite0 (marked slow).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets
import numpy as np
import pytest
import torch

from helpers import features, images, pretrained, widgets

GRAY = images.load_photo("cat", gray=True, size=(12, 14))
KERNEL = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
RGB = images.load_photo("cat", size=(10, 12))
WEIGHT = np.random.default_rng(0).normal(size=(2, 3, 3, 3))
BIAS = np.zeros(2)
PHOTOS = {
    "cat": images.load_photo("cat", size=(32, 32)),
    "coffee": images.load_photo("coffee", size=(32, 32)),
}


@dataclass(frozen=True)
class Widget:
    name: str
    state: Callable[[], object]  # the state function, called with fixed arguments
    inputs: tuple  # the arrays the state function is given, to check for changes
    wrapper: Callable[[], ipywidgets.Box]
    bad: Callable[[], object]  # the wrapper called with one bad argument
    argument: str  # the argument the error must name


with torch.random.fork_rng():
    torch.manual_seed(0)
    SMALL_NET = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.Conv2d(4, 6, 3, stride=2, padding=1),
    ).eval()


WIDGETS = [
    Widget(
        "sliding_window",
        lambda: widgets.sliding_window_step(GRAY, KERNEL, 3),
        (GRAY, KERNEL),
        lambda: widgets.sliding_window(GRAY, KERNEL),
        lambda: widgets.sliding_window("cat", KERNEL),
        "image",
    ),
    Widget(
        "channel_contributions",
        lambda: widgets.split_by_input_channel(RGB, WEIGHT, BIAS, 1),
        (RGB, WEIGHT, BIAS),
        lambda: widgets.channel_contributions(
            {"cat": RGB, "coffee": images.load_photo("coffee", size=(10, 12))},
            WEIGHT,
            BIAS,
        ),
        lambda: widgets.channel_contributions(RGB, WEIGHT[0], BIAS),
        "weight",
    ),
    Widget(
        "shift_slider",
        lambda: widgets.compare_shifts(GRAY, KERNEL, 1, 2),
        (GRAY, KERNEL),
        lambda: widgets.shift_slider(GRAY, KERNEL),
        lambda: widgets.shift_slider(GRAY, "kernel"),
        "kernel",
    ),
    Widget(
        "field_explorer",
        lambda: widgets.pixel_field(GRAY, 2, 3, 1),
        (GRAY,),
        lambda: widgets.field_explorer(GRAY),
        lambda: widgets.field_explorer([1, 2]),
        "image",
    ),
    Widget(
        "stride_padding",
        lambda: widgets.window_positions(7, 3, 2, 1),
        (),
        lambda: widgets.stride_padding(),
        lambda: widgets.stride_padding(size=0),
        "size",
    ),
    Widget(
        "augmentation_preview",
        lambda: widgets.augmented_versions(
            PHOTOS, "cat", widgets.AUGMENTATIONS[0], 0.5, 2
        ),
        (PHOTOS["cat"],),
        lambda: widgets.augmentation_preview(PHOTOS, 2),
        lambda: widgets.augmentation_preview(PHOTOS, count=0),
        "count",
    ),
    Widget(
        "feature_browser",
        lambda: widgets.channel_view(
            features.feature_maps(SMALL_NET, images.to_tensor(RGB), ["0", "2"]), "2", 1
        ),
        (RGB,),
        lambda: widgets.feature_browser(SMALL_NET, RGB, ["0", "2"]),
        lambda: widgets.feature_browser(SMALL_NET, RGB, ["conv1"]),
        "module",
    ),
]


def equal(a, b) -> bool:
    """Two states (or parts of them) hold the same values."""
    if dataclasses.is_dataclass(a):
        return type(a) is type(b) and all(
            equal(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a)
        )
    if isinstance(a, (np.ndarray, torch.Tensor)):
        return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    return a == b


def parts(box) -> list:
    """Every widget inside ``box``, depth first."""
    found = []
    for child in getattr(box, "children", ()):
        found += [child, *parts(child)]
    return found


def controls(box) -> list:
    """The controls a student moves (a Play button drives its slider in the
    browser only, so the slider is moved instead)."""
    return [
        part
        for part in parts(box)
        if isinstance(part, CONTROLS) and not isinstance(part, ipywidgets.Play)
    ]


CONTROLS = (
    ipywidgets.widgets.widget_int._Int,
    ipywidgets.widgets.widget_float._Float,
    ipywidgets.widgets.widget_selection._Selection,
)


def move(control) -> None:
    """Set ``control`` to another of its values."""
    if isinstance(control, ipywidgets.widgets.widget_selection._Selection):
        control.index = (control.index + 1) % len(control.options)
    else:
        control.value = control.min if control.value != control.min else control.max


def check_contract(widget: Widget) -> None:
    before = [np.array(x, copy=True) for x in widget.inputs]
    first, second = widget.state(), widget.state()
    assert dataclasses.is_dataclass(first) and type(first).__dataclass_params__.frozen
    assert equal(first, second), "the same arguments gave different states"
    for kept, given in zip(before, widget.inputs):
        assert np.array_equal(kept, np.asarray(given)), "an input was changed"

    box = widget.wrapper()
    assert isinstance(box, ipywidgets.Box)
    pictures = [part for part in parts(box) if isinstance(part, ipywidgets.Image)]
    assert len(pictures) == 1
    moved = controls(box)
    assert moved, "no control to move"
    for control in moved:
        if len(getattr(control, "options", (0, 1))) < 2 or getattr(
            control, "min", 0
        ) == getattr(control, "max", 1):
            continue  # a control with one value has nowhere to go
        shown = bytes(pictures[0].value)
        move(control)
        assert bytes(pictures[0].value) != shown, (
            f"{control.description!r} did not redraw"
        )

    with pytest.raises(ValueError, match=rf"\b{widget.argument}\b"):
        widget.bad()


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: w.name)
def test_widget_keeps_the_contract(widget):
    check_contract(widget)


@pytest.mark.slow  # an untrained EfficientNet-Lite0 classifies two photos
def test_top_k_explorer_keeps_the_contract():
    photos = {"cat": RGB, "rocket": images.load_photo("rocket", size=(10, 12))}
    untrained = pretrained.load_efficientnet_lite0(pretrained=False)
    classification = pretrained.classify(untrained, photos)
    check_contract(
        Widget(
            "top_k_explorer",
            lambda: widgets.photo_top_k(classification, "rocket", 3),
            (RGB,),
            lambda: widgets.top_k_explorer(classification, 3),
            lambda: widgets.top_k_explorer(classification.logits, 3),
            "classification",
        )
    )


def test_every_widget_is_in_the_contract():
    """Is every wrapper that widgets exports checked here or below?"""
    wrappers = {
        name
        for name in widgets.__all__
        if callable(getattr(widgets, name))
        and getattr(widgets, name).__annotations__.get("return") is ipywidgets.VBox
    }
    assert wrappers, "no wrapper found: their return annotation changed?"
    checked = {w.name for w in WIDGETS} | {"top_k_explorer"}
    assert wrappers == checked
