"""The modern continuous Hopfield network (Ramsauer et al. 2020, "Hopfield Networks is All
You Need").

N patterns ξ_1 … ξ_N ∈ R^d, the columns of Ξ, are stored as they are; a state x ∈ R^d
has the energy

    E(x) = −β⁻¹ log Σ_i exp(β ξ_iᵀ x) + ½ xᵀ x + β⁻¹ log N + ½ M²,   M = max_i ‖ξ_i‖,

a log-sum-exp of the overlaps ξ_iᵀ x (concave in x) plus a convex quadratic; the
constants make 0 ≤ E, and E ≤ 2M² wherever ‖x‖ ≤ M. The update

    x ← Ξ softmax(β Ξᵀ x)

is the concave-convex procedure's step for this split, so the energy never increases
under it; as ∇E(x) = x − Ξ softmax(β Ξᵀ x), it is also exactly a gradient step of step
size one, x ← x − ∇E(x). Each step is the attention of a transformer with the state as
query and the patterns as keys and values. A pattern well separated from the others is
retrieved in one step with an error exponentially small in β times its separation, and
the number of patterns that can be stored so grows exponentially with d, where the
classical network keeps about 0.14 d.

Log-sum-exp and softmax are computed shifted by their largest term (nnlearn.autodiff's),
so that no β and no overlap overflows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.autodiff import Tensor, logsumexp, matmul, no_grad, softmax
from nnlearn.autodiff import sum as tensor_sum
from nnlearn.checks import check_bool, check_integer, check_real, check_real_array
from nnlearn.equations import implements

TEST = "tests/test_modern_hopfield.py::"


@implements("modern_hopfield_energy", test=TEST + "test_energy_matches_scipy_and_its_bounds")
def modern_hopfield_energy(state: Any, patterns: np.ndarray, beta: float) -> Tensor:
    """E(x) = −β⁻¹ log Σ_i exp(β ξ_iᵀ x) + ½ xᵀ x + β⁻¹ log N + ½ M², with M = max_i ‖ξ_i‖.

    Written with nnlearn's differentiable operations, so that ``nl.grad`` gives ∇E.

    Parameters
    ----------
    state : Tensor or array of shape (d,) or (m, d)
        x.
    patterns : ndarray of shape (N, d)
        The patterns ξ_i, as rows.
    beta : float
        β > 0.

    Returns
    -------
    Tensor of shape () or (m,)
    """
    n_patterns = patterns.shape[0]
    largest_norm2 = float(np.max(np.sum(patterns**2, axis=1)))
    overlaps = matmul(state, patterns.T)
    return (-logsumexp(beta * overlaps, axis=-1) / beta
            + 0.5 * tensor_sum(state * state, axis=-1)
            + np.log(n_patterns) / beta + 0.5 * largest_norm2)


@dataclass
class ModernRecallTrace:
    """What happened during a recall of the modern network, per probe.

    Attributes
    ----------
    energy : ndarray of shape (n_steps + 1, n_probes)
        E(x) at the start and after each update.
    converged : ndarray of bool, shape (n_probes,)
        Whether the last update moved the probe by at most ``tolerance``.
    n_steps : int
        Updates performed.
    """

    energy: np.ndarray
    converged: np.ndarray
    n_steps: int


class ModernHopfield:
    """A modern continuous Hopfield network of ``n_units`` real units (d).

    Parameters
    ----------
    n_units : int
        d, the dimension of the states and the patterns.
    beta : float, default 1.0
        The inverse temperature β > 0: the larger, the closer the update comes to the
        nearest pattern; the smaller, the more it averages the patterns.

    Attributes
    ----------
    patterns : ndarray of shape (N, n_units)
        The stored ξ_i (rows); none until :meth:`store`.

    Examples
    --------
    The state overlaps the first pattern by 3 and the second by 1: one step lands on the
    first up to e^(−β·2) = e^(−8) ≈ 3e-4 of the second.

    >>> net = ModernHopfield(4, beta=4.0).store([[1, 1, -1, -1], [1, -1, 1, -1]])
    >>> net.update([1.0, 0.5, -0.5, -1.0]).round(4).tolist()
    [1.0, 0.9993, -0.9993, -1.0]
    """

    def __init__(self, n_units: int, beta: float = 1.0) -> None:
        self.n_units = check_integer(n_units, "n_units", minimum=1)
        self.beta = check_real(beta, "beta", minimum=0, open_minimum=True)
        self.patterns = np.zeros((0, self.n_units))

    def store(self, patterns: ArrayLike) -> ModernHopfield:
        """Store real patterns (rows of shape (N, d), N ≥ 1), replacing those stored."""
        patterns = np.atleast_2d(check_real_array(patterns, "patterns", dtype=np.float64,
                                                  ndim=(1, 2)))
        if patterns.shape[1] != self.n_units or not len(patterns):
            raise ValueError(f"patterns must have shape (N, {self.n_units}) with N ≥ 1, got "
                             f"{patterns.shape}")
        self.patterns = patterns.copy()
        return self

    def _state(self, state: ArrayLike, name: str = "state") -> np.ndarray:
        if not len(self.patterns):
            raise ValueError("the network holds no patterns yet: call store(patterns) first")
        x = check_real_array(state, name, dtype=np.float64, ndim=(1, 2))
        if x.shape[-1] != self.n_units:
            raise ValueError(f"{name} must have shape ({self.n_units},) or (m, {self.n_units}), "
                             f"got {x.shape}")
        return x

    def energy(self, state: ArrayLike) -> np.ndarray | float:
        """E(x) (see :func:`modern_hopfield_energy`): a float for a state of shape (d,),
        shape (m,) for (m, d)."""
        x = self._state(state)
        with no_grad():
            e = modern_hopfield_energy(x, self.patterns, self.beta).data
        return float(e) if x.ndim == 1 else e

    def attention(self, state: ArrayLike) -> np.ndarray:
        """p = softmax(β Ξᵀ x): the weight of each pattern in the update, shape (N,) or
        (m, N)."""
        x = self._state(state)
        with no_grad():
            return softmax(self.beta * (x @ self.patterns.T), axis=-1).data

    @implements("modern_hopfield_update", test=TEST + "test_update_is_a_unit_gradient_step")
    def update(self, state: ArrayLike) -> np.ndarray:
        """One step x ← Ξ softmax(β Ξᵀ x), for states of shape (d,) or (m, d)."""
        return self.attention(state) @ self.patterns

    def separation(self) -> np.ndarray:
        """Δ_i = ξ_iᵀ ξ_i − max_{j≠i} ξ_iᵀ ξ_j, how far each pattern stands from the others
        (inf for a single pattern); shape (N,)."""
        if not len(self.patterns):
            raise ValueError("the network holds no patterns yet: call store(patterns) first")
        overlaps = self.patterns @ self.patterns.T
        others = np.where(np.eye(len(overlaps), dtype=bool), -np.inf, overlaps)
        return np.diag(overlaps) - others.max(axis=1)

    def recall(
        self,
        probe: ArrayLike,
        max_steps: int = 100,
        tolerance: float = 1e-10,
        return_trace: bool = False,
    ) -> np.ndarray | tuple[np.ndarray, ModernRecallTrace]:
        """Update from ``probe`` until a step moves no unit by more than ``tolerance``.

        Parameters
        ----------
        probe : array-like of shape (d,) or (n_probes, d)
        max_steps : int, default 100
            The most updates; one usually suffices for a well separated pattern.
        tolerance : float, default 1e-10
            Convergence: max_i |x_i(t + 1) − x_i(t)| ≤ tolerance.
        return_trace : bool, default False
            Also return a :class:`ModernRecallTrace`.

        Returns
        -------
        state : ndarray of the probe's shape
        trace : ModernRecallTrace, only if ``return_trace``
        """
        x = self._state(probe, "probe")
        max_steps = check_integer(max_steps, "max_steps", minimum=0)
        tolerance = check_real(tolerance, "tolerance", minimum=0)
        return_trace = check_bool(return_trace, "return_trace")
        single = x.ndim == 1
        x = np.atleast_2d(x)
        energies = [self.energy(x)]
        moved = np.full(len(x), np.inf)
        steps = 0
        while steps < max_steps and np.any(moved > tolerance):
            new = self.update(x)
            moved = np.max(np.abs(new - x), axis=1)
            x, steps = new, steps + 1
            energies.append(self.energy(x))
        trace = ModernRecallTrace(np.array(energies), moved <= tolerance, steps)
        state = x[0] if single else x
        return (state, trace) if return_trace else state
