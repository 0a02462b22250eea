"""Estimating T from state sequences: counts, maximum likelihood, pseudo-counts, errors."""

import itertools

import numpy as np
import pytest

from nnlearn.dynamics import MarkovChain


def log_likelihood(T, sequences):
    return sum(np.log(T[s[:-1], s[1:]]).sum() for s in sequences)


def test_estimate_maximises_the_likelihood():
    rng = np.random.default_rng(0)
    T = rng.dirichlet(np.ones(4), size=4)
    sequences = [MarkovChain(T).sample(n, start=s, random_state=s)
                 for s, n in enumerate((300, 50, 1, 120))]
    estimate = MarkovChain.from_sequences(sequences).T
    best = log_likelihood(estimate, sequences)
    # any other stochastic matrix (moved along the simplex, row by row) is less likely
    for _ in range(50):
        other = estimate + 0.02 * rng.normal(size=(4, 4))
        other = np.abs(other) / np.abs(other).sum(axis=1, keepdims=True)
        assert log_likelihood(other, sequences) < best
    # and it equals the transition frequencies, counted by hand
    counts = np.zeros((4, 4))
    for s in sequences:
        for i, j in itertools.pairwise(s):
            counts[i, j] += 1
    np.testing.assert_allclose(estimate, counts / counts.sum(axis=1, keepdims=True))


def test_long_sampled_sequences_recover_the_chain():
    rng = np.random.default_rng(1)
    T = rng.dirichlet(np.ones(3), size=3)
    paths = MarkovChain(T).sample(2000, start=0, random_state=2, n_chains=20)
    np.testing.assert_allclose(MarkovChain.from_sequences(paths).T, T, atol=0.015)


def test_pseudo_counts_smooth_and_fill_unseen_rows():
    sequences = [[0, 1, 1, 0], [1, 1]]
    np.testing.assert_allclose(MarkovChain.from_sequences(sequences).T,
                               [[0, 1], [1 / 3, 2 / 3]])
    laplace = MarkovChain.from_sequences(sequences, n_states=3, pseudo_count=1)
    # counts [[0, 1, 0], [1, 2, 0], [0, 0, 0]] + 1, normalised row by row
    np.testing.assert_allclose(laplace.T, [[1 / 4, 2 / 4, 1 / 4], [2 / 6, 3 / 6, 1 / 6],
                                           [1 / 3, 1 / 3, 1 / 3]])
    half = MarkovChain.from_sequences(np.array([0, 0, 0, 1]), pseudo_count=np.float32(0.5))
    np.testing.assert_allclose(half.T, [[2.5 / 4, 1.5 / 4], [0.5, 0.5]])


def test_one_sequence_a_list_of_them_and_a_2d_array_of_them():
    one = MarkovChain.from_sequences([0, 1, 0, 0, 1, 1]).T
    np.testing.assert_allclose(MarkovChain.from_sequences(np.array([0, 1, 0, 0, 1, 1])).T, one)
    np.testing.assert_allclose(MarkovChain.from_sequences([np.int64(0), 1, 0, 0, 1, 1]).T, one)
    rows = MarkovChain.from_sequences(np.array([[0, 1, 1], [1, 0, 0]])).T
    np.testing.assert_allclose(rows, MarkovChain.from_sequences([[0, 1, 1], [1, 0, 0]]).T)
    # transitions are counted inside each sequence, never across two
    np.testing.assert_allclose(MarkovChain.from_sequences([[0, 0], [1, 1]]).T, np.eye(2))


@pytest.mark.parametrize(("sequences", "kwargs", "error", "message"), [
    ([0, 1, 2], {}, ValueError, r"states \[2\] are never left .* give pseudo_count > 0"),
    ([], {}, ValueError, "at least one sequence"),
    ([0.0, 1.0], {}, TypeError, r"sequences\[0\] must be a 1-D sequence of integer indices"),
    (np.array([0.0, 1.0, 0.0]), {}, TypeError, "sequences must hold integer indices, got dtype"),
    ([[0, -1]], {}, ValueError, r"sequences\[0\] must be ≥ 0, got -1 at index 1"),
    ([0, 1, 0], {"n_states": 1}, ValueError, "n_states must be an integer ≥ 2, got 1"),
    ([0, 1, 0], {"n_states": 2.0}, TypeError, "n_states must be an integer"),
    ([0, 1, 0], {"pseudo_count": -1}, ValueError, "pseudo_count must be a finite real number ≥ 0"),
    ([0, 1, 0], {"pseudo_count": np.nan}, ValueError, "pseudo_count must be a finite real"),
    ([0, 1, 0], {"pseudo_count": 1j}, TypeError, "pseudo_count must be a finite real"),
    ([[0, 1], [True, False]], {}, TypeError, r"sequences\[1\] must hold integer indices"),
])
def test_bad_sequences_get_clear_errors(sequences, kwargs, error, message):
    with pytest.raises(error, match=message):
        MarkovChain.from_sequences(sequences, **kwargs)
