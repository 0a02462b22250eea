"""MarkovChain against QuantEcon's MarkovChain: structure, period, stationary laws, estimation.

QuantEcon (Sargent and Stachurski's library) is an independent implementation of the same
mathematics: its digraph analysis and its own GTH solver.
"""

import numpy as np
import pytest
import quantecon as qe

from nnlearn.dynamics import MarkovChain


def sparse_chain(rng, k, density):
    """A random chain whose zero pattern leaves, for small densities, several recurrent
    classes, transient states and periods above 1."""
    m = rng.random((k, k)) * (rng.random((k, k)) < density)
    empty = ~m.any(axis=1)
    m[empty, rng.integers(0, k, size=empty.sum())] = 1.0
    return m / m.sum(axis=1, keepdims=True)


def cyclic_chain(rng, sizes):
    """An irreducible chain whose cyclic classes have the given sizes: period len(sizes)."""
    offsets = np.cumsum([0, *sizes])
    T = np.zeros((offsets[-1], offsets[-1]))
    for c, size in enumerate(sizes):
        nxt = (c + 1) % len(sizes)
        block = rng.random((size, sizes[nxt])) + 0.1
        T[offsets[c]:offsets[c + 1], offsets[nxt]:offsets[nxt + 1]] = block
    return T / T.sum(axis=1, keepdims=True)


def as_sets(classes):
    return sorted(sorted(int(s) for s in c) for c in classes)


CHAINS = [sparse_chain(np.random.default_rng(seed), k, density)
          for seed, (k, density) in enumerate(
              (k, d) for k in (1, 2, 3, 5, 8, 12) for d in (0.12, 0.25, 0.5, 1.0)
              for _ in range(3))]
CHAINS += [cyclic_chain(np.random.default_rng(100 + i), sizes)
           for i, sizes in enumerate([(1, 1), (2, 3), (1, 2, 1), (3, 3, 2, 1), (2,) * 6])]


def test_random_chains_cover_the_interesting_cases():
    chains = [qe.MarkovChain(T) for T in CHAINS]
    assert sum(mc.num_recurrent_classes > 1 for mc in chains) >= 10
    assert sum(not mc.is_irreducible and mc.num_recurrent_classes == 1 for mc in chains) >= 5
    assert sum(mc.period > 1 for mc in chains) >= 8
    assert len({mc.period for mc in chains}) >= 4


@pytest.mark.parametrize("index", range(len(CHAINS)))
def test_structure_and_stationary_distributions_equal_quantecon(index):
    T = CHAINS[index]
    ours, theirs = MarkovChain(T), qe.MarkovChain(T)
    assert as_sets(ours.communication_classes()) == as_sets(theirs.communication_classes)
    assert as_sets(ours.recurrent_classes()) == as_sets(theirs.recurrent_classes)
    recurrent = {int(s) for c in theirs.recurrent_classes for s in c}
    assert ours.transient_states().tolist() == sorted(set(range(len(T))) - recurrent)
    assert ours.is_irreducible == theirs.is_irreducible
    assert ours.period() == theirs.period
    assert ours.is_aperiodic == theirs.is_aperiodic
    # one stationary law per recurrent class; QuantEcon orders them its own way
    by_support = {tuple(np.flatnonzero(pi)): pi for pi in theirs.stationary_distributions}
    laws = ours.stationary_distributions()
    assert len(laws) == len(by_support)
    for pi in laws:
        np.testing.assert_allclose(pi, by_support[tuple(np.flatnonzero(pi))], atol=1e-14)
        np.testing.assert_allclose(pi @ T, pi, atol=1e-14)


def test_nearly_decomposable_chain_agrees_with_quantecon_to_rounding():
    eps = 1e-14
    T = np.array([[0.4, 0.6 - eps, eps, 0.0], [0.3, 0.7, 0.0, 0.0],
                  [0.0, 0.0, 0.2, 0.8], [eps, 0.0, 0.5, 0.5 - eps]])
    ours = MarkovChain(T).stationary_distribution()
    np.testing.assert_allclose(ours, qe.MarkovChain(T).stationary_distributions[0],
                               rtol=1e-13)
    # censored to each block, the chain is the block itself: π is proportional there
    np.testing.assert_allclose(ours[:2] / ours[:2].sum(), [1 / 3, 2 / 3], rtol=1e-13)
    np.testing.assert_allclose(ours[2:] / ours[2:].sum(), [5 / 13, 8 / 13], rtol=1e-13)


def test_estimation_equals_quantecon_estimate_mc():
    rng = np.random.default_rng(3)
    T = sparse_chain(rng, 5, 0.6)
    T = 0.9 * T + 0.1 / 5  # every state visited and left
    path = MarkovChain(T).sample(3000, start=0, random_state=4)
    ours = MarkovChain.from_sequences(path)
    np.testing.assert_allclose(ours.T, qe.markov.estimate_mc(path).P, atol=1e-15)
