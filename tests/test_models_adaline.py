"""Adaline: the LMS rule against scikit-learn's SGDRegressor and least squares."""

import warnings

import numpy as np
import pytest
from sklearn.linear_model import SGDRegressor

import nnlearn as nl
from nnlearn.models import Adaline, ConvergenceWarning


def _noisy(n, d, seed):
    X, y = nl.datasets.separable(n, d, margin=0.0, random_state=seed)
    return X + 0.3 * np.random.default_rng(seed).standard_normal(X.shape), y


@pytest.mark.parametrize("n", [63, 197])
def test_online_matches_sklearn_sgdregressor(n):
    # SGDRegressor with squared loss, no penalty, a constant rate and no shuffling applies
    # w <- w + eta0 (t - a) x sample by sample: the LMS rule, on targets t = ±1.
    X, y = _noisy(n, 4, seed=n)
    alpha = 0.05
    reference = SGDRegressor(
        penalty=None,
        learning_rate="constant",
        eta0=alpha,
        shuffle=False,
        tol=None,
        max_iter=1,
        warm_start=True,
    )
    model = Adaline(learning_rate=alpha, max_epochs=1, tol=None, normalized=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one epoch per call is meant
        for epoch in range(4):
            reference.fit(X, 2.0 * y - 1)
            if epoch:
                model.partial_fit(X, y)
            else:
                model.fit(X, y)
            np.testing.assert_allclose(model.coef_.ravel(), reference.coef_, rtol=1e-10)
            np.testing.assert_allclose(model.intercept_, reference.intercept_, rtol=1e-10)


def test_online_epoch_equals_visiting_samples_one_by_one():
    X, y = _noisy(131, 3, seed=1)
    t = 2.0 * y - 1
    w, b, alpha, errors = np.zeros(3), 0.0, 0.02, []
    for x, target in zip(X, t, strict=True):
        e = target - (x @ w + b)
        errors.append(e)
        w, b = w + alpha * e * x, b + alpha * e
    model = Adaline(learning_rate=alpha, max_epochs=1, tol=None, normalized=False).fit(X, y)
    np.testing.assert_allclose(model.coef_.ravel(), w, rtol=1e-12)
    assert model.intercept_[0] == pytest.approx(b, rel=1e-12)
    assert model.loss_curve_[0] == pytest.approx(0.5 * np.mean(np.square(errors)), rel=1e-12)
    assert model.errors_[0] == int(np.sum(np.where(t - np.array(errors) >= 0, 1, -1) != t))


def test_batch_converges_to_least_squares():
    X, y = _noisy(200, 3, seed=2)
    model = Adaline(learning_rate=0.2, mode="batch", max_epochs=20000, tol=1e-15,
                    normalized=False).fit(X, y)
    design = np.column_stack([np.ones(len(X)), X])
    solution = np.linalg.lstsq(design, 2.0 * y - 1, rcond=None)[0]
    np.testing.assert_allclose(model.intercept_[0], solution[0], atol=1e-5)
    np.testing.assert_allclose(model.coef_.ravel(), solution[1:], atol=1e-5)
    assert np.all(np.diff(model.loss_curve_) <= 1e-15)  # gradient descent never climbs


def test_iris_setosa_versicolor():
    X, y = nl.datasets.iris_pair(features=("sepal length", "petal length"), standardize=True)
    model = Adaline(learning_rate=0.01, max_epochs=200, normalized=False).fit(X, y)
    assert model.score(X, y) >= 0.99


def test_too_large_a_rate_diverges_with_a_clear_error():
    X, y = nl.datasets.iris_pair()
    with pytest.raises(ValueError, match=r"diverged.*learning_rate"):
        Adaline(learning_rate=10.0, max_epochs=200, normalized=False).fit(X, y)


def test_stops_early_or_warns():
    X, y = nl.datasets.logic_gate("and", signs=True)
    model = Adaline(learning_rate=0.1, max_epochs=1000, tol=1e-12).fit(X, y)
    assert model.converged_ and model.n_epochs_ < 1000
    with pytest.warns(ConvergenceWarning, match="max_epochs=2"):
        Adaline(learning_rate=0.1, max_epochs=2).fit(X, y)


def test_a_fit_of_many_epochs_matches_sklearn_and_partial_fit():
    X, y = _noisy(203, 5, seed=9)
    alpha, epochs = 0.03, 6
    reference = SGDRegressor(
        penalty=None,
        learning_rate="constant",
        eta0=alpha,
        shuffle=False,
        tol=None,
        max_iter=epochs,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference.fit(X, 2.0 * y - 1)
    fitted = Adaline(learning_rate=alpha, max_epochs=epochs, tol=None, normalized=False).fit(X, y)
    np.testing.assert_allclose(fitted.coef_.ravel(), reference.coef_, rtol=1e-10)
    np.testing.assert_allclose(fitted.intercept_, reference.intercept_, rtol=1e-10)
    stepped = Adaline(learning_rate=alpha, max_epochs=1, tol=None, normalized=False).fit(X, y)
    for _ in range(epochs - 1):
        stepped.partial_fit(X, y)
    np.testing.assert_allclose(fitted.loss_curve_, stepped.loss_curve_, rtol=1e-10)
    assert fitted.errors_ == stepped.errors_


def test_normalized_rule_is_the_lms_rule_at_the_normalized_rate():
    # Online: α = μ / (1 + ‖x‖²) for each sample; batch: α = μ / (1 + mean ‖x‖²).
    X, y = _noisy(97, 3, seed=4)
    X = 40.0 * X  # unscaled data, where a fixed rate of 0.3 would diverge
    t, mu = 2.0 * y - 1, 0.3
    w, b = np.zeros(3), 0.0
    for x, target in zip(X, t, strict=True):
        alpha = mu / (1.0 + x @ x)
        e = target - (x @ w + b)
        w, b = w + alpha * e * x, b + alpha * e
    model = Adaline(learning_rate=mu, max_epochs=1, tol=None).fit(X, y)
    np.testing.assert_allclose(model.coef_.ravel(), w, rtol=1e-12)
    assert model.intercept_[0] == pytest.approx(b, rel=1e-12)
    batch = Adaline(learning_rate=mu, mode="batch", max_epochs=1, tol=None).fit(X, y)
    alpha = mu / (1.0 + np.mean(np.sum(X**2, axis=1)))
    np.testing.assert_allclose(batch.coef_.ravel(), alpha * (t @ X) / len(X), rtol=1e-12)
    assert batch.intercept_[0] == pytest.approx(alpha * t.mean(), rel=1e-12)


@pytest.mark.parametrize("mu", [0.1, 0.5, 1.0, 1.9])
def test_a_normalized_step_leaves_the_sample_error_times_one_minus_mu(mu):
    # a' = a + α e (1 + ‖x‖²) = a + μ e: the error becomes (1 − μ) e, whatever the scale of x.
    rng = np.random.default_rng(5)
    x = 1e3 * rng.standard_normal((1, 6))
    model = Adaline(learning_rate=mu)
    model.partial_fit(0.0 * x + 1e-3, [1], classes=[0, 1])  # some weights to start from
    before = 1.0 - model.decision_function(x)[0]
    model.partial_fit(x, [1])
    after = 1.0 - model.decision_function(x)[0]
    assert after == pytest.approx((1.0 - mu) * before, rel=1e-9, abs=1e-9)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # slow at 1e-3
@pytest.mark.parametrize("mode", ["online", "batch"])
def test_the_default_rate_is_stable_on_data_of_any_scale(mode):
    X, y = nl.datasets.iris_pair(features=("sepal length", "petal length"))
    fits = {scale: Adaline(mode=mode, shuffle=True, random_state=0, max_epochs=300).fit(
        scale * X, y) for scale in (1e-3, 1.0, 1e3, 1e6)}
    for scale, model in fits.items():
        assert np.isfinite(model.loss_curve_).all() and np.isfinite(model.coef_).all()
        if mode == "batch":  # gradient descent below 2 / λ_max: the MSE never climbs
            assert np.all(np.diff(model.loss_curve_) <= 1e-12 * model.loss_curve_[0]), scale
    # Where ‖x‖² ≫ 1 the rule no longer sees the scale: the same curve at 1e3 and 1e6.
    np.testing.assert_allclose(fits[1e6].loss_curve_, fits[1e3].loss_curve_, rtol=1e-4)
    assert fits[1.0].score(X, y) == fits[1e6].score(1e6 * X, y) == 1.0
    # (At 1e-3 the bias's input 1 outweighs x: stable, but slow to learn the weights, as
    # any first-order rule on badly scaled data.)


def test_the_fixed_rate_of_the_course_diverges_where_the_normalized_one_does_not():
    X, y = nl.datasets.iris_pair(features=("sepal length", "petal length"))
    with pytest.raises(ValueError, match="diverged"):
        Adaline(normalized=False, shuffle=True, random_state=0).fit(100 * X, y)
    model = Adaline(shuffle=True, random_state=0).fit(100 * X, y)
    assert model.score(100 * X, y) == 1.0
