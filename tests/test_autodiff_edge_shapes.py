"""Edge shapes as PyTorch treats them: 0-d, empty and broadcast inputs.

Every registered activation (value, closed-form derivative, gradient by backward) and
every primitive of the engine (values and gradients) is run on 0-d tensors, tensors with
an axis of size 0 and broadcast operands, and compared with PyTorch: the same shapes and
the same values (NaN where PyTorch gives NaN: the mean of nothing).
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest
import torch
from conftest import NL, TORCH, TORCH_ACTIVATIONS

import nnlearn as nl
from nnlearn.activations import ACTIVATIONS
from nnlearn.autodiff import logits, ops

SHAPES = [(), (0,), (3, 0), (0, 3), (1,), (2, 1)]


def positive(shape, seed=0) -> np.ndarray:
    """Values in [0.5, 2), never tied (so maximum's and the ReLU's kinks are not met)."""
    return np.random.default_rng(seed).uniform(0.5, 2.0, shape)


def assert_equal_shapes_and_values(ours, theirs, what):
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape}, PyTorch {theirs.shape}"
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15, equal_nan=True,
                               err_msg=what)


def _diagonal_blocks(jacobian: np.ndarray, shape: tuple[int, ...], elementwise: bool):
    """The blocks of a full Jacobian (shape + shape) that the closed form gives: the
    diagonal for an elementwise function, the per-row blocks for one along the last axis."""
    if not shape:
        return jacobian
    flat = jacobian.reshape(int(np.prod(shape[:-1])), shape[-1], -1, shape[-1])
    rows = np.arange(flat.shape[0])
    blocks = flat[rows, :, rows, :]  # (rows, n, n)
    if elementwise:
        return np.diagonal(blocks, axis1=1, axis2=2).reshape(shape)
    return blocks.reshape(shape + shape[-1:])


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_on_edge_shapes_matches_torch(name, shape):
    activation, reference = nl.activations.get(name), TORCH_ACTIVATIONS[name]
    x = positive(shape) - 1.25  # both signs
    assert_equal_shapes_and_values(activation(x), reference(torch.tensor(x)).numpy(), "value")
    leaf = torch.tensor(x, requires_grad=True)
    out = reference(leaf)
    if out.requires_grad:
        out.sum().backward()
    expected = np.zeros(shape) if leaf.grad is None else leaf.grad.numpy()
    assert_equal_shapes_and_values(nl.grad(lambda t: activation(t).sum())(x), expected,
                                   "gradient")
    if not out.requires_grad:  # the step: no derivative is defined, none flows
        expected = np.zeros(shape)
    elif x.size == 0:  # nothing to differentiate (PyTorch's jacobian refuses)
        expected = np.zeros(shape if activation.elementwise else shape + shape[-1:])
    else:
        full = torch.autograd.functional.jacobian(reference, torch.tensor(x)).numpy()
        expected = _diagonal_blocks(full, shape, activation.elementwise)
    assert_equal_shapes_and_values(activation.derivative(x), expected, "closed-form derivative")


def _unary(name):
    return lambda B, x: getattr(B, name)(x)


UNARY = [[()], [(0,)], [(3, 0)], [(1,)]]
BINARY = [[(), ()], [(0,), ()], [(3, 0), (0,)], [(2, 1), (3,)], [(0, 1), (1, 4)], [(1,), (0,)]]
ALONG_LAST = [[()], [(0,)], [(3, 0)], [(0, 3)], [(1, 1)]]
NONEMPTY_LAST = [[()], [(0, 3)], [(1, 1)], [(3,)]]  # a maximum needs a value to reduce
PRODUCTS = [[(0, 3), (3, 2), (2,)], [(4, 0), (0, 2), (2,)], [(2, 0, 3), (3, 2), (2,)],
            [(3,), (3, 2), (2,)], [(3, 2), (2, 0), (0,)]]


def _where(B, a, b):
    mask = np.arange(int(np.prod(np.broadcast_shapes(a.shape, b.shape)))) % 2 == 0
    return B.where(B.const(mask.reshape(np.broadcast_shapes(a.shape, b.shape))), a, b)


def _cross_entropy(B, z):
    labels = B.const(np.zeros(z.shape[:-1], dtype=np.int64))
    if B is TORCH and z.ndim > 2:  # PyTorch's classes are on axis 1
        return B.softmax_cross_entropy(z.movedim(-1, 1), labels)
    return B.softmax_cross_entropy(z, labels)


#: primitive -> (f(B, *leaves), shapes of the leaves to try)
EDGE_CASES = {
    **{name: (_unary(name), UNARY) for name in [
        "exp", "expm1", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "softplus",
        "arctan", "relu"]},
    "negative": (lambda B, x: -x, UNARY),
    "power_constant": (lambda B, x: x**2.5 + x**0, UNARY),
    "astype": (lambda B, x: x.astype(np.float32) if B is NL else x.to(torch.float32), UNARY),
    "clip": (lambda B, x: B.clip(x, 0.75, 1.5), UNARY),
    "add": (lambda B, a, b: a + b, BINARY),
    "subtract": (lambda B, a, b: a - b, BINARY),
    "multiply": (lambda B, a, b: a * b, BINARY),
    "divide": (lambda B, a, b: a / b, BINARY),
    "power": (lambda B, a, b: a**b, BINARY),
    "maximum": (lambda B, a, b: B.maximum(a, b), BINARY),
    "minimum": (lambda B, a, b: B.minimum(a, b), BINARY),
    "where": (_where, BINARY),
    "matmul": (lambda B, a, b: B.matmul(a, b),
               [[(0, 3), (3, 2)], [(2, 0), (0, 2)], [(0,), (0,)], [(3,), (3, 0)],
                [(2, 0, 3), (3, 1)]]),
    "linear": (lambda B, x, w, b: B.linear(x, w, b), PRODUCTS),
    "linear_relu": (lambda B, x, w, b: B.linear_relu(x, w, b), PRODUCTS),
    "sum": (lambda B, x: B.sum(x, -1) + B.sum(x), ALONG_LAST),
    "mean": (lambda B, x: B.mean(x, -1), ALONG_LAST),
    "mean_all": (lambda B, x: B.mean(x), ALONG_LAST),
    "max": (lambda B, x: B.max(x, -1, keepdims=True), NONEMPTY_LAST),
    "min": (lambda B, x: B.min(x, -1), NONEMPTY_LAST),
    "logsumexp": (lambda B, x: B.logsumexp(x, -1), ALONG_LAST),
    "log_softmax": (lambda B, x: B.log_softmax(x, -1), ALONG_LAST),
    "softmax": (lambda B, x: B.softmax(x, -1), ALONG_LAST),
    "softmax_cross_entropy": (_cross_entropy, [[(0, 3)], [(1, 1)], [(2, 0, 3)]]),
    "broadcast_to": (lambda B, x: B.broadcast_to(x, (2, *x.shape)), UNARY),
    "reshape": (lambda B, x: B.reshape(x, (-1,)), UNARY),
    "transpose": (lambda B, x: B.transpose(x), [*UNARY, [(0, 3, 1)]]),
    "getitem": (lambda B, x: x[1:], [[(0,)], [(3, 0)], [(1,)]]),
    "concatenate": (lambda B, a, b: B.concatenate([a, b], -1),
                    [[(0,), (0,)], [(3, 0), (3, 0)], [(2, 0), (2, 3)]]),
    "stack": (lambda B, a, b: B.stack([a, b]), [[(), ()], [(0,), (0,)], [(3, 0), (3, 0)]]),
}


def test_every_primitive_has_edge_cases():
    exported = {name for name in nl.autodiff.__all__
                if inspect.getmodule(getattr(nl.autodiff, name)) in (ops, logits)}
    assert exported <= set(EDGE_CASES), exported - set(EDGE_CASES)


def _run(backend, f, arrays):
    leaves = ([nl.tensor(a, requires_grad=True) for a in arrays] if backend is NL
              else [torch.tensor(a, requires_grad=True) for a in arrays])
    out = f(backend, *leaves)
    seed = np.ones(out.shape)
    out.backward(seed.astype(out.dtype) if backend is NL else torch.from_numpy(seed).to(out.dtype))
    if backend is NL:
        return out.data, [leaf.grad for leaf in leaves]
    grads = [np.zeros(leaf.shape) if leaf.grad is None else leaf.grad.numpy() for leaf in leaves]
    return out.detach().numpy(), grads


@pytest.mark.parametrize("name", EDGE_CASES)
def test_primitive_on_edge_shapes_matches_torch(name):
    f, shape_sets = EDGE_CASES[name]
    for shapes in shape_sets:
        arrays = [positive(shape, seed=i) for i, shape in enumerate(shapes)]
        with np.errstate(all="raise"):  # no warning where PyTorch gives none
            value, grads = _run(NL, f, arrays)
        want, want_grads = _run(TORCH, f, arrays)
        assert_equal_shapes_and_values(value, want, f"{name} {shapes}: value")
        for i, (g, w) in enumerate(zip(grads, want_grads, strict=True)):
            assert_equal_shapes_and_values(g, w, f"{name} {shapes}: gradient {i}")


@pytest.mark.parametrize("reduce", [nl.max, nl.min])
def test_the_extreme_of_an_empty_axis_is_refused_as_by_torch(reduce):
    with pytest.raises(ValueError, match=r"cannot reduce an axis of size 0: shape \(3, 0\)"):
        reduce(np.ones((3, 0)), -1)
    with pytest.raises(IndexError, match="non-zero size"):
        torch.amax(torch.ones(3, 0), -1)


def test_cross_entropy_without_classes_is_refused():
    with pytest.raises(ValueError, match=r"at least one class, got \(2, 0\)"):
        nl.softmax_cross_entropy(np.ones((2, 0)), np.ones((2, 0)))
