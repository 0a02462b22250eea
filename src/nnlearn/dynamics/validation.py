"""The checks of the stochastic systems' arguments: matrices, distributions, state indices.

They build on :mod:`nnlearn.checks`, so a bad argument gets the library's usual message:
its name, what was expected and what came. Complex values, NaN and ±inf are refused
(never silently made real or carried into a distribution); NumPy integers are indices
like Python ints.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.checks import check_integer, check_real_array, describe

ATOL = 1e-8
"""How far a probability vector's sum may be from 1."""


def check_stochastic_matrix(matrix: ArrayLike, name: str = "T") -> np.ndarray:
    """Validate a row-stochastic matrix and return it as a float64 array.

    Parameters
    ----------
    matrix : array-like of shape (n_rows, n_cols)
        Non-negative entries, every row summing to 1 (within 1e-8).
    name : str, default "T"
        The argument's name, used in error messages.

    Raises
    ------
    TypeError
        If the entries are not real numbers (complex, text, None).
    ValueError
        If the matrix is not 2-D, has entries outside [0, 1] (or non-finite), or a row whose sum
        is not 1 (the message names the first such row).
    """
    m = check_real_array(matrix, name, dtype=np.float64)
    if m.ndim != 2 or m.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D matrix, got shape {m.shape}")
    if not np.all(np.isfinite(m)) or np.any(m < 0) or np.any(m > 1):
        raise ValueError(f"{name} must have entries in [0, 1] (probabilities)")
    sums = m.sum(axis=1)
    bad = np.flatnonzero(np.abs(sums - 1.0) > ATOL)
    if bad.size:
        raise ValueError(f"row {bad[0]} of {name} sums to {sums[bad[0]]:.6g}, expected 1")
    return m


def check_distribution(p: ArrayLike, n_states: int, name: str = "p",
                       ndim: tuple[int, ...] = (1, 2)) -> np.ndarray:
    """Validate probability vectors over ``n_states`` states, of shape (n_states,) or, where
    ``ndim`` allows it, (m, n_states); return them as float64.

    Raises
    ------
    TypeError
        If the entries are not real numbers.
    ValueError
        On a wrong shape, a NaN or infinite entry, a negative one, or a sum other than 1.
    """
    p = check_real_array(p, name, dtype=np.float64, ndim=ndim)
    if p.shape[-1] != n_states:
        shapes = " or ".join(f"({n_states},)" if d == 1 else f"(m, {n_states})" for d in ndim)
        raise ValueError(f"{name} must have shape {shapes}, got {p.shape}")
    # entries in [0, 1] first: then the sums cannot overflow
    if np.any(p < 0) or np.any(p > 1) or np.any(np.abs(p.sum(axis=-1) - 1.0) > ATOL):
        raise ValueError(f"{name} must be non-negative and sum to 1 along its last axis")
    return p


def check_state(state: Any, n_states: int, name: str = "start") -> int:
    """Validate a state index in ``range(n_states)`` (any integer type but bool)."""
    return check_integer(state, name, minimum=0, maximum=n_states - 1)


def check_index_sequence(values: ArrayLike, n_values: int | None, name: str,
                         allow_empty: bool = True) -> np.ndarray:
    """Validate a 1-D sequence of indices in ``range(n_values)`` (states, inputs or
    observations; any index ≥ 0 if ``n_values`` is None) and return it as ``np.intp``.

    Raises
    ------
    TypeError
        If the entries are not integers (floats, even whole ones, bools, text, None).
    ValueError
        If the sequence is not 1-D, is empty where ``allow_empty`` is False, or holds an
        index outside ``[0, n_values)`` (the message names the first one).
    """
    if isinstance(values, numbers.Number | str) or values is None:
        raise TypeError(f"{name} must be a 1-D sequence of integer indices, "
                        f"got {describe(values)}")
    array = np.asarray(values)
    if array.size == 0:
        array = array.astype(np.intp)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer indices, got dtype {array.dtype}")
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
    if not allow_empty and array.size == 0:
        raise ValueError(f"{name} must not be empty")
    upper = np.inf if n_values is None else n_values
    outside = np.flatnonzero((array < 0) | (array >= upper))
    if outside.size:
        i = outside[0]
        allowed = "be ≥ 0" if n_values is None else f"lie in [0, {n_values})"
        raise ValueError(f"{name} must {allowed}, got {array[i]} at index {i}")
    return array.astype(np.intp)
