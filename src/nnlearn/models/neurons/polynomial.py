"""Polynomial models: feature expansion for curved boundaries, and polynomial curve fitting."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.checks import check_integer, check_real, check_real_array
from nnlearn.equations import implements
from nnlearn.models.base import BaseEstimator, check_array, check_is_fitted

TEST = "tests/test_models_polynomial.py"
SOLVERS = ("lstsq", "gd")


@implements("polynomial_features", test=f"{TEST}::test_features_match_sklearn")
class PolynomialFeatures(BaseEstimator):
    """Expand x = (x_1, ..., x_n) into its monomials up to ``degree``.

    With ``cross_terms=True`` (scikit-learn's layout and order) every product of up to
    ``degree`` features; with ``cross_terms=False`` the powers of each feature alone,
    degree by degree: (1, x_1, x_2, x_1², x_2²) for two features and degree 2, the
    features of the course's circular boundary.

    Parameters
    ----------
    degree : int, default 2
    cross_terms : bool, default True
    include_bias : bool, default True
        Start with the constant feature 1.

    Examples
    --------
    >>> PolynomialFeatures(cross_terms=False).fit_transform([[2.0, 3.0]])
    array([[1., 2., 3., 4., 9.]])
    """

    def __init__(self, degree: int = 2, cross_terms: bool = True, include_bias: bool = True):
        self.degree = degree
        self.cross_terms = cross_terms
        self.include_bias = include_bias

    def fit(self, X: ArrayLike, y: Any = None) -> PolynomialFeatures:
        """Record the number of features and the monomials; returns ``self``."""
        degree = check_integer(self.degree, "degree", minimum=0)
        if degree == 0 and not self.include_bias:
            raise ValueError("degree=0 with include_bias=False would give no features")
        n = check_array(X, owner="PolynomialFeatures").shape[1]
        self.n_features_in_ = n
        if self.cross_terms:
            first = 0 if self.include_bias else 1
            self.powers_ = [
                combo
                for d in range(first, degree + 1)
                for combo in itertools.combinations_with_replacement(range(n), d)
            ]
        else:
            powers = [(j,) * d for d in range(1, degree + 1) for j in range(n)]
            self.powers_ = [(), *powers] if self.include_bias else powers
        self.n_output_features_ = len(self.powers_)
        return self

    def transform(self, X: ArrayLike) -> np.ndarray:
        """The monomials of each row, shape (n_samples, n_output_features_)."""
        check_is_fitted(self, "powers_")
        X = check_array(X, n_features=self.n_features_in_, owner="PolynomialFeatures")
        out = np.empty((len(X), self.n_output_features_), dtype=X.dtype)
        for column, combo in enumerate(self.powers_):
            out[:, column] = np.prod(X[:, list(combo)], axis=1)
        return out

    def fit_transform(self, X: ArrayLike, y: Any = None) -> np.ndarray:
        """``fit(X).transform(X)``."""
        return self.fit(X).transform(X)

    def __sklearn_tags__(self) -> Any:
        from sklearn.utils import Tags, TargetTags, TransformerTags

        return Tags(
            estimator_type=None,
            target_tags=TargetTags(required=False),
            transformer_tags=TransformerTags(preserves_dtype=["float64", "float32"]),
        )


def vandermonde(u: ArrayLike, degree: int) -> np.ndarray:
    """Φ with Φ_ij = u_i^j for j = 0..degree, shape (n_samples, degree + 1)."""
    u = check_real_array(u, "u", dtype=np.float64).ravel()
    return np.vander(u, degree + 1, increasing=True)


@implements("polynomial_curve_fitting", test=f"{TEST}::test_polyval_evaluates_the_polynomial")
def polyval(omega: ArrayLike, u: ArrayLike) -> np.ndarray:
    """p(u) = ω_0 + ω_1 u + ... + ω_k u^k at each value of ``u``.

    Examples
    --------
    >>> polyval([1.0, 0.0, 2.0], [0.0, 1.0, 3.0])
    array([ 1.,  3., 19.])
    """
    omega = check_real_array(omega, "omega", dtype=np.float64, ndim=1, allow_empty=False)
    return vandermonde(u, len(omega) - 1) @ omega


@implements("mse_minimization", test=f"{TEST}::test_lstsq_matches_numpy_polyfit")
@implements(
    "loss_minimization_with_regularization", test=f"{TEST}::test_ridge_matches_normal_equations"
)
@implements("update_rule_of_the_gradient_descent", test=f"{TEST}::test_gd_matches_closed_form")
def polyfit(
    u: ArrayLike,
    y: ArrayLike,
    degree: int,
    alpha: float = 0.0,
    solver: str = "lstsq",
    learning_rate: float | None = None,
    max_epochs: int = 100_000,
    tol: float = 1e-10,
) -> np.ndarray:
    r"""The polynomial of degree k minimizing the MSE plus α² ‖ω‖².

    .. math:: \hat\omega = \arg\min_\omega \frac{1}{N} \sum_{i=1}^N (p(u_i) - y_i)^2
              + \alpha^2 \lVert \omega \rVert^2

    ``solver="lstsq"`` solves it in closed form: least squares for α = 0, else the normal
    equations (ΦᵀΦ / N + α² I) ω = Φᵀ y / N (ridge regression). ``solver="gd"`` runs
    gradient descent ω ← ω − μ ∇R(ω), ∇R = 2/N Φᵀ(Φω − y) + 2α² ω, from ω = 0 until
    ‖∇R‖ < ``tol``; the default step μ = 1/L, with L the largest eigenvalue of the
    Hessian, is the largest that is safe.

    Parameters
    ----------
    u, y : array-like of shape (n_samples,)
    degree : int
        k ≥ 0.
    alpha : float, default 0.0
    solver : {"lstsq", "gd"}, default "lstsq"
    learning_rate : float, optional
        μ for gradient descent.
    max_epochs : int, default 100000
        The most gradient steps.
    tol : float, default 1e-10

    Returns
    -------
    ndarray of shape (degree + 1,)
        ω_0, ..., ω_k.

    Examples
    --------
    >>> polyfit([0.0, 1.0, 2.0], [1.0, 3.0, 5.0], degree=1).round(6)
    array([1., 2.])
    """
    degree = check_integer(degree, "degree", minimum=0)
    alpha = check_real(alpha, "alpha")
    if learning_rate is not None:
        learning_rate = check_real(learning_rate, "learning_rate", minimum=0, open_minimum=True)
    max_epochs = check_integer(max_epochs, "max_epochs", minimum=0)
    tol = check_real(tol, "tol", minimum=0)
    if solver not in SOLVERS:
        raise ValueError(f"solver must be one of {SOLVERS}, got {solver!r}")
    phi = vandermonde(u, degree)
    y = check_real_array(y, "y", dtype=np.float64).ravel()
    if len(y) != len(phi):
        raise ValueError(f"u and y have different lengths: {len(phi)} and {len(y)}")
    if not np.isfinite(phi).all():
        raise ValueError(f"u must be small enough that u^{degree} is finite")
    n, ridge = len(y), alpha**2
    if solver == "lstsq":
        if ridge == 0:
            return np.linalg.lstsq(phi, y, rcond=None)[0]
        return np.linalg.solve(phi.T @ phi / n + ridge * np.eye(degree + 1), phi.T @ y / n)
    hessian = 2 * (phi.T @ phi / n + ridge * np.eye(degree + 1))
    mu = 1.0 / np.linalg.eigvalsh(hessian)[-1] if learning_rate is None else learning_rate
    omega = np.zeros(degree + 1)
    for _ in range(max_epochs):
        gradient = 2 / n * (phi.T @ (phi @ omega - y)) + 2 * ridge * omega
        if np.linalg.norm(gradient) < tol:
            break
        omega -= mu * gradient
    return omega


def degree_sweep(
    u_train: ArrayLike,
    y_train: ArrayLike,
    u_test: ArrayLike,
    y_test: ArrayLike,
    degrees: ArrayLike,
    alpha: float = 0.0,
) -> list[tuple[int, float, float]]:
    """Fit each degree and measure (degree, train MSE, test MSE): under- and over-fitting.

    Examples
    --------
    >>> u = np.linspace(0, 1, 5)
    >>> [(k, round(train, 5)) for k, train, _ in degree_sweep(u, u**2, u, u**2, [1, 2])]
    [(1, 0.01094), (2, 0.0)]
    """
    y_train = check_real_array(y_train, "y_train", dtype=np.float64).ravel()
    y_test = check_real_array(y_test, "y_test", dtype=np.float64).ravel()
    rows = []
    for degree in np.asarray(degrees, dtype=object).ravel():  # as given: 1.5 is no degree
        k = check_integer(degree, "degrees[i]", minimum=0)
        omega = polyfit(u_train, y_train, k, alpha)
        train = float(np.mean((polyval(omega, u_train) - y_train) ** 2))
        test = float(np.mean((polyval(omega, u_test) - y_test) ** 2))
        rows.append((k, train, test))
    return rows
