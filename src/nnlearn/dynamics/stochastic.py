"""The course's stochastic discrete-time dynamical system with input and output.

.. math::

    p(X_{n+1} = x_j \\mid X_n = x_i, U_n = a) = T_a(i, j), \\qquad
    p(Y_n = y_k \\mid X_n = x_i) = O(i, k)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.dynamics.markov import (
    check_distribution,
    check_state,
    check_stochastic_matrix,
    sample_next,
)
from nnlearn.equations import implements

TEST = "tests/test_markov.py::test_stochastic_system_samples_match_exact_distributions"


@implements("stochastic_discrete_time_dynamical_system", test=TEST)
@implements("stochastic_discrete_time_system_with_input", test=TEST)
class StochasticSystem:
    """A finite stochastic system: one transition matrix per input, one observation matrix.

    Parameters
    ----------
    transitions : sequence of array-like, each of shape (n_states, n_states)
        ``transitions[a]`` is T_a, the row-stochastic transition matrix under input a.
    observation : array-like of shape (n_states, n_outputs), optional
        O(i, k) = p(Y_n = y_k | X_n = x_i); by default the identity (Y_n = X_n).

    Examples
    --------
    >>> system = StochasticSystem([[[1, 0], [1, 0]], [[0, 1], [0, 1]]])
    >>> states, outputs = system.sample([1, 1, 0], start=0, random_state=0)
    >>> states.tolist()
    [0, 1, 1, 0]
    """

    def __init__(
        self, transitions: Sequence[ArrayLike], observation: ArrayLike | None = None
    ) -> None:
        if len(transitions) == 0:
            raise ValueError("transitions must hold at least one matrix T_a")
        matrices = [
            check_stochastic_matrix(t, f"transitions[{a}]") for a, t in enumerate(transitions)
        ]
        k = matrices[0].shape[0]
        for a, m in enumerate(matrices):
            if m.shape != (k, k):
                raise ValueError(f"transitions[{a}] must have shape ({k}, {k}), got {m.shape}")
        self.transitions = np.stack(matrices)
        k = self.transitions.shape[1]
        obs = np.eye(k) if observation is None else observation
        self.observation = check_stochastic_matrix(obs, "observation")
        if self.observation.shape[0] != k:
            raise ValueError(
                f"observation must have {k} rows (one per state), got {self.observation.shape[0]}"
            )

    @property
    def n_states(self) -> int:
        return self.transitions.shape[1]

    @property
    def n_inputs(self) -> int:
        return self.transitions.shape[0]

    def _check_inputs(self, inputs: ArrayLike) -> np.ndarray:
        u = np.asarray(inputs)
        if u.ndim != 1 or (u.size and not np.issubdtype(u.dtype, np.integer)):
            raise ValueError(f"inputs must be a 1-D sequence of input indices, got {u!r}")
        u = u.astype(np.intp)
        if np.any((u < 0) | (u >= self.n_inputs)):
            raise ValueError(f"inputs must lie in [0, {self.n_inputs}), got {u.tolist()}")
        return u

    def distributions(self, inputs: ArrayLike, p0: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Exact state and output distributions along an input sequence.

        Returns
        -------
        states : ndarray of shape (len(inputs) + 1, n_states)
            p(X_n) for n = 0..len(inputs), with p(X_{n+1}) = p(X_n) T_{u_n}.
        outputs : ndarray of shape (len(inputs) + 1, n_outputs)
            p(Y_n) = p(X_n) O.
        """
        u = self._check_inputs(inputs)
        p = np.empty((u.size + 1, self.n_states))
        p[0] = check_distribution(p0, self.n_states, "p0")
        for n, a in enumerate(u):
            p[n + 1] = p[n] @ self.transitions[a]
        return p, p @ self.observation

    def sample(
        self,
        inputs: ArrayLike,
        start: int,
        random_state: int | np.random.Generator | None = None,
        n_chains: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Sample states X_0..X_N and observations Y_0..Y_N for inputs u_0..u_{N-1}.

        Returns
        -------
        states, outputs : ndarray of int, shape (N + 1,) or (n_chains, N + 1)
        """
        u = self._check_inputs(inputs)
        start = check_state(start, self.n_states)
        rng = np.random.default_rng(random_state)
        chains = 1 if n_chains is None else int(n_chains)
        cumulative = np.cumsum(self.transitions, axis=2)
        cumulative_obs = np.cumsum(self.observation, axis=1)
        states = np.empty((chains, u.size + 1), dtype=np.intp)
        states[:, 0] = start
        for n, a in enumerate(u):
            states[:, n + 1] = sample_next(cumulative[a], states[:, n], rng.random(chains))
        draws = rng.random(states.shape)
        outputs = sample_next(cumulative_obs, states.ravel(), draws.ravel()).reshape(states.shape)
        if n_chains is None:
            return states[0], outputs[0]
        return states, outputs
