"""Second-order material: checked against closed forms and against torch.func.hessian."""

import numpy as np
import pytest
import torch

import nnlearn as nl
from nnlearn import second_order as so


def talk_cost(t):
    """The cost surface of the course's talk: sin(R) + R + 2 sin(3x) sin(3y), R = x² + y²."""
    x, y = t[0], t[1]
    r = x * x + y * y
    return nl.sin(r) + r + 2 * nl.sin(3 * x) * nl.sin(3 * y)


def test_gradient_of_the_performance_surface():
    """∇R(θ) = (∂R/∂θ_1, ..., ∂R/∂θ_D) equals the closed form 2 x_i θ_i."""
    x = np.array([0.5, 2.0, 3.0])
    theta = np.array([1.0, -2.0, 0.25])
    np.testing.assert_allclose(nl.grad(so.quadratic_landscape(x))(theta), 2 * x * theta)


def test_quadratic_landscape():
    x = np.array([1.0, 4.0])
    cost = so.quadratic_landscape(x)
    np.testing.assert_allclose(nl.hessian(cost)(np.array([0.3, -0.7])), np.diag(2 * x))
    # Gradient descent converges exactly when mu < 1 / max x_i (theory of the course's model).
    below = so.gradient_descent_path(cost, [1.0, 1.0], 0.9 / x.max(), 300)
    above = so.gradient_descent_path(cost, [1.0, 1.0], 1.1 / x.max(), 300)
    assert np.abs(below[-1]).max() < 1e-3
    assert np.abs(above[-1]).max() > 1.0
    np.testing.assert_allclose(below[1], (1 - 2 * (0.9 / x.max()) * x) * 1.0)


def test_taylor_expansion_is_exact_for_quadratics():
    a = np.array([[3.0, 1.0], [1.0, 2.0]])

    def cost(t):
        return 0.5 * (t @ nl.tensor(a) @ t) + t.sum()

    model = so.taylor_expansion(cost, [0.2, -0.1])
    for delta in ([0.5, 0.5], [-1.0, 2.0]):
        exact = float(cost(nl.tensor(np.array([0.2, -0.1]) + delta)))
        assert model(delta) == pytest.approx(exact, rel=1e-12)


def test_taylor_error_shrinks_as_the_cube_of_the_step():
    theta = np.array([0.3, -0.2])
    model = so.taylor_expansion(talk_cost, theta)
    errors = []
    for h in (1e-1, 1e-2):
        delta = h * np.array([1.0, 0.5])
        errors.append(abs(model(delta) - float(talk_cost(nl.tensor(theta + delta)))))
    assert errors[1] < errors[0] * 2e-3  # third order: (1/10)^3 = 1e-3


def test_hessian_of_talk_cost_matches_torch():
    theta = np.array([0.4, -0.3])

    def torch_cost(t):
        x, y = t[0], t[1]
        r = x * x + y * y
        return torch.sin(r) + r + 2 * torch.sin(3 * x) * torch.sin(3 * y)

    expected = torch.func.hessian(torch_cost)(torch.tensor(theta)).numpy()
    np.testing.assert_allclose(nl.hessian(talk_cost)(theta), expected, rtol=1e-12)


def test_newton_finds_and_classifies_critical_points():
    origin = so.find_critical_point(talk_cost, [0.1, 0.1])
    np.testing.assert_allclose(origin, 0, atol=1e-10)
    assert so.classify_critical_point(talk_cost, origin) == "saddle"
    low = so.find_critical_point(talk_cost, [0.5, -0.5])
    assert np.linalg.norm(nl.grad(talk_cost)(low)) < 1e-10
    assert so.classify_critical_point(talk_cost, low) == "minimum"
    high = so.find_critical_point(talk_cost, [0.5, 0.5])
    assert so.classify_critical_point(talk_cost, high) == "maximum"


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="theta must be a 1-d"):
        so.newton_step(talk_cost, [[0.0, 0.0]])
    with pytest.raises(ValueError, match="learning_rate must be positive"):
        so.gradient_descent_path(talk_cost, [0.0, 0.0], -1.0, 3)
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        so.newton_step(lambda t: (t * 0).sum(), [1.0, 2.0])
