"""Elementwise primitives: arithmetic, the functions of one variable, selection, ReLU.

Each rule is the derivative of the function taken elementwise, g ⊙ f'(x); where operands
were broadcast, :func:`~nnlearn.autodiff.ops.reductions.unbroadcast` sums the gradient back
to the operand's shape. The values at the edges (0, NaN, ties) follow PyTorch unless the
course says otherwise (ReLU'(0) = 1), as each docstring says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from nnlearn.autodiff.ops.core import binary_values, lift, lift_pair
from nnlearn.autodiff.ops.reductions import unbroadcast
from nnlearn.autodiff.tensor import Tensor, record
from nnlearn.checks import check_real, check_real_dtype
from nnlearn.compiled import compiled, elementwise

#: The numbers that are a constant exponent of :func:`power` (bool is not one).
_REAL_SCALARS = (int, float, np.integer, np.floating)


def add(a: Any, b: Any) -> Tensor:
    """a + b (broadcasting)."""
    a, b = lift_pair("add", a, b)
    return record(
        binary_values("add", np.add, a, b),
        (a, lambda g, out: unbroadcast(g, a.shape)),
        (b, lambda g, out: unbroadcast(g, b.shape)),
    )


def subtract(a: Any, b: Any) -> Tensor:
    """a − b (broadcasting)."""
    a, b = lift_pair("subtract", a, b)
    return record(
        binary_values("subtract", np.subtract, a, b),
        (a, lambda g, out: unbroadcast(g, a.shape)),
        (b, lambda g, out: unbroadcast(-g, b.shape)),
    )


def multiply(a: Any, b: Any) -> Tensor:
    """a ⊙ b (broadcasting)."""
    a, b = lift_pair("multiply", a, b)
    return record(
        binary_values("multiply", np.multiply, a, b),
        (a, lambda g, out: unbroadcast(g * b, a.shape)),
        (b, lambda g, out: unbroadcast(g * a, b.shape)),
    )


def divide(a: Any, b: Any) -> Tensor:
    """a / b (broadcasting)."""
    a, b = lift_pair("divide", a, b)
    return record(
        binary_values("divide", np.divide, a, b),
        (a, lambda g, out: unbroadcast(g / b, a.shape)),
        (b, lambda g, out: unbroadcast(-g * out / b, b.shape)),
    )


def negative(a: Any) -> Tensor:
    """−a."""
    a = lift(a, op="negative")
    return record(-a.data, (a, lambda g, out: -g))


def power(a: Any, b: Any) -> Tensor:
    """a ** b; ∂/∂a = b a^(b−1), ∂/∂b = a^b log a.

    As PyTorch: ∂/∂a is 0 where b = 0 (a⁰ = 1 is constant, even at a = 0 or NaN), and ∂/∂b
    is 0 where a = 0 and b ≥ 0 (where 0^b log 0 would be 0 · (−inf)).
    """
    constant = isinstance(b, _REAL_SCALARS) and not isinstance(b, bool)
    if constant and isinstance(a, Tensor):  # a constant exponent
        return record(
            binary_values("power", np.power, a, lift(b, a, "power")),
            (a, lambda g, out: _power_base_gradient(g, a, b)),
        )
    a, b = lift_pair("power", a, b)
    return record(
        binary_values("power", np.power, a, b),
        (a, lambda g, out: unbroadcast(_power_base_gradient(g, a, b), a.shape)),
        (b, lambda g, out: unbroadcast(
            where((a.data == 0) & (b.data >= 0), 0, g * (out * log(a))), b.shape)),
    )


def _power_base_gradient(g: Tensor, a: Tensor, b: Tensor | float) -> Tensor:
    """g · b a^(b−1), and 0 where b = 0."""
    if not isinstance(b, Tensor):
        if b == 0:
            return Tensor(np.zeros_like(a.data))
        return g * (2 * a if b == 2 else b * a ** (b - 1))
    return where(b.data == 0, 0, g * (b * a ** (b - 1)))


def exp(x: Any) -> Tensor:
    """e^x; the derivative is the output itself."""
    x = lift(x, op="exp")
    return record(np.exp(x.data), (x, lambda g, out: g * out))


def expm1(x: Any) -> Tensor:
    """e^x − 1, accurate near 0 where e^x − 1 cancels; the derivative is e^x.

    The derivative is computed as e^x, not as out + 1 (PyTorch's rule), which cancels to
    0 below x ≈ −37 where e^x is still 1e-16: the tail that ELU's derivative needs.
    """
    x = lift(x, op="expm1")
    return record(np.expm1(x.data), (x, lambda g, out: g * exp(x)))


def log(x: Any) -> Tensor:
    """Natural logarithm; d/dx = 1/x."""
    x = lift(x, op="log")
    return record(np.log(x.data), (x, lambda g, out: g / x))


def sqrt(x: Any) -> Tensor:
    """√x; d/dx = 1/(2√x)."""
    x = lift(x, op="sqrt")
    return record(np.sqrt(x.data), (x, lambda g, out: g / (2 * out)))


def abs(x: Any) -> Tensor:
    """|x|; d/dx = sign(x): 0 at 0, and 0 at NaN, as PyTorch's sign."""
    x = lift(x, op="abs")
    sign = (x.data > 0).astype(x.dtype) - (x.data < 0)
    return record(np.abs(x.data), (x, lambda g, out: g * sign))


def sin(x: Any) -> Tensor:
    """sin x; d/dx = cos x."""
    x = lift(x, op="sin")
    return record(np.sin(x.data), (x, lambda g, out: g * cos(x)))


def cos(x: Any) -> Tensor:
    """cos x; d/dx = −sin x."""
    x = lift(x, op="cos")
    return record(np.cos(x.data), (x, lambda g, out: -g * sin(x)))


def tanh(x: Any) -> Tensor:
    """tanh x; f' = 1 − f². A primitive because np.tanh is stable where exp overflows."""
    x = lift(x, op="tanh")
    return record(np.tanh(x.data), (x, lambda g, out: g * (1 - out * out)))


def sigmoid(x: Any) -> Tensor:
    """The logistic function σ(x) = 1/(1 + e^(−x)); σ' = σ(1 − σ).

    A primitive for stability: it is evaluated through e^(−|x|), which never overflows.
    """
    x = lift(x, op="sigmoid")
    z = np.exp(-np.abs(x.data))
    value = np.where(x.data >= 0, 1, z) / (1 + z)
    return record(value, (x, lambda g, out: g * out * (1 - out)))


def softplus(x: Any) -> Tensor:
    """log(1 + e^x), evaluated without overflow; f' = σ(x)."""
    x = lift(x, op="softplus")
    return record(np.logaddexp(0, x.data), (x, lambda g, out: g * sigmoid(x)))


def arctan(x: Any) -> Tensor:
    """tan⁻¹ x; f' = 1/(x² + 1)."""
    x = lift(x, op="arctan")
    return record(np.arctan(x.data), (x, lambda g, out: g / (x * x + 1)))


def where(condition: ArrayLike, a: Any, b: Any) -> Tensor:
    """a where ``condition`` holds, else b (the condition is a constant)."""
    cond = np.asarray(condition.data if isinstance(condition, Tensor) else condition)
    check_real_dtype(cond, "the condition of where")
    cond = cond.astype(bool, copy=False)
    a, b = lift_pair("where", a, b)
    return _select(np.where(cond, a.data, b.data), a, b, lambda: cond, lambda: ~cond)


def _select(value: np.ndarray, a: Tensor, b: Tensor, to_a: Callable[[], np.ndarray],
            to_b: Callable[[], np.ndarray]) -> Tensor:
    """``value`` chosen elementwise from a and b; the gradient goes to a where the mask
    ``to_a()`` holds and to b where ``to_b()`` does (both, at a NaN of maximum and
    minimum). The masks are made by the backward pass only."""
    return record(
        value,
        (a, lambda g, out: unbroadcast(where(to_a(), g, 0), a.shape)),
        (b, lambda g, out: unbroadcast(where(to_b(), g, 0), b.shape)),
    )


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise max; NaN if either is NaN (as PyTorch), and then the gradient goes to
    both; at a tie it goes to ``a`` (as the course's ReLU takes f'(0) = 1)."""
    a, b = lift_pair("maximum", a, b)
    value = binary_values("maximum", np.maximum, a, b)
    return _select(value, a, b, lambda: ~(a.data < b.data), lambda: ~(a.data >= b.data))


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise min; NaN if either is NaN (as PyTorch), and then the gradient goes to
    both; at a tie it goes to ``a``."""
    a, b = lift_pair("minimum", a, b)
    value = binary_values("minimum", np.minimum, a, b)
    return _select(value, a, b, lambda: ~(a.data > b.data), lambda: ~(a.data <= b.data))


def clip(x: Any, low: float | None, high: float | None) -> Tensor:
    """x limited to [low, high] (either bound may be None, or infinite); the gradient
    passes where low ≤ x ≤ high, so not at NaN (as PyTorch's clamp)."""
    x = lift(x, op="clip")
    low, high = (None if bound is None else check_real(bound, f"clip: {name}", finite=False)
                 for bound, name in ((low, "low"), (high, "high")))
    inside = np.ones(x.shape, dtype=bool)
    if low is not None:
        inside &= x.data >= low
    if high is not None:
        inside &= x.data <= high
    return record(np.clip(x.data, low, high), (x, lambda g, out: where(inside, g, 0)))


def relu(x: Any) -> Tensor:
    """max(0, x); the derivative is 1 for x ≥ 0, as in the course's table (and at NaN,
    as PyTorch's), 0 for x < 0.

    A primitive (rather than ``maximum(x, 0)``) with compiled loops for the value and the
    rule: one pass each, several times faster than NumPy's ``maximum`` and a mask product.
    """
    x = lift(x, op="relu")
    return record(elementwise(relu_kernel, x.data), (x, lambda g, out: where_nonnegative(g, x)))


def where_nonnegative(g: Tensor, x: Tensor) -> Tensor:
    """g except where x < 0: relu's VJP, linear in g (its own VJP is the same mask)."""
    masked = elementwise(nonnegative_mask_kernel, g.data, x.data)
    return record(masked, (g, lambda gg, out: where_nonnegative(gg, x)))


@compiled
def relu_kernel(x: np.ndarray, out: np.ndarray) -> None:
    """out = max(0, x), elementwise; NaN stays NaN."""
    for i in range(x.shape[0]):
        out[i] = 0 if x[i] < 0 else x[i]


@compiled
def nonnegative_mask_kernel(g: np.ndarray, x: np.ndarray, out: np.ndarray) -> None:
    """out = 0 where x < 0, else g: g times ReLU's derivative (1 at x = 0, as the course,
    and at x = NaN, as PyTorch)."""
    for i in range(x.shape[0]):
        out[i] = 0 if x[i] < 0 else g[i]


def astype(x: Any, dtype: DTypeLike) -> Tensor:
    """x converted to ``dtype``; the gradient is converted back."""
    x = lift(x, op="astype")
    return record(x.data.astype(dtype), (x, lambda g, out: astype(g, x.dtype)))

