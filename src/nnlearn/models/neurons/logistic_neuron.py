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
from nnlearn.models.neurons.rows import row_blocks
from nnlearn.models.neurons.state import check_tol
from nnlearn.registry import Registry

TEST = "tests/test_models_logistic.py"

sigmoid = get_activation("sigmoid")

#: δ = −∂E/∂a for each loss, from the output y = σ(a) and the target t.
DELTAS: Registry[Callable[[np.ndarray, np.ndarray], np.ndarray]] = Registry("logistic loss")
#: E per sample as a function of the net input a (a Tensor), for the autodiff path.
#: E summed over the samples (and the neurons, for several classes).
LOSS_OF_NET_INPUT: dict[str, Callable[[Any, np.ndarray], Any]] = {
    "squared": lambda a, t: losses.half_squared_error(ops.sigmoid(a), t, reduction="sum"),
    "bce": lambda a, t: losses.bce_with_logits(a, t, reduction="sum"),
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

    More than two classes are learned one-versus-rest, one sigmoid neuron per class with
    t = 1 for its class and 0 for the others (see :class:`~nnlearn.models.Perceptron`);
    ``errors_`` and ``loss_curve_`` sum over the neurons, and ``tol`` applies to that sum.
    ``X`` may be a SciPy sparse matrix.

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
        The mean loss of each epoch (batch: at the weights the epoch started from),
        summed over the neurons.

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
        check_tol(self.tol)
        DELTAS.canonical(self.loss)
        if self.gradient not in ("closed_form", "autodiff"):
            raise ValueError(f"gradient must be 'closed_form' or 'autodiff', got {self.gradient!r}")

    def _online_pass(self, X: Any, T: np.ndarray, W: np.ndarray, b: np.ndarray
                     ) -> tuple[int, float]:
        A = np.empty(T.shape)
        alpha, done = float(self.learning_rate), 0
        for X_block, T_block in row_blocks(X, T):  # sparse X: a dense block at a time
            for i in range(X_block.shape[0]):  # each sample meets the weights the last left
                A[done + i] = X_block[i] @ W.T + b
                direction_W, direction_b = self._descent_direction(
                    X_block[i : i + 1], T_block[i : i + 1], W, b)
                W += alpha * direction_W
                b += alpha * direction_b
            done += X_block.shape[0]
        return self._measure(A, T)

    def _batch_step(self, X: Any, T: np.ndarray, W: np.ndarray, b: np.ndarray
                    ) -> tuple[int, float]:
        A = np.asarray(X @ W.T) + b
        direction_W, direction_b = self._descent_direction(X, T, W, b)
        alpha = float(self.learning_rate) / X.shape[0]
        W += alpha * direction_W
        b += alpha * direction_b
        return self._measure(A, T)

    def _measure(self, A: np.ndarray, T: np.ndarray) -> tuple[int, float]:
        """Mistakes and summed loss of the net inputs A the samples met."""
        mistakes = int(np.count_nonzero((A >= 0) != (T == 1)))
        with no_grad():
            loss = LOSS_OF_NET_INPUT[DELTAS.canonical(self.loss)](A, T)
        return mistakes, float(loss.data)

    def _descent_direction(self, X: Any, T: np.ndarray, W: np.ndarray, b: np.ndarray
                           ) -> tuple[np.ndarray, np.ndarray]:
        """(Σ_i δ_i x_iᵀ, Σ_i δ_i) over the rows of X: minus the gradient of the summed loss
        in (W, b), by the closed form of δ or by autodiff."""
        if self.gradient == "closed_form":
            deltas = DELTAS.get(self.loss)(sigmoid(np.asarray(X @ W.T) + b), T)
            return np.asarray(X.T @ deltas).T, deltas.sum(axis=0)
        loss_of_a = LOSS_OF_NET_INPUT[DELTAS.canonical(self.loss)]
        direction_W, direction_b = np.zeros_like(W), np.zeros_like(b)
        for X_block, T_block in row_blocks(X, T):  # autodiff takes dense arrays
            _, (grad_W, grad_b) = value_and_grad(
                lambda W_, b_, X=X_block, T=T_block: loss_of_a(ops.matmul(X, W_.T) + b_, T),
                argnums=(0, 1),
            )(W, b)
            direction_W -= np.asarray(grad_W)
            direction_b -= np.asarray(grad_b)
        return direction_W, direction_b

    def _has_converged(self) -> bool:
        return has_loss_converged(self.loss_curve_, self.tol)

    def _can_converge(self) -> bool:
        return self.tol is not None

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes).

        For two classes (1 − y, y) with y = σ(wᵀx + b); for more, each neuron's
        y_j = σ(w_jᵀx + b_j) divided by their sum, as scikit-learn's
        ``OneVsRestClassifier`` normalizes them.
        """
        y = sigmoid(self.decision_function(X))
        if y.ndim == 1:
            return np.column_stack([1 - y, y])
        return y / y.sum(axis=1, keepdims=True)
