"""Polynomial features and polynomial curve fitting against NumPy, scikit-learn and theory."""

import numpy as np
import pytest
from sklearn.preprocessing import PolynomialFeatures as SklearnPolynomialFeatures

import nnlearn as nl
from nnlearn.models import PolynomialFeatures, degree_sweep, polyfit, polyval


@pytest.mark.parametrize("degree", [0, 1, 2, 3])
@pytest.mark.parametrize("include_bias", [True, False])
def test_features_match_sklearn(degree, include_bias):
    X = np.random.default_rng(degree).standard_normal((7, 3))
    if degree == 0 and not include_bias:
        with pytest.raises(ValueError, match="no features"):
            PolynomialFeatures(degree, include_bias=include_bias).fit(X)
        return
    ours = PolynomialFeatures(degree, include_bias=include_bias).fit_transform(X)
    theirs = SklearnPolynomialFeatures(degree, include_bias=include_bias).fit_transform(X)
    np.testing.assert_allclose(ours, theirs, rtol=1e-14)


def test_features_without_cross_terms_are_the_course_layout():
    X = np.array([[2.0, 3.0], [-1.0, 0.5]])
    features = PolynomialFeatures(3, cross_terms=False).fit_transform(X)
    x1, x2 = X.T
    expected = np.column_stack([np.ones(2), x1, x2, x1**2, x2**2, x1**3, x2**3])
    np.testing.assert_array_equal(features, expected)


def test_polyval_evaluates_the_polynomial():
    omega = np.array([0.5, -1.0, 2.0, 0.25])
    u = np.linspace(-2, 2, 9)
    np.testing.assert_allclose(polyval(omega, u), np.polynomial.polynomial.polyval(u, omega))


def test_lstsq_matches_numpy_polyfit():
    u, y = nl.datasets.noisy_sine(20, random_state=1)
    for degree in (0, 1, 3, 6):
        ours = polyfit(u, y, degree)
        np.testing.assert_allclose(ours, np.polynomial.polynomial.polyfit(u, y, degree), atol=1e-8)


def test_ridge_matches_normal_equations():
    # The minimizer of 1/N ‖Φω − y‖² + α² ‖ω‖² zeroes the gradient, and equals
    # scikit-learn's Ridge on unscaled features with its penalty N α².
    from sklearn.linear_model import Ridge

    u, y = nl.datasets.noisy_sine(15, random_state=2)
    alpha = 0.3
    omega = polyfit(u, y, 5, alpha=alpha)
    phi = np.vander(u, 6, increasing=True)
    gradient = 2 / len(u) * phi.T @ (phi @ omega - y) + 2 * alpha**2 * omega
    np.testing.assert_allclose(gradient, 0, atol=1e-12)
    ridge = Ridge(alpha=len(u) * alpha**2, fit_intercept=False, solver="cholesky").fit(phi, y)
    np.testing.assert_allclose(omega, ridge.coef_, rtol=1e-9)
    assert np.linalg.norm(omega) < np.linalg.norm(polyfit(u, y, 5))  # shrinkage


@pytest.mark.parametrize("alpha", [0.0, 0.1])
def test_gd_matches_closed_form(alpha):
    u, y = nl.datasets.noisy_sine(12, random_state=3)
    u = 2 * u - 1  # on [-1, 1] the powers are well conditioned
    closed = polyfit(u, y, 3, alpha=alpha)
    descended = polyfit(u, y, 3, alpha=alpha, solver="gd", tol=1e-12)
    np.testing.assert_allclose(descended, closed, atol=1e-9)


def test_degree_sweep_shows_under_and_over_fitting():
    u_train, y_train = nl.datasets.noisy_sine(10, noise=0.2, random_state=0)
    u_test, y_test = nl.datasets.noisy_sine(200, noise=0.2, random_state=1)
    rows = degree_sweep(u_train, y_train, u_test, y_test, range(10))
    train = np.array([r[1] for r in rows])
    test = np.array([r[2] for r in rows])
    assert np.all(np.diff(train) <= 1e-12)  # nested models: training error never rises
    assert train[9] < 1e-15  # degree N - 1 interpolates the N points
    best = int(np.argmin(test))
    assert 2 <= best <= 7
    assert test[0] > test[best] and test[1] > test[best]  # under-fitting
    assert test[9] > 10 * test[best]  # over-fitting


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="degree"):
        polyfit([0.0, 1.0], [0.0, 1.0], degree=-1)
    with pytest.raises(ValueError, match="solver"):
        polyfit([0.0, 1.0], [0.0, 1.0], degree=1, solver="qr")
    with pytest.raises(ValueError, match="different lengths"):
        polyfit([0.0, 1.0, 2.0], [0.0, 1.0], degree=1)
    with pytest.raises(ValueError, match="finite"):
        polyfit([0.0, np.nan], [0.0, 1.0], degree=1)
    with pytest.raises(TypeError, match=r"degree must be an integer ≥ 0, got 1.5 \(float\)"):
        PolynomialFeatures(degree=1.5).fit([[1.0]])
    with pytest.raises(TypeError, match="u must hold real numbers, got complex values"):
        polyfit([0.0, 1j], [0.0, 1.0], degree=1)
    with pytest.raises(TypeError, match="y must be an array of real numbers, got None"):
        polyfit([0.0, 1.0], np.array([0.0, None]), degree=1)
    with pytest.raises(ValueError, match="learning_rate must be a finite real number > 0"):
        polyfit([0.0, 1.0], [0.0, 1.0], degree=1, solver="gd", learning_rate=np.inf)
    with pytest.raises(TypeError, match=r"degrees\[i\] must be an integer ≥ 0, got 1.5"):
        degree_sweep([0.0, 1.0], [0.0, 1.0], [0.5], [0.5], [1, 1.5])
    with pytest.raises(TypeError, match="y_test must hold real numbers"):
        degree_sweep([0.0, 1.0], [0.0, 1.0], [0.5], [0.5j], [1])
    # NumPy scalars are the numbers they hold.
    np.testing.assert_allclose(polyfit([0.0, 1.0, 2.0], [1.0, 3.0, 5.0], np.int64(1),
                                       alpha=np.float32(0.0)), [1.0, 2.0])
