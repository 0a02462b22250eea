"""The primitives: each forward computation with its vector-Jacobian product beside it.

A rule ``lambda g, out: ...`` maps ``g = ∂L/∂out`` to ∂L/∂input. Rules use only the
operations of this package, so gradients can be differentiated again. Everything that is
not here (softmax, softplus's cousins, the losses, ...) is composed from these.

The primitives live in one module per kind, each name also here (``ops.add``, ...):

- :mod:`~nnlearn.autodiff.ops.core`: ``lift`` (an operand as a Tensor), shared by all;
- :mod:`~nnlearn.autodiff.ops.arithmetic`: elementwise arithmetic and functions, ReLU;
- :mod:`~nnlearn.autodiff.ops.products`: matmul, linear (a = x W + b), linear_relu;
- :mod:`~nnlearn.autodiff.ops.reductions`: sum, mean, max, min, broadcast_to, unbroadcast;
- :mod:`~nnlearn.autodiff.ops.shapes`: reshape, transpose, indexing, concatenate, stack.
"""

from nnlearn.autodiff.ops.arithmetic import (
    abs,
    add,
    arctan,
    astype,
    clip,
    cos,
    divide,
    exp,
    expm1,
    log,
    maximum,
    minimum,
    multiply,
    negative,
    nonnegative_mask_kernel,
    power,
    relu,
    relu_kernel,
    sigmoid,
    sin,
    softplus,
    sqrt,
    subtract,
    tanh,
    where,
)
from nnlearn.autodiff.ops.core import lift
from nnlearn.autodiff.ops.products import (
    bias_gradient,
    bias_relu_kernel,
    input_gradient,
    linear,
    linear_relu,
    matmul,
    weight_gradient,
)
from nnlearn.autodiff.ops.reductions import (
    Axis,
    broadcast_to,
    max,
    mean,
    min,
    sum,
    unbroadcast,
)
from nnlearn.autodiff.ops.shapes import concatenate, getitem, reshape, scatter_add, stack, transpose

__all__ = [
    "Axis", "abs", "add", "arctan", "astype", "bias_gradient", "bias_relu_kernel",
    "broadcast_to", "clip", "concatenate", "cos", "divide", "exp", "expm1", "getitem",
    "input_gradient", "lift", "linear", "linear_relu", "log", "matmul", "max", "maximum",
    "mean", "min", "minimum", "multiply", "negative", "nonnegative_mask_kernel", "power",
    "relu", "relu_kernel", "reshape", "scatter_add", "sigmoid", "sin", "softplus", "sqrt",
    "stack", "subtract", "sum", "tanh", "transpose", "unbroadcast", "weight_gradient", "where",
]
