"""The partition function of a continuous state space, by numerical integration.

Z(T) = ∫_{s ∈ S} exp(−E(s)/T) ds: the continuous counterpart of the Boltzmann machine's
sum over binary states (:meth:`nnlearn.models.BoltzmannMachine.partition_function`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy import integrate

from nnlearn.equations import implements
from nnlearn.models.energy.acceptance import check_temperature


@implements(
    "boltzmann_normalization_constant_partition_function",
    test="tests/test_boltzmann.py::test_continuous_partition_function_of_gaussian_energies",
)
def continuous_partition_function(
    energy: Callable[..., float],
    bounds: Sequence[tuple[float, float]],
    T: float = 1.0,
) -> float:
    """Z(T) = ∫ exp(−E(s)/T) ds over the box ``bounds`` (use ±inf for the whole line).

    Parameters
    ----------
    energy : callable
        E(s_1, ..., s_d) for a point of the d-dimensional state space.
    bounds : sequence of (low, high)
        One interval per dimension.
    T : float, default 1.0
        The temperature, > 0.

    Examples
    --------
    >>> import numpy as np
    >>> z = continuous_partition_function(lambda s: s * s / 2, [(-np.inf, np.inf)])
    >>> round(float(z / np.sqrt(2 * np.pi)), 8)
    1.0
    """
    check_temperature(T)
    if not bounds:
        raise ValueError("bounds must give one (low, high) interval per dimension, got none")
    value, _ = integrate.nquad(lambda *s: np.exp(-energy(*s) / T), [tuple(b) for b in bounds])
    return float(value)
