"""The course's stochastic discrete-time dynamical system with input and output.

.. math::

    p(X_{n+1} = x_j \\mid X_n = x_i, U_n = a) = T_a(i, j), \\qquad
    p(Y_n = y_k \\mid X_n = x_i) = O(i, k)

With its states hidden and only its outputs seen, it is a hidden Markov model (one with
inputs): :class:`StochasticSystem` computes the likelihood of an output sequence, the
filtered and smoothed state distributions and the Viterbi path, by the algorithms of
:mod:`~nnlearn.dynamics.hidden_markov`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.checks import check_random_state, describe
from nnlearn.dynamics import hidden_markov
from nnlearn.dynamics.sampling import check_n_chains, sample_next, sample_paths
from nnlearn.dynamics.validation import (
    check_distribution,
    check_index_sequence,
    check_state,
    check_stochastic_matrix,
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

    Notes
    -----
    The inference methods take the outputs y_0..y_N, the inputs a_0..a_{N-1} (one fewer;
    they may be omitted when the system has a single input) and the distribution p0 of X_0.

    Examples
    --------
    >>> system = StochasticSystem([[[1, 0], [1, 0]], [[0, 1], [0, 1]]])
    >>> states, outputs = system.sample([1, 1, 0], start=0, random_state=0)
    >>> states.tolist()
    [0, 1, 1, 0]
    >>> weather = StochasticSystem([[[0.7, 0.3], [0.4, 0.6]]], [[0.9, 0.1], [0.2, 0.8]])
    >>> round(weather.likelihood([0, 0, 1], p0=[0.5, 0.5]), 4)
    0.1193
    >>> weather.viterbi([0, 0, 1], p0=[0.5, 0.5])[0].tolist()
    [0, 0, 1]
    """

    def __init__(
        self, transitions: Sequence[ArrayLike], observation: ArrayLike | None = None
    ) -> None:
        if not isinstance(transitions, Sequence | np.ndarray):
            raise TypeError(f"transitions must be a sequence of matrices T_a, "
                            f"got {describe(transitions)}")
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
        obs = np.eye(k) if observation is None else observation
        self.observation = check_stochastic_matrix(obs, "observation")
        if self.observation.shape[0] != k:
            raise ValueError(
                f"observation must have {k} rows (one per state), got {self.observation.shape[0]}"
            )

    @property
    def n_states(self) -> int:
        """The number of states K."""
        return self.transitions.shape[1]

    @property
    def n_inputs(self) -> int:
        """The number of inputs: of transition matrices T_a."""
        return self.transitions.shape[0]

    @property
    def n_outputs(self) -> int:
        """The number of outputs y_k: of columns of O."""
        return self.observation.shape[1]

    def _check_inputs(self, inputs: ArrayLike) -> np.ndarray:
        return check_index_sequence(inputs, self.n_inputs, "inputs")

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
        p[0] = check_distribution(p0, self.n_states, "p0", ndim=(1,))
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
        rng = check_random_state(random_state)
        states = sample_paths(self.transitions, u, start, check_n_chains(n_chains), rng)
        draws = rng.random(states.shape)
        cumulative_obs = np.cumsum(self.observation, axis=1)
        outputs = sample_next(cumulative_obs, states.ravel(), draws.ravel()).reshape(states.shape)
        if n_chains is None:
            return states[0], outputs[0]
        return states, outputs

    # ----- inference: the system as a hidden Markov model --------------------------------

    def _inference_arguments(self, observations: ArrayLike, inputs: ArrayLike | None,
                             p0: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(p0, inputs, likelihoods O(·, y_n)) validated, for :mod:`hidden_markov`."""
        y = check_index_sequence(observations, self.n_outputs, "observations",
                                 allow_empty=False)
        if inputs is None:
            if self.n_inputs > 1 and y.size > 1:
                raise ValueError(f"inputs must be given: the system has {self.n_inputs} "
                                 f"inputs (transition matrices), and {y.size - 1} are needed")
            u = np.zeros(y.size - 1, dtype=np.intp)
        else:
            u = self._check_inputs(inputs)
            if u.size != y.size - 1:
                raise ValueError(f"inputs must have one entry fewer than observations (the "
                                 f"inputs a_0..a_{{N-1}} between y_0..y_N): got {u.size} "
                                 f"inputs for {y.size} observations")
        p0 = check_distribution(p0, self.n_states, "p0", ndim=(1,))
        return p0, u, self.observation[:, y].T

    def _forward(self, observations: ArrayLike, inputs: ArrayLike | None,
                 p0: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        p0, u, likelihoods = self._inference_arguments(observations, inputs, p0)
        filtered, scales = hidden_markov.forward(p0, self.transitions, u, likelihoods)
        return filtered, scales, u, likelihoods

    def log_likelihood(self, observations: ArrayLike, inputs: ArrayLike | None = None, *,
                       p0: ArrayLike) -> float:
        """log p(y_0, ..., y_N | a_0, ..., a_{N-1}) by the scaled forward algorithm: finite
        for any length of sequence (−inf when the observations are impossible).

        Parameters
        ----------
        observations : array-like of int, shape (N + 1,)
            The output indices y_0..y_N.
        inputs : array-like of int, shape (N,), optional
            The input indices a_0..a_{N-1}; may be omitted for a single-input system.
        p0 : array-like of shape (n_states,)
            The distribution of X_0.
        """
        try:
            _, scales, _, _ = self._forward(observations, inputs, p0)
        except hidden_markov.ImpossibleObservations:
            return -np.inf
        return float(np.log(scales).sum())

    def likelihood(self, observations: ArrayLike, inputs: ArrayLike | None = None, *,
                   p0: ArrayLike) -> float:
        """p(y_0, ..., y_N | a_0, ..., a_{N-1}) = exp(:meth:`log_likelihood`); it underflows
        to 0.0 on long sequences (about 10³ steps), where the logarithm stays exact."""
        return float(np.exp(self.log_likelihood(observations, inputs, p0=p0)))

    def filtered_distributions(self, observations: ArrayLike, inputs: ArrayLike | None = None,
                               *, p0: ArrayLike) -> np.ndarray:
        """p(X_n = x_i | y_0..y_n), of shape (N + 1, n_states): what the outputs so far say
        of the current state (the forward algorithm, normalised).

        Raises
        ------
        ValueError
            If the observations have probability 0 under the model.
        """
        return self._forward(observations, inputs, p0)[0]

    def smoothed_distributions(self, observations: ArrayLike, inputs: ArrayLike | None = None,
                               *, p0: ArrayLike) -> np.ndarray:
        """p(X_n = x_i | y_0..y_N), of shape (N + 1, n_states): what all the outputs, later
        ones included, say of each state (forward–backward).

        Raises
        ------
        ValueError
            If the observations have probability 0 under the model.
        """
        filtered, scales, u, likelihoods = self._forward(observations, inputs, p0)
        return hidden_markov.smooth(filtered, scales, self.transitions, u, likelihoods)

    def viterbi(self, observations: ArrayLike, inputs: ArrayLike | None = None, *,
                p0: ArrayLike) -> tuple[np.ndarray, float]:
        """The most probable state path given the outputs, and its log joint probability.

        Returns
        -------
        path : ndarray of int, shape (N + 1,)
            argmax over x_0..x_N of p(x_0..x_N, y_0..y_N | a_0..a_{N-1}).
        log_probability : float
            log p(path, y_0..y_N | a_0..a_{N-1}).

        Raises
        ------
        ValueError
            If the observations have probability 0 under the model.
        """
        p0, u, likelihoods = self._inference_arguments(observations, inputs, p0)
        return hidden_markov.viterbi(p0, self.transitions, u, likelihoods)
