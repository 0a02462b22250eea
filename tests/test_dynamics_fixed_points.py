"""Fixed points by Newton's method and their stability from autodiff's exact Jacobian,
against closed forms."""

import numpy as np
import pytest

import nnlearn as nl
from nnlearn.dynamics import ContinuousSystem, DiscreteSystem
from nnlearn.dynamics.one_dimensional import logistic_map


@pytest.mark.parametrize(("r", "stable"), [
    (0.5, [False, True]),    # −1 and 0: 0 attracts for r < 1
    (2.8, [False, True]),    # 0 and 1 − 1/r: 1 − 1/r attracts for 1 < r < 3
    (3.2, [False, False]),   # past the period doubling at r = 3, neither does
    (np.float32(3.9), [False, False]),
])
def test_logistic_map_fixed_points_closed_form(r, stable):
    # x* = 0 and x* = 1 − 1/r, with f'(x*) = r (1 − 2x*): r and 2 − r
    system = DiscreteSystem(lambda x: logistic_map(x, r))
    points = system.fixed_points(np.linspace(-1.5, 1.5, 9))
    expected = sorted([0.0, 1 - 1 / float(r)])
    np.testing.assert_allclose([p.state[0] for p in points], expected, atol=1e-14)
    for point in points:
        slope = float(r) * (1 - 2 * point.state[0])
        np.testing.assert_allclose(point.jacobian, [[slope]], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(point.eigenvalues, [slope], rtol=1e-12, atol=1e-15)
        assert point.stable == (abs(slope) < 1) and not point.continuous
    assert [p.stable for p in points] == stable


def test_henon_map_fixed_points_and_eigenvalues_closed_form():
    a, b = 1.4, 0.3

    def henon(x):
        return nl.stack([1 - a * x[0] ** 2 + x[1], b * x[0]])

    system = DiscreteSystem(henon)
    points = system.fixed_points([[1.0, 0.3], [-1.0, -0.3]])
    roots = (-(1 - b) + np.array([-1, 1]) * np.sqrt((1 - b) ** 2 + 4 * a)) / (2 * a)
    for point, x in zip(points, roots, strict=True):
        np.testing.assert_allclose(point.state, [x, b * x], rtol=1e-13)
        J = np.array([[-2 * a * x, 1.0], [b, 0.0]])
        np.testing.assert_allclose(point.jacobian, J, rtol=1e-13)
        np.testing.assert_allclose(np.sort_complex(point.eigenvalues),
                                   np.sort_complex(np.linalg.eigvals(J)), rtol=1e-12)
        assert not point.stable  # both are saddles of the chaotic Hénon attractor


def test_flow_equilibria_of_a_damped_pendulum():
    c = 0.5
    pendulum = ContinuousSystem(lambda x: nl.stack([x[1], -nl.sin(x[0]) - c * x[1]]))
    points = pendulum.fixed_points([[-3.0, 0.2], [0.3, -0.1], [2.8, 0.0], [3.5, 0.1]])
    np.testing.assert_allclose([p.state for p in points], [[-np.pi, 0], [0, 0], [np.pi, 0]],
                               atol=1e-13)
    down, up = points[1], points[2]
    # hanging down: λ = (−c ± i √(4 − c²)) / 2, a stable spiral
    expected = (-c + np.array([1j, -1j]) * np.sqrt(4 - c**2)) / 2
    np.testing.assert_allclose(np.sort_complex(down.eigenvalues), np.sort_complex(expected),
                               rtol=1e-12)
    assert down.stable and down.continuous
    # upside down: λ = (−c ± √(c² + 4)) / 2, a saddle
    np.testing.assert_allclose(np.sort(up.eigenvalues),
                               (-c + np.array([-1, 1]) * np.sqrt(c**2 + 4)) / 2, rtol=1e-12)
    assert not up.stable


@pytest.mark.parametrize(("rho", "stable"), [(0.8, True), (1.2, False)])
def test_the_rest_state_of_a_free_running_rnn_is_stable_iff_the_spectral_radius_is_below_1(
        rho, stable):
    rng = np.random.default_rng(0)
    W = rng.normal(size=(6, 6))
    W *= rho / np.abs(np.linalg.eigvals(W)).max()
    point = DiscreteSystem(lambda x: nl.tanh(W @ x)).fixed_point(0.01 * rng.normal(size=6))
    np.testing.assert_allclose(point.state, 0.0, atol=1e-14)
    np.testing.assert_allclose(point.jacobian, W, rtol=1e-12)  # tanh'(0) = 1
    assert np.abs(point.eigenvalues).max() == pytest.approx(rho)
    assert point.stable == stable


def test_fixed_points_under_a_constant_input():
    driven = DiscreteSystem(lambda x, u: 0.5 * x + u)
    np.testing.assert_allclose(driven.fixed_point([0.0], u=np.array([3.0])).state, [6.0])
    relaxing = ContinuousSystem(lambda x, u: u - 2.0 * x)
    point = relaxing.fixed_point([0.0, 0.0], u=np.array([1.0, -4.0]))
    np.testing.assert_allclose(point.state, [0.5, -2.0])
    np.testing.assert_allclose(point.eigenvalues, [-2.0, -2.0])
    assert point.stable


def test_newton_failures_are_reported_and_skipped_among_several_starts():
    system = DiscreteSystem(lambda x: logistic_map(x, 3.2))
    with pytest.raises(RuntimeError, match="singular"):
        system.fixed_point([0.34375])  # where g'(x) = 1 − f'(x) = 0
    assert len(system.fixed_points([0.34375, 0.9])) == 1
    with pytest.raises(RuntimeError, match="did not converge"):
        ContinuousSystem(nl.exp).fixed_point([0.0])  # e^x has no zero
    with pytest.raises(RuntimeError, match="converged from none of the 2 starts"):
        DiscreteSystem(lambda x: x + 1.0).fixed_points([[0.0], [1.0]])


def test_bad_operators_and_starts_are_refused_by_name():
    square = DiscreteSystem(lambda x: x * x)
    with pytest.raises(TypeError, match="x0 must hold real numbers, got complex"):
        square.fixed_point([0.5 + 1j])
    with pytest.raises(ValueError, match="x0 must be finite, got nan"):
        square.fixed_point([np.nan])
    with pytest.raises(ValueError, match="starts must not be empty"):
        square.fixed_points([])
    with pytest.raises(TypeError, match=r"autodiff follows .*not NumPy functions"):
        DiscreteSystem(np.tanh).fixed_point([0.1])
    with pytest.raises(ValueError, match=r"T must map a state of shape \(2,\) to one of the same"):
        DiscreteSystem(lambda x: x.sum()).fixed_point([0.1, 0.2])
