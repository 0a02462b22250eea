"""Stationary distributions by GTH: exact to rounding, against closed forms."""

import numpy as np
import pytest

from nnlearn.dynamics import MarkovChain
from nnlearn.dynamics.stationary import gth_stationary


def two_blocks(eps):
    """Two 2-state blocks coupled by ε, doubly stochastic: π is uniform for every ε > 0."""
    return np.array([[0.5 - eps, 0.5, eps, 0.0], [0.5, 0.5 - eps, 0.0, eps],
                     [eps, 0.0, 0.5 - eps, 0.5], [0.0, eps, 0.5, 0.5 - eps]])


@pytest.mark.parametrize("eps", [1e-3, 1e-8, 1e-14, 1e-300])
def test_nearly_decomposable_chain_is_exact_to_rounding(eps):
    pi = MarkovChain(two_blocks(eps)).stationary_distribution()
    np.testing.assert_allclose(pi, [0.25] * 4, rtol=0, atol=2e-16)


def birth_death(rng, k):
    """A birth–death chain: up with p_i, down with q_i, otherwise stay."""
    up, down = rng.uniform(0.05, 0.5, k), rng.uniform(0.05, 0.5, k)
    up[-1] = down[0] = 0.0
    T = np.diag(1 - up - down) + np.diag(up[:-1], 1) + np.diag(down[1:], -1)
    return T, up, down


@pytest.mark.parametrize("k", [2, 5, 30])
def test_birth_death_chain_satisfies_detailed_balance_closed_form(k):
    T, up, down = birth_death(np.random.default_rng(k), k)
    # detailed balance π_i p_i = π_{i+1} q_{i+1}: π_i ∝ Π_{j<i} p_j / q_{j+1}
    weights = np.r_[1.0, np.cumprod(up[:-1] / down[1:])]
    expected = weights / weights.sum()
    pi = MarkovChain(T).stationary_distribution()
    np.testing.assert_allclose(pi, expected, rtol=1e-13)
    flow = pi[:, None] * T
    np.testing.assert_allclose(flow, flow.T, atol=1e-16)


def test_birth_death_chain_with_tiny_rates_keeps_its_relative_accuracy():
    # π spans 60 orders of magnitude: GTH has no subtraction, so each entry keeps its digits
    k = 16
    up, down = np.full(k, 1e-4), np.full(k, 0.5)
    up[-1] = down[0] = 0.0
    T = np.diag(1 - up - down) + np.diag(up[:-1], 1) + np.diag(down[1:], -1)
    ratio = 1e-4 / 0.5
    expected = ratio ** np.arange(k) * (1 - ratio) / (1 - ratio**k)
    np.testing.assert_allclose(MarkovChain(T).stationary_distribution(), expected, rtol=1e-12)


@pytest.mark.parametrize("n", [3, 4, 7])
def test_random_walk_on_a_cycle_has_the_uniform_law(n):
    T = 0.3 * np.roll(np.eye(n), 1, axis=1) + 0.7 * np.roll(np.eye(n), -1, axis=1)
    chain = MarkovChain(T)
    np.testing.assert_allclose(chain.stationary_distribution(), np.full(n, 1 / n), atol=1e-16)


def test_gth_ignores_the_diagonal_and_equals_the_eigenvector():
    rng = np.random.default_rng(7)
    T = rng.random((6, 6))
    T /= T.sum(axis=1, keepdims=True)
    pi = gth_stationary(T)
    values, vectors = np.linalg.eig(T.T)
    v = np.real(vectors[:, np.argmin(np.abs(values - 1))])
    np.testing.assert_allclose(pi, v / v.sum(), atol=1e-14)
    shifted = T.copy()
    np.fill_diagonal(shifted, 123.0)  # GTH reads only the off-diagonal entries
    np.testing.assert_array_equal(gth_stationary(shifted), pi)


def test_several_recurrent_classes_give_one_law_each_and_transients_get_none():
    T = np.array([[0.5, 0.5, 0.0, 0.0, 0.0],
                  [0.2, 0.8, 0.0, 0.0, 0.0],
                  [0.1, 0.0, 0.3, 0.3, 0.3],
                  [0.0, 0.0, 0.0, 0.0, 1.0],
                  [0.0, 0.0, 0.0, 1.0, 0.0]])
    chain = MarkovChain(T)
    laws = chain.stationary_distributions()
    np.testing.assert_allclose(laws, [[2 / 7, 5 / 7, 0, 0, 0], [0, 0, 0, 0.5, 0.5]],
                               atol=1e-16)
    np.testing.assert_allclose(laws @ T, laws, atol=1e-16)
    with pytest.raises(ValueError, match=r"2 recurrent \(closed\) classes \(\[0, 1\], \[3, 4\]\)"):
        chain.stationary_distribution()
