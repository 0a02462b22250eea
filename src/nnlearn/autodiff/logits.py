"""Functions of logits: log-sum-exp, (log-)softmax and the fused softmax cross-entropy.

Composed from the primitives of :mod:`nnlearn.autodiff.ops`, except log-sum-exp, whose
gradient is softmax, and the cross-entropy, whose gradient is softmax(z) − t: two
primitives of their own.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.autodiff.ops import exp, lift, sum
from nnlearn.autodiff.tensor import Tensor, is_grad_enabled, record
from nnlearn.checks import check_real_dtype
from nnlearn.compiled import compiled


def _class_indices(t: np.ndarray) -> np.ndarray:
    """``t`` as integer class indices, or a clear error (the range is checked with the loss)."""
    if t.dtype.kind in "iu":
        return t
    if not np.all(np.mod(t, 1) == 0):
        raise ValueError("cross_entropy: target of shape (n_samples,) must hold class indices")
    return t.astype(np.intp)


@compiled
def label_losses(z: np.ndarray, labels: np.ndarray, peak: np.ndarray, log_total: np.ndarray,
                 losses: np.ndarray, residual: np.ndarray) -> bool:
    """losses_i = −log softmax(z_i)_{y_i} = log Σ_k e^(z_ik − m_i) − (z_{i,y_i} − m_i), and
    residual_{i,y_i} −= 1 (softmax(z) becomes softmax(z) − t, the gradient's direction);
    False (and stops) at a label outside 0..n_classes−1."""
    for i in range(z.shape[0]):
        label = labels[i]
        if label < 0 or label >= z.shape[1]:
            return False
        losses[i] = log_total[i] - (z[i, label] - peak[i])
        residual[i, label] -= 1
    return True


@compiled
def softmax_rows(z: np.ndarray, probabilities: np.ndarray, peak: np.ndarray,
                 log_total: np.ndarray) -> None:
    """Row by row, with m = max_j z_j: p_j = e^(z_j − m) / Σ_k e^(z_k − m), m and
    log Σ_k e^(z_k − m), in one pass that never overflows.

    log Σ_k e^(z_k) = m + log Σ_k e^(z_k − m) is left as two terms: −log p_j is then
    log Σ_k e^(z_k − m) − (z_j − m), which keeps its digits when z_j is the peak.
    """
    for i in range(z.shape[0]):
        peak[i] = z[i, 0]
        for j in range(1, z.shape[1]):
            peak[i] = max(peak[i], z[i, j])
        total = 0.0
        for j in range(z.shape[1]):
            probabilities[i, j] = np.exp(z[i, j] - peak[i])
            total += probabilities[i, j]
        for j in range(z.shape[1]):
            probabilities[i, j] /= total
        log_total[i] = np.log(total)


def _peak(x: Tensor, axis: int) -> np.ndarray:
    """m = max x over ``axis`` (kept, size 1), a constant shift; −inf over an empty axis."""
    return np.max(x.data, axis=axis, keepdims=True, initial=-np.inf)


def logsumexp(x: Any, axis: int = -1, keepdims: bool = False) -> Tensor:
    """log Σ e^x = m + log Σ e^(x − m), with m = max x, so that nothing overflows; its
    gradient is e^(x − logsumexp x) = softmax(x).

    As PyTorch, m = 0 where the maximum is ±inf: log Σ e^x is then +inf when some x is
    +inf and −inf when all are −inf (or the axis is empty), and NaN when some x is NaN;
    the gradient e^(x − out) is 0 at the finite values beside an infinite maximum.
    """
    x = lift(x, op="logsumexp")
    peak = _peak(x, axis)
    shift = np.where(np.isinf(peak), 0, peak)
    with np.errstate(divide="ignore"):  # log 0 = −inf: every value −inf
        total = np.log(np.sum(np.exp(x.data - shift), axis=axis, keepdims=True)) + shift
    kept = total.shape

    def vjp(g: Tensor, out: Tensor) -> Tensor:
        return g.reshape(kept) * exp(x - out.reshape(kept))

    return record(total if keepdims else np.squeeze(total, axis), (x, vjp))


def log_softmax(x: Any, axis: int = -1) -> Tensor:
    """log s_i = (z_i − m) − log Σ_j e^(z_j − m), with m = max z: shifted before the
    logarithm is subtracted, so that log s keeps its digits when m is huge (log 2 is not
    lost beside 1e308). Where m is ±inf every log s_i is NaN, as in PyTorch."""
    x = lift(x, op="log_softmax")
    shifted = x - Tensor(_peak(x, axis))
    return shifted - logsumexp(shifted, axis, keepdims=True)


def softmax(x: Any, axis: int = -1) -> Tensor:
    """s_i = e^(z_i − m) / Σ_j e^(z_j − m), with m = max z; NaN where m is ±inf, as PyTorch."""
    x = lift(x, op="softmax")
    powers = exp(x - Tensor(_peak(x, axis)))
    return powers / sum(powers, axis, keepdims=True)


def softmax_cross_entropy(logits: Any, target: ArrayLike, reduction: str = "mean") -> Tensor:
    """Cross-entropy of softmax(logits) against ``target``, fused and stable.

    L = −Σ_i t_i log softmax(z)_i, whose gradient is softmax(z) − t.

    Parameters
    ----------
    logits : Tensor of shape (n_samples, n_classes), or (n_samples, ..., n_classes)
        The classes are on the last axis; with more axes (the steps of a sequence, say)
        every position is a sample of its own, and "mean" averages over all of them.
    target : array of shape (n_samples,) with class indices, or (n_samples, n_classes)
        with probabilities (one-hot or soft): the logits' shape without, or with, the
        class axis. Targets are constants.
    reduction : {"mean", "sum", "none"}
        "none" gives one loss per position: the logits' shape without the class axis.
    """
    z = lift(logits, op="cross_entropy")
    t = np.asarray(target.data if isinstance(target, Tensor) else target)
    check_real_dtype(t, "cross_entropy: target")
    if z.ndim < 2 or z.shape[-1] == 0:
        raise ValueError(
            "cross_entropy: logits must have shape (n_samples, n_classes) with at least one "
            f"class, got {z.shape}"
        )
    if z.ndim > 2:
        positions, classes = z.shape[:-1], z.shape[-1]
        if t.shape not in (positions, z.shape):
            raise ValueError(
                f"cross_entropy: target of shape {t.shape}; expected {positions} class "
                f"indices or {z.shape} probabilities"
            )
        flat_target = t.reshape(-1) if t.shape == positions else t.reshape(-1, classes)
        loss = softmax_cross_entropy(z.reshape(-1, classes), flat_target, reduction)
        return loss.reshape(positions) if reduction == "none" else loss
    n, classes = z.shape
    scale = {"mean": 1 / n if n else np.nan, "sum": 1.0, "none": None}  # a mean of none: NaN
    if reduction not in scale:
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    residual = np.empty_like(z.data)  # softmax(z), then softmax(z) − t
    peak, log_total = np.empty((2, n), dtype=z.dtype)
    softmax_rows(z.data, residual, peak, log_total)
    if t.shape == (n,):
        labels = _class_indices(t)
        per_sample = np.empty(n, dtype=z.dtype)
        if not label_losses(z.data, labels, peak, log_total, per_sample, residual):
            raise ValueError(
                f"cross_entropy: class index out of range: got {labels.min()}..{labels.max()}, "
                f"expected 0..{classes - 1}"
            )
        target = None  # one-hot, made only for gradients of gradients
    elif t.shape == z.shape:
        target = t.astype(z.dtype, copy=False)
        shifted = z.data - peak[:, None]
        per_sample = np.sum(target * (log_total[:, None] - shifted), axis=1)
        residual -= target
    else:
        raise ValueError(
            f"cross_entropy: target of shape {t.shape}; expected ({n},) class indices or "
            f"({n}, {classes}) probabilities"
        )

    def error(g: Tensor, factor: float) -> Tensor:
        """factor · g ⊙ (softmax(z) − t): recorded when the gradient is to be differentiated
        again, otherwise scaled from the forward pass's residual."""
        if is_grad_enabled():
            t_dense = np.eye(classes, dtype=z.dtype)[labels] if target is None else target
            return (g * factor) * (softmax(z) - t_dense)
        return Tensor(residual * (g.data * factor))

    if reduction == "none":
        return record(per_sample, (z, lambda g, out: error(g.reshape(-1, 1), 1.0)))
    value = np.asarray(per_sample.sum() * scale[reduction], dtype=z.dtype)
    return record(value, (z, lambda g, out: error(g, scale[reduction])))
