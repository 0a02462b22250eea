"""Absorption and hitting: where a chain ends up, and how long it takes to get there.

Order the states as transient first, recurrent after; T then reads

.. math::

    T = \\begin{pmatrix} Q & R' \\\\ 0 & \\ast \\end{pmatrix}, \\qquad
    N = (I - Q)^{-1} = \\sum_{n \\ge 0} Q^n,

where N(i, j), the *fundamental matrix*, is the expected number of visits to transient
state j from transient state i. Summing R' over each recurrent class gives R (transient ×
class), and

.. math:: B = N R, \\qquad t = N \\mathbf{1}

are the probabilities of ending in each recurrent class and the expected number of steps
before entering one (Kemeny and Snell, *Finite Markov Chains*, 1960, ch. III).

The expected *hitting time* of a set A solves h_i = 0 on A and h_i = 1 + Σ_j T(i, j) h_j
elsewhere; it is infinite from the states that miss A with positive probability.
"""

from __future__ import annotations

import numpy as np

from nnlearn.dynamics.chain_structure import leading_to
from nnlearn.equations import implements

TEST = "tests/test_markov_absorption.py::test_gamblers_ruin_absorption_and_duration_closed_forms"
HITTING_TEST = "tests/test_markov_absorption.py::test_hitting_times_on_a_cycle_closed_form"


@implements("markov_fundamental_matrix", test=TEST)
def fundamental_matrix(T: np.ndarray, transient: np.ndarray) -> np.ndarray:
    """N = (I − Q)^{-1}, of shape (n_transient, n_transient), with Q = T restricted to the
    ``transient`` states (I − Q is invertible: from a transient state the chain leaves the
    transient states with probability 1)."""
    Q = T[np.ix_(transient, transient)]
    return np.linalg.inv(np.eye(len(transient)) - Q)


def absorption_probabilities(T: np.ndarray, transient: np.ndarray,
                             classes: list[np.ndarray]) -> np.ndarray:
    """B = N R, of shape (n_transient, n_classes): B(i, c) is the probability that the chain
    started in transient state ``transient[i]`` ends in recurrent class ``classes[c]``."""
    R = np.stack([T[np.ix_(transient, members)].sum(axis=1) for members in classes], axis=1)
    return fundamental_matrix(T, transient) @ R


@implements("markov_hitting_times", test=HITTING_TEST)
def hitting_times(T: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """The expected number of steps to reach the set ``targets`` (a boolean mask of shape
    (K,)) from each state: 0 on the targets, ``inf`` from every state that misses them with
    positive probability (before reaching them it may reach a state that cannot)."""
    stopped = np.where(targets[:, None], 0.0, T)
    misses = leading_to(stopped, ~leading_to(stopped, targets))
    finite = ~targets & ~misses
    h = np.where(targets, 0.0, np.inf)
    inside = T[np.ix_(finite, finite)]
    h[finite] = np.linalg.solve(np.eye(len(inside)) - inside, np.ones(len(inside)))
    return h


def mean_first_passage_times(T: np.ndarray) -> np.ndarray:
    """M(i, j) = E[min{n ≥ 1 : X_n = j} | X_0 = i], of shape (K, K).

    Off the diagonal, the hitting time of j; on it, the mean return time
    m_jj = 1 + Σ_k T(j, k) h_k, which equals 1/π_j for an irreducible chain (Kac).
    """
    K = len(T)
    M = np.empty((K, K))
    for j in range(K):
        h = hitting_times(T, np.arange(K) == j)
        M[:, j] = h
        step = T[j] > 0
        M[j, j] = 1.0 + T[j, step] @ h[step]
    return M
