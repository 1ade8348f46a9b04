"""07-transfer-learning: what each data augmentation does to a photo
(``augmentation_preview``).
"""

from dataclasses import dataclass

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import torch

from helpers._threads import one_torch_thread
from helpers._validation import as_photo_dict, as_whole_number, is_real
from helpers.widgets.render import blitting_renderer

__all__ = [
    "AUGMENTATIONS",
    "AugmentedGrid",
    "augmentation",
    "augmented_versions",
    "augmentation_preview",
]

AUGMENTATIONS = (
    "random resized crop",
    "horizontal flip",
    "colour jitter",
    "rotation",
    "all four (a training pipeline)",
)


@dataclass(frozen=True)
class AugmentedGrid:
    """Several random versions of one photo under one augmentation.

    Introduced in 07-transfer-learning.
    """

    photo: str  # the photo's name
    augmentation: str  # one of AUGMENTATIONS
    strength: float  # from 0 (the photo unchanged) to 1 (the strongest setting)
    pipeline: str  # the torchvision transform, as it prints
    versions: np.ndarray  # (count, H, W, 3) the augmented photos, in [0, 1]


def augmentation(name: str, strength: float, size: int):
    """The torchvision transform ``name`` at ``strength`` in [0, 1], output size.

    0 leaves a photo unchanged; 1 is: crops down to 10% of the area, a flip every
    time, brightness, contrast and saturation jittered by up to 80%, rotations of up
    to 45 degrees. Introduced in 07-transfer-learning.
    """
    from torchvision.transforms import v2  # slow to import: only when asked for

    if name not in AUGMENTATIONS:
        raise ValueError(f"augmentation must be one of {AUGMENTATIONS}, got {name!r}.")
    if not is_real(strength):
        raise ValueError(f"strength must be a number from 0 to 1, got {strength!r}.")
    if not 0 <= strength <= 1:
        raise ValueError(f"strength must be from 0 to 1, got {strength!r}.")
    jitter = 0.8 * strength
    steps = {
        "random resized crop": v2.RandomResizedCrop(
            size, scale=(1 - 0.9 * strength, 1.0), antialias=True
        ),
        "horizontal flip": v2.RandomHorizontalFlip(p=strength),
        "colour jitter": v2.ColorJitter(jitter, jitter, jitter),
        "rotation": v2.RandomRotation(45 * strength),
    }
    if name in steps:
        return steps[name]
    return v2.Compose(list(steps.values()))


def augmented_versions(
    photos: dict, photo: str, name: str, strength: float, count: int = 8, seed=0
) -> AugmentedGrid:
    """``count`` augmented versions of ``photos[photo]``, the same for a seed.

    ``photos`` maps names to square (H, W, 3) photos in [0, 1]. Every version
    draws new random parameters, as every epoch of training does.
    Introduced in 07-transfer-learning.
    """
    photos = as_photo_dict(photos)
    if photo not in photos:
        raise ValueError(f"no photo {photo!r}; choose one of: {', '.join(photos)}.")
    image = photos[photo]
    if image.ndim != 3 or image.shape[0] != image.shape[1]:
        raise ValueError(
            f"photo {photo!r} must be a square (H, W, 3) colour photo, got shape "
            f"{image.shape}; crop it first."
        )
    count = as_whole_number(count, "count", 1)
    transform = augmentation(name, strength, image.shape[0])
    X = torch.from_numpy(np.ascontiguousarray(image.transpose(2, 0, 1)))  # (3, H, W)
    generator_state = torch.get_rng_state()
    torch.manual_seed(seed)  # torchvision draws from the global generator
    try:
        with one_torch_thread():
            versions = torch.stack([transform(X) for _ in range(count)])
    finally:
        torch.set_rng_state(generator_state)
    return AugmentedGrid(
        photo,
        name,
        float(strength),
        repr(transform),
        versions.clamp(0, 1).permute(0, 2, 3, 1).numpy(),
    )


def augmentation_preview(photos: dict, count: int = 8) -> ipywidgets.VBox:
    """Pick a photo, an augmentation and its strength: see ``count`` versions.

    Introduced in 07-transfer-learning.
    """
    photos = as_photo_dict(photos)
    names = list(photos)
    first = augmented_versions(photos, names[0], AUGMENTATIONS[-1], 0.5, count)
    columns = 4
    rows = -(-count // columns)
    fig, axes = plt.subplots(
        rows, columns + 1, figsize=(2.0 * (columns + 1), 2.1 * rows)
    )
    axes = np.atleast_2d(axes)
    for ax in axes[:, 0]:
        ax.axis("off")
    original = axes[0, 0].imshow(photos[names[0]])
    axes[0, 0].set_title("original")
    shown = []
    for i, ax in enumerate(axes[:, 1:].flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if i < count:
            shown.append(ax.imshow(first.versions[i]))
            ax.set_xlabel(f"version {i + 1}", fontsize="small")
        else:
            ax.axis("off")
    title = fig.suptitle(" ")
    render = blitting_renderer(fig, [original, *shown, title])

    picture = ipywidgets.Image(format="png")
    caption = ipywidgets.HTML()
    strength = ipywidgets.FloatSlider(
        value=0.5, min=0.0, max=1.0, step=0.1, description="strength"
    )
    kind = ipywidgets.Dropdown(
        options=list(AUGMENTATIONS), value=AUGMENTATIONS[-1], description="augment"
    )
    chooser = ipywidgets.Dropdown(options=names, value=names[0], description="photo")

    def draw(_=None) -> None:
        state = augmented_versions(
            photos, chooser.value, kind.value, strength.value, count
        )
        original.set_data(photos[state.photo])
        for artist, version in zip(shown, state.versions):
            artist.set_data(version)
        title.set_text(
            f"{state.photo}: {state.augmentation}, strength {state.strength:.1f}"
        )
        picture.value = render()
        caption.value = (
            f"{count} random versions of the {state.photo}, each with new random "
            f"parameters, as each epoch of training sees it. The transform: "
            f"<code>{state.pipeline}</code>."
        )

    for control in (strength, kind, chooser):
        control.observe(draw, names="value")
    draw()
    return ipywidgets.VBox(
        [ipywidgets.HBox([strength, kind, chooser]), picture, caption]
    )
