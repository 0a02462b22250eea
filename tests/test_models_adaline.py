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
    model = Adaline(learning_rate=alpha, max_epochs=1, tol=None)
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
    model = Adaline(learning_rate=alpha, max_epochs=1, tol=None).fit(X, y)
    np.testing.assert_allclose(model.coef_.ravel(), w, rtol=1e-12)
    assert model.intercept_[0] == pytest.approx(b, rel=1e-12)
    assert model.loss_curve_[0] == pytest.approx(0.5 * np.mean(np.square(errors)), rel=1e-12)
    assert model.errors_[0] == int(np.sum(np.where(t - np.array(errors) >= 0, 1, -1) != t))


def test_batch_converges_to_least_squares():
    X, y = _noisy(200, 3, seed=2)
    model = Adaline(learning_rate=0.2, mode="batch", max_epochs=20000, tol=1e-15).fit(X, y)
    design = np.column_stack([np.ones(len(X)), X])
    solution = np.linalg.lstsq(design, 2.0 * y - 1, rcond=None)[0]
    np.testing.assert_allclose(model.intercept_[0], solution[0], atol=1e-5)
    np.testing.assert_allclose(model.coef_.ravel(), solution[1:], atol=1e-5)
    assert np.all(np.diff(model.loss_curve_) <= 1e-15)  # gradient descent never climbs


def test_iris_setosa_versicolor():
    X, y = nl.datasets.iris_pair(features=("sepal length", "petal length"), standardize=True)
    model = Adaline(learning_rate=0.01, max_epochs=200).fit(X, y)
    assert model.score(X, y) >= 0.99


def test_too_large_a_rate_diverges_with_a_clear_error():
    X, y = nl.datasets.iris_pair()
    with pytest.raises(ValueError, match=r"diverged.*learning_rate"):
        Adaline(learning_rate=10.0, max_epochs=200).fit(X, y)


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
    fitted = Adaline(learning_rate=alpha, max_epochs=epochs, tol=None).fit(X, y)
    np.testing.assert_allclose(fitted.coef_.ravel(), reference.coef_, rtol=1e-10)
    np.testing.assert_allclose(fitted.intercept_, reference.intercept_, rtol=1e-10)
    stepped = Adaline(learning_rate=alpha, max_epochs=1, tol=None).fit(X, y)
    for _ in range(epochs - 1):
        stepped.partial_fit(X, y)
    np.testing.assert_allclose(fitted.loss_curve_, stepped.loss_curve_, rtol=1e-10)
    assert fitted.errors_ == stepped.errors_
