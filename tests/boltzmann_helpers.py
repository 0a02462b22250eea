"""Shared by the Boltzmann machine and RBM tests: random machines, expected messages."""

from __future__ import annotations

import numpy as np

from nnlearn.models import BoltzmannMachine

#: The shared check's words for an integer ≥ 1 (main words it "a positive integer").
POSITIVE = "(an integer ≥ 1|a positive integer)"


def random_machine(n, seed, scale=1.0, n_visible=None, connectivity=None):
    """A machine of n units with N(0, scale²) weights (on the connections) and biases."""
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.normal(0, scale, (n, n)), 1)
    if connectivity is not None:
        upper = upper * connectivity
    return BoltzmannMachine(n, n_visible, weights=upper + upper.T,
                            biases=rng.normal(0, scale, n), connectivity=connectivity)
