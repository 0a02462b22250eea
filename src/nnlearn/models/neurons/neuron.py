"""The single linear neuron as a binary classifier: what the perceptron, Adaline and the
logistic neuron share.

A neuron holds weights w and a bias b (the weight of a constant input 1); its net input is
a = wᵀx + b, and it predicts the positive class when a ≥ 0. The subclasses differ only in
how one epoch of their learning rule changes (w, b), and in how they code the two classes
as numbers t for that rule.
"""

from __future__ import annotations

import warnings
from abc import ABC, abstractmethod
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.equations import implements
from nnlearn.losses import zero_one
from nnlearn.models.base import (
    BaseEstimator,
    ConvergenceWarning,
    check_array,
    check_is_fitted,
    check_X_y,
)

MODES = ("online", "batch")


class LinearNeuronClassifier(BaseEstimator, ABC):
    """Base class of the binary linear neurons; not used directly.

    Subclasses set :attr:`negative_code` (the number t of the negative class; the
    positive class is always t = 1) and implement :meth:`_epoch`.

    Fitted attributes: ``classes_`` (the two labels, sorted), ``coef_`` of shape
    (1, n_features), ``intercept_`` of shape (1,), ``n_features_in_``, ``errors_`` (the
    mistakes of each epoch), ``n_epochs_`` and ``converged_``.
    """

    #: The number t that codes the negative class for the learning rule; ``None`` keeps
    #: the user's coding: labels {−1, +1} give t ∈ {−1, +1}, any other two labels t ∈ {0, 1}.
    negative_code: float | None = None

    learning_rate: float
    max_epochs: int
    mode: str
    shuffle: bool
    random_state: int | np.random.Generator | None

    @abstractmethod
    def _epoch(
        self, X: np.ndarray, t: np.ndarray, w: np.ndarray, b: float
    ) -> tuple[np.ndarray, float, int, float]:
        """One epoch of the learning rule over (X, t) from (w, b).

        Returns the new (w, b), the number of mistakes made in the epoch and the epoch's
        mean loss (the counting loss for rules without a loss of their own).
        """

    @abstractmethod
    def _has_converged(self) -> bool:
        """Whether the epochs recorded so far meet the rule's stopping criterion."""

    # ---- validation -----------------------------------------------------------------

    def _check_params(self) -> None:
        if not (np.isscalar(self.learning_rate) and float(self.learning_rate) > 0):
            raise ValueError(f"learning_rate must be a number > 0, got {self.learning_rate!r}")
        if not (isinstance(self.max_epochs, int | np.integer) and self.max_epochs >= 1):
            raise ValueError(f"max_epochs must be an int >= 1, got {self.max_epochs!r}")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {self.mode!r}")

    def _code_targets(self, y: np.ndarray, classes: np.ndarray) -> np.ndarray:
        """The numbers t the learning rule sees: 1 for ``classes[1]``, else the negative code."""
        negative = self.negative_code
        if negative is None:
            negative = -1.0 if set(classes.tolist()) == {-1, 1} else 0.0
        self.negative_code_ = negative
        positive = y == classes[1]
        if not np.all(positive | (y == classes[0])):
            unknown = np.setdiff1d(np.unique(y), classes)
            raise ValueError(f"y holds labels {unknown.tolist()} not in classes {classes.tolist()}")
        return np.where(positive, 1.0, negative)

    def _binary_classes(self, y: np.ndarray) -> np.ndarray:
        name = type(self).__name__
        if y.dtype.kind == "f" and np.any(y != np.round(y)):
            raise ValueError(
                f"Unknown label type: y holds continuous values; {name} expects two class labels"
            )
        classes = np.unique(y)
        if len(classes) < 2:
            raise ValueError(
                f"y holds one class only ({classes.tolist()}); {name} needs samples of two classes"
            )
        if len(classes) > 2:
            raise ValueError(
                f"y holds {len(classes)} classes {classes.tolist()[:10]}; {name} is a binary "
                "classifier. Only binary classification is supported: pass labels of two "
                "classes, e.g. {0, 1} or {-1, +1}"
            )
        return classes

    # ---- learning -------------------------------------------------------------------

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        coef_init: ArrayLike | None = None,
        intercept_init: float | None = None,
    ) -> LinearNeuronClassifier:
        """Learn from (X, y) by the neuron's rule, epoch after epoch, until it stops.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Labels of two classes.
        coef_init : array-like of shape (n_features,) or (1, n_features), optional
            Initial weights; zeros by default.
        intercept_init : float, optional
            Initial bias; 0 by default.

        Returns
        -------
        self
        """
        self._check_params()
        X, y = check_X_y(X, y, owner=type(self).__name__)
        self.classes_ = self._binary_classes(y)
        t = self._code_targets(y, self.classes_)
        self._start(X.shape[1], coef_init, intercept_init)
        for _ in range(self.max_epochs):
            self._run_epoch(X, t)
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
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        classes : array-like of shape (2,), optional
            The two labels; required on the first call (they may not all be in ``y``).

        Returns
        -------
        self
        """
        self._check_params()
        first = not hasattr(self, "coef_")
        n_features = None if first else self.n_features_in_
        X, y = check_X_y(X, y, owner=type(self).__name__, n_features=n_features)
        if first:
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit")
            self.classes_ = self._binary_classes(np.asarray(classes))
            self._start(X.shape[1], None, None)
        t = self._code_targets(y, self.classes_)
        self._run_epoch(X, t)
        self.converged_ = self._has_converged()
        return self

    def _start(self, n_features: int, coef_init: Any, intercept_init: Any) -> None:
        self.n_features_in_ = n_features
        w = np.zeros(n_features) if coef_init is None else np.array(coef_init, dtype=float)
        if w.size != n_features:
            raise ValueError(f"coef_init must have {n_features} values, got shape {w.shape}")
        self.coef_ = w.reshape(1, -1)
        self.intercept_ = np.array([0.0 if intercept_init is None else np.ravel(intercept_init)[0]],
                                   dtype=float)
        self.errors_: list[int] = []
        self.loss_curve_: list[float] = []
        self.n_epochs_ = 0
        self.converged_ = False
        self._rng = np.random.default_rng(self.random_state)

    def _run_epoch(self, X: np.ndarray, t: np.ndarray) -> None:
        """One epoch from the fitted ``coef_`` and ``intercept_`` (so a loaded model goes on)."""
        if self.shuffle:
            if not hasattr(self, "_rng"):  # a loaded model: shuffling restarts from the seed
                self._rng = np.random.default_rng(self.random_state)
            order = self._rng.permutation(len(X))
            X, t = X[order], t[order]
        w, b = self.coef_.ravel(), float(self.intercept_[0])
        with np.errstate(over="ignore", invalid="ignore"):
            new_w, new_b, mistakes, loss = self._epoch(X, t, w.copy(), b)
        if not (np.isfinite(new_w).all() and np.isfinite(new_b)):
            raise ValueError(
                f"the weights diverged to infinity in epoch {self.n_epochs_ + 1}; lower "
                f"learning_rate (now {self.learning_rate}) or scale X"
            )
        self._previous = (w, b)
        self.coef_, self.intercept_ = new_w.reshape(1, -1), np.array([new_b])
        self.errors_.append(int(mistakes))
        self.loss_curve_.append(float(loss))
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

    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """The net input a = wᵀx + b of each sample, shape (n_samples,)."""
        check_is_fitted(self)
        X = check_array(X, n_features=self.n_features_in_, owner=type(self).__name__)
        return X @ self.coef_[0] + self.intercept_[0]

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The class of each sample: ``classes_[1]`` where a ≥ 0, else ``classes_[0]``."""
        fires = self.decision_function(X) >= 0
        return self.classes_[fires.astype(int)]

    @implements(
        "counting_loss",
        test="tests/test_models_perceptron.py::test_score_is_one_minus_the_mean_counting_loss",
    )
    def score(self, X: ArrayLike, y: ArrayLike) -> float:
        """Accuracy: 1 − R^emp with the counting loss L = 0 if h(u) = y, else 1."""
        prediction = self.predict(X)
        return 1.0 - float(zero_one(prediction, np.asarray(y)))

    def __sklearn_tags__(self) -> Any:
        from sklearn.utils import ClassifierTags, Tags, TargetTags

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True),
            classifier_tags=ClassifierTags(multi_class=False),
        )


def has_loss_converged(losses: list[float], tol: float | None) -> bool:
    """Whether the last epoch's loss failed to beat the best earlier one by ``tol``."""
    return tol is not None and len(losses) > 1 and losses[-1] > min(losses[:-1]) - tol
