"""Decision boundaries of the classic neurons, and the curves that tell how they learned."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from nnlearn.plots import pyplot

MARKERS = ("o", "s")
COLOURS = ("tab:blue", "tab:orange")


def scatter_classes(ax: Any, X: np.ndarray, y: np.ndarray) -> None:
    """The points of X of shape (n_samples, 2), one marker per class of y."""
    for k, label in enumerate(np.unique(y)):
        rows = y == label
        ax.scatter(
            X[rows, 0],
            X[rows, 1],
            marker=MARKERS[k % 2],
            c=COLOURS[k % 2],
            edgecolors="k",
            label=f"class {label}",
            zorder=3,
        )


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
    ax.contourf(g1, g2, codes, levels=[-0.5, 0.5, 1.5], colors=COLOURS, alpha=0.2)
    scatter_classes(ax, X, y)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])


def boundary_line(ax: Any, weights: Sequence[float], bias: float, **style: Any) -> None:
    """The line w_1 x_1 + w_2 x_2 + b = 0 across the current x-range of ``ax``."""
    w1, w2 = weights
    x1 = np.array(ax.get_xlim())
    if w2 != 0:
        ax.plot(x1, -(w1 * x1 + bias) / w2, **style)
    elif w1 != 0:
        ax.axvline(-bias / w1, **style)


def gates_figure(designs: Mapping[str, tuple[Any, Any, Any, Any]]) -> Any:
    """One panel per logic gate: its truth table, a designed and a learned boundary.

    Parameters
    ----------
    designs : mapping of gate name to (X, y, (w, T) designed, (w, b) learned)
        One-input gates are drawn on the line x_2 = 0 with vertical boundaries.
    """
    plt = pyplot()
    fig, axes = plt.subplots(1, len(designs), figsize=(3.2 * len(designs), 3.2))
    for ax, (name, (X, y, (w, T), (v, b))) in zip(
        np.atleast_1d(axes), designs.items(), strict=True
    ):
        points = X if X.shape[1] == 2 else np.column_stack([X[:, 0], np.zeros(len(X))])
        scatter_classes(ax, points, y)
        ax.set_xlim(-0.5, 1.5)
        ax.set_ylim(-0.5, 1.5)
        w2 = (*w, 0.0) if len(w) == 1 else tuple(w)
        v2 = (*v, 0.0) if len(v) == 1 else tuple(v)
        boundary_line(ax, w2, -T, color="k", ls="--", label="McCulloch-Pitts design")
        boundary_line(ax, v2, b, color="tab:red", label="learned perceptron")
        ax.set_title(name.upper())
        ax.set_xlabel("$I_1$")
        ax.set_ylabel("$I_2$")
    handles, labels = np.atleast_1d(axes)[0].get_legend_handles_labels()
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8)
    return fig


def errors_per_epoch(curves: Mapping[str, Sequence[int]]) -> Any:
    """Mistakes per epoch of each named run."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(4.5, 3))
    for name, errors in curves.items():
        ax.plot(np.arange(1, len(errors) + 1), errors, marker="o", label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel("mistakes")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def boundaries_figure(
    panels: Mapping[str, Callable[[np.ndarray], np.ndarray]],
    X: np.ndarray,
    y: np.ndarray,
    axis_labels: tuple[str, str] = ("$x_1$", "$x_2$"),
) -> Any:
    """One panel per named classifier (its ``predict``), on the same data."""
    plt = pyplot()
    fig, axes = plt.subplots(1, len(panels), figsize=(3.4 * len(panels), 3.2))
    for ax, (name, predict) in zip(np.atleast_1d(axes), panels.items(), strict=True):
        decision_regions(ax, predict, X, y)
        ax.set_title(name)
        ax.set_xlabel(axis_labels[0])
        ax.set_ylabel(axis_labels[1])
    fig.tight_layout()
    return fig


def polynomial_fits(
    u: np.ndarray,
    y: np.ndarray,
    curves: Mapping[str, Callable[[np.ndarray], np.ndarray]],
    truth: Callable[[np.ndarray], np.ndarray] | None = None,
) -> Any:
    """The training points and each named fitted curve p(u) over their range."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5, 3.4))
    grid = np.linspace(u.min(), u.max(), 300)
    if truth is not None:
        ax.plot(grid, truth(grid), color="grey", ls=":", label="truth")
    for name, curve in curves.items():
        ax.plot(grid, curve(grid), label=name)
    ax.scatter(u, y, c="k", zorder=3, label="training data")
    ax.set_ylim(y.min() - 1.0, y.max() + 1.0)
    ax.set_xlabel("u")
    ax.set_ylabel("p(u)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
