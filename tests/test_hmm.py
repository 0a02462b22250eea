"""The stochastic system as a hidden Markov model: forward, forward–backward and Viterbi,
against brute-force enumeration of every state path, and on sequences long enough to
underflow any unscaled computation."""

import itertools

import numpy as np
import pytest
from scipy.special import logsumexp

from nnlearn.dynamics import StochasticSystem


def random_system(rng, n_states, n_inputs, n_outputs, zeros=False):
    transitions = rng.dirichlet(np.ones(n_states), size=(n_inputs, n_states))
    observation = rng.dirichlet(np.ones(n_outputs), size=n_states)
    if zeros:  # structural zeros, as real models have
        transitions[transitions < 0.15] = 0.0
        transitions /= transitions.sum(axis=2, keepdims=True)
    return transitions, observation


def enumerate_paths(transitions, observation, p0, inputs, y):
    """Every state path x_0..x_N with p(path, y_0..y_n) for each n (rows: paths)."""
    K, N = len(p0), len(y) - 1
    paths = np.array(list(itertools.product(range(K), repeat=N + 1)))
    prior = p0[paths[:, 0]].copy()
    for n, a in enumerate(inputs):
        prior *= transitions[a][paths[:, n], paths[:, n + 1]]
    emissions = np.cumprod(observation[paths, y], axis=1)  # Π_{m ≤ n} O(x_m, y_m)
    return paths, prior[:, None] * emissions


@pytest.mark.parametrize(("seed", "n_inputs", "zeros"), [(0, 1, False), (1, 2, False),
                                                         (2, 3, True), (3, 2, True)])
def test_inference_equals_brute_force_enumeration_of_state_paths(seed, n_inputs, zeros):
    rng = np.random.default_rng(seed)
    K, M, N = 3, 4, 6
    transitions, observation = random_system(rng, K, n_inputs, M, zeros)
    system = StochasticSystem(list(transitions), observation)
    p0 = rng.dirichlet(np.ones(K))
    inputs = rng.integers(0, n_inputs, N)
    _, y = system.sample(inputs, start=int(rng.integers(K)), random_state=seed)
    paths, joint = enumerate_paths(transitions, observation, p0, inputs, y)

    evidence = joint[:, -1].sum()
    assert system.likelihood(y, inputs, p0=p0) == pytest.approx(evidence, rel=1e-12)
    assert system.log_likelihood(y, inputs, p0=p0) == pytest.approx(np.log(evidence), rel=1e-12)

    filtered = system.filtered_distributions(y, inputs, p0=p0)
    smoothed = system.smoothed_distributions(y, inputs, p0=p0)
    for n in range(N + 1):
        by_state = np.bincount(paths[:, n], weights=joint[:, n], minlength=K)
        np.testing.assert_allclose(filtered[n], by_state / by_state.sum(), atol=1e-13)
        by_state = np.bincount(paths[:, n], weights=joint[:, -1], minlength=K)
        np.testing.assert_allclose(smoothed[n], by_state / evidence, atol=1e-13)

    path, log_probability = system.viterbi(y, inputs, p0=p0)
    best = np.argmax(joint[:, -1])
    np.testing.assert_array_equal(path, paths[best])
    assert log_probability == pytest.approx(np.log(joint[best, -1]), rel=1e-12)


def log_space_forward(transitions, observation, p0, inputs, y):
    """An independent forward algorithm in logarithms, with logsumexp."""
    with np.errstate(divide="ignore"):
        log_T, log_O = np.log(transitions), np.log(observation)
        log_alpha = np.log(p0) + log_O[:, y[0]]
    for n, a in enumerate(inputs):
        log_alpha = logsumexp(log_alpha[:, None] + log_T[a], axis=0) + log_O[:, y[n + 1]]
    return logsumexp(log_alpha), log_alpha - logsumexp(log_alpha)


def test_two_thousand_steps_neither_underflow_nor_overflow():
    rng = np.random.default_rng(5)
    transitions, observation = random_system(rng, 4, 2, 3)
    system = StochasticSystem(list(transitions), observation)
    p0 = np.full(4, 0.25)
    inputs = rng.integers(0, 2, 2_000)
    _, y = system.sample(inputs, start=0, random_state=6)
    log_evidence, log_last = log_space_forward(transitions, observation, p0, inputs, y)
    assert log_evidence < -1_000  # the likelihood is far below the smallest double, e^-745
    assert system.likelihood(y, inputs, p0=p0) == 0.0
    assert system.log_likelihood(y, inputs, p0=p0) == pytest.approx(log_evidence, rel=1e-10)
    filtered = system.filtered_distributions(y, inputs, p0=p0)
    np.testing.assert_allclose(filtered[-1], np.exp(log_last), rtol=1e-8)
    smoothed = system.smoothed_distributions(y, inputs, p0=p0)
    assert np.isfinite(smoothed).all()
    np.testing.assert_allclose(smoothed.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(smoothed[-1], filtered[-1], rtol=1e-12)
    path, log_probability = system.viterbi(y, inputs, p0=p0)
    assert path.shape == (2_001,) and log_evidence > log_probability > -np.inf


def test_viterbi_recovers_the_states_of_a_sharp_model():
    # nearly deterministic observations: the hidden path is read back almost exactly
    T = np.array([[0.9, 0.1], [0.2, 0.8]])
    O = np.array([[0.95, 0.05], [0.05, 0.95]])
    system = StochasticSystem([T], O)
    states, y = system.sample(np.zeros(400, dtype=int), start=0, random_state=1)
    path, _ = system.viterbi(y, p0=[0.5, 0.5])
    smoothed = system.smoothed_distributions(y, p0=[0.5, 0.5])
    assert np.mean(path == states) > 0.95
    assert np.mean(smoothed.argmax(axis=1) == states) > 0.95


def test_impossible_observations_have_zero_likelihood_and_no_posterior():
    # state 0 always emits 0, state 1 always emits 1, and 0 ↛ 1
    system = StochasticSystem([[[1.0, 0.0], [0.5, 0.5]]], [[1.0, 0.0], [0.0, 1.0]])
    assert system.likelihood([0, 1], p0=[1.0, 0.0]) == 0.0
    assert system.log_likelihood([0, 1], p0=[1.0, 0.0]) == -np.inf
    for method in (system.filtered_distributions, system.smoothed_distributions,
                   system.viterbi):
        with pytest.raises(ValueError, match="observations have probability 0"):
            method([0, 1], p0=[1.0, 0.0])
    assert system.likelihood([1, 0], p0=[0.0, 1.0]) == pytest.approx(0.5)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda s: s.likelihood([0, 1, 2], p0=[1, 0]), ValueError,
     r"inputs must be given: the system has 2 inputs .*, and 2 are needed"),
    (lambda s: s.likelihood([0, 1, 2], [0, 1, 1], p0=[1, 0]), ValueError,
     r"inputs must have one entry fewer than observations .* got 3 inputs for 3"),
    (lambda s: s.likelihood([0, 3], [0], p0=[1, 0]), ValueError,
     r"observations must lie in \[0, 3\), got 3 at index 1"),
    (lambda s: s.likelihood([], [], p0=[1, 0]), ValueError, "observations must not be empty"),
    (lambda s: s.likelihood([0.0, 1.0], [0], p0=[1, 0]), TypeError,
     "observations must hold integer indices"),
    (lambda s: s.likelihood([0, 1], [2], p0=[1, 0]), ValueError, r"inputs must lie in \[0, 2\)"),
    (lambda s: s.viterbi([0, 1], [0], p0=[[1, 0]]), ValueError, "p0 must have 1 dimension"),
    (lambda s: s.filtered_distributions(0, p0=[1, 0]), TypeError,
     "observations must be a 1-D sequence of integer indices"),
])
def test_bad_inference_arguments_are_named(call, error, message):
    rng = np.random.default_rng(0)
    transitions, observation = random_system(rng, 2, 2, 3)
    with pytest.raises(error, match=message):
        call(StochasticSystem(list(transitions), observation))


def test_a_single_observation_and_numpy_integer_inputs():
    rng = np.random.default_rng(8)
    transitions, observation = random_system(rng, 3, 2, 2)
    system = StochasticSystem(list(transitions), observation)
    p0 = np.array([0.2, 0.3, 0.5])
    assert system.likelihood([1], p0=p0) == pytest.approx(p0 @ observation[:, 1])
    np.testing.assert_allclose(system.smoothed_distributions([1], [], p0=p0)[0],
                               p0 * observation[:, 1] / (p0 @ observation[:, 1]))
    y, u = np.array([0, 1, 1], dtype=np.uint8), np.array([1, 0], dtype=np.int16)
    assert system.likelihood(y, u, p0=p0) == system.likelihood([0, 1, 1], [1, 0], p0=p0)
