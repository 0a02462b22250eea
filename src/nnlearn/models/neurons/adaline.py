"""Widrow and Hoff's Adaline: the LMS rule on the net input, a threshold on the output."""

from __future__ import annotations

import numpy as np

from nnlearn.compiled import add_scaled, compiled, dot
from nnlearn.equations import implements
from nnlearn.models.neurons.neuron import LinearNeuronClassifier, has_loss_converged

TEST = "tests/test_models_adaline.py"


@implements("adaline_lms_rule", test=f"{TEST}::test_online_matches_sklearn_sgdregressor")
class Adaline(LinearNeuronClassifier):
    r"""Adaline (adaptive linear element): learns from the net input, predicts by its sign.

    The neuron's net input a = wᵀx + b is trained towards the targets t ∈ {−1, +1}
    (Widrow and Hoff's binary signals) by the least-mean-squares (Widrow-Hoff) rule, the
    gradient step on E = ½ (t − a)²:

    .. math:: w \leftarrow w + \alpha (t - a) x, \qquad b \leftarrow b + \alpha (t - a)

    after each sample (``mode="online"``) or once per epoch with the mean over the samples
    (``mode="batch"``, gradient descent on the MSE). The output is thresholded: the
    positive class where a ≥ 0. Learning stops when an epoch lowers the mean squared error
    by less than ``tol``.

    Parameters
    ----------
    learning_rate : float, default 0.01
        α > 0. Too large a rate makes the rule diverge (an error says so).
    max_epochs : int, default 100
    mode : {"online", "batch"}, default "online"
    tol : float or None, default 1e-4
        Stop when the epoch's MSE is not below the best so far minus ``tol``; ``None``
        runs all ``max_epochs``.
    shuffle : bool, default False
    random_state : int or numpy.random.Generator, optional
        Seeds the shuffling.

    Attributes
    ----------
    classes_, coef_, intercept_, errors_, n_epochs_, converged_
        As for :class:`~nnlearn.models.Perceptron`.
    loss_curve_ : list of float
        The mean of ½ (t − a)² over each epoch's samples (online: as they were seen).

    Examples
    --------
    >>> import nnlearn as nl
    >>> X, y = nl.datasets.logic_gate("or")
    >>> model = nl.models.Adaline(learning_rate=0.1, mode="batch", max_epochs=500).fit(X, y)
    >>> model.predict(X), model.converged_
    (array([0, 1, 1, 1]), True)
    """

    negative_code = -1.0

    def __init__(
        self,
        learning_rate: float = 0.01,
        max_epochs: int = 100,
        mode: str = "online",
        tol: float | None = 1e-4,
        shuffle: bool = False,
        random_state: int | np.random.Generator | None = None,
    ) -> None:
        self.learning_rate = learning_rate
        self.max_epochs = max_epochs
        self.mode = mode
        self.tol = tol
        self.shuffle = shuffle
        self.random_state = random_state

    def _epoch(
        self, X: np.ndarray, t: np.ndarray, w: np.ndarray, b: float
    ) -> tuple[np.ndarray, float, int, float]:
        alpha = float(self.learning_rate)
        if self.mode == "online":
            b, errors = online_lms_epoch(X, t, w, b, alpha)
        else:
            errors = t - (X @ w + b)
            w += alpha / len(X) * (X.T @ errors)
            b += alpha * errors.mean()
        mistakes = np.count_nonzero(np.where(t - errors >= 0, 1.0, -1.0) != t)
        return w, b, int(mistakes), float(0.5 * np.mean(errors**2))

    def _has_converged(self) -> bool:
        return has_loss_converged(self.loss_curve_, self.tol)

    def _can_converge(self) -> bool:
        return self.tol is not None


@compiled
def online_lms_epoch(
    X: np.ndarray, t: np.ndarray, w: np.ndarray, b: float, alpha: float
) -> tuple[float, np.ndarray]:
    """One online epoch of the LMS rule, sample by sample in order; updates ``w``.

    For each sample x with target t: e = t − (wᵀx + b), then w ← w + α e x and
    b ← b + α e. Compiled (:mod:`nnlearn.compiled`): each step needs the last.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    t : ndarray of shape (n_samples,)
    w : ndarray of shape (n_features,)
        Weights, updated in place.
    b, alpha : float
        Bias and learning rate.

    Returns
    -------
    b : float
        The new bias.
    errors : ndarray of shape (n_samples,)
        t − a for each sample, with the weights it met.
    """
    errors = np.empty(X.shape[0])
    for i in range(X.shape[0]):
        x = X[i]
        e = t[i] - (dot(w, x) + b)
        add_scaled(w, alpha * e, x)  # w ← w + α (t − a) x
        b += alpha * e
        errors[i] = e
    return b, errors
