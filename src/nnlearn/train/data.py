"""Checking training data before any training, splitting it and cutting it into batches.

``X`` is a dense array or a SciPy sparse matrix (CSR, CSC, ...): a sparse ``X`` stays
sparse, and each batch (or chunk, for a full pass) is made dense when the model reads it,
so the whole data set is never densified.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.autodiff.tensor import no_grad
from nnlearn.checks import check_real_array
from nnlearn.compiled import compiled
from nnlearn.layers.module import Module

#: a full pass over sparse X densifies rows in chunks of about this many values (32 MiB)
CHUNK_VALUES = 1 << 22


def is_sparse(X: Any) -> bool:
    """Whether ``X`` is a SciPy sparse matrix or array (without importing SciPy: if
    ``scipy.sparse`` was never imported, nothing is one)."""
    sparse = sys.modules.get("scipy.sparse")
    return sparse is not None and sparse.issparse(X)


@compiled
def sum_of_zeros(values: np.ndarray) -> float:
    """Σ_i 0·x_i: 0 when every x_i is finite, NaN otherwise (0·±inf and 0·NaN are NaN).

    One vectorized pass over the data, with no mask the size of X.
    """
    total = values[0] * 0
    for i in range(1, values.shape[0]):
        total += values[i] * 0
    return total


def check_finite(name: str, values: np.ndarray) -> None:
    """A clear error for NaN or ±inf, counted only when there are some."""
    if not np.issubdtype(values.dtype, np.floating) or values.size == 0:
        return
    if sum_of_zeros(np.ascontiguousarray(values).reshape(-1)) != 0:
        bad = int(np.size(values) - np.count_nonzero(np.isfinite(values)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s); expected finite values")


def check_inputs(model: Module, X: ArrayLike, name: str = "X") -> Any:
    """``X`` as a C-contiguous array of the model's dtype (a sparse ``X`` as a CSR matrix of
    that dtype), or a clear error.

    ``X`` is (n_samples, n_features), or (n_samples, n_steps, n_features) for sequences
    (recurrent layers); the features are always in the last axis.
    """
    if is_sparse(X):
        return _check_sparse_inputs(model, X, name)
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
    check_finite(name, array)
    _check_features(model, array.shape, name)
    return array


def _check_sparse_inputs(model: Module, X: Any, name: str) -> Any:
    if X.ndim != 2:
        raise ValueError(f"{name} is a sparse matrix of shape {X.shape}; expected "
                         "(n_samples, n_features)")
    if X.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers, got a sparse matrix of dtype "
                         f"{X.dtype}")
    X = X.tocsr().astype(model.dtype, copy=False)  # rows are batches: CSR gathers them fast
    check_finite(name, X.data)
    _check_features(model, X.shape, name)
    return X


def _check_features(model: Module, shape: tuple[int, ...], name: str) -> None:
    expected = model.in_features
    if expected is not None and shape[-1] != expected:
        raise ValueError(f"{name} has {shape[-1]} features, but the model expects {expected}")


def rows(X: Any, index: slice | np.ndarray) -> np.ndarray:
    """The samples ``X[index]`` as a dense array (a sparse X's rows made dense)."""
    part = X[index]
    return part.toarray() if is_sparse(part) else part


def chunks(X: Any) -> Iterator[slice]:
    """Slices covering X's samples once: all of them for a dense X, rows of about
    :data:`CHUNK_VALUES` values at a time for a sparse one."""
    n = X.shape[0]
    size = max(1, CHUNK_VALUES // max(1, X.shape[1])) if is_sparse(X) else max(n, 1)
    for start in range(0, n, size):
        yield slice(start, start + size)


def output_shape(model: Module, X: Any) -> tuple[int, ...]:
    """The shape of the model's output for one sample (without the sample axis).

    Found by running the model on ``X[:1]`` in evaluation mode, unrecorded; the mode is
    then restored, and nothing (running statistics, random streams) changes. Only the shape
    is read, so NumPy's warnings about the values (an overflow on huge inputs) are silenced.
    """
    with model.evaluation_mode(), no_grad(), np.errstate(all="ignore"):
        return model(rows(X, slice(0, 1))).shape[1:]


def check_sample_weight(sample_weight: ArrayLike | None, n_samples: int,
                        name: str = "sample_weight") -> np.ndarray | None:
    """``sample_weight`` as a float64 vector of n_samples finite values ≥ 0, not all 0,
    or a clear error (None stays None: every sample weighs 1)."""
    if sample_weight is None:
        return None
    weights = check_real_array(sample_weight, name, dtype=np.float64, ndim=1)
    if len(weights) != n_samples:
        raise ValueError(f"{name} has {len(weights)} values for {n_samples} samples")
    if weights.size and weights.min() < 0:
        raise ValueError(f"{name} must be ≥ 0, got {weights.min():g}")
    if not weights.any():
        raise ValueError(f"{name} is all zeros: no sample would count")
    return np.ascontiguousarray(weights)


def split(X: Any, y: np.ndarray, weights: np.ndarray | None, fraction: float,
          rng: np.random.Generator) -> tuple[Any, ...]:
    """A random ``fraction`` of the samples held out:
    (X_train, y_train, w_train, X_val, y_val, w_val), the weights None when they are."""
    if not 0 < fraction < 1:
        raise ValueError(f"validation_split must be in (0, 1), got {fraction}")
    n = X.shape[0]
    n_val = round(n * fraction)
    if n_val < 1 or n_val >= n:
        raise ValueError(
            f"validation_split={fraction} of {n} samples leaves an empty training or "
            "validation set"
        )
    order = rng.permutation(n)
    train, val = np.sort(order[n_val:]), np.sort(order[:n_val])
    if weights is None:
        return X[train], y[train], None, X[val], y[val], None
    return X[train], y[train], weights[train], X[val], y[val], weights[val]


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
