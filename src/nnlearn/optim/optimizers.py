"""Gradient optimizers of the course, simplest first: SGD, momentum, Adagrad, RMSProp, Adam.

Each takes its parameters, or param groups (:mod:`nnlearn.optim.groups`) whose dicts set
any of the hyperparameters below for their own parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import numpy as np

from nnlearn.checks import check_bool
from nnlearn.equations import implements
from nnlearn.layers.module import Parameter
from nnlearn.optim import updates
from nnlearn.optim.base import Optimizer, keep, non_negative, unit_interval
from nnlearn.optim.groups import Check, ParamGroup
from nnlearn.optim.schedules import Schedule
from nnlearn.registry import Registry

OPTIMIZERS: Registry[type[Optimizer]] = Registry("optimizer")

Params = Iterable[Parameter] | Iterable[Mapping[str, Any]]


def one_of(*options: str) -> Check:
    """A check that a value is one of ``options``."""

    def check(value: Any, name: str) -> str:
        if not isinstance(value, str) or value not in options:
            raise ValueError(f"{name} must be one of {options}, got {value!r}")
        return value

    return check


def pair_of_rates(value: Any, name: str) -> tuple[float, float]:
    """``value`` as a pair of numbers in [0, 1) (Adam's β₁ and β₂)."""
    if isinstance(value, str) or not isinstance(value, Iterable) or len(tuple(value)) != 2:
        raise ValueError(f"{name} must be a pair (β₁, β₂), got {value!r}")
    first, second = value
    return unit_interval(first, f"{name}[0]"), unit_interval(second, f"{name}[1]")


@OPTIMIZERS.register("sgd", "gd")
@implements("momentum_update", test="tests/test_optim.py::test_sgd_momentum_tracks_torch")
class SGD(Optimizer):
    """(Stochastic) gradient descent, with optional momentum and Nesterov momentum.

    The course's update θ ← θ − η ∇R(θ); with weight decay λ the gradient is
    ∂C_data/∂θ + 2λθ. With momentum μ::

        v_t = μ v_{t−1} + g_t           (v_0 = 0)
        θ_t = θ_{t−1} − η v_t           (Nesterov: θ_t = θ_{t−1} − η (g_t + μ v_t))

    or, with ``accumulate="step"``, the course's and scikit-learn's form
    v_t = μ v_{t−1} − η g_t, θ_t = θ_{t−1} + v_t (Nesterov: θ_{t−1} + μ v_t − η g_t), the
    same θ while η is constant (see :func:`nnlearn.optim.updates.sgd`).

    Full-batch, stochastic or mini-batch descent is decided by the batches it is given
    (``nl.fit``'s ``batch_size``).

    Parameters
    ----------
    params : iterable of Parameter, or of param group dicts
    lr : float or schedule, default 0.01
    momentum : float, default 0
    nesterov : bool, default False
    accumulate : {"gradient", "step"}, default "gradient"
        What the velocity sums: gradients (PyTorch) or steps (the course, scikit-learn).
    weight_decay : float, default 0
        λ (PyTorch's ``weight_decay`` is 2λ).
    clip_value, clip_norm : see :class:`~nnlearn.optim.base.Optimizer`

    Examples
    --------
    >>> import nnlearn as nl
    >>> w = nl.Parameter([1.0, -2.0])
    >>> opt = nl.optim.SGD([w], lr=0.1)
    >>> opt.zero_grad(); (w * w).sum().backward(); opt.step()
    >>> w.data
    array([ 0.8, -1.6])
    """

    hyperparameters: ClassVar[dict[str, Check]] = {
        **Optimizer.hyperparameters, "momentum": non_negative, "nesterov": check_bool,
        "accumulate": one_of("gradient", "step"),
    }
    state_names = ("velocity",)

    def __init__(
        self,
        params: Params,
        lr: float | Schedule = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
        clip_value: float | None = None,
        clip_norm: float | None = None,
        accumulate: str = "gradient",
    ) -> None:
        super().__init__(params, {"lr": lr, "weight_decay": weight_decay, "momentum": momentum,
                                  "nesterov": nesterov, "accumulate": accumulate},
                         clip_value=clip_value, clip_norm=clip_norm)
        self.velocity: np.ndarray | None = None  # made at the first step with momentum

    @classmethod
    def check_group(cls, group: ParamGroup) -> None:
        if group.get("nesterov") and group.get("momentum", 0) <= 0:
            raise ValueError("nesterov=True needs momentum > 0")

    def update(self, part: slice, group: ParamGroup, lr: float,
               previous: np.ndarray | None) -> None:
        keep(previous, self.theta[part])
        velocity = None
        if group["momentum"]:
            if self.velocity is None:
                self.velocity = self.state_array()
            velocity = self.velocity[part]
        updates.sgd(self.theta[part], self._grad[part], lr, velocity, group["momentum"],
                    group["nesterov"], group["accumulate"])


@OPTIMIZERS.register("adagrad")
class Adagrad(Optimizer):
    """Adagrad: s_t = s_{t−1} + g_t²,  θ_t = θ_{t−1} − η g_t / (√s_t + ε).

    Parameters
    ----------
    params : iterable of Parameter, or of param group dicts
    lr : float or schedule, default 0.01
    eps : float, default 1e-10
    weight_decay, clip_value, clip_norm : see :class:`~nnlearn.optim.base.Optimizer`
    """

    hyperparameters: ClassVar[dict[str, Check]] = {**Optimizer.hyperparameters,
                                                   "eps": non_negative}
    state_names = ("sum_squares",)

    def __init__(self, params: Params, lr: float | Schedule = 0.01, eps: float = 1e-10,
                 weight_decay: float = 0.0, **clipping: float | None) -> None:
        super().__init__(params, {"lr": lr, "weight_decay": weight_decay, "eps": eps},
                         **clipping)
        self.sum_squares = self.state_array()

    def update(self, part: slice, group: ParamGroup, lr: float,
               previous: np.ndarray | None) -> None:
        keep(previous, self.theta[part])
        updates.adagrad(self.theta[part], self._grad[part], self.sum_squares[part], lr,
                        group["eps"])


@OPTIMIZERS.register("rmsprop")
class RMSProp(Optimizer):
    """RMSProp: s_t = α s_{t−1} + (1 − α) g_t²,  θ_t = θ_{t−1} − η g_t / (√s_t + ε).

    Parameters
    ----------
    params : iterable of Parameter, or of param group dicts
    lr : float or schedule, default 0.01
    alpha : float, default 0.99
        α in [0, 1).
    eps : float, default 1e-8
    weight_decay, clip_value, clip_norm : see :class:`~nnlearn.optim.base.Optimizer`
    """

    hyperparameters: ClassVar[dict[str, Check]] = {**Optimizer.hyperparameters,
                                                   "alpha": unit_interval, "eps": non_negative}
    state_names = ("square_avg",)

    def __init__(self, params: Params, lr: float | Schedule = 0.01, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0,
                 **clipping: float | None) -> None:
        super().__init__(params, {"lr": lr, "weight_decay": weight_decay, "alpha": alpha,
                                  "eps": eps}, **clipping)
        self.square_avg = self.state_array()

    def update(self, part: slice, group: ParamGroup, lr: float,
               previous: np.ndarray | None) -> None:
        keep(previous, self.theta[part])
        updates.rmsprop(self.theta[part], self._grad[part], self.square_avg[part], lr,
                        group["alpha"], group["eps"])


@OPTIMIZERS.register("adam")
class Adam(Optimizer):
    """Adam, as in the course::

        m_t = β₁ m_{t−1} + (1 − β₁) g_t
        v_t = β₂ v_{t−1} + (1 − β₂) g_t²
        m̂_t = m_t / (1 − β₁ᵗ),   v̂_t = v_t / (1 − β₂ᵗ)
        θ_t = θ_{t−1} − η m̂_t / (√v̂_t + ε)

    Bias correction (the hats) is on by default, as in the original paper and PyTorch;
    ``bias_correction=False`` uses m_t and v_t directly (the talk's update). Weight decay
    adds 2λθ to g_t (the course's L2 rule, PyTorch's ``weight_decay=2λ``), not AdamW's
    decoupled decay. Moments that decay below the smallest normal number of their type are
    flushed to 0 (see :mod:`nnlearn.optim.updates`), so that long runs do not slow down.

    Parameters
    ----------
    params : iterable of Parameter, or of param group dicts
    lr : float or schedule, default 1e-3
    betas : (float, float), default (0.9, 0.999)
        β₁ and β₂, each in [0, 1).
    eps : float, default 1e-8
    weight_decay, clip_value, clip_norm : see :class:`~nnlearn.optim.base.Optimizer`
    bias_correction : bool, default True
    eps_on : {"v_hat", "v"}, default "v_hat"
        ε added to √v̂_t (PyTorch, the paper's Algorithm 1) or to √v_t (the paper's
        efficient ordering, scikit-learn's); see :func:`nnlearn.optim.updates.adam`.
    """

    hyperparameters: ClassVar[dict[str, Check]] = {
        **Optimizer.hyperparameters, "betas": pair_of_rates, "eps": non_negative,
        "bias_correction": check_bool, "eps_on": one_of("v_hat", "v"),
    }
    state_names = ("m", "v")

    def __init__(
        self,
        params: Params,
        lr: float | Schedule = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        clip_value: float | None = None,
        clip_norm: float | None = None,
        bias_correction: bool = True,
        eps_on: str = "v_hat",
    ) -> None:
        super().__init__(params, {"lr": lr, "weight_decay": weight_decay, "betas": betas,
                                  "eps": eps, "bias_correction": bias_correction,
                                  "eps_on": eps_on},
                         clip_value=clip_value, clip_norm=clip_norm)
        self.m = self.state_array()
        self.v = self.state_array()

    def update(self, part: slice, group: ParamGroup, lr: float,
               previous: np.ndarray | None) -> None:
        updates.adam(self.theta[part], self._grad[part], self.m[part], self.v[part],
                     self.steps, lr, *group["betas"], group["eps"], group["bias_correction"],
                     previous, group["eps_on"])
