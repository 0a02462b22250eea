"""Rosenblatt's perceptron and its learning rule."""

from __future__ import annotations

import warnings

import numpy as np

from nnlearn.compiled import add_scaled, compiled, dot
from nnlearn.equations import implements
from nnlearn.models.base import ConvergenceWarning
from nnlearn.models.neurons.neuron import LinearNeuronClassifier

TEST = "tests/test_models_perceptron.py"


@implements("function_estimated_by_perceptron", test=f"{TEST}::test_learns_and_or_not")
@implements("perceptron_learning_rule", test=f"{TEST}::test_matches_sklearn_epoch_by_epoch")
@implements("perceptron_batch_rule", test=f"{TEST}::test_batch_rule_matches_closed_form_step")
class Perceptron(LinearNeuronClassifier):
    r"""Rosenblatt's perceptron: a threshold unit that learns from its mistakes.

    The unit computes f(u) = 1 if Σ_i w_i u_i ≥ 0, else 0 (or −1), where the bias is the
    weight of a constant input u_0 = 1. After each sample (``mode="online"``) it applies

    .. math:: w \leftarrow w + \eta (t - y) u

    which changes w only when the output y differs from the target t. With
    ``mode="batch"`` one epoch makes a single step with the mean correction,
    w_j ← w_j + η 1/m Σ_i (t_i − y_i) u_ij. Learning stops after an epoch without a change
    (the perceptron convergence theorem guarantees one on linearly separable data). On data
    that are not separable it never comes; the weights then repeat (the perceptron cycling
    theorem), which ``detect_cycles`` notices, stopping with a :class:`ConvergenceWarning`.

    Parameters
    ----------
    learning_rate : float, default 1.0
        η > 0.
    max_epochs : int, default 100
        The most passes over the data.
    mode : {"online", "batch"}, default "online"
    shuffle : bool, default False
        Visit the samples in a new random order each epoch (the course goes in order).
    detect_cycles : bool, default True
        Stop when the weights at the end of an epoch equal those at the end of an earlier
        one: the rule is in a cycle and will never converge.
    random_state : int or numpy.random.Generator, optional
        Seeds the shuffling.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    coef_ : ndarray of shape (1, n_features)
    intercept_ : ndarray of shape (1,)
    errors_ : list of int
        The mistakes made in each epoch.
    loss_curve_ : list of float
        The mean counting loss of each epoch: its mistakes over the number of samples.
    converged_ : bool
        Whether an epoch passed without a change.
    cycle_ : tuple of (int, int) or None
        (first epoch, period) of the weight cycle found, if any.

    Examples
    --------
    >>> import nnlearn as nl
    >>> X, y = nl.datasets.logic_gate("and")
    >>> model = nl.models.Perceptron().fit(X, y)
    >>> model.predict(X), model.converged_, model.errors_
    (array([0, 0, 0, 1]), True, [2, 3, 3, 2, 1, 0])
    """

    def __init__(
        self,
        learning_rate: float = 1.0,
        max_epochs: int = 100,
        mode: str = "online",
        shuffle: bool = False,
        detect_cycles: bool = True,
        random_state: int | np.random.Generator | None = None,
    ) -> None:
        self.learning_rate = learning_rate
        self.max_epochs = max_epochs
        self.mode = mode
        self.shuffle = shuffle
        self.detect_cycles = detect_cycles
        self.random_state = random_state

    def _start(self, n_features: int, coef_init: object, intercept_init: object) -> None:
        super()._start(n_features, coef_init, intercept_init)
        self.cycle_: tuple[int, int] | None = None
        self._seen: dict[bytes, int] = {}

    def _epoch(
        self, X: np.ndarray, t: np.ndarray, w: np.ndarray, b: float
    ) -> tuple[np.ndarray, float, int, float]:
        eta, negative = float(self.learning_rate), self.negative_code_
        if self.mode == "online":
            b, mistakes = online_perceptron_epoch(X, t, w, b, eta, negative)
        else:
            y = np.where(X @ w + b >= 0, 1.0, negative)
            correction = t - y
            w += eta / len(X) * (X.T @ correction)
            b += eta * correction.mean()
            mistakes = int(np.count_nonzero(correction))
        return w, b, mistakes, mistakes / len(X)

    def _has_converged(self) -> bool:
        if self.mode == "online":
            return self.errors_[-1] == 0
        w, b = self._previous
        return bool(np.array_equal(w, self.coef_.ravel()) and b == self.intercept_[0])

    def _should_stop(self) -> bool:
        if not self.detect_cycles or self.shuffle:
            return False
        key = self.coef_.tobytes() + self.intercept_.tobytes()
        first = self._seen.setdefault(key, self.n_epochs_)
        if first == self.n_epochs_:
            return False
        self.cycle_ = (first, self.n_epochs_ - first)
        warnings.warn(
            f"Perceptron: the weights after epoch {self.n_epochs_} equal those after epoch "
            f"{first}; the rule cycles with period {self.cycle_[1]} and will never converge "
            "(the data are not linearly separable)",
            ConvergenceWarning,
            stacklevel=3,
        )
        return True


@compiled
def online_perceptron_epoch(
    X: np.ndarray, t: np.ndarray, w: np.ndarray, b: float, eta: float, negative: float
) -> tuple[float, int]:
    """One online epoch of the perceptron rule, sample by sample in order; updates ``w``.

    For each sample x with target t: y = 1 if wᵀx + b ≥ 0 else ``negative``, then
    w ← w + η (t − y) x and b ← b + η (t − y), which changes them only on a mistake.
    Compiled, as the rule is a loop NumPy cannot vectorize: each step needs the last.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    t : ndarray of shape (n_samples,)
        Targets, 1 or ``negative``.
    w : ndarray of shape (n_features,)
        Weights, updated in place.
    b, eta, negative : float
        Bias, learning rate, the code of the negative class.

    Returns
    -------
    b : float
        The new bias.
    mistakes : int
        The number of updates made.
    """
    mistakes = 0
    for i in range(X.shape[0]):
        x = X[i]
        y = 1.0 if dot(w, x) + b >= 0 else negative
        if y != t[i]:
            step = eta * (t[i] - y)
            add_scaled(w, step, x)  # w ← w + η (t − y) x
            b += step
            mistakes += 1
    return b, mistakes
