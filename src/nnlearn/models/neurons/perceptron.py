"""Rosenblatt's perceptron and its learning rule."""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np

from nnlearn.compiled import compiled
from nnlearn.equations import implements
from nnlearn.models.base import ConvergenceWarning
from nnlearn.models.neurons.neuron import LinearNeuronClassifier
from nnlearn.models.neurons.rows import Rows, row_add_scaled, row_dot, rows
from nnlearn.models.neurons.state import check_flag

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

    More than two classes are learned one-versus-rest, as scikit-learn's ``Perceptron``
    does: one unit per class, each by the rule above with t = 1 for its class and 0 (−1 for
    labels {−1, +1}, which are two classes) for the others, all in the same epochs; the
    prediction is the class whose unit has the largest net input. A unit that has
    converged makes no more updates, so each row of ``coef_`` is what the binary
    perceptron of its class learns alone (scikit-learn's ``OneVsRestClassifier`` of it).
    ``X`` may be a SciPy sparse matrix (any format); it is never densified, and an epoch
    costs time in proportion to its nonzero values.

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
        one: the rule is in a cycle and will never converge (with several classes: when
        all the units' weights together repeat).
    random_state : int or numpy.random.Generator, optional
        Seeds the shuffling.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        One row for two classes, else one per class.
    intercept_ : ndarray of shape (1,) or (n_classes,)
    errors_ : list of int
        The mistakes made in each epoch, summed over the units.
    loss_curve_ : list of float
        The mean counting loss of each epoch: its mistakes over the number of samples.
    converged_ : bool
        Whether an epoch passed without a change (of any unit).
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

    def _start(self, n_features: int, classes: np.ndarray, coef_init: object,
               intercept_init: object) -> None:
        super()._start(n_features, classes, coef_init, intercept_init)
        self.cycle_: tuple[int, int] | None = None
        self._seen: dict[int, int] = {}

    def _check_params(self) -> None:
        super()._check_params()
        check_flag(self.detect_cycles, "detect_cycles")

    def _check_fitted_attributes(self) -> None:
        super()._check_fitted_attributes()
        cycle = getattr(self, "cycle_", None)
        if cycle is not None and not (
            isinstance(cycle, tuple) and len(cycle) == 2
            and all(isinstance(n, numbers.Integral) and n >= 0 for n in cycle)
        ):
            raise ValueError(f"Perceptron: cycle_ must be None or (first epoch, period), got "
                             f"{cycle!r:.60}")

    def _online_pass(self, X: np.ndarray, T: np.ndarray, W: np.ndarray, b: np.ndarray
                     ) -> tuple[int, float]:
        mistakes = _online_perceptron_pass(rows(X), T, W, b, float(self.learning_rate),
                                           self.negative_code_)
        return mistakes, float(mistakes)  # the counting loss: one per mistake

    def _batch_step(self, X: Any, T: np.ndarray, W: np.ndarray, b: np.ndarray
                    ) -> tuple[int, float]:
        outputs = np.where(np.asarray(X @ W.T) + b >= 0, 1.0, self.negative_code_)
        corrections = T - outputs
        eta = float(self.learning_rate)
        W += eta / X.shape[0] * np.asarray(X.T @ corrections).T
        b += eta * corrections.mean(axis=0)
        mistakes = int(np.count_nonzero(corrections))
        return mistakes, float(mistakes)

    def _has_converged(self) -> bool:
        if self.mode == "online":
            return self.errors_[-1] == 0
        W, b = self._previous
        return bool(np.array_equal(W, self.coef_) and np.array_equal(b, self.intercept_))

    def _should_stop(self) -> bool:
        if not self.detect_cycles or self.shuffle:
            return False
        # A 64-bit hash of the weights, not the weights: a wide model's epochs would fill
        # memory (and a false match is a chance in 2⁶⁴ for each pair of epochs).
        key = hash((self.coef_.tobytes(), self.intercept_.tobytes()))
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
def _online_perceptron_pass(
    X: Rows, T: np.ndarray, W: np.ndarray, b: np.ndarray, eta: float, negative: float
) -> int:
    """The online perceptron rule over the samples in order, for each neuron j.

    For each sample x and each neuron j with target t_j: y_j = 1 if w_jᵀx + b_j ≥ 0 else
    ``negative``, then w_j ← w_j + η (t_j − y_j) x and b_j ← b_j + η (t_j − y_j), which
    changes them only on a mistake. Compiled, as the rule is a loop NumPy cannot
    vectorize: each step needs the last. It reads without bounds checks: the shapes are
    checked before (:func:`~nnlearn.models.neurons.state.check_epoch_shapes`).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), or a CSR matrix's (data, indices, indptr)
        The samples, as :func:`~nnlearn.models.neurons.rows.rows` gives them.
    T : ndarray of shape (n_samples, n_outputs)
        Targets, 1 or ``negative``.
    W : ndarray of shape (n_outputs, n_features)
        Weights, one row per neuron, updated in place.
    b : ndarray of shape (n_outputs,)
        Biases, updated in place.
    eta, negative : float
        The learning rate, the code of the negative class.

    Returns
    -------
    int
        The number of updates made.
    """
    mistakes = 0
    for i in range(T.shape[0]):
        for j in range(W.shape[0]):
            y = 1.0 if row_dot(X, i, W[j]) + b[j] >= 0 else negative
            if y != T[i, j]:
                step = eta * (T[i, j] - y)
                row_add_scaled(W[j], step, X, i)  # w_j ← w_j + η (t_j − y_j) x
                b[j] += step
                mistakes += 1
    return mistakes
