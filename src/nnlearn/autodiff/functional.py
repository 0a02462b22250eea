"""Derivatives as functions: grad, value_and_grad, jacobian, hessian, hvp, gradcheck.

These take a Python function of arrays (or tensors) and return a new function, as in
JAX. Given arrays they return arrays; given tensors that are themselves being
differentiated they return tensors, recorded, so they nest: ``hessian(f)`` is
``jacobian(grad(f))``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nnlearn.autodiff import ops
from nnlearn.autodiff.backprop import backpropagate, seed_gradient
from nnlearn.autodiff.tensor import Tensor, is_grad_enabled, set_grad_enabled
from nnlearn.checks import check_real_array
from nnlearn.equations import implements

Argnums = int | Sequence[int]


def gradients(
    output: Tensor,
    inputs: Sequence[Tensor],
    seed: Any = None,
    create_graph: bool = False,
) -> list[Tensor]:
    """∂output/∂input for each input (like ``torch.autograd.grad``).

    Parameters
    ----------
    output : Tensor
    inputs : sequence of Tensor
    seed : array_like, optional
        ∂L/∂output; defaults to 1 for a single-value output.
    create_graph : bool, default False
        Record the computation so that the gradients can be differentiated again.

    Returns
    -------
    list of Tensor
        One per input, of the input's shape; zeros for an input the output does not use.
    """

    for i, t in enumerate(inputs):
        if not t.requires_grad:
            raise ValueError(f"gradients: input {i} does not require grad, so it has no gradient")
    if not output.requires_grad:
        return [Tensor(np.zeros_like(t.data)) for t in inputs]
    found = backpropagate(output, seed_gradient(output, seed, "seed"), inputs, create_graph)
    return [found.get(t, Tensor(np.zeros_like(t.data))) for t in inputs]


def _watch(x: Any, k: int) -> tuple[Tensor, bool]:
    """A tensor to differentiate with respect to (argument ``k``: real numbers, else a
    TypeError), and whether we are nested in another differentiation."""
    if isinstance(x, Tensor) and x.requires_grad and is_grad_enabled():
        return ops.astype(x, x.dtype), True  # a fresh node, still connected to the outer graph
    return Tensor(check_real_array(x, f"argument {k}", finite=False), requires_grad=True), False


def _argnums(argnums: Argnums, n_args: int) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for k in nums:
        if not -n_args <= k < n_args:
            raise ValueError(f"argnums {k} is out of range for a call with {n_args} argument(s)")
    return tuple(k % n_args for k in nums)


def _unwrap(x: Tensor, nested: bool) -> Any:
    return x if nested else x.data


def value_and_grad(f: Callable[..., Any], argnums: Argnums = 0) -> Callable[..., Any]:
    """A function returning ``(f(*args), ∇f)`` with respect to the arguments ``argnums``.

    ``f`` must return a single value (a scalar). The gradient is an array of the
    argument's shape, or a tuple of them when ``argnums`` is a sequence.

    Examples
    --------
    >>> import nnlearn as nl
    >>> value, g = nl.value_and_grad(lambda x: (x ** 2).sum())([1.0, 2.0])
    >>> float(value), g
    (5.0, array([2., 4.]))
    """

    @functools.wraps(f)
    def wrapped(*args: Any) -> tuple[Any, Any]:
        nums = _argnums(argnums, len(args))
        args_list = list(args)
        nested = False
        for k in nums:
            args_list[k], inner = _watch(args_list[k], k)
            nested |= inner
        with set_grad_enabled(True):
            out = ops.lift(f(*args_list))
        if out.size != 1:
            raise ValueError(
                f"grad: the function must return a single value, got shape {out.shape}; "
                "use jacobian for vector-valued functions"
            )
        found = gradients(out, [args_list[k] for k in nums], create_graph=nested)
        grads = tuple(_unwrap(g, nested) for g in found)
        return _unwrap(out, nested), grads[0] if isinstance(argnums, int) else grads

    return wrapped


@implements(
    "gradient_of_the_performance_surface",
    test="tests/test_second_order.py::test_gradient_of_the_performance_surface",
)
def grad(f: Callable[..., Any], argnums: Argnums = 0) -> Callable[..., Any]:
    """The gradient ∇f = (∂f/∂θ_1, ..., ∂f/∂θ_D) as a function.

    Examples
    --------
    >>> import nnlearn as nl
    >>> nl.grad(lambda w: (w ** 3).sum())([1.0, 2.0])
    array([ 3., 12.])
    """
    value_and_gradient = value_and_grad(f, argnums)

    @functools.wraps(f)
    def wrapped(*args: Any) -> Any:
        return value_and_gradient(*args)[1]

    return wrapped


def jacobian(f: Callable[..., Any], argnums: int = 0) -> Callable[..., Any]:
    """The Jacobian ∂f_i/∂x_j as a function, of shape ``f(x).shape + x.shape``.

    Computed in reverse mode, one backward pass per output value.

    Examples
    --------
    >>> import nnlearn as nl
    >>> nl.jacobian(lambda x: x * x)([1.0, 3.0])
    array([[2., 0.],
           [0., 6.]])
    """

    @functools.wraps(f)
    def wrapped(*args: Any) -> Any:
        (k,) = _argnums(argnums, len(args))
        args_list = list(args)
        x, nested = _watch(args_list[k], k)
        args_list[k] = x
        with set_grad_enabled(True):
            out = ops.lift(f(*args_list))
        rows = []
        for i in range(out.size):
            seed = np.zeros(out.size, dtype=out.dtype)
            seed[i] = 1
            (row,) = gradients(out, [x], seed.reshape(out.shape), create_graph=nested)
            rows.append(row)
        if not rows:
            return np.zeros(out.shape + x.shape, dtype=x.dtype)
        jac = ops.stack(rows).reshape(out.shape + x.shape)
        return _unwrap(jac, nested)

    return wrapped


def hessian(f: Callable[..., Any], argnums: int = 0) -> Callable[..., Any]:
    """The exact Hessian ∂²f/∂x_i∂x_j of a scalar function: ``jacobian(grad(f))``.

    Examples
    --------
    >>> import nnlearn as nl
    >>> nl.hessian(lambda x: x[0] ** 2 * x[1])([1.0, 2.0])
    array([[4., 2.],
           [2., 0.]])
    """
    return jacobian(grad(f, argnums), argnums)


def hvp(f: Callable[[Any], Any]) -> Callable[[Any, Any], Any]:
    """The Hessian-vector product ``(x, v) -> H_f(x) v`` without forming H.

    One backward pass through ``grad(f)(x) · v``.

    Examples
    --------
    >>> import nnlearn as nl
    >>> nl.hvp(lambda x: (x ** 3).sum())([1.0, 2.0], [1.0, 1.0])
    array([ 6., 12.])
    """

    def product(x: Any, v: Any) -> Any:
        return grad(lambda y: (grad(f)(y) * ops.lift(v, y, "hvp")).sum())(x)

    return product


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with central differences."""


def gradcheck(
    f: Callable[..., Any],
    *inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-4,
) -> bool:
    """Check every input's Jacobian against central differences, in float64.

    ∂f_i/∂x_j ≈ (f(x + ε e_j) − f(x − ε e_j)) / 2ε.

    Returns ``True``, or raises :class:`GradcheckError` naming the input, the element,
    and the analytic and numeric values of the worst mismatch.

    Examples
    --------
    >>> import nnlearn as nl
    >>> nl.gradcheck(lambda x, y: (x * y).sum(), [1.0, 2.0], [3.0, 4.0])
    True
    """
    xs = [check_real_array(x, f"gradcheck: input {k}", dtype=np.float64).copy()
          for k, x in enumerate(inputs)]
    for k, x in enumerate(xs):
        analytic = np.asarray(jacobian(f, k)(*xs))
        numeric = np.zeros_like(analytic)
        out_shape = analytic.shape[: analytic.ndim - x.ndim]
        for j in np.ndindex(x.shape):
            shifted = [a.copy() for a in xs]
            shifted[k][j] += eps
            up = np.asarray(ops.lift(f(*shifted)).data, dtype=np.float64)
            shifted[k][j] -= 2 * eps
            down = np.asarray(ops.lift(f(*shifted)).data, dtype=np.float64)
            numeric[(*(slice(None),) * len(out_shape), *j)] = (up - down) / (2 * eps)
        error = np.abs(analytic - numeric) - (atol + rtol * np.abs(numeric))
        if error.size and error.max() > 0:
            where = np.unravel_index(int(np.argmax(error)), error.shape)
            element = where[len(out_shape) :]
            raise GradcheckError(
                f"gradcheck: input {k}, element {tuple(map(int, element))} (output "
                f"{tuple(map(int, where[: len(out_shape)]))}): analytic {analytic[where]:.10g}, "
                f"numeric {numeric[where]:.10g}"
            )
    return True
