"""σ and tanh inside compiled loops, from one exponential that the compiler can vectorize.

The recurrent kernels evaluate a gate nonlinearity for every unit of every sample at
every time step. A compiled loop calling the C library's ``exp`` or ``tanh`` pays a
function call per value (10–30 ns here), where NumPy's ufuncs use SIMD instructions:
at hidden size 64 the gates alone would cost more than PyTorch's whole step. So the
exponential is written out in plain arithmetic, which the compiler inlines and runs
in SIMD lanes:

    e^s = 2^k · e^r,   with k = round(s / ln 2) and r = s − k ln 2,  |r| ≤ ln 2 / 2,

where e^r − 1 is its Taylor polynomial (to r^13 in float64, r^7 in float32: the
remainder is below the type's rounding), evaluated by Horner's rule, and 2^k is written
as the bits of a float (:func:`power_of_half`: a table lookup kept the loop from running
in SIMD lanes, and took it from 0.8 to 2 ns per σ in float32). Keeping e^r − 1 rather
than e^r gives expm1 without cancellation near 0, which tanh needs:

    σ(x) = 1 / (1 + e^{−x})          evaluated through z = e^{−|x|} ∈ (0, 1]: never overflows,
    tanh(x) = −expm1(−2|x|) / (2 + expm1(−2|x|)) · sign(x).

Both agree with PyTorch's to a few units in the last place in either type (tested), and
NaN stays NaN. A float32 loop computes in float32 (twice the SIMD lanes of float64): the
constants below are float32 where they are exact (1, 2), which keeps float32 arithmetic
float32 and float64 arithmetic float64.

The loops also flush subnormal numbers to zero (:func:`nnlearn.subnormals.flushed`), as
XLA does: errors carried back through hundreds of steps shrink below the smallest normal
number (1.2·10⁻³⁸ in float32), and arithmetic on subnormals is many times slower on x86
processors (it doubled an LSTM step of 1,000 steps with hidden size 256). Values that
small change no result above that size.
"""

from __future__ import annotations

import numpy as np

from nnlearn.compiled import FLOAT_FLAGS, compiled, overload

ZERO, ONE, TWO = np.float32(0), np.float32(1), np.float32(2)  # exact in either type

#: The largest n of :func:`power_of_half` per type, the first where 2^−n rounds to 0
MOST_HALVINGS, MOST_HALVINGS_SINGLE = np.int32(1075), np.int32(150)


def power_of_half(n: int, like: float) -> float:
    """2^−n in the float type of ``like``, for an int32 0 ≤ n ≤ :data:`MOST_HALVINGS` of
    that type: 2^−⌊n/2⌋ · 2^−⌈n/2⌉, each factor normal and made from its exponent bits,
    so that the product is exact down to the subnormals (and rounds to 0 at the last n).
    Compiled code only, where the bits are set by SIMD instructions."""
    raise TypeError("power_of_half runs inside compiled loops only")


@overload(power_of_half, jit_options={"fastmath": set(FLOAT_FLAGS), "error_model": "numpy"})
def _power_of_half_for(n, like):
    """The implementation for the Numba type of ``like`` (Numba's overload protocol)."""
    from llvmlite import ir
    from numba import types
    from numba.extending import intrinsic

    single = like == types.float32
    bits, float_type = (ir.IntType(32), ir.FloatType()) if single else (ir.IntType(64),
                                                                         ir.DoubleType())
    bias, shift = (127, 23) if single else (1023, 52)  # the exponent's bias and position

    @intrinsic
    def power_of_two(typing_context, k):
        """2^k for an int32 k in the normal range: the bits (k + bias) << shift."""
        def codegen(context, builder, signature, args):
            k = args[0] if single else builder.sext(args[0], bits)
            exponent = builder.add(k, ir.Constant(bits, bias))
            return builder.bitcast(builder.shl(exponent, ir.Constant(bits, shift)), float_type)

        return like(types.int32), codegen

    def implementation(n, like):
        half = n >> np.int32(1)
        return power_of_two(-half) * power_of_two(half - n)

    return implementation


def scaled_expm1(s: float) -> tuple[float, float]:
    """For s ≤ 0: (2^k, e^r − 1) with s = k ln 2 + r, so that e^s = 2^k (1 + (e^r − 1))
    and e^s − 1 = 2^k (e^r − 1) + (2^k − 1), in the type of s. NaN gives NaN in the
    second value. Compiled code only: the version for s's type is chosen at compilation."""
    raise TypeError("scaled_expm1 runs inside compiled loops only")


def _scaled_expm1_double(s):  # unannotated, as the overload below wants
    s = max(s, -745.2)  # e^s underflows to 0 below: the table index stays in range
    k = np.floor(s * 1.44269504088896338700 + 0.5)  # s / ln 2, rounded; ≤ 0
    r = (s - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10  # ln 2 in two
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
    n = min(max(np.int32(-k), np.int32(0)), MOST_HALVINGS)  # NaN converts to a bad int
    return power_of_half(n, s), p * r


def _scaled_expm1_single(s):
    f = np.float32
    s = max(s, f(-104.0))  # e^s rounds to 0 below
    k = np.floor(s * f(1.44269504) + f(0.5))
    r = (s - k * f(0.693359375)) - k * f(-2.12194440e-4)  # ln 2 in two parts (Cephes)
    p = f(1 / 5040)  # 1/7!, then Horner's rule down to 1/1!
    p = p * r + f(1 / 720)
    p = p * r + f(1 / 120)
    p = p * r + f(1 / 24)
    p = p * r + f(1 / 6)
    p = p * r + f(0.5)
    p = p * r + f(1)
    n = min(max(np.int32(-k), np.int32(0)), MOST_HALVINGS_SINGLE)  # int32: in SIMD lanes
    return power_of_half(n, s), p * r


@overload(scaled_expm1, jit_options={"fastmath": set(FLOAT_FLAGS), "error_model": "numpy"})
def _scaled_expm1_for(s):
    """The implementation for the Numba type of s (Numba's overload protocol, which wants
    the same parameters, unannotated, as the implementations')."""
    from numba import types

    return _scaled_expm1_single if s == types.float32 else _scaled_expm1_double


@compiled
def sigmoid(x: float) -> float:
    """σ(x) = 1 / (1 + e^(−x)), through z = e^(−|x|): 1/(1 + z) for x ≥ 0, z/(1 + z) below."""
    scale, expm1_r = scaled_expm1(-abs(x))
    z = scale * (ONE + expm1_r)
    return (ONE if x >= 0 else z) / (ONE + z)


@compiled
def tanh(x: float) -> float:
    """tanh(x) = −m / (2 + m) · sign(x), with m = e^(−2|x|) − 1 (no cancellation near 0)."""
    scale, expm1_r = scaled_expm1(-TWO * abs(x))
    m = scale * expm1_r + (scale - ONE)
    t = -m / (TWO + m)
    return t if x >= 0 else -t

