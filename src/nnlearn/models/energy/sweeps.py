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
state and gaps stay in the cache. (The gaps are not a BLAS product: on a machine of few
cores, BLAS threads left spinning after it take the cores this loop runs on.) The random
numbers come from the caller's ``numpy.random.Generator``, so a seed gives the same samples
on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnlearn.compiled import compiled, dot
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
    n_chains, n_units = states.shape
    n_sweeps, n_free = temperatures.shape[0], free.shape[0]
    orders = np.empty((n_sweeps, n_free), dtype=free.dtype)
    for t in range(n_sweeps):
        orders[t] = free
        if shuffles.shape[0]:
            for k in range(n_free - 1, 0, -1):
                m = int(shuffles[t, k] * (k + 1))
                orders[t, k], orders[t, m] = orders[t, m], orders[t, k]
    gap = np.empty(n_units)
    for c in range(n_chains):
        s = states[c]
        for i in range(n_units):
            gap[i] = dot(weights[i], s) + biases[i]
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
