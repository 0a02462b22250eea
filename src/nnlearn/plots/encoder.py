"""Plots of the encoder experiments of Ackley, Hinton and Sejnowski (1985): how many runs
are solved after n learning cycles, the hidden codes the runs learn, and a machine's weights.

They draw with the book's style (:mod:`nnlearn.plots.style`): Okabe and Ito's
colour-blind-safe palette, text large enough to project, legends outside the axes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nnlearn.models.energy.encoder import EncoderResult, encoder_patterns
from nnlearn.plots import pyplot
from nnlearn.plots.style import DASHES, FULL_WIDTH, PALETTE, styled

#: the colours of a cell of a binary state: off, not unique (no answer), on
OFF, UNDECIDED, ON = "#FFFFFF", "#C8C8C8", PALETTE[0]
#: the colours of a positive and a negative weight, and of an absent connection
POSITIVE, NEGATIVE, ABSENT = PALETTE[0], PALETTE[3], "#EEEEEE"
#: the largest side of a cell of a state, in inches
CELL = 0.6


def encoder_name(result: EncoderResult) -> str:
    """"4-2-4" for the 4-2-4 encoder: v-h-v."""
    return f"{result.group_size}-{result.n_hidden}-{result.group_size}"


@styled
def learning_cycles(results: Sequence[EncoderResult]) -> Any:
    """The fraction of runs solved after n learning cycles, one colour per encoder.

    Solid: distinct codes and correct completions (solved); dashed: distinct codes; a
    diamond at one half marks the paper's median number of cycles where it gives one.

    Parameters
    ----------
    results : sequence of EncoderResult
        From :func:`~nnlearn.models.energy.encoder.encoder_experiment`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 4.4))
    for k, result in enumerate(results):
        colour, name, runs = PALETTE[k % len(PALETTE)], encoder_name(result), len(result.solved)
        for cycles, done, dash, what in ((result.cycles, result.solved, DASHES[0], "solved"),
                                         (result.code_cycles, result.coded, DASHES[1], "codes")):
            steps = np.sort(cycles[done])
            ax.step(np.r_[1, steps, result.max_cycles],
                    np.r_[0, np.arange(1, len(steps) + 1), len(steps)] / runs,
                    where="post", ls=dash, color=colour,
                    label=f"{name} {what} ({len(steps)}/{runs})")
        paper = result.paper
        if paper and paper[2]:
            ax.plot(paper[2], 0.5, "D", ms=8, color=colour, markeredgecolor="black",
                    label=f"{name} paper median ({paper[2]} cycles)")
    ax.set_xscale("log")
    ax.set_xlabel("learning cycles")
    ax.set_ylabel("fraction of runs")
    ax.set_ylim(-0.02, 1.02)
    fig.legend(loc="outside lower center", ncol=min(len(results), 3) or 1, frameon=False)
    return fig


def _cell_size(n_columns: float) -> float:
    """The side of a cell, in inches, when ``n_columns`` cells share the width of a page."""
    return min(CELL, (FULL_WIDTH - 1.2) / n_columns)


def _bit_cells(ax: Any, bits: np.ndarray) -> None:
    """A binary matrix as a grid of cells, each labelled with its bit: on dark, off white,
    −1 (no unique answer) grey with "?"."""
    from matplotlib.colors import ListedColormap

    shade = np.where(bits < 0, 1, np.where(bits == 1, 2, 0))
    ax.imshow(shade, cmap=ListedColormap([OFF, UNDECIDED, ON]), vmin=-0.5, vmax=2.5)
    for (row, column), bit in np.ndenumerate(bits):
        ax.text(column, row, "?" if bit < 0 else str(int(bit)), ha="center", va="center",
                color="white" if bit == 1 else "black")
    rows, columns = bits.shape
    ax.set_xticks(np.arange(columns + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(rows + 1) - 0.5, minor=True)
    ax.grid(which="major", visible=False)
    ax.grid(which="minor", color="#808088", alpha=1, lw=0.8)
    ax.tick_params(which="both", length=0)


@styled
def learned_code(result: EncoderResult, run: int = 0) -> Any:
    """The code one run learned: for each pattern, its units of V1, the hidden code it
    gets, argmax_h p(h | v), and its units of V2.

    Parameters
    ----------
    result : EncoderResult
    run : int, default 0
        The run drawn (0 is the first).

    Returns
    -------
    matplotlib.figure.Figure
        Three panels, V1, H and V2, with a row per pattern.
    """
    plt = pyplot()
    v, h = result.group_size, result.n_hidden
    patterns = encoder_patterns(v)
    blocks = (("V1 (input)", patterns[:, :v], "V1 unit"),
              ("H: the code", result.codes[run], "hidden unit"),
              ("V2 (output)", patterns[:, v:], "V2 unit"))
    fig, axes = plt.subplots(1, 3, sharey=True,
                             figsize=(FULL_WIDTH, _cell_size(2 * v + h) * v + 1.7),
                             gridspec_kw={"width_ratios": [v, h, v]})
    for ax, (title, bits, unit) in zip(axes, blocks, strict=True):
        _bit_cells(ax, bits)
        ax.set_title(title)
        ax.set_xticks(range(bits.shape[1]), [str(j + 1) for j in range(bits.shape[1])])
        ax.set_xlabel(unit)
    axes[0].set_yticks(range(v), [str(k + 1) for k in range(v)])
    axes[0].set_ylabel("pattern")
    state = (f"solved after {result.cycles[run]} cycles" if result.solved[run]
             else f"not solved in {result.max_cycles} cycles")
    fig.suptitle(f"{encoder_name(result)} encoder, run {run + 1}: {state}")
    return fig


@styled
def hidden_codes(result: EncoderResult, runs: Sequence[int] | None = None) -> Any:
    """The hidden code each run gave each pattern: one panel per run, a row per pattern,
    a column per hidden unit (dark = on, "?" where the most probable code is not unique).

    Parameters
    ----------
    result : EncoderResult
    runs : sequence of int, optional
        The runs drawn; the first six by default.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = pyplot()
    runs = list(range(min(6, len(result.codes)))) if runs is None else list(runs)
    height = _cell_size(len(runs) * (result.n_hidden + 0.5)) * result.group_size + 1.9
    fig, axes = plt.subplots(1, len(runs), sharey=True, squeeze=False,
                             figsize=(FULL_WIDTH, height))
    for ax, run in zip(axes[0], runs, strict=True):
        codes = result.codes[run]
        _bit_cells(ax, codes)
        ax.set_xticks(range(codes.shape[1]), [f"H{j + 1}" for j in range(codes.shape[1])])
        state = f"{result.cycles[run]} cycles" if result.solved[run] else "unsolved"
        ax.set_title(f"run {run + 1}\n{state}")
    axes[0, 0].set_yticks(range(result.group_size),
                          [str(k + 1) for k in range(result.group_size)])
    axes[0, 0].set_ylabel("pattern")
    fig.supxlabel("hidden unit")
    return fig


@styled
def weight_diagram(bm: Any) -> Any:
    """A Hinton diagram of a Boltzmann machine: square area ∝ |w_ij|, colour its sign
    (blue positive, vermillion negative), biases in the last column, grey where two units
    are not connected, lines between the groups.

    Parameters
    ----------
    bm : BoltzmannMachine

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = pyplot()
    from matplotlib.patches import Patch

    n = bm.n_units
    values = np.hstack([bm.weights, bm.biases[:, None]])
    scale = np.abs(values).max() or 1.0
    fig, ax = plt.subplots(figsize=(max(0.4 * n + 2.4, 5.0), 0.4 * n + 2.2))
    for (i, j), w in np.ndenumerate(values):
        if j < n and not bm.connectivity[i, j]:
            ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, color=ABSENT, lw=0))
            continue
        side = np.sqrt(abs(w) / scale)
        ax.add_patch(plt.Rectangle((j - side / 2, i - side / 2), side, side, lw=0,
                                   color=POSITIVE if w > 0 else NEGATIVE))
    groups = bm.groups or {"unit": list(range(n))}
    labels = [""] * n
    for name, units in groups.items():
        for k, unit in enumerate(units):
            labels[unit] = f"{name} {k + 1}"
        edge = max(units) + 0.5
        if edge < n - 0.5:
            ax.axhline(edge, color="grey", lw=0.6)
            ax.axvline(edge, color="grey", lw=0.6)
    ax.axvline(n - 0.5, color="black", lw=0.8)
    ax.set_xticks(range(n + 1), [*labels, "bias"], rotation=90)
    ax.set_yticks(range(n), labels)
    ax.grid(False)
    ax.set_xlim(-0.5, n + 0.5)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_aspect("equal")
    ax.set_title(f"largest |w| = {scale:.3g}")
    fig.legend(handles=[Patch(color=POSITIVE, label="positive"),
                        Patch(color=NEGATIVE, label="negative"),
                        Patch(color=ABSENT, label="not connected")],
               loc="outside lower center", ncol=3, frameon=False)
    return fig
