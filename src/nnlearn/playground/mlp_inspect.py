"""One sample through the MLP view's network, number by number: a neuron's formula, and
backpropagation layer by layer.

The numbers come from :func:`nnlearn.train.backprop.backpropagate`, which computes the
course's delta equations (δ^K = ∂L/∂a^K at the output, δ^κ = σ'(a^κ) Σ_j δ_j^{κ+1}
W_ij^{κ+1} below), and the tests check them against nnlearn's autodiff for the same
weights. This module only writes them into the formulas, as LaTeX, and typesets them as
MathML (:func:`nnlearn.equations.to_mathml`) for the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from nnlearn.equations import to_mathml
from nnlearn.playground.datasets import FEATURES
from nnlearn.playground.protocol import rounded
from nnlearn.train.backprop import Trace, backpropagate

if TYPE_CHECKING:
    from nnlearn.playground.mlp import MLPView

#: how activations are written in a formula
_NAMES = {"sigmoid": r"\sigma", "tanh": r"\tanh", "identity": r"\operatorname{id}"}
#: the significant digits of the numbers in a formula
DIGITS = 4


def number(value: float) -> str:
    """A number as LaTeX with 4 significant digits (``-0.1235``, ``1.2 \\times 10^{-5}``)."""
    text = f"{float(value):.{DIGITS}g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def _factor(value: float) -> str:
    """A number as a factor of a product: negative ones in parentheses."""
    text = number(value)
    return rf"\left({text}\right)" if text.startswith("-") else text


#: the terms of a sum that one line of a formula holds
TERMS_PER_LINE = 3


def _products(weights: np.ndarray, values: np.ndarray, constant: float | None) -> list[str]:
    """The terms ``w₁ · v₁``, ``w₂ · v₂``, ..., and ``constant``, with the numbers."""
    terms = [rf"{_factor(w)} \cdot {_factor(v)}" for w, v in zip(weights, values, strict=True)]
    return terms if constant is None else [*terms, _factor(constant)]


def _wrapped(opening: str, terms: list[str], closing: str) -> list[str]:
    """``opening t₁ + t₂ + t₃`` / ``+ t₄ + ...`` / ``... closing``: a long sum on several
    lines of :data:`TERMS_PER_LINE` terms, as a page is narrower than a sum of 9 terms."""
    lines = [" + ".join(terms[i:i + TERMS_PER_LINE])
             for i in range(0, len(terms), TERMS_PER_LINE)]
    lines = [opening + lines[0]] + ["+ " + line for line in lines[1:]]
    lines[-1] += closing
    return lines


def activation_name(name: str) -> str:
    """The activation's symbol in a formula: σ, tanh, or its name (leaky_relu as leaky ReLU)."""
    written = name.replace("_", " ").replace("relu", "ReLU").replace("elu", "ELU")
    return _NAMES.get(name, rf"\operatorname{{{written}}}")


def target_row(view: MLPView, sample: int) -> np.ndarray:
    """The sample's target as the loss sees it: one-hot for classes, else the value."""
    if view.classify:
        return np.eye(view.n_outputs)[[int(view.y[sample])]]
    return np.array([[view.y[sample]]])


def trace_of(view: MLPView, sample: int) -> Trace:
    """nnlearn's forward and backward pass for the one sample."""
    return backpropagate(view.net, view.inputs[[sample]], target_row(view, sample), view.loss)


def _sample(view: MLPView, sample: int) -> dict[str, Any]:
    return {"sample": sample, "point": rounded(view.X[sample]),
            "split": "train" if sample in set(view.train_index.tolist()) else "test",
            "features": [FEATURES[name][0] for name in view.setup["features"]],
            "inputs": rounded(view.inputs[sample]), "target": rounded(target_row(view, sample)[0])}


def neuron(view: MLPView, sample: int, layer: int, index: int) -> dict[str, Any]:
    """Neuron ``index`` of layer κ = ``layer`` (1..K) for one sample: its formula with the
    weights and the sample's values, and its δ with the numbers of the layer above."""
    trace = trace_of(view, sample)
    dense = view.net.layers[layer - 1]
    inputs = trace.activations[layer - 1][0]
    potential, output = trace.potentials[layer - 1][0, index], trace.activations[layer][0, index]
    delta = trace.deltas[layer - 1][0, index]
    weights, bias = dense.weight.data[:, index], dense.bias.data[index]
    k = rf"{layer}"
    sigma = activation_name(dense.activation.name)
    lines = [
        rf"x^{{{k}}}_{{{index + 1}}} = {sigma}\left(\sum_{{j}} \theta_{{{index + 1} j}}^{{{k}}}"
        rf" x^{{{layer - 1}}}_{{j}} + \theta_{{{index + 1} 0}}^{{{k}}}\right)",
        *_wrapped(rf"= {sigma}(", _products(weights, inputs, bias), ")"),
        rf"= {sigma}\left({number(potential)}\right) = {number(output)}",
    ]
    last = layer == len(view.net.layers)
    if last and view.classify:
        probability = float(_softmax(trace.activations[-1][0])[index])
        lines.append(rf"P(\text{{class }} {index + 1}) = \operatorname{{softmax}}(x^{{{k}}})_"
                     rf"{{{index + 1}}} = {number(probability)}")
    lines += _delta_lines(view, trace, sample, layer, index)
    return {**_sample(view, sample), "layer": layer, "neuron": index,
            "weights": rounded(weights), "bias": rounded(bias), "x_in": rounded(inputs),
            "potential": rounded(potential), "output": rounded(output), "delta": rounded(delta),
            "mathml": [to_mathml(line, display="inline") for line in lines]}


def _softmax(z: np.ndarray) -> np.ndarray:
    from nnlearn.activations import softmax

    return softmax(z[None])[0]


def _delta_lines(view: MLPView, trace: Trace, sample: int, layer: int, index: int
                 ) -> list[str]:
    """δ of the neuron: the output's from the loss, a hidden one's from the layer above."""
    i, k = index + 1, layer
    delta = trace.deltas[layer - 1][0, index]
    if layer == len(view.net.layers):
        output = trace.activations[-1][0]
        target = target_row(view, sample)[0]
        if view.classify:
            p = _softmax(output)[index]
            return [rf"\delta^{{{k}}}_{{{i}}} = \frac{{\partial L}}{{\partial a^{{{k}}}_{{{i}}}}}"
                    rf" = p_{{{i}}} - t_{{{i}}} = {number(p)} - {_factor(target[index])}"
                    rf" = {number(delta)}"]
        return [rf"\delta^{{{k}}}_{{{i}}} = \frac{{\partial L}}{{\partial a^{{{k}}}_{{{i}}}}}"
                rf" = 2\,(y - t) = 2\left({number(output[0])} - {_factor(target[0])}\right)"
                rf" = {number(delta)}"]
    dense, above = view.net.layers[layer - 1], view.net.layers[layer]
    slope = float(dense.activation.derivative(trace.potentials[layer - 1][0, index]))
    back = trace.deltas[layer][0]
    sigma = activation_name(dense.activation.name)
    return [
        rf"\delta^{{{k}}}_{{{i}}} = {sigma}'(a^{{{k}}}_{{{i}}}) \sum_{{j}} \delta^{{{k + 1}}}_{{j}}"
        rf" W^{{{k + 1}}}_{{{i} j}}",
        *_wrapped(rf"= {number(slope)} \cdot (", _products(back, above.weight.data[index], None),
                  rf") = {number(delta)}"),
    ]


def backprop(view: MLPView, sample: int) -> dict[str, Any]:
    """Every number of backpropagation for one sample, layer by layer, as the page steps
    through them: forward (a^κ, x^κ), the loss, backward (δ^κ), the gradients."""
    trace = trace_of(view, sample)
    layers = [{"potentials": rounded(trace.potentials[k][0]),
               "activations": rounded(trace.activations[k + 1][0]),
               "deltas": rounded(trace.deltas[k][0]),
               "weight_gradients": rounded(trace.weight_gradients[k]),
               "bias_gradients": rounded(trace.bias_gradients[k])}
              for k in range(len(trace.deltas))]
    forward = (r"a^{\kappa} = x^{\kappa-1} W^{\kappa} + b^{\kappa}, \quad "
               r"x^{\kappa} = \sigma(a^{\kappa})")
    output = (r"\delta^{K} = \frac{\partial L}{\partial a^{K}} = p - t" if view.classify
              else r"\delta^{K} = \frac{\partial L}{\partial a^{K}} = 2\,(y - t)")
    hidden = (r"\delta^{\kappa}_{i} = \sigma'(a^{\kappa}_{i}) \sum_{j} \delta^{\kappa+1}_{j}"
              r" W^{\kappa+1}_{i j}")
    gradient = (r"\frac{\partial L}{\partial W^{\kappa}_{j i}} = x^{\kappa-1}_{j}\,"
                r"\delta^{\kappa}_{i}, \quad \frac{\partial L}{\partial b^{\kappa}_{i}} = "
                r"\delta^{\kappa}_{i}")
    return {**_sample(view, sample), "input": rounded(trace.activations[0][0]),
            "loss": rounded(trace.loss), "loss_name": view.loss, "layers": layers,
            "mathml": {name: to_mathml(latex) for name, latex in
                       (("forward", forward), ("output", output), ("hidden", hidden),
                        ("gradient", gradient))}}
