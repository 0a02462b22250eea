"""The course's recurrent neural network, with and without output feedback."""

from __future__ import annotations

from typing import Any

import numpy as np

from nnlearn import activations
from nnlearn.autodiff import ops
from nnlearn.autodiff.tensor import Tensor
from nnlearn.equations import implements
from nnlearn.layers.module import Parameter
from nnlearn.layers.recurrent import Recurrent, check_flag
from nnlearn.layers.registration import register_layer
from nnlearn.layers.sequence import Cell, State, Weights, unroll

TEST = "tests/test_recurrent_rnn.py"


@implements("rnn_update_equation", test=f"{TEST}::test_free_run_is_the_rnn_update_equation")
@implements("recurrent_neural_network_update_equations",
            test=f"{TEST}::test_rnn_matches_numpy_equations")
@implements("recurrent_neural_network_with_output_feedback",
            test=f"{TEST}::test_rnn_matches_numpy_equations")
@implements("recursive_definition_of_recurrent_neural_networks",
            test=f"{TEST}::test_unrolled_rnn_is_the_recursive_definition")
@register_layer
class RNN(Recurrent):
    r"""A recurrent neural network (Elman), optionally with output feedback (Jordan).

    The course's update equations, for each time step n = 1, ..., n_steps:

    .. math::
        x(n) = σ(W x(n−1) + W^{in} u(n) + b), \qquad y(n) = f(W^{out} x(n) + b^{out})

    and with ``feedback=True`` the output of the previous step enters the state as well:

    .. math::
        x(n) = σ(W x(n−1) + W^{in} u(n) + W^{fb} y(n−1) + b)

    Vectors are rows here (as in :class:`~nnlearn.layers.Dense`), so each weight matrix is
    stored as the transpose of the course's: ``x(n) = σ(x(n−1) @ weight_hidden + u(n) @
    weight_input + y(n−1) @ weight_feedback + bias)``. Unrolled, x(n) is the course's
    recursive definition σ(W σ(W x(n−2) + W^in u(n−1)) + W^in u(n)), and
    backpropagation through time runs back over it: for σ among tanh, relu, the logistic
    and the identity as compiled loops over the whole sequence
    (:mod:`nnlearn.layers.rnn_kernels`), for the other activations and with feedback over
    the unrolled graph of the engine; both give the same values and gradients.

    Parameters
    ----------
    input_size, hidden_size : int
        Sizes of u(n) and of the state x(n).
    output_size : int, optional
        Size of y(n) (the readout W^out); None: the layer outputs the states x(n), as
        ``torch.nn.RNN`` does. Required with ``feedback=True``.
    activation : str or Activation, default "tanh"
        σ, by name from :data:`nnlearn.activations.ACTIVATIONS`.
    output_activation : str or Activation, optional
        f of the readout; None is the identity.
    feedback : bool, default False
        Feed y(n−1) back into the state through W^fb (output feedback).
    bias : bool, default True
        Whether the state (and the readout) have biases b (and b^out); the course's
        readout y = f(W^out x) has none: ``bias=False`` gives exactly it.
    init : str or callable, default "glorot_uniform"
        Initializer of every weight matrix; biases start at zero.
    truncate : int, optional
        Truncated BPTT: detach the state every ``truncate`` steps. None: full BPTT.
    num_layers, bidirectional, dropout : int, bool, float, default 1, False, 0.0
        PyTorch's stacked layers, second direction and dropout between layers, as
        :class:`~nnlearn.layers.Recurrent` describes them.
    random_state : int, Generator or None
        Seeds the initial weights (and the dropout masks).

    Attributes
    ----------
    weight_input : Parameter of shape (input_size, hidden_size)
        (W^in)ᵀ.
    weight_hidden : Parameter of shape (hidden_size, hidden_size)
        Wᵀ, the recurrent weights.
    bias : Parameter of shape (hidden_size,) or None
    weight_input_l1, weight_hidden_reverse, bias_l1_reverse, ... : Parameter
        The same of the other layers and directions, named as PyTorch's without ``_l0``
        (``weight_ih_l1`` ↔ ``weight_input_l1``ᵀ); layer l > 0 reads
        num_directions · hidden_size inputs.
    weight_feedback : Parameter of shape (output_size, hidden_size)
        (W^fb)ᵀ, only with ``feedback=True``.
    weight_output : Parameter of shape (num_directions · hidden_size, output_size)
        (W^out)ᵀ, only with ``output_size``.
    bias_output : Parameter of shape (output_size,) or None

    Notes
    -----
    The state is x(n) of shape (n_samples, hidden_size), or with feedback the pair
    (x(n), y(n)) (``state_names``); both start at zero unless given. With several
    layers or directions it has PyTorch's layout (num_layers · num_directions,
    n_samples, hidden_size). PyTorch's two biases b_ih + b_hh are the one bias b here.

    Examples
    --------
    >>> import numpy as np, nnlearn as nl
    >>> rnn = nl.RNN(input_size=2, hidden_size=4, output_size=1, random_state=0)
    >>> u = np.zeros((3, 5, 2))          # 3 sequences of 5 steps of 2 inputs
    >>> y, x = rnn(u, return_state=True)
    >>> y.shape, x.shape
    ((3, 5, 1), (3, 4))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        output_size: int | None = None,
        activation: str | activations.Activation = "tanh",
        output_activation: str | activations.Activation | None = None,
        feedback: bool = False,
        bias: bool = True,
        init: str | Any = "glorot_uniform",
        truncate: int | None = None,
        num_layers: int = 1,
        bidirectional: bool = False,
        dropout: float = 0.0,
        random_state: int | np.random.Generator | None = None,
    ) -> None:
        super().__init__(input_size, hidden_size, output_size, output_activation, bias, init,
                         truncate, num_layers, bidirectional, dropout)
        self.activation = activations.get(activation)
        self.feedback = check_flag(feedback, "feedback")
        if self.feedback and (output_size is None or self.num_layers > 1 or self.bidirectional):
            raise ValueError(
                "RNN: feedback=True feeds the readout y(n−1) back into the one layer, so it "
                f"needs output_size, num_layers=1 and bidirectional=False; got output_size="
                f"{output_size}, num_layers={self.num_layers}, bidirectional={self.bidirectional}"
            )
        self.state_names = ("x", "y") if self.feedback else ("x",)
        self._add_layers()
        if self.feedback:
            self.weight_feedback = Parameter(np.zeros((self.n_out, self.n_hidden)))
        self._add_readout()
        self.reset_parameters(random_state)

    def config(self) -> dict[str, Any]:
        return {**super().config(), "activation": self.activation, "feedback": self.feedback}

    @property
    def state_sizes(self) -> tuple[int, ...]:
        return (self.n_hidden, self.n_out) if self.feedback else (self.n_hidden,)

    def cell_step(self, u: Tensor, state: State, weights: Weights) -> State:
        """x(n) = σ(W x(n−1) + W^in u(n) [+ W^fb y(n−1)] + b), and with feedback y(n)."""
        weight_input, weight_hidden, bias = weights
        potential = ops.linear(u, weight_input, bias) + ops.linear(state[0], weight_hidden)
        if self.feedback:
            potential = potential + ops.linear(state[1], self.weight_feedback)
        x = self.activation(potential)
        return (x, self.readout(x)) if self.feedback else (x,)

    def cell(self) -> Cell | None:
        """The compiled loops, for σ among :data:`~nnlearn.layers.rnn_kernels.ACTIVATION_CODES`
        (PyTorch's tanh and relu, the logistic, the identity) without output feedback."""
        from nnlearn.layers.rnn_kernels import ACTIVATION_CODES, RNNCell  # compiled: on use

        known = self.activation.name in ACTIVATION_CODES and not self.activation.options
        return RNNCell(self.activation.name) if known and not self.feedback else None

    def outputs(self, x: Tensor, initial: list[State]) -> tuple[Tensor, list[State]]:
        """With feedback the readout is part of the step: the outputs are the y(n)."""
        if not self.feedback:
            return super().outputs(x, initial)
        weights = self.layer_weights(0, 0)
        states = unroll(lambda u, state: self.cell_step(u, state, weights), x, initial[0],
                        False, self.truncate)
        return ops.stack([y for _, y in states], axis=1), [states[-1]]

    def extra_repr(self) -> str:
        feedback = ", feedback=True" if self.feedback else ""
        return f"{super().extra_repr()}, activation={self.activation.name!r}{feedback}"
