"""06-pretrained-classification: a pretrained network's top-k classes for a
photo (``top_k_explorer``).
"""

from dataclasses import dataclass

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np

from helpers import plots
from helpers.widgets.render import blitting_renderer

__all__ = ["PhotoTopK", "photo_top_k", "top_k_explorer"]

UNTRAINED_COLOUR = "#C85200"  # dark orange: the warning on an untrained network's plots


@dataclass(frozen=True)
class PhotoTopK:
    """One photo as the network sees it, and its k most probable categories.

    Introduced in 06-pretrained-classification.
    """

    photo: str  # the photo's name
    picture: np.ndarray  # (H, W, 3) the network's input, normalisation undone
    labels: tuple[str, ...]  # k category names, most probable first
    probabilities: np.ndarray  # (k,) their softmax probabilities, descending
    pretrained: bool  # False: random weights, these are not predictions
    label: str  # the model's label, UNTRAINED_LABEL when not pretrained


def photo_top_k(classification, photo: str, k: int = 5) -> PhotoTopK:
    """The network's input and top-k categories for one photo of a classification.

    ``classification`` is what ``pretrained.classify`` returns: the network has run
    once on every photo, so choosing another photo computes nothing new.
    Introduced in 06-pretrained-classification.
    """
    _check_classification(classification)
    top = classification.top(photo, k)
    return PhotoTopK(
        photo,
        classification.picture(photo),
        tuple(label for label, _ in top),
        np.array([p for _, p in top]),
        classification.pretrained,
        classification.label,
    )


def top_k_explorer(classification, k: int = 5) -> ipywidgets.VBox:
    """Pick a photo from a dropdown: see the network's input and its top-k bars.

    The network ran once, in ``pretrained.classify``; a new photo only redraws. An
    untrained network's figure and caption say UNTRAINED on every update.
    Introduced in 06-pretrained-classification.
    """
    _check_classification(classification)
    first = photo_top_k(classification, classification.photos[0], k)
    fig, (ax_photo, ax_bars) = plt.subplots(
        1, 2, figsize=(10, 4.2), width_ratios=(1, 1.35)
    )
    plots.show_image(first.picture, "input", ax=ax_photo)
    picture_shown = ax_photo.images[0]
    positions = np.arange(k)
    bars = ax_bars.barh(positions, first.probabilities, color="#006BA4")
    values = [ax_bars.text(0, y, "", va="center", fontsize="small") for y in positions]
    ax_bars.set_yticks(positions, [" " * 24] * k)  # room for the longest names
    ax_bars.invert_yaxis()  # the most probable on top
    ax_bars.set_xlim(0, 1.18)
    ax_bars.set_xticks(np.linspace(0, 1, 6))
    ax_bars.set_xlabel("probability (softmax of the logits)")
    ax_bars.set_ylabel(f"top {k} of {len(classification.categories)} categories")
    warning = not classification.pretrained
    fig.suptitle(
        classification.label,
        color=UNTRAINED_COLOUR if warning else "black",
        fontweight="bold" if warning else "normal",
    )
    # What a new photo changes is drawn over a saved background ("blitting"); the
    # frames go back on top of the image and the bars.
    changing = [
        picture_shown,
        ax_photo.title,
        *bars,
        *values,
        ax_bars.yaxis,
        ax_bars.title,
        *ax_photo.spines.values(),
        *ax_bars.spines.values(),
    ]
    render = blitting_renderer(fig, changing)

    picture = ipywidgets.Image(format="png")
    caption = ipywidgets.HTML()
    chooser = ipywidgets.Dropdown(
        options=list(classification.photos),
        value=classification.photos[0],
        description="photo",
    )

    def draw(photo: str) -> None:
        state = photo_top_k(classification, photo, k)
        picture_shown.set_data(state.picture)
        height, width = state.picture.shape[:2]
        ax_photo.set_title(f"{photo}: the {height}×{width} input")
        for bar, text, p in zip(bars, values, state.probabilities):
            bar.set_width(p)
            text.set_x(p + 0.01)
            text.set_text(f"{p:.1%}")
        ax_bars.set_yticks(positions, state.labels)
        ax_bars.set_title(
            f"top {k} for {photo}" + ("" if state.pretrained else ": UNTRAINED")
        )
        picture.value = render()
        listed = ", ".join(
            f"{name} {p:.1%}" for name, p in zip(state.labels, state.probabilities)
        )
        if state.pretrained:
            caption.value = f"{state.label}. Top {k} for the {photo}: {listed}."
        else:
            caption.value = (
                f"<b>{state.label}.</b> These bars come from a network with random "
                f"weights, so they say nothing about the {photo} ({listed}). Run "
                f"<code>make weights</code> on a connected machine, then run the "
                f"lesson again to see real predictions."
            )

    chooser.observe(lambda change: draw(change["new"]), names="value")
    draw(classification.photos[0])
    return ipywidgets.VBox([chooser, picture, caption])


def _check_classification(classification) -> None:
    # Imported here: torchvision, which helpers.pretrained needs, is slow to import, and
    # the other lessons' widgets do without it.
    from helpers.pretrained import Classification

    if not isinstance(classification, Classification):
        raise ValueError(
            f"classification must be what helpers.pretrained.classify returns, got "
            f"{type(classification).__name__}."
        )
