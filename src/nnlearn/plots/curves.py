"""Plots of functions of one variable: activations and their derivatives."""

from __future__ import annotations

from typing import Any

import numpy as np

from nnlearn.plots import pyplot


def function_and_derivative(activation: Any, lo: float = -5.0, hi: float = 5.0) -> Any:
    """A figure of an elementwise activation σ and its closed-form derivative σ'."""
    plt = pyplot()
    x = np.linspace(lo, hi, 401)
    fig, ax = plt.subplots(figsize=(4.5, 3))
    ax.plot(x, activation(x), label=f"{activation.name}(x)")
    ax.plot(x, activation.derivative(x), "--", label="derivative")
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_xlabel("x")
    ax.set_title(activation.name)
    ax.legend(loc="best", fontsize=8)
    return fig
