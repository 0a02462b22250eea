"""Completion: clamp some visible units of a Boltzmann machine and let the others settle.

A machine that has learned a distribution over its visible units can fill in the missing
part of a vector: with the known units (the inputs) clamped, annealing the rest towards a
low temperature lets them settle in a state of high probability given the inputs, as
Ackley, Hinton and Sejnowski (1985) test their encoders (clamp V1, anneal, read V2).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.checks import check_size
from nnlearn.init import rng_from
from nnlearn.models.energy.annealing import COMPLETION_SCHEDULE, temperatures
from nnlearn.models.energy.binary import check_binary
from nnlearn.models.energy.connectivity import unit_indices
from nnlearn.models.energy.sweeps import run_sweeps

if TYPE_CHECKING:
    from nnlearn.models.energy.boltzmann import BoltzmannMachine

Units = str | Sequence[str] | Sequence[int]


def complete(bm: BoltzmannMachine, patterns: ArrayLike, clamp: Units,
             schedule: ArrayLike = COMPLETION_SCHEDULE, rule: str = "gibbs",
             order: str = "random",
             random_state: int | np.random.Generator | None = None) -> np.ndarray:
    """Clamp some visible units to ``patterns`` and anneal all the other units.

    Parameters
    ----------
    bm : BoltzmannMachine
    patterns : array-like of shape (m, n_visible)
        Visible vectors; only the clamped units' entries are read.
    clamp : str, sequence of str or sequence of int
        The clamped units: group names or indices (visible units).
    schedule : array-like, default :data:`~nnlearn.models.energy.annealing.COMPLETION_SCHEDULE`
        One sweep at each temperature: by default the paper's annealing (2 sweeps at
        T = 20, 2 at 15, 2 at 12, 4 at 10), then a slow cooling to T = 0.5.
    rule, order, random_state
        As for :meth:`BoltzmannMachine.sample`; the other units start at random.

    Returns
    -------
    ndarray of shape (m, n_units)
        The final states: clamped units as given, the others as annealing left them.
    """
    v = np.atleast_2d(check_binary(patterns, bm.n_visible, "patterns"))
    clamped = unit_indices(clamp, bm.groups, bm.n_units, "clamp")
    if clamped.max() >= bm.n_visible:
        raise ValueError(f"clamp must name visible units (0 to {bm.n_visible - 1}), got unit "
                         f"{clamped.max()}")
    rng = rng_from(random_state)
    states = bm._init_states(len(v), None, rng)
    states[:, clamped] = v[:, clamped]
    free = np.setdiff1d(np.arange(bm.n_units), clamped)
    run_sweeps(states, bm.weights, bm.biases, temperatures(schedule), rng, free, rule, order)
    return states


def completion_accuracy(bm: BoltzmannMachine, patterns: ArrayLike, inputs: Units = "input",
                        outputs: Units = "output", n_trials: int = 10,
                        **options: Any) -> float:
    """The fraction of completions that reproduce the patterns' outputs.

    Each pattern's ``inputs`` are clamped and the rest annealed (:func:`complete`, with
    ``options``) ``n_trials`` times; a trial is correct when every output unit ends as in
    the pattern.
    """
    v = np.atleast_2d(check_binary(patterns, bm.n_visible, "patterns"))
    trials = np.repeat(v, check_size(n_trials, "n_trials"), axis=0)
    out = unit_indices(outputs, bm.groups, bm.n_units, "outputs")
    completed = complete(bm, trials, inputs, **options)
    return float(np.mean(np.all(completed[:, out] == trials[:, out], axis=1)))
