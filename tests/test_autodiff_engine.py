"""The engine's behaviour: dtypes, errors, long graphs, gradcheck, no_grad, accumulation."""

import re

import numpy as np
import pytest

import nnlearn as nl
from nnlearn.autodiff.ops import lift
from nnlearn.autodiff.tensor import record

F32 = np.float32


# ----- float32 stays float32 ---------------------------------------------------------
FLOAT32_CASES = {
    "scalar_operands": lambda x: (2.0 * x + 1 - x / 3.0) ** 2 + 0.5**x,
    "reflected_scalars": lambda x: 1.0 - 2.0 / (1.0 + x * x),
    "unaries": lambda x: nl.exp(x) + nl.tanh(x) + nl.sigmoid(x) + nl.softplus(x) + nl.arctan(x),
    "sqrt_log_abs": lambda x: nl.sqrt(nl.abs(x) + 1) + nl.log(x * x + 1),
    "reductions": lambda x: nl.mean(x, 0) * nl.max(x) + nl.sum(x, 1, keepdims=True),
    "selection": lambda x: nl.clip(x, -0.5, 0.5) + nl.maximum(x, 0.1) + nl.relu(x),
    "where_constant": lambda x: nl.where(x > 0, x, 0.25),
    "indexing": lambda x: x[[0, 0, 1]].sum(0) + x[:, 1:2],
    "shape": lambda x: nl.concatenate([x, x[:1]]) * nl.stack([x, x]).sum((0, 1)),
    "softmax": lambda x: nl.log_softmax(x) + nl.softmax(x, 0) + nl.logsumexp(x, keepdims=True),
    "matmul": lambda x: x @ x.T @ x,
    "linear": lambda x: nl.linear(x, np.ones((3, 2), F32), np.ones(2, F32)),
    "linear_python_bias": lambda x: nl.linear(x, x.T, [1.0, 2.0]),
    "cross_entropy": lambda x: nl.softmax_cross_entropy(x, [0, 2]),
}


@pytest.mark.parametrize("name", FLOAT32_CASES)
def test_float32_in_float32_values_and_gradients(name):
    x = nl.tensor(np.array([[0.3, -1.2, 0.8], [1.5, 0.1, -0.4]], dtype=F32), requires_grad=True)
    out = FLOAT32_CASES[name](x)
    assert out.dtype == F32
    out.backward(np.ones(out.shape, dtype=F32))
    assert x.grad.dtype == F32
    assert np.all(np.isfinite(x.grad))


def test_float32_second_derivatives_stay_float32():
    x = np.array([0.5, -1.0], dtype=F32)
    assert nl.hessian(lambda x: (x**3 * nl.tanh(x)).sum())(x).dtype == F32
    assert nl.grad(lambda x: nl.sigmoid(x).sum())(x).dtype == F32


def test_default_dtype_is_float64():
    assert nl.tensor([1, 2]).dtype == np.float64
    assert (nl.tensor([1.0]) * 2).dtype == np.float64


# ----- errors ------------------------------------------------------------------------
def test_backward_of_non_scalar_without_seed_is_a_clear_error():
    y = nl.tensor([1.0, 2.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"shape \(2,\) needs a seed gradient"):
        y.backward()


def test_backward_with_a_seed_of_the_wrong_shape_is_a_clear_error():
    y = nl.tensor([1.0, 2.0], requires_grad=True) * 2
    with pytest.raises(ValueError, match=r"seed gradient has shape \(3,\).*\(2,\)"):
        y.backward(np.ones(3))


def test_backward_on_tensor_not_requiring_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        (nl.tensor([1.0]) * 2).sum().backward()


def test_gradients_wrt_tensor_not_requiring_grad_raises():
    x, c = nl.tensor(1.0, requires_grad=True), nl.tensor(2.0)
    with pytest.raises(ValueError, match="input 1 does not require grad"):
        nl.gradients(x * c, [x, c])


def test_gradients_of_unused_input_are_zero():
    x, y = nl.tensor([1.0, 2.0], requires_grad=True), nl.tensor(3.0, requires_grad=True)
    gx, gy = nl.gradients((x * x).sum(), [x, y])
    np.testing.assert_array_equal(gx.data, [2.0, 4.0])
    np.testing.assert_array_equal(gy.data, 0.0)


def test_only_floating_tensors_require_grad():
    with pytest.raises(TypeError, match="only floating tensors can require grad"):
        nl.tensor([1, 2], dtype=np.int64, requires_grad=True)


@pytest.mark.parametrize(
    ("call", "op", "shapes"),
    [
        (lambda: nl.tensor(np.ones((2, 3))) + np.ones(4), "add", ["(2, 3)", "(4,)"]),
        (lambda: nl.tensor(np.ones((2, 3))) * np.ones((3, 2)), "multiply", ["(2, 3)", "(3, 2)"]),
        (lambda: nl.matmul(np.ones((2, 3)), np.ones((4, 5))), "matmul", ["(2, 3)", "(4, 5)"]),
        (lambda: nl.matmul(np.ones(3), np.ones(4)), "matmul", ["(1, 3)", "(4, 1)"]),
        (lambda: nl.linear(np.ones((5, 3)), np.ones((4, 2))), "linear", ["(5, 3)", "(4, 2)"]),
        (lambda: nl.linear(np.ones((5, 3)), np.ones((3, 2)), np.ones(3)), "linear", ["(3,)"]),
        (lambda: nl.reshape(np.ones((2, 3)), (4, 2)), "reshape", ["(2, 3)", "(4, 2)"]),
    ],
)
def test_shape_mismatch_errors_name_the_op_and_the_shapes(call, op, shapes):
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    assert message.startswith(f"{op}:"), message
    for shape in shapes:
        assert shape in message, message


def test_unknown_reduction_is_a_clear_error():
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none', got 'avg'"):
        nl.softmax_cross_entropy(np.zeros((2, 3)), [0, 1], reduction="avg")


# ----- long graphs -------------------------------------------------------------------
def test_ten_thousand_step_chain_backpropagates_without_recursion_error():
    steps = 10_000
    x0 = nl.tensor(0.5, requires_grad=True)
    x = x0
    for _ in range(steps):
        x = x * 1.0001 + 0.001
    x.backward()
    # x_n = a^n x_0 + b (a^n − 1)/(a − 1), so dx_n/dx_0 = a^n.
    np.testing.assert_allclose(x0.grad, 1.0001**steps, rtol=1e-10)
    expected = 1.0001**steps * 0.5 + 0.001 * (1.0001**steps - 1) / 0.0001
    np.testing.assert_allclose(x.data, expected, rtol=1e-9)


def test_long_chain_second_derivative():
    # f(x) = x^(2^12) by repeated squaring of x near 1; f'' = n(n−1) x^(n−2).
    def f(x):
        for _ in range(12):
            x = x * x
        return x.sum()

    n = 2**12
    x = np.array([1.0001])
    np.testing.assert_allclose(nl.hessian(f)(x), [[n * (n - 1) * x[0] ** (n - 2)]], rtol=1e-9)


# ----- gradcheck ---------------------------------------------------------------------
def test_gradcheck_passes_on_correct_gradients():
    rng = np.random.default_rng(3)
    a, w, b = rng.standard_normal((4, 3)), rng.standard_normal((3, 2)), rng.standard_normal(2)
    assert nl.gradcheck(lambda a, w, b: nl.tanh(nl.linear(a, w, b)), a, w, b)
    assert nl.gradcheck(lambda z: nl.softmax_cross_entropy(z, [0, 1, 1, 0]), a[:, :2])
    assert nl.gradcheck(lambda x: nl.logsumexp(x, 0) * nl.sqrt(x * x + 1).sum(), a)


def _sine_with_wrong_gradient(x):
    """sin x, recorded with the VJP of −cos x (wrong: it should be cos x)."""
    x = lift(x)
    return record(np.sin(x.data), (x, lambda g, out: g * lift(-np.cos(x.data))))


def test_gradcheck_names_the_input_element_and_both_values_of_a_wrong_gradient():
    a = np.array([0.1, 0.2])
    b = np.array([[0.3, -1.0], [0.7, 2.0]])
    with pytest.raises(nl.GradcheckError) as info:
        nl.gradcheck(lambda a, b: a.sum() * _sine_with_wrong_gradient(b), a, b)
    message = str(info.value)
    assert "input 1" in message
    element = tuple(int(i) for i in re.search(r"element \((\d+), (\d+)\)", message).groups())
    analytic = float(re.search(r"analytic (\S+),", message).group(1))
    numeric = float(re.search(r"numeric (\S+)$", message).group(1))
    scale = a.sum()
    assert analytic == pytest.approx(-scale * np.cos(b[element]), rel=1e-9)
    assert numeric == pytest.approx(scale * np.cos(b[element]), rel=1e-6)
    # the worst mismatch is where |2 cos b| is largest
    assert element == np.unravel_index(np.argmax(np.abs(np.cos(b))), b.shape)


# ----- recording ---------------------------------------------------------------------
def test_no_grad_records_nothing():
    w = nl.tensor([1.0, 2.0], requires_grad=True)
    with nl.no_grad():
        y = (w * 3).sum()
        assert not nl.autodiff.is_grad_enabled()
    assert nl.autodiff.is_grad_enabled()
    assert not y.requires_grad and y.is_leaf
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()
    assert w.grad is None


def test_no_grad_as_decorator_restores_recording_after_an_error():
    @nl.no_grad()
    def failing(w):
        raise KeyError(w)

    with pytest.raises(KeyError):
        failing(1)
    assert nl.autodiff.is_grad_enabled()


def test_gradient_accumulates_across_backward_calls():
    w = nl.tensor([1.0, -2.0], requires_grad=True)
    (w * w).sum().backward()
    first = w.grad.copy()
    (w * w).sum().backward()
    np.testing.assert_array_equal(first, [2.0, -4.0])
    np.testing.assert_array_equal(w.grad, 2 * first)


def test_a_tensor_used_twice_gets_both_contributions():
    x = nl.tensor(3.0, requires_grad=True)
    y = x * x
    (y + y * x).backward()  # d/dx (x² + x³) = 2x + 3x²
    assert x.grad == pytest.approx(2 * 3 + 3 * 9)


def test_detach_cuts_the_graph():
    x = nl.tensor(2.0, requires_grad=True)
    (x * x.detach()).backward()
    assert x.grad == pytest.approx(2.0)


# ----- plain arrays in -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: nl.relu([1.0, -1.0]), [1.0, 0.0]),
        (lambda: nl.maximum(np.array([1.0, 3.0]), 2.0), [2.0, 3.0]),
        (lambda: nl.where([True, False], 1.0, 2.0), [1.0, 2.0]),
        (lambda: nl.clip([-2.0, 0.5, 2.0], -1.0, 1.0), [-1.0, 0.5, 1.0]),
        (lambda: nl.linear([1.0, 2.0], np.eye(2), [0.5, 0.5]), [1.5, 2.5]),
    ],
)
def test_ops_accept_plain_arrays_and_scalars(call, expected):
    out = call()
    assert isinstance(out, nl.Tensor) and not out.requires_grad
    np.testing.assert_array_equal(out.data, expected)


def test_slice_gradients_accumulate_exactly_with_dense_ones():
    """Slices, repeated integer indices and dense uses of one tensor all sum correctly.

    First-order backward adds slice gradients into one buffer (SliceGradient); the
    recorded path (create_graph) builds full-size scatters: both must agree.
    """
    rng = np.random.default_rng(3)
    data = rng.normal(size=(4, 5))
    w = rng.normal(size=(4, 5))

    def f(x):
        parts = [x[:, n] * (n + 1) for n in range(5)]
        picked = x[np.array([0, 2, 2, 3])]  # row 2 twice
        return sum(p.sum() for p in parts) + (picked**2).sum() + (x * w).sum()

    x = nl.tensor(data, requires_grad=True)
    f(x).backward()
    expected = np.arange(1, 6)[None, :] + w
    expected[[0, 2, 3]] += 2 * data[[0, 2, 3]] * np.array([1, 2, 1])[:, None]
    np.testing.assert_allclose(x.grad, expected, rtol=1e-12)
    recorded = nl.gradients(f(y := nl.tensor(data, requires_grad=True)), [y], create_graph=True)
    np.testing.assert_allclose(recorded[0].data, expected, rtol=1e-12)


def test_grad_mode_switches_nest_and_restore():
    switch_off = nl.no_grad()
    with switch_off:
        with nl.set_grad_enabled(True):
            assert nl.is_grad_enabled()
        with switch_off:  # the same object, entered again
            assert not nl.is_grad_enabled()
        assert not nl.is_grad_enabled()
    assert nl.is_grad_enabled()

    @nl.no_grad()
    def depth(n):
        assert not nl.is_grad_enabled()
        return 0 if n == 0 else 1 + depth(n - 1)

    assert depth(3) == 3 and nl.is_grad_enabled()


# ----- refused inputs: complex numbers, None, objects, text ---------------------------
NOT_REAL = {
    "complex": (np.array([1.0 + 2.0j, 3.0]), r"must hold real numbers, got complex values"),
    "python_complex": (2j, r"must hold real numbers, got complex values"),
    "none": (None, r"must be an array of real numbers, got None"),
    "none_inside": ([1.0, None], r"must be an array of real numbers, got None or other objects"),
    "objects": (np.array([object()]), r"must be an array of real numbers, got None or other"),
    "text": (["1.5"], r"must be an array of real numbers, got text"),
}


@pytest.mark.parametrize("bad", NOT_REAL)
def test_tensor_refuses_what_is_not_real(bad):
    value, message = NOT_REAL[bad]
    with pytest.raises(TypeError, match=f"^data {message}"):
        nl.tensor(value)


def test_tensor_refuses_a_complex_dtype_and_keeps_nan_and_inf():
    with pytest.raises(TypeError, match=r"dtype must be a real type .* got complex128"):
        nl.tensor([1.0], dtype=np.complex128)
    x = nl.tensor([np.nan, np.inf, -np.inf])
    np.testing.assert_array_equal(x.data, [np.nan, np.inf, -np.inf])


@pytest.mark.parametrize("bad", NOT_REAL)
def test_seed_gradients_refuse_what_is_not_real(bad):
    value, message = NOT_REAL[bad]
    if value is None:  # no seed: 1 for a single value
        return
    x = nl.tensor(np.ones(np.shape(value)), requires_grad=True)
    with pytest.raises(TypeError, match=f"^gradient {message}"):
        (x * 2).backward(value)
    with pytest.raises(TypeError, match=f"^seed {message}"):
        nl.gradients(x * 2, [x], seed=value)


DERIVATIVE_FUNCTIONS = {
    "grad": lambda x: nl.grad(lambda t: (t * t).sum())(x),
    "value_and_grad": lambda x: nl.value_and_grad(lambda t: (t * t).sum())(x),
    "jacobian": lambda x: nl.jacobian(lambda t: t * t)(x),
    "hessian": lambda x: nl.hessian(lambda t: (t * t * t).sum())(x),
    "hvp": lambda x: nl.hvp(lambda t: (t * t * t).sum())(x, [1.0]),
}


@pytest.mark.parametrize("function", DERIVATIVE_FUNCTIONS)
@pytest.mark.parametrize("bad", NOT_REAL)
def test_derivative_functions_refuse_arguments_that_are_not_real(function, bad):
    value, message = NOT_REAL[bad]
    with pytest.raises(TypeError, match=f"^argument 0 {message}"):
        DERIVATIVE_FUNCTIONS[function](value)


@pytest.mark.parametrize("bad", NOT_REAL)
def test_hvp_and_gradcheck_refuse_what_is_not_real(bad):
    value, message = NOT_REAL[bad]
    with pytest.raises(TypeError, match=f"^the operand of hvp {message}"):
        nl.hvp(lambda t: (t * t * t).sum())([1.0], value)
    with pytest.raises(TypeError, match=f"^gradcheck: input 1 {message}"):
        nl.gradcheck(lambda a, b: a * b, [1.0], value)


def test_gradcheck_refuses_non_finite_points():
    with pytest.raises(ValueError, match=r"gradcheck: input 0 must be finite, got nan at index 1"):
        nl.gradcheck(lambda a: a * a, [1.0, np.nan])


def test_a_complex_function_value_is_refused():
    with pytest.raises(TypeError, match="must hold real numbers, got complex values"):
        nl.grad(lambda t: 1j)([1.0])


def _on_the_operand(name):
    return lambda x, c: getattr(nl, name)(c)


OPERATIONS = {
    "add": lambda x, c: x + c,
    "radd": lambda x, c: c + x,
    "subtract": lambda x, c: x - c,
    "multiply": lambda x, c: x * c,
    "divide": lambda x, c: c / x,
    "power": lambda x, c: x**c,
    "matmul": lambda x, c: x @ c,
    "maximum": lambda x, c: nl.maximum(x, c),
    "minimum": lambda x, c: nl.minimum(c, x),
    "where": lambda x, c: nl.where([True], x, c),
    "linear": lambda x, c: nl.linear(x, c),
    "concatenate": lambda x, c: nl.concatenate([x, c]),
    "stack": lambda x, c: nl.stack([c, x]),
    **{name: _on_the_operand(name) for name in [
        "exp", "expm1", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "softplus",
        "arctan", "relu", "sum", "mean", "max", "min", "logsumexp", "softmax", "log_softmax"]},
}


@pytest.mark.parametrize("op", OPERATIONS)
@pytest.mark.parametrize("bad", NOT_REAL)
def test_every_operation_refuses_operands_that_are_not_real(op, bad):
    value, message = NOT_REAL[bad]
    name = {"radd": "add"}.get(op, op)
    x = nl.tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match=f"^the operand of {name} {message}"):
        OPERATIONS[op](x, value)


def test_where_refuses_a_condition_that_is_not_real():
    with pytest.raises(TypeError, match="the condition of where must hold real numbers"):
        nl.where(np.array([1j]), 1.0, 2.0)
    with pytest.raises(TypeError, match="clip: low must be a real number, got 1j"):
        nl.clip([1.0], 1j, None)
