"""The structure of a Markov chain, read off the graph of its transition matrix.

State i *leads to* j (i → j) if T^n(i, j) > 0 for some n ≥ 0; i and j *communicate* if each
leads to the other. Communication splits the states into classes. A class that no
transition leaves is *closed*: in a finite chain its states are *recurrent* (visited again
and again), every other state is *transient* (left for good, with probability 1). The
*period* of a state is

.. math:: d(i) = \\gcd\\{n \\ge 1 : T^n(i, i) > 0\\},

the same for every state of a class; a chain is *aperiodic* when every recurrent class has
period 1 (then, and only then, p_n converges from every start).

Every function takes a validated row-stochastic matrix ``T`` of shape (K, K) and returns
classes as sorted arrays of state indices, ordered by their smallest state.
"""

from __future__ import annotations

import math

import numpy as np

from nnlearn.equations import implements

TEST = "tests/test_markov_structure.py::test_period_of_cycles_and_their_gcd"


def communication_classes(T: np.ndarray) -> list[np.ndarray]:
    """The communication classes of the chain: the strongly connected components of the
    graph with an edge i → j wherever T(i, j) > 0."""
    from scipy.sparse.csgraph import connected_components

    n_classes, labels = connected_components(T > 0, directed=True, connection="strong")
    classes = [np.flatnonzero(labels == c) for c in range(n_classes)]
    return sorted(classes, key=lambda members: members[0])


def is_closed(T: np.ndarray, members: np.ndarray) -> bool:
    """Whether no transition leaves the set of states ``members``."""
    return not np.delete(T[members], members, axis=1).any()


def recurrent_classes(T: np.ndarray) -> list[np.ndarray]:
    """The closed communication classes: the recurrent classes of a finite chain."""
    return [members for members in communication_classes(T) if is_closed(T, members)]


def transient_states(T: np.ndarray) -> np.ndarray:
    """The states outside every recurrent class, in increasing order."""
    recurrent = np.zeros(len(T), dtype=bool)
    for members in recurrent_classes(T):
        recurrent[members] = True
    return np.flatnonzero(~recurrent)


@implements("markov_period", test=TEST)
def class_period(T: np.ndarray, members: np.ndarray) -> int:
    """The period d of the communication class ``members``.

    With ℓ(i) the length of a shortest path from the class's first state to i, every cycle's
    length is a sum of ℓ(u) + 1 − ℓ(v) over its edges u → v, and d is the gcd of these
    numbers over the class's edges: d = gcd{n ≥ 1 : T^n(i, i) > 0}. A class without a
    cycle (a transient state never revisited) gets 0, the gcd of no numbers.
    """
    from scipy.sparse.csgraph import shortest_path

    inside = T[np.ix_(members, members)] > 0
    level = shortest_path(inside, indices=0, unweighted=True).astype(np.int64)
    u, v = np.nonzero(inside)
    return int(np.gcd.reduce(level[u] + 1 - level[v]))


def period(T: np.ndarray) -> int:
    """The period of the chain: the least common multiple of the periods of its recurrent
    classes (for an irreducible chain, the period of its one class)."""
    return math.lcm(*(class_period(T, members) for members in recurrent_classes(T)))


def leading_to(T: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """The states that lead to a state of ``targets`` (a boolean mask of shape (K,)), in
    zero or more steps, as a boolean mask; each state joins the frontier once, so this
    costs O(K²)."""
    reached = targets.copy()
    frontier = targets.copy()
    while frontier.any():
        frontier = (T[:, frontier] > 0).any(axis=1) & ~reached
        reached |= frontier
    return reached
