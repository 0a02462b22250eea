"""Acceptance functions of the course: when does a sampler move from x_n to x*?

The course writes them with a fitness F; for a Boltzmann machine at temperature T,
F(x) = exp(−E(x)/T), so every rule depends only on the energy difference
E(x*) − E(x_n). They are computed in that stable form (no exp of large numbers).

A sampler accepts a move when a uniform draw u ∈ (0, 1) falls below the acceptance
probability a(r) of the move's energy rise r = (E(x*) − E(x_n))/T. Every rule here
decreases in r, so the same decision reads the other way round: u accepts every rise
below a⁻¹(u), the rule's *threshold*. The compiled sweeps use the thresholds (one vectorized
logarithm per draw, and a comparison per proposal instead of an exponential):
:data:`THRESHOLDS` gives each registered rule's.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit

from nnlearn.checks import check_real, check_real_array
from nnlearn.equations import implements
from nnlearn.registry import Registry

ACCEPTANCE: Registry = Registry("acceptance function")
TEST = "tests/test_boltzmann.py::test_acceptance_functions_against_the_fitness_forms"


def check_temperature(T: float, name: str = "T") -> float:
    """A temperature T > 0 as a float, or a clear error naming ``name``."""
    return check_real(T, name, minimum=0, open_minimum=True)


def _energy_rise(energy_current: ArrayLike, energy_proposed: ArrayLike, T: float) -> np.ndarray:
    T = check_temperature(T)
    current = check_real_array(energy_current, "energy_current", dtype=np.float64, finite=False)
    proposed = check_real_array(energy_proposed, "energy_proposed", dtype=np.float64,
                                finite=False)
    return (proposed - current) / T


@implements("ratio_metropolis_acceptance_function", test=TEST)
def metropolis_ratio(
    energy_current: ArrayLike, energy_proposed: ArrayLike, T: float = 1.0
) -> np.ndarray:
    """F(x*)/F(x_n) = exp(E(x_n) − E(x*))^{1/T}, the ratio behind the Metropolis rule.

    Examples
    --------
    >>> float(metropolis_ratio(1.0, 0.0, T=2.0).round(4))
    1.6487
    """
    return np.exp(-_energy_rise(energy_current, energy_proposed, T))


@ACCEPTANCE.register("metropolis")
@implements("metropolis_acceptance_function", test=TEST)
def metropolis_acceptance(
    energy_current: ArrayLike, energy_proposed: ArrayLike, T: float = 1.0
) -> np.ndarray:
    """P_accept(x* | x_n) = 1 if F(x*) ≥ F(x_n), else F(x*)/F(x_n) = min(1, e^{−ΔE/T}).

    Examples
    --------
    >>> metropolis_acceptance([0.0, 0.0], [-1.0, 1.0]).round(4)
    array([1.    , 0.3679])
    """
    return np.exp(-np.maximum(_energy_rise(energy_current, energy_proposed, T), 0.0))


@ACCEPTANCE.register("boltzmann", "barker", "gibbs")
@implements("boltzmann_acceptance_function", test=TEST)
def boltzmann_acceptance(
    energy_current: ArrayLike, energy_proposed: ArrayLike, T: float = 1.0
) -> np.ndarray:
    """P_accept(x* | x_n) = F(x*) / (F(x*) + F(x_n)) = 1 / (1 + e^{ΔE/T}) (Barker's rule).

    For a single-unit flip this is exactly the Gibbs (heat-bath) update: a unit that is off
    switches on with probability 1 / (1 + e^{−ΔE_i/T}), one that is on stays on with it.

    Examples
    --------
    >>> float(boltzmann_acceptance(0.0, 0.0))
    0.5
    """
    return expit(-_energy_rise(energy_current, energy_proposed, T))


def metropolis_threshold(u: np.ndarray) -> np.ndarray:
    """The rises a draw u accepts under Metropolis: u < min(1, e^{−r}) ⟺ r < −log u."""
    with np.errstate(divide="ignore"):
        r = np.log(u)
    return np.negative(r, out=r)  # in place: a sweep's draws are many


def barker_threshold(u: np.ndarray) -> np.ndarray:
    """The rises a draw u accepts under Barker's rule: u < 1/(1 + e^r) ⟺ r < log((1 − u)/u)."""
    with np.errstate(divide="ignore"):
        r = np.divide(1.0, u)  # then in place: a sweep's draws are many
        r -= 1.0
        return np.log(r, out=r)


#: Each acceptance function's threshold a⁻¹(u), by the function.
THRESHOLDS: dict[Callable[..., np.ndarray], Callable[[np.ndarray], np.ndarray]] = {
    metropolis_acceptance: metropolis_threshold,
    boltzmann_acceptance: barker_threshold,
}
