"""Activations: closed-form derivatives, autodiff and finite differences agree; torch values."""

import warnings

import numpy as np
import pytest
import torch
from conftest import ACTIVATION_VARIANTS, TORCH_ACTIVATIONS, assert_close

import nnlearn as nl
from nnlearn.activations import ACTIVATIONS

# Away from the kinks at 0, where finite differences straddle two pieces.
X = np.array([[-3.1, -1.2, -0.4, 0.3], [0.9, 2.2, -0.05, 4.0]])
STEP = 1e-6


def central_differences(f, x):
    """∂f(x)_i/∂x_j ≈ (f(x + h e_j) − f(x − h e_j)) / 2h, of shape f(x).shape + x.shape."""
    fx = f(x)
    jac = np.zeros(fx.shape + x.shape)
    for j in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[j] = STEP
        jac[(..., *j)] = (f(x + e) - f(x - e)) / (2 * STEP)
    return jac


def per_row_blocks(jac):
    """The Jacobians of the rows of a row-wise function: J[i, :, i, :] for each row i."""
    rows = np.arange(jac.shape[0])
    return jac[rows, :, rows, :]


@pytest.mark.parametrize("name", ACTIVATION_VARIANTS)
def test_derivative_closed_form_autodiff_finite_differences(name):
    f = ACTIVATION_VARIANTS[name]
    closed = f.derivative(X)
    if f.elementwise:
        assert closed.shape == X.shape
        autodiff = nl.grad(lambda x: f(x).sum())(X)
        numeric = np.einsum("ijij->ij", central_differences(f, X))
    else:
        assert closed.shape == (*X.shape, X.shape[-1])
        autodiff = per_row_blocks(nl.jacobian(f)(X))
        numeric = per_row_blocks(central_differences(f, X))
        # a single vector: the Jacobian of shape (n, n)
        np.testing.assert_allclose(f.derivative(X[0]), nl.jacobian(f)(X[0]), rtol=1e-12)
    np.testing.assert_allclose(closed, autodiff, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(closed, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "prelu", "elu", "step", "identity"])
def test_derivative_at_the_kink_follows_the_course_table(name):
    f = nl.activations.get(name)
    autodiff = nl.grad(lambda x: f(x).sum())(np.zeros(1))
    np.testing.assert_array_equal(f.derivative(np.zeros(1)), autodiff)
    expected = 0.0 if name == "step" else 1.0  # f'(0) = 1 for the ReLU family
    np.testing.assert_array_equal(autodiff, [expected])


def test_every_key_and_alias_round_trips_through_get():
    assert len(ACTIVATIONS) >= 12
    for name in ACTIVATIONS:
        f = nl.activations.get(name)
        assert f.name == name
        assert ACTIVATIONS.canonical(name) == name
    aliases = ACTIVATIONS.aliases()
    assert {"linear", "logistic", "binary_step"} <= set(aliases)
    for alias, name in aliases.items():
        assert nl.activations.get(alias) is nl.activations.get(name)
    assert nl.activations.get(None).name == "identity"
    relu = nl.activations.get("relu")
    assert nl.activations.get(relu) is relu


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"unknown activation 'swish'; expected one of .*tanh"):
        nl.activations.get("swish")


def test_bind_with_an_unknown_option_is_a_clear_error():
    with pytest.raises(TypeError, match=r"'elu' takes no parameter\(s\) \['beta'\]; it takes"):
        nl.activations.get("elu").bind(beta=2.0)
    with pytest.raises(TypeError, match=r"'tanh' takes no parameter.*it takes none"):
        nl.activations.get("tanh", alpha=1.0)


def test_bound_options_are_used_and_the_registry_is_untouched():
    elu = nl.activations.get("elu", alpha=0.5)
    assert elu([-np.inf])[0] == -0.5
    assert nl.activations.get("elu")([-np.inf])[0] == -1.0
    assert repr(elu) == "Activation('elu', alpha=0.5)"


EXTREMES = np.array([-1e4, -710.0, -100.0, -1.0, -1e-8, 0.0, 1e-8, 1.0, 100.0, 710.0, 1e4])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_no_overflow_for_large_inputs(name, dtype):
    f = nl.activations.get(name)
    x = EXTREMES.astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            value = f(x)
            derivative = f.derivative(x)
            gradient = nl.grad(lambda t: f(t).sum())(x)
    for result in (value, derivative, gradient):
        assert result.dtype == dtype
        assert np.all(np.isfinite(result))


def test_course_softmax_example():
    # The lecture's worked example: softmax(2.33, −1.46, 0.56).
    s = nl.activations.get("softmax")([2.33, -1.46, 0.56])
    np.testing.assert_allclose(s, [0.83827314, 0.01894129, 0.14278557], atol=5e-9)
    assert s.sum() == pytest.approx(1.0)


@pytest.mark.parametrize(("dtype", "rtol"), [(np.float64, 1e-12), (np.float32, 1e-6)])
@pytest.mark.parametrize("name", ACTIVATION_VARIANTS)
def test_values_equal_torch(name, dtype, rtol):
    x = np.concatenate([X.ravel(), EXTREMES[2:-2]]).reshape(3, 5).astype(dtype)
    f = ACTIVATION_VARIANTS[name]
    ours = f(x)
    theirs = TORCH_ACTIVATIONS[f.name](torch.from_numpy(x), **f.options).numpy()
    assert ours.dtype == dtype
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=1e-30)


def test_tensor_in_tensor_out_array_in_array_out():
    f = nl.activations.get("tanh")
    x = nl.tensor([0.5, -0.5], requires_grad=True)
    y = f(x)
    assert isinstance(y, nl.Tensor) and y.requires_grad
    assert isinstance(f([0.5]), np.ndarray)
    assert_close(f([0.5, -0.5]), y.data)


@pytest.mark.parametrize("name", sorted(nl.activations.ACTIVATIONS))
def test_every_activation_maps_r_n_to_r_n(name):
    """σ : R^n → R^n: the output has the input's shape, for vectors and batches."""
    f = nl.activations.get(name)
    for shape in [(5,), (3, 5)]:
        x = np.random.default_rng(1).normal(size=shape)
        assert f(x).shape == shape
        assert f(nl.tensor(x)).shape == shape
