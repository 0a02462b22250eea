"""How fast a chain forgets its start: total variation and the mixing time.

The total-variation distance of two distributions is ‖p − q‖_TV = ½ Σ_j |p(j) − q(j)|, and
a step of the chain never increases it: ‖(p − π) T‖_TV ≤ ‖p − π‖_TV. The mixing time

.. math::

    t_\\text{mix}(\\varepsilon) = \\min\\{ n : \\max_i \\| T^n(i, \\cdot) - \\pi \\|_{TV}
    \\le \\varepsilon \\}

(Levin, Peres and Wilmer, *Markov Chains and Mixing Times*, 2nd ed. 2017, §4.5; ε = ¼ by
convention) is therefore the first n of a non-increasing sequence to reach ε, found here by
doubling n and then bisecting, with T^n by repeated squaring: a chain that needs 10¹²
steps costs about 80 matrix powers, not 10¹² products.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.equations import implements

TEST = "tests/test_markov_mixing.py::test_two_state_mixing_time_closed_form"
MAX_DOUBLINGS = 62
"""The search stops at n = 2**62 steps (about 4.6e18)."""


def total_variation(p: ArrayLike, q: ArrayLike) -> np.ndarray:
    """½ Σ_j |p(j) − q(j)| along the last axis (p and q broadcast)."""
    return 0.5 * np.abs(np.asarray(p) - np.asarray(q)).sum(axis=-1)


@implements("markov_mixing_time", test=TEST)
def mixing_time(T: np.ndarray, pi: np.ndarray, epsilon: float, starts: np.ndarray) -> int:
    """The least n with ‖p T^n − π‖_TV ≤ ε for every row p of ``starts``.

    Parameters
    ----------
    T : ndarray of shape (K, K)
        A chain whose distributions converge to ``pi`` (aperiodic, one recurrent class).
    pi : ndarray of shape (K,)
        Its stationary distribution.
    epsilon : float
        The distance to reach, in (0, 1].
    starts : ndarray of shape (m, K)
        The initial distributions: the identity for the worst case over start states.

    Raises
    ------
    RuntimeError
        If the distance is still above ε after 2**62 steps (rounding leaves every distance
        above about 1e-16, so an ε below that is never reached).
    """

    def far(n: int) -> bool:
        return bool(total_variation(starts @ np.linalg.matrix_power(T, n), pi).max() > epsilon)

    if not far(0):
        return 0
    high = 1
    while far(high):
        if high.bit_length() > MAX_DOUBLINGS:
            raise RuntimeError(f"the chain is still farther than epsilon={epsilon:g} from π "
                               f"after 2**{MAX_DOUBLINGS} steps")
        high *= 2
    low = high // 2  # far(low) holds, far(high) does not
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if far(middle) else (low, middle)
    return high
