"""The RNN cell over a whole sequence: two compiled loops, forward in time and back.

Each step computes the potential in the course's column form, a(n+1) = W [1; u(n+1);
x(n)] = b + W^in u(n+1) + W^h x(n), one column per sample: one BLAS call, with the
stacked W of shape (hidden_size, 1 + input_size + hidden_size). σ runs in a flat loop
over the step's hidden_size · n_samples values (SIMD code). Over the sequence the values
are rows (:mod:`nnlearn.layers.kernel_tools`), the steps in the order they are taken (a
reverse direction's sequence arrives flipped), so that the caller computes each weight
gradient as one product over all steps.
"""

from __future__ import annotations

import numpy as np

from nnlearn.compiled import compiled
from nnlearn.equations import implements
from nnlearn.layers.gate_math import ONE, ZERO, sigmoid, tanh
from nnlearn.layers.kernel_tools import carry_back, transpose_into
from nnlearn.layers.work_memory import carve
from nnlearn.subnormals import flushed

#: the activations σ the loops know, by registry name: the code the loops branch on
ACTIVATION_CODES = {"identity": 0, "tanh": 1, "sigmoid": 2, "relu": 3}
IDENTITY, TANH, SIGMOID, RELU = (ACTIVATION_CODES[name]
                                 for name in ("identity", "tanh", "sigmoid", "relu"))


@compiled
def activate(code: int, a: float) -> float:
    """σ(a) for the activation ``code``."""
    if code == TANH:
        return tanh(a)
    if code == SIGMOID:
        return sigmoid(a)
    if code == RELU:
        return ZERO if a < 0 else a  # NaN stays NaN
    return a


@compiled
def derivative(code: int, a: float, f: float) -> float:
    """σ'(a) from a and f = σ(a), as the course's table: 1 − f², f(1 − f), [a ≥ 0], 1."""
    if code == TANH:
        return ONE - f * f
    if code == SIGMOID:
        return f * (ONE - f)
    if code == RELU:
        return ONE if a >= 0 else ZERO
    return ONE


@compiled
def rnn_forward(inputs: np.ndarray, weight: np.ndarray, code: int, tiny: float,
                hidden: np.ndarray, slopes: np.ndarray) -> None:
    """x(n+1) = σ(a(n+1)), a(n+1) = W [1; u(n+1); x(n)], for n = 0, ..., n_steps − 1.

    Parameters
    ----------
    inputs : array of shape (n_steps, n_samples, input_size)
        The inputs u(n+1), as rows.
    weight : array of shape (hidden_size, 1 + input_size + hidden_size)
        W = [b, W^in, W^h], contiguous.
    code : int
        σ, from :data:`ACTIVATION_CODES`.
    tiny : float
        The smallest normal number of the arrays' type: states below it are flushed to 0.
    hidden : array of shape (n_steps + 1, n_samples, hidden_size)
        x(n) as rows; step 0 holds the initial state, the loop fills the rest.
    slopes : array of shape (n_steps, hidden_size · n_samples)
        Filled with the columns σ'(a(n+1)), for the backward pass.
    """
    n_steps, n_samples, n_in = inputs.shape
    size = weight.shape[0]
    block = size * n_samples
    # one step's columns: flat buffers (the loops run over these), 2-d views for BLAS;
    # z = [1; u; x] holds x(n) in its last rows
    flat_z = np.ones((1 + n_in + size) * n_samples, inputs.dtype)
    flat_potential = np.empty(block, inputs.dtype)
    z, potential = flat_z.reshape((-1, n_samples)), flat_potential.reshape((size, n_samples))
    u, x, flat_x = z[1 : 1 + n_in], z[1 + n_in :], flat_z[(1 + n_in) * n_samples :]
    transpose_into(x, hidden[0])
    for n in range(n_steps):
        transpose_into(u, inputs[n])
        np.dot(weight, z, potential)
        slope = slopes[n]
        for i in range(block):
            flat_x[i] = flushed(activate(code, flat_potential[i]), tiny)
        for i in range(block):
            slope[i] = derivative(code, flat_potential[i], flat_x[i])
        transpose_into(hidden[n + 1], x)


@compiled
def rnn_backward(grad_hidden: np.ndarray, weight_hidden: np.ndarray, slopes: np.ndarray,
                 tiny: float, truncate: int, reverse: bool, deltas: np.ndarray,
                 grad_h: np.ndarray) -> None:
    """Backpropagation through time, the course's δ recursion, for n = n_steps − 1, ..., 0:

        δa(n+1) = σ'(a(n+1)) ⊙ (∂L/∂x(n+1) + Wᵀ δa(n+2))

    With ``truncate = k > 0`` no error passes from step n to n − 1 where n is a multiple
    of k (:func:`~nnlearn.layers.kernel_tools.carry_back`).

    Parameters
    ----------
    grad_hidden : array of shape (n_samples, n_steps, hidden_size)
        ∂L/∂x from outside the layer, in time order.
    weight_hidden : array of shape (hidden_size, hidden_size)
        Wᵀ, contiguous.
    slopes : the columns σ'(a(n+1)) the forward pass filled
    tiny, truncate : float, int
        The smallest normal number of the arrays' type (smaller errors are flushed to 0),
        and k (0 for full BPTT).
    reverse : bool
        The steps were taken from the last: step n read time n_steps − 1 − n.
    deltas : array of shape (n_steps, n_samples, hidden_size)
        Filled with the rows δa(n+1), for the weight gradients.
    grad_h : array of shape (n_samples, hidden_size)
        Filled with ∂L/∂x(0).
    """
    n_samples, n_steps, size = grad_hidden.shape
    block = size * n_samples
    flat_delta, carry = np.empty(block, deltas.dtype), np.zeros(block, deltas.dtype)
    delta, columns_carry = flat_delta.reshape((size, n_samples)), carry.reshape((size, n_samples))
    for n in range(n_steps - 1, -1, -1):
        transpose_into(delta, grad_hidden[:, n_steps - 1 - n if reverse else n])
        slope = slopes[n]
        for i in range(block):
            flat_delta[i] = flushed(slope[i] * (flat_delta[i] + carry[i]), tiny)
        transpose_into(deltas[n], delta)
        carry_back(weight_hidden, delta, columns_carry, tiny, truncate, n)
    transpose_into(grad_h, columns_carry)


class RNNCell:
    """The arrays side of :class:`~nnlearn.layers.RNN`: allocation around the two loops.

    Parameters
    ----------
    activation : str
        The name of σ, a key of :data:`ACTIVATION_CODES`.
    """

    n_parts = 1  # the state x

    def __init__(self, activation: str) -> None:
        self.code = ACTIVATION_CODES[activation]

    def forward(self, inputs: np.ndarray, weight: np.ndarray, initial: list[np.ndarray],
                ) -> tuple[np.ndarray, list[np.ndarray], tuple[np.ndarray, ...]]:
        """The rows x(n), n = 0, ..., n_steps (n_steps + 1, n_samples, hidden_size), no
        other final parts, and what the backward pass needs.

        ``inputs`` are the rows u(n) (n_steps, n_samples, input_size), ``weight`` the
        stacked W = [b, W^in, W^h] (hidden_size, 1 + input_size + hidden_size),
        ``initial`` x(0) of shape (n_samples, hidden_size).
        """
        n_steps, n_samples, _ = inputs.shape
        size = len(weight)
        hidden, slopes = carve(inputs.dtype, (n_steps + 1, n_samples, size),
                               (n_steps, size * n_samples))
        hidden[0] = initial[0]
        rnn_forward(inputs, weight, self.code, np.finfo(inputs.dtype).tiny, hidden, slopes)
        return hidden, [], (slopes,)

    @implements("backpropagation_through_time",
                test="tests/test_recurrent_rnn.py::test_bptt_is_the_delta_recursion_through_time")
    def backward(self, grad_hidden: np.ndarray, grad_finals: list[np.ndarray],
                 hidden: np.ndarray, saved: tuple[np.ndarray, ...], weight_hidden: np.ndarray,
                 truncate: int, reverse: bool) -> tuple[np.ndarray, list[np.ndarray]]:
        """The rows δa(n) (n_steps, n_samples, hidden_size) and ∂L/∂x(0), given ∂L/∂x
        (n_samples, n_steps, hidden_size, in time order)."""
        (slopes,) = saved
        n_samples, n_steps, size = grad_hidden.shape
        (deltas,) = carve(hidden.dtype, (n_steps, n_samples, size))
        grad_h = np.empty((n_samples, size), hidden.dtype)
        rnn_backward(grad_hidden, np.ascontiguousarray(weight_hidden), slopes,
                     np.finfo(hidden.dtype).tiny, truncate, reverse, deltas, grad_h)
        return deltas, [grad_h]
