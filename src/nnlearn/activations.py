"""The activation functions of the course, each with its closed-form derivative.

Every activation ``f`` is an :class:`Activation`: ``f(x)`` evaluates it (on a Tensor,
recording for autodiff; on an array, returning an array) and ``f.derivative(x)``
evaluates the derivative from the course's table, independently of autodiff.

>>> import nnlearn as nl
>>> f = nl.activations.get("tanh")
>>> f([0.0, 1.0]).round(4), f.derivative([0.0, 1.0]).round(4)
(array([0.    , 0.7616]), array([1.  , 0.42]))
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.autodiff import logits, ops
from nnlearn.autodiff.tensor import Tensor, no_grad, tensor
from nnlearn.checks import check_real_array
from nnlearn.equations import implements
from nnlearn.registry import Registry

TEST = "tests/test_activations.py::test_derivative_closed_form_autodiff_finite_differences"


@implements("general_form_of_an_activation_function",
            test="tests/test_activations.py::test_every_activation_maps_r_n_to_r_n")
@dataclass(frozen=True)
class Activation:
    """An activation function σ with its closed-form derivative σ'.

    Attributes
    ----------
    name : str
        Its registry name.
    function : callable
        σ on Tensors, built from nnlearn's primitives (so autodiff differentiates it).
    closed_form : callable
        ``(x, f, **options) -> σ'(x)`` on arrays, where ``f = σ(x)``: the course's formula.
        Elementwise activations give an array of x's shape; softmax and log-softmax give
        the Jacobian, of shape ``x.shape + (x.shape[-1],)`` (``()`` for a 0-d x).
    equation : str
        Its key in the equation catalogue (``nnlearn.equations.CATALOGUE``).
    options : dict
        Bound parameters (α of ELU and PReLU, the slope of the leaky ReLU).
    elementwise : bool
        Whether σ acts on each value separately.
    fused_layer : callable or None
        ``(x, weight, bias) -> σ(x W + b)`` as one primitive (fewer passes and graph
        nodes), which :class:`~nnlearn.layers.Dense` calls when there is one.
    """

    name: str
    function: Callable[..., Tensor]
    closed_form: Callable[..., np.ndarray]
    equation: str
    options: dict[str, Any] = field(default_factory=dict)
    elementwise: bool = True
    fused_layer: Callable[..., Tensor] | None = None

    def __call__(self, x: Tensor | ArrayLike) -> Any:
        """σ(x): a Tensor for a Tensor, an array for anything else."""
        if isinstance(x, Tensor):
            return self.function(x, **self.options)
        with no_grad():
            return self.function(tensor(check_real_array(x, "x", finite=False)),
                                 **self.options).data

    def derivative(self, x: ArrayLike) -> np.ndarray:
        """σ'(x) from the closed form (an array)."""
        x = check_real_array(x, "x", finite=False)
        return self.closed_form(x, self(x), **self.options)

    def bind(self, **options: Any) -> Activation:
        """The same activation with parameters set, e.g. ``get("elu").bind(alpha=0.5)``."""
        unknown = set(options) - set(self.options)
        if unknown:
            raise TypeError(
                f"activation {self.name!r} takes no parameter(s) {sorted(unknown)}; "
                f"it takes {sorted(self.options) or 'none'}"
            )
        return dataclasses.replace(self, options={**self.options, **options})

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle by registry name and options (the function objects are not importable)."""
        return _from_registry, (self.name, dict(self.options))

    def __repr__(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in self.options.items())
        return f"Activation({self.name!r}{', ' + opts if opts else ''})"


ACTIVATIONS: Registry[Activation] = Registry("activation")


def _activation(
    name: str,
    *aliases: str,
    derivative: Callable[..., np.ndarray],
    equation: str,
    elementwise: bool = True,
    fused_layer: Callable[..., Tensor] | None = None,
    **options: Any,
) -> Callable[[Callable[..., Tensor]], Activation]:
    def decorate(function: Callable[..., Tensor]) -> Activation:
        implements(equation, test=TEST)(function)
        activation = Activation(name, function, derivative, equation, options, elementwise,
                                fused_layer)
        return ACTIVATIONS.register(name, *aliases)(activation)

    return decorate


def get(name: str | Activation | None, **options: Any) -> Activation:
    """The activation called ``name`` (``None`` means identity), with ``options`` bound.

    Examples
    --------
    >>> import nnlearn as nl
    >>> nl.activations.get("leaky_relu", negative_slope=0.1)([-1.0, 2.0])
    array([-0.1,  2. ])
    """
    if isinstance(name, Activation):
        return name.bind(**options) if options else name
    activation = ACTIVATIONS.get("identity" if name is None else name)
    return activation.bind(**options) if options else activation


def _from_registry(name: str, options: dict[str, Any]) -> Activation:
    """The registered activation ``name`` with ``options`` bound (how activations unpickle)."""
    return get(name, **options)


# ----- the course's table ---------------------------------------------------------------
@_activation(
    "identity", "linear", derivative=lambda x, f: np.ones_like(x), equation="identity_activation"
)
def identity(x: Tensor) -> Tensor:
    """f(x) = x; f'(x) = 1."""
    return x


@_activation(
    "step", "binary_step", derivative=lambda x, f: np.zeros_like(x), equation="binary_step"
)
def step(x: Tensor) -> Tensor:
    """f(x) = 1 for x ≥ 0, else 0; f'(x) = 0 (for x ≠ 0). No gradient flows."""
    return Tensor((x.data >= 0).astype(x.dtype))


@_activation(
    "sigmoid", "logistic", derivative=lambda x, f: f * (1 - f), equation="logistic_sigmoid"
)
def sigmoid(x: Tensor) -> Tensor:
    """σ(x) = 1/(1 + e^(−x)); σ'(x) = σ(x)(1 − σ(x))."""
    return ops.sigmoid(x)


@_activation("tanh", derivative=lambda x, f: 1 - f * f, equation="hyperbolic_tangent")
def tanh(x: Tensor) -> Tensor:
    """f(x) = tanh(x); f'(x) = 1 − f(x)²."""
    return ops.tanh(x)


@_activation("arctan", derivative=lambda x, f: 1 / (x * x + 1), equation="arctan_activation")
def arctan(x: Tensor) -> Tensor:
    """f(x) = tan⁻¹(x); f'(x) = 1/(x² + 1)."""
    return ops.arctan(x)


@_activation(
    "relu",
    derivative=lambda x, f: (~(x < 0)).astype(x.dtype),
    equation="rectified_linear_unit",
    fused_layer=ops.linear_relu,
)
def relu(x: Tensor) -> Tensor:
    """f(x) = max(0, x); f'(x) = 1 for x ≥ 0, else 0 (and 1 at NaN, as PyTorch)."""
    return ops.relu(x)


def _slope_derivative(x: np.ndarray, f: np.ndarray, **slope: float) -> np.ndarray:
    (value,) = slope.values()
    return np.where(x >= 0, 1, value).astype(x.dtype)


@_activation("leaky_relu", derivative=_slope_derivative, equation="leaky_relu", negative_slope=0.01)
def leaky_relu(x: Tensor, negative_slope: float = 0.01) -> Tensor:
    """f(x) = x for x ≥ 0, else s·x (s = 0.01 by default); f'(x) = 1 or s."""
    return ops.where(x.data >= 0, x, negative_slope * x)


@_activation("prelu", derivative=_slope_derivative, equation="parametric_relu", alpha=0.25)
def prelu(x: Tensor, alpha: float | Tensor = 0.25) -> Tensor:
    """f(x) = x for x ≥ 0, else αx; f'(x) = 1 or α. (The layer ``nl.PReLU`` learns α.)"""
    return ops.where(x.data >= 0, x, alpha * x)


def _elu_derivative(x: np.ndarray, f: np.ndarray, alpha: float) -> np.ndarray:
    """1 for x ≥ 0, else αe^x (which is f(x) + α, without its cancellation: αe^(−50) is
    1.9e-22, where f(−50) + α is 0)."""
    return np.where(x >= 0, 1, alpha * np.exp(np.minimum(x, 0))).astype(x.dtype)


@_activation("elu", derivative=_elu_derivative, equation="exponential_linear_unit", alpha=1.0)
def elu(x: Tensor, alpha: float = 1.0) -> Tensor:
    """f(x) = x for x ≥ 0, else α(e^x − 1); f'(x) = 1 or αe^x (= f(x) + α).

    NaN gives NaN, and so does its derivative (PyTorch's vectorized kernel agrees; its
    scalar loop gives 1).
    """
    return ops.where(x.data >= 0, x, alpha * ops.expm1(ops.minimum(x, 0)))


@_activation("softplus", derivative=lambda x, f: ops.sigmoid(x).data, equation="softplus")
def softplus(x: Tensor) -> Tensor:
    """f(x) = ln(1 + e^x); f'(x) = 1/(1 + e^(−x))."""
    return ops.softplus(x)


def _along_last_axis(jacobian: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    """``jacobian(x, f)``, with a 0-d x taken as a vector of one value and the Jacobian,
    of shape (), as a 0-d array (as PyTorch's Jacobian of a 0-d function)."""

    def of(x: np.ndarray, f: np.ndarray) -> np.ndarray:
        if x.ndim == 0:
            return jacobian(x.reshape(1), f.reshape(1)).reshape(())
        return jacobian(x, f)

    return of


@_along_last_axis
def _softmax_jacobian(x: np.ndarray, f: np.ndarray) -> np.ndarray:
    return f[..., :, None] * (np.eye(x.shape[-1], dtype=x.dtype) - f[..., None, :])


@_along_last_axis
def _log_softmax_jacobian(x: np.ndarray, f: np.ndarray) -> np.ndarray:
    return np.eye(x.shape[-1], dtype=x.dtype) - np.exp(f)[..., None, :]


@_activation("softmax", derivative=_softmax_jacobian, equation="softmax", elementwise=False)
def softmax(x: Tensor) -> Tensor:
    """s_i = e^(x_i − max x) / Σ_j e^(x_j − max x) over the last axis; ∂s_i/∂x_j = s_i(δ_ij − s_j).

    >>> import nnlearn as nl
    >>> nl.activations.softmax([2.33, -1.46, 0.56]).round(8)
    array([0.83827314, 0.01894129, 0.14278557])
    """
    return logits.softmax(x)


@_activation(
    "log_softmax", derivative=_log_softmax_jacobian, equation="log_softmax", elementwise=False
)
def log_softmax(x: Tensor) -> Tensor:
    """log s_i = x_i − log Σ_j e^(x_j) over the last axis; ∂/∂x_j = δ_ij − s_j."""
    return logits.log_softmax(x)
