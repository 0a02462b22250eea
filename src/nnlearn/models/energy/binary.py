"""Binary states {0, 1}^n: validation and the enumeration order used throughout."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.checks import check_real_array


def check_binary(states: ArrayLike, n_units: int, name: str = "states") -> np.ndarray:
    """Validate states of shape (n_units,) or (m, n_units) with entries 0 or 1.

    Returns them as floats: float32 states stay float32, anything else becomes float64.
    Complex numbers, text and objects are refused with a ``TypeError``.
    """
    s = check_real_array(states, name, finite=False)  # NaN and ±inf are not binary either
    if s.ndim not in (1, 2) or s.shape[-1] != n_units:
        raise ValueError(f"{name} must have shape ({n_units},) or (m, {n_units}), got {s.shape}")
    if not np.all((s == 0) | (s == 1)):
        raise ValueError(f"{name} must be binary: every entry 0 or 1")
    return s


def binary_states(n_units: int) -> np.ndarray:
    """All 2^n binary states, shape (2^n, n); state k has unit i equal to bit i of k."""
    k = np.arange(2**n_units)[:, None]
    return ((k >> np.arange(n_units)) & 1).astype(np.float64)


def state_index(states: np.ndarray) -> np.ndarray:
    """The index k of each binary state (the inverse of :func:`binary_states`)."""
    return (states.astype(np.int64) << np.arange(states.shape[-1])).sum(axis=-1)
