"""Plots of energy and chance: Markov chains, Hopfield networks, Boltzmann machines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nnlearn.plots import pyplot
from nnlearn.plots.style import DASHES, FULL_WIDTH, HALF_WIDTH, PALETTE, integer_ticks, styled


@styled
def markov_convergence(distributions: np.ndarray, stationary: np.ndarray,
                       state_names: Sequence[str]) -> Any:
    """p_n(j) against n for every state j, with the stationary π_j dashed, and the
    total-variation distance ½ Σ_j |p_n(j) − π_j| on a log scale.

    Parameters
    ----------
    distributions : array of shape (n_steps + 1, n_states)
    stationary : array of shape (n_states,)
    state_names : sequence of str
    """
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(FULL_WIDTH, 3.3))
    steps = np.arange(len(distributions))
    for j, name in enumerate(state_names):
        left.plot(steps, distributions[:, j], marker="os^D"[j % 4], ms=4, color=PALETTE[j],
                  label=f"pₙ({name})")
        left.axhline(stationary[j], color=PALETTE[j], ls="--", lw=1.2)
    left.set_xlabel("step n")
    left.set_ylabel("probability")
    left.set_title("pₙ, with π dashed")
    left.legend(loc="best")
    tv = 0.5 * np.abs(distributions - stationary).sum(axis=1)
    right.semilogy(steps, np.maximum(tv, 1e-17), marker="o", ms=4, color=PALETTE[0])
    right.set_xlabel("step n")
    right.set_ylabel("½ Σⱼ |pₙ(j) − πⱼ|")
    right.set_title("total-variation distance to π")
    for ax in (left, right):
        integer_ticks(ax.xaxis)
    return fig


@styled
def pattern_grid(rows: Sequence[np.ndarray], row_labels: Sequence[str],
                 shape: tuple[int, int], n_columns: int | None = None) -> Any:
    """Bitmaps of bipolar patterns (−1 white, +1 black), one group per labelled row.

    Parameters
    ----------
    rows : sequence of arrays of shape (n_patterns, prod(shape))
    row_labels : sequence of str
        One per group, written left of its first line.
    shape : (int, int)
        The bitmap's (height, width).
    n_columns : int, optional
        Bitmaps per line: a longer group wraps onto more lines. The longest group by
        default.
    """
    plt = pyplot()
    n_columns = n_columns or max(len(r) for r in rows)
    lines = [(label if i == 0 else "", patterns[i:i + n_columns])
             for patterns, label in zip(rows, row_labels, strict=True)
             for i in range(0, max(len(patterns), 1), n_columns)]
    size = min(0.9, (FULL_WIDTH - 1.2) / n_columns)
    fig, axes = plt.subplots(len(lines), n_columns, squeeze=False,
                             figsize=(size * n_columns + 1.2, size * len(lines) + 0.2))
    for (label, patterns), line in zip(lines, axes, strict=True):
        for c, ax in enumerate(line):
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            for spine in ax.spines.values():
                spine.set_visible(True)
                spine.set_color("#808088")
            if c < len(patterns):
                ax.imshow(np.reshape(patterns[c], shape), cmap="gray_r", vmin=-1, vmax=1)
            else:
                ax.axis("off")
        line[0].set_ylabel(label, rotation=0, ha="right", va="center")
    return fig


@styled
def curves(
    ys: Sequence[np.ndarray], labels: Sequence[str], xlabel: str, ylabel: str,
    logy: bool = False, xs: Sequence[np.ndarray] | None = None,
    reference: tuple[float, str] | None = None,
) -> Any:
    """Several curves on one axis (energy traces, KL during learning, ...), each with its
    own colour and dash.

    Parameters
    ----------
    ys : sequence of arrays of shape (n_k,)
    labels : sequence of str
    xlabel, ylabel : str
    logy : bool, default False
    xs : sequence of arrays of shape (n_k,), optional
        The abscissae; 0, 1, ... by default.
    reference : (float, str), optional
        A horizontal line at a value, with its legend label.
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(HALF_WIDTH + 1.0, 3.4))
    for k, (y, label) in enumerate(zip(ys, labels, strict=True)):
        x = np.arange(len(y)) if xs is None else xs[k]
        ax.plot(x, y, ls=DASHES[k % len(DASHES)], label=label)
    if reference is not None:
        ax.axhline(reference[0], color="grey", ls=":", lw=1.5, label=reference[1])
    if logy:
        ax.set_yscale("log")
    if xs is None:
        integer_ticks(ax.xaxis)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="best")
    return fig


@styled
def capacity(curve: Any, theoretical: float) -> Any:
    """The capacity curve: fraction of stable / recalled patterns against the load N/L."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(HALF_WIDTH + 1.0, 3.4))
    ax.plot(curve.loads, curve.recalled, marker="o", label="recalled, ≤ 1% of bits wrong")
    ax.plot(curve.loads, curve.stable, marker="s", ls="--", label="exact fixed points")
    ax.plot(curve.loads, curve.bit_error, marker="^", ls="-.", label="mean bit error")
    ax.axvline(theoretical, color="grey", ls=":", label=f"theoretical capacity {theoretical}")
    ax.set_xlabel("load α = N / L (patterns per neuron)")
    ax.set_ylabel("fraction of patterns or bits")
    ax.legend(loc="center left")
    return fig


@styled
def distribution_bars(
    panels: Sequence[tuple[str, np.ndarray, np.ndarray]], state_labels: Sequence[str]
) -> Any:
    """Exact and sampled probabilities of every state as horizontal bars, one panel per
    (title, exact, sampled), the states down the side where their labels read level."""
    plt = pyplot()
    n_states = len(state_labels)
    fig, axes = plt.subplots(1, len(panels), figsize=(FULL_WIDTH, 0.2 * n_states + 1.2),
                             sharex=True, sharey=True, squeeze=False)
    y = np.arange(n_states)
    for ax, (title, exact, sampled) in zip(axes[0], panels, strict=True):
        ax.barh(y - 0.2, exact, height=0.4, color=PALETTE[0], label="exact (enumeration)")
        ax.barh(y + 0.2, sampled, height=0.4, color=PALETTE[1], label="sampled (Gibbs)")
        ax.set_title(title)
        ax.set_xlabel("probability p(s)")
        ax.grid(axis="y", visible=False)
    axes[0, 0].set_yticks(y, state_labels, fontfamily="monospace", fontsize=9)
    axes[0, 0].set_ylabel("state s")
    axes[0, 0].invert_yaxis()
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper center", ncol=2, frameon=False)
    return fig
