"""First-order gradients of compositions of primitives agree with PyTorch autograd.

Every case is one function ``f(B, *tensors)`` run through nnlearn and PyTorch in
float64 (see ``conftest.py``); values and gradients must agree to 1e-10 relative error.
"""

from pathlib import Path

import numpy as np
import pytest
from conftest import TORCH, assert_matches_torch

import nnlearn as nl

RNG = np.random.default_rng(20261122)


def normal(*shape):
    return RNG.standard_normal(shape)


def positive(*shape):
    return RNG.uniform(0.5, 2.0, shape)


IDX = np.array([0, 2, 0, 1, 0])  # repeated indices: their gradients add up
MASK = np.array([[True, False, True, True], [False, True, False, True], [True, True, False, False]])
ONE_HOT = np.eye(4)[[1, 3, 0, 3, 2]]

CASES = {
    # elementwise arithmetic and broadcasting
    "broadcast_arith": (lambda B, a, b: a * b + a / (b * b + 1) - b, normal(3, 1, 4), normal(2, 4)),
    "broadcast_row_col": (lambda B, a, b: (a - b) * (a + b), normal(3, 1), normal(1, 5)),
    "scalar_times_matrix": (lambda B, a, b: a * b + a**2 - 3 / (b * b + 1), normal(), normal(3, 4)),
    "zero_d_only": (lambda B, a, b: B.exp(a) * b - B.log(b * b + 1) / a, normal(), normal()),
    "reflected_constants": (lambda B, a: 2.0 - a * 3.0 + 1.0 / (1.5 + a * a), normal(4)),
    "power_tensor_tensor": (lambda B, a, b: a**b, positive(3, 4), normal(4)),
    "power_constants": (lambda B, a: a**3 + 2.0**a + (a * a + 1) ** -0.5, normal(2, 3)),
    "unary_chain": (
        lambda B, x: B.sqrt(x * x + 1) * B.tanh(x) + B.sigmoid(x) * B.softplus(x) - B.arctan(x),
        normal(3, 4),
    ),
    "abs_log_exp": (lambda B, x: B.log(B.abs(x)) + B.exp(-B.abs(x)), normal(5)),
    "expm1": (lambda B, x: B.expm1(x * 1e-3) * B.expm1(x), normal(4)),
    "sin_cos": (lambda B, x: B.sin(x * 3) * B.cos(x) - B.cos(B.sin(x)), normal(2, 3)),
    "broadcast_to": (lambda B, x: B.broadcast_to(x, (2, 3, 4)) * 2, normal(3, 1)),
    "relu": (lambda B, x: B.relu(x) * x, normal(4, 3)),  # normal draws are never 0
    # indexing
    "basic_slices": (lambda B, x: x[1:, ::2] * 2 + x[-1:, 1:3].sum(), normal(3, 4)),
    "ellipsis_and_newaxis": (lambda B, x: x[..., 0][None, :] * x[None, 1, :, 1], normal(3, 4, 2)),
    "integer_index": (lambda B, x: x[-1] + x[0, 2], normal(3, 4)),
    "index_repeated": (lambda B, x: x[B.const(IDX)] * 1.5, normal(3, 4)),
    "index_two_arrays": (lambda B, x: x[B.const(IDX), B.const(IDX + 1)], normal(3, 4)),
    "index_columns": (lambda B, x: x[:, B.const(IDX)].sum(0), normal(2, 3)),
    "boolean_mask": (lambda B, x: x[B.const(MASK)] ** 2, normal(3, 4)),
    # products
    "matmul_matrix": (lambda B, a, b: a @ b, normal(3, 4), normal(4, 2)),
    "matmul_matrix_vector": (lambda B, a, v: a @ v, normal(3, 4), normal(4)),
    "matmul_vector_matrix": (lambda B, v, a: v @ a, normal(3), normal(3, 4)),
    "matmul_vector_vector": (lambda B, u, v: B.matmul(u, v), normal(4), normal(4)),
    "matmul_batched": (lambda B, a, b: a @ b, normal(2, 3, 4), normal(4, 5)),
    "matmul_batched_broadcast": (lambda B, a, b: a @ b, normal(2, 1, 3, 4), normal(5, 4, 2)),
    "matmul_batched_vector": (lambda B, a, v: a @ v, normal(2, 3, 4), normal(4)),
    "matmul_chain": (
        lambda B, a, b, c: B.tanh(a @ b) @ c,
        normal(2, 3),
        normal(3, 4),
        normal(4, 2),
    ),
    "transpose_matmul": (lambda B, a: a.T @ a + B.transpose(a.T @ a, (1, 0))[0], normal(3, 2)),
    "linear_with_bias": (
        lambda B, x, w, b: B.linear(x, w, b),
        normal(5, 3),
        normal(3, 2),
        normal(2),
    ),
    "linear_without_bias": (lambda B, x, w: B.linear(x, w), normal(5, 3), normal(3, 2)),
    "linear_vector_input": (
        lambda B, x, w, b: B.linear(x, w, b),
        normal(3),
        normal(3, 2),
        normal(2),
    ),
    "linear_relu": (  # the fused ReLU layer; the product keeps both sides of the kink
        lambda B, x, w, b: B.linear_relu(x, w, b) * B.tanh(x @ w),
        normal(6, 3),
        normal(3, 4),
        normal(4),
    ),
    "linear_relu_sequence_no_bias": (
        lambda B, x, w: B.linear_relu(x, w) ** 2,
        normal(2, 5, 3),
        normal(3, 4),
    ),
    # reductions
    "sum_all": (lambda B, x: B.sum(x * x), normal(2, 3)),
    "sum_axes": (lambda B, x: B.sum(x, (0, 2)) + B.sum(x, -1).sum(0), normal(2, 3, 4)),
    "sum_keepdims": (lambda B, x: x / B.sum(x * x, 1, keepdims=True), normal(3, 4)),
    "mean_axes": (lambda B, x: B.mean(x, 0) * B.mean(x, (0, 1), keepdims=True), normal(3, 4, 2)),
    "mean_zero_d": (lambda B, x: B.mean(x) * B.sum(x), normal()),
    "max_all": (lambda B, x: B.max(x) * x, normal(3, 4)),
    "max_ties": (
        lambda B, x: B.max(x, 1) + B.max(x, None, keepdims=True),
        np.array([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, -1.0], [0.5, -4.0, 3.0, 3.0]]),
    ),
    "min_ties_axes": (lambda B, x: B.min(x, (0, 2), keepdims=True) * x, np.round(normal(3, 2, 4))),
    "logsumexp": (
        lambda B, x: B.logsumexp(x * 30, 0) + B.logsumexp(x, -1, keepdims=True),
        normal(3, 4),
    ),
    "log_softmax_softmax": (lambda B, x: B.log_softmax(x, 0) * B.softmax(x, -1), normal(3, 4)),
    # shape
    "reshape": (lambda B, x: B.reshape(x, (4, 3)) @ x, normal(3, 4)),
    "transpose_axes": (lambda B, x: B.transpose(x, (2, 0, 1)) * 2, normal(2, 3, 4)),
    "concatenate_axis0": (lambda B, a, b: B.concatenate([a, b, a], 0), normal(2, 3), normal(1, 3)),
    "concatenate_last": (
        lambda B, a, b: B.concatenate([a, b], -1) ** 2,
        normal(2, 3),
        normal(2, 1),
    ),
    "stack": (lambda B, a, b: B.stack([a, b * a, b], 1), normal(2, 3), normal(2, 3)),
    "stack_last": (lambda B, a, b: B.stack([a, b], -1), normal(3), normal(3)),
    # selection
    "where": (lambda B, a, b: B.where(B.const(MASK), a, b) * a, normal(3, 4), normal(4)),
    "where_constant": (lambda B, a: B.where(B.const(MASK), a, 0.5), normal(3, 4)),
    "clip": (lambda B, x: B.clip(x, -0.5, 0.7) * x, normal(4, 5)),
    "maximum_minimum": (
        lambda B, a, b: B.maximum(a, b) - B.minimum(a * 2, b),
        normal(3, 4),
        normal(4),
    ),
    "maximum_constant": (lambda B, a: B.maximum(a, 0.1) * B.minimum(a, -0.2), normal(6)),
    # cross-entropy
    "cross_entropy_index": (
        lambda B, z: B.softmax_cross_entropy(z, B.const(IDX + 1)),
        normal(5, 4),
    ),
    "cross_entropy_one_hot": (
        lambda B, z: B.softmax_cross_entropy(z, B.const(ONE_HOT)),
        normal(5, 4),
    ),
    "cross_entropy_sum": (
        lambda B, z: B.softmax_cross_entropy(z, B.const(IDX), "sum"),
        normal(5, 3),
    ),
    "cross_entropy_none": (
        lambda B, z: B.softmax_cross_entropy(z * 3, B.const(ONE_HOT), "none"),
        normal(5, 4),
    ),
    # a small network, end to end
    "two_layer_network": (
        lambda B, x, w1, b1, w2, b2: B.softmax_cross_entropy(
            B.linear(B.tanh(B.linear(x, w1, b1)), w2, b2), B.const(IDX)
        ),
        normal(5, 3),
        normal(3, 4),
        normal(4),
        normal(4, 3),
        normal(3),
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_gradient_matches_torch(name):
    f, *arrays = CASES[name]
    assert_matches_torch(f, *arrays)


def test_maximum_at_a_tie_sends_the_gradient_to_the_first_argument():
    # PyTorch splits a tie between the two; nnlearn follows the course's relu (f'(0) = 1).
    a = nl.tensor([1.0, 2.0, 0.0], requires_grad=True)
    b = nl.tensor([1.0, 3.0, 0.0], requires_grad=True)
    nl.maximum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(b.grad, [0.0, 1.0, 0.0])
    x = nl.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    nl.relu(x).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 1.0])


def test_every_exported_primitive_is_compared_with_torch():
    source = Path(__file__).read_text()
    primitives = [
        name
        for name in nl.autodiff.__all__
        if getattr(nl.autodiff, name).__module__.startswith("nnlearn.autodiff.ops.")
    ]
    assert len(primitives) >= 25
    for name in primitives:
        assert hasattr(TORCH, name), f"no PyTorch counterpart for {name} in conftest.TORCH"
        assert f"B.{name}(" in source, f"no case above uses B.{name}"
