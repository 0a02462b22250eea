"""The Hopfield network: an associative memory of bipolar patterns.

States are bipolar, x ∈ {−1, +1}^L. The weights are symmetric with a zero diagonal, and
the network's energy

    E(x) = −½ xᵀ W x

never increases under asynchronous updates x_i ← sign(Σ_{j≠i} W_ij x_j), so the stored
patterns, minima of E, attract the states near them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from nnlearn.checks import check_bool, check_integer, check_real, check_size
from nnlearn.compiled import add_scaled, compiled
from nnlearn.equations import implements
from nnlearn.init import rng_from
from nnlearn.layers.module import as_float_dtype
from nnlearn.models.energy.bipolar import (
    check_bipolar,
    check_weights,
    sign_keep_ties,
    tie_tolerance,
)
from nnlearn.models.energy.hopfield_rules import RULES

TEST = "tests/test_hopfield.py::"
RandomState = int | np.random.Generator | None


@dataclass
class RecallTrace:
    """What happened during a recall, per probe.

    Attributes
    ----------
    energy : ndarray of shape (n_records, n_probes)
        E(x) before the first update and after each update (each unit update in
        asynchronous mode, each sweep in synchronous mode).
    converged : ndarray of bool, shape (n_probes,)
        Whether the probe reached a fixed point.
    two_cycle : ndarray of bool, shape (n_probes,)
        Synchronous mode only: whether it ended oscillating between two states.
    n_sweeps : int
        Sweeps performed (one sweep = every unit updated once).
    """

    energy: np.ndarray
    converged: np.ndarray
    two_cycle: np.ndarray
    n_sweeps: int


@compiled
def async_sweep(x: np.ndarray, field: np.ndarray, columns: np.ndarray, order: np.ndarray,
                active: np.ndarray, tol: float, energy: np.ndarray, trace: np.ndarray
                ) -> np.ndarray:
    """One sweep of asynchronous updates of each active probe, unit by unit in its order.

    Unit i of probe p takes x_i ← sign(h_i), h_i = Σ_{j≠i} W_ij x_j, and keeps its value
    on a tie (|h_i| ≤ ``tol``). The fields are kept up to date, h ← h + W[:, i] (x_i' − x_i)
    after a flip, so an update costs O(1) and a flip O(L). A flip changes the energy by
    ΔE = −(x_i' − x_i) h_i = 2 x_i h_i < 0 (W symmetric, zero diagonal): starting from
    ``energy``, the energy after each update is written to ``trace[k, p]`` when ``trace``
    has rows. ``x`` and ``field`` are updated in place; returns which probes changed.
    """
    n_probes, n_units = x.shape
    changed = np.zeros(n_probes, dtype=np.bool_)
    for p in range(n_probes):
        e = energy[p]
        for k in range(n_units):
            i = order[p, k]
            old, h = x[p, i], field[p, i]
            if active[p] and old * h < -tol:  # sign(h_i) opposes x_i
                x[p, i] = -old
                add_scaled(field[p], -2.0 * old, columns[i])
                e += 2.0 * old * h
                changed[p] = True
            if trace.shape[0]:
                trace[k, p] = e
    return changed


class Hopfield:
    """A Hopfield network of ``n_units`` bipolar neurons.

    Parameters
    ----------
    n_units : int
        The number of neurons L.
    dtype : {"float64", "float32"}, default "float64"
        Of the weights and the states; float32 halves the memory of W (L² values).

    Attributes
    ----------
    weights : ndarray of shape (n_units, n_units)
        W; symmetric with a zero diagonal after :meth:`store` (not symmetric after
        :meth:`store_sequence`). It may be set to any finite real matrix of this shape.

    Examples
    --------
    >>> net = Hopfield(6)
    >>> _ = net.store([[1, 1, 1, -1, -1, -1], [1, -1, 1, -1, 1, -1]])
    >>> net.recall([-1, 1, 1, -1, -1, -1], random_state=0).tolist()
    [1.0, 1.0, 1.0, -1.0, -1.0, -1.0]
    """

    def __init__(self, n_units: int, dtype: DTypeLike = "float64") -> None:
        self.n_units = check_size(n_units, "n_units")
        self.dtype = as_float_dtype(dtype)
        self.weights = np.zeros((self.n_units, self.n_units), self.dtype)

    @property
    def weights(self) -> np.ndarray:
        """W, of shape (n_units, n_units); set it to any finite real matrix of that shape."""
        return self._weights

    @weights.setter
    def weights(self, value: ArrayLike) -> None:
        self._weights = check_weights(value, (self.n_units, self.n_units), self.dtype)

    def _patterns(self, patterns: ArrayLike) -> np.ndarray:
        """Bipolar patterns as rows of shape (N, L), N ≥ 1."""
        patterns = np.atleast_2d(check_bipolar(patterns, self.n_units, "patterns", self.dtype))
        if not len(patterns):
            raise ValueError(f"patterns must hold at least one pattern, got shape "
                             f"{patterns.shape}")
        return patterns

    def store(
        self, patterns: ArrayLike, rule: str = "analytic", learning_rate: float | None = None
    ) -> Hopfield:
        """Store bipolar patterns (rows of shape (N, L)) autoassociatively.

        Parameters
        ----------
        patterns : array-like of shape (N, L) or (L,)
            The patterns ξ_1 … ξ_N, entries ±1.
        rule : {"analytic", "incremental", "storkey", "pseudoinverse"}, default "analytic"
            ``"analytic"``: W = 1/L (Σ ξ ξᵀ − N I). ``"incremental"``: W(n) = W(n − 1)
            + μ (ξ ξᵀ − I) for each pattern, from the current weights, so both Hebbian
            rules agree from W = 0. ``"storkey"``: Storkey's rule, from the current
            weights. ``"pseudoinverse"``: the projection onto the patterns' span, without
            its diagonal. See :mod:`nnlearn.models.energy.hopfield_rules`.
        learning_rate : float, optional
            μ of the incremental rule (1/L by default); no other rule has one.

        Returns
        -------
        self
        """
        patterns = self._patterns(patterns)
        storage = RULES.get(rule)
        options = {}
        if learning_rate is not None:
            if not storage.has_learning_rate:
                raise ValueError(f"learning_rate applies only to rule='incremental', not to "
                                 f"rule={rule!r}")
            options["learning_rate"] = check_real(learning_rate, "learning_rate")
        start = (self.weights,) if storage.incremental else ()
        self.weights = storage.learn(patterns, *start, **options)
        return self

    @implements(
        "weight_update_of_a_heteroassociative_hopfield_network",
        test=TEST + "test_heteroassociative_sequence_recall",
    )
    def store_sequence(self, patterns: ArrayLike, learning_rate: float | None = None) -> Hopfield:
        """Store the sequence ξ^(1) → ξ^(2) → ... heteroassociatively.

        W(n) = W(n − 1) + μ ξ^(i+1) ξ^(i)ᵀ for each consecutive pair, from W = 0
        (μ = 1/L by default), so that sign(W ξ^(i)) recalls ξ^(i+1). The diagonal is
        set to zero, as the activation sums over j ≠ i.
        """
        patterns = self._patterns(patterns)
        mu = (1.0 / self.n_units if learning_rate is None
              else check_real(learning_rate, "learning_rate"))
        weights = np.zeros((self.n_units, self.n_units), self.dtype)
        for current, following in itertools.pairwise(patterns):
            weights += mu * np.outer(following, current)
        np.fill_diagonal(weights, 0.0)
        self.weights = weights
        return self

    @implements(
        "energy_of_a_state_in_a_hopfield_network",
        test=TEST + "test_energy_formula",
        note="the equation list's double sum lacks the factor 1/2 of its matrix form; "
        "E = -1/2 sum_ij W_ij x_i x_j = -1/2 x^T W x is implemented",
    )
    def energy(self, state: ArrayLike) -> np.ndarray | float:
        """E(x) = −½ xᵀ W x for states of shape (L,) (a float) or (m, L) (shape (m,))."""
        x = check_bipolar(state, self.n_units, "state", self.dtype)
        e = -0.5 * np.einsum("...i,ij,...j->...", x, self.weights, x)
        return float(e) if x.ndim == 1 else e

    @implements(
        "activation_of_a_neuron_in_a_hopfield_network", test=TEST + "test_update_rule_and_ties"
    )
    def update(self, state: ArrayLike) -> np.ndarray:
        """One synchronous step x_i(n + 1) = sign(Σ_{j≠i} W_ij x_j(n)) for all i.

        Tie rule: where the sum is 0 (to rounding), x_i keeps its value.
        """
        x = check_bipolar(state, self.n_units, "state", self.dtype)
        w = self._offdiagonal()
        return sign_keep_ties(x @ w.T, x, tie_tolerance(w))

    def local_field(self, state: ArrayLike) -> np.ndarray:
        """h_i = Σ_{j≠i} W_ij x_j for states of shape (L,) or (m, L) (the same shape)."""
        x = check_bipolar(state, self.n_units, "state", self.dtype)
        return x @ self._offdiagonal().T

    def stable(self, state: ArrayLike) -> np.ndarray | bool:
        """Whether each state is a strict fixed point: x_i h_i > 0 for every unit i.

        A state kept only by ties (h_i = 0, to rounding) is not counted: W = 0 would
        otherwise "store" every state. For states of shape (L,) a bool, for (m, L) an
        array of shape (m,).
        """
        x = check_bipolar(state, self.n_units, "state", self.dtype)
        w = self._offdiagonal()
        result = np.all(x * (x @ w.T) > tie_tolerance(w), axis=-1)
        return bool(result) if x.ndim == 1 else result

    def _offdiagonal(self) -> np.ndarray:
        w = self.weights.copy()
        np.fill_diagonal(w, 0.0)
        return w

    def recall(
        self,
        probe: ArrayLike,
        mode: str = "async",
        max_steps: int = 100,
        random_state: RandomState = None,
        return_trace: bool = False,
    ) -> np.ndarray | tuple[np.ndarray, RecallTrace]:
        """Update from ``probe`` until a fixed point (or 2-cycle) or ``max_steps`` sweeps.

        Parameters
        ----------
        probe : array-like of shape (L,) or (n_probes, L)
            Bipolar start states; many probes are recalled at once.
        mode : {"async", "sync"}, default "async"
            ``"async"``: units updated one at a time, in a fresh random order each sweep
            (one order per probe, seeded); the energy never increases. ``"sync"``: all
            units at once; may end in a 2-cycle, which is reported in the trace.
        max_steps : int, default 100
            The most sweeps (a sweep updates every unit once).
        random_state : int, Generator or None, default None
            Seed of the update order.
        return_trace : bool, default False
            Also return a :class:`RecallTrace` (energies, convergence, 2-cycles).

        Returns
        -------
        state : ndarray of the probe's shape
        trace : RecallTrace, only if ``return_trace``
        """
        x = check_bipolar(probe, self.n_units, "probe", self.dtype)
        if mode not in ("async", "sync"):
            raise ValueError(f"mode must be 'async' or 'sync', got {mode!r}")
        max_steps = check_integer(max_steps, "max_steps", minimum=0)
        rng = rng_from(random_state)
        return_trace = check_bool(return_trace, "return_trace")
        single = x.ndim == 1
        x = np.atleast_2d(x).copy()
        if mode == "async":
            x, trace = self._recall_async(x, max_steps, rng, return_trace)
        else:
            x, trace = self._recall_sync(x, max_steps)
        state = x[0] if single else x
        return (state, trace) if return_trace else state

    def _recall_async(
        self, x: np.ndarray, max_steps: int, rng: np.random.Generator, record: bool
    ) -> tuple[np.ndarray, RecallTrace]:
        w = self._offdiagonal()
        tol = tie_tolerance(w)
        columns = np.ascontiguousarray(w.T)  # columns[i] = W[:, i]
        field = x @ w.T  # field[p, i] = Σ_j W_ij x_pj
        n_probes, n_units = x.shape
        energies = [-0.5 * np.einsum("pi,pi->p", x, field)]
        active = np.ones(n_probes, dtype=bool)
        sweeps = 0
        while sweeps < max_steps and active.any():
            sweeps += 1
            order = rng.permuted(np.tile(np.arange(n_units), (n_probes, 1)), axis=1)
            trace = np.empty((n_units if record else 0, n_probes))
            active &= async_sweep(x, field, columns, order, active, tol, energies[-1], trace)
            energies.extend(trace)
        trace = RecallTrace(
            np.array(energies if record else []), ~active, np.zeros(n_probes, dtype=bool), sweeps
        )
        return x, trace

    def _recall_sync(self, x: np.ndarray, max_steps: int) -> tuple[np.ndarray, RecallTrace]:
        w = self._offdiagonal()
        tol = tie_tolerance(w)
        energies = [-0.5 * np.einsum("pi,ij,pj->p", x, w, x)]
        previous = np.full_like(x, np.nan)
        converged = np.zeros(x.shape[0], dtype=bool)
        cycle = np.zeros(x.shape[0], dtype=bool)
        sweeps = 0
        while sweeps < max_steps and not np.all(converged | cycle):
            sweeps += 1
            new = sign_keep_ties(x @ w.T, x, tol)
            moving = ~(converged | cycle)
            converged |= moving & np.all(new == x, axis=1)
            cycle |= moving & ~converged & np.all(new == previous, axis=1)
            previous = np.where(moving[:, None], x, previous)
            x = np.where(moving[:, None], new, x)
            energies.append(-0.5 * np.einsum("pi,ij,pj->p", x, w, x))
        return x, RecallTrace(np.array(energies), converged, cycle, sweeps)

    def recall_sequence(self, start: ArrayLike, n_steps: int) -> np.ndarray:
        """Synchronous steps x(n + 1) = sign(W x(n)) from ``start``, for a stored sequence.

        Returns
        -------
        ndarray of shape (n_steps + 1, L), or (n_steps + 1, m, L) for m starts
        """
        x = check_bipolar(start, self.n_units, "start", self.dtype)
        n_steps = check_integer(n_steps, "n_steps", minimum=0)
        path = [x]
        for _ in range(n_steps):
            path.append(self.update(path[-1]))
        return np.stack(path)
