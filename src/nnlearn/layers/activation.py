"""Activation layers with learnable parameters."""

from __future__ import annotations

import numpy as np

from nnlearn.autodiff import ops
from nnlearn.autodiff.tensor import Tensor
from nnlearn.checks import check_real
from nnlearn.layers.module import Module, Parameter, check_features, positive_int
from nnlearn.layers.registration import register_layer


@register_layer
class PReLU(Module):
    """The parametric ReLU with a learnable slope: f(x) = x for x ≥ 0, else αx.

    Parameters
    ----------
    num_parameters : int, default 1
        1 (one α shared by all features) or the number of features (one α each).
    alpha : float, default 0.25
        The initial slope.
    """

    def __init__(self, num_parameters: int = 1, alpha: float = 0.25) -> None:
        self.n_alpha = positive_int("num_parameters", num_parameters)
        alpha = check_real(alpha, "alpha")
        self.alpha = Parameter(np.broadcast_to(alpha, self.n_alpha))  # a view: no memory yet

    def forward(self, x: Tensor) -> Tensor:
        if self.n_alpha > 1:
            check_features("PReLU", x, self.n_alpha)
        return ops.where(x.data >= 0, x, self.alpha * x)

    def config(self) -> dict[str, int]:
        return {"num_parameters": self.n_alpha}

    def extra_repr(self) -> str:
        return f"num_parameters={self.n_alpha}"
