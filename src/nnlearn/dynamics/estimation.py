"""Estimating a transition matrix from observed state sequences.

The log-likelihood of sequences x_0, x_1, ..., given T, is Σ_{i,j} C_ij log T(i, j), with
C_ij the number of observed transitions i → j. Maximising it row by row under Σ_j T(i, j) = 1
gives the transition frequencies; α pseudo-counts added to every C_ij (a symmetric
Dirichlet(α + 1) prior, "add-α" or Laplace smoothing for α = 1) give the posterior mode

.. math:: \\hat T(i, j) = \\frac{C_{ij} + \\alpha}{\\sum_k C_{ik} + K \\alpha}.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.checks import check_integer
from nnlearn.dynamics.validation import check_index_sequence
from nnlearn.equations import implements

TEST = "tests/test_markov_estimation.py::test_estimate_maximises_the_likelihood"


def as_sequences(sequences: ArrayLike | Sequence[ArrayLike],
                 n_states: int | None = None) -> tuple[list[np.ndarray], int]:
    """The state sequences as a list of 1-D index arrays, and the number of states.

    ``sequences`` is one sequence of state indices, or several: a list of sequences of any
    lengths, or a 2-D array with one sequence per row. ``n_states`` defaults to the largest
    index seen plus one.
    """
    if isinstance(sequences, np.ndarray):
        one = sequences.ndim == 1
    else:
        one = isinstance(sequences, Sequence) and len(sequences) > 0 and all(
            isinstance(x, numbers.Integral) for x in sequences)
    listed = [sequences] if one else list(sequences)
    if not listed:
        raise ValueError("sequences must hold at least one sequence of states, got none")
    names = ["sequences"] if one else [f"sequences[{k}]" for k in range(len(listed))]
    checked = [check_index_sequence(s, None, name) for s, name in zip(listed, names, strict=True)]
    largest = max((int(s.max()) for s in checked if s.size), default=-1)
    if n_states is None:
        n_states = max(largest + 1, 1)
    n_states = check_integer(n_states, "n_states", minimum=max(largest + 1, 1))
    return checked, n_states


def transition_counts(sequences: list[np.ndarray], n_states: int) -> np.ndarray:
    """C of shape (n_states, n_states): C_ij counts the steps i → j over all sequences."""
    counts = np.zeros((n_states, n_states))
    for s in sequences:
        np.add.at(counts, (s[:-1], s[1:]), 1.0)
    return counts


@implements("markov_maximum_likelihood", test=TEST)
def maximum_likelihood_transitions(counts: np.ndarray, pseudo_count: float) -> np.ndarray:
    """T̂(i, j) = (C_ij + α) / (Σ_k C_ik + K α), from counts C and pseudo-count α ≥ 0.

    Raises
    ------
    ValueError
        If a row has nothing to estimate from: a state never left in the data, with α = 0
        (the message names these states).
    """
    smoothed = counts + pseudo_count
    totals = smoothed.sum(axis=1, keepdims=True)
    never_left = np.flatnonzero(totals[:, 0] == 0)
    if never_left.size:
        raise ValueError(f"states {never_left.tolist()} are never left in the sequences, so "
                         f"their rows of T cannot be estimated: give pseudo_count > 0, or "
                         f"n_states without the states never seen")
    return smoothed / totals
