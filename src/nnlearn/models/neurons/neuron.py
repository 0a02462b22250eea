"""The linear neuron as a classifier: what the perceptron, Adaline and the logistic neuron
share.

A neuron holds weights w and a bias b (the weight of a constant input 1); its net input is
a = wᵀx + b, and it predicts the positive class when a ≥ 0. The subclasses differ only in
how one epoch of their learning rule changes (w, b), and in how they code the two classes
as numbers t for that rule.

More than two classes are told apart one-versus-rest, by a layer of such neurons, one per
class, as the course writes the rule for several output neurons, w_{j,i} ← w_{j,i} +
α (t_j − y_j) x_i: neuron j learns by the binary rule to tell class j (t_j = 1) from all
the others (t_j = the negative code), and the layer predicts the class whose neuron has
the largest net input, argmax_j a_j. The weights are a matrix W of shape (n_classes,
n_features), one row per neuron, as scikit-learn's linear classifiers hold them; two
classes need one neuron, W of shape (1, n_features).
"""

from __future__ import annotations

import warnings
from abc import ABC, abstractmethod
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.checks import check_integer, check_real
from nnlearn.equations import implements
from nnlearn.losses import zero_one
from nnlearn.models.base import (
    BaseEstimator,
    ConvergenceWarning,
    check_array,
    check_is_fitted,
    check_labels,
    check_X_y,
)
from nnlearn.models.neurons.state import (
    check_epoch_shapes,
    check_fitted_neuron,
    check_flag,
    initial_weights,
)

MODES = ("online", "batch")


class LinearNeuronClassifier(BaseEstimator, ABC):
    """Base class of the linear neurons; not used directly.

    Subclasses set :attr:`negative_code` (the number t of the negative class; the
    positive class is always t = 1) and implement :meth:`_online_pass` and
    :meth:`_batch_step`.

    Fitted attributes: ``classes_`` (the labels, sorted), ``coef_`` of shape
    (1, n_features) for two classes and (n_classes, n_features) for more,
    ``intercept_`` of shape (1,) or (n_classes,), ``n_features_in_``, ``errors_`` and
    ``loss_curve_`` (per epoch, summed over the neurons), ``n_epochs_``, ``converged_``
    and ``negative_code_``.
    """

    #: The number t that codes the negative class for the learning rule; ``None`` keeps
    #: the user's coding: labels {−1, +1} give t ∈ {−1, +1}, any other labels t ∈ {0, 1}.
    negative_code: float | None = None

    learning_rate: float
    max_epochs: int
    mode: str
    shuffle: bool
    random_state: int | np.random.Generator | None

    @abstractmethod
    def _online_pass(self, X: Any, T: np.ndarray, W: np.ndarray, b: np.ndarray
                     ) -> tuple[int, float]:
        """The online rule over the rows of X (dense or CSR), in order, for every neuron.

        Updates W of shape (n_outputs, n_features) and b of shape (n_outputs,) in place
        from targets T of shape (n_samples, n_outputs); returns the mistakes made and the
        sum of the rule's loss over the samples and neurons, each at the weights it met.
        """

    @abstractmethod
    def _batch_step(self, X: Any, T: np.ndarray, W: np.ndarray, b: np.ndarray
                    ) -> tuple[int, float]:
        """One step of the batch rule over all of X (dense or CSR), updating W, b in place;
        returns the mistakes and the summed loss at the weights the step started from."""

    @abstractmethod
    def _has_converged(self) -> bool:
        """Whether the epochs recorded so far meet the rule's stopping criterion."""

    # ---- validation -----------------------------------------------------------------

    def _check_params(self) -> None:
        check_real(self.learning_rate, "learning_rate", minimum=0, open_minimum=True)
        check_integer(self.max_epochs, "max_epochs", minimum=1)
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {self.mode!r}")
        check_flag(self.shuffle, "shuffle")
        if not (self.random_state is None or isinstance(self.random_state, np.random.Generator)):
            check_integer(self.random_state, "random_state (or a numpy.random.Generator)",
                          minimum=0)

    def _check_classes(self, classes: np.ndarray, name: str) -> np.ndarray:
        """The sorted distinct labels of ``classes`` (checked labels), at least two."""
        classes = np.unique(classes)
        if len(classes) < 2:
            raise ValueError(
                f"{name} holds one class only ({classes.tolist()}); "
                f"{type(self).__name__} needs samples of at least two classes"
            )
        return classes

    def _negative_code(self, classes: np.ndarray) -> float:
        """The number t of "not this class" for the rule (see :attr:`negative_code`)."""
        if self.negative_code is not None:
            return self.negative_code
        return -1.0 if len(classes) == 2 and set(classes.tolist()) == {-1, 1} else 0.0

    def _code_targets(self, y: np.ndarray) -> np.ndarray:
        """The targets T of shape (n_samples, n_outputs) the neurons learn: t_j = 1 where y
        is neuron j's class (``classes_[1]`` for the one neuron of two classes), else the
        negative code."""
        try:  # the index of each label in classes_, if it is there
            codes = np.minimum(np.searchsorted(self.classes_, y), len(self.classes_) - 1)
        except TypeError:  # labels that cannot be compared with classes_: none is known
            codes = np.zeros(len(y), dtype=int)
        known = self.classes_[codes] == y
        if not known.all():
            unknown = np.unique(y[~known])
            raise ValueError(
                f"y holds labels {unknown.tolist()[:10]} not in classes "
                f"{self.classes_.tolist()[:10]}"
            )
        # Neuron j's class: classes_[1] for the one neuron of two classes, else classes_[j].
        n_classes = len(self.classes_)
        class_of_neuron = np.array([1]) if n_classes == 2 else np.arange(n_classes)
        return np.where(codes[:, None] == class_of_neuron, 1.0, self.negative_code_)

    def _check_fitted_attributes(self) -> None:
        """Raise ``ValueError`` if the fitted attributes disagree with each other.

        ``nnlearn.load`` calls it on every model it rebuilds, and :meth:`partial_fit`
        and :meth:`decision_function` before they use the weights, so that the compiled
        loops never meet inconsistent shapes. An unfitted model passes.
        """
        check_fitted_neuron(self)

    # ---- learning -------------------------------------------------------------------

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        coef_init: ArrayLike | None = None,
        intercept_init: ArrayLike | None = None,
    ) -> LinearNeuronClassifier:
        """Learn from (X, y) by the neuron's rule, epoch after epoch, until it stops.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels; more than two classes are learned one-versus-rest.
        coef_init : array-like of shape (n_outputs, n_features), optional
            Initial weights (n_outputs = 1 for two classes, else n_classes; for two
            classes also of shape (n_features,)); zeros by default.
        intercept_init : float or array-like of shape (n_outputs,), optional
            Initial biases; zeros by default.

        Returns
        -------
        self
        """
        self._check_params()
        X, y = check_X_y(X, y, owner=type(self).__name__, accept_sparse=True)
        self._start(X.shape[1], self._check_classes(y, "y"), coef_init, intercept_init)
        T = self._code_targets(y)
        for _ in range(self.max_epochs):
            self._run_epoch(X, T)
            if self._has_converged():
                self.converged_ = True
                break
            if self._should_stop():
                break
        else:
            if self._can_converge():
                self._warn_not_converged()
        return self

    def partial_fit(
        self, X: ArrayLike, y: ArrayLike, classes: ArrayLike | None = None
    ) -> LinearNeuronClassifier:
        """One epoch of the learning rule over (X, y), continuing from the current weights.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        classes : array-like of shape (n_classes,), optional
            All the labels; required on the first call (they may not all be in ``y``),
            and if given later, the same as the first call's.

        Returns
        -------
        self
        """
        self._check_params()
        first = not hasattr(self, "coef_")
        if not first:
            self._check_fitted_attributes()
        n_features = None if first else self.n_features_in_
        X, y = check_X_y(X, y, owner=type(self).__name__, n_features=n_features,
                         accept_sparse=True)
        if first:
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit")
            classes = check_labels(classes, "classes")
            self._start(X.shape[1], self._check_classes(classes, "classes"), None, None)
        elif classes is not None:
            classes = self._check_classes(check_labels(classes, "classes"), "classes")
            if not np.array_equal(classes, self.classes_):
                raise ValueError(
                    f"classes={classes.tolist()[:10]} is not the same as on the first call "
                    f"to partial_fit, {self.classes_.tolist()[:10]}"
                )
        self._run_epoch(X, self._code_targets(y))
        self.converged_ = self._has_converged()
        return self

    def _start(self, n_features: int, classes: np.ndarray, coef_init: Any,
               intercept_init: Any) -> None:
        self.classes_ = classes
        self.negative_code_ = self._negative_code(classes)
        self.n_features_in_ = n_features
        n_outputs = 1 if len(classes) == 2 else len(classes)
        self.coef_ = initial_weights(coef_init, "coef_init", (n_outputs, n_features))
        self.intercept_ = initial_weights(intercept_init, "intercept_init", (n_outputs,))
        self.errors_: list[int] = []
        self.loss_curve_: list[float] = []
        self.n_epochs_ = 0
        self.converged_ = False
        self._rng = np.random.default_rng(self.random_state)

    def _run_epoch(self, X: Any, T: np.ndarray) -> None:
        """One epoch from the fitted ``coef_`` and ``intercept_`` (so a loaded model goes on)."""
        if self.shuffle:
            if not hasattr(self, "_rng"):  # a loaded model: shuffling restarts from the seed
                self._rng = np.random.default_rng(self.random_state)
            order = self._rng.permutation(X.shape[0])
            X, T = X[order], T[order]
        # Fresh float64 copies, C-contiguous, as the compiled loops need them.
        W = np.array(self.coef_, dtype=np.float64, order="C")
        b = np.array(self.intercept_, dtype=np.float64)
        check_epoch_shapes(X, T, W, b)
        with np.errstate(over="ignore", invalid="ignore"):
            step = self._online_pass if self.mode == "online" else self._batch_step
            mistakes, loss = step(X, T, W, b)
        if not (np.isfinite(W).all() and np.isfinite(b).all() and np.isfinite(loss)):
            raise ValueError(
                f"the weights diverged to infinity in epoch {self.n_epochs_ + 1}; lower "
                f"learning_rate (now {self.learning_rate}) or scale X"
            )
        self._previous = (self.coef_, self.intercept_)
        self.coef_, self.intercept_ = W, b
        self.errors_.append(int(mistakes))
        self.loss_curve_.append(float(loss) / X.shape[0])
        self.n_epochs_ += 1

    def _can_converge(self) -> bool:
        """Whether a stopping criterion is set (a run to ``max_epochs`` then warns)."""
        return True

    def _should_stop(self) -> bool:
        """A reason to stop other than convergence (the perceptron's cycle)."""
        return False

    def _warn_not_converged(self) -> None:
        warnings.warn(
            f"{type(self).__name__} did not converge within max_epochs={self.max_epochs} "
            f"(mistakes in the last epoch: {self.errors_[-1]})",
            ConvergenceWarning,
            stacklevel=3,
        )

    # ---- prediction -----------------------------------------------------------------

    @implements("one_versus_rest", test="tests/test_models_multiclass.py::"
                "test_matches_one_vs_rest_classifier_of_the_binary_neuron")
    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """The net inputs a_j = w_jᵀx + b_j of each sample.

        Returns
        -------
        ndarray of shape (n_samples,) for two classes (the one neuron's a), else of shape
        (n_samples, n_classes).
        """
        check_is_fitted(self)
        self._check_fitted_attributes()
        X = check_array(X, n_features=self.n_features_in_, owner=type(self).__name__,
                        accept_sparse=True)
        net = np.asarray(X @ self.coef_.T) + self.intercept_
        return net[:, 0] if len(self.classes_) == 2 else net

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The class of each sample: for two classes ``classes_[1]`` where a ≥ 0, else
        ``classes_[0]``; for more, the class of the neuron with the largest a_j."""
        net = self.decision_function(X)
        if net.ndim == 1:
            return self.classes_[(net >= 0).astype(int)]
        return self.classes_[np.argmax(net, axis=1)]

    @implements(
        "counting_loss",
        test="tests/test_models_perceptron.py::test_score_is_one_minus_the_mean_counting_loss",
    )
    def score(self, X: ArrayLike, y: ArrayLike) -> float:
        """Accuracy: 1 − R^emp with the counting loss L = 0 if h(u) = y, else 1."""
        prediction = self.predict(X)
        y = check_labels(y, n_samples=len(prediction))
        return 1.0 - float(zero_one(prediction, y))

    def __sklearn_tags__(self) -> Any:
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True),
            classifier_tags=ClassifierTags(),
            input_tags=InputTags(sparse=True),
        )


def has_loss_converged(losses: list[float], tol: float | None) -> bool:
    """Whether the last epoch's loss failed to beat the best earlier one by ``tol``."""
    return tol is not None and len(losses) > 1 and losses[-1] > min(losses[:-1]) - tol
