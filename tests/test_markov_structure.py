"""Communication classes, recurrence and the period, on chains whose answer is known."""

import math

import numpy as np
import pytest

from nnlearn.dynamics import MarkovChain


def cycle(n, p_forward=1.0):
    """The walk on the cycle 0 → 1 → ... → n−1 → 0 (backwards with 1 − p_forward)."""
    return (p_forward * np.roll(np.eye(n), 1, axis=1)
            + (1 - p_forward) * np.roll(np.eye(n), -1, axis=1))


def with_chord(n, length):
    """A cycle of length n with a shortcut from state 0 giving a second cycle of the given
    length: the period is gcd(n, length)."""
    T = cycle(n)
    T[0] = 0.0
    T[0, 1] = 0.5
    T[0, (n - length + 1) % n] += 0.5
    return T


@pytest.mark.parametrize(("T", "expected"), [
    (cycle(1), 1), (cycle(2), 2), (cycle(5), 5), (cycle(12), 12),
    (cycle(4, 0.3), 2), (cycle(5, 0.3), 1),       # back and forth: cycles of length 2 and n
    (with_chord(6, 4), 2), (with_chord(9, 6), 3), (with_chord(8, 5), 1),
    (0.5 * (cycle(6) + np.eye(6)), 1),            # a lazy chain is aperiodic
])
def test_period_of_cycles_and_their_gcd(T, expected):
    chain = MarkovChain(T)
    assert chain.is_irreducible
    assert chain.period() == expected
    assert chain.is_aperiodic == (expected == 1)
    # independently: gcd of the return times n ≤ 2K with T^n(0, 0) > 0
    returns = [n for n in range(1, 2 * len(T) + 1) if chain.n_step_matrix(n)[0, 0] > 0]
    assert math.gcd(*returns) == expected


def test_classes_recurrence_and_transience_of_a_known_chain():
    #   0 ⇄ 1 → 2 → 3 ⇄ 4,  5 absorbing, 2 → 5, 6 → 6 or 0
    T = np.zeros((7, 7))
    T[0, 1] = T[1, 0] = 0.5
    T[0, 0] = 0.5
    T[1, 2] = 0.5
    T[2, [3, 5]] = 0.5
    T[3, 4] = T[4, 3] = 1.0
    T[5, 5] = 1.0
    T[6, [0, 6]] = 0.5
    chain = MarkovChain(T)
    assert [c.tolist() for c in chain.communication_classes()] == [[0, 1], [2], [3, 4], [5], [6]]
    assert [c.tolist() for c in chain.recurrent_classes()] == [[3, 4], [5]]
    assert chain.transient_states().tolist() == [0, 1, 2, 6]
    assert not chain.is_irreducible
    # the period of a reducible chain is the lcm over its recurrent classes (2 and 1)
    assert chain.period() == 2 and not chain.is_aperiodic


def test_period_of_a_reducible_chain_is_the_lcm_of_its_recurrent_classes():
    T = np.zeros((5, 5))
    T[:2, :2] = cycle(2)
    T[2:, 2:] = cycle(3)
    chain = MarkovChain(T)
    assert chain.period() == 6
    # p_n from a mixture of both classes returns to p_0 after exactly lcm(2, 3) steps
    p0 = np.array([1, 0, 1, 0, 0]) / 2
    p = chain.distributions(6, p0)
    assert [n for n in range(1, 7) if np.allclose(p[n], p0)] == [6]


def test_a_single_absorbing_state_and_a_one_state_chain():
    one = MarkovChain([[1.0]])
    assert one.is_irreducible and one.period() == 1
    np.testing.assert_array_equal(one.stationary_distribution(), [1.0])
    assert one.transient_states().size == 0
