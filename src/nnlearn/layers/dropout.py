"""Dropout: random silencing of units while training."""

from __future__ import annotations

import numpy as np

from nnlearn.autodiff.tensor import Tensor
from nnlearn.init import rng_from
from nnlearn.layers.module import Module
from nnlearn.layers.registration import register_layer


@register_layer
class Dropout(Module):
    """Dropout: while training, each value is zeroed with probability p and the rest are
    scaled by 1/(1 − p), so the expected output equals the input; identity at inference.

    Parameters
    ----------
    p : float, default 0.5
        The drop probability, in [0, 1).
    random_state : int, Generator or None
        Seeds the masks. ``nl.save`` keeps p, not the random stream: a loaded Dropout
        draws its masks from a fresh generator.
    """

    def __init__(self, p: float = 0.5, random_state: int | np.random.Generator | None = None):
        if not 0 <= p < 1:
            raise ValueError(f"Dropout: p must be in [0, 1), got {p}")
        self.p = p
        self.rng = rng_from(random_state)

    def reset_parameters(self, random_state: int | np.random.Generator | None = None) -> None:
        """Dropout has no parameters: this reseeds its masks (``Module.initialize`` calls it)."""
        rng = rng_from(random_state)
        self.rng = np.random.default_rng(rng.integers(2**63))

    def forward(self, x: Tensor) -> Tensor:
        if not self.training or self.p == 0:
            return x
        return dropout(x, self.p, self.rng)

    def config(self) -> dict[str, float]:
        return {"p": self.p}

    def extra_repr(self) -> str:
        return f"p={self.p}"


def dropout(x: Tensor, p: float, rng: np.random.Generator) -> Tensor:
    """x with each value zeroed with probability p, the others scaled by 1/(1 − p)
    (the rule of :class:`Dropout` in training mode; recurrent layers apply it between
    their layers)."""
    keep = rng.random(x.shape) >= p
    return x * (keep * (1 / (1 - p))).astype(x.dtype)
