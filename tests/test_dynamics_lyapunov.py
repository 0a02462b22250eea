"""Lyapunov exponents of maps and flows, and the one-dimensional maps' attractors, against
closed forms and published values."""

import numpy as np
import pytest

import nnlearn as nl
from nnlearn.dynamics import ContinuousSystem, DiscreteSystem
from nnlearn.dynamics.one_dimensional import (
    attractor_samples,
    cobweb,
    logistic_map,
    lyapunov_exponents,
)


def two_cycle(r):
    """The logistic map's 2-cycle x± = (r + 1 ± √((r − 3)(r + 1))) / (2r) and its exponent
    ½ ln |f'(x+) f'(x−)| = ½ ln |4 + 2r − r²|."""
    root = np.sqrt((r - 3) * (r + 1))
    return np.array([r + 1 - root, r + 1 + root]) / (2 * r), 0.5 * np.log(abs(4 + 2 * r - r**2))


def test_logistic_map_exponent_is_ln2_at_r4_and_negative_at_r32():
    chaotic = DiscreteSystem(lambda x: logistic_map(x, 4.0)).lyapunov_exponent(0.3, n_steps=2000)
    assert chaotic == pytest.approx(np.log(2), abs=0.02)
    _, exponent = two_cycle(3.2)
    stable = DiscreteSystem(lambda x: logistic_map(x, 3.2)).lyapunov_exponent([0.3], n_steps=500)
    assert stable == pytest.approx(exponent, abs=1e-12) and exponent < 0
    # the vectorised version over parameter values agrees, and converges further
    many = lyapunov_exponents(logistic_map, [4.0, 3.2, 2.8], n_steps=3_000)
    np.testing.assert_allclose(many, [np.log(2), exponent, np.log(abs(2 - 2.8))], atol=1e-3)


def test_henon_map_exponent_matches_the_published_value():
    # Sprott, Chaos and Time-Series Analysis (2003), Appendix A: λ₁ = 0.41922 at a = 1.4, b = 0.3
    henon = DiscreteSystem(lambda x: nl.stack([1 - 1.4 * x[0] ** 2 + x[1], 0.3 * x[0]]))
    assert henon.lyapunov_exponent([0.0, 0.0], n_steps=1000, n_transient=100) == pytest.approx(
        0.41922, abs=0.015)


def test_a_superstable_orbit_has_exponent_minus_infinity():
    # r = 2: x* = 1/2 with f'(x*) = 0
    assert DiscreteSystem(lambda x: logistic_map(x, 2.0)).lyapunov_exponent(0.5) == -np.inf


@pytest.mark.parametrize(("A", "expected"), [
    ([[-0.5, 2.0], [-2.0, -0.5]], -0.5),   # a stable spiral: Re λ
    ([[0.3, 0.0], [0.0, -1.0]], 0.3),      # a saddle: the unstable eigenvalue
])
def test_flow_exponents_of_linear_flows(A, expected):
    A = np.array(A)
    linear = ContinuousSystem(lambda x: A @ x)
    assert linear.lyapunov_exponent([1.0, 1.0], t_end=5, t_transient=10) == pytest.approx(
        expected, abs=1e-6)


def test_flow_exponent_on_a_limit_cycle_is_zero():
    # the Hopf normal form's limit cycle r = 1: exponents 0 (along it) and −2 (towards it)
    hopf = ContinuousSystem(lambda x: nl.stack([
        x[0] - x[1] - x[0] * (x[0] ** 2 + x[1] ** 2),
        x[0] + x[1] - x[1] * (x[0] ** 2 + x[1] ** 2)]))
    assert abs(hopf.lyapunov_exponent([0.5, 0.0], t_end=5, t_transient=3)) < 0.01


def test_exponent_with_a_constant_input_and_bad_arguments():
    driven = DiscreteSystem(lambda x, u: u * x * (1 - x))
    assert driven.lyapunov_exponent(0.3, n_steps=500, u=3.2) == pytest.approx(two_cycle(3.2)[1])
    system = DiscreteSystem(lambda x: logistic_map(x, 3.2))
    with pytest.raises(ValueError, match="n_steps must be a positive integer, got 0"):
        system.lyapunov_exponent(0.3, n_steps=0)
    with pytest.raises(TypeError, match="n_transient must be an integer ≥ 0"):
        system.lyapunov_exponent(0.3, n_transient=1.5)
    with pytest.raises(TypeError, match="x0 must hold real numbers, got complex"):
        system.lyapunov_exponent(0.3j)
    with pytest.raises(ValueError, match="t_end must be a finite real number > 0"):
        ContinuousSystem(lambda x: -x).lyapunov_exponent([1.0], t_end=np.inf)


def test_attractor_samples_show_fixed_points_and_cycles():
    samples = attractor_samples(logistic_map, [2.8, 3.2, 3.5], n_transient=2000, n_keep=8)
    np.testing.assert_allclose(samples[:, 0], 1 - 1 / 2.8, atol=1e-12)
    np.testing.assert_allclose(np.unique(samples[:, 1].round(10)), two_cycle(3.2)[0], atol=1e-9)
    assert len(np.unique(samples[:, 2].round(8))) == 4  # the 4-cycle after the second doubling


def test_cobweb_alternates_between_the_graph_and_the_diagonal():
    xs, ys = cobweb(lambda x: logistic_map(x, 2.8), 0.1, 5)
    assert xs.shape == ys.shape == (11,)
    assert (xs[0], ys[0]) == (0.1, 0.0)
    np.testing.assert_allclose(ys[1::2], logistic_map(xs[1::2], 2.8))  # on y = f(x)
    np.testing.assert_array_equal(xs[2::2], ys[2::2])                   # on y = x
    with pytest.raises(ValueError, match="n_steps must be a positive integer"):
        cobweb(np.sin, 0.1, 0)
