"""The pieces of an ONNX graph that :func:`nnlearn.io.export_onnx` writes: a graph under
construction, nnlearn's activations as ONNX operators, and its layers at inference.

Every activation and layer is one entry of a table (:data:`ACTIVATION_GRAPHS`,
:data:`LAYER_GRAPHS`): a function ``(graph, x, ...) -> y`` that adds the nodes computing
y from the value named x. Where ONNX has no operator for a function, or onnxruntime runs
it in float32 only (Elu, Softplus, Atan), it is composed from elementary operators, so
that one graph serves float32 and float64 models alike and keeps their precision:
log(1 + u) and eˣ − 1 by Goldberg's and Kahan's compensated forms (ONNX has neither log1p
nor expm1), tan⁻¹ by argument reduction and its Taylor series.

This module builds ``onnx`` protobufs: only :func:`nnlearn.io.export_onnx` imports it, once
it has found the ``onnx`` package.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import onnx
from onnx import helper, numpy_helper

from nnlearn.layers import BatchNorm, Dense, Dropout, Maxout, PReLU, Residual, Sequential
from nnlearn.layers.module import Module

#: The ONNX operator set the graphs use (onnxruntime ≥ 1.12 runs it).
OPSET = 17


class Graph:
    """An ONNX graph under construction, computing in one floating dtype.

    Parameters
    ----------
    dtype : float32 or float64
        The dtype of the constants that :meth:`constant` makes by default.
    """

    def __init__(self, dtype: np.dtype) -> None:
        self.dtype = np.dtype(dtype)
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._count = itertools.count()

    def fresh(self, hint: str) -> str:
        """A value name not used before."""
        return f"{hint}_{next(self._count)}"

    def node(self, op: str, *inputs: str, output: str | None = None, **attributes: Any) -> str:
        """Add the operator ``op`` on ``inputs``; returns the name of its output."""
        name = output or self.fresh(op.lower())
        self.nodes.append(helper.make_node(op, list(inputs), [name], **attributes))
        return name

    def constant(self, value: Any, hint: str = "c", dtype: Any = None) -> str:
        """A constant tensor (an initializer) of ``value``, in the graph's dtype unless
        ``dtype`` is given; returns its name."""
        array = np.ascontiguousarray(value, dtype=self.dtype if dtype is None else dtype)
        name = self.fresh(hint)
        if array.dtype.kind in "OU":  # labels given as text
            self.initializers.append(helper.make_tensor(
                name, onnx.TensorProto.STRING, array.shape, [str(v).encode() for v in array.flat]))
        else:
            self.initializers.append(numpy_helper.from_array(array, name))
        return name


# ----- activations ---------------------------------------------------------------------------
def _where_nonnegative(graph: Graph, x: str, negative: str) -> str:
    """x where x ≥ 0, else the value ``negative`` (nnlearn's ``where(x >= 0, x, ...)``)."""
    return graph.node("Where", graph.node("GreaterOrEqual", x, graph.constant(0)), x, negative)


def log1p(graph: Graph, u: str) -> str:
    """log(1 + u) to full relative precision: with w = 1 + u rounded, u where w = 1, else
    log(w) · u / (w − 1) (Goldberg, 1991)."""
    w = graph.node("Add", u, graph.constant(1))
    ratio = graph.node("Div", u, graph.node("Sub", w, graph.constant(1)))
    compensated = graph.node("Mul", graph.node("Log", w), ratio)
    return graph.node("Where", graph.node("Equal", w, graph.constant(1)), u, compensated)


def expm1(graph: Graph, x: str) -> str:
    """eˣ − 1 to full relative precision: with u = eˣ rounded, x where u = 1, −1 where
    u − 1 = −1, else (u − 1) · x / log(u) (Kahan)."""
    u = graph.node("Exp", x)
    less_one = graph.node("Sub", u, graph.constant(1))
    compensated = graph.node("Div", graph.node("Mul", less_one, x), graph.node("Log", u))
    saturated = graph.node("Where", graph.node("Equal", less_one, graph.constant(-1)),
                           graph.constant(-1), compensated)
    return graph.node("Where", graph.node("Equal", u, graph.constant(1)), x, saturated)


#: the terms of the Taylor series of tan⁻¹ on |t| ≤ tan(π/16): to t²³, the next one is
#: below 10⁻¹⁷
_ATAN_TERMS = 12


def arctan(graph: Graph, x: str) -> str:
    """tan⁻¹ x: for |x| > 1 as sign(x) π/2 − tan⁻¹(1/x); the argument t (|t| ≤ 1) halved
    twice by tan⁻¹ t = 2 tan⁻¹(t / (1 + √(1 + t²))) (to |t| ≤ tan(π/16)), then the series
    Σ_k (−1)ᵏ t^(2k+1) / (2k + 1) by Horner's rule, times 4."""
    large = graph.node("Greater", graph.node("Abs", x), graph.constant(1))
    t = graph.node("Where", large, graph.node("Reciprocal", x), x)
    for _ in range(2):
        root = graph.node("Sqrt", graph.node("Add", graph.node("Mul", t, t), graph.constant(1)))
        t = graph.node("Div", t, graph.node("Add", root, graph.constant(1)))
    t2 = graph.node("Mul", t, t)
    series = graph.constant((-1) ** (_ATAN_TERMS - 1) / (2 * _ATAN_TERMS - 1))
    for k in range(_ATAN_TERMS - 2, -1, -1):
        series = graph.node("Add", graph.node("Mul", series, t2),
                            graph.constant((-1) ** k / (2 * k + 1)))
    small = graph.node("Mul", graph.node("Mul", series, t), graph.constant(4))
    reflected = graph.node("Sub", graph.node("Mul", graph.node("Sign", x),
                                             graph.constant(math.pi / 2)), small)
    return graph.node("Where", large, reflected, small)


def _slope(graph: Graph, x: str, slope: Any) -> str:
    """x for x ≥ 0, else s·x (leaky ReLU and PReLU)."""
    return _where_nonnegative(graph, x, graph.node("Mul", graph.constant(slope, "slope"), x))


def _elu(graph: Graph, x: str, alpha: float) -> str:
    """x for x ≥ 0, else α(e^min(x, 0) − 1)."""
    clipped = graph.node("Min", x, graph.constant(0))
    return _where_nonnegative(graph, x, graph.node("Mul", graph.constant(alpha, "alpha"),
                                                   expm1(graph, clipped)))


def _softplus(graph: Graph, x: str) -> str:
    """ln(1 + eˣ) = max(x, 0) + log(1 + e^(−|x|)), as ``np.logaddexp(0, x)`` (no overflow)."""
    tail = log1p(graph, graph.node("Exp", graph.node("Neg", graph.node("Abs", x))))
    return graph.node("Add", graph.node("Max", x, graph.constant(0)), tail)


def _step(graph: Graph, x: str) -> str:
    """1 for x ≥ 0, else 0."""
    nonnegative = graph.node("GreaterOrEqual", x, graph.constant(0))
    return graph.node("Cast", nonnegative, to=helper.np_dtype_to_tensor_dtype(graph.dtype))


#: ``(graph, x, **options) -> σ(x)`` for every activation of :data:`nnlearn.activations.
#: ACTIVATIONS`, by name (softmax and log-softmax over the last axis).
ACTIVATION_GRAPHS: dict[str, Callable[..., str]] = {
    "identity": lambda graph, x: graph.node("Identity", x),
    "step": _step,
    "sigmoid": lambda graph, x: graph.node("Sigmoid", x),
    "tanh": lambda graph, x: graph.node("Tanh", x),
    "arctan": arctan,
    "relu": lambda graph, x: graph.node("Relu", x),
    "leaky_relu": lambda graph, x, negative_slope: _slope(graph, x, negative_slope),
    "prelu": lambda graph, x, alpha: _slope(graph, x, alpha),
    "elu": _elu,
    "softplus": _softplus,
    "softmax": lambda graph, x: graph.node("Softmax", x, axis=-1),
    "log_softmax": lambda graph, x: graph.node("LogSoftmax", x, axis=-1),
}


# ----- layers --------------------------------------------------------------------------------
class UnsupportedLayer(TypeError):
    """A part of the network has no ONNX form (the message names it and where it is)."""


def _dense(graph: Graph, layer: Dense, x: str, where: str) -> str:
    """σ(x W + b)."""
    potential = graph.node("MatMul", x, graph.constant(layer.weight.data, "weight"))
    if layer.bias is not None:
        potential = graph.node("Add", potential, graph.constant(layer.bias.data, "bias"))
    name = layer.activation.name
    if name not in ACTIVATION_GRAPHS:
        raise UnsupportedLayer(f"{where} (Dense) has the activation {name!r}, which has no ONNX "
                               f"form; supported: {', '.join(ACTIVATION_GRAPHS)}")
    return ACTIVATION_GRAPHS[name](graph, potential, **layer.activation.options)


def _batchnorm(graph: Graph, layer: BatchNorm, x: str, where: str) -> str:
    """(x − r_mean) · γ/√(r_var + ε) + β, with the running statistics, as the layer computes
    at inference (ONNX's BatchNormalization holds ε as a float32 attribute: 10⁻³ would
    become 10⁻³ + 4.7·10⁻¹¹, off in float64's 10th digit)."""
    factor = 1 / np.sqrt(layer.running_var + layer.eps) * layer.gamma.data
    centered = graph.node("Sub", x, graph.constant(layer.running_mean, "running_mean"))
    scaled = graph.node("Mul", centered, graph.constant(factor, "factor"))
    return graph.node("Add", scaled, graph.constant(layer.beta.data, "beta"))


def _maxout(graph: Graph, layer: Maxout, x: str, where: str) -> str:
    """max_k (x W_k + b_k), the pieces k along a leading axis."""
    potentials = graph.node("MatMul", x, graph.constant(layer.weight.data, "weight"))
    bias = layer.bias.data.reshape(layer.pieces, 1, layer.n_out)
    potentials = graph.node("Add", potentials, graph.constant(bias, "bias"))
    return graph.node("ReduceMax", potentials, axes=[0], keepdims=0)


def _sequential(graph: Graph, layer: Sequential, x: str, where: str) -> str:
    for i, inner in enumerate(layer):
        x = network(graph, inner, x, f"{where}[{i}]")
    return x


#: ``(graph, layer, x, where) -> y`` for each layer class, at inference (Dropout is the
#: identity, BatchNorm uses its running statistics), by exact class: a subclass may compute
#: otherwise.
LAYER_GRAPHS: dict[type[Module], Callable[..., str]] = {
    Dense: _dense,
    PReLU: lambda graph, layer, x, where: _slope(graph, x, layer.alpha.data),
    BatchNorm: _batchnorm,
    Dropout: lambda graph, layer, x, where: graph.node("Identity", x),
    Residual: lambda graph, layer, x, where: graph.node(
        "Add", x, network(graph, layer.block, x, f"{where}.block")),
    Maxout: _maxout,
    Sequential: _sequential,
}


def network(graph: Graph, module: Module, x: str, where: str = "network") -> str:
    """Add the nodes of ``module`` at inference, from the value x; returns its output's name.

    Raises
    ------
    UnsupportedLayer
        Naming the first layer (by its path from ``where``) with no ONNX form.
    """
    export = LAYER_GRAPHS.get(type(module))
    if export is None:
        supported = ", ".join(cls.__name__ for cls in LAYER_GRAPHS)
        raise UnsupportedLayer(f"{where} is a {type(module).__name__}, which has no ONNX form; "
                               f"export_onnx writes networks of {supported} layers")
    return export(graph, module, x, where)
