"""Hopfield networks: the course's rules exactly, and their invariants."""

import numpy as np
import pytest

import nnlearn as nl
from nnlearn.models import Hopfield
from nnlearn.models.energy.hopfield_capacity import THEORETICAL_CAPACITY, capacity_curve


def random_patterns(rng, n, length):
    return rng.choice([-1.0, 1.0], size=(n, length))


def test_storage_rules():
    rng = np.random.default_rng(0)
    xi = random_patterns(rng, 3, 10)
    analytic = Hopfield(10).store(xi).weights
    # the formula written out entry by entry
    expected = np.zeros((10, 10))
    for i in range(10):
        for j in range(10):
            expected[i, j] = (sum(p[i] * p[j] for p in xi) - 3 * (i == j)) / 10
    np.testing.assert_allclose(analytic, expected, atol=1e-15)
    np.testing.assert_array_equal(analytic, analytic.T)
    np.testing.assert_array_equal(np.diag(analytic), 0.0)
    incremental = Hopfield(10).store(xi, rule="incremental").weights
    np.testing.assert_allclose(incremental, analytic, atol=1e-15)
    # the incremental rule continues from the current weights, with its own μ
    net = Hopfield(10).store(xi[:2], rule="incremental", learning_rate=0.5)
    net.store(xi[2:], rule="incremental", learning_rate=0.5)
    np.testing.assert_allclose(net.weights, 5 * analytic, atol=1e-14)
    with pytest.raises(ValueError, match="unknown Hopfield storage rule 'oja'"):
        Hopfield(10).store(xi, rule="oja")


def test_energy_formula():
    rng = np.random.default_rng(1)
    net = Hopfield(8).store(random_patterns(rng, 2, 8))
    states = random_patterns(rng, 5, 8)
    w = net.weights
    double_sum = [-0.5 * sum(w[i, j] * s[i] * s[j] for i in range(8) for j in range(8))
                  for s in states]
    np.testing.assert_allclose(net.energy(states), double_sum, atol=1e-14)
    assert isinstance(net.energy(states[0]), float)


def test_update_rule_and_ties():
    net = Hopfield(3)
    net.weights = np.array([[0.0, 1.0, -1.0], [1.0, 0.0, 0.0], [-1.0, 0.0, 0.0]])
    # unit 0: field x1 - x2 = 0 (tie: keeps -1); unit 1: x0 = -1; unit 2: -x0 = +1
    np.testing.assert_array_equal(net.update([-1, 1, 1]), [-1, -1, 1])
    # a weight on the diagonal is ignored: the sum runs over j ≠ i
    net.weights[1, 1] = 5.0
    np.testing.assert_array_equal(net.update([-1, 1, 1]), [-1, -1, 1])


def test_stored_patterns_are_fixed_points_and_energy_minima():
    rng = np.random.default_rng(2)
    xi = random_patterns(rng, 4, 100)
    net = Hopfield(100).store(xi)
    np.testing.assert_array_equal(net.update(xi), xi)
    final, trace = net.recall(xi, random_state=0, return_trace=True)
    np.testing.assert_array_equal(final, xi)
    assert trace.converged.all() and trace.n_sweeps == 1
    # flipping any single bit raises the energy
    for p in xi:
        flipped = np.tile(p, (100, 1))
        flipped[np.arange(100), np.arange(100)] *= -1
        assert np.all(net.energy(flipped) > net.energy(p))


def test_async_energy_never_increases_and_trace_matches_energy():
    rng = np.random.default_rng(3)
    net = Hopfield(60).store(random_patterns(rng, 12, 60))
    probes = random_patterns(rng, 20, 60)
    final, trace = net.recall(probes, random_state=4, return_trace=True)
    assert np.all(np.diff(trace.energy, axis=0) <= 1e-12)
    np.testing.assert_allclose(trace.energy[0], net.energy(probes))
    np.testing.assert_allclose(trace.energy[-1], net.energy(final), atol=1e-10)
    assert trace.converged.all()
    np.testing.assert_array_equal(net.update(final), final)  # fixed points
    # a random (non-Hebbian) symmetric network too
    sym = rng.normal(size=(30, 30))
    net = Hopfield(30)
    net.weights = sym + sym.T
    np.fill_diagonal(net.weights, 0.0)
    _, trace = net.recall(random_patterns(rng, 10, 30), random_state=5, return_trace=True)
    assert np.all(np.diff(trace.energy, axis=0) <= 1e-12)


def test_recall_from_twenty_percent_noise_at_low_load():
    rng = np.random.default_rng(6)
    xi = random_patterns(rng, 10, 200)  # load 0.05
    net = Hopfield(200).store(xi)
    noisy = xi.copy()
    for row in noisy:
        row[rng.choice(200, size=40, replace=False)] *= -1
    np.testing.assert_array_equal(net.recall(noisy, random_state=7), xi)
    np.testing.assert_array_equal(net.recall(noisy, mode="sync"), xi)


def test_async_recall_is_seeded_and_matches_a_plain_loop():
    rng = np.random.default_rng(8)
    net = Hopfield(40).store(random_patterns(rng, 6, 40))
    probe = random_patterns(rng, 1, 40)[0]
    a = net.recall(probe, random_state=9)
    np.testing.assert_array_equal(a, net.recall(probe, random_state=9))
    # reference: the same random orders, one unit at a time, straight from the rule
    order_rng = np.random.default_rng(9)
    x = probe.copy()
    for _ in range(100):
        order = order_rng.permuted(np.tile(np.arange(40), (1, 1)), axis=1)[0]
        changed = False
        for i in order:
            h = sum(net.weights[i, j] * x[j] for j in range(40) if j != i)
            new = x[i] if h == 0 else np.sign(h)
            changed |= new != x[i]
            x[i] = new
        if not changed:
            break
    np.testing.assert_array_equal(a, x)


def test_sync_recall_reports_two_cycles():
    net = Hopfield(2)
    net.weights = np.array([[0.0, -1.0], [-1.0, 0.0]])
    final, trace = net.recall([1, 1], mode="sync", return_trace=True)
    assert trace.two_cycle[0] and not trace.converged[0]
    np.testing.assert_array_equal(final, [1, 1])  # back at the start after two sweeps
    # asynchronously the same network settles
    final, trace = net.recall([1, 1], random_state=0, return_trace=True)
    assert trace.converged[0] and final[0] == -final[1]


def test_heteroassociative_sequence_recall():
    rng = np.random.default_rng(10)
    seq = random_patterns(rng, 5, 120)
    net = Hopfield(120).store_sequence(seq)
    expected = sum(np.outer(seq[i + 1], seq[i]) for i in range(4)) / 120
    np.fill_diagonal(expected, 0.0)
    np.testing.assert_allclose(net.weights, expected, atol=1e-15)
    path = net.recall_sequence(seq[0], 4)
    np.testing.assert_array_equal(path, seq)


def test_small_capacity_experiment_breaks_down_near_theory():
    curve = capacity_curve(200, loads=[0.05, 0.1, 0.25], random_state=11)
    assert curve.recalled[0] == 1.0 and curve.stable[0] == 1.0
    assert curve.recalled[-1] < 0.3
    assert np.all(np.diff(curve.bit_error) >= 0)
    assert 0.1 <= curve.breakdown() <= 0.25
    assert pytest.approx(0.138) == THEORETICAL_CAPACITY


def test_bad_input_is_rejected():
    net = Hopfield(4)
    with pytest.raises(ValueError, match="patterns must be bipolar"):
        net.store([[1, 0, 1, -1]])
    with pytest.raises(ValueError, match=r"probe must have shape \(4,\)"):
        net.recall([1, -1, 1])
    with pytest.raises(ValueError, match="mode must be 'async' or 'sync'"):
        net.recall([1, -1, 1, 1], mode="parallel")
    with pytest.raises(ValueError, match=r"n_units must be a[^,]*integer[^,]*, got 0"):
        Hopfield(0)
    assert nl.models.Hopfield is Hopfield


@pytest.mark.parametrize("mode", ["async", "sync"])
def test_float32_network_recalls_as_float64(mode):
    rng = np.random.default_rng(11)
    xi = random_patterns(rng, 12, 300)
    probes = xi[rng.integers(0, 12, 40)] * np.where(rng.random((40, 300)) < 0.2, -1, 1)
    single, double = Hopfield(300, dtype="float32").store(xi), Hopfield(300).store(xi)
    assert single.weights.dtype == np.float32 and double.weights.dtype == np.float64
    got, trace = single.recall(probes, mode=mode, random_state=3, return_trace=True)
    want, reference = double.recall(probes, mode=mode, random_state=3, return_trace=True)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(trace.energy, reference.energy, rtol=1e-4)  # float32 sums
    # ties still hold in float32: a field of exactly zero keeps the unit's value
    net = Hopfield(3, dtype="float32")
    net.weights[...] = [[0.0, 0.1, -0.1], [0.1, 0.0, 0.0], [-0.1, 0.0, 0.0]]
    np.testing.assert_array_equal(net.update([-1, 1, 1]), [-1, -1, 1])


def test_a_dtype_other_than_float64_or_float32_is_a_clear_error():
    with pytest.raises(ValueError, match="dtype must be float64 or float32, got int64"):
        Hopfield(4, dtype="int64")
