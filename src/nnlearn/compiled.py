"""Compiled loops, for the rules NumPy cannot vectorize.

An online learning rule visits the samples one by one and each step needs the weights
the last one left: a Python loop over 100,000 samples costs a microsecond per sample in
the interpreter alone. An optimizer's update is vectorizable, but NumPy makes one pass
over the arrays per operation (a dozen for Adam), where one pass does it all. Such loops
are written here in plain Python over arrays and compiled by Numba to machine code on
their first call (cached on disk, so later runs skip the compilation).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numba
import numpy as np

F = TypeVar("F", bound=Callable)

#: The compiler may reorder a sum (so that it runs in SIMD lanes) and fuse a multiply
#: with an add: results differ from a left-to-right loop in the last bits only. No
#: assumption about NaN or infinity is made, so divergence is still seen.
FLOAT_FLAGS = frozenset({"reassoc", "contract"})


def compiled(function: F) -> F:
    """Compile ``function`` with Numba (machine code, cached on disk, :data:`FLOAT_FLAGS`)."""
    return numba.njit(cache=True, fastmath=set(FLOAT_FLAGS))(function)


@compiled
def dot(a: np.ndarray, b: np.ndarray) -> float:
    """aᵀb = Σ_i a_i b_i, for vectors of one length (summed in double precision)."""
    total = 0.0
    for i in range(a.shape[0]):
        total += a[i] * b[i]
    return total


@compiled
def add_scaled(y: np.ndarray, alpha: float, x: np.ndarray) -> None:
    """y ← y + α x, in place (BLAS's axpy)."""
    for i in range(y.shape[0]):
        y[i] += alpha * x[i]
