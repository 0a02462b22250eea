"""The modern continuous Hopfield network (Ramsauer et al. 2020): its energy, its update,
and the retrieval the classical network cannot do."""

import numpy as np
import pytest
import scipy.special
import torch

import nnlearn as nl
from nnlearn.models import Hopfield, ModernHopfield
from nnlearn.models.energy.hopfield_capacity import flip_bits
from nnlearn.models.energy.modern_hopfield import modern_hopfield_energy


def real_patterns(rng, n, d):
    return rng.normal(size=(n, d)) * rng.uniform(0.5, 2.0, size=(n, 1))


def energy_by_scipy(x, patterns, beta):
    largest = np.max(np.linalg.norm(patterns, axis=1))
    return (-scipy.special.logsumexp(beta * x @ patterns.T, axis=-1) / beta
            + 0.5 * np.sum(x * x, axis=-1) + np.log(len(patterns)) / beta + 0.5 * largest**2)


@pytest.mark.parametrize("beta", [0.01, 1.0, 8.0, 1e3])
def test_energy_matches_scipy_and_its_bounds(beta):
    rng = np.random.default_rng(0)
    patterns = real_patterns(rng, 30, 10)
    net = ModernHopfield(10, beta=beta).store(patterns)
    states = rng.normal(size=(200, 10)) * 3
    energy = net.energy(states)
    # β ξᵀx reaches 1e4 at β = 1e3: a naive exp would overflow
    assert np.all(np.isfinite(energy))
    np.testing.assert_allclose(energy, energy_by_scipy(states, patterns, beta), rtol=1e-12,
                               atol=1e-12)
    assert isinstance(net.energy(states[0]), float)
    # 0 ≤ E everywhere; E ≤ 2 M² on the ball ‖x‖ ≤ M
    assert np.all(energy >= -1e-12)
    largest = np.max(np.linalg.norm(patterns, axis=1))
    inside = states / np.linalg.norm(states, axis=1, keepdims=True) * largest * rng.random((200, 1))
    assert np.all(net.energy(inside) <= 2 * largest**2 + 1e-12)


def test_update_is_a_unit_gradient_step():
    """∇E(x) = x − Ξ softmax(βΞᵀx), so the update is x − ∇E(x) (a gradient step of size 1),
    and, as the concave-convex procedure derives it, the gradient of the log-sum-exp term."""
    rng = np.random.default_rng(1)
    patterns = real_patterns(rng, 20, 6)
    beta = 2.5
    net = ModernHopfield(6, beta=beta).store(patterns)
    for x in rng.normal(size=(5, 6)):
        gradient = nl.grad(lambda s: modern_hopfield_energy(s, patterns, beta))(x)
        np.testing.assert_allclose(net.update(x), x - gradient, atol=1e-12)
        # PyTorch's autograd on its own logsumexp agrees
        t = torch.tensor(x, requires_grad=True)
        xi = torch.tensor(patterns)
        e = (-torch.logsumexp(beta * xi @ t, 0) / beta + 0.5 * t @ t)
        (torch_gradient,) = torch.autograd.grad(e, t)
        np.testing.assert_allclose(gradient, torch_gradient.numpy(), atol=1e-12)
        # CCCP: ∇(½‖x_new‖²) = x_new equals ∇ lse(β, Ξᵀx) at the old x
        lse = nl.grad(lambda s: nl.autodiff.logsumexp(beta * nl.autodiff.matmul(s, patterns.T))
                      / beta)(x)
        np.testing.assert_allclose(net.update(x), lse, atol=1e-12)
        np.testing.assert_allclose(net.update(x), torch.softmax(beta * xi @ torch.tensor(x), 0)
                                   .numpy() @ patterns, atol=1e-12)
    # at a fixed point the gradient vanishes
    fixed, trace = net.recall(rng.normal(size=6), return_trace=True)
    assert trace.converged[0]
    np.testing.assert_allclose(nl.grad(lambda s: modern_hopfield_energy(s, patterns, beta))(fixed),
                               0.0, atol=1e-9)


@pytest.mark.parametrize("beta", [0.1, 1.0, 10.0, 100.0])
def test_energy_never_increases_under_the_update(beta):
    rng = np.random.default_rng(2)
    net = ModernHopfield(8, beta=beta).store(real_patterns(rng, 40, 8))
    _, trace = net.recall(rng.normal(size=(50, 8)) * 2, max_steps=20, tolerance=0.0,
                          return_trace=True)
    assert trace.n_steps >= 4  # large β: the fixed point is reached exactly, and recall stops
    assert np.all(np.diff(trace.energy, axis=0) <= 1e-10 * (1 + np.abs(trace.energy[:-1])))


def test_one_step_retrieves_among_far_more_patterns_than_the_classical_network_holds():
    rng = np.random.default_rng(3)
    d, n_patterns = 64, 2000  # 0.138 d ≈ 9 patterns for the classical network; here 227 times more
    patterns = rng.choice([-1.0, 1.0], size=(n_patterns, d))
    which = rng.choice(n_patterns, size=200, replace=False)
    probes = flip_bits(patterns[which], 6, rng)  # 6 of 64 bits wrong (~10%)
    modern = ModernHopfield(d).store(patterns).update(probes)
    np.testing.assert_array_equal(np.sign(modern), patterns[which])  # every one, in one step
    assert np.max(np.abs(modern - patterns[which])) < 1e-3
    classical = Hopfield(d).store(patterns).recall(probes, random_state=4)
    assert np.mean(np.all(classical == patterns[which], axis=1)) == 0.0


def test_the_retrieval_error_is_exponentially_small_in_the_separation():
    """‖f(x) − ξ_i‖ ≤ 2 (N − 1) M exp(−β Δ̃), Δ̃ = ξ_iᵀx − max_{j≠i} ξ_jᵀx: each other pattern
    has a softmax weight of at most exp(−β Δ̃) and lies within 2M of ξ_i."""
    rng = np.random.default_rng(5)
    patterns = rng.choice([-1.0, 1.0], size=(300, 32))
    probes = flip_bits(patterns[:100], 4, rng)
    largest = np.sqrt(32)
    overlaps = probes @ patterns.T
    own = overlaps[np.arange(100), np.arange(100)]
    overlaps[np.arange(100), np.arange(100)] = -np.inf
    gap = own - overlaps.max(axis=1)
    for beta in (0.05, 0.2, 1.0):
        error = np.linalg.norm(ModernHopfield(32, beta).store(patterns).update(probes)
                               - patterns[:100], axis=1)
        bound = 2 * 299 * largest * np.exp(-beta * gap)
        assert np.all(error <= bound + 1e-12)
    assert np.all(gap > 0)


def test_temperature_decides_between_averaging_and_a_single_pattern():
    rng = np.random.default_rng(6)
    patterns = real_patterns(rng, 10, 5)
    x = rng.normal(size=5)
    # β → 0: the global fixed point, the mean of all patterns
    np.testing.assert_allclose(ModernHopfield(5, 1e-9).store(patterns).update(x),
                               patterns.mean(axis=0), atol=1e-7)
    # β large: the pattern of largest overlap
    np.testing.assert_allclose(ModernHopfield(5, 1e4).store(patterns).update(x),
                               patterns[np.argmax(patterns @ x)], atol=1e-12)
    attention = ModernHopfield(5, 1.0).store(patterns).attention(np.vstack([x, -x]))
    np.testing.assert_allclose(attention.sum(axis=1), 1.0)
    separation = ModernHopfield(5).store(patterns).separation()
    gram = patterns @ patterns.T
    np.testing.assert_allclose(separation[0], gram[0, 0] - gram[0, 1:].max())
    assert ModernHopfield(5).store(patterns[:1]).separation()[0] == np.inf


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: ModernHopfield(0), ValueError, r"n_units must be a[^,]*integer[^,]*, got 0"),
    (lambda: ModernHopfield(4, beta=0), ValueError, "beta must be a finite real number > 0"),
    (lambda: ModernHopfield(4, beta=np.nan), ValueError, "beta must be a finite real number"),
    (lambda: ModernHopfield(4, beta=np.inf), ValueError, "beta must be a finite real number"),
    (lambda: ModernHopfield(4, beta=1j), TypeError, "beta must be a finite real number"),
    (lambda: ModernHopfield(4, beta=True), TypeError, r"got True \(bool\)"),
    (lambda: ModernHopfield(4).store(np.ones((3, 5))), ValueError,
     r"patterns must have shape \(N, 4\) with N ≥ 1, got \(3, 5\)"),
    (lambda: ModernHopfield(4).store(np.ones((0, 4))), ValueError, "with N ≥ 1, got"),
    (lambda: ModernHopfield(4).store(np.ones((3, 4)) * 1j), TypeError,
     "patterns must hold real numbers, got complex"),
    (lambda: ModernHopfield(4).store([[1, 2, np.nan, 4]]), ValueError,
     r"patterns must be finite, got nan at index \(0, 2\)"),
    (lambda: ModernHopfield(4).update(np.ones(4)), ValueError,
     r"holds no patterns yet: call store\(patterns\) first"),
    (lambda: ModernHopfield(4).separation(), ValueError, "holds no patterns yet"),
    (lambda: ModernHopfield(4).store(np.eye(4)).energy(np.ones(3)), ValueError,
     r"state must have shape \(4,\) or \(m, 4\), got \(3,\)"),
    (lambda: ModernHopfield(4).store(np.eye(4)).update([np.inf, 0, 0, 0]), ValueError,
     "state must be finite, got inf at index 0"),
    (lambda: ModernHopfield(4).store(np.eye(4)).recall(np.ones(4), max_steps=-1), ValueError,
     "max_steps must be an integer ≥ 0, got -1"),
    (lambda: ModernHopfield(4).store(np.eye(4)).recall(np.ones(4), tolerance=np.nan),
     ValueError, "tolerance must be a finite real number ≥ 0, got nan"),
    (lambda: ModernHopfield(4).store(np.eye(4)).recall(np.ones(4), return_trace=None),
     TypeError, "return_trace must be True or False, got None"),
    (lambda: ModernHopfield(4).store(np.eye(4)).attention(np.ones((2, 2, 4))), ValueError,
     r"state must have 1 or 2 dimension\(s\)"),
])
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_numpy_scalars_are_numbers():
    net = ModernHopfield(np.int64(4), beta=np.float32(2.0)).store(np.eye(4))
    assert net.n_units == 4 and net.beta == 2.0 and type(net.beta) is float
    state, trace = net.recall(np.ones(4), max_steps=np.int32(3), tolerance=np.float64(0.0),
                              return_trace=True)
    assert 1 <= trace.n_steps <= 3 and state.shape == (4,)  # max_steps=np.int32(3) honoured
