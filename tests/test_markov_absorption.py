"""Absorption, hitting and first passage times, against closed forms."""

import numpy as np
import pytest

from nnlearn.dynamics import MarkovChain


def gamblers_ruin(n, p):
    """Fortune 0..n, win 1 with probability p, lose 1 with q = 1 − p; 0 and n absorb."""
    T = np.zeros((n + 1, n + 1))
    T[0, 0] = T[n, n] = 1.0
    for i in range(1, n):
        T[i, i + 1], T[i, i - 1] = p, 1 - p
    return T


@pytest.mark.parametrize(("n", "p"), [(2, 0.5), (10, 0.5), (10, 0.45), (7, 0.8), (30, 0.49)])
def test_gamblers_ruin_absorption_and_duration_closed_forms(n, p):
    chain = MarkovChain(gamblers_ruin(n, p))
    i = np.arange(1, n)
    assert chain.transient_states().tolist() == i.tolist()
    assert [c.tolist() for c in chain.recurrent_classes()] == [[0], [n]]
    q = 1 - p
    if p == 0.5:
        win, duration = i / n, i * (n - i)
    else:
        rho = q / p
        win = (1 - rho**i) / (1 - rho**n)
        duration = i / (q - p) - n / (q - p) * win
    B = chain.absorption_probabilities()
    np.testing.assert_allclose(B[:, 1], win, rtol=1e-12)
    np.testing.assert_allclose(B.sum(axis=1), 1.0, rtol=1e-13)
    np.testing.assert_allclose(chain.expected_steps_to_absorption(), duration, rtol=1e-12)
    # the same durations as hitting times of the recurrent states
    np.testing.assert_allclose(chain.hitting_times([0, n])[1:-1], duration, rtol=1e-12)


def test_fundamental_matrix_is_the_sum_of_the_powers_of_q():
    chain = MarkovChain(gamblers_ruin(6, 0.4))
    Q = chain.T[1:-1, 1:-1]
    series = sum(np.linalg.matrix_power(Q, k) for k in range(400))
    np.testing.assert_allclose(chain.fundamental_matrix(), series, rtol=1e-12)


def test_absorption_into_classes_larger_than_one_state():
    T = np.array([[0.2, 0.3, 0.5, 0.0, 0.0],
                  [0.0, 0.1, 0.0, 0.6, 0.3],
                  [0.0, 0.0, 0.5, 0.5, 0.0],
                  [0.0, 0.0, 0.5, 0.5, 0.0],
                  [0.0, 0.0, 0.0, 0.0, 1.0]])
    chain = MarkovChain(T)
    assert [c.tolist() for c in chain.recurrent_classes()] == [[2, 3], [4]]
    # from 1: stay (0.1), else 0.6 to {2, 3} and 0.3 to 4; from 0: via 1 or straight to 2
    from_1 = np.array([0.6, 0.3]) / 0.9
    from_0 = (0.3 * from_1 + np.array([0.5, 0.0])) / 0.8
    np.testing.assert_allclose(chain.absorption_probabilities(), [from_0, from_1], rtol=1e-14)


@pytest.mark.parametrize("n", [3, 6, 11])
def test_hitting_times_on_a_cycle_closed_form(n):
    # the symmetric walk on a cycle of n reaches 0 from k in k (n − k) steps on average
    T = 0.5 * (np.roll(np.eye(n), 1, axis=1) + np.roll(np.eye(n), -1, axis=1))
    chain = MarkovChain(T)
    k = np.arange(n)
    np.testing.assert_allclose(chain.hitting_times(0), k * (n - k), rtol=1e-12, atol=1e-12)
    M = chain.mean_first_passage_times()
    np.testing.assert_allclose(M[:, 0], np.r_[n, k[1:] * (n - k[1:])], rtol=1e-12)
    # Kac: the mean return time is 1 / π_j = n
    np.testing.assert_allclose(np.diag(M), n, rtol=1e-12)


def test_mean_first_passage_times_equal_kemeny_snell_formula():
    rng = np.random.default_rng(11)
    T = rng.random((6, 6)) ** 3
    T /= T.sum(axis=1, keepdims=True)
    chain = MarkovChain(T)
    pi = chain.stationary_distribution()
    # M = (I − Z + E Z_dg) D with Z = (I − T + 1 π)^{-1} and D = diag(1/π)
    Z = np.linalg.inv(np.eye(6) - T + np.outer(np.ones(6), pi))
    expected = (np.eye(6) - Z + np.ones((6, 6)) @ np.diag(np.diag(Z))) @ np.diag(1 / pi)
    np.testing.assert_allclose(chain.mean_first_passage_times(), expected, rtol=1e-10)
    # first-step analysis: m_ij = 1 + Σ_{k≠j} T(i, k) m_kj
    M = chain.mean_first_passage_times()
    off = M - np.diag(np.diag(M))
    np.testing.assert_allclose(M, 1 + T @ off, rtol=1e-12)


def test_missed_targets_give_infinite_hitting_times():
    # 0 → {1, 2}; 1 absorbing; 2 → 3 ⇄ 2 closed: from 0, state 1 is missed half the time
    T = np.array([[0.0, 0.5, 0.5, 0.0],
                  [0.0, 1.0, 0.0, 0.0],
                  [0.0, 0.0, 0.0, 1.0],
                  [0.0, 0.0, 1.0, 0.0]])
    chain = MarkovChain(T)
    np.testing.assert_array_equal(chain.hitting_times(1), [np.inf, 0, np.inf, np.inf])
    np.testing.assert_array_equal(chain.hitting_times([1, 2]), [1, 0, 0, 1])
    # a state past the target does not make the target missed: 3 is reached through 2
    np.testing.assert_array_equal(chain.hitting_times(2), [np.inf, np.inf, 0, 1])
    M = chain.mean_first_passage_times()
    assert M[1, 1] == 1 and M[2, 2] == 2 and M[0, 0] == np.inf
    with pytest.raises(ValueError, match="targets must name at least one state"):
        chain.hitting_times([])
    with pytest.raises(ValueError, match=r"targets must be an integer ≥ 0 and ≤ 3, got 4"):
        chain.hitting_times([0, 4])
    with pytest.raises(TypeError, match=r"targets must be an integer ≥ 0 and ≤ 3, got 1.0"):
        chain.hitting_times(1.0)


def test_a_chain_without_transient_states_has_empty_absorption_arrays():
    chain = MarkovChain([[0.5, 0.5], [0.5, 0.5]])
    assert chain.fundamental_matrix().shape == (0, 0)
    assert chain.absorption_probabilities().shape == (0, 1)
    assert chain.expected_steps_to_absorption().shape == (0,)
