"""The rows of a data set inside the compiled loops, dense or sparse alike.

An online rule visits the samples x_i one by one and needs two things of each: the net
input w_jᵀx_i and the update w_j ← w_j + s x_i. For a dense X, x_i is the row X[i]. For
a SciPy CSR matrix, x_i is the values ``data[p:q]`` at the columns ``indices[p:q]``
(p, q = ``indptr[i]``, ``indptr[i + 1]``), and both operations touch only those: an epoch
costs O(nnz) rather than O(n_samples · n_features), and nothing is densified.

:func:`rows` gives what the loops take (a dense array as it is, a CSR matrix as its
triple (data, indices, indptr)); :func:`row_dot` and :func:`row_add_scaled` work on
either. Numba compiles a loop once for each kind of X,
picking the dense or the sparse form of each helper (:func:`nnlearn.compiled.overload`); from
Python they pick the same way. A rule that computes with dense rows in Python (the
logistic neuron's autodiff) takes sparse X a block of rows at a time (:func:`row_blocks`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import scipy.sparse

from nnlearn.compiled import add_scaled, dot, overload

Rows = np.ndarray | tuple[np.ndarray, np.ndarray, np.ndarray]

#: How many values a block of sparse rows may hold once densified, for a rule that
#: computes with dense rows in Python (8 MiB of float64): memory stays bounded.
BLOCK_VALUES = 1 << 20


def rows(X: Any) -> Rows:
    """``X`` as the compiled loops take it: a dense array, or a CSR matrix's
    (data, indices, indptr)."""
    if scipy.sparse.issparse(X):
        return X.data, X.indices, X.indptr
    return X


def row_squared_norms(X: Any) -> np.ndarray:
    """‖x_i‖² of each row of a dense or CSR X, in float64, shape (n_samples,)."""
    if scipy.sparse.issparse(X):
        values = X.data.astype(np.float64)
        row_of_value = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
        return np.bincount(row_of_value, weights=values**2, minlength=X.shape[0])
    return np.einsum("ij,ij->i", X, X, dtype=np.float64)


def row_blocks(X: Any, T: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(X, T) in blocks of consecutive rows with X dense: all of X at once if it is dense,
    else a block of at most :data:`BLOCK_VALUES` values at a time, densified from CSR."""
    if not scipy.sparse.issparse(X):
        yield X, T
        return
    n_rows = max(1, BLOCK_VALUES // X.shape[1])
    for start in range(0, X.shape[0], n_rows):
        yield X[start : start + n_rows].toarray(), T[start : start + n_rows]


def _dense_row_dot(X, i, w):
    return dot(w, X[i])


def _sparse_row_dot(X, i, w):
    data, indices, indptr = X
    total = 0.0
    for p in range(indptr[i], indptr[i + 1]):
        total += data[p] * w[indices[p]]
    return total


def _dense_row_add_scaled(w, alpha, X, i):
    add_scaled(w, alpha, X[i])


def _sparse_row_add_scaled(w, alpha, X, i):
    data, indices, indptr = X
    for p in range(indptr[i], indptr[i + 1]):
        w[indices[p]] += alpha * data[p]


def row_dot(X: Rows, i: int, w: np.ndarray) -> float:
    """x_iᵀw, for the row i of ``X`` (see :func:`rows`)."""
    return (_sparse_row_dot if isinstance(X, tuple) else _dense_row_dot)(X, i, w)


def row_add_scaled(w: np.ndarray, alpha: float, X: Rows, i: int) -> None:
    """w ← w + α x_i, in place, for the row i of ``X``."""
    (_sparse_row_add_scaled if isinstance(X, tuple) else _dense_row_add_scaled)(w, alpha, X, i)


# In compiled code, each helper is its dense or sparse form, chosen by the type of X.
# (Numba wants the forms' signatures to be the typing functions' exactly, annotations
# included: so none of them is annotated.) Inlined: a call per sample costs a third more.
@overload(row_dot, inline="always")
def _row_dot_by_type(X, i, w):
    from numba import types

    return _dense_row_dot if isinstance(X, types.Array) else _sparse_row_dot


@overload(row_add_scaled, inline="always")
def _row_add_scaled_by_type(w, alpha, X, i):
    from numba import types

    return _dense_row_add_scaled if isinstance(X, types.Array) else _sparse_row_add_scaled
