"""Temperature schedules for simulated annealing: T_k for sweep k = 0, 1, ..., n − 1."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.equations import implements
from nnlearn.models.energy.acceptance import check_temperature
from nnlearn.registry import Registry

SCHEDULES: Registry = Registry("temperature schedule")


@SCHEDULES.register("geometric", "exponential")
@implements("geometric_annealing_schedule", test="tests/test_boltzmann.py::test_schedules")
def geometric(n_sweeps: int, t_start: float = 10.0, t_end: float = 0.05) -> np.ndarray:
    """T_k = T_0 α^k with α = (T_end/T_0)^{1/(n−1)}: from ``t_start`` down to ``t_end``.

    >>> geometric(3, 4.0, 1.0)
    array([4., 2., 1.])
    """
    return t_start * (t_end / t_start) ** (np.arange(n_sweeps) / max(n_sweeps - 1, 1))


@SCHEDULES.register("linear")
def linear(n_sweeps: int, t_start: float = 10.0, t_end: float = 0.05) -> np.ndarray:
    """T_k = T_0 + (T_end − T_0) k/(n − 1).

    >>> linear(3, 4.0, 1.0)
    array([4. , 2.5, 1. ])
    """
    return np.linspace(t_start, t_end, n_sweeps)


@SCHEDULES.register("logarithmic")
def logarithmic(n_sweeps: int, t_start: float = 10.0) -> np.ndarray:
    """T_k = T_0 / log(e + k), the slow schedule of Geman and Geman (1984).

    >>> logarithmic(2, 1.0).round(4)
    array([1.    , 0.7615])
    """
    return t_start / np.log(np.e + np.arange(n_sweeps))


def temperatures(
    schedule: str | Callable[[int], float] | ArrayLike, n_sweeps: int | None = None,
    **options: Any,
) -> np.ndarray:
    """Resolve a schedule to its temperatures, an array of shape (n_sweeps,).

    Parameters
    ----------
    schedule : str, callable or array-like
        A name of :data:`SCHEDULES` (with ``options`` such as ``t_start``), a function
        k -> T_k, or the temperatures themselves.
    n_sweeps : int, optional
        Required for a name or a callable.

    Raises
    ------
    ValueError
        If a temperature is not positive, or ``n_sweeps`` is missing.
    """
    if isinstance(schedule, str) or callable(schedule):
        if n_sweeps is None or n_sweeps < 1:
            raise ValueError(f"n_sweeps must be a positive integer, got {n_sweeps!r}")
        if isinstance(schedule, str):
            temps = SCHEDULES.get(schedule)(n_sweeps, **options)
        else:
            temps = np.array([schedule(k) for k in range(n_sweeps)], dtype=np.float64)
    else:
        temps = np.asarray(schedule, dtype=np.float64).ravel()
    if temps.size == 0:
        raise ValueError("schedule must give at least one temperature")
    for t in temps:
        check_temperature(float(t), "schedule")
    return temps
