"""Widrow and Hoff's Adaline: the LMS rule on the net input, a threshold on the output."""

from __future__ import annotations

from typing import Any

import numpy as np

from nnlearn.compiled import compiled
from nnlearn.equations import implements
from nnlearn.models.neurons.neuron import LinearNeuronClassifier, has_loss_converged
from nnlearn.models.neurons.rows import Rows, row_add_scaled, row_dot, row_squared_norms, rows
from nnlearn.models.neurons.state import check_flag, check_tol

TEST = "tests/test_models_adaline.py"


@implements("adaline_lms_rule", test=f"{TEST}::test_online_matches_sklearn_sgdregressor")
@implements("adaline_normalized_lms_rule",
            test=f"{TEST}::test_normalized_rule_is_the_lms_rule_at_the_normalized_rate")
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

    **The rate.** With a fixed α (``normalized=False``, the course's rule) the rule is
    stable only for α (1 + ‖x‖²) < 2 or so: a rate that suits standardized data diverges
    on data in the hundreds. By default (``normalized=True``) the rate is derived from the
    data's scale, the normalized LMS rule (Widrow and Lehr's α-LMS):

    .. math:: \alpha = \frac{\mu}{1 + \lVert x \rVert^2}

    per sample, online, where 1 + ‖x‖² = ‖u‖² counts the bias's constant input u_0 = 1
    (so it is never 0). After such a step the sample's error t − a is (1 − μ) times what
    it was: the rule is stable for any 0 < μ < 2, whatever the scale of the data. A batch
    step uses α = μ / (1 + 1/m Σ_i ‖x_i‖²): that denominator is the trace of
    R = 1/m Σ_i u_i u_iᵀ, the Hessian of the MSE, so it bounds R's largest eigenvalue,
    and gradient descent is again stable for 0 < μ < 2. μ is ``learning_rate``.

    More than two classes are learned one-versus-rest, one neuron per class with
    t = +1 for its class and −1 for the others (see
    :class:`~nnlearn.models.Perceptron`); ``errors_`` and ``loss_curve_`` sum over the
    neurons, and ``tol`` applies to that sum, so every neuron trains the same epochs.
    ``X`` may be a SciPy sparse matrix; it is never densified.

    Parameters
    ----------
    learning_rate : float, default 0.1
        μ > 0 (normalized, stable below 2), or the fixed α (``normalized=False``).
    max_epochs : int, default 100
    mode : {"online", "batch"}, default "online"
    tol : float or None, default 1e-4
        Stop when the epoch's MSE is not below the best so far minus ``tol``; ``None``
        runs all ``max_epochs``.
    normalized : bool, default True
        Divide the rate by 1 + ‖x‖² (per sample, or its mean for a batch step); ``False``
        keeps α = ``learning_rate`` fixed, as the course and scikit-learn's
        ``SGDRegressor(learning_rate="constant")`` do.
    shuffle : bool, default False
    random_state : int or numpy.random.Generator, optional
        Seeds the shuffling.

    Attributes
    ----------
    classes_, coef_, intercept_, errors_, n_epochs_, converged_
        As for :class:`~nnlearn.models.Perceptron`.
    loss_curve_ : list of float
        The mean of ½ (t − a)² over each epoch's samples (online: as they were seen),
        summed over the neurons.

    Examples
    --------
    >>> import nnlearn as nl
    >>> X, y = nl.datasets.logic_gate("or")
    >>> model = nl.models.Adaline(learning_rate=0.5, mode="batch", max_epochs=500).fit(X, y)
    >>> model.predict(X), model.converged_
    (array([0, 1, 1, 1]), True)
    """

    negative_code = -1.0

    def __init__(
        self,
        learning_rate: float = 0.1,
        max_epochs: int = 100,
        mode: str = "online",
        tol: float | None = 1e-4,
        normalized: bool = True,
        shuffle: bool = False,
        random_state: int | np.random.Generator | None = None,
    ) -> None:
        self.learning_rate = learning_rate
        self.max_epochs = max_epochs
        self.mode = mode
        self.tol = tol
        self.normalized = normalized
        self.shuffle = shuffle
        self.random_state = random_state

    def _check_params(self) -> None:
        super()._check_params()
        check_tol(self.tol)
        check_flag(self.normalized, "normalized")

    def _online_pass(self, X: Any, T: np.ndarray, W: np.ndarray, b: np.ndarray
                     ) -> tuple[int, float]:
        return _online_lms_pass(rows(X), T, W, b, self._rates(X, per_sample=True))

    def _batch_step(self, X: Any, T: np.ndarray, W: np.ndarray, b: np.ndarray
                    ) -> tuple[int, float]:
        errors = T - (np.asarray(X @ W.T) + b)
        alpha = float(self._rates(X, per_sample=False))
        W += alpha / X.shape[0] * np.asarray(X.T @ errors).T
        b += alpha * errors.mean(axis=0)
        mistakes = np.count_nonzero((T - errors >= 0) != (T > 0))  # sign(a) against t
        return int(mistakes), float(0.5 * np.sum(errors**2))

    def _rates(self, X: Any, per_sample: bool) -> np.ndarray:
        """The rate α: μ / (1 + ‖x_i‖²) for each sample, or μ / (1 + mean ‖x_i‖²) for a
        batch step; μ itself if not normalized."""
        mu = float(self.learning_rate)
        if not self.normalized:
            return np.full(X.shape[0] if per_sample else (), mu)
        squared_norms = row_squared_norms(X)
        return mu / (1.0 + (squared_norms if per_sample else squared_norms.mean()))

    def _has_converged(self) -> bool:
        return has_loss_converged(self.loss_curve_, self.tol)

    def _can_converge(self) -> bool:
        return self.tol is not None


@compiled
def _online_lms_pass(
    X: Rows, T: np.ndarray, W: np.ndarray, b: np.ndarray, rates: np.ndarray
) -> tuple[int, float]:
    """The online LMS rule over the samples in order, for each neuron j.

    For each sample x_i, at its rate α_i, and each neuron j: a_j = w_jᵀx_i + b_j and
    e_j = t_j − a_j, then w_j ← w_j + α_i e_j x_i and b_j ← b_j + α_i e_j. Compiled
    (:mod:`nnlearn.compiled`): each step needs the last. It reads without bounds checks:
    the shapes are checked before
    (:func:`~nnlearn.models.neurons.state.check_epoch_shapes`).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), or a CSR matrix's (data, indices, indptr)
        The samples, as :func:`~nnlearn.models.neurons.rows.rows` gives them.
    T : ndarray of shape (n_samples, n_outputs)
    W : ndarray of shape (n_outputs, n_features)
        Weights, one row per neuron, updated in place.
    b : ndarray of shape (n_outputs,)
        Biases, updated in place.
    rates : ndarray of shape (n_samples,)
        α_i for each sample.

    Returns
    -------
    mistakes : int
        How often the sign of a_j was not t_j (with the weights the sample met).
    loss : float
        Σ ½ e_j² over the samples and neurons.
    """
    mistakes, loss = 0, 0.0
    for i in range(T.shape[0]):
        alpha = rates[i]
        for j in range(W.shape[0]):
            a = row_dot(X, i, W[j]) + b[j]
            e = T[i, j] - a
            row_add_scaled(W[j], alpha * e, X, i)  # w_j ← w_j + α (t_j − a_j) x
            b[j] += alpha * e
            loss += 0.5 * e * e
            if (a >= 0) != (T[i, j] > 0):
                mistakes += 1
    return mistakes, loss
