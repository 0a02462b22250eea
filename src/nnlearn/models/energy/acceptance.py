"""Acceptance functions of the course: when does a sampler move from x_n to x*?

The course writes them with a fitness F; for a Boltzmann machine at temperature T,
F(x) = exp(−E(x)/T), so every rule depends only on the energy difference
E(x*) − E(x_n). They are computed in that stable form (no exp of large numbers).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit

from nnlearn.equations import implements
from nnlearn.registry import Registry

ACCEPTANCE: Registry = Registry("acceptance function")
TEST = "tests/test_boltzmann.py::test_acceptance_functions_against_the_fitness_forms"


def check_temperature(T: float, name: str = "T") -> float:
    """Validate a temperature T > 0."""
    if not np.isscalar(T) or not np.isfinite(T) or T <= 0:
        raise ValueError(f"{name} must be a positive temperature, got {T!r}")
    return float(T)


def _energy_rise(energy_current: ArrayLike, energy_proposed: ArrayLike, T: float) -> np.ndarray:
    T = check_temperature(T)
    return (np.asarray(energy_proposed, np.float64) - np.asarray(energy_current, np.float64)) / T


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

    For a single-unit flip this is exactly the Gibbs (heat-bath) update.

    Examples
    --------
    >>> float(boltzmann_acceptance(0.0, 0.0))
    0.5
    """
    return expit(-_energy_rise(energy_current, energy_proposed, T))
