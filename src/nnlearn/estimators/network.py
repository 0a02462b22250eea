"""The estimators' network and its weights as scikit-learn names them.

The network maps an input u through hidden layers x^κ = σ(x^{κ−1} W_κ + b_κ) to an output
layer without activation (its outputs are the logits of the classifier):
``coefs_[κ]`` is W_κ and ``intercepts_[κ]`` is b_κ, the very arrays the network computes
with (views of the optimizer's flat θ while it trains).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike
from sklearn.utils.validation import check_is_fitted

from nnlearn.checks import check_real_array
from nnlearn.init import rng_from
from nnlearn.layers import Dense, Sequential


def mlp_network(n_features: int, hidden_layer_sizes: Sequence[int], n_outputs: int,
                activation: str = "relu", dtype: DTypeLike = np.float64,
                random_state: int | np.random.Generator | None = None) -> Sequential:
    """The network an MLP estimator trains: Dense layers with σ, then a linear output layer.

    Weights are drawn by Glorot's uniform rule and biases start at zero (the course's
    initialization; scikit-learn draws biases too), layer by layer from ``random_state``:
    the estimator with the same arguments starts from exactly this network.

    Parameters
    ----------
    n_features : int
    hidden_layer_sizes : sequence of int
    n_outputs : int
    activation : str, default "relu"
        σ of the hidden layers.
    dtype : {float64, float32}, default float64
    random_state : int, Generator or None

    Returns
    -------
    Sequential
        Of ``len(hidden_layer_sizes) + 1`` Dense layers.

    Examples
    --------
    >>> net = mlp_network(4, (8, 5), 3, activation="tanh", random_state=0)
    >>> [layer.weight.shape for layer in net]
    [(4, 8), (8, 5), (5, 3)]
    """
    rng = rng_from(random_state)
    widths = [n_features, *hidden_layer_sizes]
    layers = [Dense(a, b, activation=activation, random_state=rng)
              for a, b in itertools.pairwise(widths)]
    output = Dense(widths[-1], n_outputs, random_state=rng)
    return Sequential(*layers, output).astype(dtype)


class LayerArrays:
    """A fitted attribute listing one array of each layer (``coefs_``: the weights W_κ,
    ``intercepts_``: the biases b_κ), the network's own arrays; assigning a list of arrays
    copies their values in, once all are checked to have the layers' shapes."""

    def __init__(self, which: str) -> None:
        self.which = which

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, estimator: Any, owner: type | None = None) -> Any:
        if estimator is None:
            return self
        check_is_fitted(estimator, "model_")
        return [getattr(layer, self.which).data for layer in estimator.model_]

    def __set__(self, estimator: Any, values: Sequence[ArrayLike]) -> None:
        targets = self.__get__(estimator)
        values = list(values)
        if len(values) != len(targets):
            raise ValueError(f"{self.name} needs {len(targets)} arrays, one per layer, got "
                             f"{len(values)}")
        checked = []
        for i, (value, target) in enumerate(zip(values, targets, strict=True)):
            array = check_real_array(value, f"{self.name}[{i}]")
            if array.shape != target.shape:
                raise ValueError(f"{self.name}[{i}] has shape {array.shape}, expected "
                                 f"{target.shape}")
            checked.append(array)
        for array, target in zip(checked, targets, strict=True):
            target[...] = array
