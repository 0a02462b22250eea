"""The learning procedure of Ackley, Hinton and Sejnowski (1985) and their encoders."""

import numpy as np
import pytest
from boltzmann_helpers import POSITIVE

from nnlearn.models import BoltzmannMachine
from nnlearn.models.energy import boltzmann_learning as learning
from nnlearn.models.energy.binary import binary_states, state_index
from nnlearn.models.energy.boltzmann_sampling import Resampler, add_clamp_noise
from nnlearn.models.energy.encoder import (
    PAPER_RESULTS,
    EncoderCheck,
    encoder_experiment,
    encoder_machine,
    encoder_patterns,
    paper_clamp_noise,
)


def test_sign_step_update():
    bm = encoder_machine(2, 1)
    rng = np.random.default_rng(0)
    p, q = rng.random((5, 5)), rng.random((5, 5))
    p, q = (p + p.T) / 2, (q + q.T) / 2
    q[0, 2] = q[2, 0] = p[0, 2]  # an exact tie: no step
    p_i, q_i = rng.random(5), rng.random(5)
    learning.update(bm, (p, p_i, q, q_i), 2.0, step="sign")
    expected = 2.0 * np.sign(p - q) * bm.connectivity
    np.testing.assert_array_equal(bm.weights, expected)
    np.testing.assert_array_equal(bm.biases, 2.0 * np.sign(p_i - q_i))
    assert bm.weights[0, 2] == 0 and set(np.unique(bm.weights)) <= {-2.0, 0.0, 2.0}
    gradient = encoder_machine(2, 1)
    learning.update(gradient, (p, p_i, q, q_i), 0.5)
    np.testing.assert_allclose(gradient.weights, 0.5 * (p - q) * bm.connectivity)


def test_noisy_clamping():
    rng = np.random.default_rng(1)
    patterns = np.tile(encoder_patterns(4), (5000, 1))  # 20,000 rows, a quarter of units on
    noisy = add_clamp_noise(patterns, (0.15, 0.05), rng)
    on = patterns == 1
    assert abs(1 - noisy[on].mean() - 0.15) < 0.005  # p(on → off)
    assert abs(noisy[~on].mean() - 0.05) < 0.003  # p(off → on)
    np.testing.assert_array_equal(add_clamp_noise(patterns, None, rng), patterns)
    # the exact statistics see the data through the same noise: brute force over states
    bm = BoltzmannMachine(3, random_state=0)
    data = np.array([[1, 0, 0], [1, 1, 0]])
    noisy_p = learning.data_distribution(bm, data, [0.25, 0.75], clamp_noise=(0.15, 0.05))
    expected = np.zeros(8)
    for d, weight in zip(data, [0.25, 0.75], strict=True):
        for k, v in enumerate(binary_states(3)):
            keep = np.where(d == 1, 0.85, 0.95)
            expected[k] += weight * np.prod(np.where(v == d, keep, 1 - keep))
    np.testing.assert_allclose(noisy_p, expected, atol=1e-15)
    sampled = add_clamp_noise(np.repeat(data, [50_000, 150_000], axis=0), (0.15, 0.05), rng)
    frequency = np.bincount(state_index(sampled), minlength=8) / len(sampled)
    np.testing.assert_allclose(frequency, expected, atol=0.003)


def test_resampling_clamps_each_pattern_in_proportion():
    rng = np.random.default_rng(2)
    rows = encoder_patterns(4)
    batch = Resampler(rows, np.full(4, 0.25), 8)(rng)
    np.testing.assert_array_equal(np.sort(state_index(batch)), np.repeat(state_index(rows), 2))
    uneven = Resampler(rows[:3], np.array([0.5, 0.3, 0.2]), 7)
    draws = np.array([np.bincount(state_index(uneven(rng)), minlength=256)[state_index(rows[:3])]
                      for _ in range(2000)])
    assert np.all(draws.sum(axis=1) == 7)
    assert np.all(np.abs(draws - 7 * np.array([0.5, 0.3, 0.2])) < 1)  # ⌊7 w⌋ or ⌈7 w⌉
    np.testing.assert_allclose(draws.mean(axis=0), [3.5, 2.1, 1.4], atol=0.05)


def test_the_check_reads_codes_and_completions_exactly():
    # a hand-made 2-1-2 encoder: the hidden unit copies input 0 and drives output 0
    bm = encoder_machine(2, 1)
    w = np.zeros((5, 5))
    w[0, 4] = w[4, 0] = w[2, 4] = w[4, 2] = 10.0  # input 0 and output 0 with the hidden unit
    w[1, 4] = w[4, 1] = w[3, 4] = w[4, 3] = -10.0  # input 1 and output 1 against it
    w[0, 1] = w[1, 0] = w[2, 3] = w[3, 2] = -10.0  # one unit on per group
    bm.weights = 3 * w  # weights of ±30, as in the paper's figure of a learned encoder
    bm.biases = 3 * np.array([5.0, 5.0, 0.0, 5.0, -5.0])
    check = EncoderCheck(bm, encoder_patterns(2))
    np.testing.assert_array_equal(check.codes(bm), [[1], [0]])
    assert check.completes(bm) and check(bm) and check.solved
    # annealing finds the completion but for the odd run caught with the wrong output on
    # and the hidden unit off (a local minimum: either flip alone raises the energy by 15)
    assert bm.completion_accuracy(encoder_patterns(2), n_trials=40, random_state=0) >= 0.9
    completed = bm.complete(np.tile(encoder_patterns(2), (5, 1)), "input", random_state=0)
    np.testing.assert_array_equal(completed[:, :2], np.tile(np.eye(2), (5, 1)))  # clamped
    bm.weights, bm.biases = np.zeros((5, 5)), np.zeros(5)  # all codes tie: no code
    assert np.all(check.codes(bm) == -1) and not check(bm)


def test_the_paper_procedure_learns_the_4_2_4_encoder_fast_version():
    result = encoder_experiment(4, 2, n_runs=4, random_state=0)
    # the tour's experiment: 97 of 100 runs solved, median 152 cycles; distinct codes first
    # after a median of 81 cycles (the paper: distinct codes in 250 of 250, median 110)
    assert result.n_solved >= 3 and result.codes_found[0] >= result.n_solved
    assert np.all(result.cycles[result.solved] < result.max_cycles)
    assert np.all(result.code_cycles <= result.cycles)
    for codes in result.codes[result.solved]:  # four distinct two-bit codes
        assert sorted(state_index(codes).tolist()) == [0, 1, 2, 3]
    assert 20 <= result.median_cycles <= 600
    assert np.all(result.completion[result.solved] > 0.25)  # by sampling, 0.60 on average
    assert result.paper == (250, 250, 110)
    again = encoder_experiment(4, 2, n_runs=4, random_state=0)
    np.testing.assert_array_equal(again.cycles, result.cycles)


def test_the_4_3_4_encoder_fast_version():
    result = encoder_experiment(4, 3, n_runs=4, random_state=1)
    assert result.n_solved == 4 and result.codes.shape == (4, 4, 3)
    assert result.median_cycles < 300  # 45.5 over 100 runs


def test_the_encoders_are_set_up_as_in_the_paper(monkeypatch):
    # §4: "the units in H are not connected to each other"
    for v, h in ((4, 2), (4, 3), (8, 3)):
        bm = encoder_machine(v, h)
        hidden = bm.groups["hidden"]
        assert not bm.connectivity[np.ix_(hidden, hidden)].any()
        assert bm.connectivity[np.ix_(bm.groups["input"], hidden)].all()
    # §4.3: the 8-3-8 ran "with a probability of 0.02 of reversing each off unit during
    # noisy clamping", the others with PAPER_1985's 0.05; the experiment clamps with them
    assert paper_clamp_noise(4, 2) == paper_clamp_noise(4, 3) == (0.15, 0.05)
    assert paper_clamp_noise(8, 3) == (0.15, 0.02)
    used = []

    def fit(bm, data, sample_weight=None, **options):
        used.append(options["clamp_noise"])
        return learning.fit(bm, data, sample_weight, **{**options, "n_epochs": 1})

    monkeypatch.setattr(BoltzmannMachine, "fit", fit)
    encoder_experiment(8, 3, n_runs=1, n_trials=1)
    encoder_experiment(4, 2, n_runs=1, n_trials=1)
    encoder_experiment(4, 2, n_runs=1, n_trials=1, clamp_noise=(0.1, 0.01))
    assert used == [(0.15, 0.02), (0.15, 0.05), (0.1, 0.01)]
    # the paper's own figures (§4.1, §4.3): runs with distinct codes, runs, median cycles
    assert PAPER_RESULTS == {(4, 2): (250, 250, 110), (8, 3): (16, 20, 1570)}


def test_bad_encoder_arguments_are_rejected():
    with pytest.raises(ValueError, match="group_size must be an integer ≥ 2, got 1"):
        encoder_machine(1, 1)
    with pytest.raises(TypeError, match=fr"n_runs must be {POSITIVE}, got 2.0"):
        encoder_experiment(n_runs=2.0)
    with pytest.raises(ValueError, match=f"annealings must be {POSITIVE}, got 0"):
        encoder_experiment(annealings=0)
