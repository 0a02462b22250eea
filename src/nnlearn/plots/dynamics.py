"""Plots of dynamical systems: bifurcation diagrams and cobwebs of one-dimensional maps, and
the convergence of a Markov chain's distribution.

Colours are the Okabe–Ito palette (distinguishable with every common colour-vision
deficiency); figures are made at 150 dpi.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.dynamics.one_dimensional import attractor_samples, cobweb, lyapunov_exponents
from nnlearn.plots import pyplot

OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
             "#000000")
"""Blue, vermillion, bluish green, reddish purple, orange, sky blue, yellow, black."""
DPI = 150


def bifurcation_diagram(family: Callable[[Any, Any], Any], parameters: ArrayLike,
                        x0: float = 0.3, n_transient: int = 500, n_keep: int = 100,
                        lyapunov: bool = True, parameter_name: str = "r") -> Any:
    """The attractor of x(n+1) = f(x(n), r) against r, and below it the Lyapunov exponent λ(r)
    (chaos where λ > 0, a stable cycle where λ < 0).

    Parameters
    ----------
    family : callable
        f(x, r), elementwise (e.g. :func:`nnlearn.dynamics.one_dimensional.logistic_map`).
    parameters : array-like of shape (n_parameters,)
        The values of r, e.g. ``np.linspace(2.5, 4, 600)``.
    x0 : float, default 0.3
        The start of every trajectory.
    n_transient, n_keep : int, default 500 and 100
        Steps discarded, then states plotted, per value of r.
    lyapunov : bool, default True
        Add the panel of λ(r) (computed over 4 · n_keep steps).
    parameter_name : str, default "r"
        The label of the horizontal axis.
    """
    plt = pyplot()
    r = np.asarray(parameters, dtype=np.float64)
    samples = attractor_samples(family, r, x0, n_transient, n_keep)
    rows = 2 if lyapunov else 1
    fig, axes = plt.subplots(rows, 1, figsize=(7, 2.6 * rows + 0.6), dpi=DPI, sharex=True,
                             squeeze=False, gridspec_kw={"height_ratios": [2, 1][:rows]})
    top = axes[0, 0]
    top.plot(np.broadcast_to(r, samples.shape).ravel(), samples.ravel(), ",",
             color=OKABE_ITO[7], alpha=0.5)
    top.set_ylabel("x on the attractor")
    top.set_title("bifurcation diagram", fontsize=10)
    if lyapunov:
        bottom = axes[1, 0]
        exponents = lyapunov_exponents(family, r, x0, 4 * n_keep, n_transient)
        bottom.plot(r, np.maximum(exponents, -4.0), color=OKABE_ITO[0], lw=0.9,
                    label="λ(r), clipped at −4")
        bottom.axhline(0.0, color=OKABE_ITO[1], ls="--", lw=0.9, label="λ = 0")
        bottom.set_ylabel("Lyapunov exponent λ")
        bottom.legend(fontsize=7, loc="lower left")
    axes[-1, 0].set_xlabel(parameter_name)
    fig.tight_layout()
    return fig


def cobweb_plot(maps: Mapping[str, Callable[[Any], Any]], x0: float, n_steps: int = 40,
                x_range: tuple[float, float] = (0.0, 1.0)) -> Any:
    """Cobweb diagrams, one panel per labelled map f: the graph of f, the diagonal y = x, and
    the staircase of the iterates x(n+1) = f(x(n)) from ``x0``."""
    plt = pyplot()
    fig, axes = plt.subplots(1, len(maps), figsize=(3.2 * len(maps), 3.3), dpi=DPI,
                             squeeze=False)
    grid = np.linspace(*x_range, 400)
    for ax, (label, f) in zip(axes[0], maps.items(), strict=True):
        xs, ys = cobweb(f, x0, n_steps)
        ax.plot(grid, np.asarray(f(grid), dtype=np.float64), color=OKABE_ITO[0], lw=1.5,
                label="y = f(x)")
        ax.plot(x_range, x_range, color=OKABE_ITO[7], ls="--", lw=0.8, label="y = x")
        ax.plot(xs, ys, color=OKABE_ITO[1], lw=0.8, label="iterates")
        ax.plot([x0], [0.0], "o", color=OKABE_ITO[1], ms=4)
        ax.set_xlim(x_range)
        ax.set_ylim(x_range)
        ax.set_aspect("equal")
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("x(n)")
    axes[0, 0].set_ylabel("x(n+1)")
    axes[0, 0].legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig


def total_variation_curves(curves: Mapping[str, ArrayLike], epsilon: float | None = None,
                           mixing_times: Mapping[str, int] | None = None) -> Any:
    """‖p_n − π‖_TV against the step n for each labelled chain, on a log scale, with the
    level ε and each chain's mixing time t_mix(ε) marked."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.3), dpi=DPI)
    for k, (label, tv) in enumerate(curves.items()):
        tv = np.asarray(tv, dtype=np.float64)
        color = OKABE_ITO[k % len(OKABE_ITO)]
        ax.semilogy(np.arange(len(tv)), np.maximum(tv, 1e-17), marker=".", color=color,
                    label=label)
        if mixing_times and label in mixing_times:
            ax.axvline(mixing_times[label], color=color, ls=":", lw=1)
    if epsilon is not None:
        ax.axhline(epsilon, color=OKABE_ITO[7], ls="--", lw=0.8, label=f"ε = {epsilon:g}")
    ax.set_xlabel("step n")
    ax.set_ylabel("total variation to π")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
