"""Backpropagation written out: the course's delta equations, layer by layer.

``nl.fit`` gets its gradients from autodiff; this module computes the same gradients
the way the course derives them, so that each intermediate number can be shown (the
tour prints the worked example with it) and checked against autodiff.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from nnlearn import losses
from nnlearn.autodiff.functional import gradients
from nnlearn.autodiff.tensor import tensor
from nnlearn.equations import implements
from nnlearn.layers.dense import Dense, Sequential

TEST = "tests/test_backprop_example.py"


@dataclass
class Trace:
    """The numbers of one forward and backward pass, one list entry per layer κ = 1..K.

    Attributes
    ----------
    potentials : list of ndarray of shape (n_samples, L^κ)
        a^κ = x^{κ−1} W^κ + b^κ.
    activations : list of ndarray
        x^κ = σ(a^κ); ``activations[0]`` is the input x^0, so this list is one longer.
    loss : float
        L(N_θ(u), y).
    deltas : list of ndarray of shape (n_samples, L^κ)
        δ^κ = ∂L/∂a^κ.
    weight_gradients, bias_gradients : list of ndarray
        ∂L/∂W^κ = (x^{κ−1})ᵀ δ^κ and ∂L/∂b^κ = Σ_samples δ^κ.
    """

    potentials: list[np.ndarray]
    activations: list[np.ndarray]
    loss: float
    deltas: list[np.ndarray]
    weight_gradients: list[np.ndarray]
    bias_gradients: list[np.ndarray]


def _dense_layers(network: Sequential) -> list[Dense]:
    layers = list(network.layers) if isinstance(network, Sequential) else [network]
    for i, layer in enumerate(layers):
        if not isinstance(layer, Dense) or not layer.activation.elementwise:
            raise ValueError(
                f"backpropagate: layer {i} is {layer!r}; expected Dense layers with "
                "elementwise activations"
            )
    return layers


@implements("delta_equation", test=f"{TEST}::test_deltas_equal_autodiff_gradients")
@implements("delta_equation_by_backpropagation",
            test=f"{TEST}::test_deltas_equal_autodiff_gradients")
def backpropagate(network: Sequential | Dense, u: ArrayLike, y: ArrayLike,
                  loss: str = "half_squared_error") -> Trace:
    """Forward pass, then the delta equations from the output layer back to the first.

    δ^K = ∂L/∂x^K ⊙ σ'(a^K) at the output, then
    δ^κ = σ'(a^κ) ⊙ Σ_j δ_j^{κ+1} W_{ij}^{κ+1}  (in matrices: δ^{κ+1} (W^{κ+1})ᵀ ⊙ σ'(a^κ)).

    Parameters
    ----------
    network : Sequential of Dense layers (or one Dense layer), elementwise activations
    u : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples, n_outputs)
    loss : str, default "half_squared_error"
        The loss (mean over samples), by name; ∂L/∂x^K is taken by autodiff.

    Returns
    -------
    Trace
    """
    layers = _dense_layers(network)
    x = np.atleast_2d(np.asarray(u, dtype=layers[0].weight.dtype))
    potentials, outputs = [], [x]
    for layer in layers:
        bias = 0 if layer.bias is None else layer.bias.data
        potentials.append(outputs[-1] @ layer.weight.data + bias)
        outputs.append(layer.activation(potentials[-1]))
    out = tensor(outputs[-1], requires_grad=True)
    value = losses.get(loss)(out, np.atleast_2d(np.asarray(y, dtype=out.dtype)))
    (d_output,) = gradients(value, [out])
    deltas = [d_output.data * layers[-1].activation.derivative(potentials[-1])]
    for k in range(len(layers) - 2, -1, -1):
        back = deltas[0] @ layers[k + 1].weight.data.T
        deltas.insert(0, layers[k].activation.derivative(potentials[k]) * back)
    return Trace(
        potentials=potentials,
        activations=outputs,
        loss=float(value.data),
        deltas=deltas,
        weight_gradients=[outputs[k].T @ deltas[k] for k in range(len(layers))],
        bias_gradients=[deltas[k].sum(axis=0) for k in range(len(layers))],
    )


def course_example() -> tuple[Sequential, np.ndarray, np.ndarray]:
    """The lectures' worked example: network, input and target.

    Inputs 0.05 and 0.10, targets 0.01 and 0.99; a 2-2-2 sigmoid network with
    w1 … w8 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55 and biases 0.35 and 0.60,
    which the example keeps fixed (frozen parameters). net_h1 = w1 i1 + w2 i2 + b1, so
    neuron h1's column of W¹ is (w1, w2).

    Examples
    --------
    >>> net, u, target = course_example()
    >>> float(backpropagate(net, u, target).loss)
    0.2983711087600027
    """
    network = Sequential(Dense(2, 2, activation="sigmoid"), Dense(2, 2, activation="sigmoid"))
    network.load_state_dict({
        "0.weight": [[0.15, 0.25], [0.20, 0.30]],
        "0.bias": [0.35, 0.35],
        "1.weight": [[0.40, 0.50], [0.45, 0.55]],
        "1.bias": [0.60, 0.60],
    })
    for layer in network.layers:
        layer.bias.requires_grad = False
    return network, np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]])
