"""The course's deterministic dynamical systems, in discrete and in continuous time.

.. math::

    x(n+1) = T(x(n), u(n)),\\quad y(n) = O(x(n)) \\qquad\\text{and}\\qquad
    \\dot x(t) = T(x(t), u(t)),\\quad y(t) = O(x(t))

Besides simulating them, each system finds its fixed points (with their stability, from
the exact Jacobian: :mod:`~nnlearn.dynamics.fixed_points`) and the largest Lyapunov exponent
of a trajectory (:mod:`~nnlearn.dynamics.lyapunov`), for no input or a constant one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.checks import check_integer, check_real_array
from nnlearn.dynamics.fixed_points import FixedPoint, find_fixed_point, find_fixed_points
from nnlearn.dynamics.lyapunov import flow_lyapunov_exponent, map_lyapunov_exponent
from nnlearn.equations import implements

DISCRETE_TEST = "tests/test_markov.py::test_discrete_system_matches_matrix_powers"
CONTINUOUS_TEST = "tests/test_markov.py::test_continuous_system_matches_matrix_exponential"


@dataclass
class Trajectory:
    """A simulated trajectory: times, states and outputs (outputs is None without O)."""

    times: np.ndarray
    states: np.ndarray
    outputs: np.ndarray | None


def _outputs(output: Callable | None, states: np.ndarray) -> np.ndarray | None:
    return None if output is None else np.stack([np.asarray(output(x)) for x in states])


def _at_input(T: Callable, u: ArrayLike | None) -> Callable:
    """T itself without input, else x ↦ T(x, u) for the constant input u."""
    return T if u is None else (lambda x: T(x, u))


class _System:
    """What the discrete and the continuous systems share: the operator T, the output O,
    and the fixed points of T: x* = T(x*) for a map, T(x*) = 0 for a flow."""

    continuous: bool

    def __init__(self, T: Callable, output: Callable | None, name: str) -> None:
        if not callable(T):
            raise TypeError(f"{name} must be callable, got {type(T).__name__}")
        self.T = T
        self.output = output

    def fixed_point(self, x0: ArrayLike, u: ArrayLike | None = None) -> FixedPoint:
        """The fixed point that Newton's method reaches from ``x0``, for no input or the
        constant input ``u``: its state x*, J = ∂T/∂x at x*, J's eigenvalues, and whether
        it is stable (every |λ| < 1 for a map, Re λ < 0 for a flow). T must be written with
        operations nnlearn's autodiff follows; see
        :func:`~nnlearn.dynamics.fixed_points.find_fixed_point`."""
        return find_fixed_point(_at_input(self.T, u), x0, continuous=self.continuous)

    def fixed_points(self, starts: ArrayLike, u: ArrayLike | None = None) -> list[FixedPoint]:
        """The distinct fixed points reached from the rows of ``starts`` (see
        :func:`~nnlearn.dynamics.fixed_points.find_fixed_points`)."""
        return find_fixed_points(_at_input(self.T, u), starts, continuous=self.continuous)


@implements("general_form_of_an_update_operator", test=DISCRETE_TEST)
@implements("discrete_time_update_operator", test=DISCRETE_TEST)
@implements("discrete_time_system_with_input", test=DISCRETE_TEST)
@implements("discrete_time_dynamical_system", test=DISCRETE_TEST)
class DiscreteSystem(_System):
    """x(n+1) = T(x(n)) or, with input, T(x(n), u(n)); optional output y(n) = O(x(n)).

    Parameters
    ----------
    update : callable
        T(x) -> x', or T(x, u) -> x' when the system has input (stored as ``T``).
    output : callable, optional
        O(x) -> y.

    Examples
    --------
    >>> system = DiscreteSystem(lambda x, u: 0.5 * x + u)
    >>> system.run([1.0], inputs=[[1.0], [0.0]]).states.ravel().tolist()
    [1.0, 1.5, 0.75]
    >>> system.fixed_point([0.0], u=[1.0]).state
    array([2.])
    """

    continuous = False

    def __init__(self, update: Callable, output: Callable | None = None) -> None:
        super().__init__(update, output, "update")

    def run(
        self, x0: ArrayLike, n_steps: int | None = None, inputs: Sequence | None = None
    ) -> Trajectory:
        """Iterate from x(0) = x0 for ``n_steps`` steps, or once per input if ``inputs``."""
        if (n_steps is None) == (inputs is None):
            raise ValueError("give exactly one of n_steps (no input) or inputs")
        x = check_real_array(x0, "x0", dtype=np.float64)
        states = [x]
        steps = range(check_integer(n_steps, "n_steps", minimum=0)) if inputs is None else inputs
        for u in steps:
            x = np.asarray(self.T(x) if inputs is None else self.T(x, u), np.float64)
            states.append(x)
        stacked = np.stack(states)
        return Trajectory(np.arange(len(states)), stacked, _outputs(self.output, stacked))

    def lyapunov_exponent(self, x0: ArrayLike, n_steps: int = 10_000, n_transient: int = 1_000,
                          u: ArrayLike | None = None) -> float:
        """The largest Lyapunov exponent λ₁ along the trajectory from ``x0`` (see
        :func:`~nnlearn.dynamics.lyapunov.map_lyapunov_exponent`)."""
        return map_lyapunov_exponent(_at_input(self.T, u), x0, n_steps, n_transient)


@implements("temporal_evolution_of_dynamical_system", test=CONTINUOUS_TEST)
@implements("continuous_time_update_operator_ode", test=CONTINUOUS_TEST)
@implements("continuous_time_system_with_input", test=CONTINUOUS_TEST)
@implements("continuous_time_dynamical_system", test=CONTINUOUS_TEST)
class ContinuousSystem(_System):
    """ẋ(t) = T(x(t)) or T(x(t), u(t)), integrated with ``scipy.integrate.solve_ivp``.

    Parameters
    ----------
    vector_field : callable
        T(x) -> dx/dt, or T(x, u) -> dx/dt when an input u(t) is given to :meth:`run`
        (stored as ``T``).
    output : callable, optional
        O(x) -> y.

    Examples
    --------
    >>> decay = ContinuousSystem(lambda x: -x)
    >>> float(decay.run([1.0], t_span=(0.0, 1.0)).states[-1, 0].round(4))
    0.3679
    >>> decay.fixed_point([3.0]).eigenvalues
    array([-1.])
    """

    continuous = True

    def __init__(self, vector_field: Callable, output: Callable | None = None) -> None:
        super().__init__(vector_field, output, "vector_field")

    def run(
        self,
        x0: ArrayLike,
        t_span: tuple[float, float],
        t_eval: ArrayLike | None = None,
        inputs: Callable[[float], ArrayLike] | None = None,
        rtol: float = 1e-9,
        atol: float = 1e-12,
    ) -> Trajectory:
        """Integrate from x(t_span[0]) = x0; ``inputs`` is u(t) as a function of time."""
        from scipy.integrate import solve_ivp

        if inputs is None:
            def rhs(t: float, x: np.ndarray) -> np.ndarray:
                return np.asarray(self.T(x), np.float64)
        else:
            def rhs(t: float, x: np.ndarray) -> np.ndarray:
                return np.asarray(self.T(x, inputs(t)), np.float64)

        x0 = np.atleast_1d(check_real_array(x0, "x0", dtype=np.float64))
        sol = solve_ivp(rhs, t_span, x0, t_eval=t_eval, rtol=rtol, atol=atol)
        if not sol.success:
            raise RuntimeError(f"integration failed: {sol.message}")
        states = sol.y.T
        return Trajectory(sol.t, states, _outputs(self.output, states))

    def lyapunov_exponent(self, x0: ArrayLike, t_end: float = 200.0, t_transient: float = 20.0,
                          u: ArrayLike | None = None) -> float:
        """The largest Lyapunov exponent λ₁ along the trajectory from ``x0`` (see
        :func:`~nnlearn.dynamics.lyapunov.flow_lyapunov_exponent`)."""
        return flow_lyapunov_exponent(_at_input(self.T, u), x0, t_end, t_transient)
