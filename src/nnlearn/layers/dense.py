"""Fully connected layers and the ways of joining layers into a network."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from nnlearn import activations, init
from nnlearn.autodiff import ops
from nnlearn.autodiff.tensor import Tensor
from nnlearn.checks import check_integer
from nnlearn.equations import implements
from nnlearn.layers.module import Module, Parameter, check_features, positive_int
from nnlearn.layers.registration import register_layer

TEST = "tests/test_layers_torch.py"


@register_layer
@implements("activation_of_a_layer", test=f"{TEST}::test_dense_matches_torch")
@implements("activation_of_a_neuron", test=f"{TEST}::test_dense_matches_torch")
@implements("backpropagation_unit_potential", test=f"{TEST}::test_dense_matches_torch")
@implements("neuron_potential_to_activation", test=f"{TEST}::test_dense_matches_torch")
@implements("activation_of_the_output_layer", test=f"{TEST}::test_dense_matches_torch")
class Dense(Module):
    """A fully connected layer: x^κ = σ(x^{κ−1} W + b), the course's "activation of a layer".

    The potential of neuron i is a_i = Σ_j W_ji x_j + b_i and its activation σ(a_i).
    ``weight`` has shape (in_features, out_features), one column per neuron, as in the
    course ("Shape of W: (2, 5), (5, 2), (2, 1)").

    Parameters
    ----------
    in_features, out_features : int
        Inputs per neuron and the number of neurons.
    activation : str or Activation, optional
        σ, by name from :data:`nnlearn.activations.ACTIVATIONS`; ``None`` is the identity
        (the course's linear output layer y = W x).
    bias : bool, default True
        Whether the layer has a bias b of shape (out_features,).
    init : str or callable, default "glorot_uniform"
        The weight initializer, by name from :data:`nnlearn.init.INITIALIZERS`.
    bias_init : str or callable, default "zeros"
    random_state : int, Generator or None
        Seeds the initial weights.

    Examples
    --------
    >>> import nnlearn as nl
    >>> layer = nl.Dense(2, 5, activation="relu", random_state=0)
    >>> layer.weight.shape, layer.bias.shape, layer(nl.tensor([[1.0, 2.0]])).shape
    ((2, 5), (5,), (1, 5))
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        activation: str | activations.Activation | None = None,
        bias: bool = True,
        init: str | Any = "glorot_uniform",
        bias_init: str | Any = "zeros",
        random_state: int | np.random.Generator | None = None,
    ) -> None:
        self.n_in = positive_int("in_features", in_features)
        self.n_out = positive_int("out_features", out_features)
        self.activation = activations.get(activation)
        self.init, self.bias_init = init, bias_init
        self.weight = Parameter(np.zeros((self.n_in, self.n_out)))
        self.bias = Parameter(np.zeros(self.n_out)) if bias else None
        self.reset_parameters(random_state)

    def reset_parameters(self, random_state: int | np.random.Generator | None = None) -> None:
        """Draw the weights (and bias) from the initializers."""
        rng = init.rng_from(random_state)
        shape = (self.n_in, self.n_out)
        self.weight.data[...] = init.get(self.init)(shape, self.n_in, self.n_out, rng)
        if self.bias is not None:
            bias = init.get(self.bias_init)((self.n_out,), self.n_in, self.n_out, rng)
            self.bias.data[...] = bias

    def forward(self, x: Tensor) -> Tensor:
        check_features("Dense", x, self.n_in)
        if self.activation.fused_layer is not None:  # σ(xW + b) as one primitive (ReLU)
            return self.activation.fused_layer(x, self.weight, self.bias)
        return self.activation(ops.linear(x, self.weight, self.bias))

    def config(self) -> dict[str, Any]:
        return {"in_features": self.n_in, "out_features": self.n_out,
                "activation": self.activation, "bias": self.bias is not None,
                "init": self.init, "bias_init": self.bias_init}

    def extra_repr(self) -> str:
        bias = "" if self.bias is not None else ", bias=False"
        return f"{self.n_in} → {self.n_out}, activation={self.activation.name!r}{bias}"


@register_layer
class Sequential(Module):
    """Layers applied one after the other: x^κ = f_κ(x^{κ−1}).

    Examples
    --------
    >>> import nnlearn as nl
    >>> net = nl.Sequential(nl.Dense(2, 2, activation="sigmoid"), nl.Dense(2, 1))
    >>> [name for name, _ in net.named_parameters()]
    ['0.weight', '0.bias', '1.weight', '1.bias']
    """

    def __init__(self, *layers: Module) -> None:
        for i, layer in enumerate(layers):
            _check_layer(layer, f"layer {i}")
        self.layers = list(layers)

    def append(self, layer: Module) -> Sequential:
        """Add ``layer`` at the end; returns self (as ``torch.nn.Sequential.append``).

        An optimizer made before does not see the new layer's parameters: make it after.

        Examples
        --------
        >>> import nnlearn as nl
        >>> net = nl.Sequential(nl.Dense(2, 4, activation="tanh")).append(nl.Dense(4, 1))
        >>> len(net), net.out_features
        (2, 1)
        """
        self.layers.append(_check_layer(layer, "append: layer"))
        return self

    def extend(self, layers: Iterable[Module]) -> Sequential:
        """Add every layer of ``layers`` (an iterable, another Sequential too) at the end;
        returns self."""
        new = list(layers)
        for i, layer in enumerate(new):
            _check_layer(layer, f"extend: layer {i}")
        self.layers.extend(new)
        return self

    def insert(self, index: int, layer: Module) -> Sequential:
        """Put ``layer`` before position ``index`` (negative counts from the end, as for a
        list); returns self."""
        index = check_integer(index, "insert: index")
        if not -len(self.layers) <= index <= len(self.layers):
            raise IndexError(f"insert: index {index} is out of range for a Sequential of "
                             f"{len(self.layers)} layers")
        self.layers.insert(index, _check_layer(layer, "insert: layer"))
        return self

    def named_children(self) -> Iterator[tuple[str, Module]]:
        for i, layer in enumerate(self.layers):
            yield str(i), layer

    def config(self) -> dict[str, Any]:
        return {"layers": list(self.layers)}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Sequential:
        return cls(*config["layers"])

    def __getitem__(self, index: int) -> Module:
        return self.layers[index]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.layers)

    def forward(self, x: Tensor) -> Tensor:
        for layer in self.layers:
            x = layer(x)
        return x

    @property
    def in_features(self) -> int | None:
        for layer in self.layers:
            if layer.in_features is not None:
                return layer.in_features
        return None

    @property
    def out_features(self) -> int | None:
        for layer in reversed(self.layers):
            if layer.out_features is not None:
                return layer.out_features
        return None


def _check_layer(layer: Any, where: str) -> Module:
    """``layer`` if it is a Module, else a TypeError naming ``where``."""
    if not isinstance(layer, Module):
        raise TypeError(f"Sequential: {where} is a {type(layer).__name__}, not a Module")
    return layer


@register_layer
@implements("residual_connection", test=f"{TEST}::test_residual_matches_torch")
class Residual(Module):
    """A skip connection around a block: y = x + f(x).

    Parameters
    ----------
    block : Module
        f; its output must have the shape of its input.
    """

    def __init__(self, block: Module) -> None:
        self.block = block

    def config(self) -> dict[str, Any]:
        return {"block": self.block}

    def forward(self, x: Tensor) -> Tensor:
        fx = self.block(x)
        if fx.shape != x.shape:
            raise ValueError(
                f"Residual: the block maps shape {x.shape} to {fx.shape}; "
                "expected the shape to be kept, so that x + f(x) is defined"
            )
        return x + fx

    @property
    def in_features(self) -> int | None:
        return self.block.in_features

    @property
    def out_features(self) -> int | None:
        return self.block.out_features


@register_layer
@implements("maxout_unit", test=f"{TEST}::test_maxout_matches_torch")
class Maxout(Module):
    """A maxout layer: y_i = max_k (x W_k + b_k)_i over ``pieces`` linear pieces.

    Parameters
    ----------
    in_features, out_features, pieces : int
    init : str or callable, default "glorot_uniform"
    random_state : int, Generator or None

    Attributes
    ----------
    weight : Parameter of shape (pieces, in_features, out_features)
    bias : Parameter of shape (pieces, out_features)
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        pieces: int = 2,
        init: str | Any = "glorot_uniform",
        random_state: int | np.random.Generator | None = None,
    ) -> None:
        self.n_in = positive_int("in_features", in_features)
        self.n_out = positive_int("out_features", out_features)
        self.pieces = positive_int("pieces", pieces)
        self.init = init
        self.weight = Parameter(np.zeros((self.pieces, self.n_in, self.n_out)))
        self.bias = Parameter(np.zeros((self.pieces, self.n_out)))
        self.reset_parameters(random_state)

    def reset_parameters(self, random_state: int | np.random.Generator | None = None) -> None:
        """Draw the weights from the initializer; biases start at zero."""
        rng = init.rng_from(random_state)
        self.weight.data[...] = init.get(self.init)(self.weight.shape, self.n_in, self.n_out, rng)
        self.bias.data[...] = 0

    def forward(self, x: Tensor) -> Tensor:
        check_features("Maxout", x, self.n_in)
        potentials = ops.matmul(x, self.weight) + self.bias.reshape(self.pieces, 1, self.n_out)
        return potentials.max(axis=0)

    def config(self) -> dict[str, Any]:
        return {"in_features": self.n_in, "out_features": self.n_out, "pieces": self.pieces,
                "init": self.init}

    def extra_repr(self) -> str:
        return f"{self.n_in} → {self.n_out}, pieces={self.pieces}"
