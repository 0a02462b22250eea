"""Plots of associative memories: the capacity of the storage rules, modern against classical.

They draw with the book's style (:mod:`nnlearn.plots.style`): Okabe and Ito's
colour-blind-safe palette, each curve also with its own marker or line style, and legends
outside the axes, so that they cover no data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nnlearn.models.energy.hopfield_capacity import (
    THEORETICAL_CAPACITY,
    CapacityCurve,
    RetrievalCurve,
    published_absolute_capacity,
)
from nnlearn.plots import pyplot
from nnlearn.plots.dynamics import MARKERS
from nnlearn.plots.style import FULL_WIDTH, PALETTE, styled

RULE_NAMES = {"analytic": "Hebb", "incremental": "Hebb (incremental)", "storkey": "Storkey",
              "pseudoinverse": "pseudo-inverse"}


@styled
def capacity_comparison(curves: Sequence[CapacityCurve]) -> Any:
    """The capacity of storage rules side by side, one curve per rule.

    Left: the fraction of the stored patterns that are fixed points against the load
    α = N/L, with each rule's published absolute capacity N_max/L (dotted, in its colour)
    and the theoretical retrieval capacity of Hebb's rule, α_c ≈ 0.138 (grey, dashed). Right: the
    fraction recalled from probes with the curves' noise.

    Parameters
    ----------
    curves : sequence of CapacityCurve
        From :func:`~nnlearn.models.energy.hopfield_capacity.capacity_curve`, one per rule.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(FULL_WIDTH, 4.6), sharey=True)
    for k, curve in enumerate(curves):
        style = {"color": PALETTE[k % len(PALETTE)], "marker": MARKERS[k % len(MARKERS)],
                 "markersize": 4}
        name = RULE_NAMES.get(curve.rule, curve.rule)
        left.plot(curve.loads, curve.stable, label=name, **style)
        right.plot(curve.loads, curve.recalled, **style)
        if curve.n_units >= 2:
            published = published_absolute_capacity(curve.rule, curve.n_units) / curve.n_units
            left.axvline(published, color=style["color"], ls=":", lw=1.2,
                         label=f"{name}: published N_max / L = {published:.3f}")
    right_end = max([1.0, *(float(c.loads.max()) for c in curves)]) + 0.02
    left.axvline(THEORETICAL_CAPACITY, color="grey", ls="--", lw=1,
                 label=f"Hebb: retrieval capacity α_c ≈ {THEORETICAL_CAPACITY}")
    right.axvline(THEORETICAL_CAPACITY, color="grey", ls="--", lw=1)
    noise = curves[0].noise if curves else 0.0
    n_units = curves[0].n_units if curves else 0
    left.set_title(f"fixed points, L = {n_units}")
    right.set_title(f"recalled from {noise:.0%} flipped bits")
    for ax in (left, right):
        ax.set_xlabel("load α = N / L (patterns per neuron)")
        ax.set_xlim(0, right_end)
        ax.set_ylim(-0.03, 1.03)
    left.set_ylabel("fraction of the stored patterns")
    fig.legend(loc="outside lower center", ncol=2, frameon=False)
    return fig


@styled
def retrieval_comparison(curves: Sequence[RetrievalCurve]) -> Any:
    """Modern (one update, solid) against classical (Hebbian recall, dashed) retrieval of
    corrupted patterns, against the number of stored patterns N (log scale), one colour
    per dimension d.

    Parameters
    ----------
    curves : sequence of RetrievalCurve
        From :func:`~nnlearn.models.energy.hopfield_capacity.retrieval_curve`, one per d.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 4.4))
    for k, curve in enumerate(curves):
        colour, marker = PALETTE[k % len(PALETTE)], MARKERS[k % len(MARKERS)]
        ax.plot(curve.counts, curve.modern, color=colour, marker=marker, markersize=4,
                label=f"modern, d = {curve.n_units}")
        ax.plot(curve.counts, curve.classical, color=colour, marker=marker, markersize=4,
                ls="--", mfc="white", label=f"classical, L = {curve.n_units}")
        ax.axvline(THEORETICAL_CAPACITY * curve.n_units, color=colour, ls=":", lw=1)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("stored random patterns N (count, log scale)")
    ax.set_ylabel("fraction of probes retrieved exactly")
    ax.set_ylim(-0.03, 1.03)
    flipped = ", ".join(f"{round(c.noise * c.n_units)} of {c.n_units}" for c in curves)
    ax.set_title(f"bits flipped in each probe: {flipped}; dotted: N = 0.138 L")
    fig.legend(loc="outside lower center", ncol=len(curves), frameon=False)
    return fig
