"""Learning-rate schedules: η as a function of the step count t = 1, 2, ...

Every optimizer accepts a number (a constant η), one of these, or any callable
``t -> η``.

>>> StepDecay(0.1, step_size=10, gamma=0.5)(25)
0.025
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nnlearn.checks import check_integer, check_real

Schedule = Callable[[int], float]


def _check_rate(lr: float) -> float:
    return check_real(lr, "lr", minimum=0)


@dataclass(frozen=True)
class Constant:
    """η_t = η."""

    lr: float

    def __post_init__(self) -> None:
        _check_rate(self.lr)

    def __call__(self, t: int) -> float:
        return self.lr


@dataclass(frozen=True)
class InverseScaling:
    """η_t = η / t^p (scikit-learn's ``invscaling``, p = 0.5 by default)."""

    lr: float
    power: float = 0.5

    def __post_init__(self) -> None:
        _check_rate(self.lr)
        check_real(self.power, "power", minimum=0)

    def __call__(self, t: int) -> float:
        return self.lr / t**self.power


@dataclass(frozen=True)
class StepDecay:
    """η_t = η γ^⌊(t − 1) / s⌋: multiply by γ every s steps."""

    lr: float
    step_size: int
    gamma: float = 0.1

    def __post_init__(self) -> None:
        _check_rate(self.lr)
        check_integer(self.step_size, "step_size", minimum=1)
        check_real(self.gamma, "gamma", minimum=0)

    def __call__(self, t: int) -> float:
        return self.lr * self.gamma ** ((t - 1) // self.step_size)


def check_lr(lr: float | Schedule, name: str = "lr") -> float | Schedule:
    """``lr`` if it is a schedule (any callable ``t -> η``) or a finite number ≥ 0 (as a
    float), else a clear error naming ``name``."""
    return lr if callable(lr) else check_real(lr, name, minimum=0)


def learning_rate(lr: float | Schedule, t: int) -> float:
    """η_t: ``lr(t)`` for a schedule, ``lr`` itself for a number."""
    return lr(t) if callable(lr) else lr
