"""Plots of functions of one variable: the activations and their derivatives."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nnlearn.plots import pyplot
from nnlearn.plots.style import FULL_WIDTH, PALETTE, styled


def activation_values(activation: Any, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """σ(x) and σ'(x) on the grid x of shape (n,).

    For softmax and log-softmax, which act on vectors, the value is the first component
    of σ((x, 0)) and the derivative its diagonal Jacobian entry ∂σ₁/∂x₁.
    """
    if activation.elementwise:
        return activation(x), activation.derivative(x)
    pairs = np.stack([x, np.zeros_like(x)], axis=1)
    return activation(pairs)[:, 0], activation.derivative(pairs)[:, 0, 0]


@styled
def activation_grid(activations: Sequence[Any], lo: float = -4.0, hi: float = 4.0,
                    n_columns: int = 4) -> Any:
    """Small multiples: one panel per activation, with σ(x) solid and σ'(x) dashed.

    Parameters
    ----------
    activations : sequence of Activation
        Each with ``name``, ``elementwise``, a call and ``derivative``.
    lo, hi : float, default -4 and 4
        The range of x.
    n_columns : int, default 4
    """
    plt = pyplot()
    n_rows = -(-len(activations) // n_columns)
    fig, axes = plt.subplots(n_rows, n_columns, figsize=(FULL_WIDTH, 1.85 * n_rows + 0.5),
                             sharex=True, squeeze=False)
    x = np.linspace(lo, hi, 321)
    for ax, activation in zip(axes.flat, activations, strict=False):
        value, slope = activation_values(activation, x)
        ax.plot(x, value, color=PALETTE[0], label="σ(x)")
        ax.plot(x, slope, color=PALETTE[1], ls="--", label="σ′(x)")
        ax.axhline(0, color="grey", lw=0.6)
        ax.axvline(0, color="grey", lw=0.6)
        ax.set_title(activation.name if activation.elementwise
                     else f"{activation.name}((x, 0))₁", fontsize=11)
    for ax in axes.flat[len(activations):]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("x")
    handles, _ = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, ["the activation σ(x)", "its derivative σ′(x)"],
               loc="outside upper center", ncol=2, frameon=False)
    return fig
