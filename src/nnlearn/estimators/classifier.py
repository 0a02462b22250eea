"""MLPClassifier: one label per sample (two classes or more), or several labels per sample."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import column_or_1d

from nnlearn import losses
from nnlearn.autodiff.tensor import Tensor
from nnlearn.equations import implements
from nnlearn.estimators import prediction
from nnlearn.estimators.mlp import BaseMLP
from nnlearn.estimators.params import check_class_weight, extended_init
from nnlearn.estimators.probabilities import log_probabilities, probabilities
from nnlearn.estimators.state import check_classifier_outputs
from nnlearn.train import loss_targets


@loss_targets("probabilities")
def label_log_loss(logits: Any, labels: Any, reduction: str = "mean") -> Tensor:
    """The multi-label loss of a sample: Σ_k of the binary cross-entropy of its labels
    (scikit-learn's log loss for an indicator y), from the logits."""
    per_label = losses.bce_with_logits(logits, labels, reduction="none")
    per_sample = per_label.sum(axis=1)
    return per_sample.mean() if reduction == "mean" else (
        per_sample.sum() if reduction == "sum" else per_sample)


class MLPClassifier(ClassifierMixin, BaseMLP):
    """A multi-layer perceptron classifier, trained by backpropagation with ``nl.fit``.

    Labels of any type are accepted (numbers, strings); ``classes_`` holds them sorted.
    Two classes use one output unit with σ and the binary cross-entropy; k > 2 classes k
    output units with softmax and the cross-entropy; a 2-d 0/1 indicator ``y`` (several
    labels per sample) one σ unit per label, the loss summing their binary
    cross-entropies, and ``predict`` returns the indicator matrix.

    Parameters
    ----------
    class_weight : None, "balanced" or dict, default None
        Weights of the classes, multiplying the sample weights: "balanced" gives class c
        the weight n_samples / (n_classes · n_c) (scikit-learn's rule); a dict maps labels
        to weights (missing labels weigh 1). Not for several labels per sample.
    others
        See :class:`~nnlearn.estimators.mlp.BaseMLP`.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels (0..n_labels−1 for an indicator y).
    model_ : nl.Sequential
        The trained network (outputs: logits).
    coefs_, intercepts_ : list of ndarray
        W_κ and b_κ of each layer: the network's own arrays.
    n_layers_, n_outputs_, n_features_in_ : int
    out_activation_ : {"logistic", "softmax"}
    loss_ : float
        The last epoch's mean loss with the L2 term (L-BFGS: the final loss).
    loss_curve_ : list of float
        ``loss_`` of each epoch.
    best_loss_ : float or None
        The lowest ``loss_`` (None with ``early_stopping`` and for L-BFGS).
    validation_scores_ : list of float or None
        The held-out accuracy of each epoch, with ``early_stopping``.
    best_validation_score_ : float or None
    validation_loss_curve_ : list of float or None
        The held-out loss of each epoch, with ``early_stopping``.
    n_iter_ : int
        Epochs run by the last ``fit`` (1 after ``partial_fit``; L-BFGS: iterations).
    t_ : int
        Training samples seen by the stochastic solver, over all calls.
    mean_, scale_ : ndarray of shape (n_features,) or None
        The input statistics, with ``standardize``.

    Examples
    --------
    >>> import numpy as np
    >>> from nnlearn.estimators import MLPClassifier
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 8)
    >>> y = np.array(["no", "yes", "yes", "no"] * 8)
    >>> clf = MLPClassifier((8,), activation="tanh", solver="lbfgs", random_state=0).fit(X, y)
    >>> clf.predict([[0, 1], [1, 1]]).tolist(), clf.score(X, y)
    (['yes', 'no'], 1.0)
    """

    __init__ = extended_init(BaseMLP.__init__, class_weight=None)
    _classifier = True

    @available_if(BaseMLP._check_partial_fit)
    def partial_fit(self, X: ArrayLike, y: ArrayLike, classes: ArrayLike | None = None,
                    sample_weight: ArrayLike | None = None) -> MLPClassifier:
        """One epoch of Adam or SGD over (X, y), continuing from the current weights and
        optimizer state (a loaded model starts a fresh optimizer).

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
        classes : array-like, optional
            Every label there will be: required on the first call, when ``y`` may not hold
            them all; a later call may give it only as it was.
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        fitted = hasattr(self, "classes_") and hasattr(self, "model_")
        if not fitted and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit")
        if fitted and classes is not None and not np.array_equal(self.classes_,
                                                                 unique_labels(classes)):
            raise ValueError(f"classes={np.asarray(classes).tolist()} is not the same as on "
                             f"the last call to partial_fit, was: {self.classes_.tolist()}")
        return self._partial_fit(X, y, sample_weight, classes)

    # ----- targets -------------------------------------------------------------------
    def _encode_targets(self, y: np.ndarray, classes: ArrayLike | None, first: bool,
                        incremental: bool) -> tuple[np.ndarray, int]:
        multilabel = y.ndim == 2 and y.shape[1] > 1
        if y.dtype == object and len({isinstance(label, str) for label in y.flat}) > 1:
            raise ValueError("y mixes strings and numbers; labels must all be one or the other")
        if multilabel and not type_of_target(y).startswith("multilabel"):
            raise ValueError("y with several columns must be a 0/1 indicator matrix (several "
                             "labels per sample); MLPClassifier does not take several "
                             f"multi-class outputs (y is {type_of_target(y)!r})")
        if not multilabel:
            y = column_or_1d(y, warn=True)
            check_classification_targets(y)
        if first:
            self._set_classes(y, classes, multilabel)
        elif multilabel != self._multilabel:
            kind = "an indicator matrix" if multilabel else "one label per sample"
            raise ValueError(f"y is {kind}, unlike the y the model was fitted with")
        elif not incremental and not multilabel and set(unique_labels(y)) != set(self.classes_):
            raise ValueError(f"warm_start can only be used where y has the same classes as "
                             f"in the previous call to fit: previously {self.classes_.tolist()}"
                             f", y has {unique_labels(y).tolist()}")
        if multilabel:
            if y.shape[1] != len(self.classes_):
                raise ValueError(f"y has {y.shape[1]} labels per sample, but the model has "
                                 f"{len(self.classes_)}")
            return y.astype(np.float64), y.shape[1]
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise ValueError(f"y holds labels {unknown.tolist()[:10]} that are not among the "
                             f"classes {self.classes_.tolist()[:10]}")
        indices = np.searchsorted(self.classes_, y)
        if len(self.classes_) == 2:
            return indices.reshape(-1, 1).astype(np.float64), 1
        return indices, len(self.classes_)

    def _set_classes(self, y: np.ndarray, classes: ArrayLike | None, multilabel: bool) -> None:
        if multilabel:
            self.classes_ = np.arange(y.shape[1])
        else:
            self.classes_ = unique_labels(y if classes is None else classes)
        if len(self.classes_) < 2:
            raise ValueError(
                f"y holds one class only ({self.classes_.tolist()}); a classifier needs "
                "samples of at least two classes"
            )
        self.out_activation_ = "softmax" if len(self.classes_) > 2 and not multilabel else (
            "logistic")

    @property
    def _multilabel(self) -> bool:
        return prediction.is_multilabel(self.out_activation_, self.n_outputs_)

    def _loss(self) -> Any:
        if self._multilabel:
            return label_log_loss
        return "cross_entropy" if self.out_activation_ == "softmax" else "bce_with_logits"

    @implements("balanced_class_weights",
                test="tests/test_estimators_weights.py::test_class_weight_is_sample_weight")
    def _sample_weights(self, y: np.ndarray, sample_weight: ArrayLike | None,
                        incremental: bool) -> np.ndarray | None:
        """w_i = sample_weight_i · class_weight[y_i]; "balanced": n / (n_classes · n_c)."""
        weights = super()._sample_weights(y, sample_weight, incremental)
        if self.class_weight is None:
            return weights
        check_class_weight(self.class_weight)
        if y.ndim == 2 and y.shape[1] > 1:
            raise ValueError("class_weight is for one label per sample; give several labels "
                             "per sample their weights through sample_weight")
        if incremental and self.class_weight == "balanced":
            raise ValueError("class_weight='balanced' is not supported for partial_fit, which "
                             "sees one part of the data at a time: compute the weights with "
                             "sklearn.utils.class_weight.compute_class_weight('balanced', "
                             "classes=classes, y=y) on the whole target and pass them as a dict")
        y = column_or_1d(y)
        labels = unique_labels(y) if not hasattr(self, "classes_") or not incremental else (
            self.classes_)
        per_class = compute_class_weight(self.class_weight, classes=labels, y=y)
        class_of_sample = per_class[np.searchsorted(labels, y)]
        return class_of_sample if weights is None else weights * class_of_sample

    def _split_labels(self, y: np.ndarray) -> np.ndarray | None:
        return None if y.ndim == 2 and y.shape[1] > 1 else column_or_1d(y)

    def _check_fitted_attributes(self) -> None:
        super()._check_fitted_attributes()
        check_classifier_outputs(self)

    # ----- prediction ----------------------------------------------------------------
    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """The logits: shape (n_samples,) for two classes, else (n_samples, n_outputs)."""
        return prediction.one_column_as_vector(self._forward(X))

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """P(class | x): [1 − σ(z), σ(z)] for two classes, softmax(z) for more, σ(z) of each
        label for several labels per sample.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return probabilities(self._forward(X), self.out_activation_)

    def predict_log_proba(self, X: ArrayLike) -> np.ndarray:
        """log P(class | x), computed from the logits without rounding to 0 first
        (log σ(z) = −softplus(−z), log softmax(z) = z − logsumexp(z)): equal to
        ``log(predict_proba(X))`` where that is finite, and finite where it is not.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return log_probabilities(self._forward(X), self.out_activation_)

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The most probable class of each sample, shape (n_samples,); for several labels
        per sample the 0/1 indicator matrix (n_samples, n_labels) of σ(z) > ½."""
        return self._labels(self._forward(X))

    def _labels(self, output: np.ndarray) -> np.ndarray:
        return prediction.labels(output, self.classes_, self._multilabel)

    def _validation_score(self, X: Any, y: np.ndarray, weights: np.ndarray | None) -> float:
        output = self._outputs(X)
        if not np.isfinite(output).all():
            return float("nan")
        return float(accuracy_score(y, self._labels(output), sample_weight=weights))

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
