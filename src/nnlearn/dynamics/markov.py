"""Markov chains: the course's stochastic discrete-time update operator.

A finite Markov chain over states x_1, ..., x_K is given by its transition matrix

    T(i, j) = p(X_{n+1} = x_j | X_n = x_i),

a row-stochastic matrix. A distribution over the states is a row vector p_n, and one
step of the chain maps it to p_{n+1} = p_n T.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.sparse.csgraph import connected_components

from nnlearn.equations import implements

TEST = "tests/test_markov.py::test_step_and_n_step_matrices_agree_with_matrix_powers"
ATOL = 1e-8


def check_stochastic_matrix(matrix: ArrayLike, name: str = "T") -> np.ndarray:
    """Validate a row-stochastic matrix and return it as a float64 array.

    Parameters
    ----------
    matrix : array-like of shape (n_rows, n_cols)
        Non-negative entries, every row summing to 1 (within 1e-8).
    name : str, default "T"
        The argument's name, used in error messages.

    Raises
    ------
    ValueError
        If the matrix is not 2-D, has negative or non-finite entries, or a row whose sum
        is not 1 (the message names the first such row).
    """
    m = np.asarray(matrix, dtype=np.float64)
    if m.ndim != 2 or m.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D matrix, got shape {m.shape}")
    if not np.all(np.isfinite(m)) or np.any(m < 0):
        raise ValueError(f"{name} must have finite, non-negative entries (probabilities)")
    sums = m.sum(axis=1)
    bad = np.flatnonzero(np.abs(sums - 1.0) > ATOL)
    if bad.size:
        raise ValueError(f"row {bad[0]} of {name} sums to {sums[bad[0]]:.6g}, expected 1")
    return m


def check_distribution(p: ArrayLike, n_states: int, name: str = "p") -> np.ndarray:
    """Validate probability vectors of length ``n_states`` (shape (n_states,) or (m, n_states))."""
    p = np.asarray(p, dtype=np.float64)
    if p.ndim not in (1, 2) or p.shape[-1] != n_states:
        raise ValueError(
            f"{name} must have shape ({n_states},) or (m, {n_states}), got {p.shape}"
        )
    if np.any(p < 0) or np.any(np.abs(p.sum(axis=-1) - 1.0) > ATOL):
        raise ValueError(f"{name} must be non-negative and sum to 1 along its last axis")
    return p


def check_state(state: int, n_states: int, name: str = "start") -> int:
    """Validate a state index in ``range(n_states)``."""
    if not isinstance(state, int | np.integer) or not 0 <= state < n_states:
        raise ValueError(f"{name} must be a state index in [0, {n_states}), got {state!r}")
    return int(state)


def sample_next(cumulative: np.ndarray, states: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Draw next states: row ``states[c]`` of the cumulative matrix, inverted at ``u[c]``."""
    nxt = (cumulative[states] < u[:, None]).sum(axis=1)
    return np.minimum(nxt, cumulative.shape[1] - 1)


@implements("stochastic_discrete_time_update_operator", test=TEST)
@implements("markov_transition_matrix_entries", test=TEST)
class MarkovChain:
    """A finite Markov chain with transition matrix T.

    .. math:: T(i, j) = p(X_{n+1} = x_j \\mid X_n = x_i), \\qquad p_{n+1} = p_n T

    Parameters
    ----------
    T : array-like of shape (n_states, n_states)
        Row-stochastic transition matrix.

    Examples
    --------
    >>> chain = MarkovChain([[0.9, 0.1], [0.5, 0.5]])
    >>> chain.step([1.0, 0.0])
    array([0.9, 0.1])
    >>> chain.stationary_distribution().round(4)
    array([0.8333, 0.1667])
    """

    def __init__(self, T: ArrayLike) -> None:
        self.T = check_stochastic_matrix(T, "T")
        if self.T.shape[0] != self.T.shape[1]:
            raise ValueError(f"T must be square, got shape {self.T.shape}")

    @property
    def n_states(self) -> int:
        """The number of states K."""
        return self.T.shape[0]

    def step(self, p: ArrayLike) -> np.ndarray:
        """One step of the distribution, p_{n+1} = p_n T; ``p`` of shape (K,) or (m, K)."""
        return check_distribution(p, self.n_states) @ self.T

    def n_step_matrix(self, n: int) -> np.ndarray:
        """The n-step transition matrix T^n: entry (i, j) is p(X_{m+n} = x_j | X_m = x_i)."""
        if not isinstance(n, int | np.integer) or n < 0:
            raise ValueError(f"n must be a non-negative integer, got {n!r}")
        return np.linalg.matrix_power(self.T, int(n))

    @implements("markov_n_step_distribution", test=TEST)
    def distribution_after(self, n: int, p0: ArrayLike) -> np.ndarray:
        """The distribution after ``n`` steps from ``p0``: p_n = p_0 T^n."""
        return check_distribution(p0, self.n_states, "p0") @ self.n_step_matrix(n)

    def distributions(self, n_steps: int, p0: ArrayLike) -> np.ndarray:
        """p_0, p_1, ..., p_{n_steps} as an array of shape (n_steps + 1, K)."""
        out = np.empty((n_steps + 1, self.n_states))
        out[0] = check_distribution(p0, self.n_states, "p0")
        for n in range(n_steps):
            out[n + 1] = out[n] @ self.T
        return out

    def closed_classes(self) -> list[np.ndarray]:
        """The closed communicating classes (the recurrent classes), as arrays of states."""
        n_comp, labels = connected_components(self.T > 0, directed=True, connection="strong")
        classes = []
        for c in range(n_comp):
            members = np.flatnonzero(labels == c)
            outside = np.setdiff1d(np.arange(self.n_states), members)
            if not np.any(self.T[np.ix_(members, outside)] > 0):
                classes.append(members)
        return classes

    @implements(
        "markov_stationary_distribution",
        test="tests/test_markov.py::test_stationary_distribution_solves_pi_T_equals_pi_and_is_the_limit",
    )
    def stationary_distribution(self) -> np.ndarray:
        """The stationary distribution π, solving π T = π with Σ π = 1.

        Raises
        ------
        ValueError
            If π is not unique: the chain has more than one closed class (each carries
            its own stationary distribution); the message lists the classes.
        """
        classes = self.closed_classes()
        if len(classes) > 1:
            listed = ", ".join(str(c.tolist()) for c in classes)
            raise ValueError(
                f"the stationary distribution is not unique: T has {len(classes)} closed "
                f"classes ({listed}); any mixture of their stationary distributions is one"
            )
        k = self.n_states
        system = np.vstack([(self.T - np.eye(k)).T, np.ones((1, k))])
        rhs = np.zeros(k + 1)
        rhs[-1] = 1.0
        pi, *_ = np.linalg.lstsq(system, rhs, rcond=None)
        pi = np.clip(pi, 0.0, None)
        return pi / pi.sum()

    def total_variation_to_stationary(self, n_steps: int, p0: ArrayLike) -> np.ndarray:
        """½ Σ_j |p_n(j) − π(j)| for n = 0..n_steps: the convergence to π."""
        pi = self.stationary_distribution()
        return 0.5 * np.abs(self.distributions(n_steps, p0) - pi).sum(axis=1)

    def sample(
        self,
        n_steps: int,
        start: int,
        random_state: int | np.random.Generator | None = None,
        n_chains: int | None = None,
    ) -> np.ndarray:
        """A trajectory X_0 = start, X_1, ..., X_{n_steps}.

        Parameters
        ----------
        n_steps : int
            Number of transitions.
        start : int
            Index of the initial state.
        random_state : int, Generator or None, default None
            Seed of the random draws.
        n_chains : int, optional
            If given, that many independent trajectories at once.

        Returns
        -------
        ndarray of int, shape (n_steps + 1,) or (n_chains, n_steps + 1)
        """
        start = check_state(start, self.n_states)
        rng = np.random.default_rng(random_state)
        chains = 1 if n_chains is None else int(n_chains)
        cumulative = np.cumsum(self.T, axis=1)
        path = np.empty((chains, n_steps + 1), dtype=np.intp)
        path[:, 0] = start
        u = rng.random((n_steps, chains))
        for n in range(n_steps):
            path[:, n + 1] = sample_next(cumulative, path[:, n], u[n])
        return path[0] if n_chains is None else path
