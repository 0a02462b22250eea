"""Risk and the general forms of losses: theory checks (closed forms, Monte Carlo)."""

import numpy as np
import pytest

import nnlearn as nl
from nnlearn.losses import LOSSES

NOISE = 0.5


def noisy_line(n, rng):
    """U ~ N(0, 1), Y = 3U − 1 + ε with ε ~ N(0, NOISE²)."""
    u = rng.normal(size=(n, 1))
    return u, 3 * u - 1 + NOISE * rng.normal(size=(n, 1))


def test_risk_of_the_true_function_is_the_noise():
    # Under MSE the risk of the regression function E[Y|U] is the noise variance.
    estimate = nl.losses.risk(lambda u: 3 * u - 1, noisy_line, n_samples=200_000, random_state=1)
    assert estimate == pytest.approx(NOISE**2, rel=0.02)
    # A model off by a constant c adds c²: R = σ² + c².
    shifted = nl.losses.risk(lambda u: 3 * u - 0.5, noisy_line, n_samples=200_000, random_state=1)
    assert shifted == pytest.approx(NOISE**2 + 0.25, rel=0.02)


def test_the_risk_minimizer_beats_every_other_model():
    # f̂ = argmin_h E[L(h(U), Y)]: among lines a u + b, the true one has the least risk.
    def risk_of(a, b):
        return nl.losses.risk(lambda u: a * u + b, noisy_line, n_samples=50_000, random_state=3)

    best = risk_of(3.0, -1.0)
    for a, b in [(2.9, -1.0), (3.1, -1.0), (3.0, -1.1), (3.0, -0.9), (0.0, 0.0)]:
        assert risk_of(a, b) > best


def test_risk_rejects_an_empty_sample():
    with pytest.raises(ValueError, match="n_samples must be at least 1"):
        nl.losses.risk(lambda u: u, noisy_line, n_samples=0)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_every_loss_maps_pairs_to_non_negative_numbers(name):
    """L : R^n × R^n → R≥0, for every registered loss on valid random inputs."""
    rng = np.random.default_rng(0)
    if name == "cross_entropy":
        prediction, target = rng.normal(size=(6, 4)), rng.integers(0, 4, size=6)
    elif name in ("bce", "binary_cross_entropy"):
        prediction, target = rng.uniform(size=(6, 4)), rng.integers(0, 2, size=(6, 4))
    elif name == "bce_with_logits":
        prediction, target = rng.normal(size=(6, 4)), rng.integers(0, 2, size=(6, 4))
    elif name == "zero_one":
        prediction, target = rng.integers(0, 3, size=6), rng.integers(0, 3, size=6)
    else:
        prediction, target = rng.normal(size=(6, 4)), rng.normal(size=(6, 4))
    value = nl.losses.get(name)(prediction, target)
    assert value.shape == () and np.isfinite(float(value)) and float(value) >= 0
    per_sample = nl.losses.get(name)(prediction, target, reduction="none")
    assert np.all(per_sample.numpy() >= 0)


def test_fit_finds_the_empirical_risk_minimizer():
    """A(S) = argmin_h 1/N Σ L(h(u_i), y_i): for lines under MSE it is least squares."""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(80, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.3 + 0.1 * rng.normal(size=80)
    model = nl.Dense(3, 1).initialize(0)
    nl.fit(model, X, y, loss="mse", optimizer="lbfgs", epochs=1, random_state=0)
    design = np.hstack([X, np.ones((80, 1))])
    solution = np.linalg.lstsq(design, y, rcond=None)[0]
    np.testing.assert_allclose(model.weight.numpy().ravel(), solution[:3], atol=1e-6)
    np.testing.assert_allclose(model.bias.numpy(), solution[3:], atol=1e-6)
