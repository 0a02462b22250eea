"""A recurrent layer's pass over a whole sequence, unrolled op by op or as one primitive.

Unrolled (:func:`unroll`), every time step adds its operations to the autodiff graph and
``backward()`` through them is backpropagation through time: the course's definition,
differentiable to any order, and what the engine runs for any cell. It is slow: an LSTM
step is about fourteen nodes, each paying Python's dispatch forward and backward.

:func:`sequence` computes the same values and gradients as one node for the whole
sequence of one layer and direction: the time loop and the BPTT recursion are compiled
loops around one BLAS call per step, a(n) = W [1; u(n); h(n−1)] forward and Wᵀ δa(n)
back (a cell's kernels: :class:`~nnlearn.layers.rnn_kernels.RNNCell`,
:class:`~nnlearn.layers.lstm_kernels.LSTMCell`), and each weight gradient is one product
over all steps at once, ∂L/∂W = Σ_n δa(n) h(n−1)ᵀ. When the gradient itself is recorded
(``create_graph=True``, for a Hessian), its rule replays the steps unrolled and returns
their recorded gradients, so the primitive is differentiable to any order too."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

from nnlearn.autodiff import ops
from nnlearn.autodiff.backprop import backpropagate
from nnlearn.autodiff.tensor import Tensor, is_grad_enabled, record
from nnlearn.layers.kernel_tools import transpose_into
from nnlearn.layers.work_memory import carve

State = tuple[Tensor, ...]
Weights = tuple[Tensor, Tensor, Tensor | None]  # weight_input, weight_hidden, bias
Step = Callable[[Tensor, State, Weights], State]


class Cell(Protocol):
    """The compiled loops of a cell (:class:`RNNCell`, :class:`LSTMCell`), on arrays.

    ``forward(inputs, weight, initial)`` takes the rows u(n) (n_steps, n_samples,
    input_size), the stacked W = [b, W^in, W^h] and the initial state parts (n_samples,
    size) and returns the rows h(n) for n = 0, ..., n_steps (n_steps + 1, n_samples,
    hidden_size), the final values of the other parts (c for the LSTM) and what the
    backward pass needs. ``backward(grad_hidden, grad_finals, hidden, saved,
    weight_hidden, truncate, reverse)`` takes ∂L/∂h(n) (n_samples, n_steps, hidden_size,
    in time order: the steps were taken from the last when ``reverse``) and ∂L/∂(the
    other final parts) and returns the rows δa(n) (n_steps, n_samples, width, in the order
    of the steps) and ∂L/∂(every initial part).
    """

    n_parts: int

    def forward(self, inputs: np.ndarray, weight: np.ndarray, initial: list[np.ndarray],
                ) -> tuple[np.ndarray, list[np.ndarray], tuple[np.ndarray, ...]]: ...

    def backward(self, grad_hidden: np.ndarray, grad_finals: list[np.ndarray],
                 hidden: np.ndarray, saved: tuple[np.ndarray, ...], weight_hidden: np.ndarray,
                 truncate: int, reverse: bool) -> tuple[np.ndarray, list[np.ndarray]]: ...


def unroll(step: Callable[[Tensor, State], State], x: Tensor, initial: State, reverse: bool,
           truncate: int | None) -> list[State]:
    """The states after each step, in the order the steps are taken, op by op.

    Parameters
    ----------
    step : callable
        ``step(u, state)`` → the next state, for u of shape (n_samples, input_size).
    x : Tensor of shape (n_samples, n_steps, input_size)
    initial : tuple of Tensors
        The state before the first step.
    reverse : bool
        Read the sequence from its last step to its first.
    truncate : int or None
        Truncated BPTT: the state is detached from the graph every ``truncate`` steps.
    """
    order = range(x.shape[1] - 1, -1, -1) if reverse else range(x.shape[1])
    state, states = initial, []
    for count, n in enumerate(order):
        if truncate is not None and count and count % truncate == 0:
            state = tuple(part.detach() for part in state)
        state = step(x[:, n], state)
        states.append(state)
    return states


def time_major(batch_first: np.ndarray, reverse: bool) -> np.ndarray:
    """(n_samples, n_steps, f) → (n_steps, n_samples, f), a new array: the layout of the
    compiled loops, the steps in the order they are taken (last first when ``reverse``)."""
    steps = np.swapaxes(batch_first, 0, 1)
    return _copy(steps[::-1] if reverse else steps)


def batch_first(time_major: np.ndarray, reverse: bool) -> np.ndarray:
    """The inverse of :func:`time_major`."""
    return _copy(np.swapaxes(time_major[::-1] if reverse else time_major, 0, 1))


def _copy(a: np.ndarray) -> np.ndarray:
    """A contiguous copy of ``a``, in memory that :func:`carve` reuses."""
    (out,) = carve(a.dtype, a.shape)
    out[...] = a
    return out


def sequence(cell: Cell, step: Step, x: Tensor, initial: State, weights: Weights,
             reverse: bool = False, truncate: int | None = None) -> tuple[Tensor, State]:
    """One layer and direction over whole sequences, as one primitive.

    Parameters
    ----------
    cell : Cell
        The compiled loops.
    step : callable
        ``step(u, state, weights)``, the same cell op by op (for the recorded gradients).
    x : Tensor of shape (n_samples, n_steps, input_size)
    initial : tuple of Tensors of shape (n_samples, hidden_size)
        The state before the first step (``cell.n_parts`` parts, h first).
    weights : (weight_input, weight_hidden, bias)
        Of shapes (input_size, width), (hidden_size, width) and (width,) or None, where
        width is hidden_size times the cell's number of blocks.
    reverse, truncate
        As :func:`unroll`.

    Returns
    -------
    outputs : Tensor of shape (n_samples, n_steps, hidden_size)
        h(n) after every step, in time order (whichever the direction).
    final : tuple of Tensors of shape (n_samples, hidden_size)
        The state after the last step taken.
    """
    packed = _sequence_packed(cell, step, x, initial, weights, reverse, truncate)
    n_samples, n_steps = x.shape[:2]
    size = weights[1].shape[0]
    n_outputs = n_samples * n_steps * size
    flat_outputs = packed if cell.n_parts == 1 else packed[:n_outputs]  # (a slice costs a pass)
    outputs = flat_outputs.reshape(n_samples, n_steps, size)
    others = (packed[n_outputs + k * n_samples * size : n_outputs + (k + 1) * n_samples * size]
              .reshape(n_samples, size) for k in range(cell.n_parts - 1))
    return outputs, (outputs[:, 0 if reverse else -1], *others)


def _sequence_packed(cell: Cell, step: Step, x: Tensor, initial: State, weights: Weights,
                     reverse: bool, truncate: int | None) -> Tensor:
    """:func:`sequence`'s primitive. Its value is one flat vector: the outputs h(n) in time
    order (n_samples, n_steps, hidden_size), then the final values of the other parts (c
    for the LSTM), so that one node holds them all and one rule gets all their gradients."""
    weight_input, weight_hidden, bias = weights
    inputs = [x, *initial, weight_input, weight_hidden] + ([] if bias is None else [bias])
    if len({t.dtype for t in inputs}) != 1:
        raise TypeError(f"sequence: inputs, state and weights must share one dtype, got "
                        f"{sorted({str(t.dtype) for t in inputs})}")
    steps = time_major(x.data, reverse)  # u(n), step by step: (n_steps, n_samples, input_size)
    n_steps, n_samples, n_in = steps.shape
    rows = Tensor(steps.reshape(-1, n_in))  # one row per step and sample
    size = weight_hidden.shape[0]
    hidden, finals, saved = cell.forward(steps, _stacked(weights, x.dtype),
                                         [part.data for part in initial])
    n_outputs = n_samples * n_steps * size
    (packed,) = carve(x.dtype, (n_outputs + len(finals) * n_samples * size,))
    packed[:n_outputs].reshape(n_samples, n_steps, size)[...] = np.swapaxes(
        hidden[:0:-1] if reverse else hidden[1:], 0, 1)
    for k, final in enumerate(finals):
        packed[n_outputs + k * final.size : n_outputs + (k + 1) * final.size] = final.ravel()
    first_order: dict[str, Any] = {}  # of the latest g: the errors of the potentials
    recorded: dict[str, Any] = {}  # of the latest g, when the gradient is recorded

    def backward(g: Tensor) -> dict[str, Any]:
        """δa(n) for every step, as rows (n_steps · n_samples, width), and ∂L/∂initial."""
        if first_order.get("g") is not g:
            grad_outputs = g.data[:n_outputs].reshape(n_samples, n_steps, size)
            grad_finals = [g.data[n_outputs + k * n_samples * size :][: n_samples * size]
                           .reshape(n_samples, size) for k in range(len(finals))]
            deltas, grad_initial = cell.backward(grad_outputs, grad_finals, hidden, saved,
                                                 weight_hidden.data, truncate or 0, reverse)
            first_order.update(g=g, delta=Tensor(deltas.reshape(n_steps * n_samples, -1)),
                               initial=grad_initial)
        return first_order

    def input_rule(g: Tensor) -> Tensor:
        """∂L/∂u(n) = δa(n) (W^in)ᵀ, back in the input's layout."""
        grad = np.dot(backward(g)["delta"].data, weight_input.data.T)
        return Tensor(batch_first(grad.reshape(n_steps, n_samples, n_in), reverse))

    def initial_rule(part: int) -> Callable[[Tensor], Tensor]:
        return lambda g: Tensor(backward(g)["initial"][part])

    # the rows h(n − 1) of every step n: each weight gradient is one product over all steps
    previous = Tensor(hidden[:n_steps].reshape(n_steps * n_samples, -1))
    rules = [input_rule, *(initial_rule(k) for k in range(len(initial))),
             lambda g: ops.weight_gradient(rows, backward(g)["delta"]),
             lambda g: ops.weight_gradient(previous, backward(g)["delta"]),
             lambda g: ops.bias_gradient(backward(g)["delta"])]

    def gradients_recorded(g: Tensor) -> list[Tensor]:
        """The gradients of the unrolled steps, recorded (differentiable again)."""
        if recorded.get("g") is not g:
            # one node per input, so that an input given twice (h(0) = c(0)) gets each share
            proxies = [ops.reshape(t, t.shape) for t in inputs]
            parts, (wi, wh, *b) = proxies[1 : 1 + len(initial)], proxies[1 + len(initial) :]
            replay = (wi, wh, b[0] if b else None)
            unrolled = unroll(lambda u, state: step(u, state, replay), proxies[0], tuple(parts),
                              reverse, truncate)
            found = backpropagate(_pack(unrolled, reverse), g, proxies, create_graph=True)
            recorded.update(g=g, grads=[found.get(p, Tensor(np.zeros_like(p.data)))
                                        for p in proxies])
        return recorded["grads"]

    def edge(k: int, t: Tensor) -> tuple[Tensor, Callable[[Tensor, Tensor], Any]]:
        def vjp(g: Tensor, out: Tensor) -> Any:
            return gradients_recorded(g)[k] if is_grad_enabled() else rules[k](g)

        return t, vjp

    return record(packed, *(edge(k, t) for k, t in enumerate(inputs)))


def _stacked(weights: Weights, dtype: np.dtype) -> np.ndarray:
    """W = [b, W^in, W^h] of shape (width, 1 + input_size + hidden_size), C-contiguous:
    the per-step product W x with a Fortran-ordered W (the parameters' transposes stacked
    by np.hstack) takes OpenBLAS's slower path: 38 against 23 ms for 100 steps at hidden
    size 256 in float32, a third of an LSTM's forward pass."""
    weight_input, weight_hidden, bias = weights
    n_in, width = weight_input.shape
    (stacked,) = carve(dtype, (width, 1 + n_in + weight_hidden.shape[0]))
    stacked[:, 0] = 0 if bias is None else bias.data
    transpose_into(stacked[:, 1 : 1 + n_in], weight_input.data)  # (NumPy's copy: 8 times
    transpose_into(stacked[:, 1 + n_in :], weight_hidden.data)  # as long at hidden size 256)
    return stacked


def _pack(states: Sequence[State], reverse: bool) -> Tensor:
    """The unrolled states in the primitive's layout: the outputs h(n) in time order, then
    the final values of the other parts, flat."""
    ordered = states[::-1] if reverse else states
    outputs = ops.stack([state[0] for state in ordered], axis=1)
    return ops.concatenate([part.reshape(-1) for part in (outputs, *states[-1][1:])])
