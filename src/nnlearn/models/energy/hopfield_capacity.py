"""The capacity experiments of the Hopfield network, for every storage rule.

Two measures, each with its published reference:

* :func:`capacity_curve`: random patterns are stored at a load α = N/L and recalled
  (from themselves, or from copies with a fraction of their bits flipped). With Hebb's
  rule recall breaks down near α_c ≈ 0.138 (Amit, Gutfreund and Sompolinsky, 1985).
* :func:`absolute_capacity`: the number of random patterns stored before the first of
  them stops being a fixed point. Storkey (1997) gives L/(2 ln L) for Hebb's rule and
  L/√(2 ln L) for his; the pseudo-inverse rule keeps every pattern up to L − 1.

:func:`retrieval_curve` sets the classical network beside the modern continuous one
(Ramsauer et al. 2020), whose capacity grows exponentially with the dimension.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.checks import check_integer, check_real, check_real_array
from nnlearn.equations import implements
from nnlearn.init import rng_from
from nnlearn.models.energy.hopfield import Hopfield
from nnlearn.models.energy.hopfield_rules import RULES
from nnlearn.models.energy.modern_hopfield import ModernHopfield

THEORETICAL_CAPACITY = 0.138
TEST = "tests/test_hopfield_capacity.py::"
RandomState = int | np.random.Generator | None


@dataclass
class CapacityCurve:
    """The result of :func:`capacity_curve`, one entry per load.

    Attributes
    ----------
    loads : ndarray
        The loads α = N/L actually used (N rounded to an integer).
    stable : ndarray
        Fraction of the stored patterns that are strict fixed points
        (:meth:`Hopfield.stable`).
    recalled : ndarray
        Fraction recalled (from the pattern, with ``noise`` of its bits flipped) with at
        most ``tolerance`` of the bits wrong.
    bit_error : ndarray
        Mean fraction of wrong bits after recall.
    rule : str
        The storage rule.
    n_units : int
        L.
    noise : float
        The fraction of bits flipped in each probe.
    """

    loads: np.ndarray
    stable: np.ndarray
    recalled: np.ndarray
    bit_error: np.ndarray
    rule: str
    n_units: int
    noise: float

    def breakdown(self, level: float = 0.5, measure: str = "recalled") -> float:
        """The load where the ``measure`` ("recalled" or "stable") first falls below
        ``level`` (interpolated linearly); inf if it never does."""
        level = check_real(level, "level", minimum=0, maximum=1)
        if measure not in ("recalled", "stable"):
            raise ValueError(f"measure must be 'recalled' or 'stable', got {measure!r}")
        fraction = getattr(self, measure)
        below = np.flatnonzero(fraction < level)
        if below.size == 0:
            return float("inf")
        k = below[0]
        if k == 0:
            return float(self.loads[0])
        x0, x1 = self.loads[k - 1], self.loads[k]
        y0, y1 = fraction[k - 1], fraction[k]
        return float(x0 + (y0 - level) * (x1 - x0) / (y0 - y1))


def _rule_name(rule: str) -> str:
    """The registered name of a storage rule; an unknown rule is an error before any work."""
    RULES.get(rule)
    return RULES.canonical(rule)


def random_patterns(rng: np.random.Generator, n_patterns: int, n_units: int) -> np.ndarray:
    """Independent random bipolar patterns, each bit ±1 with probability ½: shape (N, L)."""
    return rng.choice([-1.0, 1.0], size=(n_patterns, n_units))


def flip_bits(patterns: np.ndarray, n_flips: int, rng: np.random.Generator) -> np.ndarray:
    """Copies of the patterns with exactly ``n_flips`` bits of each flipped, at random."""
    flipped = patterns.copy()
    where = rng.random(patterns.shape).argsort(axis=1)[:, :n_flips]
    np.put_along_axis(flipped, where, -np.take_along_axis(patterns, where, axis=1), axis=1)
    return flipped


@implements("hopfield_capacity",
            test="tests/test_hopfield.py::test_small_capacity_experiment_breaks_down_near_theory")
def capacity_curve(
    n_units: int = 200,
    loads: ArrayLike = (0.05, 0.1, 0.125, 0.15, 0.175, 0.2, 0.25),
    tolerance: float = 0.01,
    n_trials: int = 1,
    max_steps: int = 30,
    random_state: RandomState = None,
    rule: str = "analytic",
    noise: float = 0.0,
) -> CapacityCurve:
    """Store N = α L random patterns for each load α and measure how many are kept.

    Parameters
    ----------
    n_units : int, default 200
        L, the number of neurons.
    loads : array-like of float
        The loads α = N/L (positive).
    tolerance : float, default 0.01
        A pattern counts as recalled when at most this fraction of its bits is wrong
        after asynchronous recall.
    n_trials : int, default 1
        Independent sets of patterns per load (the fractions are pooled).
    max_steps : int, default 30
        Sweeps allowed to each recall.
    random_state : int, Generator or None
    rule : str, default "analytic"
        The storage rule (:data:`~nnlearn.models.energy.hopfield_rules.RULES`).
    noise : float, default 0.0
        The fraction of bits flipped in each probe (rounded to a whole number of bits):
        0 recalls each pattern from itself, as the classical capacity experiment does.

    Returns
    -------
    CapacityCurve

    Examples
    --------
    >>> curve = capacity_curve(100, loads=[0.05], random_state=0)
    >>> float(curve.recalled[0])
    1.0
    """
    n_units = check_integer(n_units, "n_units", minimum=1)
    loads = check_real_array(loads, "loads", ndim=1, allow_empty=False)
    if np.any(loads <= 0):
        raise ValueError(f"loads must be positive, got {loads[loads <= 0][0]:g}")
    tolerance = check_real(tolerance, "tolerance", minimum=0, maximum=1)
    n_trials = check_integer(n_trials, "n_trials", minimum=1)
    n_flips = round(check_real(noise, "noise", minimum=0, maximum=1) * n_units)
    rule = _rule_name(rule)
    rng = rng_from(random_state)
    counts = np.maximum(1, np.round(loads * n_units).astype(int))
    stable, recalled, error = [], [], []
    for n_patterns in counts:
        fixed = hits = wrong = 0.0
        for _ in range(n_trials):
            patterns = random_patterns(rng, n_patterns, n_units)
            net = Hopfield(n_units).store(patterns, rule=rule)
            fixed += net.stable(patterns).sum()
            probes = flip_bits(patterns, n_flips, rng)
            final = net.recall(probes, max_steps=max_steps, random_state=rng)
            bits = np.mean(final != patterns, axis=1)
            hits += np.sum(bits <= tolerance)
            wrong += bits.sum()
        total = n_patterns * n_trials
        stable.append(fixed / total)
        recalled.append(hits / total)
        error.append(wrong / total)
    return CapacityCurve(counts / n_units, np.array(stable), np.array(recalled),
                         np.array(error), rule, n_units, n_flips / n_units)


@implements("hopfield_absolute_capacity",
            test=TEST + "test_absolute_capacities_match_the_published_figures")
def published_absolute_capacity(rule: str, n_units: int) -> float:
    """The published absolute capacity N_max of a storage rule for L = ``n_units``.

    Hebb's rules (analytic, incremental): L/(2 ln L) (McEliece, Posner, Rodemich and
    Venkatesh 1987, as Storkey 1997 quotes it); Storkey's: L/√(2 ln L) (Storkey 1997); the
    pseudo-inverse: L − 1, the most linearly independent patterns whose span leaves
    P_ii < 1 for every unit.
    """
    n_units = check_integer(n_units, "n_units", minimum=2)
    name = _rule_name(rule)
    if name == "storkey":
        return n_units / np.sqrt(2 * np.log(n_units))
    if name == "pseudoinverse":
        return float(n_units - 1)
    return n_units / (2 * np.log(n_units))


def absolute_capacity(
    n_units: int, rule: str = "analytic", n_trials: int = 10, random_state: RandomState = None
) -> np.ndarray:
    """How many random patterns a network stores before one of them is not a fixed point.

    In each trial random patterns are stored one more at a time (incremental rules
    continue from their weights, the others start afresh), until one of the stored
    patterns is no longer a strict fixed point; the trial's capacity is the number stored
    before that one (L if none fails within L patterns).

    Parameters
    ----------
    n_units : int
        L.
    rule : str, default "analytic"
        The storage rule.
    n_trials : int, default 10
        Independent trials.
    random_state : int, Generator or None

    Returns
    -------
    ndarray of int, shape (n_trials,)
        The capacity found in each trial; compare its mean with
        :func:`published_absolute_capacity`.
    """
    n_units = check_integer(n_units, "n_units", minimum=1)
    n_trials = check_integer(n_trials, "n_trials", minimum=1)
    storage = RULES.get(rule)
    rng = rng_from(random_state)
    capacities = np.full(n_trials, n_units)
    for trial in range(n_trials):
        patterns = random_patterns(rng, n_units, n_units)
        net = Hopfield(n_units)
        for n in range(1, n_units + 1):
            if storage.incremental:
                net.store(patterns[n - 1], rule=rule)
            else:
                net.store(patterns[:n], rule=rule)
            if not net.stable(patterns[:n]).all():
                capacities[trial] = n - 1
                break
    return capacities


@dataclass
class RetrievalCurve:
    """The result of :func:`retrieval_curve`, one entry per number of stored patterns.

    Attributes
    ----------
    counts : ndarray of int
        The numbers N of random patterns stored.
    modern : ndarray
        Fraction of the probes whose one modern update has the signs of their pattern.
    classical : ndarray
        Fraction of the probes the classical (Hebbian, asynchronous) network recalls exactly.
    n_units : int
        d = L.
    noise : float
        The fraction of bits flipped in each probe.
    """

    counts: np.ndarray
    modern: np.ndarray
    classical: np.ndarray
    n_units: int
    noise: float


def retrieval_curve(
    n_units: int = 64,
    counts: ArrayLike = tuple(2 ** k for k in range(1, 15)),
    noise: float = 0.2,
    beta: float = 1.0,
    n_probes: int = 100,
    random_state: RandomState = None,
) -> RetrievalCurve:
    """Classical against modern retrieval of corrupted random bipolar patterns.

    For each N, N random patterns are stored in both networks; ``n_probes`` of them,
    each with ``noise`` of its bits flipped, are recalled: by the classical network with
    Hebb's rule (asynchronous updates to a fixed point) and by the modern one in a single
    update x ← Ξ softmax(β Ξᵀ x). A probe counts as retrieved when the result has the
    signs of its pattern, every one.

    Parameters
    ----------
    n_units : int, default 64
        d = L, the units of both networks.
    counts : array-like of int, default 2, 4, …, 16384
        The numbers N of stored patterns (≥ 1).
    noise : float, default 0.2
        Fraction of the bits flipped in each probe (rounded to whole bits).
    beta : float, default 1.0
        β of the modern network.
    n_probes : int, default 100
        Probes per N (drawn among the N patterns, with repetition).
    random_state : int, Generator or None

    Returns
    -------
    RetrievalCurve
    """
    n_units = check_integer(n_units, "n_units", minimum=1)
    counts = check_real_array(counts, "counts", ndim=1, allow_empty=False)
    if np.any(counts < 1) or np.any(counts != np.round(counts)):
        raise ValueError(f"counts must be whole numbers ≥ 1, got {counts.tolist()}")
    n_flips = round(check_real(noise, "noise", minimum=0, maximum=1) * n_units)
    modern_net = ModernHopfield(n_units, beta)  # checks beta
    n_probes = check_integer(n_probes, "n_probes", minimum=1)
    rng = rng_from(random_state)
    modern, classical = [], []
    for n_patterns in counts.astype(int):
        patterns = random_patterns(rng, n_patterns, n_units)
        targets = patterns[rng.integers(0, n_patterns, n_probes)]
        probes = flip_bits(targets, n_flips, rng)
        one_step = modern_net.store(patterns).update(probes)
        modern.append(np.mean(np.all(np.sign(one_step) == targets, axis=1)))
        recalled = Hopfield(n_units).store(patterns).recall(probes, random_state=rng)
        classical.append(np.mean(np.all(recalled == targets, axis=1)))
    return RetrievalCurve(counts.astype(int), np.array(modern), np.array(classical),
                          n_units, n_flips / n_units)
