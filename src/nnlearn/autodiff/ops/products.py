"""Products: the matrix product and a layer's potential a = x W + b, alone or rectified.

The gradients of a = x W + b given δ = ∂L/∂a are δ Wᵀ, xᵀ δ and 1ᵀ δ; ``linear`` and
``linear_relu`` share them (for the latter δ = g ⊙ [a ≥ 0]), with the compiled pass that
adds the bias and rectifies beside the rule that uses it.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from nnlearn.autodiff.backprop import ProductGradient
from nnlearn.autodiff.ops.arithmetic import nonnegative_mask_kernel, where_nonnegative
from nnlearn.autodiff.ops.core import lift, lift_pair
from nnlearn.autodiff.ops.reductions import sum, unbroadcast
from nnlearn.autodiff.ops.shapes import transpose
from nnlearn.autodiff.tensor import Tensor, is_grad_enabled, record
from nnlearn.compiled import compiled, elementwise


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
    a, b = lift_pair("matmul", a, b)
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
            return where_nonnegative(g, Tensor(potential))
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

