"""Temperature schedules for simulated annealing: T_k for sweep k = 0, 1, ..., n − 1."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.checks import check_integer, check_real_array
from nnlearn.equations import implements
from nnlearn.models.energy.acceptance import check_temperature
from nnlearn.registry import Registry

SCHEDULES: Registry = Registry("temperature schedule")

#: The schedule of Ackley, Hinton and Sejnowski (1985) for the encoder problems: 2 sweeps
#: at T = 20, 2 at 15, 2 at 12 and 4 at 10, before the statistics are collected at T = 10.
PAPER_1985_SCHEDULE = (20.0, 20.0, 15.0, 15.0, 12.0, 12.0, 10.0, 10.0, 10.0, 10.0)
#: For reading the state a machine settles in (a completion): the paper's schedule, then a
#: slow cooling from T = 10 to 0.5 (30 sweeps, geometric).
COMPLETION_SCHEDULE = (*PAPER_1985_SCHEDULE, *np.geomspace(10.0, 0.5, 30).tolist())


@SCHEDULES.register("geometric", "exponential")
@implements("geometric_annealing_schedule", test="tests/test_boltzmann.py::test_schedules")
def geometric(n_sweeps: int, t_start: float = 10.0, t_end: float = 0.05) -> np.ndarray:
    """T_k = T_0 α^k with α = (T_end/T_0)^{1/(n−1)}: from ``t_start`` down to ``t_end``.

    >>> geometric(3, 4.0, 1.0)
    array([4., 2., 1.])
    """
    t_start, t_end = check_temperature(t_start, "t_start"), check_temperature(t_end, "t_end")
    return t_start * (t_end / t_start) ** (np.arange(n_sweeps) / max(n_sweeps - 1, 1))


@SCHEDULES.register("linear")
def linear(n_sweeps: int, t_start: float = 10.0, t_end: float = 0.05) -> np.ndarray:
    """T_k = T_0 + (T_end − T_0) k/(n − 1).

    >>> linear(3, 4.0, 1.0)
    array([4. , 2.5, 1. ])
    """
    t_start, t_end = check_temperature(t_start, "t_start"), check_temperature(t_end, "t_end")
    return np.linspace(t_start, t_end, n_sweeps)


@SCHEDULES.register("logarithmic")
def logarithmic(n_sweeps: int, t_start: float = 10.0) -> np.ndarray:
    """T_k = T_0 / log(e + k), the slow schedule of Geman and Geman (1984).

    >>> logarithmic(2, 1.0).round(4)
    array([1.    , 0.7615])
    """
    return check_temperature(t_start, "t_start") / np.log(np.e + np.arange(n_sweeps))


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
        If a temperature is not positive and finite, or ``n_sweeps`` is not positive.
    TypeError
        If ``n_sweeps`` is missing for a name or a callable, or a temperature is not real.
    """
    if isinstance(schedule, str) or callable(schedule):
        n_sweeps = check_integer(n_sweeps, "n_sweeps", minimum=1)
        if isinstance(schedule, str):
            schedule = SCHEDULES.get(schedule)(n_sweeps, **options)
        else:
            schedule = [schedule(k) for k in range(n_sweeps)]
    temps = check_real_array(schedule, "schedule", dtype=np.float64, ndim=(0, 1)).ravel()
    if temps.size == 0:
        raise ValueError("schedule must give at least one temperature, got none")
    if np.any(temps <= 0):
        bad = int(np.argmax(temps <= 0))
        raise ValueError(f"schedule must hold positive temperatures, got {temps[bad]:g} "
                         f"at index {bad}")
    return temps
