"""Plots of training: learning curves, decision boundaries, confusion matrices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from nnlearn.autodiff.tensor import no_grad
from nnlearn.plots import pyplot


def training_curves(history: Mapping[str, Sequence[float]], names: Sequence[str] | None = None
                    ) -> Any:
    """A figure of per-epoch values (by default every entry of a ``History``)."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5, 3))
    for name in names or list(history):
        values = history[name]
        ax.plot(np.arange(1, len(values) + 1), values, label=name)
    ax.set_xlabel("epoch")
    ax.legend(loc="best", fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def decision_boundary(model: Any, X: np.ndarray, y: np.ndarray, resolution: int = 200,
                      margin: float = 0.5) -> Any:
    """The classes a 2-input model predicts over the plane, with the samples on top.

    One output column is read as P(class 1) (boundary at 0.5); several as class scores.
    """
    plt = pyplot()
    X = np.asarray(X, dtype=np.float64)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([g0.ravel(), g1.ravel()])
    was_training = model.training
    model.eval()
    with no_grad():
        out = model(grid).data
    model.train(was_training)
    surface = out[:, 0] if out.shape[1] == 1 else out.argmax(axis=1)
    fig, ax = plt.subplots(figsize=(4, 4))
    ax.contourf(g0, g1, surface.reshape(g0.shape), levels=20 if out.shape[1] == 1 else None,
                cmap="RdBu_r", alpha=0.6)
    if out.shape[1] == 1:
        ax.contour(g0, g1, surface.reshape(g0.shape), levels=[0.5], colors="k")
    ax.scatter(X[:, 0], X[:, 1], c=np.asarray(y).reshape(-1), cmap="RdBu_r", edgecolors="k", s=60)
    ax.set_xlabel("$u_1$")
    ax.set_ylabel("$u_2$")
    return fig


def confusion_matrix(matrix: np.ndarray, labels: Sequence[Any] | None = None) -> Any:
    """A heat map of a confusion matrix (rows: true class, columns: predicted)."""
    plt = pyplot()
    matrix = np.asarray(matrix)
    k = len(matrix)
    labels = list(range(k)) if labels is None else list(labels)
    fig, ax = plt.subplots(figsize=(4.5, 4))
    ax.imshow(matrix, cmap="Blues")
    for i in range(k):
        for j in range(k):
            colour = "white" if matrix[i, j] > matrix.max() / 2 else "black"
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=7, color=colour)
    ax.set_xticks(range(k), labels)
    ax.set_yticks(range(k), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    return fig
