"""Mixing times against the two-state closed form and step-by-step iteration; periodic
chains are told apart instead of sitting at a constant distance."""

import math

import numpy as np
import pytest

from nnlearn.dynamics import MarkovChain


def two_state(a, b):
    return MarkovChain([[1 - a, a], [b, 1 - b]])


def closed_form_mixing_time(a, b, eps):
    """d(n) = |1 − a − b|^n · max(a, b) / (a + b): the first n with d(n) ≤ ε."""
    rate, start = abs(1 - a - b), max(a, b) / (a + b)
    if start <= eps:
        return 0
    return 1 if rate == 0 else math.ceil(math.log(eps / start) / math.log(rate))


@pytest.mark.parametrize(("a", "b", "eps"), [
    (0.3, 0.1, 0.25), (0.3, 0.1, 1e-6), (0.9, 0.8, 0.01), (0.05, 0.02, 0.1), (0.5, 0.5, 0.3),
])
def test_two_state_mixing_time_closed_form(a, b, eps):
    assert two_state(a, b).mixing_time(eps) == closed_form_mixing_time(a, b, eps)


def test_mixing_time_of_an_extremely_slow_chain_needs_no_step_by_step_iteration():
    a = b = 2.0**-30  # 1 − a is exact in floating point: T is exactly stochastic
    expected = closed_form_mixing_time(a, b, 0.25)  # about 3.7e8 steps
    assert abs(two_state(a, b).mixing_time() - expected) <= 1


def test_mixing_time_is_the_first_step_within_epsilon_from_every_start():
    rng = np.random.default_rng(0)
    T = rng.random((5, 5)) ** 4
    T /= T.sum(axis=1, keepdims=True)
    chain = MarkovChain(T)
    pi = chain.stationary_distribution()
    for eps in (0.5, 0.25, 1e-3, 1e-9):
        t = chain.mixing_time(eps)
        worst = [max(chain.total_variation_to_stationary(n, np.eye(5)[i])[-1] for i in range(5))
                 for n in (t - 1, t)] if t else [None, 0.0]
        assert worst[1] <= eps and (t == 0 or worst[0] > eps)
        # from one distribution: the first n of its own total-variation curve below ε
        p0 = np.eye(5)[2]
        curve = chain.total_variation_to_stationary(t + 5, p0)
        assert chain.mixing_time(eps, p0=p0) == int(np.argmax(curve <= eps))
    assert chain.mixing_time(1.0) == 0
    assert chain.mixing_time(0.25, p0=pi) == 0
    # rounding keeps T^n about 1e-16 from π: a smaller ε is never reached, and it is said
    with pytest.raises(RuntimeError, match=r"still farther than epsilon=1e-300 .* 2\*\*62"):
        chain.mixing_time(1e-300)


def test_periodic_chain_gets_a_clear_error_instead_of_a_flat_curve():
    cycle = MarkovChain(np.roll(np.eye(4), 1, axis=1))
    tv = cycle.total_variation_to_stationary(40, [1, 0, 0, 0])
    np.testing.assert_allclose(tv, 0.75)  # documented: a periodic chain does not converge
    with pytest.raises(ValueError, match=r"periodic \(period 4\).*never converges.*lazy chain"):
        cycle.mixing_time()
    lazy = MarkovChain(0.5 * (cycle.T + np.eye(4)))
    np.testing.assert_allclose(lazy.stationary_distribution(), cycle.stationary_distribution())
    assert lazy.mixing_time(0.25) >= 1


def test_mixing_needs_a_unique_stationary_distribution_and_a_valid_epsilon():
    with pytest.raises(ValueError, match="not unique"):
        MarkovChain(np.eye(2)).mixing_time()
    chain = two_state(0.3, 0.1)
    for bad, error in ((0.0, ValueError), (1.5, ValueError), (np.nan, ValueError),
                       (True, TypeError), (0.1j, TypeError)):
        with pytest.raises(error, match="epsilon must be a finite real number > 0 and ≤ 1"):
            chain.mixing_time(bad)
    assert chain.mixing_time(np.float32(0.25)) == chain.mixing_time(0.25)
    with pytest.raises(ValueError, match="p0 must be finite"):
        chain.mixing_time(0.25, p0=[np.nan, 1.0])
