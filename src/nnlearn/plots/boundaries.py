"""Decision boundaries of the classic neurons, and the curves that tell how they learned."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from nnlearn.plots import pyplot
from nnlearn.plots.style import (
    CLASS_COLOURS,
    CLASS_MARKERS,
    DASHES,
    FULL_WIDTH,
    HALF_WIDTH,
    PALETTE,
    integer_ticks,
    styled,
)


def scatter_classes(ax: Any, X: np.ndarray, y: np.ndarray) -> None:
    """The points of X of shape (n_samples, 2), one colour and marker per class of y;
    smaller markers where there are many, so that the regions behind them show."""
    size = 45 if len(X) <= 100 else 16
    for k, label in enumerate(np.unique(y)):
        rows = y == label
        ax.scatter(X[rows, 0], X[rows, 1], s=size, marker=CLASS_MARKERS[k % 2],
                   c=CLASS_COLOURS[k % 2], edgecolors="k", linewidths=0.6,
                   label=f"class {label}", zorder=3)


def decision_regions(
    ax: Any,
    predict: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    padding: float = 0.5,
    resolution: int = 150,
) -> None:
    """Shade the plane by ``predict`` (a function of points of shape (n, 2)), then the data."""
    lo, hi = X.min(axis=0) - padding, X.max(axis=0) + padding
    g1, g2 = np.meshgrid(
        np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    )
    labels = predict(np.column_stack([g1.ravel(), g2.ravel()]))
    codes = np.searchsorted(np.unique(y), labels).reshape(g1.shape)
    shaded = ax.contourf(g1, g2, codes, levels=[-0.5, 0.5, 1.5], colors=CLASS_COLOURS,
                         alpha=0.18)
    shaded.set_rasterized(True)
    scatter_classes(ax, X, y)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.grid(False)


def boundary_line(ax: Any, weights: Sequence[float], bias: float, **style: Any) -> None:
    """The line w_1 x_1 + w_2 x_2 + b = 0 across the current x-range of ``ax``."""
    w1, w2 = weights
    x1 = np.array(ax.get_xlim())
    if w2 != 0:
        ax.plot(x1, -(w1 * x1 + bias) / w2, **style)
    elif w1 != 0:
        ax.axvline(-bias / w1, **style)


@styled
def gates_figure(designs: Mapping[str, tuple[Any, Any, Any, Any]]) -> Any:
    """One panel per logic gate: its truth table, a designed and a learned boundary.

    Parameters
    ----------
    designs : mapping of gate name to (X, y, (w, T) designed or None, (w, b) learned)
        One-input gates are drawn on the line I₂ = 0 with vertical boundaries; a gate
        with no design (XOR) shows the learned line only.
    """
    plt = pyplot()
    fig, axes = plt.subplots(1, len(designs), figsize=(FULL_WIDTH, 2.6), sharey=True,
                             squeeze=False)
    for ax, (name, (X, y, design, (v, b))) in zip(axes[0], designs.items(), strict=True):
        points = X if X.shape[1] == 2 else np.column_stack([X[:, 0], np.zeros(len(X))])
        scatter_classes(ax, points, y)
        ax.set_xlim(-0.5, 1.5)
        ax.set_ylim(-0.5, 1.5)
        if design is not None:
            w, T = design
            w2 = (*w, 0.0) if len(w) == 1 else tuple(w)
            boundary_line(ax, w2, -T, color="k", ls="--", label="McCulloch-Pitts design")
        v2 = (*v, 0.0) if len(v) == 1 else tuple(v)
        boundary_line(ax, v2, b, color=PALETTE[2], label="learned by the perceptron")
        ax.set_title(name.upper())
        ax.set_xlabel("I₁")
        ax.set_aspect("equal")
    axes[0, 0].set_ylabel("I₂")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(labels), frameon=False)
    return fig


@styled
def errors_per_epoch(curves: Mapping[str, Sequence[int]]) -> Any:
    """Mistakes per epoch of each named run."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(HALF_WIDTH, 3.0))
    for k, (name, errors) in enumerate(curves.items()):
        ax.plot(np.arange(1, len(errors) + 1), errors, marker="os"[k % 2], ls=DASHES[k],
                label=name)
    integer_ticks(ax.xaxis)
    integer_ticks(ax.yaxis)
    ax.set_xlabel("epoch")
    ax.set_ylabel("mistakes in the epoch")
    ax.set_ylim(bottom=0)
    ax.legend(loc="best")
    return fig


@styled
def boundaries_figure(
    panels: Mapping[str, Callable[[np.ndarray], np.ndarray]],
    X: np.ndarray,
    y: np.ndarray,
    axis_labels: tuple[str, str] = ("x₁", "x₂"),
) -> Any:
    """One panel per named classifier (its ``predict``), on the same data, each square
    (one unit is as long on both axes)."""
    plt = pyplot()
    side = min(3.4, (FULL_WIDTH - 0.6) / len(panels))
    fig, axes = plt.subplots(1, len(panels), figsize=(FULL_WIDTH, side + 0.9), sharey=True,
                             squeeze=False)
    for ax, (name, predict) in zip(axes[0], panels.items(), strict=True):
        decision_regions(ax, predict, X, y)
        ax.set_title(name)
        ax.set_xlabel(axis_labels[0])
        ax.set_aspect("equal")
    axes[0, 0].set_ylabel(axis_labels[1])
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(labels), frameon=False)
    return fig


@styled
def polynomial_fits(
    u: np.ndarray,
    y: np.ndarray,
    curves: Mapping[str, Callable[[np.ndarray], np.ndarray]],
    truth: tuple[Callable[[np.ndarray], np.ndarray], str] | None = None,
) -> Any:
    """The training points and each named fitted curve p(u) over their range, with the
    function that made the data, ``truth`` = (function, label), behind them."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.4))
    grid = np.linspace(u.min(), u.max(), 300)
    if truth is not None:
        ax.plot(grid, truth[0](grid), color="grey", lw=4, alpha=0.4, label=truth[1])
    for k, (name, curve) in enumerate(curves.items()):
        ax.plot(grid, curve(grid), ls=DASHES[k], label=name)
    ax.scatter(u, y, s=40, c="k", zorder=3, label="training samples")
    ax.set_ylim(y.min() - 1.0, y.max() + 1.0)
    ax.set_xlabel("u")
    ax.set_ylabel("y and the fit p(u)")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    return fig
