"""Special values as PyTorch treats them: NaN, ±inf, ±0, huge, tiny and subnormal numbers.

Every registered activation (its value, its closed-form derivative and its gradient by
backward), every registered loss and every primitive of the engine is swept, in float64
and float32, over NaN, ±inf, ±0, ±1e308, the largest and smallest normal numbers, the
largest and smallest subnormal ones, and ordinary values, and compared with PyTorch:
NaN where PyTorch gives NaN, the same signed infinities, the same signed zeros, and the
values to a few units in the last place.

The functions are found by iterating the registries (and the engine's exports), so one
added later is swept as soon as it has a PyTorch counterpart in ``conftest.py`` (or fails
here for want of one). Where nnlearn deliberately differs from PyTorch, the reference is
PyTorch with nnlearn's convention written in (see "the deliberate differences" below),
each named with its reason: the values are still compared, not skipped.

PyTorch's CPU kernels have a vectorized body and a scalar tail that do not always agree
at NaN (``elu``'s gradient at NaN is NaN in the body, 1 in the tail); the sweeps lay
their values out in whole vector blocks, as in real batches, so the body is the reference.
"""

from __future__ import annotations

import inspect
import itertools
from types import SimpleNamespace

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import ACTIVATION_VARIANTS, NL, TORCH, TORCH_ACTIVATIONS, TORCH_LOSSES

import nnlearn as nl
from nnlearn.activations import ACTIVATIONS
from nnlearn.autodiff import logits, ops
from nnlearn.losses import LOSSES

DTYPES = [np.float64, np.float32]
#: Relative tolerance: a few units in the last place of each type.
RTOL = {np.float64: 1e-13, np.float32: 1e-6}
#: Inputs are laid out in whole blocks of this many values (PyTorch's vectorized body).
BLOCK = 64


def special_values(dtype) -> np.ndarray:
    """NaN, ±inf, ±0, ±1e308, the extremes of the normal and subnormal numbers of ``dtype``,
    and ordinary values (both signs), as an array of ``dtype``."""
    info = np.finfo(dtype)
    largest_subnormal = np.nextafter(info.smallest_normal, dtype(0))
    magnitudes = [np.inf, 1e308, info.max, info.smallest_normal, largest_subnormal,
                  info.smallest_subnormal, 0.0, 1e-8, 0.3, 1.0, 2.5, 25.0, 50.0, 100.0, 800.0]
    with np.errstate(over="ignore"):  # 1e308 is inf in float32
        positive = np.array(magnitudes, dtype=np.float64).astype(dtype)
    return np.concatenate([[np.nan], positive, -positive]).astype(dtype)


def in_blocks(values: np.ndarray, fill: float = 0.75) -> np.ndarray:
    """``values`` followed by ``fill`` up to a whole number of :data:`BLOCK` values."""
    padded = np.full(-(-len(values) // BLOCK) * BLOCK, fill, dtype=values.dtype)
    padded[: len(values)] = values
    return padded


def pairs(dtype) -> tuple[np.ndarray, np.ndarray]:
    """Every (a, b) of special values: two arrays of equal length."""
    a, b = np.array(list(itertools.product(special_values(dtype), repeat=2)), dtype=dtype).T
    return in_blocks(a), in_blocks(b)


def rows(dtype) -> np.ndarray:
    """Rows for functions along the last axis: every pair of special values, and each
    special value beside ordinary ones, of shape (n, 3)."""
    a, b = pairs(dtype)
    ordinary = np.resize(np.array([1.0, -2.0, 0.5], dtype=dtype), a.shape)
    with_pairs = np.stack([a, b, ordinary], axis=1)
    specials = special_values(dtype)
    alone = np.stack([specials, np.ones_like(specials), -np.ones_like(specials) * 2], axis=1)
    return np.concatenate([with_pairs, alone, alone[:, ::-1]])


def cotangent(shape) -> np.ndarray:
    """A fixed seed ∂L/∂out with unequal entries (ones would hide a wrong sum)."""
    return (1 + np.arange(int(np.prod(shape))) % 3 * 0.5).reshape(shape)


# ----- the comparison --------------------------------------------------------------------
def _agrees(ours: np.ndarray, theirs: np.ndarray, dtype, bounded: bool) -> np.ndarray:
    """Elementwise: NaN where ``theirs`` is NaN, equal infinities, equal signs of zeros, and
    the other values within a few units in the last place of ``theirs`` (absolute: two
    subnormals), or if ``bounded``, of the largest finite value of ``theirs``."""
    theirs = theirs.astype(dtype)
    scale = np.abs(np.where(np.isfinite(theirs), theirs, 0))
    if bounded:
        scale = np.max(scale, initial=0)
    tolerance = RTOL[dtype] * scale + 2 * np.finfo(dtype).smallest_subnormal
    with np.errstate(invalid="ignore", over="ignore"):
        close = np.abs(ours.astype(np.float64) - theirs) <= tolerance
    equal = (ours == theirs) | (np.isfinite(theirs) & close)
    same = np.where(np.isnan(theirs), np.isnan(ours), equal)
    return same & ((theirs != 0) | (ours != 0) | (np.signbit(ours) == np.signbit(theirs)))


def assert_same_values(ours, references, dtype, what: str, inputs=(), signed_zeros=False,
                       bounded=False) -> None:
    """``ours`` agrees with one of PyTorch's ``references`` at every element (see
    :func:`_agrees`); the signs of zeros are compared when ``signed_zeros``.

    ``bounded``: the values are the gradient of a function whose Jacobian's entries are at
    most 1 in magnitude (softmax, the cross-entropies): they are differences such as
    g − Σ g s or σ(z) − t, computed to a few units in the last place of g, not of their
    own (small) size, by PyTorch as by nnlearn.

    ``inputs`` (arrays broadcasting to the values' shape) name the failing points.
    """
    ours = np.asarray(ours)
    references = [np.asarray(r) for r in references]
    for theirs in references:
        assert ours.shape == theirs.shape, f"{what}: shape {ours.shape}, PyTorch {theirs.shape}"
    assert ours.dtype == dtype, f"{what}: dtype {ours.dtype}, expected {np.dtype(dtype)}"
    if not signed_zeros:
        ours, references = ours + 0, [r + 0 for r in references]  # −0 + 0 = +0
    same = np.logical_or.reduce([_agrees(ours, theirs, dtype, bounded) for theirs in references])
    if not same.all():
        bad = np.argwhere(~same)[:4]
        shown = "; ".join(
            f"at {_point(inputs, ours.shape, i)}: nnlearn {ours[tuple(i)]!r}, PyTorch "
            f"{' or '.join(repr(r[tuple(i)]) for r in references)}" for i in bad
        )
        pytest.fail(f"{what}: {int((~same).sum())} of {same.size} differ; {shown}")


def _point(inputs, shape, index) -> str:
    """The inputs at ``index`` of the output, where they have its shape; else the index."""
    try:
        return str(tuple(np.broadcast_to(x, shape)[tuple(index)] for x in inputs))
    except ValueError:
        return f"index {tuple(int(i) for i in index)}"


def run(backend, f, arrays, differentiate) -> list[np.ndarray]:
    """``f(backend, *leaves)``: [its value, the gradients of the leaves ``differentiate``]
    for the seed :func:`cotangent`, as arrays (zeros where no gradient flows)."""
    if backend is NL:
        leaves = [nl.tensor(a, requires_grad=i in differentiate) for i, a in enumerate(arrays)]
    else:
        leaves = [torch.tensor(a, requires_grad=i in differentiate) for i, a in enumerate(arrays)]
    with np.errstate(all="ignore"):
        out = f(backend, *leaves)
        seed = cotangent(out.shape)
        if out.requires_grad:
            out.backward(seed.astype(out.dtype) if backend is NL
                         else torch.from_numpy(seed).to(out.dtype))
    results = [out.data if backend is NL else out.detach().numpy()]
    for i in differentiate:
        grad = leaves[i].grad
        if grad is None:
            grad = np.zeros(leaves[i].shape, np.asarray(arrays[i]).dtype)
        results.append(grad if isinstance(grad, np.ndarray) else grad.numpy())
    return results


def torch_references(compute, arrays, dtype) -> list[list[np.ndarray]]:
    """PyTorch's results ``compute(arrays)`` (a list of arrays); in float32 also its results
    on the arrays in float64, rounded to float32: nnlearn may be more accurate than
    PyTorch's float32 kernels (its sigmoid keeps the subnormal tail e^x below x = −88.7,
    where PyTorch's 1/(1 + e^(−x)) overflows to 0), never less accurate than both."""
    references = [compute(arrays)]
    if dtype == np.float32:
        wide = [a.astype(np.float64) if a.dtype == np.float32 else a for a in arrays]
        with np.errstate(over="ignore"):
            references.append([r.astype(dtype) for r in compute(wide)])
    return references


def assert_matches_torch_specially(f, arrays, dtype, what, differentiate=None,
                                   elementwise=False, bounded=()):
    """Values and gradients of ``f(B, *leaves)`` at special values, nnlearn against PyTorch
    (with the course's conventions, :data:`TORCH_COURSE`).

    The signs of zero values are compared for ``elementwise`` functions, where IEEE 754
    defines them (tanh(−0) = −0, relu(−0) = −0); not for sums, products and losses, whose
    zero's sign depends on the order of the terms, nor for gradients (PyTorch's MSE gives
    the target +0 where the autograd of (h − y)² gives −0). The gradients of the leaves
    in ``bounded`` are compared as :func:`assert_same_values` says.
    """
    differentiate = range(len(arrays)) if differentiate is None else tuple(differentiate)
    ours = run(NL, f, arrays, differentiate)
    references = torch_references(lambda xs: run(TORCH_COURSE, f, xs, differentiate), arrays,
                                  dtype)
    assert_same_values(ours[0], [r[0] for r in references], dtype, f"{what}: value", arrays,
                       signed_zeros=elementwise)
    for k, (leaf, result) in enumerate(zip(differentiate, ours[1:], strict=True), start=1):
        assert_same_values(result, [r[k] for r in references], dtype, f"{what}: gradient {leaf}",
                           arrays, bounded=leaf in bounded)


# ----- the deliberate differences, each with its reason ----------------------------------
def linear_piece_at_zero(f):
    """``f`` with the course's derivative at its kink: the course's table takes the linear
    piece at 0 (f'(0) = 1 for the ReLU family, "x ≥ 0"), PyTorch the other one (0 for ReLU,
    the slope for leaky ReLU and PReLU, α for ELU). Written in PyTorch: x itself at ±0."""
    return lambda x, *args, **options: torch.where(x == 0, x, f(x, *args, **options))


def tie_to_first(f):
    """``maximum``/``minimum`` with the course's choice at a tie (a = b, ±0 included): the
    whole gradient goes to a, as the course's ReLU takes f'(0) = 1; PyTorch splits it."""
    return lambda a, b: torch.where(a == b, a, f(a, b))


class Expm1KeepingTheTail(torch.autograd.Function):
    """e^x − 1 with the derivative e^x. PyTorch's expm1 differentiates as (e^x − 1) + 1,
    which cancels to 0 below x ≈ −37 (float64) or −17 (float32) where e^x is not 0;
    nnlearn keeps the tail (ELU's derivative αe^x, 1.9e-22 at x = −50, needs it)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.expm1(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * torch.exp(x)


#: Softplus: PyTorch returns x itself above its threshold of 20 (and a gradient of 1),
#: off by e^(−x), 2e-9 at x = 20 in float64; nnlearn computes log(1 + e^x) to the last
#: digit. Compared with PyTorch's softplus at the threshold where that switch is exact in
#: float64: e^(−37) is below half a unit in the last place of 37.
SOFTPLUS_EXACT_THRESHOLD = 37.0

#: The activations whose kink is at 0, compared with :func:`linear_piece_at_zero`.
KINK_AT_ZERO = {"relu", "leaky_relu", "prelu", "elu"}

#: PyTorch with the course's conventions, for the primitives.
TORCH_COURSE = SimpleNamespace(**{
    **vars(TORCH),
    "relu": linear_piece_at_zero(torch.relu),
    "expm1": Expm1KeepingTheTail.apply,
    "softplus": lambda x: F.softplus(x, threshold=SOFTPLUS_EXACT_THRESHOLD),
    "linear_relu": lambda x, w, b=None: linear_piece_at_zero(torch.relu)(TORCH.linear(x, w, b)),
    "maximum": tie_to_first(TORCH.maximum),
    "minimum": tie_to_first(TORCH.minimum),
})


def torch_activation(activation):
    """PyTorch's counterpart of ``activation`` (its options bound), with the exceptions."""
    if activation.name == "softplus":
        return TORCH_COURSE.softplus
    reference = TORCH_ACTIVATIONS[activation.name]
    if activation.name in KINK_AT_ZERO:
        reference = linear_piece_at_zero(reference)
    return lambda x: reference(x, **activation.options)


# ----- activations -------------------------------------------------------------------------
def test_every_activation_has_a_pytorch_counterpart():
    assert set(ACTIVATIONS) <= set(TORCH_ACTIVATIONS), set(ACTIVATIONS) - set(TORCH_ACTIVATIONS)


def _activation_input(activation, dtype):
    if activation.elementwise:
        return in_blocks(special_values(dtype))
    return rows(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ACTIVATION_VARIANTS)
def test_activation_values_and_gradients_match_torch(name, dtype):
    activation = ACTIVATION_VARIANTS[name]
    reference = torch_activation(activation)
    assert_matches_torch_specially(
        lambda B, x: activation(x) if B is NL else reference(x),
        [_activation_input(activation, dtype)], dtype, name, elementwise=activation.elementwise,
        bounded=() if activation.elementwise else (0,),
    )


def torch_derivative(reference, x: np.ndarray) -> np.ndarray:
    """PyTorch's derivative of an elementwise function (the gradient of its sum), or the
    Jacobian of a function along the last axis, of shape x.shape + (x.shape[-1],)."""
    leaf = torch.tensor(x, requires_grad=True)
    out = reference(leaf)
    if not out.requires_grad:  # no derivative is defined: no gradient flows
        return np.zeros(x.shape + (x.shape[-1:] if out.shape != x.shape else ()), x.dtype)
    if out.ndim == 0 or x.ndim < 2:
        (grad,) = torch.autograd.grad(out.sum(), leaf)
        return grad.numpy()
    columns = [torch.autograd.grad(out[..., j].sum(), leaf, retain_graph=True)[0]
               for j in range(x.shape[-1])]
    return torch.stack(columns, dim=-2).numpy()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ACTIVATION_VARIANTS)
def test_activation_closed_form_derivative_matches_torch(name, dtype):
    activation = ACTIVATION_VARIANTS[name]
    x = _activation_input(activation, dtype)
    with np.errstate(all="ignore"):
        ours = activation.derivative(x)
    references = torch_references(
        lambda xs: [torch_derivative(torch_activation(activation), *xs)], [x], dtype)
    assert_same_values(ours, [r[0] for r in references], dtype, f"{name}.derivative",
                       [x if x.ndim == 1 else x[..., None]], bounded=not activation.elementwise)


@pytest.mark.parametrize("name", ["relu", "leaky_relu(0.2)", "prelu(0.6)", "elu(0.5)"])
def test_the_kink_exception_is_the_course_value(name):
    f = ACTIVATION_VARIANTS[name]
    zeros = np.array([0.0, -0.0])
    np.testing.assert_array_equal(f.derivative(zeros), [1.0, 1.0])
    np.testing.assert_array_equal(nl.grad(lambda x: f(x).sum())(zeros), [1.0, 1.0])


# ----- losses ------------------------------------------------------------------------------
PROBABILITIES = [0.0, -0.0, 1.0, 0.5, 1e-300, 5e-324, 1 - 2**-53, 2**-53, 0.999]


def _probabilities(dtype):
    values = np.array(PROBABILITIES, dtype=np.float64).astype(dtype)
    return values[(values >= 0) & (values <= 1)]


def _logits_and_probabilities(dtype):
    z, t = np.array(list(itertools.product(special_values(dtype), _probabilities(dtype))),
                    dtype=dtype).T
    return in_blocks(z), in_blocks(t, fill=0.25)


def _probability_pair(dtype):
    h, t = np.array(list(itertools.product(_probabilities(dtype), repeat=2)), dtype=dtype).T
    return in_blocks(h, fill=0.5), in_blocks(t, fill=0.25)


def _logit_rows_and_labels(dtype):
    z = rows(dtype)
    return z, np.arange(len(z)) % 3


def _logit_rows_and_probabilities(dtype):
    z = rows(dtype)
    soft = np.array([[0.0, 1.0, 0.0], [0.25, 0.0, 0.75], [1 / 3, 1 / 3, 1 / 3]], dtype=dtype)
    return z, soft[np.arange(len(z)) % 3]


#: loss -> [(inputs builder, the inputs differentiated, those of bounded gradients)]. The
#: cross-entropy's targets are constants in nnlearn, so they are in the sweep.
LOSS_SWEEPS = {
    "zero_one": [(pairs, (), ())],
    "quadratic": [(pairs, (0, 1), ())],
    "mse": [(pairs, (0, 1), ())],
    "half_squared_error": [(pairs, (0, 1), ())],
    "bce": [(_probability_pair, (0, 1), ())],
    "bce_with_logits": [(_logits_and_probabilities, (0, 1), (0,))],
    "cross_entropy": [(_logit_rows_and_labels, (0,), (0,)),
                      (_logit_rows_and_probabilities, (0,), (0,))],
}


def test_every_loss_is_swept():
    assert set(LOSSES) == set(LOSS_SWEEPS) and set(LOSSES) <= set(TORCH_LOSSES)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("reduction", ["none", "mean"])
def test_loss_values_and_gradients_match_torch(name, reduction, dtype):
    ours, theirs = LOSSES.get(name), TORCH_LOSSES[name]
    for build, differentiate, bounded in LOSS_SWEEPS[name]:
        assert_matches_torch_specially(
            lambda B, h, y: (ours if B is NL else theirs)(h, y, reduction=reduction),
            list(build(dtype)), dtype, f"{name} ({build.__name__}, {reduction})",
            differentiate=differentiate, bounded=bounded,
        )


@pytest.mark.parametrize("name", ["bce", "bce_with_logits", "cross_entropy"])
def test_probabilities_outside_zero_one_are_refused(name):
    """A NaN (or out-of-range) probability is refused with a ValueError naming it, as
    PyTorch's BCE refuses it (a RuntimeError). A deliberate difference for the
    BCE-with-logits and cross-entropy targets, where PyTorch lets a NaN make the loss NaN:
    a target is data, and NaN data is an error to report, not a loss."""
    loss = LOSSES.get(name)
    logits_like = np.zeros((2, 3))
    for bad in (np.nan, 1.5, -0.5):
        target = np.full((2, 3), bad)
        with pytest.raises(ValueError, match="target must hold probabilities in"):
            loss(logits_like if name != "bce" else np.full((2, 3), 0.5), target)
    if name == "bce":
        with pytest.raises(ValueError, match="prediction must hold probabilities in"):
            loss(np.full(3, np.nan), np.zeros(3))
        for prediction, target in [(np.nan, 0.0), (0.5, np.nan)]:  # PyTorch, too
            with pytest.raises(RuntimeError, match="should be between 0 and 1"):
                F.binary_cross_entropy(torch.full((3,), prediction), torch.full((3,), target))


# ----- the primitives ------------------------------------------------------------------------
def _unary(name):
    return lambda B, x: getattr(B, name)(x)


def _vector(dtype):
    return [in_blocks(special_values(dtype))]


def _pair_operands(dtype):
    return list(pairs(dtype))


def _row_operands(dtype):
    return [rows(dtype)]


# Products: the constant factors are 0 and ±1, so that every product is exact. Where a
# product overflows, NumPy's BLAS and PyTorch's round differently, both correctly: a fused
# multiply-add gives inf · 1 + (−1e308) · 3 = inf (−3e308 is not rounded to −inf before
# the sum), separate roundings give inf − inf = NaN.
def _matrix_and_weights(dtype):
    weights = np.array([[1.0, 0.0, -1.0, 1.0], [1.0, -1.0, 0.0, -1.0]], dtype=dtype)
    return [np.stack(pairs(dtype), axis=1), weights, np.array([0.5, -1.0, 0.0, 2.0], dtype)]


def _weights_of_specials(dtype):
    a, b = pairs(dtype)
    x = np.array([[1.0, 0.0], [0.0, -1.0], [1.0, 1.0], [-1.0, 1.0]], dtype=dtype)
    return [x, np.stack([a, b]), b]


def round_trip(B, x):
    """x converted to the other floating type and back (1e308 → inf, subnormals → 0)."""
    other = np.float32 if x.dtype in (np.float64, torch.float64) else np.float64
    if B is NL:
        return x.astype(other).astype(x.dtype)
    return x.to(getattr(torch, np.dtype(other).name)).to(x.dtype)


MASK = np.resize([True, False, False, True, True], len(pairs(np.float64)[0]))  # for where

#: primitive -> (f(B, *leaves), inputs builder)
PRIMITIVES = {
    **{name: (_unary(name), _vector) for name in [
        "exp", "expm1", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "softplus",
        "arctan", "relu"]},
    "negative": (lambda B, x: -x, _vector),
    "astype": (lambda B, x: round_trip(B, x), _vector),
    "add": (lambda B, a, b: a + b, _pair_operands),
    "subtract": (lambda B, a, b: a - b, _pair_operands),
    "multiply": (lambda B, a, b: a * b, _pair_operands),
    "divide": (lambda B, a, b: a / b, _pair_operands),
    "power": (lambda B, a, b: a**b, _pair_operands),
    "power_constant": (lambda B, x: x**2.5 + x**2 + x**0 + x**-1.0, _vector),
    "maximum": (lambda B, a, b: B.maximum(a, b), _pair_operands),
    "minimum": (lambda B, a, b: B.minimum(a, b), _pair_operands),
    "maximum_zero": (lambda B, x: B.maximum(x, 0.0) + B.minimum(x, 0.0), _vector),
    "where": (lambda B, a, b: B.where(B.const(MASK), a, b), _pair_operands),
    "clip": (lambda B, x: B.clip(x, -1.0, 2.0), _vector),
    "matmul": (lambda B, x, w, b: B.matmul(x, w), _matrix_and_weights),
    "matmul_weights": (lambda B, x, w, b: B.matmul(x, w), _weights_of_specials),
    "linear": (lambda B, x, w, b: B.linear(x, w, b), _matrix_and_weights),
    "linear_weights": (lambda B, x, w, b: B.linear(x, w, b), _weights_of_specials),
    "linear_relu": (lambda B, x, w, b: B.linear_relu(x, w, b), _matrix_and_weights),
    "linear_relu_weights": (lambda B, x, w, b: B.linear_relu(x, w, b), _weights_of_specials),
    "sum": (lambda B, x: B.sum(x, -1) + B.sum(x, 0, keepdims=True).sum(), _row_operands),
    "mean": (lambda B, x: B.mean(x, -1), _row_operands),
    "max": (lambda B, x: B.max(x, -1), _row_operands),
    "min": (lambda B, x: B.min(x, -1, keepdims=True), _row_operands),
    "logsumexp": (lambda B, x: B.logsumexp(x, -1), _row_operands),
    "log_softmax": (lambda B, x: B.log_softmax(x, -1), _row_operands),
    "softmax": (lambda B, x: B.softmax(x, -1), _row_operands),
    "softmax_cross_entropy": (
        lambda B, z: B.softmax_cross_entropy(z, B.const(np.arange(len(z)) % 3), "none"),
        _row_operands,
    ),
    "broadcast_to": (lambda B, x: B.broadcast_to(x, (2, *x.shape)), _vector),
    "reshape": (lambda B, x: B.reshape(x, (-1, 8)), _vector),
    "transpose": (lambda B, x: B.transpose(x, (1, 0)), _row_operands),
    "getitem": (lambda B, x: x[:, B.const(np.array([0, 2, 2, 1]))], _row_operands),
    "concatenate": (lambda B, a, b: B.concatenate([a, b, a]), _pair_operands),
    "stack": (lambda B, a, b: B.stack([a, b], -1), _pair_operands),
}


#: The primitives whose zeros' signs IEEE 754 defines (maximum and minimum leave the sign
#: of max(−0, +0) open, and PyTorch's own kernels differ on it).
ELEMENTWISE_PRIMITIVES = {
    "exp", "expm1", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "softplus",
    "arctan", "relu", "negative", "astype", "add", "subtract", "multiply", "divide", "power",
    "power_constant", "where", "clip",
}


#: The primitives whose Jacobian's entries are at most 1 in magnitude.
BOUNDED_PRIMITIVES = {"logsumexp", "log_softmax", "softmax", "softmax_cross_entropy"}


def test_every_primitive_is_swept():
    exported = {name for name in nl.autodiff.__all__
                if inspect.getmodule(getattr(nl.autodiff, name)) in (ops, logits)}
    assert exported <= set(PRIMITIVES), exported - set(PRIMITIVES)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", PRIMITIVES)
def test_primitive_values_and_gradients_match_torch(name, dtype):
    f, build = PRIMITIVES[name]
    assert_matches_torch_specially(f, build(dtype), dtype, name,
                                   elementwise=name in ELEMENTWISE_PRIMITIVES,
                                   bounded=(0,) if name in BOUNDED_PRIMITIVES else ())


# ----- the cases reported in issue 10, by name -------------------------------------------------
def _torch_derivative_at(f, value):
    x = torch.full((BLOCK,), value, dtype=torch.float64, requires_grad=True)  # vectorized body
    f(x).sum().backward()
    return x.grad[0].item()


def test_the_reported_cases_are_as_pytorch():
    nan, inf = np.nan, np.inf
    elu = nl.activations.get("elu")
    assert np.isnan(elu(np.array([nan]))[0]) and np.isnan(F.elu(torch.tensor(nan)).item())
    assert np.isnan(elu.derivative(np.array([nan]))[0])
    assert np.isnan(_torch_derivative_at(F.elu, nan))
    for op in (nl.maximum, nl.minimum):
        assert np.isnan(op(np.array([nan]), 0.0).data[0])
    assert nl.logsumexp(np.array([inf, -inf])).item() == inf
    assert torch.logsumexp(torch.tensor([inf, -inf]), 0).item() == inf
    # The tail e^x of ELU's derivative: 1.9e-22 at x = −50 (f(x) + α cancels to 0 there);
    # at x = −800, e^x is below the smallest subnormal, and 0 in PyTorch too.
    for x in (-50.0, -800.0):
        assert elu.derivative(np.array([x]))[0] == _torch_derivative_at(F.elu, x)
    assert elu.derivative(np.array([-50.0]))[0] == pytest.approx(1.9287498479639178e-22)
    for name in ("softmax", "log_softmax"):
        derivative = nl.activations.get(name).derivative(np.array(0.7))
        assert derivative.shape == () and derivative == 0.0
