"""What every recurrent layer shares: sequences in, the unrolled loop, the state, the readout.

A recurrent layer reads a batch of sequences of shape (n_samples, n_steps, input_size)
(batch first, as PyTorch's ``batch_first=True``) and applies one ``step`` per time step,
carrying a state from step to step. The loop is unrolled into the autodiff graph, so
``loss.backward()`` *is* backpropagation through time (BPTT); ``truncate=k`` cuts the
graph every k steps (truncated BPTT). The engine's backward is iterative, so unrolls of
thousands of steps backpropagate without recursion limits.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn import activations, init
from nnlearn.autodiff import ops
from nnlearn.autodiff.tensor import Tensor
from nnlearn.equations import implements
from nnlearn.layers.module import Module, Parameter, positive_int, register_layer

State = Tensor | tuple[Tensor, ...]


class Recurrent(Module):
    """Base class of :class:`~nnlearn.layers.RNN` and :class:`~nnlearn.layers.LSTM`.

    Subclasses set ``state_names`` and define ``state_sizes`` and ``step(u, state)``, which
    maps the input u(n) of shape (n_samples, input_size) and the state tuple to the next
    state tuple and the step's output y(n) (``readout`` of the hidden vector: the readout
    y(n) = f(W^out h(n) + b^out) when ``output_size`` is given, else h(n) itself).

    Parameters
    ----------
    input_size, hidden_size : int
    output_size : int, optional
        Size of the readout y(n); None: the layer outputs its hidden vector h(n).
    output_activation : str or Activation, optional
        f of the readout (None: the identity, for regression).
    bias : bool
        Whether the potentials (and the readout) have biases.
    init : str or callable
        Initializer of every weight matrix, by name from :data:`nnlearn.init.INITIALIZERS`.
    truncate : int, optional
        Truncated BPTT: the state is detached from the graph every ``truncate`` steps, so
        gradients flow back at most that far. None: full BPTT.
    """

    #: the names of the state's parts, in the order of the state tuple
    state_names: tuple[str, ...] = ()

    def __init__(self, input_size: int, hidden_size: int, output_size: int | None,
                 output_activation: str | activations.Activation | None, bias: bool,
                 init: str | Any, truncate: int | None) -> None:
        self.n_in = positive_int("input_size", input_size)
        self.n_hidden = positive_int("hidden_size", hidden_size)
        self.n_out = None if output_size is None else positive_int("output_size", output_size)
        self.output_activation = activations.get(output_activation)
        self.truncate = None if truncate is None else positive_int("truncate", truncate)
        self.init = init
        self.has_bias = bool(bias)

    def config(self) -> dict[str, Any]:
        return {"input_size": self.n_in, "hidden_size": self.n_hidden, "output_size": self.n_out,
                "output_activation": self.output_activation, "bias": self.has_bias,
                "init": self.init, "truncate": self.truncate}

    def _add_readout(self) -> None:
        """Create W^out and b^out (after the subclass's own parameters, in course order)."""
        if self.n_out is not None:
            self.weight_output = Parameter(np.zeros((self.n_hidden, self.n_out)))
            self.bias_output = Parameter(np.zeros(self.n_out)) if self.has_bias else None

    # ----- parameters -----------------------------------------------------------------
    def reset_parameters(self, random_state: int | np.random.Generator | None = None) -> None:
        """Draw every weight matrix from ``init`` (fans: its two dimensions); biases are 0."""
        rng = init.rng_from(random_state)
        draw = init.get(self.init)
        for name, p in self.named_parameters():
            if name.startswith("bias"):
                p.data[...] = 0.0
            else:
                p.data[...] = draw(p.shape, p.shape[0], p.shape[1], rng)

    @property
    def out_features(self) -> int:
        return self.n_hidden if self.n_out is None else self.n_out

    @property
    def state_sizes(self) -> tuple[int, ...]:
        """The width of each part of the state."""
        raise NotImplementedError

    # ----- the unrolled loop ----------------------------------------------------------
    def step(self, u: Tensor, state: tuple[Tensor, ...]) -> tuple[tuple[Tensor, ...], Tensor]:
        """One time step: (next state, output y(n))."""
        raise NotImplementedError

    def readout(self, h: Tensor) -> Tensor:
        """y(n) = f(W^out h(n) + b^out), or h(n) itself without a readout."""
        if self.n_out is None:
            return h
        return self.output_activation(ops.linear(h, self.weight_output, self.bias_output))

    def __call__(self, x: Tensor | ArrayLike, state: State | ArrayLike | None = None,
                 return_state: bool = False) -> Tensor | tuple[Tensor, State]:
        if not isinstance(x, Tensor):
            x = Tensor(np.asarray(x, dtype=self.dtype))
        return self.forward(x, state, return_state)

    @implements("backpropagation_through_time",
                test="tests/test_recurrent_rnn.py::test_bptt_is_the_delta_recursion_through_time")
    def forward(self, x: Tensor, state: State | ArrayLike | None = None,
                return_state: bool = False) -> Tensor | tuple[Tensor, State]:
        """Run the layer over whole sequences, unrolled into the autodiff graph.

        ``backward()`` through the outputs is backpropagation through time: for the RNN,
        with a(n) = W x(n−1) + W^in u(n) + b, the error of the state runs backwards,
        δ(n) = ∂L/∂x(n) = ∂L_n/∂x(n) + Wᵀ(σ'(a(n+1)) ⊙ δ(n+1)), and each weight's
        gradient sums over the steps, ∂L/∂W = Σ_n (σ'(a(n)) ⊙ δ(n)) x(n−1)ᵀ.

        Parameters
        ----------
        x : Tensor of shape (n_samples, n_steps, input_size)
            Batch first: ``x[i, n]`` is the input u(n) of sequence i.
        state : Tensor or tuple of Tensors, optional
            The initial state (see ``state_names``), each part of shape
            (n_samples, size); None: zeros.
        return_state : bool, default False
            Also return the final state (in the layout of ``state``), e.g. to continue the
            sequences later.

        Returns
        -------
        Tensor of shape (n_samples, n_steps, out_features)
            The output of every step; with ``return_state``, the pair (outputs, state).
        """
        name = type(self).__name__
        if x.ndim != 3 or x.shape[2] != self.n_in or x.shape[1] == 0:
            raise ValueError(
                f"{name}: input of shape {x.shape}; expected (n_samples, n_steps, input_size) "
                f"with input_size {self.n_in} and at least one step"
            )
        parts = self._initial_state(x, state)
        outputs = []
        for n in range(x.shape[1]):
            u = x[:, n]
            if self.truncate is not None and n and n % self.truncate == 0:
                parts = tuple(part.detach() for part in parts)
            parts, y = self.step(u, parts)
            outputs.append(y)
        sequence = ops.stack(outputs, axis=1)
        if not return_state:
            return sequence
        return sequence, parts[0] if len(parts) == 1 else parts

    def _initial_state(self, x: Tensor, state: State | ArrayLike | None) -> tuple[Tensor, ...]:
        """The state as a tuple of tensors of x's dtype: zeros, or ``state`` checked."""
        n_samples, sizes = x.shape[0], self.state_sizes
        if state is None:
            return tuple(Tensor(np.zeros((n_samples, size), dtype=x.dtype)) for size in sizes)
        given = (state,) if len(sizes) == 1 else state
        expected = tuple((n_samples, size) for size in sizes)
        parts = tuple(ops.lift(p, x) for p in given) if isinstance(given, tuple | list) else ()
        if tuple(p.shape for p in parts) != expected:
            shapes = tuple(p.shape for p in parts)
            got = f"shapes {shapes}" if parts else f"type {type(state).__name__}"
            raise ValueError(
                f"{type(self).__name__}: initial state of {got}; expected "
                f"{' and '.join(self.state_names)} of shapes {expected}"
            )
        return parts

    def extra_repr(self) -> str:
        out = "" if self.n_out is None else f" → {self.n_out}"
        bias = "" if self.has_bias else ", bias=False"
        truncate = "" if self.truncate is None else f", truncate={self.truncate}"
        return f"{self.n_in} → {self.n_hidden}{out}{bias}{truncate}"


@register_layer
class LastStep(Module):
    """The output of each sequence's last step: (n_samples, n_steps, f) → (n_samples, f).

    A recurrent layer emits an output at every step; a many-to-one task (one label per
    sequence) reads the last one, as in
    ``nl.Sequential(nl.LSTM(1, 16), nl.LastStep(), nl.Dense(16, 2))``.
    """

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim != 3 or x.shape[1] == 0:
            raise ValueError(
                f"LastStep: input of shape {x.shape}; expected (n_samples, n_steps, features) "
                "with at least one step"
            )
        return x[:, -1]

    def config(self) -> dict[str, Any]:
        return {}
