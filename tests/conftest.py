"""Shared test helpers: one function, two engines (nnlearn and PyTorch), compared.

A test writes its computation once as ``f(B, *tensors)`` where ``B`` is a backend:
:data:`NL` (nnlearn) or :data:`TORCH` (PyTorch with the same names and signatures).
:func:`assert_matches_torch` runs it through both in float64 and compares the values
and the gradients.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import torch
import torch.nn.functional as F

import nnlearn as nl

#: headless Chromium for the tests that open pages (fixtures offline_page, browser_context)
pytest_plugins = ["browser_helpers"]

RTOL = 1e-10


def _all_axes(x: torch.Tensor, axis):
    return tuple(range(x.ndim)) if axis is None else axis


def _reduce(op):
    return lambda x, axis=None, keepdims=False: op(x, dim=_all_axes(x, axis), keepdim=keepdims)


def _tensor(x, dtype=torch.float64):
    return x if isinstance(x, torch.Tensor) else torch.as_tensor(np.asarray(x), dtype=dtype)


def _linear(x, weight, bias=None):
    out = x @ weight
    return out if bias is None else out + bias


NL = SimpleNamespace(
    **{name: getattr(nl.autodiff, name) for name in nl.autodiff.__all__},
    name="nnlearn",
    const=lambda a: a,
)

TORCH = SimpleNamespace(
    name="torch",
    const=lambda a: _tensor(a, dtype=None),
    exp=torch.exp,
    expm1=torch.expm1,
    sin=torch.sin,
    cos=torch.cos,
    broadcast_to=torch.broadcast_to,
    log=torch.log,
    sqrt=torch.sqrt,
    abs=torch.abs,
    tanh=torch.tanh,
    sigmoid=torch.sigmoid,
    softplus=F.softplus,
    arctan=torch.atan,
    relu=torch.relu,
    where=lambda cond, a, b: torch.where(_tensor(cond, dtype=None), a, b),
    maximum=lambda a, b: torch.maximum(_tensor(a), _tensor(b)),
    minimum=lambda a, b: torch.minimum(_tensor(a), _tensor(b)),
    clip=torch.clamp,
    matmul=torch.matmul,
    linear=_linear,
    linear_relu=lambda x, weight, bias=None: torch.relu(_linear(x, weight, bias)),
    sum=_reduce(torch.sum),
    mean=_reduce(torch.mean),
    max=_reduce(torch.amax),
    min=_reduce(torch.amin),
    reshape=torch.reshape,
    transpose=lambda x, axes=None: x.permute(axes or tuple(reversed(range(x.ndim)))),
    concatenate=lambda tensors, axis=0: torch.cat(tensors, dim=axis),
    stack=lambda tensors, axis=0: torch.stack(tensors, dim=axis),
    logsumexp=lambda x, axis=-1, keepdims=False: torch.logsumexp(x, dim=axis, keepdim=keepdims),
    log_softmax=lambda x, axis=-1: torch.log_softmax(x, dim=axis),
    softmax=lambda x, axis=-1: torch.softmax(x, dim=axis),
    softmax_cross_entropy=lambda z, t, reduction="mean": F.cross_entropy(
        z, _tensor(t, dtype=None), reduction=reduction
    ),
)


def relative_error(actual, expected) -> float:
    """‖actual − expected‖ / ‖expected‖ (absolute when expected is zero)."""
    actual, expected = np.asarray(actual, dtype=np.float64), np.asarray(expected, np.float64)
    assert actual.shape == expected.shape, f"shape {actual.shape}, expected {expected.shape}"
    scale = np.linalg.norm(expected)
    return float(np.linalg.norm(actual - expected) / (scale if scale > 0 else 1.0))


def assert_close(actual, expected, rtol: float = RTOL) -> None:
    error = relative_error(actual, expected)
    assert error <= rtol, f"relative error {error:.3g} > {rtol:g}"


def assert_matches_torch(f, *arrays, seed: int = 0, rtol: float = RTOL) -> None:
    """``f(B, *leaves)`` agrees between nnlearn and PyTorch: value, and every gradient.

    The output is seeded with a random cotangent, so non-scalar outputs are checked too.
    """
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    ours = [nl.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, expected = f(NL, *ours), f(TORCH, *theirs)
    assert_close(out.data, expected.detach().numpy(), rtol)
    cotangent = np.random.default_rng(seed).standard_normal(out.shape)
    out.backward(cotangent)
    expected.backward(torch.from_numpy(cotangent))
    for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        want = np.zeros(a.shape) if b.grad is None else b.grad.numpy()
        got = np.zeros(a.shape) if a.grad is None else a.grad
        assert got.shape == a.shape, f"input {i}: gradient of shape {got.shape}, not {a.shape}"
        error = relative_error(got, want)
        assert error <= rtol, f"input {i}: gradient relative error {error:.3g} > {rtol:g}"


# ----- PyTorch's counterparts of the registered activations and losses --------------------
def _heaviside(x: torch.Tensor) -> torch.Tensor:
    """The binary step (1 for x ≥ 0): PyTorch's heaviside, which defines no derivative, so
    no gradient flows (as from nnlearn's step)."""
    return torch.heaviside(x.detach(), torch.ones((), dtype=x.dtype))


#: Every registered activation, with its defaults, and the parametric ones with other
#: options bound: name -> Activation.
ACTIVATION_VARIANTS = {name: nl.activations.get(name) for name in nl.activations.ACTIVATIONS} | {
    "leaky_relu(0.2)": nl.activations.get("leaky_relu", negative_slope=0.2),
    "prelu(0.6)": nl.activations.get("prelu", alpha=0.6),
    "elu(0.5)": nl.activations.get("elu", alpha=0.5),
}

#: activation name -> PyTorch function taking the same options.
TORCH_ACTIVATIONS = {
    "identity": lambda x: x,
    "step": _heaviside,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "arctan": torch.atan,
    "relu": torch.relu,
    "leaky_relu": lambda x, negative_slope=0.01: F.leaky_relu(x, negative_slope),
    "prelu": lambda x, alpha=0.25: F.prelu(x, torch.tensor([alpha], dtype=x.dtype)),
    "elu": lambda x, alpha=1.0: F.elu(x, alpha),
    "softplus": F.softplus,
    "softmax": lambda x: torch.softmax(x, -1),
    "log_softmax": lambda x: torch.log_softmax(x, -1),
}


def _per_sample_sum(x: torch.Tensor) -> torch.Tensor:
    return x.sum(dim=tuple(range(1, x.ndim))) if x.ndim > 1 else x


def _reduced(per_sample: torch.Tensor, reduction: str) -> torch.Tensor:
    return {"mean": per_sample.mean, "sum": per_sample.sum, "none": lambda: per_sample}[
        reduction
    ]()


def _wrong(h: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """1 for each sample (row) where any value of h differs from y, else 0."""
    wrong = h != y
    return (wrong.reshape(len(wrong), -1).any(1) if wrong.ndim > 1 else wrong).to(h.dtype)


def _squared(d: torch.Tensor) -> torch.Tensor:
    """d², as d · d: the gradient 2d·g is d·g + d·g, finite where 2d would overflow (as in
    PyTorch's fused MSE)."""
    return d * d


#: loss name -> PyTorch function ``(prediction, target, reduction)``: PyTorch's own where
#: it has the loss, else the formula written with PyTorch's operations.
TORCH_LOSSES = {
    "zero_one": lambda h, y, reduction="mean": _reduced(_wrong(h, y), reduction),
    "quadratic": lambda h, y, reduction="mean": _reduced(
        _per_sample_sum(_squared(h - y)), reduction
    ),
    "mse": F.mse_loss,
    "half_squared_error": lambda h, y, reduction="mean": _reduced(
        0.5 * _per_sample_sum(_squared(y - h)), reduction
    ),
    "bce": F.binary_cross_entropy,
    "bce_with_logits": F.binary_cross_entropy_with_logits,
    "cross_entropy": F.cross_entropy,
}
