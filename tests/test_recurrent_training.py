"""Recurrent layers in training: nl.fit on sequences, and the helpers of the tour's chapter."""

import numpy as np
import pytest

import nnlearn as nl
from nnlearn.tour.recurrent import DT, RELIABILITY, binary_tape, free_run, generate, sine_data


@pytest.mark.parametrize("make", [lambda: nl.RNN(1, 8, output_size=1, random_state=0),
                                  lambda: nl.RNN(1, 8, output_size=1, feedback=True,
                                                 random_state=0),
                                  lambda: nl.LSTM(1, 8, output_size=1, random_state=0)])
def test_fit_trains_sequence_to_sequence_regression(make):
    """Next-sample prediction of sine waves needs memory: from the current sample alone the
    best prediction, cos(Δ) sin θ, has MSE sin²(Δ)/2; two samples determine the next one
    exactly (sin(θ+Δ) = 2 cos Δ sin θ − sin(θ−Δ)). Once the state has read a few samples,
    the trained network beats the memoryless bound by far."""
    X, y = sine_data(32, random_state=0)
    X_val, y_val = sine_data(8, random_state=1)
    model = make()
    history = nl.fit(model, X, y, loss="mse", lr=0.02, epochs=40, batch_size=16,
                     validation_data=(X_val, y_val), random_state=0)
    after_warm_up = np.mean((model(X_val).data - y_val)[:, 5:] ** 2)
    assert after_warm_up < 0.1 * np.sin(DT) ** 2 / 2
    assert history["val_loss"][-1] < 0.1 * history["val_loss"][0]


def test_fit_checks_sequence_shapes():
    rnn = nl.RNN(2, 3, output_size=1, random_state=0)
    X = np.zeros((4, 5, 2))
    with pytest.raises(ValueError, match="has 1 features, but the model expects 2"):
        nl.fit(rnn, np.zeros((4, 5, 1)), np.zeros((4, 5, 1)))
    with pytest.raises(ValueError, match=r"y has shape \(4, 5, 2\), but the model's output "
                                         r"for 4 samples has shape \(4, 5, 1\)"):
        nl.fit(rnn, X, np.zeros((4, 5, 2)))
    classifier = nl.RNN(2, 3, output_size=4, random_state=0)
    with pytest.raises(ValueError, match=r"or \(4, 5\) class indices"):
        nl.fit(classifier, X, np.zeros((4, 3)), loss="cross_entropy")
    with pytest.raises(ValueError, match=r"class indices 0..4, but the model has 4 outputs"):
        nl.fit(classifier, X, np.arange(20).reshape(4, 5) % 5, loss="cross_entropy")
    with pytest.raises(ValueError, match="n_steps, n_features"):
        nl.fit(rnn, np.zeros((4, 5, 2, 1)), np.zeros((4, 5, 1)))


def test_generate_continues_a_free_run_from_the_returned_state():
    """Feeding outputs back one step at a time equals one call of a feedback-free model
    on the same inputs: the returned state continues the sequence exactly."""
    rnn = nl.RNN(1, 5, output_size=1, random_state=3)
    warm_up = np.sin(np.arange(6.0))[:, None]
    generated = generate(rnn, warm_up, 4)
    inputs = np.r_[warm_up[:, 0], generated[:-1]]
    np.testing.assert_allclose(rnn(inputs[None, :, None]).data[0, 5:, 0], generated,
                               rtol=1e-12, atol=1e-12)


def test_spectral_radius_decides_decay_or_growth():
    for activation in ("identity", "tanh"):
        decaying, _ = free_run(0.8, activation)
        growing, _ = free_run(1.2, activation)
        assert decaying[-1] < 1e-4 < 1 < growing[-1]
    for rho in (0.8, 1.2):  # a linear state grows or decays at the rate ρ(W) per step
        linear, grad = free_run(rho, "identity")
        np.testing.assert_allclose((linear[60] / linear[30]) ** (1 / 30), rho, rtol=0.03)
        np.testing.assert_allclose(grad ** (1 / 60), rho, rtol=0.1)


def test_binary_tape_follows_its_rule_but_for_the_noise():
    bits = binary_tape(4000, random_state=3)
    follows = (bits[:, 2:] == bits[:, 1:-1] ^ bits[:, :-2]).mean()
    assert abs(follows - RELIABILITY) < 0.01


def test_per_step_classification_learns_a_delayed_echo():
    """Many-to-many: at every step, name the symbol seen two steps earlier (class 0 before)."""
    rng = np.random.default_rng(0)
    symbols = rng.integers(1, 4, size=(400, 12))
    X = np.eye(4)[symbols]
    y = np.concatenate([np.zeros((400, 2), dtype=int), symbols[:, :-2]], axis=1)
    net = nl.LSTM(4, 16, output_size=4, random_state=0)
    history = nl.fit(net, X[:300], y[:300], loss="cross_entropy", optimizer="adam", lr=0.02,
                     epochs=40, batch_size=32, random_state=0, progress=False,
                     metrics=("accuracy",), validation_data=(X[300:], y[300:]))
    assert history["val_accuracy"][-1] >= 0.98


def test_many_to_one_classification_with_last_step():
    """One label per sequence: does a ±1 sequence hold more +1 than −1?"""
    rng = np.random.default_rng(1)
    X = rng.choice([-1.0, 1.0], size=(500, 9, 1))
    y = (X.sum(axis=(1, 2)) > 0).astype(int)
    net = nl.Sequential(nl.RNN(1, 8, random_state=1), nl.LastStep(), nl.Dense(8, 2, random_state=2))
    history = nl.fit(net, X[:400], y[:400], loss="cross_entropy", optimizer="adam", lr=0.02,
                     epochs=40, batch_size=32, random_state=0, progress=False,
                     metrics=("accuracy",), validation_data=(X[400:], y[400:]))
    assert history["val_accuracy"][-1] >= 0.95


def test_last_step_reads_the_last_output_and_names_bad_input():
    x = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(nl.LastStep()(x).data, x[:, -1])
    with pytest.raises(ValueError, match=r"LastStep: input of shape \(2, 4\)"):
        nl.LastStep()(x[:, 0])
