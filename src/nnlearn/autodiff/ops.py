"""The primitives: each forward computation with its vector-Jacobian product beside it.

A rule ``lambda g, out: ...`` maps ``g = ∂L/∂out`` to ∂L/∂input. Rules use only the
operations of this module, so gradients can be differentiated again. Everything that is
not here (softmax, softplus's cousins, the losses, ...) is composed from these.
"""

from __future__ import annotations

import builtins
import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from nnlearn.autodiff.backprop import ProductGradient, SliceGradient
from nnlearn.autodiff.tensor import Tensor, is_grad_enabled, record
from nnlearn.checks import check_real, check_real_array, check_real_dtype
from nnlearn.compiled import compiled, elementwise

Axis = int | Sequence[int] | None

_PYTHON_NUMBERS = (int, float)
#: The numbers that are a constant exponent of :func:`power` (bool is not one).
_REAL_SCALARS = (int, float, np.integer, np.floating)


def lift(x: Any, like: Tensor | None = None, op: str = "an operation") -> Tensor:
    """``x`` as a Tensor; constants take the floating dtype of ``like``.

    Complex numbers, text, ``None`` and other objects are refused with a ``TypeError``
    naming ``op`` (their imaginary part or their meaning would be lost silently); NaN and
    ±inf are values like any other, which propagate.
    """
    if isinstance(x, Tensor):
        return x
    dtype = like.data.dtype if like is not None and like.data.dtype.kind == "f" else None
    # The usual operands are real by their type, and converted at once (the hot path).
    if type(x) in _PYTHON_NUMBERS:  # constants: 2, 0.5, 1/N
        return Tensor(np.asarray(x, dtype=np.float64 if dtype is None else dtype))
    if type(x) is np.ndarray and x.dtype.kind == "f":
        return Tensor(x if dtype is None else np.asarray(x, dtype=dtype))
    return Tensor(check_real_array(x, f"the operand of {op}", dtype=dtype, finite=False))


def _pair(op: str, a: Any, b: Any) -> tuple[Tensor, Tensor]:
    if isinstance(a, Tensor):
        return a, lift(b, a, op)
    a = lift(a, b if isinstance(b, Tensor) else None, op)
    return a, lift(b, a, op)


def _binary(op: str, ufunc: np.ufunc, a: Tensor, b: Tensor) -> np.ndarray:
    """``ufunc(a, b)`` on the values, with a clear error when the shapes do not broadcast."""
    try:
        return ufunc(a.data, b.data)
    except ValueError:
        raise ValueError(
            f"{op}: shapes {a.shape} and {b.shape} do not broadcast; expected equal sizes "
            "or size 1 in each trailing dimension"
        ) from None


def unbroadcast(g: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Sum ``g`` over the axes that broadcasting added or stretched, back to ``shape``."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    stretched = tuple(lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1)
    return sum(g, tuple(range(lead)) + stretched, keepdims=True).reshape(shape)


# ----- elementwise arithmetic --------------------------------------------------------
def add(a: Any, b: Any) -> Tensor:
    """a + b (broadcasting)."""
    a, b = _pair("add", a, b)
    return record(
        _binary("add", np.add, a, b),
        (a, lambda g, out: unbroadcast(g, a.shape)),
        (b, lambda g, out: unbroadcast(g, b.shape)),
    )


def subtract(a: Any, b: Any) -> Tensor:
    """a − b (broadcasting)."""
    a, b = _pair("subtract", a, b)
    return record(
        _binary("subtract", np.subtract, a, b),
        (a, lambda g, out: unbroadcast(g, a.shape)),
        (b, lambda g, out: unbroadcast(-g, b.shape)),
    )


def multiply(a: Any, b: Any) -> Tensor:
    """a ⊙ b (broadcasting)."""
    a, b = _pair("multiply", a, b)
    return record(
        _binary("multiply", np.multiply, a, b),
        (a, lambda g, out: unbroadcast(g * b, a.shape)),
        (b, lambda g, out: unbroadcast(g * a, b.shape)),
    )


def divide(a: Any, b: Any) -> Tensor:
    """a / b (broadcasting)."""
    a, b = _pair("divide", a, b)
    return record(
        _binary("divide", np.divide, a, b),
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
            _binary("power", np.power, a, lift(b, a, "power")),
            (a, lambda g, out: _power_base_gradient(g, a, b)),
        )
    a, b = _pair("power", a, b)
    return record(
        _binary("power", np.power, a, b),
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
    a, b = _pair("where", a, b)
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
    a, b = _pair("maximum", a, b)
    value = _binary("maximum", np.maximum, a, b)
    return _select(value, a, b, lambda: ~(a.data < b.data), lambda: ~(a.data >= b.data))


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise min; NaN if either is NaN (as PyTorch), and then the gradient goes to
    both; at a tie it goes to ``a``."""
    a, b = _pair("minimum", a, b)
    value = _binary("minimum", np.minimum, a, b)
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
    return record(elementwise(relu_kernel, x.data), (x, lambda g, out: _where_nonnegative(g, x)))


def _where_nonnegative(g: Tensor, x: Tensor) -> Tensor:
    """g except where x < 0: relu's VJP, linear in g (its own VJP is the same mask)."""
    masked = elementwise(nonnegative_mask_kernel, g.data, x.data)
    return record(masked, (g, lambda gg, out: _where_nonnegative(gg, x)))


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


# ----- products ----------------------------------------------------------------------
def _swap(x: Tensor) -> Tensor:
    axes = list(range(x.ndim))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return transpose(x, axes)


def _matmul(a: Tensor, b: Tensor) -> Tensor:
    """Matrix (or batched matrix) product of tensors with ndim ≥ 2."""
    if a.shape[-1] != b.shape[-2]:
        raise ValueError(
            f"matmul: shapes {a.shape} and {b.shape} do not fit; expected a's last dimension "
            f"({a.shape[-1]}) to equal b's second-to-last ({b.shape[-2]})"
        )
    return record(
        a.data @ b.data,
        (a, lambda g, out: unbroadcast(g @ _swap(b), a.shape)),
        (b, lambda g, out: unbroadcast(_swap(a) @ g, b.shape)),
    )


def matmul(a: Any, b: Any) -> Tensor:
    """a @ b: matrix, matrix-vector, vector-vector and batched products, as NumPy."""
    a, b = _pair("matmul", a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(
            f"matmul: operands must have at least 1 dimension, got {a.shape}, {b.shape}"
        )
    a2 = a.reshape(1, -1) if a.ndim == 1 else a
    b2 = b.reshape(-1, 1) if b.ndim == 1 else b
    out = _matmul(a2, b2)
    if a.ndim == 1 and b.ndim == 1:
        return out.reshape(())
    if b.ndim == 1:
        return out.reshape(out.shape[:-1])
    if a.ndim == 1:
        return out.reshape(out.shape[:-2] + out.shape[-1:])
    return out


def linear(x: Any, weight: Any, bias: Any = None) -> Tensor:
    """The potential of a layer, a = x W + b (fused).

    Parameters
    ----------
    x : Tensor of shape (..., in_features)
        Usually (n_samples, in_features); leading axes (the time steps of a sequence,
        say) are carried along.
    weight : Tensor of shape (in_features, out_features)
        The course's layout: one column per neuron.
    bias : Tensor of shape (out_features,), optional

    Returns
    -------
    Tensor of shape (..., out_features)
    """
    x, weight, bias = _check_linear("linear", x, weight, bias)
    if x.ndim != 2:
        flat = linear(x.reshape(-1, x.shape[-1]), weight, bias)
        return flat.reshape((*x.shape[:-1], weight.shape[1]))
    data = np.dot(x.data, weight.data)  # 2-d: the same BLAS call as @, less dispatch
    edges = [(x, lambda g, out: input_gradient(g, weight)),
             (weight, lambda g, out: weight_gradient(x, g))]
    if bias is not None:
        data += bias.data
        edges.append((bias, lambda g, out: bias_gradient(g)))
    return record(data, *edges)


# The gradients of a = x W + b given δ = ∂L/∂a: to first order deferred products, which
# record nothing and can be computed straight into their destination.
def input_gradient(delta: Tensor, weight: Tensor) -> Tensor | ProductGradient:
    """∂L/∂x = δ Wᵀ."""
    if is_grad_enabled():
        return delta @ weight.T
    return ProductGradient(delta.data, weight.data.T)


def weight_gradient(x: Tensor, delta: Tensor) -> Tensor | ProductGradient:
    """∂L/∂W = xᵀ δ."""
    if is_grad_enabled():
        return x.T @ delta
    return ProductGradient(x.data.T, delta.data)


def bias_gradient(delta: Tensor) -> Tensor | ProductGradient:
    """∂L/∂b = Σ_n δ_n = 1ᵀδ (BLAS's product takes half the time of NumPy's sum)."""
    if is_grad_enabled():
        return sum(delta, 0)
    return ProductGradient(_ones(len(delta.data), delta.dtype), delta.data)


@functools.lru_cache(maxsize=64)
def _ones(n: int, dtype: np.dtype) -> np.ndarray:
    """A read-only vector of n ones, kept: batches repeat their size."""
    ones = np.ones(n, dtype)
    ones.flags.writeable = False
    return ones


def _check_linear(name: str, x: Any, weight: Any, bias: Any) -> tuple[Tensor, Tensor, Any]:
    """x, weight and bias as Tensors of fitting shapes, or a clear error."""
    x, weight = lift(x, op=name), lift(weight, op=name)
    if x.ndim == 0 or weight.ndim != 2 or x.shape[-1] != weight.shape[0]:
        raise ValueError(
            f"{name}: input of shape {x.shape} does not fit weight of shape {weight.shape}; "
            "expected (..., in_features) and (in_features, out_features)"
        )
    if bias is not None:
        bias = lift(bias, weight, name)
        if bias.shape != (weight.shape[1],):
            raise ValueError(f"{name}: bias of shape {bias.shape}, expected ({weight.shape[1]},)")
    return x, weight, bias


def linear_relu(x: Any, weight: Any, bias: Any = None) -> Tensor:
    """A layer of rectified linear units, max(0, x W + b), as one primitive.

    The values and gradients of ``relu(linear(x, weight, bias))`` with one node instead
    of two: the bias and the rectification in one compiled pass, and backward's
    δ = g ⊙ [a ≥ 0] computed once for the three gradients δWᵀ, xᵀδ and 1ᵀδ. Gradients of
    gradients are recorded from the same rules written with operations.
    """
    x, weight, bias = _check_linear("linear_relu", x, weight, bias)
    if x.ndim != 2:
        flat = linear_relu(x.reshape(-1, x.shape[-1]), weight, bias)
        return flat.reshape((*x.shape[:-1], weight.shape[1]))
    potential = np.dot(x.data, weight.data)
    shift = bias.data if bias is not None else np.zeros(weight.shape[1], potential.dtype)
    data = np.empty_like(potential)
    bias_relu_kernel(potential, shift, data)
    first_order: dict[str, Any] = {}  # δ of the latest g, shared by the three rules

    def delta(g: Tensor) -> Tensor:
        """δ = g ⊙ [a ≥ 0], the gradient of the potential a (computed once per g)."""
        if is_grad_enabled():
            return _where_nonnegative(g, Tensor(potential))
        if first_order.get("g") is not g:
            first_order.update(g=g, delta=elementwise(nonnegative_mask_kernel, g.data, potential))
        return Tensor(first_order["delta"])

    edges = [(x, lambda g, out: input_gradient(delta(g), weight)),
             (weight, lambda g, out: weight_gradient(x, delta(g)))]
    if bias is not None:
        edges.append((bias, lambda g, out: bias_gradient(delta(g))))
    return record(data, *edges)


@compiled
def bias_relu_kernel(potential: np.ndarray, bias: np.ndarray, out: np.ndarray) -> None:
    """potential ← potential + b, row by row, and out = max(0, potential); NaN stays NaN."""
    for i in range(potential.shape[0]):
        for j in range(potential.shape[1]):
            value = potential[i, j] + bias[j]
            potential[i, j] = value
            out[i, j] = 0 if value < 0 else value


# ----- reductions --------------------------------------------------------------------
def _axes(axis: Axis, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(a % ndim for a in axes) if ndim else ()


def _expand(g: Tensor, shape: tuple[int, ...], axes: tuple[int, ...], keepdims: bool) -> Tensor:
    """Undo a reduction's shape: g with the reduced axes put back (size 1)."""
    if keepdims:
        return g
    return g.reshape(tuple(1 if i in axes else n for i, n in enumerate(shape)))


def sum(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Σ over ``axis`` (all axes by default)."""
    x = lift(x, op="sum")
    axes = _axes(axis, x.ndim)
    return record(
        x.data.sum(axis=axes, keepdims=keepdims),
        (x, lambda g, out: broadcast_to(_expand(g, x.shape, axes, keepdims), x.shape)),
    )


def mean(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """The average over ``axis`` (all axes by default)."""
    x = lift(x, op="mean")
    count = math.prod(x.shape[a] for a in _axes(axis, x.ndim))  # np.prod: 5 µs more a call
    total = sum(x, axis, keepdims)
    return total / count if count else total * np.nan  # of nothing: NaN, as PyTorch


def max(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """The maximum over ``axis``; tied maxima share the gradient equally.

    A NaN makes the maximum NaN and, as in PyTorch, the gradient of its whole slice NaN.
    """
    x = lift(x, op="max")
    axes = _reducible_axes("max", x, axis)
    peak = np.max(x.data, axis=axes, keepdims=True)
    share = (x.data == peak).astype(x.dtype)
    with np.errstate(invalid="ignore"):  # a NaN peak: no share, 0/0
        share /= share.sum(axis=axes, keepdims=True)
    value = peak if keepdims else peak.reshape([n for i, n in enumerate(x.shape) if i not in axes])
    return record(value, (x, lambda g, out: _expand(g, x.shape, axes, keepdims) * share))


def min(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """The minimum over ``axis``: −max(−x)."""
    x = lift(x, op="min")
    _reducible_axes("min", x, axis)
    return -max(-x, axis, keepdims)


def _reducible_axes(op: str, x: Tensor, axis: Axis) -> tuple[int, ...]:
    """The axes of ``axis``, or a clear error if one is empty (it has no maximum)."""
    axes = _axes(axis, x.ndim)
    if any(x.shape[a] == 0 for a in axes):
        raise ValueError(f"{op}: cannot reduce an axis of size 0: shape {x.shape}, axis {axis}")
    return axes


def broadcast_to(x: Any, shape: tuple[int, ...]) -> Tensor:
    """x repeated to ``shape`` by broadcasting; the gradient sums the copies."""
    x = lift(x, op="broadcast_to")
    return record(np.broadcast_to(x.data, shape), (x, lambda g, out: unbroadcast(g, x.shape)))


# ----- shape ---------------------------------------------------------------------------
def reshape(x: Any, shape: int | Sequence[int]) -> Tensor:
    """The same values in a new shape."""
    x = lift(x, op="reshape")
    try:
        data = x.data.reshape(shape)
    except ValueError:
        raise ValueError(
            f"reshape: cannot reshape {x.shape} ({x.size} values) to {shape}"
        ) from None
    return record(data, (x, lambda g, out: g.reshape(x.shape)))


def transpose(x: Any, axes: Sequence[int] | None = None) -> Tensor:
    """Permute axes (reverse them by default, as ``.T``)."""
    x = lift(x, op="transpose")
    if axes is None:  # reversing is its own inverse
        return record(x.data.transpose(), (x, lambda g, out: transpose(g)))
    order = tuple(axes)
    inverse = tuple(int(i) for i in np.argsort(order))
    return record(x.data.transpose(order), (x, lambda g, out: transpose(g, inverse)))


def _plain_index(index: Any) -> Any:
    if isinstance(index, Tensor):
        return index.data.astype(np.intp) if index.dtype != bool else index.data
    if isinstance(index, tuple):
        return tuple(_plain_index(i) for i in index)
    return index


def _is_basic(index: Any) -> bool:
    parts = index if isinstance(index, tuple) else (index,)
    return all(p is None or p is Ellipsis or isinstance(p, int | slice) for p in parts)


def getitem(x: Any, index: Any) -> Tensor:
    """x[index]: basic slicing and integer-array (or boolean) indexing, as NumPy."""
    x = lift(x, op="getitem")
    index = _plain_index(index)
    basic = _is_basic(index)

    def vjp(g: Tensor, out: Tensor) -> Tensor | SliceGradient:
        if is_grad_enabled():  # recorded, to be differentiated again
            return scatter_add(g, index, x.shape)
        return SliceGradient(index, g.data, basic)

    return record(x.data[index], (x, vjp))


def scatter_add(g: Any, index: Any, shape: tuple[int, ...]) -> Tensor:
    """A zero array of ``shape`` with ``g`` added at ``index`` (repeated indices add up)."""
    g = lift(g, op="scatter_add")
    data = np.zeros(shape, dtype=g.dtype)
    SliceGradient(index, g.data, _is_basic(index)).add_to(data)
    return record(data, (g, lambda h, out: getitem(h, index)))


def concatenate(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis."""
    parts = [lift(t, op="concatenate") for t in tensors]
    if not parts:
        raise ValueError("concatenate: expected at least one tensor")
    ndim = parts[0].ndim
    axis %= builtins.max(ndim, 1)
    bounds = np.cumsum([0] + [p.shape[axis] for p in parts])
    head = (slice(None),) * axis

    def piece(i: int) -> Any:
        return lambda g, out: g[(*head, slice(int(bounds[i]), int(bounds[i + 1])))]

    return record(
        np.concatenate([p.data for p in parts], axis=axis),
        *((p, piece(i)) for i, p in enumerate(parts)),
    )


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors of equal shape along a new axis."""
    parts = [lift(t, op="stack") for t in tensors]
    if not parts:
        raise ValueError("stack: expected at least one tensor")
    axis %= parts[0].ndim + 1
    head = (slice(None),) * axis

    def piece(i: int) -> Any:
        return lambda g, out: g[(*head, i)]

    return record(
        np.stack([p.data for p in parts], axis=axis),
        *((p, piece(i)) for i, p in enumerate(parts)),
    )
