"""Plots of functions of one variable: activations and their derivatives."""

from __future__ import annotations

from typing import Any

import numpy as np

from nnlearn.plots import pyplot


def function_and_derivative(activation: Any, lo: float = -5.0, hi: float = 5.0) -> Any:
    """A figure of an activation σ and its closed-form derivative σ'.

    For softmax and log-softmax, which act on vectors, the curve is the first component
    of σ((x, 0)) and the derivative its diagonal Jacobian entry ∂σ_1/∂x_1.
    """
    plt = pyplot()
    x = np.linspace(lo, hi, 401)
    if activation.elementwise:
        value, slope, label = activation(x), activation.derivative(x), f"{activation.name}(x)"
    else:
        pairs = np.stack([x, np.zeros_like(x)], axis=1)
        value, slope = activation(pairs)[:, 0], activation.derivative(pairs)[:, 0, 0]
        label = f"{activation.name}((x, 0))[0]"
    fig, ax = plt.subplots(figsize=(4.5, 3))
    ax.plot(x, value, label=label)
    ax.plot(x, slope, "--", label="derivative")
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_xlabel("x")
    ax.set_title(activation.name)
    ax.legend(loc="best", fontsize=8)
    return fig
