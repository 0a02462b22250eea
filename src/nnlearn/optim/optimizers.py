"""Gradient optimizers of the course, simplest first: SGD, momentum, Adagrad, RMSProp, Adam."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from nnlearn.checks import check_real
from nnlearn.equations import implements
from nnlearn.layers.module import Parameter
from nnlearn.optim import updates
from nnlearn.optim.base import Optimizer, check_non_negative, keep
from nnlearn.optim.schedules import Schedule
from nnlearn.registry import Registry

OPTIMIZERS: Registry[type[Optimizer]] = Registry("optimizer")


def _unit_interval(name: str, value: float) -> None:
    if not 0 <= check_real(value, name) < 1:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")


@OPTIMIZERS.register("sgd", "gd")
@implements("momentum_update", test="tests/test_optim.py::test_sgd_momentum_tracks_torch")
class SGD(Optimizer):
    """(Stochastic) gradient descent, with optional momentum and Nesterov momentum.

    The course's update θ ← θ − η ∇R(θ); with weight decay λ the gradient is
    ∂C_data/∂θ + 2λθ. With momentum μ::

        v_t = μ v_{t−1} + g_t           (v_1 = g_1)
        θ_t = θ_{t−1} − η v_t           (Nesterov: θ_t = θ_{t−1} − η (g_t + μ v_t))

    Full-batch, stochastic or mini-batch descent is decided by the batches it is given
    (``nl.fit``'s ``batch_size``).

    Parameters
    ----------
    params : iterable of Parameter
    lr : float or schedule, default 0.01
    momentum : float, default 0
    nesterov : bool, default False
    weight_decay, clip_value, clip_norm : see :class:`~nnlearn.optim.base.Optimizer`

    Examples
    --------
    >>> import nnlearn as nl
    >>> w = nl.Parameter([1.0, -2.0])
    >>> opt = nl.optim.SGD([w], lr=0.1)
    >>> opt.zero_grad(); (w * w).sum().backward(); opt.step()
    >>> w.data
    array([ 0.8, -1.6])
    """

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float | Schedule = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
        clip_value: float | None = None,
        clip_norm: float | None = None,
    ) -> None:
        check_non_negative("momentum", momentum)
        if nesterov and momentum <= 0:
            raise ValueError("nesterov=True needs momentum > 0")
        super().__init__(
            params, lr, weight_decay=weight_decay, clip_value=clip_value, clip_norm=clip_norm
        )
        self.momentum, self.nesterov = momentum, nesterov
        self.velocity = self.state_array() if momentum else None

    def update(self, lr: float, previous: np.ndarray | None = None) -> None:
        keep(previous, self.theta)
        updates.sgd(self.theta, self.grad, lr, self.velocity, self.momentum, self.nesterov,
                    first=self.steps == 1)


@OPTIMIZERS.register("adagrad")
class Adagrad(Optimizer):
    """Adagrad: s_t = s_{t−1} + g_t²,  θ_t = θ_{t−1} − η g_t / (√s_t + ε)."""

    def __init__(self, params: Iterable[Parameter], lr: float | Schedule = 0.01,
                 eps: float = 1e-10, **options: float | None) -> None:
        check_non_negative("eps", eps)
        super().__init__(params, lr, **options)
        self.eps = eps
        self.sum_squares = self.state_array()

    def update(self, lr: float, previous: np.ndarray | None = None) -> None:
        keep(previous, self.theta)
        updates.adagrad(self.theta, self.grad, self.sum_squares, lr, self.eps)


@OPTIMIZERS.register("rmsprop")
class RMSProp(Optimizer):
    """RMSProp: s_t = α s_{t−1} + (1 − α) g_t²,  θ_t = θ_{t−1} − η g_t / (√s_t + ε)."""

    def __init__(self, params: Iterable[Parameter], lr: float | Schedule = 0.01,
                 alpha: float = 0.99, eps: float = 1e-8, **options: float | None) -> None:
        _unit_interval("alpha", alpha)
        check_non_negative("eps", eps)
        super().__init__(params, lr, **options)
        self.alpha, self.eps = alpha, eps
        self.square_avg = self.state_array()

    def update(self, lr: float, previous: np.ndarray | None = None) -> None:
        keep(previous, self.theta)
        updates.rmsprop(self.theta, self.grad, self.square_avg, lr, self.alpha, self.eps)


@OPTIMIZERS.register("adam")
class Adam(Optimizer):
    """Adam, as in the course::

        m_t = β₁ m_{t−1} + (1 − β₁) g_t
        v_t = β₂ v_{t−1} + (1 − β₂) g_t²
        m̂_t = m_t / (1 − β₁ᵗ),   v̂_t = v_t / (1 − β₂ᵗ)
        θ_t = θ_{t−1} − η m̂_t / (√v̂_t + ε)

    Bias correction (the hats) is on by default, as in the original paper and PyTorch;
    ``bias_correction=False`` uses m_t and v_t directly. Weight decay adds 2λθ to g_t
    (the course's L2 rule, PyTorch's ``weight_decay=2λ``), not AdamW's decoupled decay.

    Parameters
    ----------
    params : iterable of Parameter
    lr : float or schedule, default 1e-3
    betas : (float, float), default (0.9, 0.999)
        β₁ and β₂, each in [0, 1).
    eps : float, default 1e-8
    weight_decay, clip_value, clip_norm : see :class:`~nnlearn.optim.base.Optimizer`
    bias_correction : bool, default True
    """

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float | Schedule = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        clip_value: float | None = None,
        clip_norm: float | None = None,
        bias_correction: bool = True,
    ) -> None:
        if len(betas) != 2:
            raise ValueError(f"betas must be a pair (β₁, β₂), got {betas!r}")
        _unit_interval("betas[0]", betas[0])
        _unit_interval("betas[1]", betas[1])
        check_non_negative("eps", eps)
        super().__init__(
            params, lr, weight_decay=weight_decay, clip_value=clip_value, clip_norm=clip_norm
        )
        self.betas, self.eps, self.bias_correction = tuple(betas), eps, bias_correction
        self.m = self.state_array()
        self.v = self.state_array()

    def update(self, lr: float, previous: np.ndarray | None = None) -> None:
        updates.adam(self.theta, self.grad, self.m, self.v, self.steps, lr, *self.betas,
                     self.eps, self.bias_correction, previous)
