"""One-dimensional maps x(n+1) = f(x(n), r) of a parameter r: the logistic map, cobwebs,
and what a bifurcation diagram shows.

A family f(x, r) is written elementwise (arithmetic and nnlearn's functions), so one call
advances many trajectories at once, one per parameter value, and nnlearn's autodiff gives
every derivative f'(x) = ∂f/∂x in one backward pass of Σ f.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.autodiff import grad
from nnlearn.checks import check_integer, check_real, check_real_array, check_size
from nnlearn.equations import implements

TEST = ("tests/test_dynamics_lyapunov.py::"
        "test_logistic_map_exponent_is_ln2_at_r4_and_negative_at_r32")
Family = Callable[[Any, Any], Any]


@implements("logistic_map", test=TEST)
def logistic_map(x: Any, r: Any) -> Any:
    """x(n+1) = r x(n) (1 − x(n)): the logistic map, on [0, 1] for 0 ≤ r ≤ 4 (arrays or
    Tensors; elementwise).

    Examples
    --------
    >>> logistic_map(0.5, 4.0)
    1.0
    """
    return r * x * (1 - x)


def cobweb(f: Callable[[Any], Any], x0: float, n_steps: int) -> tuple[np.ndarray, np.ndarray]:
    """The vertices of the cobweb of x(n+1) = f(x(n)) from ``x0``: up from (x0, 0) to the
    graph of f, across to the diagonal y = x, up or down to the graph again, ...

    Returns
    -------
    xs, ys : ndarray of shape (2 * n_steps + 1,)
        (x0, 0), (x0, x1), (x1, x1), (x1, x2), ..., (x_{n−1}, x_n), (x_n, x_n).

    Examples
    --------
    >>> xs, ys = cobweb(lambda x: x / 2, 1.0, 2)
    >>> xs.tolist(), ys.tolist()
    ([1.0, 1.0, 0.5, 0.5, 0.25], [0.0, 0.5, 0.5, 0.25, 0.25])
    """
    x = check_real(x0, "x0")
    orbit = [x]
    for _ in range(check_integer(n_steps, "n_steps", minimum=1)):
        orbit.append(float(np.asarray(f(orbit[-1]))))
    orbit = np.array(orbit)
    xs = np.r_[orbit[0], np.column_stack([orbit[:-1], orbit[1:]]).ravel()]
    ys = np.r_[0.0, np.repeat(orbit[1:], 2)]
    return xs, ys


def _settled(family: Family, parameters: ArrayLike, x0: float,
             n_transient: int) -> tuple[np.ndarray, np.ndarray]:
    """The parameters as an array, and x after ``n_transient`` steps from x0 for each."""
    r = check_real_array(parameters, "parameters", dtype=np.float64, ndim=1, allow_empty=False)
    x = np.full(r.shape, check_real(x0, "x0"))
    for _ in range(check_integer(n_transient, "n_transient", minimum=0)):
        x = np.asarray(family(x, r), dtype=np.float64)
    return r, x


def attractor_samples(family: Family, parameters: ArrayLike, x0: float = 0.3,
                      n_transient: int = 500, n_keep: int = 100) -> np.ndarray:
    """The points a bifurcation diagram plots: for each parameter value r, the ``n_keep``
    states visited after ``n_transient`` steps from ``x0``. (The default start 0.3 avoids
    the logistic map's x = 1/2, which r = 4 sends to 1 and then to the fixed point 0.)

    Returns
    -------
    ndarray of shape (n_keep, len(parameters))
        Column j samples the attractor at ``parameters[j]``: one value repeated for a stable
        fixed point, p values for a stable p-cycle, a spread for chaos.
    """
    r, x = _settled(family, parameters, x0, n_transient)
    samples = np.empty((check_size(n_keep, "n_keep"), r.size))
    for n in range(n_keep):
        x = np.asarray(family(x, r), dtype=np.float64)
        samples[n] = x
    return samples


@implements("largest_lyapunov_exponent", test=TEST)
def lyapunov_exponents(family: Family, parameters: ArrayLike, x0: float = 0.3,
                       n_steps: int = 2_000, n_transient: int = 500) -> np.ndarray:
    """λ(r) = (1/n) Σ_k ln |f'(x(k), r)| for each parameter value r, after a transient.

    The derivatives of all the trajectories come from one backward pass of Σ_r f(x_r, r)
    (the family acts elementwise). An orbit that lands exactly where f' = 0 (a superstable
    one) gets −inf.

    Returns
    -------
    ndarray of shape (len(parameters),)
    """
    r, x = _settled(family, parameters, x0, n_transient)
    slope = grad(lambda x: family(x, r).sum())
    total = np.zeros(r.size)
    n_steps = check_integer(n_steps, "n_steps", minimum=1)
    for _ in range(n_steps):
        with np.errstate(divide="ignore"):
            total += np.log(np.abs(slope(x)))
        x = np.asarray(family(x, r), dtype=np.float64)
    return total / n_steps
