"""Boltzmann machines: exact enumeration, sampling, annealing and learning, against theory."""

import itertools

import numpy as np
import pytest
from boltzmann_helpers import POSITIVE, random_machine
from scipy.special import rel_entr

import nnlearn as nl
from nnlearn.models import (
    BoltzmannMachine,
    boltzmann_acceptance,
    kl_divergence,
    metropolis_acceptance,
    metropolis_ratio,
)
from nnlearn.models.energy.annealing import SCHEDULES, temperatures
from nnlearn.models.energy.binary import binary_states


def brute_energy(bm, s):
    n = bm.n_units
    pairs = sum(bm.weights[i, j] * s[i] * s[j] for i in range(n) for j in range(i + 1, n))
    return -pairs - sum(bm.biases[i] * s[i] for i in range(n))


def test_energy():
    bm = random_machine(5, 0)
    states = binary_states(5)
    np.testing.assert_allclose(bm.energy(states), [brute_energy(bm, s) for s in states], atol=1e-13)
    gaps = bm.energy_gap(states)
    for s, gap in zip(states, gaps, strict=True):
        for i in range(5):
            off, on = s.copy(), s.copy()
            off[i], on[i] = 0, 1
            assert gap[i] == pytest.approx(brute_energy(bm, off) - brute_energy(bm, on))


def test_exact_distribution_by_brute_force():
    bm = random_machine(4, 1)
    states = bm.states()
    for k in (0, 5, 15):
        assert states[k].tolist() == [(k >> i) & 1 for i in range(4)]
    for T in (0.5, 1.0, 3.0):
        weights = [np.exp(-brute_energy(bm, s) / T) for s in itertools.product((0, 1), repeat=4)]
        z = sum(weights)
        assert bm.partition_function(T) == pytest.approx(z)
        assert bm.log_partition_function(T) == pytest.approx(np.log(z))
        expected = np.array([np.exp(-brute_energy(bm, s) / T) / z for s in states])
        np.testing.assert_allclose(bm.exact_distribution(T), expected, rtol=1e-12)
    # large energies: stable through log-sum-exp
    big = random_machine(6, 2, scale=500.0)
    p = big.exact_distribution(0.01)
    assert np.isfinite(p).all() and p.sum() == pytest.approx(1.0)
    assert np.argmax(p) == np.argmin(big.energy(big.states()))
    with pytest.raises(ValueError, match="exceeds 20: estimate with sample"):
        BoltzmannMachine(21).exact_distribution()


def test_acceptance_functions_against_the_fitness_forms():
    rng = np.random.default_rng(3)
    e_now, e_new = rng.normal(size=50), rng.normal(size=50)
    for T in (0.3, 1.0, 4.0):
        f_now, f_new = np.exp(-e_now / T), np.exp(-e_new / T)
        np.testing.assert_allclose(boltzmann_acceptance(e_now, e_new, T), f_new / (f_new + f_now))
        np.testing.assert_allclose(
            metropolis_acceptance(e_now, e_new, T), np.where(f_new >= f_now, 1.0, f_new / f_now)
        )
        np.testing.assert_allclose(metropolis_ratio(e_now, e_new, T),
                                   np.exp(e_now - e_new) ** (1 / T))
    with pytest.raises(TypeError, match="energy_proposed must hold real numbers, got complex"):
        metropolis_acceptance(0.0, [1j])
    # no overflow for huge energy differences
    assert metropolis_acceptance(0.0, 1e6, 1e-3) == 0.0
    assert boltzmann_acceptance(0.0, -1e6, 1e-3) == 1.0
    assert set(nl.models.ACCEPTANCE) == {"metropolis", "boltzmann"}


def single_flip_transition_matrix(bm, T, accept):
    """The exact transition matrix of one random-unit single-flip step."""
    states = bm.states()
    energies = bm.energy(states)
    n, k = bm.n_units, len(states)
    P = np.zeros((k, k))
    for a in range(k):
        for i in range(n):
            b = a ^ (1 << i)
            P[a, b] = accept(energies[a], energies[b], T) / n
        P[a, a] = 1.0 - P[a].sum()
    return P


def test_metropolis_and_barker_satisfy_detailed_balance():
    bm = random_machine(3, 4)
    for T in (0.5, 2.0):
        pi = bm.exact_distribution(T)
        for accept in (metropolis_acceptance, boltzmann_acceptance):
            P = single_flip_transition_matrix(bm, T, accept)
            flow = pi[:, None] * P
            np.testing.assert_allclose(flow, flow.T, atol=1e-15)
            chain = nl.dynamics.MarkovChain(P)
            np.testing.assert_allclose(chain.stationary_distribution(), pi, atol=1e-10)


def test_gibbs_conditional():
    bm = random_machine(4, 5)
    states = binary_states(4)
    T = 1.7
    prob = bm.unit_on_probability(states, T)
    np.testing.assert_allclose(prob, 1 / (1 + np.exp(-bm.energy_gap(states) / T)))
    # equals the exact conditional p(s_i = 1 | rest) of the Boltzmann distribution
    p = bm.exact_distribution(T)
    for k in range(len(states)):
        for i in range(4):
            on, off = k | (1 << i), k & ~(1 << i)
            assert prob[k, i] == pytest.approx(p[on] / (p[on] + p[off]))


@pytest.mark.parametrize("rule", ["gibbs", "metropolis", "boltzmann"])
def test_sampled_frequencies_match_the_exact_distribution(rule):
    bm = random_machine(5, 6, scale=0.8)
    for T in (0.7, 2.0):
        samples = bm.sample(20000, T=T, n_sweeps=30, random_state=7, rule=rule)
        freq = np.bincount((samples.astype(int) << np.arange(5)).sum(1), minlength=32) / 20000
        kl = kl_divergence(freq, bm.exact_distribution(T))
        assert kl < 0.01, (rule, T, kl)
    a = bm.sample(5, n_sweeps=3, random_state=1, rule=rule)
    np.testing.assert_array_equal(a, bm.sample(5, n_sweeps=3, random_state=1, rule=rule))


def test_annealing_finds_the_ground_state():
    successes, quenched = [], []
    for seed in range(8):
        bm = random_machine(12, 100 + seed)
        _, ground = bm.ground_state()
        # a quench at T ≈ 0 from random states, for comparison
        quench = bm.anneal([1e-3], n_chains=10, random_state=seed)
        quenched.append(np.isclose(quench.energies, ground))
        result = bm.anneal("geometric", n_sweeps=600, n_chains=10, random_state=seed,
                           t_start=5.0, t_end=0.02)
        assert result.energy_trace.shape == (601, 10)
        np.testing.assert_allclose(result.energies, bm.energy(result.states))
        assert np.all(result.energies >= ground - 1e-12)
        successes.append(np.isclose(result.energies, ground))
    # about 0.92 on average over seeds (0.89 to 0.95 for five of them): 600 sweeps
    # leave a few runs in a state just above the ground state
    assert np.mean(successes) >= 0.85
    assert np.mean(quenched) < np.mean(successes) - 0.2


def test_schedules():
    t = temperatures("geometric", 5, t_start=8.0, t_end=0.5)
    np.testing.assert_allclose(t, [8, 4, 2, 1, 0.5])
    np.testing.assert_allclose(temperatures("linear", 3, t_start=3.0, t_end=1.0), [3, 2, 1])
    np.testing.assert_allclose(temperatures("logarithmic", 3, t_start=1.0),
                               1 / np.log(np.e + np.arange(3)))
    np.testing.assert_allclose(temperatures(lambda k: 1.0 / (k + 1), 3), [1, 0.5, 1 / 3])
    np.testing.assert_allclose(temperatures([2.0, 1.0]), [2, 1])
    assert set(SCHEDULES) == {"geometric", "linear", "logarithmic"}
    with pytest.raises(ValueError, match="must hold positive temperatures, got 0 at index 1"):
        temperatures([1.0, 0.0])


def test_kl_divergence_against_scipy_and_closed_form():
    rng = np.random.default_rng(8)
    p, q = rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(6))
    assert kl_divergence(p, q) == pytest.approx(np.sum(p * np.log(p / q)))
    assert kl_divergence(p, q) == pytest.approx(np.sum(rel_entr(p, q)))
    assert kl_divergence(p, p) == 0.0
    assert kl_divergence([0.0, 1.0], [0.5, 0.5]) == pytest.approx(np.log(2))
    # Bernoulli closed form
    a, b = 0.3, 0.6
    assert kl_divergence([a, 1 - a], [b, 1 - b]) == pytest.approx(
        a * np.log(a / b) + (1 - a) * np.log((1 - a) / (1 - b)))
    with pytest.raises(ValueError, match="q must be a probability vector"):
        kl_divergence([0.5, 0.5], [0.5, 0.6])
    with pytest.raises(TypeError, match="p must hold real numbers, got complex"):
        kl_divergence([0.5 + 0j, 0.5], [0.5, 0.5])
    with pytest.raises(ValueError, match="q must be finite, got nan"):
        kl_divergence([0.5, 0.5], [np.nan, 0.5])


def target_distribution(n_visible, seed):
    rng = np.random.default_rng(seed)
    return binary_states(n_visible), rng.dirichlet(np.ones(2**n_visible) * 2)


def test_kl_gradient_matches_finite_differences():
    data, weight = target_distribution(3, 9)
    for n_units in (3, 5):  # without and with hidden units
        bm = random_machine(n_units, 10, scale=0.5, n_visible=3)
        T = 1.3
        grad_w, grad_b = bm.kl_gradient(data, weight, T)
        np.testing.assert_allclose(grad_w, grad_w.T, atol=1e-15)
        eps = 1e-6
        for i, j in [(0, 1), (0, 2), (1, n_units - 1)]:
            plus, minus = bm.weights.copy(), bm.weights.copy()
            plus[i, j] = plus[j, i] = plus[i, j] + eps
            minus[i, j] = minus[j, i] = minus[i, j] - eps
            kl_p = BoltzmannMachine(n_units, 3, plus, bm.biases).kl_to(data, weight, T)
            kl_m = BoltzmannMachine(n_units, 3, minus, bm.biases).kl_to(data, weight, T)
            assert grad_w[i, j] == pytest.approx((kl_p - kl_m) / (2 * eps), abs=1e-7)
        for i in range(n_units):
            b = bm.biases.copy()
            b[i] += eps
            kl_p = BoltzmannMachine(n_units, 3, bm.weights, b).kl_to(data, weight, T)
            b[i] -= 2 * eps
            kl_m = BoltzmannMachine(n_units, 3, bm.weights, b).kl_to(data, weight, T)
            assert grad_b[i] == pytest.approx((kl_p - kl_m) / (2 * eps), abs=1e-7)


def test_learning_drives_kl_down_without_hidden_units():
    # a distribution a visible-only machine can represent exactly
    teacher = random_machine(4, 11)
    data, weight = binary_states(4), teacher.exact_distribution()
    bm = BoltzmannMachine(4, random_state=0).fit(data, weight, n_epochs=1000, learning_rate=1.0)
    assert bm.kl_history_[-1] < 1e-8 < bm.kl_history_[0]
    np.testing.assert_allclose(bm.weights, teacher.weights, atol=1e-3)
    np.testing.assert_allclose(bm.biases, teacher.biases, atol=1e-3)
    sampled = BoltzmannMachine(4, random_state=0).fit(
        data, sample_weight=weight, n_epochs=150, method="sampling", learning_rate=0.2,
        random_state=1)
    assert sampled.kl_history_[-1] < 0.05


def test_learning_with_hidden_units_fits_the_visible_marginal():
    # parity of 3 bits: a third-order dependence no visible-only machine can express;
    # the best it can do is the uniform distribution, at KL = log 2
    states = binary_states(3)
    parity = states[states.sum(axis=1) % 2 == 0]
    visible_only = BoltzmannMachine(3, random_state=0).fit(parity, n_epochs=300)
    assert visible_only.kl_history_[-1] == pytest.approx(np.log(2), abs=1e-3)
    seeds_below = []
    for seed in range(2):
        hidden = BoltzmannMachine(5, n_visible=3, random_state=seed)
        hidden.fit(parity, n_epochs=2500, learning_rate=1.0)
        seeds_below.append(hidden.kl_history_[-1] < 0.05)
        assert hidden.kl_to(parity) == pytest.approx(hidden.kl_history_[-1])
        np.testing.assert_allclose(hidden.weights, hidden.weights.T, atol=1e-12)
        assert np.all(np.diag(hidden.weights) == 0)
    assert all(seeds_below)
    # the model's visible marginal puts its mass on the even-parity states
    assert hidden.visible_distribution()[[0, 3, 5, 6]].sum() > 0.95


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="weights must be symmetric"):
        BoltzmannMachine(2, weights=[[0, 1], [2, 0]])
    with pytest.raises(ValueError, match="weights must have a zero diagonal"):
        BoltzmannMachine(2, weights=[[1, 1], [1, 0]])
    with pytest.raises(ValueError, match=r"weights must have shape \(3, 3\)"):
        BoltzmannMachine(3, weights=np.zeros((3, 2)))
    with pytest.raises(TypeError, match="weights must hold real numbers, got complex values"):
        BoltzmannMachine(2, weights=[[0, 1j], [1j, 0]])
    with pytest.raises(TypeError, match="biases must hold real numbers, got complex"):
        BoltzmannMachine(2, biases=[1j, 0])
    with pytest.raises(ValueError, match="biases must be finite, got nan at index 1"):
        BoltzmannMachine(2, biases=[0, np.nan])
    with pytest.raises(TypeError, match=f"n_units must be {POSITIVE}, got True"):
        BoltzmannMachine(True)
    bm = BoltzmannMachine(3, random_state=0)
    with pytest.raises(ValueError, match="states must be binary"):
        bm.energy([1, -1, 0])
    with pytest.raises(TypeError, match="states must hold real numbers, got complex"):
        bm.energy([1 + 1j, 0, 0])
    with pytest.raises(ValueError, match="T must be a finite real number > 0"):
        bm.exact_distribution(T=0.0)
    with pytest.raises(ValueError, match="T must be a finite real number > 0"):
        bm.sample(3, T=-1.0)
    with pytest.raises(TypeError, match="T must be a finite real number > 0, got True"):
        bm.sample(3, T=True)
    with pytest.raises(ValueError, match="n_visible must be an integer ≥ 1 and ≤ 3, got 4"):
        BoltzmannMachine(3, n_visible=4)
    with pytest.raises(ValueError, match="unknown acceptance function 'glauber'"):
        bm.sample(2, rule="glauber")
    with pytest.raises(ValueError, match="order must be one of 'random', 'index', got 'up'"):
        bm.sample(2, order="up")
    with pytest.raises(ValueError, match=f"n_samples must be {POSITIVE}, got 0"):
        bm.sample(0)
    with pytest.raises(ValueError, match="n_sweeps must be an integer ≥ 0, got -1"):
        bm.sample(2, n_sweeps=-1)
    with pytest.raises(ValueError, match="init must have 2 rows"):
        bm.sample(2, init=[[0, 1, 1]])
    with pytest.raises(ValueError, match=f"n_chains must be {POSITIVE}, got 0"):
        bm.anneal(n_chains=0)
    with pytest.raises(ValueError, match="clamp must name visible units"):
        BoltzmannMachine(3, n_visible=2).complete([[0, 1]], clamp=[2])
    with pytest.raises(ValueError, match="clamp: unknown group 'input'"):
        bm.complete([[0, 1, 1]], clamp="input")
    assert nl.models.BoltzmannMachine is BoltzmannMachine


def test_bad_learning_options_are_rejected():
    bm = BoltzmannMachine(3, random_state=0)
    data = [[0, 1, 1]]
    bad = [
        (dict(method="magic"), ValueError, "method must be 'exact' or 'sampling', got 'magic'"),
        (dict(step="newton"), ValueError, "step must be 'gradient' or 'sign'"),
        (dict(learning_rate=np.inf), ValueError, "learning_rate must be a finite real number"),
        (dict(learning_rate=np.nan), ValueError, "learning_rate must be a finite real number"),
        (dict(learning_rate=0), ValueError, "learning_rate must be a finite real number > 0"),
        (dict(learning_rate=0.1j), TypeError, "learning_rate must be a finite real number"),
        (dict(n_epochs=0), ValueError, f"n_epochs must be {POSITIVE}, got 0"),
        (dict(method="sampling", n_chains=0), ValueError, f"n_chains must be {POSITIVE}"),
        (dict(method="sampling", n_sweeps=2.0), TypeError, f"n_sweeps must be {POSITIVE}"),
        (dict(method="sampling", n_samples=9, n_sweeps=5), ValueError,
         "n_samples must be an integer ≥ 1 and ≤ 5, got 9"),
        (dict(method="sampling", order="down"), ValueError, "order must be one of"),
        (dict(method="sampling", clamped_schedule=[2, 0]), ValueError,
         "schedule must hold positive temperatures, got 0 at index 1"),
        (dict(clamped_schedule=[2, 1]), ValueError, "schedules apply to method='sampling' only"),
        (dict(clamp_noise=0.1), TypeError, r"clamp_noise must be None or a pair"),
        (dict(clamp_noise=(0.1, 1.5)), ValueError, "clamp_noise must be a finite real number ≥ 0"),
        (dict(stop_when=3), TypeError, "stop_when must be a function of the machine"),
        (dict(sample_weight=[-1]), ValueError, "sample_weight must be 1 non-negative numbers"),
        (dict(sample_weight=[1j]), TypeError, "sample_weight must hold real numbers"),
        (dict(T=1e-310), ValueError, "E\\(s\\)/T overflows at T = 1e-310"),
    ]
    for options, error, message in bad:
        with pytest.raises(error, match=message):
            bm.fit(data, **options)
    with pytest.raises(ValueError, match="data must be binary"):
        bm.fit([[0, 0.5, 1]])
    # issue 10: n_chains=0 raised ZeroDivisionError, a tiny T gave NaN weights without a word;
    # NumPy numbers are numbers
    bm.fit(data, n_epochs=np.int64(2), learning_rate=np.float32(0.1), T=np.float64(2),
           method="sampling", n_chains=np.int32(5), n_sweeps=np.uint8(2), random_state=0)
    assert bm.n_epochs_ == 2 and np.isfinite(bm.weights).all()
    assert BoltzmannMachine(np.int64(3), n_visible=np.int32(2)).n_visible == 2


def test_learning_that_diverges_keeps_the_last_finite_weights():
    bm = BoltzmannMachine(3, random_state=0)
    for _ in range(10):  # steps of 1e308 overflow after a few updates
        before = bm.weights.copy()
        try:
            bm.fit([[0, 1, 1]], learning_rate=1e308, n_epochs=1)
        except ValueError as error:
            assert ("learning diverged: a step of learning_rate=1e+308 made the weights" in
                    str(error) or "E(s)/T overflows at T = 1 " in str(error))
            break
    else:
        pytest.fail("ten steps of 1e308 did not overflow")
    np.testing.assert_array_equal(bm.weights, before)
    assert np.isfinite(bm.weights).all() and bm.n_epochs_ == 0
    with pytest.raises(ValueError, match="use a larger T or smaller weights"):
        BoltzmannMachine(2, weights=[[0, 1e308], [1e308, 0]]).exact_distribution(T=1e-10)


def test_continuous_partition_function_of_gaussian_energies():
    from nnlearn.models.energy.continuous_partition import continuous_partition_function

    # E(s) = s²/2 gives Z(T) = √(2πT); in 2-d with E = (s1² + 4 s2²)/2, Z = 2πT / 2.
    for T in (0.5, 1.0, 3.0):
        z = continuous_partition_function(lambda s: s * s / 2, [(-np.inf, np.inf)], T)
        assert z == pytest.approx(np.sqrt(2 * np.pi * T), rel=1e-8)
        z2 = continuous_partition_function(
            lambda a, b: (a * a + 4 * b * b) / 2, [(-np.inf, np.inf)] * 2, T
        )
        assert z2 == pytest.approx(np.pi * T, rel=1e-6)
    with pytest.raises(ValueError, match="T"):
        continuous_partition_function(lambda s: s, [(0, 1)], T=0)
