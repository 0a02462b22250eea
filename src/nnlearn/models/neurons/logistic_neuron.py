"""The logistic neuron: one sigmoid unit trained by gradient descent on either loss."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn import losses
from nnlearn.activations import get as get_activation
from nnlearn.autodiff import ops
from nnlearn.autodiff.functional import value_and_grad
from nnlearn.autodiff.tensor import no_grad
from nnlearn.equations import implements
from nnlearn.models.neurons.neuron import LinearNeuronClassifier, has_loss_converged
from nnlearn.registry import Registry

TEST = "tests/test_models_logistic.py"

sigmoid = get_activation("sigmoid")

#: δ = −∂E/∂a for each loss, from the output y = σ(a) and the target t.
DELTAS: Registry[Callable[[np.ndarray, np.ndarray], np.ndarray]] = Registry("logistic loss")
#: E per sample as a function of the net input a (a Tensor), for the autodiff path.
LOSS_OF_NET_INPUT: dict[str, Callable[[Any, np.ndarray], Any]] = {
    "squared": lambda a, t: losses.half_squared_error(ops.sigmoid(a), t),
    "bce": lambda a, t: losses.bce_with_logits(a, t),
}


@DELTAS.register("squared", "squared_error")
@implements("logistic_delta_squared_error", test=f"{TEST}::test_closed_form_matches_autodiff")
def delta_squared_error(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """δ = (t − y) y (1 − y): the error signal of E = ½ (t − y)² through y = σ(a)."""
    return (t - y) * y * (1 - y)


@DELTAS.register("bce", "binary_cross_entropy")
@implements("logistic_delta_cross_entropy", test=f"{TEST}::test_closed_form_matches_autodiff")
def delta_cross_entropy(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """δ = t − y: the error signal of E = −[t log y + (1 − t) log(1 − y)] through y = σ(a)."""
    return t - y


@implements("logistic_hypothesis", test=f"{TEST}::test_circular_boundary_of_the_course")
def logistic_hypothesis(theta: ArrayLike, features: ArrayLike) -> np.ndarray:
    r"""h_Θ(x) = g(Θᵀx), g the sigmoid; it predicts y = 1 where h_Θ(x) ≥ 0.5, i.e. Θᵀx ≥ 0.

    Parameters
    ----------
    theta : array-like of shape (n_features,)
        Θ, the bias weight first when ``features`` start with the constant 1.
    features : array-like of shape (n_samples, n_features)

    Examples
    --------
    >>> logistic_hypothesis([-1, 0, 0, 1, 1], [[1, 0.5, 0.5, 0.25, 0.25], [1, 2, 0, 4, 0]])
    array([0.37754067, 0.95257413])
    """
    return sigmoid(np.asarray(features, dtype=float) @ np.asarray(theta, dtype=float))


class LogisticNeuron(LinearNeuronClassifier):
    r"""A single sigmoid neuron y = σ(wᵀx + b), trained by gradient descent.

    With the error signal δ of the chosen loss (t ∈ {0, 1}):

    - ``loss="squared"``, E = ½ (t − y)²: δ = (t − y) y (1 − y);
    - ``loss="bce"``, E = −[t log y + (1 − t) log(1 − y)]: δ = t − y;

    each step is w ← w + α δ x, b ← b + α δ, per sample (``mode="online"``) or with the mean
    δ x over the samples once per epoch (``mode="batch"``). ``gradient="autodiff"``
    computes the same step as −α ∇E by nnlearn's autodiff instead of the closed form.
    It predicts the positive class where y ≥ 0.5, i.e. where wᵀx + b ≥ 0.

    Parameters
    ----------
    loss : {"bce", "squared"}, default "bce"
    learning_rate : float, default 0.1
    max_epochs : int, default 1000
    mode : {"batch", "online"}, default "batch"
    tol : float or None, default 1e-4
        Stop when the epoch's mean loss is not below the best so far minus ``tol``.
    gradient : {"closed_form", "autodiff"}, default "closed_form"
    shuffle : bool, default False
    random_state : int or numpy.random.Generator, optional

    Attributes
    ----------
    classes_, coef_, intercept_, errors_, n_epochs_, converged_
        As for :class:`~nnlearn.models.Perceptron`.
    loss_curve_ : list of float
        The mean loss of each epoch (batch: at the weights the epoch started from).

    Examples
    --------
    >>> import nnlearn as nl
    >>> X, y = nl.datasets.logic_gate("and")
    >>> model = nl.models.LogisticNeuron(learning_rate=1.0).fit(X, y)
    >>> model.predict(X), model.predict_proba(X)[:, 1].round(2)
    (array([0, 0, 0, 1]), array([0.  , 0.05, 0.05, 0.93]))
    """

    negative_code = 0.0

    def __init__(
        self,
        loss: str = "bce",
        learning_rate: float = 0.1,
        max_epochs: int = 1000,
        mode: str = "batch",
        tol: float | None = 1e-4,
        gradient: str = "closed_form",
        shuffle: bool = False,
        random_state: int | np.random.Generator | None = None,
    ) -> None:
        self.loss = loss
        self.learning_rate = learning_rate
        self.max_epochs = max_epochs
        self.mode = mode
        self.tol = tol
        self.gradient = gradient
        self.shuffle = shuffle
        self.random_state = random_state

    def _check_params(self) -> None:
        super()._check_params()
        DELTAS.canonical(self.loss)
        if self.gradient not in ("closed_form", "autodiff"):
            raise ValueError(f"gradient must be 'closed_form' or 'autodiff', got {self.gradient!r}")

    def _epoch(
        self, X: np.ndarray, t: np.ndarray, w: np.ndarray, b: float
    ) -> tuple[np.ndarray, float, int, float]:
        step = self._autodiff_step if self.gradient == "autodiff" else self._closed_form_step
        if self.mode == "batch":
            a = X @ w + b
            w, b = step(X, t, w, b)
        else:  # each sample meets the weights left by the one before
            a = np.empty(len(X))
            for k in range(len(X)):
                a[k] = X[k] @ w + b
                w, b = step(X[k : k + 1], t[k : k + 1], w, b)
        mistakes, loss = self._measure(a, t)
        return w, b, mistakes, loss

    def _measure(self, a: np.ndarray, t: np.ndarray) -> tuple[int, float]:
        """Mistakes and mean loss of the net inputs ``a`` the samples met."""
        mistakes = int(np.count_nonzero((a >= 0) != (t == 1)))
        with no_grad():
            loss = LOSS_OF_NET_INPUT[DELTAS.canonical(self.loss)](a, t)
        return mistakes, float(loss.data)

    def _closed_form_step(
        self, X: np.ndarray, t: np.ndarray, w: np.ndarray, b: float
    ) -> tuple[np.ndarray, float]:
        delta = DELTAS.get(self.loss)(sigmoid(X @ w + b), t)
        alpha = float(self.learning_rate)
        return w + alpha / len(X) * (X.T @ delta), b + alpha * float(delta.mean())

    def _autodiff_step(
        self, X: np.ndarray, t: np.ndarray, w: np.ndarray, b: float
    ) -> tuple[np.ndarray, float]:
        loss_of_a = LOSS_OF_NET_INPUT[DELTAS.canonical(self.loss)]
        _, (grad_w, grad_b) = value_and_grad(
            lambda w_, b_: loss_of_a(ops.matmul(X, w_) + b_, t), argnums=(0, 1)
        )(w, np.array(b))
        alpha = float(self.learning_rate)
        return w - alpha * np.asarray(grad_w), b - alpha * float(grad_b)

    def _has_converged(self) -> bool:
        return has_loss_converged(self.loss_curve_, self.tol)

    def _can_converge(self) -> bool:
        return self.tol is not None

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Class probabilities (1 − y, y) with y = σ(wᵀx + b), shape (n_samples, 2)."""
        y = sigmoid(self.decision_function(X))
        return np.column_stack([1 - y, y])
