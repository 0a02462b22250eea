"""Fixed points of maps and equilibria of flows, found by Newton's method, and their
linear stability.

A map x(n+1) = T(x(n)) rests at x* = T(x*); a flow ẋ = T(x) at T(x*) = 0. Both are zeros of
a residual g, found by Newton's method from a given start,

.. math::

    g(\\mathbf{x}) = \\mathbf{x} - T(\\mathbf{x}) \\ \\text{(map)}, \\quad
    g(\\mathbf{x}) = T(\\mathbf{x}) \\ \\text{(flow)}, \\qquad
    \\mathbf{x}_{k+1} = \\mathbf{x}_k - \\Big[\\frac{\\partial g}{\\partial \\mathbf{x}}
    (\\mathbf{x}_k)\\Big]^{-1} g(\\mathbf{x}_k),

with the exact Jacobian J = ∂T/∂x of nnlearn's autodiff. Near x*, a small deviation δ evolves
as δ(n+1) = J δ(n) (map) or δ̇ = J δ (flow), so x* is (asymptotically) stable when every
eigenvalue λ of J at x* has |λ| < 1 (map) or Re λ < 0 (flow). A point with an eigenvalue on
the boundary (|λ| = 1, Re λ = 0) is not hyperbolic: linearisation cannot decide, and it is
reported as not stable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.checks import check_integer, check_real, check_real_array
from nnlearn.dynamics.linearization import evaluate, jacobian_at
from nnlearn.equations import implements

TEST = "tests/test_dynamics_fixed_points.py::test_logistic_map_fixed_points_closed_form"
FLOW_TEST = "tests/test_dynamics_fixed_points.py::test_flow_equilibria_of_a_damped_pendulum"


@dataclass(frozen=True)
class FixedPoint:
    """A fixed point x* of a map, or an equilibrium of a flow, with its linearisation.

    Attributes
    ----------
    state : ndarray of shape (d,)
        x*.
    jacobian : ndarray of shape (d, d)
        J = ∂T/∂x at x*.
    eigenvalues : ndarray of shape (d,)
        The eigenvalues of J (complex where they come in conjugate pairs).
    stable : bool
        max |λ| < 1 for a map, max Re λ < 0 for a flow.
    continuous : bool
        Whether it belongs to a flow (True) or a map (False).
    """

    state: np.ndarray
    jacobian: np.ndarray
    eigenvalues: np.ndarray
    stable: bool
    continuous: bool


@implements("fixed_point_stability", test=TEST)
def linear_stability(T: Callable, x: np.ndarray, continuous: bool) -> FixedPoint:
    """The linearisation of T at the fixed point ``x``: its Jacobian, eigenvalues, stability."""
    J = jacobian_at(T, x)
    eigenvalues = np.linalg.eigvals(J)  # real dtype unless some come in complex pairs
    growth = eigenvalues.real.max() if continuous else np.abs(eigenvalues).max()
    return FixedPoint(x, J, eigenvalues, bool(growth < (0.0 if continuous else 1.0)), continuous)


@implements("newton_fixed_point", test=TEST)
@implements("newton_fixed_point", test=FLOW_TEST)
def find_fixed_point(T: Callable, x0: ArrayLike, continuous: bool, tol: float = 1e-12,
                     max_iter: int = 100) -> FixedPoint:
    """A zero of g (x − T(x) for a map, T(x) for a flow) by Newton's method from ``x0``.

    Parameters
    ----------
    T : callable
        The operator, mapping a state of shape (d,) to one of shape (d,), written with
        operations nnlearn's autodiff follows.
    x0 : array-like of shape (d,) or a number
        The start (a number is a state of shape (1,)).
    continuous : bool
        True for a flow ẋ = T(x), False for a map x(n+1) = T(x(n)).
    tol : float, default 1e-12
        Converged when a Newton step is at most tol · (1 + ‖x‖_∞).
    max_iter : int, default 100
        The most Newton steps.

    Raises
    ------
    RuntimeError
        If ∂g/∂x is singular at an iterate, the iterates diverge, or Newton has not
        converged after ``max_iter`` steps (try another start).
    """
    x = np.atleast_1d(check_real_array(x0, "x0", dtype=np.float64, ndim=(0, 1))).copy()
    tol = check_real(tol, "tol", minimum=0, open_minimum=True)
    max_iter = check_integer(max_iter, "max_iter", minimum=1)
    for _ in range(max_iter):
        value = evaluate(T, x)
        J = jacobian_at(T, x)
        g, dg = (value, J) if continuous else (x - value, np.eye(x.size) - J)
        try:
            step = np.linalg.solve(dg, g)
        except np.linalg.LinAlgError:
            raise RuntimeError(f"Newton's method stopped at x = {x}: ∂g/∂x is singular there; "
                               f"try another start") from None
        x = x - step
        if not np.isfinite(x).all():
            raise RuntimeError(f"Newton's method diverged from x0 = {x0}; try another start")
        if np.abs(step).max() <= tol * (1.0 + np.abs(x).max()):
            return linear_stability(T, x, continuous)
    raise RuntimeError(f"Newton's method did not converge from x0 = {x0} in {max_iter} steps "
                       f"(last step {np.abs(step).max():.3g}); try another start")


def find_fixed_points(T: Callable, starts: ArrayLike, continuous: bool,
                      tol: float = 1e-12, max_iter: int = 100) -> list[FixedPoint]:
    """The distinct fixed points Newton's method reaches from ``starts``, sorted by state.

    Parameters
    ----------
    starts : array-like of shape (m, d), or (m,) for one-dimensional states
        One start per row. Starts from which Newton fails are skipped; two points closer
        than 1e-8 · (1 + ‖x‖_∞) count as one.

    Raises
    ------
    RuntimeError
        If Newton converges from none of the starts.
    """
    starts = check_real_array(starts, "starts", dtype=np.float64, ndim=(1, 2),
                              allow_empty=False)
    found: list[FixedPoint] = []
    for x0 in starts.reshape(len(starts), -1):
        try:
            point = find_fixed_point(T, x0, continuous, tol, max_iter)
        except RuntimeError:
            continue
        close = 1e-8 * (1.0 + np.abs(point.state).max())
        if all(np.abs(point.state - other.state).max() > close for other in found):
            found.append(point)
    if not found:
        raise RuntimeError(f"Newton's method converged from none of the {len(starts)} starts")
    return sorted(found, key=lambda point: tuple(point.state))
