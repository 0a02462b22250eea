"""The Boltzmann machine: binary stochastic units with a symmetric energy.

Units take values s_i ∈ {0, 1} (the course's convention; 1 = on). The energy of a state is

    E(s) = −Σ_{i<j} w_ij s_i s_j − Σ_i b_i s_i

(the course's energy, plus biases b_i, which are weights to an always-on unit), with
symmetric weights w_ij = w_ji, w_ii = 0, and w_ij = 0 between units that are not connected
(the machine's connectivity). At temperature T the states follow the Boltzmann
distribution p(s) = exp(−E(s)/T) / Z(T). The energy gap of unit i,

    ΔE_i = E(s with s_i = 0) − E(s with s_i = 1) = Σ_j w_ij s_j + b_i,

sets the probability of switching it on, P(s_i = 1) = 1 / (1 + e^{−ΔE_i/T}).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit, log_softmax, logsumexp
from sklearn.base import BaseEstimator

from nnlearn.checks import check_integer, check_real_array, check_size, describe
from nnlearn.equations import implements
from nnlearn.init import rng_from
from nnlearn.models.energy import boltzmann_completion as completion
from nnlearn.models.energy import boltzmann_learning as learning
from nnlearn.models.energy.acceptance import check_temperature
from nnlearn.models.energy.annealing import temperatures
from nnlearn.models.energy.binary import binary_states, check_binary
from nnlearn.models.energy.boltzmann_completion import Units
from nnlearn.models.energy.connectivity import (
    check_connectivity,
    check_groups,
    check_weights,
    groups_connectivity,
    unit_indices,
)
from nnlearn.models.energy.sweeps import run_sweeps

TEST = "tests/test_boltzmann.py::"
MAX_EXACT_UNITS = 20
RandomState = int | np.random.Generator | None


@dataclass
class AnnealResult:
    """The outcome of :meth:`BoltzmannMachine.anneal`.

    Attributes
    ----------
    states : ndarray of shape (n_chains, n_units)
        The final state of every chain.
    energies : ndarray of shape (n_chains,)
        Their energies.
    energy_trace : ndarray of shape (n_sweeps + 1, n_chains)
        The energy before the first sweep and after each sweep.
    temperatures : ndarray of shape (n_sweeps,)
        The schedule that was followed.
    """

    states: np.ndarray
    energies: np.ndarray
    energy_trace: np.ndarray
    temperatures: np.ndarray


class BoltzmannMachine(BaseEstimator):
    """A Boltzmann machine of binary units, optionally split into visible and hidden.

    Parameters
    ----------
    n_units : int
        Total number of units n.
    n_visible : int, optional
        The first ``n_visible`` units are visible, the rest hidden; all visible by default.
    weights : array-like of shape (n, n), optional
        Symmetric, zero diagonal, zero where units are not connected; by default drawn from
        N(0, 1) on the connections, large enough for hidden units to take different roles.
    biases : array-like of shape (n,), optional
        Zero by default.
    random_state : int, Generator or None, default None
        Seed of the initial weights.
    connectivity : array-like of bool, shape (n, n), optional
        Which pairs of units are connected (symmetric, zero diagonal); all by default.
        Absent connections keep a weight of exactly 0 through sampling and learning.
    groups : mapping of str to sequence of int, optional
        Names for sets of units ("input", "hidden", ...), used by :meth:`complete`;
        :meth:`from_groups` builds a machine from them.

    Examples
    --------
    >>> bm = BoltzmannMachine(2, weights=[[0, 1], [1, 0]], biases=[0, 0])
    >>> bm.energy([1, 1])
    -1.0
    >>> bm.exact_distribution(T=1.0).round(3)
    array([0.175, 0.175, 0.175, 0.475])
    """

    def __init__(
        self,
        n_units: int,
        n_visible: int | None = None,
        weights: ArrayLike | None = None,
        biases: ArrayLike | None = None,
        random_state: RandomState = None,
        connectivity: ArrayLike | None = None,
        groups: Mapping[str, Sequence[int]] | None = None,
    ) -> None:
        self.n_units = n = check_size(n_units, "n_units")
        self.n_visible = n if n_visible is None else check_integer(
            n_visible, "n_visible", minimum=1, maximum=n)
        self.random_state = random_state
        self.connectivity = mask = check_connectivity(connectivity, n)
        if weights is None:
            upper = np.triu(rng_from(random_state).normal(0, 1.0, (n, n)), 1) * mask
            weights = upper + upper.T
        self.weights = check_weights(weights, mask)
        biases = np.zeros(n) if biases is None else check_real_array(biases, "biases",
                                                                     dtype=np.float64)
        if biases.shape != (n,):
            raise ValueError(f"biases must have shape ({n},), got {biases.shape}")
        self.biases = biases
        self.groups = None if groups is None else check_groups(groups, n)

    @classmethod
    def from_groups(cls, groups: Mapping[str, int], connections: Iterable[tuple[str, str]],
                    hidden: Sequence[str] = (), **options: Any) -> BoltzmannMachine:
        """A machine of named groups of units, connected where ``connections`` say.

        Parameters
        ----------
        groups : mapping of str to int
            Group names and sizes; units are numbered group after group, in this order,
            and the ``hidden`` groups must come last.
        connections : iterable of (str, str)
            Pairs of groups whose units all connect; (g, g) connects g within itself.
        hidden : sequence of str, default ()
            The hidden groups.
        **options
            ``weights``, ``biases``, ``random_state`` as for the constructor.

        Examples
        --------
        >>> bm = BoltzmannMachine.from_groups({"v": 3, "h": 2}, [("v", "h")], hidden=["h"],
        ...                                   random_state=0)
        >>> bm.n_visible, bm.groups["h"], bool(bm.weights[0, 1] == 0)
        (3, [3, 4], True)
        """
        mask, units = groups_connectivity(groups, connections)
        hidden = [hidden] if isinstance(hidden, str) else list(hidden)
        unknown = [name for name in hidden if name not in units]
        if unknown:
            raise ValueError(f"hidden names unknown groups {unknown}; the groups are "
                             f"{', '.join(units)}")
        n_hidden = sum(len(units[name]) for name in hidden)
        if set(hidden) != set(list(units)[len(units) - len(hidden):]):
            raise ValueError(f"the hidden groups {hidden} must come last in groups")
        return cls(len(mask), len(mask) - n_hidden, connectivity=mask, groups=units, **options)

    @property
    def n_hidden(self) -> int:
        return self.n_units - self.n_visible

    def __repr__(self, N_CHAR_MAX: int = 700) -> str:
        groups = "" if not self.groups else f", groups={list(self.groups)}"
        return (f"BoltzmannMachine(n_units={self.n_units}, n_visible={self.n_visible}, "
                f"{int(self.connectivity.sum()) // 2} connections{groups})")

    def _check_fitted_attributes(self) -> None:
        """Raise ValueError if the attributes disagree: shapes, dtypes, finiteness, symmetry,
        zeros where the connectivity says, groups within the machine, the learning history."""
        n = check_integer(self.n_units, "n_units", minimum=1)
        check_integer(self.n_visible, "n_visible", minimum=1, maximum=n)
        mask = check_connectivity(self.connectivity, n)
        for name in ("weights", "biases"):
            if not isinstance(getattr(self, name), np.ndarray) or getattr(self, name).dtype \
                    != np.float64:
                raise ValueError(f"{name} must be a float64 array, got "
                                 f"{describe(getattr(self, name))}")
        check_weights(self.weights, mask)
        if self.biases.shape != (n,) or not np.isfinite(self.biases).all():
            raise ValueError(f"biases must be {n} finite numbers, got shape {self.biases.shape}")
        if self.groups is not None:
            check_groups(self.groups, n)
        if hasattr(self, "kl_history_"):
            history = check_real_array(self.kl_history_, "kl_history_", finite=False, ndim=1)
            if np.isnan(history).any() or (history < 0).any():
                raise ValueError("kl_history_ must hold KL divergences (≥ 0, not NaN)")

    # -- energy ------------------------------------------------------------------------
    @implements("energy_of_a_specific_state_in_a_boltzmann_machine", test=TEST + "test_energy")
    @implements("boltzmann_energy_with_biases", test=TEST + "test_energy")
    def energy(self, states: ArrayLike) -> np.ndarray | float:
        """E(s) = −Σ_{i<j} w_ij s_i s_j − Σ_i b_i s_i = −½ sᵀ W s − bᵀ s.

        ``states`` of shape (n,) gives a float, of shape (m, n) an array of shape (m,).
        """
        s = check_binary(states, self.n_units)
        e = self._energy(s)
        return float(e) if s.ndim == 1 else e

    def _energy(self, s: np.ndarray) -> np.ndarray:
        return -0.5 * np.einsum("...i,...i->...", s @ self.weights, s) - s @ self.biases

    @implements(
        "energy_change_when_one_unit_in_boltzmann_machine_changes",
        test=TEST + "test_energy",
        note="ΔE_i = E(s_i = 0) − E(s_i = 1) = Σ_j w_ij s_j + b_i, the energy gap that "
        "switching unit i on saves (b_i = 0 in the course's form)",
    )
    def energy_gap(self, states: ArrayLike) -> np.ndarray:
        """ΔE_i = E(s_i = 0) − E(s_i = 1) = Σ_j w_ij s_j + b_i for every unit, shape of states."""
        return check_binary(states, self.n_units) @ self.weights + self.biases

    @implements(
        "probability_of_setting_a_unit_to_1_in_a_bm", test=TEST + "test_gibbs_conditional"
    )
    def unit_on_probability(self, states: ArrayLike, T: float = 1.0) -> np.ndarray:
        """P(s_i^{n+1} = 1 | s^n) = 1 / (1 + e^{−ΔE_i/T}) for every unit, shape of states."""
        return expit(self.energy_gap(states) / check_temperature(T))

    # -- exact enumeration ---------------------------------------------------------------
    def states(self) -> np.ndarray:
        """All 2^n states, shape (2^n, n); state k has unit i equal to bit i of k."""
        if self.n_units > MAX_EXACT_UNITS:
            raise ValueError(
                f"exact enumeration needs 2^n states; n_units={self.n_units} exceeds "
                f"{MAX_EXACT_UNITS}: estimate with sample() instead"
            )
        return binary_states(self.n_units)

    def _log_weights(self, states: np.ndarray, T: float) -> np.ndarray:
        """−E(s)/T for the given states, refusing a T so small that it overflows."""
        T = check_temperature(T)
        with np.errstate(over="ignore", invalid="ignore"):
            energies = self._energy(states)
            scaled = -energies / T
            spread = np.ptp(scaled)  # log-sum-exp subtracts the largest
        if not np.isfinite(spread):
            raise ValueError(f"E(s)/T overflows at T = {T:g} (|E| up to "
                             f"{np.abs(energies).max():g}): use a larger T or smaller weights")
        return scaled

    def log_partition_function(self, T: float = 1.0) -> float:
        """log Z(T) = log Σ_s exp(−E(s)/T), by enumeration with log-sum-exp."""
        return float(logsumexp(self._log_weights(self.states(), T)))

    @implements(
        "boltzmann_normalization_constant_partition_function_discrete",
        test=TEST + "test_exact_distribution_by_brute_force",
    )
    def partition_function(self, T: float = 1.0) -> float:
        """Z(T) = Σ_s exp(−E(s)/T) (may overflow to inf; prefer the logarithm)."""
        with np.errstate(over="ignore"):
            return float(np.exp(self.log_partition_function(T)))

    @implements(
        "boltzmann_distribution_of_microstates",
        test=TEST + "test_exact_distribution_by_brute_force",
    )
    def exact_distribution(self, T: float = 1.0) -> np.ndarray:
        """p(s) = exp(−E(s)/T) / Z(T) for every state of :meth:`states`, shape (2^n,)."""
        return np.exp(log_softmax(self._log_weights(self.states(), T)))

    def visible_distribution(self, T: float = 1.0) -> np.ndarray:
        """The marginal p(v) = Σ_h p(v, h) over the 2^{n_visible} visible states."""
        joint = self.exact_distribution(T).reshape(2**self.n_hidden, 2**self.n_visible)
        return joint.sum(axis=0)

    def ground_state(self) -> tuple[np.ndarray, float]:
        """The lowest-energy state (the first one, if several) and its energy, by enumeration."""
        states = self.states()
        energies = self._energy(states)
        k = int(np.argmin(energies))
        return states[k], float(energies[k])

    # -- sampling ------------------------------------------------------------------------
    def sweep(self, states: np.ndarray, T: float, rng: RandomState = None, rule: str = "gibbs",
              units: ArrayLike | None = None, order: str = "random") -> np.ndarray:
        """One sweep over ``units`` (all by default) for every chain at once, in place.

        ``rule="gibbs"`` sets s_i = 1 with probability 1/(1 + e^{−ΔE_i/T}); any other name
        of the :data:`~nnlearn.models.energy.acceptance.ACCEPTANCE` registry proposes
        flipping s_i and accepts with that function of the energy change. ``order``:
        "random" (a fresh permutation of the units) or "index" (in increasing index).
        ``states`` of shape (m, n) is returned, changed.
        """
        s = check_binary(states, self.n_units)
        if not isinstance(states, np.ndarray) or s.ndim != 2:
            raise ValueError(f"states must be an array of shape (m, {self.n_units}) to be "
                             f"changed in place, got {describe(states)}")
        temps = np.array([check_temperature(T)])
        work = np.ascontiguousarray(s, dtype=np.float64)
        free = np.arange(self.n_units) if units is None else unit_indices(
            units, self.groups, self.n_units, "units")
        run_sweeps(work, self.weights, self.biases, temps, rng_from(rng), free, rule, order)
        if work is not states:
            states[...] = work
        return states

    def sample(self, n_samples: int, T: float = 1.0, n_sweeps: int = 100,
               random_state: RandomState = None, rule: str = "gibbs",
               init: ArrayLike | None = None, order: str = "random") -> np.ndarray:
        """Run ``n_samples`` independent chains for ``n_sweeps`` sweeps at temperature T.

        Parameters
        ----------
        n_samples : int
            Number of chains (and of returned states).
        T : float, default 1.0
        n_sweeps : int, default 100
        random_state : int, Generator or None, default None
        rule : {"gibbs", "metropolis", "boltzmann"}, default "gibbs"
        init : array-like of shape (n_samples, n), optional
            Start states; uniformly random by default.
        order : {"random", "index"}, default "random"
            The order of the units within a sweep.

        Returns
        -------
        ndarray of shape (n_samples, n)
        """
        n_sweeps = check_integer(n_sweeps, "n_sweeps", minimum=0)
        temps = np.full(n_sweeps, check_temperature(T))
        rng = rng_from(random_state)
        states = self._init_states(check_size(n_samples, "n_samples"), init, rng)
        run_sweeps(states, self.weights, self.biases, temps, rng, np.arange(self.n_units),
                   rule, order)
        return states

    def _init_states(self, n: int, init: ArrayLike | None, rng: np.random.Generator) -> np.ndarray:
        if init is None:
            return (rng.random((n, self.n_units)) < 0.5).astype(np.float64)
        s = np.atleast_2d(check_binary(init, self.n_units, "init"))
        if len(s) != n:
            raise ValueError(f"init must have {n} rows (one per chain), got {len(s)}")
        return np.array(s, dtype=np.float64, order="C")

    def anneal(self, schedule: str | Callable[[int], float] | ArrayLike = "geometric",
               n_sweeps: int | None = 100, n_chains: int = 1, rule: str = "metropolis",
               random_state: RandomState = None, order: str = "random",
               **schedule_options: Any) -> AnnealResult:
        """Simulated annealing: one sweep at each temperature T_k of the schedule.

        Parameters
        ----------
        schedule : str, callable or array-like, default "geometric"
            A name of :data:`~nnlearn.models.energy.annealing.SCHEDULES` ("geometric",
            "linear", "logarithmic", with ``schedule_options`` such as ``t_start``), a
            function k -> T_k, or the temperatures.
        n_sweeps : int, default 100
            Length of the schedule (ignored when temperatures are given).
        n_chains : int, default 1
            Independent runs at once.
        rule : str, default "metropolis"
        random_state : int, Generator or None, default None
        order : {"random", "index"}, default "random"

        Returns
        -------
        AnnealResult
        """
        temps = temperatures(schedule, n_sweeps, **schedule_options)
        rng = rng_from(random_state)
        states = self._init_states(check_size(n_chains, "n_chains"), None, rng)
        start = self._energy(states)
        sweeps = run_sweeps(states, self.weights, self.biases, temps, rng,
                            np.arange(self.n_units), rule, order)
        trace = np.vstack([start, sweeps.energies.T])
        return AnnealResult(states, trace[-1].copy(), trace, temps)

    # -- completion (in nnlearn.models.energy.boltzmann_completion) ---------------------------
    def complete(self, patterns: ArrayLike, clamp: Units, **options: Any) -> np.ndarray:
        """Clamp the ``clamp`` units to ``patterns`` and anneal the others; the final states,
        shape (m, n_units) (see :func:`~nnlearn.models.energy.boltzmann_completion.complete`
        for the options)."""
        return completion.complete(self, patterns, clamp, **options)

    def completion_accuracy(self, patterns: ArrayLike, inputs: Units = "input",
                            outputs: Units = "output", **options: Any) -> float:
        """The fraction of completions of ``inputs`` that reproduce the patterns' ``outputs``
        (:func:`~nnlearn.models.energy.boltzmann_completion.completion_accuracy`)."""
        return completion.completion_accuracy(self, patterns, inputs, outputs, **options)

    # -- learning (the rules live in nnlearn.models.energy.boltzmann_learning) ------------------
    def kl_gradient(
        self, data: ArrayLike, sample_weight: ArrayLike | None = None, T: float = 1.0
    ) -> tuple[np.ndarray, np.ndarray]:
        """Exact ∂KL/∂w_ij = −(p_ij − q_ij)/T and ∂KL/∂b_i = −(p_i − q_i)/T (see
        :func:`~nnlearn.models.energy.boltzmann_learning.kl_gradient`)."""
        return learning.kl_gradient(self, data, sample_weight, T)

    def kl_to(
        self, data: ArrayLike, sample_weight: ArrayLike | None = None, T: float = 1.0
    ) -> float:
        """KL(P_data, P̂) between the data's and the model's visible distributions (exact)."""
        return learning.data_kl(self, data, sample_weight, T)

    def fit(
        self, data: ArrayLike, sample_weight: ArrayLike | None = None, **options: Any
    ) -> BoltzmannMachine:
        """Learn the data's visible distribution (see
        :func:`~nnlearn.models.energy.boltzmann_learning.fit` for the options); returns self."""
        return learning.fit(self, data, sample_weight, **options)
