"""Plots of cost surfaces over two parameters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nnlearn.plots import pyplot
from nnlearn.plots.style import FULL_WIDTH, HALF_WIDTH, PALETTE, styled

#: a marker per kind of critical point, so that kinds differ without colour
MARKERS = {"minimum": "o", "maximum": "^", "saddle": "X"}


@styled
def cost_contours(
    cost: Callable[[np.ndarray, np.ndarray], np.ndarray],
    points: Sequence[tuple[np.ndarray, str, str]] = (),
    paths: Sequence[tuple[np.ndarray, str]] = (),
    extent: float = 1.5,
    cost_label: str = "C(θ₁, θ₂)",
) -> Any:
    """Filled contours of ``cost(θ₁, θ₂)`` (vectorized over grids), with marked points and
    paths; the legend sits below the axes, where it covers nothing.

    Parameters
    ----------
    cost : callable
        ``cost(x, y)`` on arrays of one shape.
    points : sequence of (point of shape (2,), kind, label)
        Marked by kind (see :data:`MARKERS`).
    paths : sequence of (array of shape (n_steps, 2), label)
    extent : float, default 1.5
        The square [−extent, extent]² is drawn.
    cost_label : str
        The colour bar's label.
    """
    from matplotlib import patheffects

    plt = pyplot()
    grid = np.linspace(-extent, extent, 241)
    x, y = np.meshgrid(grid, grid)
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, HALF_WIDTH + 1.4))
    filled = ax.contourf(x, y, cost(x, y), levels=30, cmap="cividis")
    filled.set_rasterized(True)
    fig.colorbar(filled, ax=ax, label=cost_label)
    for k, (point, kind, label) in enumerate(points):
        ax.plot(*point, MARKERS.get(kind, "o"), ms=10, mec="white", mew=1.5,
                color=PALETTE[(k + 1) % len(PALETTE)], label=label)
    outlined = [patheffects.withStroke(linewidth=3.5, foreground="black")]
    for path, label in paths:
        ax.plot(path[:, 0], path[:, 1], ".-", lw=1.5, ms=5, color="white", label=label,
                path_effects=outlined)
        ax.plot(*path[0], "s", ms=8, color="white", mec="black", label="its start")
    ax.set_xlabel("θ₁")
    ax.set_ylabel("θ₂")
    ax.set_aspect("equal")
    ax.grid(False)
    if points or paths:
        fig.legend(loc="outside lower center", ncol=2, frameon=False)
    return fig
