"""How fast does each widget answer a slider? Compute and draw, per move.

    python benchmarks/widgets.py

Builds every widget of the course with the inputs its lesson uses, moves each of
its controls through up to 20 values, and prints one row per widget: the median
and the slowest update in milliseconds. The goal is a median of at most 100 ms.
"""

import statistics
import time

import ipywidgets
import matplotlib
import numpy as np

matplotlib.use("Agg")

import helpers  # noqa: E402 (after choosing the backend)
from helpers import widgets  # noqa: E402

GOAL_MS = 100
MOVES_PER_CONTROL = 20

EDGE_IMAGE = np.zeros((6, 6), dtype=np.float32)  # 01's image: a vertical edge
EDGE_IMAGE[:, 3:] = 1
SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)


def camera_128() -> np.ndarray:
    """03's image: the cameraman, grayscale, 128x128."""
    from helpers import images

    return images.load_photo("camera", gray=True, size=128)


def channel_contributions_02():
    """02's widget: two 128x128 photos and the lesson's four 3x3x3 kernels."""
    import torch

    from helpers import images

    sobel_x = torch.from_numpy(SOBEL_X)
    box, zero = torch.full((3, 3), 1 / 9), torch.zeros(3, 3)
    weight = torch.stack(
        [
            torch.stack([sobel_x / 3] * 3),  # vertical edges
            torch.stack([sobel_x.T / 3] * 3),  # horizontal edges
            torch.stack([box, zero, -box]),  # red, not blue
            torch.stack([sobel_x, zero, zero]),  # red vertical edges
        ]
    )  # (C_out, C_in, L, L) = (4, 3, 3, 3)
    bias = torch.tensor([0.0, 0.0, -0.1, 0.0])  # (C_out,)
    photos = {
        "astronaut": images.load_photo("astronaut", size=128),
        "coffee": images.load_photo("coffee", size=(128, 192))[:, 32:160],
    }
    names = [
        "vertical edges",
        "horizontal edges",
        "red, not blue",
        "red vertical edges",
    ]
    return widgets.channel_contributions(photos, weight, bias, names=names)


def cat_96x144() -> np.ndarray:
    """04's image: the cat, grayscale, 96x144."""
    from helpers import images

    return images.load_photo("cat", gray=True, size=(96, 144))


def top_k_explorer_06():
    """06's widget: ResNet-50 (cached weights, else untrained) on 4 photos."""
    from helpers import images, pretrained

    resnet50 = pretrained.load_model("resnet50", download=False)
    names = ["cat", "coffee", "rocket", "astronaut"]
    photos = {name: images.load_photo(name) for name in names}
    return widgets.top_k_explorer(pretrained.classify(resnet50, photos))


def augmentation_preview_07():
    """07's widget: three photos, their central 96x96 squares."""
    from helpers import images

    photos = {
        name: images.load_photo(name, size=(96, 144))[:, 24:120]
        for name in ["cat", "coffee", "rocket"]
    }
    return widgets.augmentation_preview(photos)


def feature_browser_08():
    """08's widget: EfficientNet-Lite0's stem and stages on the 224x224 cat crop."""
    from helpers import images, pretrained

    loaded = pretrained.load_efficientnet_lite0()
    X = loaded.preprocess(images.to_tensor(images.load_photo("cat")))
    photo = (X[0].permute(1, 2, 0) * 0.5 + 0.5).clamp(0, 1).numpy()
    layers = ["bn1"] + [f"blocks.{i}" for i in range(len(loaded.model.blocks))]
    return widgets.feature_browser(
        loaded.model, photo, layers, preprocess=lambda X: (X - 0.5) / 0.5
    )


# Widget name -> a function that builds it as its lesson does.
WIDGETS = {
    "01 sliding_window": lambda: widgets.sliding_window(EDGE_IMAGE, SOBEL_X),
    "02 channel_contributions": channel_contributions_02,
    "03 shift_slider": lambda: widgets.shift_slider(camera_128(), SOBEL_X),
    "04 field_explorer": lambda: widgets.field_explorer(cat_96x144()),
    "05 stride_padding": lambda: widgets.stride_padding(7, 3, 1, 0),
    "06 top_k_explorer": top_k_explorer_06,
    "07 augmentation_preview": augmentation_preview_07,
    "08 feature_browser": feature_browser_08,
}


def controls(widget) -> list:
    """Every slider or dropdown inside a widget, depth first."""
    found = []
    if isinstance(
        widget,
        (
            ipywidgets.widgets.widget_int._BoundedInt,
            ipywidgets.widgets.widget_float._BoundedFloat,
            ipywidgets.widgets.widget_selection._Selection,
        ),
    ):
        if not isinstance(widget, ipywidgets.Play):
            found.append(widget)
    for child in getattr(widget, "children", ()):
        found += controls(child)
    return found


def values(control) -> list:
    """Up to MOVES_PER_CONTROL values of a control, spread over its range."""
    if isinstance(control, ipywidgets.widgets.widget_selection._Selection):
        options = list(range(len(control.options)))
        return [("index", i) for i in options[:MOVES_PER_CONTROL]]
    span = np.linspace(control.min, control.max, MOVES_PER_CONTROL)
    if isinstance(control, ipywidgets.widgets.widget_int._BoundedInt):
        span = sorted({int(round(v)) for v in span})
    return [("value", v) for v in span]


def time_updates(widget) -> list[float]:
    """Milliseconds per update, moving every control through its values."""
    timings = []
    for control in controls(widget):
        start_attribute, start_value = values(control)[0]
        for attribute, value in values(control)[1:] + [(start_attribute, start_value)]:
            start = time.perf_counter()
            setattr(control, attribute, value)
            timings.append(1000 * (time.perf_counter() - start))
    return timings


def main() -> None:
    helpers.setup()
    print(f"{'widget':<28} {'moves':>5} {'median ms':>10} {'max ms':>8} goal")
    for name, build in WIDGETS.items():
        timings = time_updates(build())
        median = statistics.median(timings)
        verdict = "ok" if median <= GOAL_MS else f"SLOWER than {GOAL_MS} ms"
        slowest = max(timings)
        print(f"{name:<28} {len(timings):>5} {median:>10.1f} {slowest:>8.1f} {verdict}")


if __name__ == "__main__":
    main()
