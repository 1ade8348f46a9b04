"""The renderer every widget shares: a figure laid out once, redrawn in place
(only the artists that change, by blitting) and sent to an ``ipywidgets.Image`` as
PNG.
"""

import io
from collections.abc import Callable

import matplotlib.pyplot as plt
import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg

__all__ = [
    "RENDER_DPI",
    "blitting_renderer",
    "freeze",
    "render_png",
]

RENDER_DPI = 80  # sharp enough for numbers in cells, small enough to redraw fast


def freeze(fig) -> None:
    """Prepare a widget's figure for fast redraws.

    Lays it out once and then turns the layout engine off (re-running constrained
    layout on every redraw would double its cost), and closes it so that the
    inline backend does not show it a second time outside the widget.
    """
    plt.close(fig)
    FigureCanvasAgg(fig)  # closing detached pyplot's canvas; draw off-screen
    fig.set_dpi(RENDER_DPI)
    fig.canvas.draw()
    fig.set_layout_engine("none")


def blitting_renderer(fig, changing: list) -> Callable[[], bytes]:
    """Freeze ``fig`` without the ``changing`` artists; return its PNG renderer.

    The renderer draws only those artists over the background saved here
    ("blitting") and encodes the figure: much faster than redrawing every panel
    when a control changes a few images, bars or texts.
    """
    for artist in changing:
        artist.set_animated(True)
    freeze(fig)  # draws everything but the changing artists
    background = fig.canvas.copy_from_bbox(fig.bbox)

    def render() -> bytes:
        fig.canvas.restore_region(background)
        for artist in changing:
            fig.draw_artist(artist)
        return render_png(fig, draw=False)

    return render


def render_png(fig, *, draw: bool = True) -> bytes:
    """Encode a frozen figure as PNG bytes for an ``ipywidgets.Image``.

    ``draw=False`` encodes the canvas as it stands, for a widget that has already
    redrawn only the artists that changed (blitting).
    """
    if draw:
        fig.canvas.draw()
    buffer = io.BytesIO()
    # Fast compression: the PNG goes to the browser once and is replaced at once.
    PIL.Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).save(
        buffer, format="png", compress_level=1
    )
    return buffer.getvalue()
