"""The capacity experiment of the Hopfield network.

Random bipolar patterns are stored with the analytical rule and recalled from
themselves; as the load α = N/L grows, the recalled states drift away from the patterns,
and near the theoretical α_c ≈ 0.138 (Amit, Gutfreund and Sompolinsky, 1985) recall
breaks down.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.equations import implements
from nnlearn.models.energy.hopfield import Hopfield

THEORETICAL_CAPACITY = 0.138


@dataclass
class CapacityCurve:
    """The result of :func:`capacity_curve`, one entry per load.

    Attributes
    ----------
    loads : ndarray
        The loads α = N/L actually used (N rounded to an integer).
    stable : ndarray
        Fraction of the stored patterns that are fixed points of the update.
    recalled : ndarray
        Fraction recalled (from the pattern itself) with at most ``tolerance`` bits wrong.
    bit_error : ndarray
        Mean fraction of wrong bits after recall.
    """

    loads: np.ndarray
    stable: np.ndarray
    recalled: np.ndarray
    bit_error: np.ndarray

    def breakdown(self, level: float = 0.5) -> float:
        """The load where the recalled fraction first falls below ``level`` (interpolated)."""
        below = np.flatnonzero(self.recalled < level)
        if below.size == 0:
            return float("inf")
        k = below[0]
        if k == 0:
            return float(self.loads[0])
        x0, x1 = self.loads[k - 1], self.loads[k]
        y0, y1 = self.recalled[k - 1], self.recalled[k]
        return float(x0 + (y0 - level) * (x1 - x0) / (y0 - y1))


@implements(
    "hopfield_capacity",
    test="tests/test_hopfield.py::test_small_capacity_experiment_breaks_down_near_theory",
)
def capacity_curve(
    n_units: int = 200,
    loads: ArrayLike = (0.05, 0.1, 0.125, 0.15, 0.175, 0.2, 0.25),
    tolerance: float = 0.01,
    n_trials: int = 1,
    max_steps: int = 30,
    random_state: int | np.random.Generator | None = None,
) -> CapacityCurve:
    """Store N = α L random patterns for each load α and measure how many are kept.

    Parameters
    ----------
    n_units : int, default 200
        L, the number of neurons.
    loads : array-like of float
        The loads α = N/L.
    tolerance : float, default 0.01
        A pattern counts as recalled when at most this fraction of its bits is wrong
        after asynchronous recall started at the pattern.
    n_trials : int, default 1
        Independent sets of patterns per load (the fractions are pooled).
    max_steps : int, default 30
        Sweeps allowed to each recall.
    random_state : int, Generator or None

    Returns
    -------
    CapacityCurve

    Examples
    --------
    >>> curve = capacity_curve(100, loads=[0.05], random_state=0)
    >>> float(curve.recalled[0])
    1.0
    """
    rng = np.random.default_rng(random_state)
    loads = np.asarray(loads, dtype=np.float64)
    counts = np.maximum(1, np.round(loads * n_units).astype(int))
    stable, recalled, error = [], [], []
    for n_patterns in counts:
        fixed = hits = wrong = 0.0
        for _ in range(n_trials):
            patterns = rng.choice([-1.0, 1.0], size=(n_patterns, n_units))
            net = Hopfield(n_units).store(patterns)
            fixed += np.all(net.update(patterns) == patterns, axis=1).sum()
            final = net.recall(patterns, max_steps=max_steps, random_state=rng)
            bits = np.mean(final != patterns, axis=1)
            hits += np.sum(bits <= tolerance)
            wrong += bits.sum()
        total = n_patterns * n_trials
        stable.append(fixed / total)
        recalled.append(hits / total)
        error.append(wrong / total)
    return CapacityCurve(counts / n_units, np.array(stable), np.array(recalled), np.array(error))
