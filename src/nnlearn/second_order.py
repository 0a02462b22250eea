"""Second-order material: exact Hessians, Taylor expansions, Newton steps, critical points.

The functions here take a cost ``C`` of a parameter vector θ (a function of a 1-d array
written with nnlearn's operations) and use the exact derivatives of the autodiff engine:
g(θ) = ∇C(θ) from :func:`nnlearn.grad` and H(θ) = ∇²C(θ) from :func:`nnlearn.hessian`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.autodiff import grad, hessian, tensor
from nnlearn.equations import implements
from nnlearn.optim import updates

Cost = Callable[[Any], Any]
TEST = "tests/test_second_order.py"


def _theta(theta: ArrayLike) -> np.ndarray:
    array = np.array(tensor(theta).data, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"theta must be a 1-d parameter vector, got shape {array.shape}")
    return array


@implements("approximation_of_performance_landscape", test=f"{TEST}::test_quadratic_landscape")
def quadratic_landscape(curvatures: ArrayLike) -> Cost:
    """The course's local model of a performance landscape, R(θ) = Σ_i x_i θ_i².

    Its gradient is 2 x_i θ_i and its Hessian diag(2x): gradient descent with rate μ
    multiplies θ_i by (1 − 2μ x_i) each step, so it converges exactly when μ < 1 / max x_i.

    Examples
    --------
    >>> import nnlearn as nl
    >>> R = quadratic_landscape([1.0, 10.0])
    >>> float(R(nl.tensor([1.0, 1.0])))
    11.0
    """
    x = _theta(curvatures)
    return lambda theta: (tensor(x) * theta * theta).sum()


@implements("hessian_matrix", test=f"{TEST}::test_taylor_expansion_is_exact_for_quadratics")
@implements("second_order_taylor", test=f"{TEST}::test_taylor_expansion_is_exact_for_quadratics")
def taylor_expansion(cost: Cost, theta: ArrayLike) -> Callable[[ArrayLike], float]:
    """The second-order model of ``cost`` around θ.

    C(θ + Δ) ≈ C(θ) + g(θ)ᵀ Δ + ½ Δᵀ H(θ) Δ, with g and H exact.

    Returns
    -------
    callable
        Δ (of θ's shape) -> the approximated cost.
    """
    theta = _theta(theta)
    value = float(np.asarray(cost(tensor(theta)).data))
    g, h = grad(cost)(theta), hessian(cost)(theta)

    def model(delta: ArrayLike) -> float:
        d = np.asarray(delta, dtype=np.float64)
        return float(value + g @ d + 0.5 * d @ h @ d)

    return model


@implements("newton_step", test=f"{TEST}::test_newton_finds_and_classifies_critical_points")
def newton_step(cost: Cost, theta: ArrayLike) -> np.ndarray:
    """One Newton step, θ − H(θ)⁻¹ g(θ): the critical point of the Taylor model."""
    theta = _theta(theta)
    h = hessian(cost)(theta)
    try:
        return theta - np.linalg.solve(h, grad(cost)(theta))
    except np.linalg.LinAlgError:
        raise np.linalg.LinAlgError(
            f"newton_step: the Hessian at theta={theta} is singular; no unique Newton step"
        ) from None


def find_critical_point(
    cost: Cost, theta: ArrayLike, tol: float = 1e-10, max_steps: int = 50
) -> np.ndarray:
    """Newton's method from θ until ‖g(θ)‖ < ``tol``.

    Raises
    ------
    RuntimeError
        If no critical point is reached within ``max_steps``.
    """
    theta = _theta(theta)
    for _ in range(max_steps):
        if np.linalg.norm(grad(cost)(theta)) < tol:
            return theta
        theta = newton_step(cost, theta)
    if np.linalg.norm(grad(cost)(theta)) < tol:
        return theta
    raise RuntimeError(f"find_critical_point: no critical point within {max_steps} Newton steps")


def classify_critical_point(
    cost: Cost, theta: ArrayLike, tol: float = 1e-8
) -> Literal["minimum", "maximum", "saddle", "degenerate"]:
    """What kind of critical point θ is, from the signs of H(θ)'s eigenvalues."""
    eigenvalues = np.linalg.eigvalsh(hessian(cost)(_theta(theta)))
    if np.all(eigenvalues > tol):
        return "minimum"
    if np.all(eigenvalues < -tol):
        return "maximum"
    if eigenvalues.min() < -tol and eigenvalues.max() > tol:
        return "saddle"
    return "degenerate"


def gradient_descent_path(
    cost: Cost, theta: ArrayLike, learning_rate: float, steps: int
) -> np.ndarray:
    """The iterates of θ ← θ − μ ∇C(θ), of shape (steps + 1, len(θ)).

    Each step is the optimizers' own rule, :func:`nnlearn.optim.updates.sgd`.

    Examples
    --------
    >>> gradient_descent_path(quadratic_landscape([1.0]), [1.0], 0.25, 2)
    array([[1.  ],
           [0.5 ],
           [0.25]])
    """
    if learning_rate <= 0:
        raise ValueError(f"learning_rate must be positive, got {learning_rate}")
    path = [_theta(theta)]
    gradient = grad(cost)
    for _ in range(steps):
        current = path[-1].copy()
        updates.sgd(current, gradient(current), learning_rate)
        path.append(current)
    return np.array(path)
