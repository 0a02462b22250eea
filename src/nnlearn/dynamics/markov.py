"""Markov chains: the course's stochastic discrete-time update operator, and its analysis.

A finite Markov chain over states x_1, ..., x_K is given by its transition matrix

    T(i, j) = p(X_{n+1} = x_j | X_n = x_i),

a row-stochastic matrix. A distribution over the states is a row vector p_n, and one
step of the chain maps it to p_{n+1} = p_n T.

:class:`MarkovChain` answers what the classic chain libraries (QuantEcon's ``MarkovChain``,
PyDTMC) answer, each from the module that holds its mathematics: the classes and the
period (:mod:`~nnlearn.dynamics.chain_structure`), the stationary distributions
(:mod:`~nnlearn.dynamics.stationary`), absorption and hitting times
(:mod:`~nnlearn.dynamics.absorption`), mixing (:mod:`~nnlearn.dynamics.mixing`) and the
estimation of T from data (:mod:`~nnlearn.dynamics.estimation`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.checks import check_integer, check_random_state, check_real, check_size
from nnlearn.dynamics import absorption, chain_structure, estimation, mixing, stationary
from nnlearn.dynamics.sampling import check_n_chains, sample_paths
from nnlearn.dynamics.validation import check_distribution, check_state, check_stochastic_matrix
from nnlearn.equations import implements

TEST = "tests/test_markov.py::test_step_and_n_step_matrices_agree_with_matrix_powers"
STATIONARY_TEST = ("tests/test_markov.py::"
                   "test_stationary_distribution_solves_pi_T_equals_pi_and_is_the_limit")


@implements("stochastic_discrete_time_update_operator", test=TEST)
@implements("markov_transition_matrix_entries", test=TEST)
class MarkovChain:
    """A finite Markov chain with transition matrix T.

    .. math:: T(i, j) = p(X_{n+1} = x_j \\mid X_n = x_i), \\qquad p_{n+1} = p_n T

    Parameters
    ----------
    T : array-like of shape (n_states, n_states)
        Row-stochastic transition matrix of real numbers.

    Examples
    --------
    >>> chain = MarkovChain([[0.9, 0.1], [0.5, 0.5]])
    >>> chain.step([1.0, 0.0])
    array([0.9, 0.1])
    >>> chain.stationary_distribution().round(4)
    array([0.8333, 0.1667])
    >>> ruin = MarkovChain([[1, 0, 0], [0.5, 0, 0.5], [0, 0, 1]])
    >>> ruin.transient_states(), ruin.absorption_probabilities()
    (array([1]), array([[0.5, 0.5]]))
    """

    def __init__(self, T: ArrayLike) -> None:
        self.T = check_stochastic_matrix(T, "T")
        if self.T.shape[0] != self.T.shape[1]:
            raise ValueError(f"T must be square, got shape {self.T.shape}")

    @property
    def n_states(self) -> int:
        """The number of states K."""
        return self.T.shape[0]

    # ----- distributions and trajectories ------------------------------------------------

    def step(self, p: ArrayLike) -> np.ndarray:
        """One step of the distribution, p_{n+1} = p_n T; ``p`` of shape (K,) or (m, K)."""
        return check_distribution(p, self.n_states) @ self.T

    def n_step_matrix(self, n: int) -> np.ndarray:
        """The n-step transition matrix T^n: entry (i, j) is p(X_{m+n} = x_j | X_m = x_i)."""
        return np.linalg.matrix_power(self.T, check_integer(n, "n", minimum=0))

    @implements("markov_n_step_distribution", test=TEST)
    def distribution_after(self, n: int, p0: ArrayLike) -> np.ndarray:
        """The distribution after ``n`` steps from ``p0``: p_n = p_0 T^n."""
        return check_distribution(p0, self.n_states, "p0") @ self.n_step_matrix(n)

    def distributions(self, n_steps: int, p0: ArrayLike) -> np.ndarray:
        """p_0, p_1, ..., p_{n_steps} as an array of shape (n_steps + 1, K)."""
        n_steps = check_size(n_steps, "n_steps", minimum=0, extra=1)
        out = np.empty((n_steps + 1, self.n_states))
        out[0] = check_distribution(p0, self.n_states, "p0", ndim=(1,))
        for n in range(n_steps):
            out[n + 1] = out[n] @ self.T
        return out

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
            Number of transitions, ≥ 0.
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
        n_steps = check_size(n_steps, "n_steps", minimum=0, extra=1)
        start = check_state(start, self.n_states)
        rng = check_random_state(random_state)
        path = sample_paths(self.T[None], np.zeros(n_steps, dtype=np.intp), start,
                            check_n_chains(n_chains), rng)
        return path[0] if n_chains is None else path

    # ----- structure: classes and period -------------------------------------------------

    def communication_classes(self) -> list[np.ndarray]:
        """The communication classes (states that lead to each other), ordered by their
        smallest state."""
        return chain_structure.communication_classes(self.T)

    def recurrent_classes(self) -> list[np.ndarray]:
        """The closed communication classes: the recurrent classes of the chain."""
        return chain_structure.recurrent_classes(self.T)

    def transient_states(self) -> np.ndarray:
        """The transient states (in no recurrent class), in increasing order."""
        return chain_structure.transient_states(self.T)

    @property
    def is_irreducible(self) -> bool:
        """Whether every state leads to every other (one communication class)."""
        return len(self.communication_classes()) == 1

    def period(self) -> int:
        """The period d: for an irreducible chain the gcd of the lengths of its cycles; for a
        reducible one the least common multiple of its recurrent classes' periods (as in
        QuantEcon), so that p_n converges from every start if and only if d = 1."""
        return chain_structure.period(self.T)

    @property
    def is_aperiodic(self) -> bool:
        """Whether the period is 1."""
        return self.period() == 1

    # ----- stationary distributions ------------------------------------------------------

    def stationary_distributions(self) -> np.ndarray:
        """All stationary distributions, one per recurrent class: an array of shape
        (n_recurrent_classes, K) whose row c is the stationary distribution supported on
        ``recurrent_classes()[c]``, computed by GTH state reduction (exact to rounding even
        on nearly decomposable chains). Every stationary distribution is a mixture of the
        rows."""
        return stationary.stationary_distributions(self.T, self.recurrent_classes())

    @implements("markov_stationary_distribution", test=STATIONARY_TEST)
    def stationary_distribution(self) -> np.ndarray:
        """The stationary distribution π, solving π T = π with Σ π = 1.

        Raises
        ------
        ValueError
            If π is not unique: the chain has more than one recurrent class (each carries
            its own stationary distribution); the message lists the classes and points to
            :meth:`stationary_distributions`.
        """
        classes = self.recurrent_classes()
        if len(classes) > 1:
            listed = ", ".join(str(c.tolist()) for c in classes)
            raise ValueError(
                f"the stationary distribution is not unique: T has {len(classes)} recurrent "
                f"(closed) classes ({listed}); stationary_distributions() gives one per "
                f"class, and any mixture of them is stationary")
        return stationary.stationary_distributions(self.T, classes)[0]

    # ----- absorption and hitting --------------------------------------------------------

    def fundamental_matrix(self) -> np.ndarray:
        """N = (I − Q)^{-1} over the transient states, of shape (n_transient, n_transient):
        N(i, j) is the expected number of visits to ``transient_states()[j]`` from
        ``transient_states()[i]``."""
        return absorption.fundamental_matrix(self.T, self.transient_states())

    def absorption_probabilities(self) -> np.ndarray:
        """B = N R, of shape (n_transient, n_recurrent_classes): row i for the transient state
        ``transient_states()[i]``, column c for the recurrent class
        ``recurrent_classes()[c]`` (an absorbing state when the class is one state)."""
        return absorption.absorption_probabilities(
            self.T, self.transient_states(), self.recurrent_classes())

    def expected_steps_to_absorption(self) -> np.ndarray:
        """t = N 1, of shape (n_transient,): the expected number of steps from each transient
        state until the chain enters a recurrent class."""
        return self.fundamental_matrix().sum(axis=1)

    def hitting_times(self, targets: int | Sequence[int] | ArrayLike) -> np.ndarray:
        """The expected number of steps to reach the target state(s) from each state, of
        shape (K,): 0 on the targets, ``inf`` where they are missed with positive
        probability.

        Parameters
        ----------
        targets : int or sequence of int
            One state index or several.
        """
        indices = np.atleast_1d(np.asarray(targets))
        if indices.size == 0:
            raise ValueError("targets must name at least one state, got none")
        mask = np.zeros(self.n_states, dtype=bool)
        mask[[check_state(t, self.n_states, "targets") for t in indices.tolist()]] = True
        return absorption.hitting_times(self.T, mask)

    def mean_first_passage_times(self) -> np.ndarray:
        """M(i, j) = E[min{n ≥ 1 : X_n = j} | X_0 = i], of shape (K, K): hitting times off
        the diagonal, mean return times on it (1/π_j for an irreducible chain); ``inf`` where
        j is missed with positive probability."""
        return absorption.mean_first_passage_times(self.T)

    # ----- convergence -------------------------------------------------------------------

    def total_variation_to_stationary(self, n_steps: int, p0: ArrayLike) -> np.ndarray:
        """½ Σ_j |p_n(j) − π(j)| for n = 0..n_steps: the convergence to π.

        For a periodic chain (``period() > 1``) this need not tend to 0: from a single
        state, p_n keeps cycling through the cyclic classes (on a cycle of even length it
        stays at 0.5 for ever); :meth:`mixing_time` says so with an error.
        """
        return mixing.total_variation(self.distributions(n_steps, p0),
                                      self.stationary_distribution())

    def mixing_time(self, epsilon: float = 0.25, p0: ArrayLike | None = None) -> int:
        """The least n with ‖p_n − π‖_TV ≤ ε: from the worst start state by default
        (t_mix(ε) of Levin, Peres and Wilmer), or from the distribution ``p0``.

        Parameters
        ----------
        epsilon : float, default 0.25
            The total-variation distance to reach, in (0, 1].
        p0 : array-like of shape (K,), optional
            An initial distribution; by default every start state, the worst counting.

        Raises
        ------
        ValueError
            If the chain does not converge to a unique π from every start: it has several
            recurrent classes, or it is periodic (p_n cycles and never converges; the lazy
            chain (T + I)/2 has the same π and is aperiodic).
        """
        epsilon = check_real(epsilon, "epsilon", minimum=0, open_minimum=True, maximum=1)
        pi = self.stationary_distribution()
        d = self.period()
        if d > 1:
            raise ValueError(
                f"the chain is periodic (period {d}): from a single state p_n cycles through "
                f"{d} classes and never converges to π, so it has no mixing time; the lazy "
                f"chain (T + I) / 2 has the same π and is aperiodic")
        starts = (np.eye(self.n_states) if p0 is None
                  else check_distribution(p0, self.n_states, "p0", ndim=(1,))[None])
        return mixing.mixing_time(self.T, pi, epsilon, starts)

    # ----- estimation --------------------------------------------------------------------

    @classmethod
    def from_sequences(cls, sequences: ArrayLike | Sequence[ArrayLike],
                       n_states: int | None = None, pseudo_count: float = 0.0) -> MarkovChain:
        """The maximum-likelihood chain of observed state sequences.

        .. math:: \\hat T(i, j) = \\frac{C_{ij} + \\alpha}{\\sum_k C_{ik} + K \\alpha}

        Parameters
        ----------
        sequences : array-like of int, or a list of them
            One sequence of state indices, or several (of any lengths; a 2-D array holds
            one per row). Only transitions inside a sequence are counted.
        n_states : int, optional
            K; by default the largest state seen plus one.
        pseudo_count : float, default 0.0
            α ≥ 0, added to every count (α = 1 is Laplace smoothing).

        Raises
        ------
        ValueError
            If a state is never left in the data and ``pseudo_count`` is 0.

        Examples
        --------
        >>> MarkovChain.from_sequences([[0, 1, 1, 0], [1, 1]]).T
        array([[0.        , 1.        ],
               [0.33333333, 0.66666667]])
        """
        alpha = check_real(pseudo_count, "pseudo_count", minimum=0)
        checked, K = estimation.as_sequences(sequences, n_states)
        counts = estimation.transition_counts(checked, K)
        return cls(estimation.maximum_likelihood_transitions(counts, alpha))
