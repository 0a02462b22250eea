"""Plots of dynamical systems: bifurcation diagrams and cobwebs of one-dimensional maps, the
eigenvalues that decide a fixed point's stability, and Markov chains (convergence in total
variation, absorption, the hidden states of a hidden Markov model).

Every function draws with the book's style (:mod:`nnlearn.plots.style`): Okabe and Ito's
colour-blind-safe palette, a line style per curve, text large enough to project.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.dynamics.one_dimensional import attractor_samples, cobweb, lyapunov_exponents
from nnlearn.plots import pyplot
from nnlearn.plots.style import DASHES, FULL_WIDTH, PALETTE, integer_ticks, styled

#: the markers of successive series, so that they differ without colour
MARKERS = ("o", "s", "^", "D", "v", "P")
#: λ(r) is drawn clipped here: a superstable orbit (f' = 0 on it) has λ = −∞
LYAPUNOV_FLOOR = -4.0


@styled
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
        Add the panel of λ(r) (computed over 4 · n_keep steps), drawn clipped at
        :data:`LYAPUNOV_FLOOR`.
    parameter_name : str, default "r"
        The label of the horizontal axis.
    """
    plt = pyplot()
    r = np.asarray(parameters, dtype=np.float64)
    samples = attractor_samples(family, r, x0, n_transient, n_keep)
    rows = 2 if lyapunov else 1
    fig, axes = plt.subplots(rows, 1, figsize=(FULL_WIDTH, 2.7 * rows + 0.6), sharex=True,
                             squeeze=False, gridspec_kw={"height_ratios": [2, 1][:rows]})
    top = axes[0, 0]
    points, = top.plot(np.broadcast_to(r, samples.shape).ravel(), samples.ravel(), ".",
                       ms=0.8, color=PALETTE[6], alpha=0.6)
    points.set_rasterized(True)  # tens of thousands of dots: an image, not vector points
    top.set_ylabel("x on the attractor")
    if lyapunov:
        bottom = axes[1, 0]
        exponents = lyapunov_exponents(family, r, x0, 4 * n_keep, n_transient)
        bottom.plot(r, np.maximum(exponents, LYAPUNOV_FLOOR), color=PALETTE[0], lw=1.2,
                    label="λ(r)")
        bottom.axhline(0.0, color=PALETTE[3], ls="--", lw=1.2, label="λ = 0")
        bottom.set_ylabel("Lyapunov exponent λ")
        bottom.set_ylim(LYAPUNOV_FLOOR - 0.2, None)
        bottom.legend(loc="lower left", ncol=2)
    axes[-1, 0].set_xlabel(parameter_name)
    return fig


@styled
def cobweb_plot(maps: Mapping[str, Callable[[Any], Any]], x0: float, n_steps: int = 40,
                x_range: tuple[float, float] = (0.0, 1.0)) -> Any:
    """Cobweb diagrams, one panel per labelled map f: the graph of f, the diagonal y = x, and
    the staircase of the iterates x(n+1) = f(x(n)) from ``x0``; the legend sits below."""
    plt = pyplot()
    fig, axes = plt.subplots(1, len(maps), figsize=(FULL_WIDTH, FULL_WIDTH / len(maps) + 0.9),
                             squeeze=False, sharey=True)
    grid = np.linspace(*x_range, 400)
    for ax, (label, f) in zip(axes[0], maps.items(), strict=True):
        xs, ys = cobweb(f, x0, n_steps)
        ax.plot(grid, np.asarray(f(grid), dtype=np.float64), color=PALETTE[0], label="y = f(x)")
        ax.plot(x_range, x_range, color=PALETTE[6], ls="--", lw=1, label="y = x")
        ax.plot(xs, ys, color=PALETTE[3], lw=0.9, label=f"iterates from x(0) = {x0:g}")
        ax.plot([x0], [0.0], "o", color=PALETTE[3], ms=5, clip_on=False)
        ax.set_xlim(x_range)
        ax.set_ylim(x_range)
        ax.set_aspect("equal")
        ax.set_title(label)
        ax.set_xlabel("x(n)")
    axes[0, 0].set_ylabel("x(n+1)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=3, frameon=False)
    return fig


@styled
def eigenvalue_plane(eigenvalues: Mapping[str, ArrayLike]) -> Any:
    """The eigenvalues of Jacobians in the complex plane, one labelled set per fixed point
    of a map, with the unit circle: inside it every deviation shrinks (stable), outside
    some grows."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.8))
    angle = np.linspace(0, 2 * np.pi, 361)
    ax.plot(np.cos(angle), np.sin(angle), color=PALETTE[6], ls="--", lw=1.2,
            label="unit circle |λ| = 1")
    for k, (label, values) in enumerate(eigenvalues.items()):
        values = np.asarray(values, dtype=np.complex128)
        ax.plot(values.real, values.imag, MARKERS[k % len(MARKERS)], ls="none", ms=6,
                color=PALETTE[k % len(PALETTE)], mfc="none" if k % 2 else None, mew=1.5,
                label=label)
    ax.set_aspect("equal", adjustable="datalim")  # fill the axes, widen the limits
    ax.set_xlabel("Re λ")
    ax.set_ylabel("Im λ")
    fig.legend(loc="outside right center", frameon=False)
    return fig


@styled
def total_variation_curves(curves: Mapping[str, ArrayLike], epsilon: float | None = None,
                           mixing_times: Mapping[str, int] | None = None) -> Any:
    """‖p_n − π‖_TV against the step n for each labelled chain, on a log scale, with the
    level ε and each chain's mixing time t_mix(ε) marked (dotted, in the chain's colour)."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.6))
    for k, (label, tv) in enumerate(curves.items()):
        tv = np.asarray(tv, dtype=np.float64)
        color = PALETTE[k % len(PALETTE)]
        ax.semilogy(np.arange(len(tv)), np.maximum(tv, 1e-17), marker=MARKERS[k % 6], ms=4,
                    ls=DASHES[k], color=color, label=label)
        if mixing_times and label in mixing_times:
            ax.axvline(mixing_times[label], color=color, ls=":", lw=1.5,
                       label=f"t_mix of the {label}: {mixing_times[label]}")
    if epsilon is not None:
        ax.axhline(epsilon, color=PALETTE[6], ls="--", lw=1, label=f"ε = {epsilon:g}")
    integer_ticks(ax.xaxis)
    ax.set_xlabel("step n")
    ax.set_ylabel("total variation to π")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    return fig


@styled
def absorption_curves(distributions: ArrayLike, absorbing: Mapping[str, int],
                      limits: Mapping[str, float]) -> Any:
    """How a chain with absorbing states ends: P(X_n = a) against n for each labelled
    absorbing state a, its limit (the absorption probability) dashed in its colour, and the
    probability of being in none of them, still moving.

    Parameters
    ----------
    distributions : array-like of shape (n_steps + 1, n_states)
        p_0, ..., p_{n_steps}.
    absorbing : mapping of label to state index
    limits : mapping of label to float
        The absorption probability of each labelled state, from the start of p_0.
    """
    plt = pyplot()
    p = np.asarray(distributions, dtype=np.float64)
    steps = np.arange(len(p))
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.4))
    for k, (label, state) in enumerate(absorbing.items()):
        ax.plot(steps, p[:, state], marker=MARKERS[k], ms=4, color=PALETTE[k],
                label=f"P(Xₙ = {label})")
        ax.axhline(limits[label], color=PALETTE[k], ls="--", lw=1.2,
                   label=f"absorption probability {limits[label]:.3f}")
    moving = 1.0 - p[:, list(absorbing.values())].sum(axis=1)
    ax.plot(steps, moving, marker=MARKERS[2], ms=4, ls=DASHES[2], color=PALETTE[2],
            label="P(not yet absorbed)")
    integer_ticks(ax.xaxis)
    ax.set_xlabel("step n")
    ax.set_ylabel("probability")
    ax.set_ylim(-0.03, 1.03)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    return fig


@styled
def hidden_states(posterior: ArrayLike, true_states: ArrayLike, path: ArrayLike,
                  observations: ArrayLike, state_names: Sequence[str],
                  observation_names: Sequence[str]) -> Any:
    """What a hidden Markov model's observations say of its states, step by step.

    Top: the observation of each step. Below: p(X_n = state | all observations) as a heat
    map (a column per step, a row per state), the true states as white circles and the
    Viterbi path as a line of crosses.

    Parameters
    ----------
    posterior : array-like of shape (n_steps, n_states)
        The smoothed distributions (forward-backward).
    true_states, path, observations : array-like of int, shape (n_steps,)
        The states sampled, the Viterbi path, the observation indices.
    state_names, observation_names : sequence of str
    """
    plt = pyplot()
    posterior = np.asarray(posterior, dtype=np.float64)
    steps = np.arange(len(posterior))
    fig, (top, bottom) = plt.subplots(
        2, 1, sharex=True, figsize=(FULL_WIDTH, 1.0 + 0.55 * (len(state_names) + 2)),
        gridspec_kw={"height_ratios": [1, len(state_names)]})
    top.plot(steps, observations, "s", ms=5, color=PALETTE[6])
    top.set_yticks(range(len(observation_names)), observation_names)
    top.set_ylim(-0.6, len(observation_names) - 0.4)
    top.set_title("observed", loc="left")
    image = bottom.imshow(posterior.T, aspect="auto", origin="lower", vmin=0, vmax=1,
                          extent=(-0.5, len(steps) - 0.5, -0.5, len(state_names) - 0.5))
    image.set_rasterized(True)
    bottom.plot(steps, true_states, "o", ms=7, mfc="white", mec="black", mew=1.2,
                ls="none", label="true state")
    bottom.plot(steps, path, "x-", ms=6, mew=1.8, lw=1, color=PALETTE[3],
                label="Viterbi path")
    bottom.set_yticks(range(len(state_names)), state_names)
    bottom.grid(False)
    top.grid(axis="y", visible=False)
    integer_ticks(bottom.xaxis)
    bottom.set_xlabel("step n")
    fig.colorbar(image, ax=[top, bottom], label="p(state | all observations)", shrink=0.8)
    bottom.legend(loc="upper center", bbox_to_anchor=(0.5, -0.32), ncol=2, frameon=False)
    return fig
