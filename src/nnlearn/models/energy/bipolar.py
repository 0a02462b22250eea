"""Bipolar states {−1, +1}^L: validation (of the states and the weights between them), and
the sign rule with its tie convention.

The Hopfield network and the bidirectional associative memory both update a unit to the
sign of its local field and keep its value where the field is zero (a tie). Both use
the functions here, so that the rule, and the tolerance that decides what counts as a
zero field, are written once.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from nnlearn.checks import check_real_array

#: Relative to max |W_ij|: fields this close to 0 are ties (float32 weights: the second).
TIE_TOLERANCE, TIE_TOLERANCE_FLOAT32 = 1e-9, 1e-4


def check_bipolar(x: ArrayLike, n_units: int, name: str,
                  dtype: DTypeLike = np.float64) -> np.ndarray:
    """Validate states of shape (n_units,) or (m, n_units) with entries ±1, as ``dtype``.

    Complex, text, ``None`` or object entries are a ``TypeError``; another shape, or an
    entry other than −1 and +1, a ``ValueError`` naming ``name`` and the first bad entry.
    """
    x = check_real_array(x, name, dtype=dtype, finite=False)
    if x.ndim not in (1, 2) or x.shape[-1] != n_units:
        raise ValueError(f"{name} must have shape ({n_units},) or (m, {n_units}), got {x.shape}")
    bad = np.abs(x) != 1
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        index = where[0] if len(where) == 1 else where
        raise ValueError(f"{name} must be bipolar: every entry -1 or +1, got {x[where]} at "
                         f"index {index}")
    return x


def check_weights(value: ArrayLike, shape: tuple[int, int],
                  dtype: DTypeLike = np.float64) -> np.ndarray:
    """Weights W: a finite real matrix of ``shape``, as ``dtype``, or an error naming
    ``weights``."""
    w = check_real_array(value, "weights", dtype=dtype, ndim=2)
    if w.shape != shape:
        raise ValueError(f"weights must have shape {shape}, got {w.shape}")
    return w


def tie_tolerance(weights: np.ndarray) -> float:
    """The largest |h| that counts as a zero field: τ · max |W_ij|.

    Fields within rounding error of 0 count as ties, so that the incremental and the
    direct sums agree on them. τ is 1e-9 in float64 and 1e-4 in float32: there, with
    L = 1,000 and 50 stored patterns, the fields' rounding reaches 2e-5 · max |W_ij|,
    while the smallest field that is not a tie is 0.125 · max |W_ij| (the analytic
    weights are multiples of 1/L).
    """
    if not weights.size:
        return 0.0
    relative = TIE_TOLERANCE_FLOAT32 if weights.dtype == np.float32 else TIE_TOLERANCE
    return relative * float(np.abs(weights).max())


def sign_keep_ties(field: np.ndarray, current: np.ndarray, tol: float) -> np.ndarray:
    """sign(field), keeping the current value where |field| ≤ ``tol`` (the tie rule)."""
    return np.where(field > tol, 1.0, np.where(field < -tol, -1.0, current)).astype(
        current.dtype, copy=False)
