"""Plots of sequences: a recurrent state over time, and predictions against a target."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.plots import pyplot
from nnlearn.plots.style import DASHES, FULL_WIDTH, PALETTE, integer_ticks, styled


@styled
def state_norms(norms: Mapping[str, ArrayLike]) -> Any:
    """‖x(n)‖ against the step n for each labelled run, on a logarithmic axis.

    Runs are drawn in order, each thinner and dashed differently, so that a run that
    coincides with an earlier one still shows on top of it.
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.4))
    for k, (label, values) in enumerate(norms.items()):
        values = np.asarray(values, dtype=np.float64)
        ax.semilogy(np.arange(len(values)), values, ls=DASHES[k], lw=4.0 - 0.8 * k,
                    color=PALETTE[k], label=label)
    integer_ticks(ax.xaxis)
    ax.set_xlabel("step n")
    ax.set_ylabel("state norm ‖x(n)‖")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    return fig


@styled
def sequence_prediction(steps: ArrayLike, target: ArrayLike,
                        predictions: Mapping[str, ArrayLike], split: float | None = None,
                        ylabel: str = "value") -> Any:
    """A target sequence with the model's predictions over it.

    Parameters
    ----------
    steps, target : array_like of shape (n_steps,)
    predictions : mapping of label to array_like of shape (n_steps,)
        NaN where a prediction has no value (it is not drawn there).
    split : float, optional
        A step to mark with a vertical line (e.g. where a free run starts).
    ylabel : str, default "value"
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.2))
    ax.plot(steps, target, color="black", lw=5, alpha=0.25, label="target")
    for k, (label, values) in enumerate(predictions.items()):
        ax.plot(steps, values, lw=1.8, ls=DASHES[k], color=PALETTE[k],
                marker=("o", "s")[k % 2], ms=3.5, label=label)
    if split is not None:
        ax.axvline(split, color="grey", ls=":", lw=1.5)
    ax.set_xlabel("step n")
    ax.set_ylabel(ylabel)
    fig.legend(loc="outside upper center", ncol=1 + len(predictions), frameon=False)
    return fig
