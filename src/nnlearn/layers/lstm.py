"""Long short-term memory: a memory cell behind input, forget and output gates."""

from __future__ import annotations

from typing import Any

import numpy as np

from nnlearn import activations
from nnlearn.autodiff import ops
from nnlearn.autodiff.tensor import Tensor
from nnlearn.checks import check_real
from nnlearn.equations import implements
from nnlearn.layers.recurrent import Recurrent
from nnlearn.layers.registration import register_layer
from nnlearn.layers.sequence import Cell, State, Weights

TEST = "tests/test_recurrent_lstm.py"
COURSE = f"{TEST}::test_course_lstm_matches_numpy_equations"

#: the cell input u and the cell output: (activation of u, squashing of c before the output gate)
VARIANTS = {"pytorch": ("tanh", "tanh"), "course": ("sigmoid", None)}


@implements("input_neuron_of_an_lstm", test=COURSE)
@implements("input_gate_of_an_lstm", test=COURSE)
@implements("forget_gate_of_an_lstm", test=COURSE)
@implements("output_gate_of_an_lstm", test=COURSE)
@implements("update_of_a_memory_cell_in_an_lstm", test=COURSE)
@implements("output_of_an_lstm", test=COURSE)
@implements("lstm_with_squashed_cell", test=f"{TEST}::test_lstm_matches_torch")
@register_layer
class LSTM(Recurrent):
    r"""A long short-term memory layer (Hochreiter & Schmidhuber, 1997; forget gate: Gers 2000).

    Each step reads x = [u(n+1); h(n)], the input and the previous output, and computes
    three gates and an input neuron, each σ(W [1; x]) with its own weights:

    .. math::
        g^{input}(n+1) = σ(W^{g^{input}}[1; x]), \quad
        g^{forget}(n+1) = σ(W^{g^{forget}}[1; x]), \quad
        g^{output}(n+1) = σ(W^{g^{output}}[1; x])

        u(n+1) = φ(W^u [1; x]), \qquad
        c(n+1) = g^{forget}(n+1) ⊙ c(n) + g^{input}(n+1) ⊙ u(n+1)

        h(n+1) = g^{output}(n+1) ⊙ ψ(c(n+1))

    ``variant="course"`` is the lecture's LSTM: the input neuron is logistic (φ = σ) and
    the output is the gated cell itself, y(n) = g^{output}(n) · c(n) (ψ = identity).
    ``variant="pytorch"`` (the default) is ``torch.nn.LSTM``'s: φ = ψ = tanh, which
    lets the cell input be negative and keeps the output in (−1, 1).

    The four weight blocks are stored side by side, in PyTorch's order (input gate,
    forget gate, input neuron, output gate), transposed for row vectors: the potentials
    of all four are ``u(n+1) @ weight_input + h(n) @ weight_hidden + bias``. The whole
    sequence runs as compiled loops (:mod:`nnlearn.layers.lstm_kernels`).

    Parameters
    ----------
    input_size, hidden_size : int
        Sizes of u(n) and of the cell c(n) (and output h(n)).
    output_size : int, optional
        Size of a readout y(n) = f(W^out h(n) + b^out); None: the layer outputs h(n).
    output_activation : str or Activation, optional
        f of the readout; None is the identity.
    variant : {"pytorch", "course"}, default "pytorch"
    bias : bool, default True
    forget_bias : float, default 1.0
        Initial bias of the forget gate: σ(1) ≈ 0.73 keeps the memory by default at the
        start of training (Jozefowicz et al., 2015); the other biases start at zero.
    init : str or callable, default "glorot_uniform"
        Initializer of the weight matrices.
    truncate : int, optional
        Truncated BPTT: detach the state every ``truncate`` steps. None: full BPTT.
    num_layers, bidirectional, dropout : int, bool, float, default 1, False, 0.0
        PyTorch's stacked layers, second direction and dropout between layers, as
        :class:`~nnlearn.layers.Recurrent` describes them.
    random_state : int, Generator or None
        Seeds the initial weights (and the dropout masks).

    Attributes
    ----------
    weight_input : Parameter of shape (input_size, 4 * hidden_size)
    weight_hidden : Parameter of shape (hidden_size, 4 * hidden_size)
    bias : Parameter of shape (4 * hidden_size,) or None
    weight_input_l1, weight_hidden_reverse, bias_l1_reverse, ... : Parameter
        The same of the other layers and directions, named as PyTorch's without ``_l0``
        (``weight_ih_l1`` ↔ ``weight_input_l1``ᵀ); layer l > 0 reads
        num_directions · hidden_size inputs.
    weight_output, bias_output : Parameters of the readout, only with ``output_size``

    Notes
    -----
    The state is the pair (h(n), c(n)), each of shape (n_samples, hidden_size), zeros
    unless given, as ``torch.nn.LSTM``'s (h, c) without its layer axis (which it may
    have); with several layers or directions, PyTorch's layout (num_layers ·
    num_directions, n_samples, hidden_size). PyTorch's two biases b_ih + b_hh are the
    one bias here.

    Examples
    --------
    >>> import numpy as np, nnlearn as nl
    >>> lstm = nl.LSTM(input_size=1, hidden_size=8, random_state=0)
    >>> h_all, (h, c) = lstm(np.ones((2, 10, 1)), return_state=True)
    >>> h_all.shape, h.shape, c.shape
    ((2, 10, 8), (2, 8), (2, 8))
    >>> deep = nl.LSTM(1, 8, num_layers=2, bidirectional=True, random_state=0)
    >>> out, (h, c) = deep(np.ones((10, 1)), return_state=True)   # one sequence
    >>> out.shape, h.shape
    ((10, 16), (4, 8))
    """

    state_names = ("h", "c")
    n_blocks = 4

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        output_size: int | None = None,
        output_activation: str | activations.Activation | None = None,
        variant: str = "pytorch",
        bias: bool = True,
        forget_bias: float = 1.0,
        init: str | Any = "glorot_uniform",
        truncate: int | None = None,
        num_layers: int = 1,
        bidirectional: bool = False,
        dropout: float = 0.0,
        random_state: int | np.random.Generator | None = None,
    ) -> None:
        if variant not in VARIANTS:
            raise ValueError(f"LSTM: variant must be one of {sorted(VARIANTS)}, got {variant!r}")
        super().__init__(input_size, hidden_size, output_size, output_activation, bias, init,
                         truncate, num_layers, bidirectional, dropout)
        self.variant = variant
        cell_input, cell_output = VARIANTS[variant]
        self.cell_input_activation = activations.get(cell_input)
        self.cell_output_activation = activations.get(cell_output)
        self.forget_bias = check_real(forget_bias, "forget_bias")
        self._add_layers()
        self._add_readout()
        self.reset_parameters(random_state)

    def config(self) -> dict[str, Any]:
        return {**super().config(), "variant": self.variant, "forget_bias": self.forget_bias}

    def reset_parameters(self, random_state: int | np.random.Generator | None = None) -> None:
        """Draw the weights from ``init``; biases zero except the forget gates'."""
        super().reset_parameters(random_state)
        for layer in range(self.num_layers):
            for direction in range(self.n_directions):
                bias = self.layer_weights(layer, direction)[2]
                if bias is not None:
                    bias.data[self.n_hidden : 2 * self.n_hidden] = self.forget_bias

    @property
    def state_sizes(self) -> tuple[int, ...]:
        return (self.n_hidden, self.n_hidden)

    def cell_step(self, u: Tensor, state: State, weights: Weights) -> State:
        """The gates from [u(n+1); h(n)], then c(n+1) and h(n+1)."""
        weight_input, weight_hidden, bias = weights
        h, c = state
        n = self.n_hidden
        potential = ops.linear(u, weight_input, bias) + ops.linear(h, weight_hidden)
        gate_input = ops.sigmoid(potential[:, :n])
        gate_forget = ops.sigmoid(potential[:, n : 2 * n])
        cell_input = self.cell_input_activation(potential[:, 2 * n : 3 * n])
        gate_output = ops.sigmoid(potential[:, 3 * n :])
        c = gate_forget * c + gate_input * cell_input
        return gate_output * self.cell_output_activation(c), c

    def cell(self) -> Cell:
        """The compiled loops (loaded on first use, as all compiled code)."""
        from nnlearn.layers.lstm_kernels import LSTMCell

        return LSTMCell(course=self.variant == "course")

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, variant={self.variant!r}"
