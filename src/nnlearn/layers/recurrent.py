"""What every recurrent layer shares: sequences in, layers and directions, the state, the readout.

A recurrent layer reads a batch of sequences of shape (n_samples, n_steps, input_size)
(batch first, as PyTorch's ``batch_first=True``), or one sequence (n_steps, input_size),
and applies its cell once per time step, carrying a state from step to step.
``loss.backward()`` is backpropagation through time (BPTT); ``truncate=k`` stops the
gradients every k steps (truncated BPTT). Each layer and direction runs as one
primitive with compiled loops (:mod:`nnlearn.layers.sequence`) where the cell has
them, and unrolled op by op otherwise; both give the same values and gradients.

As in PyTorch, layers can be stacked (``num_layers``: layer l reads the outputs of
layer l − 1, with ``dropout`` between them while training) and doubled
(``bidirectional``: a second cell reads each sequence backwards, and the outputs of
both directions are concatenated).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn import activations, init
from nnlearn.autodiff import ops
from nnlearn.autodiff.tensor import Tensor
from nnlearn.checks import check_integer, check_real, check_real_array
from nnlearn.equations import implements
from nnlearn.layers.dropout import dropout
from nnlearn.layers.module import Module, Parameter
from nnlearn.layers.registration import register_layer
from nnlearn.layers.sequence import Cell, State, Weights, sequence, unroll

TEST = "tests/test_recurrent_stacked.py"


def check_flag(value: Any, name: str) -> bool:
    """``value`` if it is a bool (NumPy's too), else a ``TypeError`` naming ``name``."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def as_tensor(value: Tensor | ArrayLike, name: str, dtype: np.dtype) -> Tensor:
    """``value`` as a Tensor of ``dtype``: arrays checked (real, finite), Tensors converted."""
    if isinstance(value, Tensor):
        return value if value.dtype == dtype else ops.astype(value, dtype)
    return Tensor(check_real_array(value, name, dtype=dtype))


def parameter_suffix(layer: int, direction: int) -> str:
    """The suffix of the parameters of a layer and direction, as PyTorch's without ``_l0``:
    "" for the first layer's forward cell, then "_reverse", "_l1", "_l1_reverse", ..."""
    return (f"_l{layer}" if layer else "") + ("_reverse" if direction else "")


class Recurrent(Module):
    """Base class of :class:`~nnlearn.layers.RNN` and :class:`~nnlearn.layers.LSTM`.

    Subclasses set ``state_names`` and ``n_blocks`` (the blocks of the potentials: 1 for
    the RNN, the LSTM's 4 gates), and define ``state_sizes``, ``cell_step(u, state,
    weights)`` (one time step op by op) and ``cell()`` (the compiled loops, or None).

    Parameters
    ----------
    input_size, hidden_size : int
    output_size : int, optional
        Size of the readout y(n); None: the layer outputs its hidden vectors h(n).
    output_activation : str or Activation, optional
        f of the readout (None: the identity, for regression).
    bias : bool
        Whether the potentials (and the readout) have biases.
    init : str or callable
        Initializer of every weight matrix, by name from :data:`nnlearn.init.INITIALIZERS`.
    truncate : int, optional
        Truncated BPTT: no gradient flows back through the state more than ``truncate``
        steps (the state is detached every ``truncate`` steps). None: full BPTT.
    num_layers : int
        Stacked layers; layer l reads the outputs of layer l − 1.
    bidirectional : bool
        A second cell per layer reads the sequence from its end; the outputs of both
        directions are concatenated (forward first).
    dropout : float
        While training, dropout with this probability on the outputs of every layer but
        the last (PyTorch's semantics), in [0, 1).
    """

    #: the names of the state's parts, in the order of the state tuple
    state_names: tuple[str, ...] = ()
    #: the blocks of the potentials (the weights have n_blocks · hidden_size columns)
    n_blocks: int = 1

    def __init__(self, input_size: int, hidden_size: int, output_size: int | None,
                 output_activation: str | activations.Activation | None, bias: bool,
                 init: str | Any, truncate: int | None, num_layers: int, bidirectional: bool,
                 dropout: float) -> None:
        self.n_in = check_integer(input_size, "input_size", minimum=1)
        self.n_hidden = check_integer(hidden_size, "hidden_size", minimum=1)
        self.n_out = None if output_size is None else check_integer(output_size, "output_size",
                                                                    minimum=1)
        self.output_activation = activations.get(output_activation)
        self.truncate = None if truncate is None else check_integer(truncate, "truncate",
                                                                    minimum=1)
        self.init = init
        self.has_bias = check_flag(bias, "bias")
        self.num_layers = check_integer(num_layers, "num_layers", minimum=1)
        self.bidirectional = check_flag(bidirectional, "bidirectional")
        self.dropout = check_real(dropout, "dropout", minimum=0)
        if self.dropout >= 1:
            raise ValueError(f"dropout must be a probability in [0, 1), got {self.dropout:g}")
        if self.dropout and self.num_layers == 1:
            warnings.warn(f"{type(self).__name__}: dropout={self.dropout:g} acts between "
                          "layers, and num_layers=1 has none: it changes nothing", stacklevel=3)
        self.dropout_rng: np.random.Generator | None = None

    def config(self) -> dict[str, Any]:
        return {"input_size": self.n_in, "hidden_size": self.n_hidden, "output_size": self.n_out,
                "output_activation": self.output_activation, "bias": self.has_bias,
                "init": self.init, "truncate": self.truncate, "num_layers": self.num_layers,
                "bidirectional": self.bidirectional, "dropout": self.dropout}

    # ----- parameters -----------------------------------------------------------------
    @property
    def n_directions(self) -> int:
        return 2 if self.bidirectional else 1

    def _add_layers(self) -> None:
        """Create W^in, W and b of every layer and direction, in PyTorch's order."""
        width = self.n_blocks * self.n_hidden
        for layer in range(self.num_layers):
            n_in = self.n_in if layer == 0 else self.n_directions * self.n_hidden
            for direction in range(self.n_directions):
                suffix = parameter_suffix(layer, direction)
                setattr(self, "weight_input" + suffix, Parameter(np.zeros((n_in, width))))
                setattr(self, "weight_hidden" + suffix,
                        Parameter(np.zeros((self.n_hidden, width))))
                setattr(self, "bias" + suffix,
                        Parameter(np.zeros(width)) if self.has_bias else None)

    def _add_readout(self) -> None:
        """Create W^out and b^out (after the cells' parameters, in course order)."""
        if self.n_out is not None:
            features = self.n_directions * self.n_hidden
            self.weight_output = Parameter(np.zeros((features, self.n_out)))
            self.bias_output = Parameter(np.zeros(self.n_out)) if self.has_bias else None

    def layer_weights(self, layer: int, direction: int) -> Weights:
        """(W^in, W, b) of a layer and direction (b is None without biases)."""
        suffix = parameter_suffix(layer, direction)
        return (getattr(self, "weight_input" + suffix), getattr(self, "weight_hidden" + suffix),
                getattr(self, "bias" + suffix))

    def reset_parameters(self, random_state: int | np.random.Generator | None = None) -> None:
        """Draw every weight matrix from ``init`` (fans: its two dimensions); biases are 0.
        With dropout, the masks' generator is seeded from the same stream."""
        rng = init.rng_from(random_state)
        draw = init.get(self.init)
        for name, p in self.named_parameters():
            if name.startswith("bias"):
                p.data[...] = 0.0
            else:
                p.data[...] = draw(p.shape, p.shape[0], p.shape[1], rng)
        if self.dropout:
            self.dropout_rng = np.random.default_rng(rng.integers(2**63))

    @property
    def out_features(self) -> int:
        return self.n_directions * self.n_hidden if self.n_out is None else self.n_out

    @property
    def state_sizes(self) -> tuple[int, ...]:
        """The width of each part of the state."""
        raise NotImplementedError

    # ----- one step and the whole sequence ----------------------------------------------
    def cell_step(self, u: Tensor, state: State, weights: Weights) -> State:
        """One time step op by op: the next state from the input u(n) and the state."""
        raise NotImplementedError

    def cell(self) -> Cell | None:
        """The cell's compiled loops over a whole sequence, or None (then it is unrolled)."""
        raise NotImplementedError

    def readout(self, h: Tensor) -> Tensor:
        """y(n) = f(W^out h(n) + b^out), or h(n) itself without a readout."""
        if self.n_out is None:
            return h
        return self.output_activation(ops.linear(h, self.weight_output, self.bias_output))

    def run_direction(self, x: Tensor, initial: State, layer: int,
                      direction: int) -> tuple[Tensor, State]:
        """One layer and direction over the sequences: its outputs h(n) of shape
        (n_samples, n_steps, hidden_size), in time order, and its final state."""
        weights = self.layer_weights(layer, direction)
        reverse = direction == 1
        cell = self.cell() if len(x) else None  # an empty batch has nothing to compile for
        if cell is None:
            states = unroll(lambda u, state: self.cell_step(u, state, weights), x, initial,
                            reverse, self.truncate)
            ordered = states[::-1] if reverse else states
            return ops.stack([state[0] for state in ordered], axis=1), states[-1]
        return sequence(cell, self.cell_step, x, initial, weights, reverse, self.truncate)

    @implements("stacked_recurrent_network", test=f"{TEST}::test_stacked_layers_match_torch")
    @implements("bidirectional_recurrent_network",
                test=f"{TEST}::test_bidirectional_layers_match_torch")
    def outputs(self, x: Tensor, initial: list[State]) -> tuple[Tensor, list[State]]:
        r"""The outputs y(n) of every step and the final state of every layer and direction.

        Layer l reads the outputs of layer l − 1 (dropout between them while training),
        x^{(0)}(n) = u(n); a bidirectional layer's output is the concatenation of a cell
        that reads forwards and one that reads backwards:

        .. math::
            \overrightarrow{h}{}^{(l)}(n) = σ(\overrightarrow{W}{}^{(l)}
                \overrightarrow{h}{}^{(l)}(n−1) + \overrightarrow{W}{}^{in,(l)} x^{(l)}(n) + b),
            \quad
            \overleftarrow{h}{}^{(l)}(n) = σ(\overleftarrow{W}{}^{(l)}
                \overleftarrow{h}{}^{(l)}(n+1) + \overleftarrow{W}{}^{in,(l)} x^{(l)}(n) + b),

            x^{(l+1)}(n) = [\overrightarrow{h}{}^{(l)}(n); \overleftarrow{h}{}^{(l)}(n)]
        """
        finals = []
        for layer in range(self.num_layers):
            if layer and self.dropout and self.training:
                x = dropout(x, self.dropout, self.dropout_rng)
            runs = [self.run_direction(x, initial[layer * self.n_directions + direction],
                                       layer, direction)
                    for direction in range(self.n_directions)]
            finals += [final for _, final in runs]
            x = runs[0][0] if len(runs) == 1 else ops.concatenate([h for h, _ in runs], axis=2)
        return self.readout(x), finals

    def __call__(self, x: Tensor | ArrayLike, state: Any = None,
                 return_state: bool = False) -> Tensor | tuple[Tensor, Any]:
        return self.forward(x, state, return_state)

    def forward(self, x: Tensor | ArrayLike, state: Any = None,
                return_state: bool = False) -> Tensor | tuple[Tensor, Any]:
        """Run the layer over whole sequences.

        ``backward()`` through the outputs is backpropagation through time: for the RNN,
        with a(n) = W x(n−1) + W^in u(n) + b, the error of the state runs backwards,
        δ(n) = ∂L/∂x(n) = ∂L_n/∂x(n) + Wᵀ(σ'(a(n+1)) ⊙ δ(n+1)), and each weight's
        gradient sums over the steps, ∂L/∂W = Σ_n (σ'(a(n)) ⊙ δ(n)) x(n−1)ᵀ.

        Parameters
        ----------
        x : Tensor or array of shape (n_samples, n_steps, input_size)
            Batch first: ``x[i, n]`` is the input u(n) of sequence i. One sequence of
            shape (n_steps, input_size) gives one result without the sample axis.
        state : Tensor, array or tuple of them, optional
            The initial state (the parts ``state_names``), each part of shape
            (num_layers · num_directions, n_samples, size), PyTorch's layout (layer 0
            forward, layer 0 backward, layer 1 forward, ...), or (n_samples, size) for
            a single layer and direction; without the n_samples axis for one sequence.
            None: zeros.
        return_state : bool, default False
            Also return the final state, in the layout of ``state`` (e.g. to continue
            the sequences later).

        Returns
        -------
        Tensor of shape (n_samples, n_steps, out_features)
            The output of every step; with ``return_state``, the pair (outputs, state).
        """
        x, batched = self._sequences(x)
        y, finals = self.outputs(x, self._initial_state(x, state, batched))
        if not batched:
            y = y[0]
        return (y, self._final_state(finals, batched)) if return_state else y

    # ----- shapes in and out -------------------------------------------------------------
    def _sequences(self, x: Tensor | ArrayLike) -> tuple[Tensor, bool]:
        """x as a batch of sequences of the layer's dtype, and whether it was a batch."""
        x = as_tensor(x, "input", self.dtype)
        if x.ndim not in (2, 3) or x.shape[-1] != self.n_in or x.shape[-2] == 0:
            raise ValueError(
                f"{type(self).__name__}: input of shape {x.shape}; expected (n_samples, "
                f"n_steps, input_size), or (n_steps, input_size) for one sequence, with "
                f"input_size {self.n_in} and at least one step"
            )
        return (x, True) if x.ndim == 3 else (x.reshape(1, *x.shape), False)

    @property
    def _n_cells(self) -> int:
        return self.num_layers * self.n_directions

    def _initial_state(self, x: Tensor, state: Any, batched: bool) -> list[State]:
        """The initial state of every layer and direction, each part (n_samples, size)."""
        n_samples = x.shape[0]
        if state is None:
            zeros = tuple(Tensor(np.zeros((n_samples, size), x.dtype))
                          for size in self.state_sizes)
            return [zeros] * self._n_cells
        names = self.state_names
        given = (state,) if len(names) == 1 else state
        if not isinstance(given, tuple | list) or len(given) != len(names):
            raise ValueError(f"{type(self).__name__}: initial state of type "
                             f"{type(state).__name__}; expected {' and '.join(names)}")
        per_part = [self._state_part(as_tensor(part, f"initial state {name}", x.dtype), name,
                                     size, n_samples, batched)
                    for part, name, size in zip(given, names, self.state_sizes, strict=True)]
        return [tuple(part[k] for part in per_part) for k in range(self._n_cells)]

    def _state_part(self, part: Tensor, name: str, size: int, n_samples: int,
                    batched: bool) -> list[Tensor]:
        """One part of the initial state split by layer and direction, each (n_samples, size)."""
        cells = self._n_cells
        full = (cells, n_samples, size) if batched else (cells, size)
        if part.shape == full:
            per_cell = part if batched else part.reshape(cells, 1, size)
            return [per_cell[k] for k in range(cells)]
        if cells == 1 and part.shape == full[1:]:
            return [part if batched else part.reshape(1, size)]
        shapes = f"{full}" + (f" or {full[1:]}" if cells == 1 else "")
        raise ValueError(f"{type(self).__name__}: initial state {name} of shape {part.shape}; "
                         f"expected {shapes} (the parts {' and '.join(self.state_names)})")

    def _final_state(self, finals: list[State], batched: bool) -> Any:
        """The final state in the layout of the initial one."""
        parts = []
        for k in range(len(self.state_names)):
            part = finals[0][k] if len(finals) == 1 else ops.stack([f[k] for f in finals], 0)
            parts.append(part if batched else part[..., 0, :])
        return parts[0] if len(parts) == 1 else tuple(parts)

    def extra_repr(self) -> str:
        out = "" if self.n_out is None else f" → {self.n_out}"
        options = [("bias=False", not self.has_bias),
                   (f"truncate={self.truncate}", self.truncate is not None),
                   (f"num_layers={self.num_layers}", self.num_layers > 1),
                   ("bidirectional=True", self.bidirectional),
                   (f"dropout={self.dropout:g}", bool(self.dropout))]
        return f"{self.n_in} → {self.n_hidden}{out}" + "".join(
            f", {text}" for text, shown in options if shown)


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
