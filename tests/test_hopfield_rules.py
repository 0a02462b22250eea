"""The storage rules beyond Hebb: Storkey's and the pseudo-inverse, by their definitions."""

import numpy as np
import pytest
import scipy.linalg

from nnlearn.models import Hopfield
from nnlearn.models.energy.hopfield_rules import RULES


def random_patterns(rng, n, length):
    return rng.choice([-1.0, 1.0], size=(n, length))


def storkey_by_definition(patterns):
    """Storkey (1997), written out entry by entry from W = 0:
    W_ij += (ξ_i ξ_j − ξ_i h_ji − h_ij ξ_j) / L,  h_ij = Σ_{k≠i,j} W_ik ξ_k  (i ≠ j)."""
    n_units = patterns.shape[1]
    w = np.zeros((n_units, n_units))
    for xi in patterns:
        new = w.copy()
        for i in range(n_units):
            for j in range(n_units):
                if i == j:
                    continue
                h_ij = sum(w[i, k] * xi[k] for k in range(n_units) if k not in (i, j))
                h_ji = sum(w[j, k] * xi[k] for k in range(n_units) if k not in (i, j))
                new[i, j] = w[i, j] + (xi[i] * xi[j] - xi[i] * h_ji - h_ij * xi[j]) / n_units
        w = new
    return w


def test_storkey_rule_matches_its_definition_entry_by_entry():
    rng = np.random.default_rng(0)
    xi = random_patterns(rng, 5, 9)
    weights = Hopfield(9).store(xi, rule="storkey").weights
    np.testing.assert_allclose(weights, storkey_by_definition(xi), atol=1e-14)
    np.testing.assert_allclose(weights, weights.T, atol=1e-15)
    np.testing.assert_array_equal(np.diag(weights), 0.0)
    # the first pattern meets no crosstalk: its step is Hebb's
    first = Hopfield(9).store(xi[:1], rule="storkey").weights
    np.testing.assert_allclose(first, Hopfield(9).store(xi[:1]).weights, atol=1e-15)
    # incremental: a pattern is learnt from the old weights alone
    net = Hopfield(9).store(xi[:2], rule="storkey")
    net.store(xi[2:], rule="storkey")
    np.testing.assert_allclose(net.weights, weights, atol=1e-14)
    # float32 weights follow float64 to float32 rounding
    single = Hopfield(9, dtype="float32").store(xi, rule="storkey").weights
    assert single.dtype == np.float32
    np.testing.assert_allclose(single, weights, atol=1e-6)


def test_pseudoinverse_rule_is_the_projection_without_its_diagonal():
    rng = np.random.default_rng(1)
    xi = random_patterns(rng, 12, 30)
    weights = Hopfield(30).store(xi, rule="pseudoinverse").weights
    # P = Ξᵀ (Ξ Ξᵀ)⁻¹ Ξ, the textbook form, and SciPy's pseudo-inverse agree
    projector = xi.T @ np.linalg.solve(xi @ xi.T, xi)
    np.testing.assert_allclose(projector, scipy.linalg.pinv(xi) @ xi, atol=1e-12)
    np.testing.assert_allclose(weights, projector - np.diag(np.diag(projector)), atol=1e-12)
    np.testing.assert_array_equal(weights, weights.T)
    # W ξ = (1 − P_ii) ξ_i: each pattern's fields are its own entries, scaled by 1 − P_ii
    np.testing.assert_allclose(xi @ weights, xi * (1 - np.diag(projector)), atol=1e-12)
    # a repeated or negated pattern adds nothing to the span
    again = Hopfield(30).store(np.vstack([xi, xi[:3], -xi[4:6]]), rule="projection").weights
    np.testing.assert_allclose(again, weights, atol=1e-12)


def test_pseudoinverse_rule_keeps_up_to_l_minus_1_patterns_as_fixed_points():
    rng = np.random.default_rng(2)
    xi = random_patterns(rng, 64, 64)
    assert np.linalg.matrix_rank(xi) == 64
    net = Hopfield(64).store(xi[:63], rule="pseudoinverse")
    assert net.stable(xi[:63]).all()
    np.testing.assert_array_equal(net.recall(xi[:63], random_state=0), xi[:63])
    # the 64th pattern completes a basis of R^64: P = I, W = 0, nothing is stored
    full = Hopfield(64).store(xi, rule="pseudoinverse")
    np.testing.assert_array_equal(full.weights, 0.0)
    assert not full.stable(xi).any()


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_rule_gives_symmetric_weights_whose_energy_falls_during_recall(rule):
    rng = np.random.default_rng(3)
    xi = random_patterns(rng, 10, 50)
    net = Hopfield(50).store(xi, rule=rule)
    np.testing.assert_allclose(net.weights, net.weights.T, atol=1e-15)
    np.testing.assert_array_equal(np.diag(net.weights), 0.0)
    probes = xi * np.where(rng.random(xi.shape) < 0.1, -1.0, 1.0)
    final, trace = net.recall(probes, random_state=4, return_trace=True)
    assert np.all(np.diff(trace.energy, axis=0) <= 1e-12)
    assert trace.converged.all()
    np.testing.assert_array_equal(net.update(final), final)
    # at load 0.2 (beyond Hebb's 0.138), the noisy probes find their patterns more often
    # with the rules beyond Hebb
    hits = (final == xi).all(axis=1).mean()
    if rule in ("storkey", "pseudoinverse"):
        hebb = Hopfield(50).store(xi).recall(probes, random_state=4)
        assert hits >= 0.9 > (hebb == xi).all(axis=1).mean()


def test_stable_counts_strict_fixed_points_only():
    net = Hopfield(3)
    net.weights = [[0.0, 1.0, -1.0], [1.0, 0.0, 0.0], [-1.0, 0.0, 0.0]]
    # the fields of [1, 1, -1] are x1 − x2 = 2, x0 = 1 and −x0 = −1: each agrees with its unit
    np.testing.assert_array_equal(net.local_field([1, 1, -1]), [2.0, 1.0, -1.0])
    assert net.stable([1, 1, -1])
    # a frustrated triangle: the fields of [1, 1, 1] are (0, 2, 0), two ties; the update
    # keeps the state, but it is held by ties alone, so it is not stable
    net.weights = [[0.0, 1.0, -1.0], [1.0, 0.0, 1.0], [-1.0, 1.0, 0.0]]
    np.testing.assert_array_equal(net.local_field([1, 1, 1]), [0.0, 2.0, 0.0])
    np.testing.assert_array_equal(net.update([1, 1, 1]), [1, 1, 1])
    assert not net.stable([1, 1, 1])
    np.testing.assert_array_equal(net.stable([[1, 1, 1], [1, 1, 1]]), [False, False])
