"""Batch normalization: normalize with batch statistics while training, running ones after."""

from __future__ import annotations

import numpy as np

from nnlearn.autodiff import ops
from nnlearn.autodiff.tensor import Tensor
from nnlearn.checks import check_real
from nnlearn.equations import implements
from nnlearn.layers.module import Module, Parameter, check_features, positive_int
from nnlearn.layers.registration import register_layer


@register_layer
@implements("batch_normalization", test="tests/test_layers_torch.py::test_batchnorm_matches_torch")
class BatchNorm(Module):
    """Batch normalization, as the course describes it.

    While training, each feature is normalized with the mean μ_B and (biased) variance
    σ²_B of the mini-batch, then scaled and shifted by learnable γ and β:

        x̂ = (x − μ_B) / √(σ²_B + ε),    y = γ x̂ + β.

    The running mean and variance (the latter unbiased, n/(n−1) σ²_B) are updated as
    r ← (1 − m) r + m · (batch statistic), and replace the batch statistics at inference.
    The same conventions as PyTorch's ``BatchNorm1d``.

    Parameters
    ----------
    num_features : int
    momentum : float, default 0.1
        m, the weight of the newest batch in the running statistics.
    eps : float, default 1e-5

    Attributes
    ----------
    gamma, beta : Parameter of shape (num_features,)
    running_mean, running_var : ndarray of shape (num_features,)
    """

    buffers = ("running_mean", "running_var")

    def __init__(self, num_features: int, momentum: float = 0.1, eps: float = 1e-5) -> None:
        self.n_features = positive_int("num_features", num_features)
        self.momentum = check_real(momentum, "momentum", minimum=0, maximum=1)
        self.eps = check_real(eps, "eps", minimum=0, open_minimum=True)
        self.gamma = Parameter(np.broadcast_to(1.0, self.n_features))  # a view: no memory yet
        self.beta = Parameter(np.zeros(self.n_features))
        self.running_mean = np.zeros(self.n_features)
        self.running_var = np.ones(self.n_features)

    @property
    def in_features(self) -> int:
        return self.n_features

    @property
    def out_features(self) -> int:
        return self.n_features

    def forward(self, x: Tensor) -> Tensor:
        check_features("BatchNorm", x, self.n_features)
        if not self.training:
            scale = 1 / np.sqrt(self.running_var + self.eps)
            return (x - self.running_mean) * (scale * self.gamma) + self.beta
        n = x.shape[0]
        if n < 2:
            raise ValueError("BatchNorm: training needs a batch of at least 2 samples, got 1")
        mean = x.mean(axis=0)
        centered = x - mean
        var = (centered * centered).mean(axis=0)
        m = self.momentum
        self.running_mean *= 1 - m
        self.running_mean += m * mean.data
        self.running_var *= 1 - m
        self.running_var += m * var.data * (n / (n - 1))
        return centered / ops.sqrt(var + self.eps) * self.gamma + self.beta

    def config(self) -> dict[str, float]:
        return {"num_features": self.n_features, "momentum": self.momentum, "eps": self.eps}

    def extra_repr(self) -> str:
        return f"{self.n_features}, momentum={self.momentum}, eps={self.eps}"
