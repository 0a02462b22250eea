"""Widrow and Hoff's Adaline: the LMS rule on the net input, a threshold on the output."""

from __future__ import annotations

import numpy as np
from scipy.linalg.blas import dtrsv

from nnlearn.equations import implements
from nnlearn.models.neuron import LinearNeuronClassifier, has_loss_converged

TEST = "tests/test_models_adaline.py"

#: Samples per block of the exact block form of the online LMS rule.
LMS_BLOCK = 64


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


def online_lms_epoch(
    X: np.ndarray, t: np.ndarray, w: np.ndarray, b: float, alpha: float
) -> tuple[float, np.ndarray]:
    r"""One online epoch of the LMS rule over the samples in order; updates ``w``.

    The rule is linear, so a block of B samples can be done at once, exactly. With w_0 the
    weights at the block's start, the error of sample k is

    .. math:: e_k = t_k - a_k = r_k - \alpha \sum_{j<k} (x_k^T x_j + 1)\, e_j,
              \qquad r_k = t_k - (w_0^T x_k + b_0),

    a unit lower-triangular system (I + α L) e = r, L the strict lower triangle of the
    block's Gram matrix (the 1 is the bias input). After it, w = w_0 + α Σ_k e_k x_k and
    b = b_0 + α Σ_k e_k. Forward substitution computes the same recurrence as visiting the
    samples one by one, with a matrix product in place of the loop.

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
    errors = np.empty(len(X))
    for start in range(0, len(X), LMS_BLOCK):
        block = X[start : start + LMS_BLOCK]
        residual = t[start : start + LMS_BLOCK] - (block @ w + b)
        gram = block @ block.T
        gram += 1.0
        gram *= alpha
        # the Gram matrix is symmetric: its transpose is the same matrix in Fortran order,
        # as BLAS wants it; forward substitution on the strict lower triangle, unit diagonal
        e = dtrsv(gram.T, residual, lower=1, diag=1)
        w += alpha * (e @ block)
        b += alpha * float(e.sum())
        errors[start : start + len(block)] = e
    return b, errors
