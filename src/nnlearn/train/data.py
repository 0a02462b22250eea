"""Checking training data before any training, splitting it and cutting it into batches."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.autodiff.tensor import no_grad
from nnlearn.checks import check_real_array
from nnlearn.compiled import compiled
from nnlearn.layers.module import Module

#: losses whose targets are class indices (or probability rows)
CLASS_LOSSES = ("cross_entropy",)
#: losses whose targets are probabilities in [0, 1]
PROBABILITY_LOSSES = ("bce", "bce_with_logits")
#: losses applied to logits: the model's outputs become probabilities through σ
LOGIT_LOSSES = ("bce_with_logits",)


@compiled
def sum_of_zeros(values: np.ndarray) -> float:
    """Σ_i 0·x_i: 0 when every x_i is finite, NaN otherwise (0·±inf and 0·NaN are NaN).

    One vectorized pass over the data, with no mask the size of X.
    """
    total = values[0] * 0
    for i in range(1, values.shape[0]):
        total += values[i] * 0
    return total


def _finite(name: str, values: np.ndarray) -> None:
    """A clear error for NaN or ±inf, counted only when there are some."""
    if not np.issubdtype(values.dtype, np.floating) or values.size == 0:
        return
    if sum_of_zeros(np.ascontiguousarray(values).reshape(-1)) != 0:
        bad = int(np.size(values) - np.count_nonzero(np.isfinite(values)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s); expected finite values")


def check_inputs(model: Module, X: ArrayLike, name: str = "X") -> np.ndarray:
    """``X`` as a C-contiguous array of the model's dtype, or a clear error.

    ``X`` is (n_samples, n_features), or (n_samples, n_steps, n_features) for sequences
    (recurrent layers); the features are always in the last axis.
    """
    array = check_real_array(X, name, finite=False)  # finiteness: below, in one pass
    if array.ndim == 1:
        raise ValueError(
            f"{name} has shape {array.shape}; expected (n_samples, n_features): reshape a single "
            "feature with X.reshape(-1, 1) or a single sample with X.reshape(1, -1)"
        )
    if array.ndim not in (2, 3):
        raise ValueError(
            f"{name} has shape {array.shape}; expected (n_samples, n_features) or, for "
            "sequences, (n_samples, n_steps, n_features)"
        )
    array = np.ascontiguousarray(array, dtype=model.dtype)
    _finite(name, array)
    expected = model.in_features
    if expected is not None and array.shape[-1] != expected:
        raise ValueError(
            f"{name} has {array.shape[-1]} features, but the model expects {expected}"
        )
    return array


def output_shape(model: Module, X: np.ndarray) -> tuple[int, ...]:
    """The shape of the model's output for one sample (without the sample axis).

    Found by running the model on ``X[:1]`` in evaluation mode, unrecorded; the mode is
    then restored, and nothing (running statistics, random streams) changes.
    """
    with model.evaluation_mode(), no_grad():
        return model(X[:1]).shape[1:]


def check_targets(y: ArrayLike, n_samples: int, output: tuple[int, ...], dtype: np.dtype,
                  loss_name: str | None, name: str = "y") -> np.ndarray:
    """``y`` shaped for the loss, given the model's ``output`` shape per sample.

    Class indices for cross-entropy have the output's shape without the class axis
    (one label per sample, or per step of a sequence); every other target has the
    output's shape, a single output also taking a vector.
    """
    array = check_real_array(y, name, finite=False)
    if array.ndim == 0:
        raise ValueError(f"{name} is a single number; expected one target per sample "
                         f"({n_samples} in X)")
    if len(array) != n_samples:
        raise ValueError(
            f"X and {name} have different lengths: {n_samples} samples in X, {len(array)} in {name}"
        )
    _finite(name, array)
    if loss_name in CLASS_LOSSES and array.shape[1:] == output[:-1]:
        if not np.all(np.mod(array, 1) == 0):
            raise ValueError(f"{name} must hold class indices 0..n_classes−1 for {loss_name}")
        labels = array.astype(np.intp)
        top = output[-1]
        if labels.size and (labels.min() < 0 or labels.max() >= top):
            raise ValueError(
                f"{name} holds class indices {labels.min()}..{labels.max()}, but the model has "
                f"{top} outputs (classes 0..{top - 1})"
            )
        return labels
    array = array.astype(dtype)
    if array.ndim == 1 and output == (1,):
        array = array.reshape(-1, 1)
    if array.shape[1:] != output:
        indices = (f" (or {(n_samples, *output[:-1])} class indices)"
                   if loss_name in CLASS_LOSSES else "")
        raise ValueError(
            f"{name} has shape {array.shape}, but the model's output for {n_samples} samples "
            f"has shape {(n_samples, *output)}{indices}"
        )
    if loss_name in PROBABILITY_LOSSES and array.size and (array.min() < 0 or array.max() > 1):
        raise ValueError(f"{name} must hold values in [0, 1] for {loss_name}")
    if loss_name in CLASS_LOSSES:
        _check_probability_rows(name, array, loss_name)
    return np.ascontiguousarray(array)


def _check_probability_rows(name: str, targets: np.ndarray, loss_name: str) -> None:
    """Targets of the output's shape for cross-entropy are distributions over the classes
    (one-hot rows, or soft labels): each row in [0, 1], summing to 1."""
    rows = targets.reshape(-1, targets.shape[-1])
    bad = (rows < 0).any(axis=1) | (rows > 1).any(axis=1) | ~np.isclose(rows.sum(axis=1), 1)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{name} has the model's output shape {targets.shape[1:]}, so {loss_name} reads "
            f"each row as class probabilities, but row {first} is {rows[first].tolist()[:6]} "
            f"(entries in [0, 1] summing to 1 expected). Give class indices of shape "
            f"{targets.shape[:-1]} instead, or use loss='bce_with_logits' for independent "
            "0/1 labels"
        )



def split(X: np.ndarray, y: np.ndarray, fraction: float, rng: np.random.Generator
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A random ``fraction`` of the samples held out: (X_train, y_train, X_val, y_val)."""
    if not 0 < fraction < 1:
        raise ValueError(f"validation_split must be in (0, 1), got {fraction}")
    n = len(X)
    n_val = round(n * fraction)
    if n_val < 1 or n_val >= n:
        raise ValueError(
            f"validation_split={fraction} of {n} samples leaves an empty training or "
            "validation set"
        )
    order = rng.permutation(n)
    train, val = np.sort(order[n_val:]), np.sort(order[:n_val])
    return X[train], y[train], X[val], y[val]


def batches(n_samples: int, batch_size: int | None, rng: np.random.Generator | None
            ) -> Iterator[slice | np.ndarray]:
    """Index sets covering the samples once: one epoch.

    ``batch_size=None`` gives one full batch (gradient descent), 1 single samples
    (stochastic gradient descent), anything else mini-batches. With ``rng`` the order is
    shuffled; the last batch may be smaller.
    """
    size = n_samples if batch_size is None else min(batch_size, n_samples)
    if rng is None or size == n_samples:
        for start in range(0, n_samples, size):
            yield slice(start, start + size)
        return
    order = rng.permutation(n_samples)
    for start in range(0, n_samples, size):
        yield order[start : start + size]
