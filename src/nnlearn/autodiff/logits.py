"""Functions of logits: log-sum-exp, (log-)softmax and the fused softmax cross-entropy.

Composed from the primitives of :mod:`nnlearn.autodiff.ops`, except the cross-entropy,
a primitive of its own whose gradient is softmax(z) − t.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.autodiff.ops import exp, lift, log, sum
from nnlearn.autodiff.tensor import Tensor, is_grad_enabled, record


def logsumexp(x: Any, axis: int = -1, keepdims: bool = False) -> Tensor:
    """log Σ e^x, shifted by the (constant) maximum so that nothing overflows."""
    x = lift(x)
    shift = Tensor(np.max(x.data, axis=axis, keepdims=True))
    total = log(sum(exp(x - shift), axis, keepdims=True)) + shift
    return total if keepdims else total.reshape(np.squeeze(total.data, axis).shape)


def log_softmax(x: Any, axis: int = -1) -> Tensor:
    """z_i − log Σ_j e^(z_j), stable."""
    x = lift(x)
    return x - logsumexp(x, axis, keepdims=True)


def softmax(x: Any, axis: int = -1) -> Tensor:
    """e^(z_i − max z) / Σ_j e^(z_j − max z)."""
    return exp(log_softmax(x, axis))


def softmax_cross_entropy(logits: Any, target: ArrayLike, reduction: str = "mean") -> Tensor:
    """Cross-entropy of softmax(logits) against ``target``, fused and stable.

    L = −Σ_i t_i log softmax(z)_i, whose gradient is softmax(z) − t.

    Parameters
    ----------
    logits : Tensor of shape (n_samples, n_classes)
    target : array of shape (n_samples,) with class indices, or (n_samples, n_classes)
        with probabilities (one-hot or soft). Targets are constants.
    reduction : {"mean", "sum", "none"}
    """
    z = lift(logits)
    t = np.asarray(target.data if isinstance(target, Tensor) else target)
    if z.ndim != 2:
        raise ValueError(
            f"cross_entropy: logits must have shape (n_samples, n_classes), got {z.shape}"
        )
    n, classes = z.shape
    if t.shape == (n,):
        if not np.issubdtype(t.dtype, np.integer):
            if not np.all(np.mod(t, 1) == 0):
                raise ValueError(
                    "cross_entropy: target of shape (n_samples,) must hold class indices"
                )
            t = t.astype(np.intp)
        if t.size and (t.min() < 0 or t.max() >= classes):
            raise ValueError(
                f"cross_entropy: class index out of range: got {t.min()}..{t.max()}, "
                f"expected 0..{classes - 1}"
            )
        target_dist = np.zeros(z.shape, dtype=z.dtype)
        target_dist[np.arange(n), t] = 1
    elif t.shape == z.shape:
        target_dist = t.astype(z.dtype, copy=False)
    else:
        raise ValueError(
            f"cross_entropy: target of shape {t.shape}; expected ({n},) class indices or "
            f"({n}, {classes}) probabilities"
        )
    shifted = z.data - np.max(z.data, axis=1, keepdims=True)
    exps = np.exp(shifted)
    total = exps.sum(axis=1, keepdims=True)
    per_sample = -np.sum(target_dist * (shifted - np.log(total)), axis=1)
    scale = {"mean": 1 / builtins.max(n, 1), "sum": 1.0, "none": None}
    if reduction not in scale:
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")

    def error() -> Tensor:
        """softmax(z) − t: recorded when the gradient is to be differentiated again,
        otherwise straight from the forward pass's exponentials."""
        p = softmax(z) if is_grad_enabled() else Tensor(exps / total)
        return p - target_dist

    if reduction == "none":
        return record(per_sample, (z, lambda g, out: g.reshape(-1, 1) * error()))
    value = np.asarray(per_sample.sum() * scale[reduction], dtype=z.dtype)
    return record(value, (z, lambda g, out: (g * scale[reduction]) * error()))
