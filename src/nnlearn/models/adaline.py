"""Widrow and Hoff's Adaline: the LMS rule on the net input, a threshold on the output."""

from __future__ import annotations

import numpy as np
from scipy.linalg.blas import dtrsm, dtrsv

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

    The online rule is computed exactly but not sample by sample: a block of samples is a
    triangular system (:func:`online_lms_epoch`), and from the second epoch of a ``fit``
    without shuffling the whole epoch is one affine map of the weights (:class:`LMSEpochMap`,
    which holds an array the size of X while ``fit`` runs).

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
            b, errors = self._online_epoch(X, t, w, b, alpha)
        else:
            errors = t - (X @ w + b)
            w += alpha / len(X) * (X.T @ errors)
            b += alpha * errors.mean()
        mistakes = np.count_nonzero(np.where(t - errors >= 0, 1.0, -1.0) != t)
        return w, b, int(mistakes), float(0.5 * np.mean(errors**2))

    def _online_epoch(
        self, X: np.ndarray, t: np.ndarray, w: np.ndarray, b: float, alpha: float
    ) -> tuple[float, np.ndarray]:
        """From the second epoch of a fit over the same data in the same order, the epoch
        is an affine map computed once (:class:`LMSEpochMap`); otherwise block by block."""
        data = getattr(self, "_fit_data", None)
        if data is None or X is not data[0] or self.n_epochs_ == 0:
            return online_lms_epoch(X, t, w, b, alpha)
        if getattr(self, "_epoch_map", None) is None:
            self._epoch_map = LMSEpochMap(X, t, alpha)
        return self._epoch_map.run(X, w, b)

    def _begin_fit(self, X: np.ndarray, t: np.ndarray) -> None:
        self._fit_data = (X, t)

    def _end_fit(self) -> None:
        self._fit_data = self._epoch_map = None

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


class LMSEpochMap:
    r"""An online LMS epoch over fixed data in a fixed order, as one affine map.

    Each error of the epoch is affine in the weights w̃_0 = (w, b) the epoch starts from,
    e = c − K w̃_0, and the epoch ends at w̃_0 + α X̃ᵀ e (X̃ = [X, 1]). K and c are found
    once, block by block as in :func:`online_lms_epoch`, carrying the map
    w̃ = P w̃_0 + q to each block's start: with M the block's unit lower-triangular
    matrix, K_b = M⁻¹ X̃_b P and c_b = M⁻¹ (t_b − X̃_b q), then P ← P − α X̃_bᵀ K_b and
    q ← q + α X̃_bᵀ c_b. Every later epoch is then two matrix-vector products, with
    the same result as visiting the samples one by one. K takes the memory of X.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    t : ndarray of shape (n_samples,)
    alpha : float
    """

    def __init__(self, X: np.ndarray, t: np.ndarray, alpha: float) -> None:
        n, dim = len(X), X.shape[1] + 1
        self.alpha = alpha
        self.K = np.empty((n, dim))
        self.c = np.empty(n)
        P, q = np.eye(dim), np.zeros(dim)
        for start in range(0, n, LMS_BLOCK):
            block = X[start : start + LMS_BLOCK]
            rhs = np.empty((len(block), dim + 1), order="F")
            rhs[:, :dim] = block @ P[:-1] + P[-1]
            rhs[:, dim] = t[start : start + len(block)] - (block @ q[:-1] + q[-1])
            gram = block @ block.T
            gram += 1.0
            gram *= alpha
            solved = dtrsm(1.0, gram.T, rhs, lower=1, diag=1, overwrite_b=1)
            K_b, c_b = solved[:, :dim], solved[:, dim]
            P[:-1] -= alpha * (block.T @ K_b)
            P[-1] -= alpha * K_b.sum(axis=0)
            q[:-1] += alpha * (block.T @ c_b)
            q[-1] += alpha * c_b.sum()
            self.K[start : start + len(block)] = K_b
            self.c[start : start + len(block)] = c_b

    def run(self, X: np.ndarray, w: np.ndarray, b: float) -> tuple[float, np.ndarray]:
        """One epoch from (w, b); updates ``w`` in place, returns the new b and the errors."""
        errors = self.c - self.K @ np.append(w, b)
        w += self.alpha * (errors @ X)
        return b + self.alpha * float(errors.sum()), errors
