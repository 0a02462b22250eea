"""L-BFGS through ``scipy.optimize`` over the flattened parameters."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from nnlearn.autodiff.tensor import Tensor
from nnlearn.checks import check_integer, check_real
from nnlearn.layers.module import Parameter
from nnlearn.optim.base import Optimizer, non_negative
from nnlearn.optim.groups import Check, ParamGroup
from nnlearn.optim.optimizers import OPTIMIZERS

if TYPE_CHECKING:
    from scipy.optimize import OptimizeResult


@OPTIMIZERS.register("lbfgs")
class LBFGS(Optimizer):
    """Limited-memory BFGS (SciPy's L-BFGS-B) on the flat parameter vector θ.

    A quasi-Newton method: from the last ``history_size`` pairs
    (s_k = θ_{k+1} − θ_k, y_k = g_{k+1} − g_k) it builds an approximation H_k of the
    inverse Hessian and steps θ_{k+1} = θ_k − α_k H_k g_k with a line search α_k.
    The same solver as scikit-learn's ``solver="lbfgs"``.

    ``step(closure)`` runs up to ``max_iter`` iterations; ``closure()`` must compute the
    loss from the current parameters, call ``backward()`` and return the loss (a Tensor
    or a number; the optimizer zeroes the gradients before each call).

    Parameters
    ----------
    params : iterable of Parameter, or of param group dicts
        Groups may set their own ``weight_decay``.
    max_iter : int, default 20
        Iterations per ``step``.
    tol : float, default 1e-7
        Stop when the largest gradient component falls below ``tol`` (SciPy's ``gtol``).
    history_size : int, default 10
    weight_decay : float, default 0
        λ: the minimized function is C_data + Σ_groups λ ‖θ_group‖².
    max_fun : int, default 15000
        The most evaluations of the loss per ``step`` (SciPy's ``maxfun``, scikit-learn's
        ``max_fun``).

    Attributes
    ----------
    result : scipy.optimize.OptimizeResult
        The outcome of the last ``step``.
    """

    def __init__(
        self,
        params: Iterable[Parameter] | Iterable[Mapping[str, Any]],
        max_iter: int = 20,
        tol: float = 1e-7,
        history_size: int = 10,
        weight_decay: float = 0.0,
        max_fun: int = 15000,
    ) -> None:
        check_integer(max_iter, "max_iter", minimum=1)
        check_integer(history_size, "history_size", minimum=1)
        check_integer(max_fun, "max_fun", minimum=1)
        check_real(tol, "tol", minimum=0, open_minimum=True)
        super().__init__(params, {"weight_decay": weight_decay})
        self.max_iter, self.tol, self.history_size = max_iter, tol, history_size
        self.max_fun = max_fun
        self.result: OptimizeResult | None = None

    def step(self, closure: Callable[[], Tensor | float]) -> float:  # type: ignore[override]
        """Run L-BFGS from the current parameters; returns the final loss."""

        def value_and_gradient(theta: np.ndarray) -> tuple[float, np.ndarray]:
            self.theta[...] = theta
            self.zero_grad()
            value = closure()
            loss = float(value.data if isinstance(value, Tensor) else value) + self.penalty()
            self.prepare_gradient()
            return loss, self.grad.astype(np.float64)

        from scipy import optimize  # on first use: importing it costs more than a fit

        self.result = optimize.minimize(
            value_and_gradient,
            self.theta.astype(np.float64),
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": self.max_iter, "gtol": self.tol, "maxcor": self.history_size,
                     "maxfun": self.max_fun},
        )
        self.steps += int(self.result.nit)
        self.theta[...] = self.result.x
        return float(self.result.fun)

    #: no learning rate: the line search chooses each step's length
    hyperparameters: ClassVar[dict[str, Check]] = {"weight_decay": non_negative}

    def update(self, part: slice, group: ParamGroup, lr: float,
               previous: np.ndarray | None) -> None:
        raise TypeError("LBFGS.step needs a closure that recomputes the loss")

    @property
    def lr(self) -> float:
        """L-BFGS has no learning rate: an AttributeError that says so."""
        raise AttributeError("LBFGS has no learning rate: its line search sets the length of "
                             "each step")

    def __repr__(self) -> str:
        return f"LBFGS(max_iter={self.max_iter}, n_values={self.theta.size})"
