"""The look of nnlearn's figures: readable on a laptop and projected in a lecture hall.

Every plotting function of :mod:`nnlearn.plots` is decorated with :func:`styled`, which
draws it with :data:`STYLE` (and leaves the caller's matplotlib settings as they were,
also when drawing fails); :func:`save` writes a figure as SVG, vector graphics that stay
sharp at any zoom, with dense raster parts (heat maps, filled contours) at
:data:`RASTER_DPI`.

Sizes are in inches at 96 px per inch, the size a browser shows an SVG at: a figure
:data:`FULL_WIDTH` wide fills a 720 px column, with its 11 pt text at about 15 px.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import IO, Any, TypeVar

from nnlearn.plots import pyplot

F = TypeVar("F", bound=Callable[..., Any])

#: Okabe and Ito's colour-blind-safe palette, in the order the lines of a plot take it
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000",
           "#F0E442")
#: line styles that go with the palette, so that lines also differ in black and white
DASHES = ("-", "--", "-.", ":", "-", "--", "-.", ":")
#: two classes: the palette's blue and vermillion, with a circle and a square
CLASS_COLOURS = (PALETTE[0], PALETTE[3])
CLASS_MARKERS = ("o", "s")
#: sequential and diverging colour maps that colour-blind readers can read
SEQUENTIAL, DIVERGING = "viridis", "RdBu_r"

FULL_WIDTH = 7.5
HALF_WIDTH = 5.0
RASTER_DPI = 150

STYLE: dict[str, Any] = {
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "lines.linewidth": 2.0,
    "lines.markersize": 6,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
    "legend.framealpha": 0.9,
    "image.cmap": SEQUENTIAL,
    "figure.constrained_layout.use": True,
    "figure.dpi": RASTER_DPI,
    "savefig.dpi": RASTER_DPI,
    "svg.fonttype": "path",
    "svg.hashsalt": "nnlearn",
}


def styled(function: F) -> F:
    """Decorator: the plotting function draws with :data:`STYLE` and the palette."""

    @functools.wraps(function)
    def draw(*args: Any, **kwargs: Any) -> Any:
        plt = pyplot()
        settings = {**STYLE, "axes.prop_cycle": plt.cycler(color=PALETTE)}
        with plt.rc_context(settings):
            return function(*args, **kwargs)

    return draw  # type: ignore[return-value]


def integer_ticks(axis: Any) -> None:
    """Ticks at whole numbers only, for an axis of steps or epochs."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def save(fig: Any, file: str | IO[bytes]) -> None:
    """Write ``fig`` as SVG (deterministic: the same figure gives the same bytes) and close it.

    The figure's size is its size on the page: no cropping, so the layout drawn is the
    layout shown.
    """
    plt = pyplot()
    try:
        with plt.rc_context(STYLE):
            fig.savefig(file, format="svg", metadata={"Date": None})
    finally:
        plt.close(fig)
