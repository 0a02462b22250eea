"""The two phases of Boltzmann learning, estimated by sampling.

In the clamped phase the visible units hold data vectors and the hidden units settle
given them; in the free phase every unit runs. Each phase gives co-activation statistics
p_ij = ⟨s_i s_j⟩ and p_i = ⟨s_i⟩ (clamped), q_ij and q_i (free). Ackley, Hinton and
Sejnowski (1985) estimate them this way, and every step is an option here:

* annealing before the statistics are collected: each phase first sweeps through a schedule
  of temperatures (their encoders: 2 sweeps at T = 20, 2 at 15, 2 at 12, 4 at 10), so
  that a chain reaches the low-energy states instead of being trapped on the way;
* co-occurrence statistics from several samples: the states after each of the last
  ``n_samples`` sweeps at T (10 sweeps at T = 10 in the paper) are averaged;
* noisy clamping: a clamped unit that is on is turned off with probability
  p(on → off), one that is off is turned on with p(off → on) (0.15 and 0.05 in the
  paper), so that no state of the data has probability exactly 1 or 0 and the weights
  do not grow without bound;
* as many free chains as clamped ones, each data vector clamped in proportion to its weight.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from nnlearn.equations import implements
from nnlearn.models.energy.sweeps import run_sweeps

if TYPE_CHECKING:
    from nnlearn.models.energy.boltzmann import BoltzmannMachine

Statistics = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True)
class SamplingPlan:
    """How one phase's statistics are sampled (validated by ``boltzmann_learning.fit``).

    Attributes
    ----------
    clamped_temperatures, free_temperatures : ndarray
        Each phase's sweeps: its annealing schedule, then ``n_sweeps`` at the temperature
        of the statistics.
    n_samples : int
        The last ``n_samples`` sweeps of a phase give its statistics.
    clamp_noise : (float, float) or None
        p(on → off) and p(off → on) of a clamped visible unit.
    order : str
        The order of the units within a sweep.
    """

    clamped_temperatures: np.ndarray
    free_temperatures: np.ndarray
    n_samples: int
    clamp_noise: tuple[float, float] | None
    order: str

    @classmethod
    def annealed(cls, clamped_schedule: np.ndarray, free_schedule: np.ndarray, T: float,
                 n_sweeps: int, n_samples: int, clamp_noise: tuple[float, float] | None,
                 order: str) -> SamplingPlan:
        """Each phase anneals through its schedule, then sweeps ``n_sweeps`` times at T."""
        at_T = np.full(n_sweeps, T)
        return cls(np.concatenate([clamped_schedule, at_T]),
                   np.concatenate([free_schedule, at_T]), n_samples, clamp_noise, order)


def moments(states: np.ndarray, probs: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """⟨s_i s_j⟩ and ⟨s_i⟩ over the rows of ``states``, weighted by ``probs`` (uniform
    by default)."""
    probs = np.full(len(states), 1.0 / len(states)) if probs is None else probs
    pair = states.T @ (probs[:, None] * states)
    return 0.5 * (pair + pair.T), probs @ states


@implements("noisy_clamping", test="tests/test_boltzmann_encoder.py::test_noisy_clamping")
def add_clamp_noise(visible: np.ndarray, noise: tuple[float, float] | None,
                    rng: np.random.Generator) -> np.ndarray:
    """Flip clamped units that are on with probability p(on → off), those off with
    p(off → on); a new array."""
    if noise is None:
        return visible.copy()
    on_off, off_on = noise
    flip = rng.random(visible.shape) < np.where(visible == 1, on_off, off_on)
    return np.where(flip, 1.0 - visible, visible)


class Resampler:
    """Draws ``n`` of ``rows`` in proportion to ``weights`` with the least variance: row k
    appears ⌊n w_k⌋ times, and the remaining draws go without replacement by the fractions
    left. With equal weights and n a multiple of the number of rows, every row appears
    equally often (the paper clamps each of its patterns the same number of times).
    """

    def __init__(self, rows: np.ndarray, weights: np.ndarray, n: int) -> None:
        expected = n * weights / weights.sum()
        self.rows, self.counts = rows, np.floor(expected).astype(np.intp)
        self.left = n - int(self.counts.sum())
        fractions = expected - self.counts
        self.fractions = fractions / fractions.sum() if self.left else fractions
        self.fixed = np.repeat(rows, self.counts, axis=0)

    def __call__(self, rng: np.random.Generator) -> np.ndarray:
        if not self.left:
            return self.fixed
        counts = self.counts.copy()
        counts[rng.choice(len(self.rows), size=self.left, replace=False, p=self.fractions)] += 1
        return np.repeat(self.rows, counts, axis=0)


def sampled_statistics(bm: BoltzmannMachine, visible: np.ndarray, free_chains: np.ndarray,
                       plan: SamplingPlan, rng: np.random.Generator) -> Statistics:
    """(p_ij, p_i, q_ij, q_i) from the clamped and free phases; ``free_chains`` (persistent
    between calls) advance in place.

    Parameters
    ----------
    visible : ndarray of shape (m, n_visible)
        The data vectors to clamp, one chain each.
    free_chains : ndarray of shape (c, n)
        The free phase's chains.
    """
    clamped = np.empty((len(visible), bm.n_units))
    clamped[:, : bm.n_visible] = add_clamp_noise(visible, plan.clamp_noise, rng)
    clamped[:, bm.n_visible :] = rng.random((len(visible), bm.n_hidden)) < 0.5
    hidden = np.arange(bm.n_visible, bm.n_units)
    clamped_phase = run_sweeps(clamped, bm.weights, bm.biases, plan.clamped_temperatures, rng,
                               hidden, order=plan.order, n_record=plan.n_samples)
    free_phase = run_sweeps(free_chains, bm.weights, bm.biases, plan.free_temperatures, rng,
                            np.arange(bm.n_units), order=plan.order, n_record=plan.n_samples)
    return (clamped_phase.co_activation, clamped_phase.activation, free_phase.co_activation,
            free_phase.activation)
