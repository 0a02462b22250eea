"""The course's deterministic dynamical systems, in discrete and in continuous time.

.. math::

    x(n+1) = T(x(n), u(n)),\\quad y(n) = O(x(n)) \\qquad\\text{and}\\qquad
    \\dot x(t) = T(x(t), u(t)),\\quad y(t) = O(x(t))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.integrate import solve_ivp

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


@implements("general_form_of_an_update_operator", test=DISCRETE_TEST)
@implements("discrete_time_update_operator", test=DISCRETE_TEST)
@implements("discrete_time_system_with_input", test=DISCRETE_TEST)
@implements("discrete_time_dynamical_system", test=DISCRETE_TEST)
class DiscreteSystem:
    """x(n+1) = T(x(n)) or, with input, T(x(n), u(n)); optional output y(n) = O(x(n)).

    Parameters
    ----------
    update : callable
        T(x) -> x', or T(x, u) -> x' when the system has input.
    output : callable, optional
        O(x) -> y.

    Examples
    --------
    >>> system = DiscreteSystem(lambda x, u: 0.5 * x + u)
    >>> system.run([1.0], inputs=[[1.0], [0.0]]).states.ravel().tolist()
    [1.0, 1.5, 0.75]
    """

    def __init__(self, update: Callable, output: Callable | None = None) -> None:
        if not callable(update):
            raise TypeError(f"update must be callable, got {type(update).__name__}")
        self.update = update
        self.output = output

    def run(
        self, x0: ArrayLike, n_steps: int | None = None, inputs: Sequence | None = None
    ) -> Trajectory:
        """Iterate from x(0) = x0 for ``n_steps`` steps, or once per input if ``inputs``."""
        if (n_steps is None) == (inputs is None):
            raise ValueError("give exactly one of n_steps (no input) or inputs")
        x = np.asarray(x0, dtype=np.float64)
        states = [x]
        steps = range(n_steps) if inputs is None else inputs
        for u in steps:
            x = np.asarray(self.update(x) if inputs is None else self.update(x, u), np.float64)
            states.append(x)
        stacked = np.stack(states)
        return Trajectory(np.arange(len(states)), stacked, _outputs(self.output, stacked))


@implements("temporal_evolution_of_dynamical_system", test=CONTINUOUS_TEST)
@implements("continuous_time_update_operator_ode", test=CONTINUOUS_TEST)
@implements("continuous_time_system_with_input", test=CONTINUOUS_TEST)
@implements("continuous_time_dynamical_system", test=CONTINUOUS_TEST)
class ContinuousSystem:
    """ẋ(t) = T(x(t)) or T(x(t), u(t)), integrated with ``scipy.integrate.solve_ivp``.

    Parameters
    ----------
    vector_field : callable
        T(x) -> dx/dt, or T(x, u) -> dx/dt when an input u(t) is given to :meth:`run`.
    output : callable, optional
        O(x) -> y.

    Examples
    --------
    >>> decay = ContinuousSystem(lambda x: -x)
    >>> float(decay.run([1.0], t_span=(0.0, 1.0)).states[-1, 0].round(4))
    0.3679
    """

    def __init__(self, vector_field: Callable, output: Callable | None = None) -> None:
        if not callable(vector_field):
            raise TypeError(f"vector_field must be callable, got {type(vector_field).__name__}")
        self.vector_field = vector_field
        self.output = output

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
        if inputs is None:
            def rhs(t: float, x: np.ndarray) -> np.ndarray:
                return np.asarray(self.vector_field(x), np.float64)
        else:
            def rhs(t: float, x: np.ndarray) -> np.ndarray:
                return np.asarray(self.vector_field(x, inputs(t)), np.float64)

        x0 = np.atleast_1d(np.asarray(x0, dtype=np.float64))
        sol = solve_ivp(rhs, t_span, x0, t_eval=t_eval, rtol=rtol, atol=atol)
        if not sol.success:
            raise RuntimeError(f"integration failed: {sol.message}")
        states = sol.y.T
        return Trajectory(sol.t, states, _outputs(self.output, states))
