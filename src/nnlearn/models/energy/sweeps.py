"""Single-unit sweeps of a Boltzmann machine, compiled.

A sweep visits each free unit once, in random order (a fresh permutation every sweep, the
default) or in index order, and proposes to flip it. With the energy gap
ΔE_i = Σ_j w_ij s_j + b_i, flipping unit i raises the energy by

    r T = E(s with s_i flipped) − E(s) = (2 s_i − 1) ΔE_i,

and the flip is accepted with probability a(r), one of the course's acceptance rules
(:mod:`nnlearn.models.energy.acceptance`): Barker's 1/(1 + e^r), which for one unit is the
Gibbs (heat-bath) update P(s_i = 1) = 1/(1 + e^{−ΔE_i/T}), or Metropolis' min(1, e^{−r}).
A draw u accepts exactly the rises below the rule's threshold a⁻¹(u), computed for all the
draws at once before the loop, so a proposal costs one comparison.

The loop computes a chain's gaps once and keeps them up to date (a flip of unit i adds
±w_i to them), so a proposal costs O(1) and an accepted flip O(n), instead of an O(n)
product for every proposal; one chain is swept through all its temperatures while its
state and gaps stay in the cache (:func:`_sweep_each_chain`). For few units that loop is
short and its branch (accepted or not) unpredictable, so up to :data:`BLOCK_UNITS` units
the chains go :data:`BLOCK` at a time (:func:`_sweep_blocks`): each proposal is made in
all the chains of the block together, and every gap moves by the change of s_i, 0 where the
flip was rejected, so the loops over the chains have no branch and run in SIMD lanes. Both
give the same states for the same draws. (The gaps are not a BLAS product: on a machine of
few cores, BLAS threads left spinning after it take the cores this loop runs on.) The
random numbers come from the caller's ``numpy.random.Generator``, so a seed gives the same
samples on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnlearn.compiled import compiled
from nnlearn.equations import implements
from nnlearn.models.energy.acceptance import ACCEPTANCE, THRESHOLDS

#: The orders in which a sweep visits the free units.
ORDERS = ("random", "index")


@dataclass
class Sweeps:
    """What :func:`run_sweeps` measured.

    Attributes
    ----------
    energies : ndarray of shape (n_chains, n_sweeps)
        E(s) of every chain after each sweep.
    co_activation : ndarray of shape (n, n) or None
        ⟨s_i s_j⟩ over the chains and the recorded sweeps (None if none was recorded).
    activation : ndarray of shape (n,) or None
        ⟨s_i⟩ likewise.
    """

    energies: np.ndarray
    co_activation: np.ndarray | None
    activation: np.ndarray | None


#: Up to this many units, chains are swept :data:`BLOCK` at a time (:func:`_sweep_blocks`).
BLOCK_UNITS = 32
#: The chains swept side by side, one SIMD lane each.
BLOCK = 128


@compiled
def _orders(free: np.ndarray, shuffles: np.ndarray, n_sweeps: int) -> np.ndarray:
    """The units sweep t visits: ``free`` shuffled by ``shuffles[t]`` (Fisher-Yates, from the
    last position down), or in index order when ``shuffles`` has no rows."""
    n_free = free.shape[0]
    orders = np.empty((n_sweeps, n_free), dtype=free.dtype)
    for t in range(n_sweeps):
        orders[t] = free
        if shuffles.shape[0]:
            for k in range(n_free - 1, 0, -1):
                m = int(shuffles[t, k] * (k + 1))
                orders[t, k], orders[t, m] = orders[t, m], orders[t, k]
    return orders


@compiled
def _sweep_each_chain(states: np.ndarray, weights: np.ndarray, biases: np.ndarray,
                      orders: np.ndarray, temperatures: np.ndarray, thresholds: np.ndarray,
                      record_from: int, energies: np.ndarray, co_activation: np.ndarray,
                      activation: np.ndarray) -> None:
    """:func:`_sweep_chains` one chain after the other: an accepted flip updates the gaps."""
    n_chains, n_units = states.shape
    n_sweeps, n_free = orders.shape
    gap = np.empty(n_units)
    for c in range(n_chains):
        s = states[c]
        gap[:] = 0.0  # ΔE = Σ_j s_j w_j + b, row j of W being its column j
        for j in range(n_units):
            if s[j] == 1.0:
                for i in range(n_units):
                    gap[i] += weights[j, i]
        for i in range(n_units):
            gap[i] += biases[i]
        for t in range(n_sweeps):
            T = temperatures[t]
            for k in range(n_free):
                i = orders[t, k]
                change = 1.0 - 2.0 * s[i]  # +1 switches the unit on, −1 off
                if -change * gap[i] < T * thresholds[c, t, k]:
                    s[i] += change
                    for j in range(n_units):
                        gap[j] += change * weights[i, j]  # row i is column i: W = Wᵀ
            energy = 0.0
            for i in range(n_units):
                energy -= 0.5 * s[i] * (gap[i] + biases[i])
            energies[c, t] = energy
            if t >= record_from:
                for i in range(n_units):
                    if s[i] == 1.0:
                        activation[i] += 1.0
                        for j in range(n_units):
                            co_activation[i, j] += s[j]


@compiled
def _sweep_blocks(states: np.ndarray, weights: np.ndarray, biases: np.ndarray,
                  orders: np.ndarray, temperatures: np.ndarray, thresholds: np.ndarray,
                  record_from: int, energies: np.ndarray, co_activation: np.ndarray,
                  activation: np.ndarray) -> None:
    """:func:`_sweep_chains` for :data:`BLOCK` chains side by side, one SIMD lane each.

    The block is kept unit-major: row i of ``s`` holds unit i of every chain of the block,
    row i of ``gap`` its gap ΔE_i. Proposal k of sweep t is made in all the chains at once:
    ``flip[b]`` is the change of unit i in chain b, ±1 if accepted and 0 if not, and every
    gap moves by ``flip[b] w_ij`` (by 0, exactly, where the chain rejected). No branch
    depends on a chain, so each loop over the block runs in SIMD lanes; it costs O(n) per
    proposal in every chain, accepted or not, and is used for few units (:data:`BLOCK_UNITS`).
    The states are those of :func:`_sweep_each_chain` for the same thresholds.
    """
    n_chains, n_units = states.shape
    n_sweeps, n_free = orders.shape
    s, gap = np.empty((n_units, BLOCK)), np.empty((n_units, BLOCK))
    bar, flip, energy = np.empty((n_free, BLOCK)), np.empty(BLOCK), np.empty(BLOCK)
    # Rows are taken as views (s[i], then si[b]): the compiler vectorizes those loops, and
    # not the same loops written s[i, b].
    for first in range(0, n_chains, BLOCK):
        width = min(BLOCK, n_chains - first)
        block = states[first:first + width]
        for i in range(n_units):
            si = s[i]
            for b in range(width):
                si[b] = block[b, i]
        gap[:, :width] = 0.0  # ΔE = Σ_j s_j w_j + b, in the order of _sweep_each_chain
        for j in range(n_units):
            sj, wj = s[j], weights[j]
            for i in range(n_units):
                gi = gap[i]
                for b in range(width):
                    gi[b] += wj[i] * sj[b]
        for i in range(n_units):
            gap[i, :width] += biases[i]
        for t in range(n_sweeps):
            T, drawn = temperatures[t], thresholds[first:first + width, t]
            for k in range(n_free):  # bar[k, b]: the rise T a⁻¹(u) proposal k accepts in chain b
                bk = bar[k]
                for b in range(width):
                    bk[b] = T * drawn[b, k]
            for k in range(n_free):
                i = orders[t, k]
                si, gi, bk = s[i], gap[i], bar[k]
                for b in range(width):
                    change = 1.0 - 2.0 * si[b]  # +1 switches the unit on, −1 off
                    flip[b] = change if -change * gi[b] < bk[b] else 0.0
                    si[b] += flip[b]
                wi = weights[i]
                for j in range(n_units):
                    gj = gap[j]
                    for b in range(width):
                        gj[b] += flip[b] * wi[j]  # row i is column i: W = Wᵀ
            energy[:width] = 0.0
            for i in range(n_units):
                si, gi = s[i], gap[i]
                for b in range(width):
                    energy[b] -= 0.5 * si[b] * (gi[b] + biases[i])
            energies[first:first + width, t] = energy[:width]
            if t >= record_from:
                for i in range(n_units):
                    si = s[i]
                    for j in range(n_units):
                        sj, pairs = s[j], 0.0
                        for b in range(width):
                            pairs += si[b] * sj[b]
                        co_activation[i, j] += pairs
                    activation[i] += si[:width].sum()
        for i in range(n_units):
            si = s[i]
            for b in range(width):
                block[b, i] = si[b]


@compiled
def _sweep_chains(states: np.ndarray, weights: np.ndarray, biases: np.ndarray,
                  free: np.ndarray, shuffles: np.ndarray, temperatures: np.ndarray,
                  thresholds: np.ndarray, record_from: int, energies: np.ndarray,
                  co_activation: np.ndarray, activation: np.ndarray) -> None:
    """Sweep every chain (row of ``states``, in place) once at each temperature.

    Sweep t visits the ``free`` units in an order shuffled by ``shuffles[t]`` (Fisher-Yates;
    in index order when ``shuffles`` has no rows); the k-th proposal of sweep t in chain c
    is accepted when its rise r is below ``thresholds[c, t, k]``. After sweep t,
    ``energies[c, t]`` receives E(s) = −½ s·(ΔE + b); from sweep ``record_from`` on, the
    state is added to the sums ``co_activation`` (Σ s_i s_j) and ``activation`` (Σ s_i).
    """
    orders = _orders(free, shuffles, temperatures.shape[0])
    if states.shape[1] <= BLOCK_UNITS:
        _sweep_blocks(states, weights, biases, orders, temperatures, thresholds, record_from,
                      energies, co_activation, activation)
    else:
        _sweep_each_chain(states, weights, biases, orders, temperatures, thresholds,
                          record_from, energies, co_activation, activation)


def check_order(order: str) -> str:
    """Validate the order of a sweep: "random" or "index"."""
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(map(repr, ORDERS))}, got {order!r}")
    return order


@implements("single_flip_energy_rise", test="tests/test_boltzmann_sweeps.py::"
            "test_compiled_sweep_equals_a_plain_loop")
def run_sweeps(
    states: np.ndarray,
    weights: np.ndarray,
    biases: np.ndarray,
    temperatures: np.ndarray,
    rng: np.random.Generator,
    free: np.ndarray,
    rule: str = "gibbs",
    order: str = "random",
    n_record: int = 0,
) -> Sweeps:
    """One sweep over the ``free`` units at each temperature, for every chain, in place.

    Parameters
    ----------
    states : ndarray of shape (n_chains, n), float64, C-contiguous
        Binary states, advanced in place; units not in ``free`` stay as they are (clamped).
    weights : ndarray of shape (n, n)
        Symmetric, zero diagonal.
    biases : ndarray of shape (n,)
    temperatures : ndarray of shape (n_sweeps,)
    rng : numpy.random.Generator
        Source of the orders and of the acceptance draws.
    free : ndarray of int, shape (k,)
        The units that may change.
    rule : str, default "gibbs"
        A name of :data:`~nnlearn.models.energy.acceptance.ACCEPTANCE`.
    order : {"random", "index"}, default "random"
    n_record : int, default 0
        Average the co-activations over the states after the last ``n_record`` sweeps.

    Returns
    -------
    Sweeps
    """
    threshold = THRESHOLDS[ACCEPTANCE.get(rule)]
    n_sweeps, k = temperatures.shape[0], free.shape[0]
    shuffles = rng.random((n_sweeps if check_order(order) == "random" else 0, k))
    thresholds = threshold(rng.random((states.shape[0], n_sweeps, k)))
    energies = np.empty((states.shape[0], n_sweeps))
    co_activation, activation = np.zeros((states.shape[1],) * 2), np.zeros(states.shape[1])
    _sweep_chains(states, weights, biases, free.astype(np.intp), shuffles, temperatures,
                  thresholds, n_sweeps - n_record, energies, co_activation, activation)
    if not n_record:
        return Sweeps(energies, None, None)
    count = states.shape[0] * n_record
    return Sweeps(energies, co_activation / count, activation / count)
