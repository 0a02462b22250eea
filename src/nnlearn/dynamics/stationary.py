"""Stationary distributions, π T = π, by Grassmann–Taksar–Heyman (GTH) state reduction.

Solving π (T − I) = 0 by ordinary elimination works with 1 − T(k, k), a difference of
nearly equal numbers, and loses accuracy when a chain is nearly decomposable: for two
blocks coupled by ε = 1e-14 (the chain of the tests), a least-squares solve of
π (T − I) = 0, Σ π = 1 gives [0.2509, 0.2509, 0.2491, 0.2491] for a true [0.25]*4.
GTH (Grassmann, Taksar and Heyman, 1985) eliminates the states one by one, the last first:
watching the chain on states 0..k−1 only (the chain *censored* to them), a visit to k is
replaced by where k goes next,

.. math::

    T^{(k-1)}(i, j) = T^{(k)}(i, j) + \\frac{T^{(k)}(i, k)\\, T^{(k)}(k, j)}{S_k},
    \\qquad S_k = \\sum_{l < k} T^{(k)}(k, l),

and back-substitution gives π_k = Σ_{i<k} π_i T^{(k)}(i, k) / S_k. The escape probability
S_k is a sum of non-negative numbers, never 1 − T(k, k): there is no subtraction at all, and
the result is exact to rounding (Stewart, *Probability, Markov Chains, Queues, and
Simulation*, 2009, ch. 10).
"""

from __future__ import annotations

import numpy as np

from nnlearn.equations import implements

TEST = "tests/test_markov_stationary.py::test_nearly_decomposable_chain_is_exact_to_rounding"


@implements("gth_stationary_distribution", test=TEST)
def gth_stationary(T: np.ndarray) -> np.ndarray:
    """The stationary distribution of an irreducible chain by GTH state reduction.

    Parameters
    ----------
    T : ndarray of shape (K, K)
        An irreducible row-stochastic matrix (its diagonal is never read).

    Returns
    -------
    ndarray of shape (K,)
        π, with π T = π, π ≥ 0 and Σ π = 1.

    Examples
    --------
    >>> gth_stationary(np.array([[0.9, 0.1], [0.5, 0.5]]))
    array([0.83333333, 0.16666667])
    """
    reduced = np.array(T, dtype=np.float64)
    for k in range(len(reduced) - 1, 0, -1):
        escape = reduced[k, :k].sum()
        reduced[:k, k] /= escape
        reduced[:k, :k] += np.outer(reduced[:k, k], reduced[k, :k])
    pi = np.zeros(len(reduced))
    pi[0] = 1.0
    for k in range(1, len(reduced)):
        pi[k] = pi[:k] @ reduced[:k, k]
    return pi / pi.sum()


def stationary_distributions(T: np.ndarray, classes: list[np.ndarray]) -> np.ndarray:
    """One stationary distribution per recurrent class, as the rows of an array of shape
    (len(classes), K): row c is GTH's π on class c and zero elsewhere. Every stationary
    distribution of the chain is a mixture of these rows."""
    out = np.zeros((len(classes), len(T)))
    for c, members in enumerate(classes):
        out[c, members] = gth_stationary(T[np.ix_(members, members)])
    return out
