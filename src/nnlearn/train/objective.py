"""The objective of a batch: the mean loss, or the weighted mean with sample weights.

With sample weights w_i the empirical risk of a batch B is the weighted mean

    R_B(θ) = Σ_{i∈B} w_i L(N_θ(u_i), y_i) / Σ_{i∈B} w_i,

which is the plain mean when every w_i is 1 (a sample of weight 2 counts as that sample
twice). The per-sample losses come from the loss with ``reduction="none"``; a loss whose
values per sample have more axes (an elementwise loss on several outputs, a sequence) is
averaged over them first, as the unweighted mean does.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from nnlearn.autodiff.tensor import Tensor, no_grad
from nnlearn.equations import implements
from nnlearn.layers.module import Module
from nnlearn.train import data

Loss = Callable[..., Tensor]


def takes_reduction(loss: Loss) -> bool:
    """Whether ``loss`` accepts ``reduction="none"`` (nnlearn's losses all do)."""
    try:
        parameters = inspect.signature(loss).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature: try it
        return True
    return any(p.name == "reduction" or p.kind is p.VAR_KEYWORD for p in parameters)


@implements("weighted_empirical_risk",
            test="tests/test_train_weights.py::test_a_weight_of_two_is_the_sample_twice")
def batch_loss(loss: Loss, output: Tensor, target: np.ndarray,
               weights: np.ndarray | None) -> Tensor:
    """R_B: ``loss(output, target)``, or with ``weights`` of shape (n_samples,) the
    weighted mean of the per-sample losses."""
    if weights is None:
        return loss(output, target)
    per_sample = loss(output, target, reduction="none")
    if per_sample.ndim > 1:
        per_sample = per_sample.mean(axis=tuple(range(1, per_sample.ndim)))
    share = (weights / weights.sum()).astype(output.dtype, copy=False)
    return (per_sample * Tensor(share)).sum()


def share_of(part: slice | np.ndarray, n_samples: int, weights: np.ndarray | None) -> float:
    """The part's share of the total: its number of samples over n_samples, or its
    weight over the total weight."""
    if weights is None:
        count = len(range(n_samples)[part]) if isinstance(part, slice) else len(part)
        return count / n_samples
    return float(weights[part].sum() / weights.sum())


def full_pass(model: Module, loss: Loss, X: Any, y: np.ndarray, weights: np.ndarray | None,
              backward: bool) -> float:
    """R over all the samples, in chunks of a sparse X (one chunk for a dense one):
    R = Σ_chunks share_c · R_c; with ``backward`` each chunk's gradient is added to the
    parameters' (so that the gradients are those of R)."""
    total = 0.0
    for part in data.chunks(X):
        share = share_of(part, X.shape[0], weights)
        if share == 0:
            continue
        chunk_weights = None if weights is None else weights[part]
        value = batch_loss(loss, model(Tensor(data.rows(X, part))), y[part], chunk_weights)
        if share != 1:
            value = value * share
        if backward:
            value.backward()
        total += float(value.data)
    return total


def outputs(model: Module, X: Any) -> Tensor:
    """The model's outputs for all of X, unrecorded (chunk by chunk for a sparse X)."""
    with no_grad():
        parts = [model(Tensor(data.rows(X, part))).data for part in data.chunks(X)]
    return Tensor(parts[0] if len(parts) == 1 else np.concatenate(parts))
