"""Plots of sequences: a recurrent state over time, and predictions against a target."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.plots import pyplot


def state_norms(norms: Mapping[str, ArrayLike]) -> Any:
    """‖x(n)‖ against the step n for each labelled run, on a logarithmic axis."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5, 3))
    for label, values in norms.items():
        values = np.asarray(values, dtype=np.float64)
        ax.semilogy(np.arange(len(values)), values, label=label)
    ax.set_xlabel("step n")
    ax.set_ylabel("‖x(n)‖")
    ax.legend(loc="best", fontsize=7)
    ax.grid(alpha=0.3)
    return fig


def sequence_prediction(steps: ArrayLike, target: ArrayLike,
                        predictions: Mapping[str, ArrayLike], split: float | None = None) -> Any:
    """A target sequence with the model's predictions over it.

    Parameters
    ----------
    steps, target : array_like of shape (n_steps,)
    predictions : mapping of label to array_like of shape (n_steps,)
    split : float, optional
        A step to mark with a vertical line (e.g. where a free run starts).
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot(steps, target, color="black", lw=2.5, alpha=0.3, label="target")
    for label, values in predictions.items():
        ax.plot(steps, values, lw=1.2, label=label)
    if split is not None:
        ax.axvline(split, color="gray", ls=":", lw=1)
    ax.set_xlabel("step n")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=1 + len(predictions),
              fontsize=7, frameon=False)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
