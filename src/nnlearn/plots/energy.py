"""Plots of energy and chance: Markov chains, Hopfield networks, Boltzmann machines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nnlearn.plots import pyplot


def markov_convergence(distributions: np.ndarray, stationary: np.ndarray) -> Any:
    """p_n(j) against n for every state j, with the stationary π_j dashed, and the
    total-variation distance ½ Σ_j |p_n(j) − π_j| on a log scale."""
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2))
    steps = np.arange(len(distributions))
    for j in range(distributions.shape[1]):
        (line,) = left.plot(steps, distributions[:, j], marker=".", label=f"state {j}")
        left.axhline(stationary[j], color=line.get_color(), ls="--", lw=0.8)
    left.set_xlabel("step n")
    left.set_ylabel("p_n(j)")
    left.legend(fontsize=8)
    tv = 0.5 * np.abs(distributions - stationary).sum(axis=1)
    right.semilogy(steps, np.maximum(tv, 1e-17), marker=".")
    right.set_xlabel("step n")
    right.set_ylabel("total variation to π")
    fig.tight_layout()
    return fig


def pattern_grid(
    rows: Sequence[np.ndarray], row_labels: Sequence[str], shape: tuple[int, int]
) -> Any:
    """A grid of bitmaps: one row per array of patterns (each of length prod(shape))."""
    plt = pyplot()
    n_cols = max(len(r) for r in rows)
    fig, axes = plt.subplots(len(rows), n_cols, figsize=(1.1 * n_cols, 1.2 * len(rows)),
                             squeeze=False)
    for r, (patterns, label) in enumerate(zip(rows, row_labels, strict=True)):
        for c in range(n_cols):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            if c < len(patterns):
                ax.imshow(np.reshape(patterns[c], shape), cmap="gray_r", vmin=-1, vmax=1)
            else:
                ax.axis("off")
        axes[r, 0].set_ylabel(label, fontsize=8)
    fig.tight_layout()
    return fig


def curves(
    ys: Sequence[np.ndarray], labels: Sequence[str], xlabel: str, ylabel: str,
    logy: bool = False, xs: Sequence[np.ndarray] | None = None,
) -> Any:
    """Several curves on one axis (energy traces, KL during learning, ...)."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    for k, (y, label) in enumerate(zip(ys, labels, strict=True)):
        x = np.arange(len(y)) if xs is None else xs[k]
        ax.plot(x, y, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def capacity(curve: Any, theoretical: float) -> Any:
    """The capacity curve: fraction of stable / recalled patterns against the load N/L."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    ax.plot(curve.loads, curve.recalled, marker="o", label="recalled within 1% error")
    ax.plot(curve.loads, curve.stable, marker="s", label="exact fixed points")
    ax.plot(curve.loads, curve.bit_error, marker="^", label="mean bit error")
    ax.axvline(theoretical, color="grey", ls="--", label=f"theory α_c ≈ {theoretical}")
    ax.set_xlabel("load α = N / L")
    ax.set_ylabel("fraction")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def distribution_bars(
    panels: Sequence[tuple[str, np.ndarray, np.ndarray]], state_labels: Sequence[str]
) -> Any:
    """Side-by-side bars of exact and sampled probabilities, one panel per (title, exact,
    sampled)."""
    plt = pyplot()
    fig, axes = plt.subplots(len(panels), 1, figsize=(9, 2.6 * len(panels)), squeeze=False)
    x = np.arange(len(state_labels))
    for ax, (title, exact, sampled) in zip(axes[:, 0], panels, strict=True):
        ax.bar(x - 0.2, exact, width=0.4, label="exact (enumeration)")
        ax.bar(x + 0.2, sampled, width=0.4, label="sampled (Gibbs)")
        ax.set_title(title, fontsize=9)
        ax.set_xticks(x, state_labels, rotation=90, fontsize=6)
        ax.set_ylabel("p(s)")
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
