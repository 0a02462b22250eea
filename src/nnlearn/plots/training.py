"""Plots of training: learning curves, decision boundaries, confusion matrices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from nnlearn.autodiff.tensor import no_grad
from nnlearn.plots import pyplot
from nnlearn.plots.style import (
    CLASS_COLOURS,
    CLASS_MARKERS,
    DASHES,
    DIVERGING,
    HALF_WIDTH,
    integer_ticks,
    styled,
)


@styled
def training_curves(history: Mapping[str, Sequence[float]], ylabel: str,
                    names: Mapping[str, str] | None = None, logy: bool = False) -> Any:
    """Per-epoch values of a ``History``, against the epoch.

    Parameters
    ----------
    history : mapping of name to sequence of float
    ylabel : str
        What the values are (the loss's name, say).
    names : mapping of history key to legend label, optional
        The entries to draw; every entry of ``history`` under its own name by default.
    logy : bool, default False
        A logarithmic value axis.
    """
    plt = pyplot()
    names = names or {key: key for key in history}
    fig, ax = plt.subplots(figsize=(HALF_WIDTH, 3.2))
    for k, (key, label) in enumerate(names.items()):
        values = history[key]
        ax.plot(np.arange(1, len(values) + 1), values, ls=DASHES[k], label=label)
    if logy:
        ax.set_yscale("log")
    integer_ticks(ax.xaxis)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.legend(loc="best")
    return fig


@styled
def decision_boundary(model: Any, X: np.ndarray, y: np.ndarray, resolution: int = 200,
                      margin: float = 0.5) -> Any:
    """P(class 1) that a 2-input model with one sigmoid output gives over the plane, its
    0.5 contour, and the samples on top.
    """
    plt = pyplot()
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y).reshape(-1)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    with model.evaluation_mode(), no_grad():
        surface = model(np.column_stack([g0.ravel(), g1.ravel()])).data[:, 0]
    fig, ax = plt.subplots(figsize=(HALF_WIDTH, 4.2))
    shaded = ax.contourf(g0, g1, surface.reshape(g0.shape), levels=np.linspace(0, 1, 11),
                         cmap=DIVERGING, alpha=0.75)
    shaded.set_rasterized(True)
    ax.contour(g0, g1, surface.reshape(g0.shape), levels=[0.5], colors="k", linewidths=2)
    fig.colorbar(shaded, ax=ax, label="P(class 1 | u)")
    for k, label in enumerate(np.unique(y)):
        rows = y == label
        ax.scatter(X[rows, 0], X[rows, 1], s=110, marker=CLASS_MARKERS[k % 2],
                   c=CLASS_COLOURS[k % 2], edgecolors="k", zorder=3, label=f"class {label:g}")
    ax.set_xlabel("u₁")
    ax.set_ylabel("u₂")
    ax.grid(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, frameon=False)
    return fig


@styled
def confusion_matrix(matrix: np.ndarray, labels: Sequence[Any] | None = None) -> Any:
    """A heat map of a confusion matrix (rows: true class, columns: predicted), with the
    count written in every cell."""
    plt = pyplot()
    matrix = np.asarray(matrix)
    k = len(matrix)
    labels = list(range(k)) if labels is None else list(labels)
    fig, ax = plt.subplots(figsize=(HALF_WIDTH + 0.6, HALF_WIDTH))
    image = ax.imshow(matrix, cmap="Blues")
    image.set_rasterized(True)
    for i in range(k):
        for j in range(k):
            colour = "white" if matrix[i, j] > matrix.max() / 2 else "black"
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=11,
                    color=colour if matrix[i, j] else "#b0b0b8")
    fig.colorbar(image, ax=ax, label="test samples", shrink=0.8)
    ax.set_xticks(range(k), labels)
    ax.set_yticks(range(k), labels)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.grid(False)
    return fig
