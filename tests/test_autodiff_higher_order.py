"""Second and higher derivatives agree with torch.func: hessian, hvp, jacobian, grad of grad."""

import numpy as np
import pytest
import torch
from conftest import NL, TORCH, assert_close

import nnlearn as nl

RNG = np.random.default_rng(7)
X = RNG.standard_normal((6, 3))
LABELS = np.array([0, 1, 1, 0, 1, 0])
SHAPES = [(3, 4), (4,), (4, 2), (2,)]  # W1, b1, W2, b2 of a 3-4-2 network


def unpack(theta):
    """Split a flat parameter vector into the network's weights and biases."""
    parts, start = [], 0
    for shape in SHAPES:
        size = int(np.prod(shape))
        parts.append(theta[start : start + size].reshape(shape))
        start += size
    return parts


N_PARAMS = sum(int(np.prod(s)) for s in SHAPES)


def network_mse(B, theta):
    w1, b1, w2, b2 = unpack(theta)
    hidden = B.tanh(B.linear(B.const(X), w1, b1))
    output = B.sigmoid(B.linear(hidden, w2, b2))
    target = B.const(np.eye(2)[LABELS])
    return B.mean((output - target) ** 2)


def network_cross_entropy(B, theta):
    w1, b1, w2, b2 = unpack(theta)
    logits = B.linear(B.tanh(B.linear(B.const(X), w1, b1)), w2, b2)
    return B.softmax_cross_entropy(logits, B.const(LABELS))


def network_relu(B, theta):
    """A fused ReLU layer: its Hessian is that of the linear pieces (the mask is constant)."""
    w1, b1, w2, b2 = unpack(theta)
    logits = B.linear(B.linear_relu(B.const(X), w1, b1), w2, b2)
    return B.softmax_cross_entropy(logits, B.const(LABELS))


SCALAR_FUNCTIONS = {
    "rosenbrock": (
        lambda B, x: B.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2),
        RNG.standard_normal(4),
    ),
    "products_and_quotients": (
        lambda B, x: B.sum(x[0] * x[1] ** 3 / (1 + x * x)) + B.exp(x[2] * x[0]),
        RNG.standard_normal(3),
    ),
    "smooth_unaries": (
        lambda B, x: (
            B.sum(B.tanh(x) * B.sigmoid(x) + B.softplus(x) * B.arctan(x))
            + B.sqrt(B.sum(x * x) + 1) * B.log(B.sum(x * x) + 2)
        ),
        RNG.standard_normal(4),
    ),
    "logsumexp_of_matrix": (
        lambda B, x: B.sum(B.logsumexp(B.reshape(x, (2, 3)) * 2, 1) ** 2),
        RNG.standard_normal(6),
    ),
    "softmax_entropy": (
        lambda B, x: -B.sum(B.softmax(x) * B.log_softmax(x)),
        RNG.standard_normal(5),
    ),
    "pow_tensor_tensor": (
        lambda B, x: B.sum(B.exp(x[:2]) ** x[2:]),
        RNG.standard_normal(4),
    ),
    "matmul_quadratic_form": (
        lambda B, x: (x @ B.const(X.T @ X) @ x) * B.sum(B.concatenate([x, x * x])),
        RNG.standard_normal(3),
    ),
    "trigonometric": (
        lambda B, x: B.sum(B.sin(x * x) * B.cos(x[:1] * x[1:2] + x)),
        RNG.standard_normal(3),
    ),
    "network_mse": (network_mse, 0.5 * RNG.standard_normal(N_PARAMS)),
    "network_cross_entropy": (network_cross_entropy, 0.5 * RNG.standard_normal(N_PARAMS)),
    "network_relu": (network_relu, 0.5 * RNG.standard_normal(N_PARAMS)),
}


def _bind(f, backend):
    return lambda x: f(backend, x)


@pytest.mark.parametrize("name", SCALAR_FUNCTIONS)
def test_hessian_matches_torch_func(name):
    f, x = SCALAR_FUNCTIONS[name]
    ours = nl.hessian(_bind(f, NL))(x)
    theirs = torch.func.hessian(_bind(f, TORCH))(torch.tensor(x)).numpy()
    assert ours.shape == (x.size, x.size)
    assert_close(ours, theirs)
    np.testing.assert_allclose(ours, ours.T, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["rosenbrock", "smooth_unaries", "network_cross_entropy"])
def test_hvp_equals_hessian_times_vector(name):
    f, x = SCALAR_FUNCTIONS[name]
    v = np.random.default_rng(1).standard_normal(x.shape)
    theirs = torch.func.hessian(_bind(f, TORCH))(torch.tensor(x)).numpy() @ v
    assert_close(nl.hvp(_bind(f, NL))(x, v), theirs)
    assert_close(nl.hvp(_bind(f, NL))(x, v), nl.hessian(_bind(f, NL))(x) @ v)


VECTOR_FUNCTIONS = {
    "softmax": (lambda B, x: B.softmax(x), RNG.standard_normal(4)),
    "tanh_layer": (lambda B, x: B.tanh(B.const(X) @ x), RNG.standard_normal(3)),
    "matrix_to_matrix": (lambda B, x: B.sigmoid(x @ x.T) * x[:, :1], RNG.standard_normal((3, 2))),
    "to_scalar": (lambda B, x: B.sum(x**3), RNG.standard_normal((2, 2))),
    "zero_d_to_vector": (lambda B, x: B.stack([x, x * x, B.exp(x)]), np.array(0.3)),
}


@pytest.mark.parametrize("name", VECTOR_FUNCTIONS)
def test_jacobian_matches_torch_jacrev(name):
    f, x = VECTOR_FUNCTIONS[name]
    ours = nl.jacobian(_bind(f, NL))(x)
    theirs = torch.func.jacrev(_bind(f, TORCH))(torch.tensor(x)).numpy()
    assert_close(ours, theirs)


def test_gradients_of_gradients_match_torch_autograd():
    f, theta = SCALAR_FUNCTIONS["network_mse"]
    v = np.random.default_rng(2).standard_normal(theta.shape)

    ours = nl.tensor(theta, requires_grad=True)
    (g,) = nl.gradients(f(NL, ours), [ours], create_graph=True)
    (gg,) = nl.gradients((g * nl.tensor(v)).sum() + (g * g).sum(), [ours])

    theirs = torch.tensor(theta, requires_grad=True)
    (tg,) = torch.autograd.grad(f(TORCH, theirs), [theirs], create_graph=True)
    (tgg,) = torch.autograd.grad((tg * torch.tensor(v)).sum() + (tg * tg).sum(), [theirs])

    assert_close(g.data, tg.detach().numpy())
    assert_close(gg.data, tgg.numpy())


def test_third_derivative_by_nesting_grad():
    # d³/dx³ (x⁴ + x e^x) = 24x + (x + 3) e^x
    def f(x):
        return (x**4 + x * nl.exp(x)).sum()

    third = nl.grad(lambda x: nl.grad(lambda y: nl.grad(f)(y).sum())(x).sum())
    x = np.array([-0.7, 0.2, 1.3])
    np.testing.assert_allclose(third(x), 24 * x + (x + 3) * np.exp(x), rtol=1e-12)


def test_hessian_of_cross_entropy_is_softmax_covariance():
    # ∂²L/∂z² of L = −log softmax(z)_y is diag(p) − p pᵀ, whatever the class y.
    z = RNG.standard_normal(4)
    p = np.exp(z) / np.exp(z).sum()
    hess = nl.hessian(lambda z: nl.softmax_cross_entropy(z.reshape(1, -1), [2]))(z)
    assert_close(hess, np.diag(p) - np.outer(p, p))
