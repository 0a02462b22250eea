"""The Boltzmann machine: binary stochastic units with a symmetric energy.

Units take values s_i ∈ {0, 1} (the course's convention; 1 = on). The energy of a state is

    E(s) = −Σ_{i<j} w_ij s_i s_j − Σ_i b_i s_i

(the course's energy, plus biases b_i, which are weights to an always-on unit), with
symmetric weights w_ij = w_ji and w_ii = 0. At temperature T the states follow the
Boltzmann distribution p(s) = exp(−E(s)/T) / Z(T). The energy gap of unit i,

    ΔE_i = E(s with s_i = 0) − E(s with s_i = 1) = Σ_j w_ij s_j + b_i,

sets the probability of switching it on, P(s_i = 1) = 1 / (1 + e^{−ΔE_i/T}).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit, log_softmax, logsumexp

from nnlearn.equations import implements
from nnlearn.models.energy import boltzmann_learning as learning
from nnlearn.models.energy.acceptance import ACCEPTANCE, check_temperature
from nnlearn.models.energy.annealing import temperatures
from nnlearn.models.energy.binary import binary_states, check_binary

TEST = "tests/test_boltzmann.py::"
MAX_EXACT_UNITS = 20
RandomState = int | np.random.Generator | None


def check_symmetric_weights(weights: ArrayLike, n_units: int, name: str = "weights") -> np.ndarray:
    """Validate a symmetric (n_units, n_units) matrix with a zero diagonal."""
    w = np.array(weights, dtype=np.float64)
    if w.shape != (n_units, n_units):
        raise ValueError(f"{name} must have shape ({n_units}, {n_units}), got {w.shape}")
    if not np.allclose(w, w.T, rtol=0, atol=1e-12):
        raise ValueError(f"{name} must be symmetric (w_ij = w_ji)")
    if np.any(np.diag(w) != 0):
        raise ValueError(f"{name} must have a zero diagonal (no self-connections)")
    return w


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


class BoltzmannMachine:
    """A Boltzmann machine of binary units, optionally split into visible and hidden.

    Parameters
    ----------
    n_units : int
        Total number of units n.
    n_visible : int, optional
        The first ``n_visible`` units are visible, the rest hidden; all visible by default.
    weights : array-like of shape (n, n), optional
        Symmetric with zero diagonal; by default drawn from N(0, 1), large enough for
        hidden units to take different roles during learning.
    biases : array-like of shape (n,), optional
        Zero by default.
    random_state : int, Generator or None, default None
        Seed of the initial weights.

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
    ) -> None:
        if not isinstance(n_units, int | np.integer) or n_units < 1:
            raise ValueError(f"n_units must be a positive integer, got {n_units!r}")
        self.n_units = int(n_units)
        n_visible = self.n_units if n_visible is None else n_visible
        if not isinstance(n_visible, int | np.integer) or not 1 <= n_visible <= n_units:
            raise ValueError(f"n_visible must be an integer in [1, {n_units}], got {n_visible!r}")
        self.n_visible = int(n_visible)
        if weights is None:
            upper = np.triu(np.random.default_rng(random_state).normal(0, 1.0, (n_units,) * 2), 1)
            weights = upper + upper.T
        self.weights = check_symmetric_weights(weights, self.n_units)
        biases = np.zeros(self.n_units) if biases is None else np.array(biases, np.float64)
        if biases.shape != (self.n_units,):
            raise ValueError(f"biases must have shape ({self.n_units},), got {biases.shape}")
        self.biases = biases

    @property
    def n_hidden(self) -> int:
        return self.n_units - self.n_visible

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
    def _check_enumerable(self) -> None:
        if self.n_units > MAX_EXACT_UNITS:
            raise ValueError(
                f"exact enumeration needs 2^n states; n_units={self.n_units} exceeds "
                f"{MAX_EXACT_UNITS}: estimate with sample() instead"
            )

    def states(self) -> np.ndarray:
        """All 2^n states, shape (2^n, n); state k has unit i equal to bit i of k."""
        self._check_enumerable()
        return binary_states(self.n_units)

    def log_partition_function(self, T: float = 1.0) -> float:
        """log Z(T) = log Σ_s exp(−E(s)/T), by enumeration with log-sum-exp."""
        T = check_temperature(T)
        return float(logsumexp(-self._energy(self.states()) / T))

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
        T = check_temperature(T)
        return np.exp(log_softmax(-self._energy(self.states()) / T))

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
    def sweep(
        self,
        states: np.ndarray,
        T: float,
        rng: np.random.Generator,
        rule: str = "gibbs",
        units: np.ndarray | None = None,
    ) -> np.ndarray:
        """One sweep over ``units`` (all by default), in order, for every chain at once, in place.

        ``rule="gibbs"`` sets s_i = 1 with probability 1/(1 + e^{−ΔE_i/T}); any other
        name of the :data:`~nnlearn.models.energy.acceptance.ACCEPTANCE` registry proposes
        flipping s_i and accepts with that function of the energy change.
        """
        units = np.arange(self.n_units) if units is None else units
        u = rng.random((len(units), states.shape[0]))
        w = self.weights
        if rule == "gibbs":
            for k, i in enumerate(units):
                gap = states @ w[i] + self.biases[i]
                states[:, i] = u[k] < expit(gap / T)
            return states
        accept = ACCEPTANCE.get(rule)
        for k, i in enumerate(units):
            gap = states @ w[i] + self.biases[i]
            rise = (2.0 * states[:, i] - 1.0) * gap  # E(flipped) − E(current)
            flip = u[k] < accept(0.0, rise, T)
            states[flip, i] = 1.0 - states[flip, i]
        return states

    def sample(
        self,
        n_samples: int,
        T: float = 1.0,
        n_sweeps: int = 100,
        random_state: RandomState = None,
        rule: str = "gibbs",
        init: ArrayLike | None = None,
    ) -> np.ndarray:
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

        Returns
        -------
        ndarray of shape (n_samples, n)
        """
        T = check_temperature(T)
        rng = np.random.default_rng(random_state)
        states = self._init_states(n_samples, init, rng)
        for _ in range(n_sweeps):
            self.sweep(states, T, rng, rule)
        return states

    def _init_states(self, n: int, init: ArrayLike | None, rng: np.random.Generator) -> np.ndarray:
        if init is None:
            return (rng.random((n, self.n_units)) < 0.5).astype(np.float64)
        s = check_binary(init, self.n_units, "init")
        return np.atleast_2d(s).copy()

    def anneal(
        self,
        schedule: str | Callable[[int], float] | ArrayLike = "geometric",
        n_sweeps: int | None = 100,
        n_chains: int = 1,
        rule: str = "metropolis",
        random_state: RandomState = None,
        **schedule_options: Any,
    ) -> AnnealResult:
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

        Returns
        -------
        AnnealResult
        """
        temps = temperatures(schedule, n_sweeps, **schedule_options)
        rng = np.random.default_rng(random_state)
        states = self._init_states(n_chains, None, rng)
        trace = np.empty((temps.size + 1, n_chains))
        trace[0] = self._energy(states)
        for k, T in enumerate(temps):
            self.sweep(states, float(T), rng, rule)
            trace[k + 1] = self._energy(states)
        return AnnealResult(states, trace[-1].copy(), trace, temps)

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
