"""Plots of the encoder experiments of Ackley, Hinton and Sejnowski (1985).

Colours come from the Okabe-Ito palette (distinguishable with every common colour-vision
deficiency); figures are drawn at 150 dpi.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nnlearn.plots import pyplot

#: Okabe and Ito's colour-blind-safe palette (without black).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
DPI = 150


def learning_cycles(results: Sequence[Any]) -> Any:
    """The fraction of runs solved after n learning cycles, for each encoder result.

    Solid: distinct codes and correct completions; dotted: distinct codes; a diamond marks
    the paper's median where it gives one.
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=DPI)
    for result, colour in zip(results, PALETTE, strict=False):
        name = f"{result.group_size}-{result.n_hidden}-{result.group_size}"
        runs = len(result.solved)
        for cycles, done, style, what in ((result.cycles, result.solved, "-", "solved"),
                                          (result.code_cycles, result.coded, ":", "codes")):
            steps = np.sort(cycles[done])
            ax.step(np.r_[1, steps, result.max_cycles], np.r_[0, np.arange(1, len(steps) + 1),
                                                              len(steps)] / runs,
                    where="post", ls=style, color=colour,
                    label=f"{name} {what} ({len(steps)}/{runs})")
        paper = result.paper
        if paper and paper[2]:
            ax.plot(paper[2], 0.5, "D", color=colour, markeredgecolor="black",
                    label=f"{name} paper median ({paper[2]} cycles)")
    ax.set_xscale("log")
    ax.set_xlabel("learning cycles")
    ax.set_ylabel("fraction of runs")
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig


def hidden_codes(result: Any, runs: Sequence[int] | None = None) -> Any:
    """The hidden code each run gave each pattern: one panel per run, a row per pattern,
    each cell a hidden unit (dark = on), labelled with its state."""
    plt = pyplot()
    runs = list(range(min(6, len(result.codes)))) if runs is None else list(runs)
    fig, axes = plt.subplots(1, len(runs), figsize=(1.2 + 0.9 * len(runs), 2.6), dpi=DPI,
                             squeeze=False)
    for ax, run in zip(axes[0], runs, strict=True):
        codes = result.codes[run]
        ax.imshow(np.where(codes < 0, 0.5, codes), cmap="Greys", vmin=0, vmax=1.4,
                  aspect="auto")
        for (pattern, unit), bit in np.ndenumerate(codes):
            ax.text(unit, pattern, "?" if bit < 0 else str(int(bit)), ha="center",
                    va="center", color="white" if bit == 1 else "black", fontsize=9)
        ax.set_xticks(range(codes.shape[1]), [f"H{j + 1}" for j in range(codes.shape[1])])
        ax.set_yticks(range(codes.shape[0]), [f"{k + 1}" for k in range(codes.shape[0])])
        state = (f"solved at {result.cycles[run]}" if result.solved[run]
                 else f"unsolved ({result.max_cycles})")
        ax.set_title(f"run {run + 1}\n{state}", fontsize=8)
    axes[0, 0].set_ylabel("pattern (unit on in V1 and V2)")
    fig.supxlabel("hidden unit", fontsize=9)
    fig.tight_layout()
    return fig


def weight_diagram(bm: Any) -> Any:
    """A Hinton diagram of a Boltzmann machine: square area ∝ |w_ij|, colour its sign
    (blue positive, orange negative), biases in the last column, groups marked."""
    plt = pyplot()
    n = bm.n_units
    values = np.hstack([bm.weights, bm.biases[:, None]])
    scale = np.abs(values).max() or 1.0
    fig, ax = plt.subplots(figsize=(0.35 * n + 2, 0.35 * n + 1.2), dpi=DPI)
    for (i, j), w in np.ndenumerate(values):
        if j < n and not bm.connectivity[i, j]:
            ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, color="#EEEEEE", lw=0))
            continue
        side = np.sqrt(abs(w) / scale)
        ax.add_patch(plt.Rectangle((j - side / 2, i - side / 2), side, side, lw=0,
                                   color=PALETTE[0] if w > 0 else PALETTE[5]))
    groups = bm.groups or {"units": list(range(n))}
    labels = [""] * n
    for name, units in groups.items():
        for k, unit in enumerate(units):
            labels[unit] = f"{name} {k + 1}"
        edge = max(units) + 0.5
        if edge < n - 0.5:
            ax.axhline(edge, color="grey", lw=0.6)
            ax.axvline(edge, color="grey", lw=0.6)
    ax.axvline(n - 0.5, color="black", lw=0.8)
    ax.set_xticks(range(n + 1), [*labels, "bias"], rotation=90, fontsize=7)
    ax.set_yticks(range(n), labels, fontsize=7)
    ax.set_xlim(-0.5, n + 0.5)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_aspect("equal")
    ax.set_title(f"weights: blue positive, orange negative, largest |w| = {scale:.3g}; "
                 "grey: not connected", fontsize=8)
    fig.tight_layout()
    return fig
