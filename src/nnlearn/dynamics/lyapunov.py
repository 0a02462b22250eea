"""The largest Lyapunov exponent: the mean exponential rate at which nearby trajectories part.

Along a trajectory x(0), x(1), ... of a map, a small deviation grows as
δ(n) ≈ J(x(n−1)) ⋯ J(x(0)) δ(0), with J = ∂T/∂x. Renormalising a tangent vector at every
step (Benettin et al. 1980) keeps the product finite:

.. math::

    \\lambda_1 = \\lim_{n \\to \\infty} \\frac{1}{n} \\sum_{k=0}^{n-1}
    \\ln \\frac{\\| J(\\mathbf{x}(k))\\, \\mathbf{v}_k \\|}{\\| \\mathbf{v}_k \\|},
    \\qquad \\text{1-D: } \\lambda = \\lim_{n \\to \\infty} \\frac{1}{n}
    \\sum_{k=0}^{n-1} \\ln |f'(x(k))|.

λ₁ > 0 means chaos (sensitive dependence on the start: the logistic map has ln 2 at r = 4),
λ₁ < 0 an attracting fixed point or cycle (ln |f'(x*)| at a stable fixed point, the mean of
ln |f'| over a stable cycle). For a flow ẋ = T(x) the tangent vector follows the variational
equation v̇ = J(x) v, integrated beside the trajectory and renormalised at fixed intervals.
Any start vector works except those exactly orthogonal to the growing direction; a fixed
pseudo-random one (seed 0) is used, so results are reproducible.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.checks import check_integer, check_real, check_real_array
from nnlearn.dynamics.linearization import evaluate, jacobian_at
from nnlearn.equations import implements

TEST = ("tests/test_dynamics_lyapunov.py::"
        "test_logistic_map_exponent_is_ln2_at_r4_and_negative_at_r32")
FLOW_TEST = "tests/test_dynamics_lyapunov.py::test_flow_exponents_of_linear_flows"


def _start(x0: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """The initial state (shape (d,)) and a generic unit tangent vector."""
    x = np.atleast_1d(check_real_array(x0, "x0", dtype=np.float64, ndim=(0, 1))).copy()
    v = np.random.default_rng(0).standard_normal(x.size)
    return x, v / np.linalg.norm(v)


@implements("largest_lyapunov_exponent", test=TEST)
def map_lyapunov_exponent(T: Callable, x0: ArrayLike, n_steps: int = 10_000,
                          n_transient: int = 1_000) -> float:
    """λ₁ of the map x(n+1) = T(x(n)) along the trajectory from ``x0``.

    Parameters
    ----------
    T : callable
        The map, on states of shape (d,), written with operations nnlearn's autodiff follows.
    x0 : array-like of shape (d,) or a number
        The start.
    n_steps : int, default 10000
        The steps averaged over.
    n_transient : int, default 1000
        Steps taken first and not counted, so the trajectory settles on its attractor.

    Returns
    -------
    float
        λ₁; −inf if the tangent vector vanishes (the trajectory meets a point where J
        is singular: a superstable orbit such as x = 1/2 of the logistic map).
    """
    x, v = _start(x0)
    n_steps = check_integer(n_steps, "n_steps", minimum=1)
    for _ in range(check_integer(n_transient, "n_transient", minimum=0)):
        x = evaluate(T, x)
    total = 0.0
    for _ in range(n_steps):
        v = jacobian_at(T, x) @ v
        size = np.linalg.norm(v)
        if size == 0.0:
            return -np.inf
        total += np.log(size)
        v /= size
        x = evaluate(T, x)
    return total / n_steps


@implements("largest_lyapunov_exponent", test=FLOW_TEST)
def flow_lyapunov_exponent(T: Callable, x0: ArrayLike, t_end: float = 200.0,
                           t_transient: float = 20.0, interval: float = 1.0,
                           rtol: float = 1e-9, atol: float = 1e-12) -> float:
    """λ₁ of the flow ẋ = T(x) along the trajectory from ``x0``.

    Parameters
    ----------
    T : callable
        The vector field, on states of shape (d,), written with operations nnlearn's
        autodiff follows.
    x0 : array-like of shape (d,) or a number
        The start.
    t_end : float, default 200.0
        The time averaged over (rounded up to whole intervals).
    t_transient : float, default 20.0
        Time integrated first and not counted.
    interval : float, default 1.0
        The time between renormalisations of the tangent vector.
    rtol, atol : float
        Tolerances of ``scipy.integrate.solve_ivp``.
    """
    from scipy.integrate import solve_ivp

    x, v = _start(x0)
    t_end = check_real(t_end, "t_end", minimum=0, open_minimum=True)
    t_transient = check_real(t_transient, "t_transient", minimum=0)
    interval = check_real(interval, "interval", minimum=0, open_minimum=True)
    d = x.size

    def variational(t: float, z: np.ndarray) -> np.ndarray:
        state = z[:d]
        return np.concatenate([evaluate(T, state), jacobian_at(T, state) @ z[d:]])

    def advance(z: np.ndarray, duration: float) -> np.ndarray:
        solution = solve_ivp(variational, (0.0, duration), z, rtol=rtol, atol=atol)
        if not solution.success:
            raise RuntimeError(f"integration failed: {solution.message}")
        return solution.y[:, -1]

    z = np.concatenate([x, v])
    if t_transient > 0:  # the state settles, and the tangent vector turns to the growing direction
        z = advance(z, t_transient)
        z[d:] /= np.linalg.norm(z[d:])
    n_intervals = int(np.ceil(t_end / interval))
    total = 0.0
    for _ in range(n_intervals):
        z = advance(z, interval)
        size = np.linalg.norm(z[d:])
        total += np.log(size)
        z[d:] /= size
    return total / (n_intervals * interval)
