"""Flushing subnormal numbers to zero inside compiled loops, as XLA does.

Below the smallest normal number of its type (1.2·10⁻³⁸ in float32, 2.2·10⁻³⁰⁸ in float64)
a float is subnormal, and x86 arithmetic on subnormals is many times slower. Quantities
that decay geometrically end there: errors carried back through hundreds of time steps,
the moments and velocities of an optimizer for parameters whose gradient stays at zero
(0.9 times the smallest subnormal rounds back to it: such a value never reaches 0 by
itself). Values that small change no result above that size, so the loops that produce
them replace them by 0 (:func:`flushed`).
"""

from __future__ import annotations

import numpy as np

from nnlearn.compiled import compiled

ZERO = np.float32(0)  # exact in either type: float32 loops stay float32


@compiled
def flushed(x: float, tiny: float) -> float:
    """x, or 0 where |x| is below ``tiny``, the smallest normal number of the arrays' type
    (NaN stays NaN)."""
    return x if abs(x) >= tiny else ZERO * x


def flush_subnormals(state: np.ndarray) -> None:
    """state ← 0 where |state| is below the smallest normal number of its type, in place
    (``state`` a flat contiguous array)."""
    flush_pass(state, state.dtype.type(np.finfo(state.dtype).tiny))


@compiled
def flush_pass(state: np.ndarray, tiny: float) -> None:
    """state_i ← 0 where |state_i| < ``tiny``."""
    for i in range(state.shape[0]):
        state[i] = flushed(state[i], tiny)
