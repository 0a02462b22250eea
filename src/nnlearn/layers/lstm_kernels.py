"""The LSTM cell over a whole sequence: two compiled loops, forward in time and back.

Each step computes the potentials of the four blocks in the course's column form,
a(n+1) = W [1; u(n+1); h(n)] = b + W^in u(n+1) + W^h h(n), one column per sample: one
BLAS call, with the stacked W of shape (4 hidden_size, 1 + input_size + hidden_size),
the blocks in PyTorch's order (input gate, forget gate, cell input, output gate). Each
gate's block is then one contiguous run of hidden_size · n_samples values, evaluated in
flat loops that the compiler turns into SIMD code (:mod:`nnlearn.layers.gate_math`).
Over the sequence the values are rows (:mod:`nnlearn.layers.kernel_tools`), the steps in
the order they are taken (a reverse direction's sequence arrives flipped), so that the
caller computes each weight gradient as one product over all steps.
"""

from __future__ import annotations

import numpy as np

from nnlearn.compiled import compiled
from nnlearn.equations import implements
from nnlearn.layers.gate_math import ONE, sigmoid, tanh
from nnlearn.layers.kernel_tools import carry_back, transpose_into
from nnlearn.layers.work_memory import carve
from nnlearn.subnormals import flushed


@compiled
def lstm_forward(inputs: np.ndarray, weight: np.ndarray, course: bool, tiny: float,
                 hidden: np.ndarray, cells: np.ndarray, gates: np.ndarray,
                 squashed: np.ndarray) -> None:
    """The forward pass, for n = 0, ..., n_steps − 1:

        g^in, g^forget, g^out = σ(a_i), σ(a_f), σ(a_o),  u = φ(a_u),  a = W [1; u(n+1); h(n)]
        c(n+1) = g^forget ⊙ c(n) + g^in ⊙ u,             h(n+1) = g^out ⊙ ψ(c(n+1))

    with φ = ψ = tanh, or for the course's LSTM φ = σ and ψ the identity.

    Parameters
    ----------
    inputs : array of shape (n_steps, n_samples, input_size)
        The inputs u(n+1), as rows.
    weight : array of shape (4 hidden_size, 1 + input_size + hidden_size)
        W = [b, W^in, W^h], contiguous.
    course : bool
        The course's variant (φ = σ, ψ = identity) instead of PyTorch's.
    tiny : float
        The smallest normal number of the arrays' type: c and h below it are flushed to 0.
    hidden : array of shape (n_steps + 1, n_samples, hidden_size)
        h(n) as rows; step 0 holds the initial state, the loop fills the rest.
    cells : array of shape (n_steps + 1, hidden_size · n_samples)
        c(n) as columns; step 0 holds the initial cell, the loop fills the rest.
    gates : array of shape (n_steps, 4 hidden_size · n_samples)
        Filled with the columns of the four activated blocks (g^in, g^forget, u, g^out).
    squashed : array of shape (n_steps, hidden_size · n_samples)
        Filled with the columns ψ(c(n+1)).
    """
    n_steps, n_samples, n_in = inputs.shape
    width, size = weight.shape[0], weight.shape[0] // 4
    block = size * n_samples  # a gate's block: size · n_samples values
    # one step's columns: flat buffers (the loops run over these), 2-d views for BLAS;
    # x = [1; u; h] holds h(n) in its last rows
    flat_x = np.ones((1 + n_in + size) * n_samples, inputs.dtype)
    flat_potential = np.empty(width * n_samples, inputs.dtype)
    x, potential = flat_x.reshape((-1, n_samples)), flat_potential.reshape((width, n_samples))
    u, h, flat_h = x[1 : 1 + n_in], x[1 + n_in :], flat_x[(1 + n_in) * n_samples :]
    transpose_into(h, hidden[0])
    for n in range(n_steps):
        transpose_into(u, inputs[n])
        np.dot(weight, x, potential)
        g = gates[n]
        for i in range(2 * block):  # input and forget gates
            g[i] = sigmoid(flat_potential[i])
        if course:
            for i in range(2 * block, 3 * block):
                g[i] = sigmoid(flat_potential[i])
        else:
            for i in range(2 * block, 3 * block):
                g[i] = tanh(flat_potential[i])
        for i in range(3 * block, 4 * block):  # output gate
            g[i] = sigmoid(flat_potential[i])
        c_old, c, out = cells[n], cells[n + 1], squashed[n]
        for i in range(block):
            c[i] = flushed(g[block + i] * c_old[i] + g[i] * g[2 * block + i], tiny)
        if course:
            out[:] = c
        else:
            for i in range(block):
                out[i] = tanh(c[i])
        for i in range(block):
            flat_h[i] = flushed(g[3 * block + i] * out[i], tiny)
        transpose_into(hidden[n + 1], h)


@compiled
def lstm_backward(grad_hidden: np.ndarray, grad_cell: np.ndarray, weight_hidden: np.ndarray,
                  cells: np.ndarray, gates: np.ndarray, squashed: np.ndarray, course: bool,
                  tiny: float, truncate: int, reverse: bool, deltas: np.ndarray,
                  grad_h: np.ndarray, grad_c: np.ndarray) -> None:
    """Backpropagation through time, for n = n_steps − 1, ..., 0:

        δh = ∂L/∂h(n+1) + Wᵀ δa(n+1),         δc = δc(n+2) ⊙ g^forget(n+1)
                                                      + δh ⊙ g^out ⊙ ψ'(c(n+1))
        δa_o = δh ⊙ ψ(c) ⊙ σ',  δa_i = δc ⊙ u ⊙ σ',  δa_f = δc ⊙ c(n) ⊙ σ',  δa_u = δc ⊙ g^in ⊙ φ'

    with σ' = g(1 − g) of each gate, φ' = 1 − u² (or u(1 − u)), ψ' = 1 − ψ(c)² (or 1), and
    δc(n_steps + 1) ⊙ g^forget replaced by ∂L/∂c(n_steps), the error of the final cell.
    With ``truncate = k > 0`` no error passes from step n to n − 1 where n is a multiple
    of k (:func:`~nnlearn.layers.kernel_tools.carry_back`).

    Parameters
    ----------
    grad_hidden : array of shape (n_samples, n_steps, hidden_size)
        ∂L/∂h from outside the layer, in time order.
    grad_cell : array of shape (n_samples, hidden_size)
        ∂L/∂c(n_steps), the error of the final cell.
    weight_hidden : array of shape (hidden_size, 4 hidden_size)
        Wᵀ, contiguous.
    cells, gates, squashed : the arrays the forward pass filled
    course : bool
    tiny, truncate : float, int
        The smallest normal number of the arrays' type (smaller errors are flushed to 0),
        and k (0 for full BPTT).
    reverse : bool
        The steps were taken from the last: step n read time n_steps − 1 − n.
    deltas : array of shape (n_steps, n_samples, 4 hidden_size)
        Filled with the rows δa(n+1), the errors of the potentials, for the weight gradients.
    grad_h, grad_c : arrays of shape (n_samples, hidden_size)
        Filled with ∂L/∂h(0) and ∂L/∂c(0).
    """
    n_samples, n_steps, size = grad_hidden.shape
    block = size * n_samples
    flat_delta = np.empty(4 * block, deltas.dtype)  # flat buffers, 2-d views (as forward)
    flat_dh, flat_dc = np.empty(block, deltas.dtype), np.empty(block, deltas.dtype)
    carry_h, carry_c = np.zeros(block, deltas.dtype), np.empty(block, deltas.dtype)
    delta, columns_h = flat_delta.reshape((4 * size, n_samples)), carry_h.reshape((size, n_samples))
    columns_c = carry_c.reshape((size, n_samples))
    transpose_into(columns_c, grad_cell)
    for n in range(n_steps - 1, -1, -1):
        time = n_steps - 1 - n if reverse else n
        transpose_into(flat_dh.reshape((size, n_samples)), grad_hidden[:, time])
        g, out, c_previous = gates[n], squashed[n], cells[n]
        for i in range(block):
            flat_dh[i] += carry_h[i]
            slope = ONE if course else ONE - out[i] * out[i]  # ψ'(c)
            flat_dc[i] = carry_c[i] + flat_dh[i] * g[3 * block + i] * slope
        for i in range(block):  # the errors of the four blocks' potentials
            g_in, g_forget, u, g_out = g[i], g[block + i], g[2 * block + i], g[3 * block + i]
            dc = flat_dc[i]
            slope = u * (ONE - u) if course else ONE - u * u  # φ'
            flat_delta[i] = flushed(dc * u * g_in * (ONE - g_in), tiny)
            flat_delta[block + i] = flushed(dc * c_previous[i] * g_forget * (ONE - g_forget), tiny)
            flat_delta[2 * block + i] = flushed(dc * g_in * slope, tiny)
            flat_delta[3 * block + i] = flushed(flat_dh[i] * out[i] * g_out * (ONE - g_out), tiny)
            carry_c[i] = flushed(dc * g_forget, tiny)
        transpose_into(deltas[n], delta)
        if carry_back(weight_hidden, delta, columns_h, tiny, truncate, n):
            carry_c[:] = 0
    transpose_into(grad_h, columns_h)
    transpose_into(grad_c, columns_c)


class LSTMCell:
    """The arrays side of :class:`~nnlearn.layers.LSTM`: allocation around the two loops.

    Parameters
    ----------
    course : bool
        The course's variant (logistic cell input, unsquashed output).
    """

    n_parts = 2  # the state (h, c)

    def __init__(self, course: bool) -> None:
        self.course = course

    def forward(self, inputs: np.ndarray, weight: np.ndarray, initial: list[np.ndarray],
                ) -> tuple[np.ndarray, list[np.ndarray], tuple[np.ndarray, ...]]:
        """The rows h(n), n = 0, ..., n_steps (n_steps + 1, n_samples, hidden_size), the
        final cell c(n_steps) (n_samples, hidden_size) and what the backward pass needs.

        ``inputs`` are the rows u(n) (n_steps, n_samples, input_size), ``weight`` the
        stacked W = [b, W^in, W^h] (4 hidden_size, 1 + input_size + hidden_size),
        ``initial`` h(0) and c(0), each (n_samples, hidden_size).
        """
        n_steps, n_samples, _ = inputs.shape
        size = len(weight) // 4
        block = size * n_samples
        hidden, cells, gates, squashed = carve(
            inputs.dtype, (n_steps + 1, n_samples, size), (n_steps + 1, block),
            (n_steps, 4 * block), (n_steps, block))
        hidden[0] = initial[0]
        cells[0] = initial[1].T.ravel()
        lstm_forward(inputs, weight, self.course, np.finfo(inputs.dtype).tiny, hidden, cells,
                     gates, squashed)
        final_cell = cells[n_steps].reshape(size, n_samples).T
        return hidden, [final_cell], (cells, gates, squashed)

    @implements("lstm_backpropagation_through_time",
                test="tests/test_recurrent_lstm.py::test_lstm_bptt_is_the_delta_recursion")
    def backward(self, grad_hidden: np.ndarray, grad_finals: list[np.ndarray],
                 hidden: np.ndarray, saved: tuple[np.ndarray, ...], weight_hidden: np.ndarray,
                 truncate: int, reverse: bool) -> tuple[np.ndarray, list[np.ndarray]]:
        """The rows δa(n) (n_steps, n_samples, 4 hidden_size) and ∂L/∂h(0), ∂L/∂c(0), given
        ∂L/∂h (n_samples, n_steps, hidden_size, in time order) and ∂L/∂c(n_steps)."""
        cells, gates, squashed = saved
        n_samples, n_steps, size = grad_hidden.shape
        (deltas,) = carve(hidden.dtype, (n_steps, n_samples, 4 * size))
        grad_h, grad_c = (np.empty((n_samples, size), hidden.dtype) for _ in range(2))
        lstm_backward(grad_hidden, grad_finals[0], np.ascontiguousarray(weight_hidden), cells,
                      gates, squashed, self.course, np.finfo(hidden.dtype).tiny, truncate,
                      reverse, deltas, grad_h, grad_c)
        return deltas, [grad_h, grad_c]
