"""Plots of cost surfaces over two parameters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nnlearn.plots import pyplot


def cost_contours(
    cost: Callable[[np.ndarray, np.ndarray], np.ndarray],
    points: Sequence[tuple[np.ndarray, str]] = (),
    paths: Sequence[tuple[np.ndarray, str]] = (),
    extent: float = 1.5,
    title: str = "",
) -> Any:
    """Contours of ``cost(x, y)`` (vectorized over grids), with marked points and paths."""
    plt = pyplot()
    grid = np.linspace(-extent, extent, 241)
    x, y = np.meshgrid(grid, grid)
    fig, ax = plt.subplots(figsize=(5, 4.2))
    filled = ax.contourf(x, y, cost(x, y), levels=30, cmap="viridis")
    fig.colorbar(filled, ax=ax)
    for point, label in points:
        ax.plot(*point, "o", ms=7, label=label)
    for path, label in paths:
        ax.plot(path[:, 0], path[:, 1], ".-", lw=1, label=label)
    if points or paths:
        ax.legend(fontsize=7, loc="upper right")
    ax.set_xlabel(r"$\theta_1$")
    ax.set_ylabel(r"$\theta_2$")
    ax.set_title(title)
    return fig
