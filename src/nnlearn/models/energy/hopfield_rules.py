"""The storage rules of the Hopfield network: how the weights W come from the patterns.

Each rule is registered by name in :data:`RULES`, where ``Hopfield.store(patterns,
rule=...)`` finds it. The patterns ξ_1 … ξ_N are the rows of an array of shape (N, L);
every rule leaves W with a zero diagonal, as the field of unit i sums over j ≠ i.

``analytic``
    The course's Hebbian rule in one shot, W = 1/L (Σ ξ ξᵀ − N I).
``incremental``
    The same rule one pattern at a time, W(n) = W(n − 1) + μ (ξ ξᵀ − I).
``storkey``
    Storkey (1997): Hebb's term minus the crosstalk that the pattern's local fields
    already carry. Local and incremental as Hebb's rule is, with an absolute capacity of
    L/√(2 ln L) patterns against Hebb's L/(2 ln L).
``pseudoinverse``
    The projection rule (Personnaz, Guyon and Dreyfus 1985; Kanter and Sompolinsky 1987):
    W projects onto the span of the patterns, so that each of up to L − 1 linearly
    independent patterns is a fixed point. Neither local nor incremental.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nnlearn.equations import implements
from nnlearn.registry import Registry

TEST = "tests/test_hopfield.py::"
RULES_TEST = "tests/test_hopfield_rules.py::"


@dataclass(frozen=True)
class StorageRule:
    """A storage rule, as :meth:`Hopfield.store` uses it.

    Attributes
    ----------
    learn : callable
        ``learn(patterns)`` → W, or for an incremental rule ``learn(patterns, weights)``
        → W continued from the current ``weights`` (shapes (N, L), (L, L) → (L, L)).
    incremental : bool
        Whether the rule continues from the current weights (it learns a new pattern
        from the old W alone); the others replace W.
    has_learning_rate : bool
        Whether ``learn`` takes a ``learning_rate`` μ.
    """

    learn: Callable[..., np.ndarray]
    incremental: bool = False
    has_learning_rate: bool = False


RULES: Registry[StorageRule] = Registry("Hopfield storage rule")


def _zero_diagonal(weights: np.ndarray) -> np.ndarray:
    np.fill_diagonal(weights, 0.0)
    return weights


@implements("analytical_solution_of_a_hopfield_network", test=TEST + "test_storage_rules")
def analytic_weights(patterns: np.ndarray) -> np.ndarray:
    """W = 1/L (Σ_{i=1..N} ξ_i ξ_iᵀ − N I) for the N patterns ξ_i (rows) of length L."""
    n_patterns, n_units = patterns.shape
    return (patterns.T @ patterns - n_patterns * np.eye(n_units, dtype=patterns.dtype)) / n_units


@implements("weight_update_of_a_hopfield_network", test=TEST + "test_storage_rules")
def incremental_update(weights: np.ndarray, pattern: np.ndarray, learning_rate: float) -> None:
    """W(n) = W(n − 1) + μ (ξ ξᵀ − I), in place."""
    weights += learning_rate * np.outer(pattern, pattern)
    weights[np.diag_indices_from(weights)] -= learning_rate


def incremental_weights(patterns: np.ndarray, weights: np.ndarray,
                        learning_rate: float | None = None) -> np.ndarray:
    """The incremental rule applied to each pattern in turn from ``weights`` (μ = 1/L by
    default); from W = 0 it gives the analytic weights."""
    weights = weights.copy()
    mu = 1.0 / patterns.shape[1] if learning_rate is None else learning_rate
    for pattern in patterns:
        incremental_update(weights, pattern, mu)
    return weights


@implements("storkey_learning_rule",
            test=RULES_TEST + "test_storkey_rule_matches_its_definition_entry_by_entry")
def storkey_update(weights: np.ndarray, pattern: np.ndarray) -> np.ndarray:
    """One step of Storkey's rule: the weights after learning ``pattern`` ξ.

    W_ij ← W_ij + 1/L (ξ_i ξ_j − ξ_i h_ji − h_ij ξ_j),   h_ij = Σ_{k≠i,j} W_ik ξ_k,

    for i ≠ j; the diagonal stays zero. With the full fields h = W ξ (W without its
    diagonal), h_ij = h_i − W_ij ξ_j, and as ξ_j² = 1 the update is, in matrices,

        W ← W + 1/L (ξ ξᵀ − ξ hᵀ − h ξᵀ + W + Wᵀ)     (off the diagonal).

    The first term is Hebb's; the next two remove the crosstalk the other patterns
    already put in the pattern's fields, which is what raises the capacity.
    """
    w = _zero_diagonal(weights.copy())
    field = w @ pattern
    step = np.outer(pattern, pattern - field) - np.outer(field, pattern) + w + w.T
    return _zero_diagonal(w + step / pattern.shape[0])


def storkey_weights(patterns: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Storkey's rule applied to each pattern in turn, from ``weights``."""
    for pattern in patterns:
        weights = storkey_update(weights, pattern)
    return weights


@implements("pseudoinverse_learning_rule",
            test=RULES_TEST + "test_pseudoinverse_rule_is_the_projection_without_its_diagonal")
def pseudoinverse_weights(patterns: np.ndarray) -> np.ndarray:
    """W = P − diag(P), P = Ξ⁺ Ξ the orthogonal projection onto the span of the patterns.

    For linearly independent patterns (the rows of Ξ) P = Ξᵀ (Ξ Ξᵀ)⁻¹ Ξ, and P ξ = ξ for
    every ξ in the span, so that (W ξ)_i = (1 − P_ii) ξ_i: each stored pattern (and each
    bipolar vector of the span) is a fixed point while P_ii < 1 for all i, which holds
    for up to L − 1 random patterns. Once the patterns span all of R^L, P = I and W = 0.
    P is computed from an orthonormal basis U of the span (the singular vectors of Ξᵀ
    above rounding), P = U Uᵀ.
    """
    n_patterns, n_units = patterns.shape
    u, s, _ = np.linalg.svd(patterns.T, full_matrices=False)
    rank = int(np.sum(s > s.max() * max(n_patterns, n_units) * np.finfo(s.dtype).eps))
    if rank == n_units:  # P = I exactly: rounding would leave weights of 1e-16 behind
        return np.zeros((n_units, n_units), patterns.dtype)
    basis = u[:, :rank]
    projector = basis @ basis.T
    return _zero_diagonal((projector + projector.T) / 2)


RULES.register("analytic", "analytical")(StorageRule(analytic_weights))
RULES.register("incremental", "hebbian")(
    StorageRule(incremental_weights, incremental=True, has_learning_rate=True))
RULES.register("storkey")(StorageRule(storkey_weights, incremental=True))
RULES.register("pseudoinverse", "pseudo-inverse", "projection")(
    StorageRule(pseudoinverse_weights))
