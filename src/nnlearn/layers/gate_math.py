"""σ and tanh inside compiled loops, from one exponential that the compiler can vectorize.

The recurrent kernels evaluate a gate nonlinearity for every unit of every sample at
every time step. A compiled loop calling the C library's ``exp`` or ``tanh`` pays a
function call per value (10–30 ns here), where NumPy's ufuncs use SIMD instructions:
at hidden size 64 the gates alone would cost more than PyTorch's whole step. So the
exponential is written out in plain arithmetic, which the compiler inlines and runs
in SIMD lanes, at full double precision:

    e^s = 2^k · e^r,   with k = round(s / ln 2) and r = s − k ln 2,  |r| ≤ ln 2 / 2,

where e^r − 1 is its Taylor polynomial up to r^13 (the remainder is below 10^−17),
evaluated by Horner's rule, and 2^k comes from a table. Keeping e^r − 1 rather than
e^r gives expm1 without cancellation near 0, which tanh needs:

    σ(x) = 1 / (1 + e^{−x})          evaluated through z = e^{−|x|} ∈ (0, 1]: never overflows,
    tanh(x) = −expm1(−2|x|) / (2 + expm1(−2|x|)) · sign(x).

Both agree with NumPy's and PyTorch's to a few units in the last place (tested), and
NaN stays NaN.

The loops also flush subnormal numbers to zero (:func:`flushed`), as XLA does: errors
carried back through hundreds of steps shrink below the smallest normal number (1.2·10⁻³⁸
in float32), and arithmetic on subnormals is many times slower on x86 processors (it
doubled an LSTM step of 1,000 steps with hidden size 256). Values that small change no
result above that size.
"""

from __future__ import annotations

import numpy as np

from nnlearn.compiled import compiled

LN2_HIGH = 6.93147180369123816490e-01  # ln 2 = LN2_HIGH + LN2_LOW: k · LN2_HIGH is exact
LN2_LOW = 1.90821492927058770002e-10
INVERSE_LN2 = 1.44269504088896338700e00
#: e^s underflows to 0 below this; s is clamped here, so the table index stays in range
SMALLEST_EXPONENT = -745.2
#: 2^−k for k = 0, 1, ..., 1075 (the last ones subnormal, then 0)
POWERS_OF_HALF = np.ldexp(1.0, -np.arange(1077))


@compiled
def scaled_expm1(s: float) -> tuple[float, float]:
    """For s ≤ 0: (2^k, e^r − 1) with s = k ln 2 + r, so that e^s = 2^k (1 + (e^r − 1))
    and e^s − 1 = 2^k (e^r − 1) + (2^k − 1). NaN gives NaN in the second value."""
    s = max(s, SMALLEST_EXPONENT)
    k = np.floor(s * INVERSE_LN2 + 0.5)  # ≤ 0
    r = (s - k * LN2_HIGH) - k * LN2_LOW
    p = 1.0 / 6227020800.0  # 1/13!, then Horner's rule down to 1/1!
    p = p * r + 1.0 / 479001600.0
    p = p * r + 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    index = min(max(int(-k), 0), POWERS_OF_HALF.size - 1)  # NaN converts to a bad int
    return POWERS_OF_HALF[index], p * r


@compiled
def sigmoid(x: float) -> float:
    """σ(x) = 1 / (1 + e^(−x)), through z = e^(−|x|): 1/(1 + z) for x ≥ 0, z/(1 + z) below."""
    scale, expm1_r = scaled_expm1(-abs(x))
    z = scale * (1.0 + expm1_r)
    return (1.0 if x >= 0 else z) / (1.0 + z)


@compiled
def tanh(x: float) -> float:
    """tanh(x) = −m / (2 + m) · sign(x), with m = e^(−2|x|) − 1 (no cancellation near 0)."""
    scale, expm1_r = scaled_expm1(-2.0 * abs(x))
    m = scale * expm1_r + (scale - 1.0)
    t = -m / (2.0 + m)
    return t if x >= 0 else -t


@compiled
def flushed(x: float, tiny: float) -> float:
    """x, or 0 where |x| is below ``tiny``, the smallest normal number of the arrays' type."""
    return x if abs(x) >= tiny else 0.0 * x
