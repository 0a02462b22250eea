"""What a fitted MLP estimator predicts, from its fitted attributes alone.

``MLPClassifier.predict`` and ``MLPRegressor.predict`` check X as scikit-learn does, then
compute what this module computes: the inputs standardized with the training statistics,
(x − μ)/σ, in the network's dtype; the network's output, with no graph recorded; and from a
classifier's logits z its labels: the class of the largest z for several classes, of z > 0
(σ(z) > ½) for two, each label with z > 0 for several labels per sample.

None of it needs scikit-learn, so :class:`FittedClassifier` and :class:`FittedRegressor`
predict with these same rules from an estimator's parts as its file holds them
(:func:`nnlearn.io.model_reader.load_parts`): ``nnlearn predict`` applies a saved network
that way, without the second scikit-learn's import takes (most of a small file's prediction).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnlearn.autodiff.tensor import Tensor, no_grad
from nnlearn.estimators.params import check_params
from nnlearn.estimators.state import (
    check_classifier_outputs,
    check_fitted_state,
    check_regressor_outputs,
)
from nnlearn.layers import Sequential
from nnlearn.train.data import is_sparse


def dtype_of(network: Sequential) -> np.dtype:
    """The network's dtype, read from its first weight matrix (``Module.dtype`` looks at
    every parameter: too slow for a prediction of one row)."""
    return network[0].weight.dtype


def standardized(X: Any, mean: np.ndarray | None, scale: np.ndarray | None,
                 dtype: np.dtype) -> Any:
    """X − mean over scale (when the statistics are given) in ``dtype``: a C-contiguous
    array, or for a sparse X a CSR matrix scaled column by column."""
    if is_sparse(X):
        if scale is not None:
            X = X.multiply(1 / scale)
        return X.tocsr().astype(dtype, copy=False)
    if mean is not None:
        X = (X - mean) / scale
    return np.ascontiguousarray(X, dtype=dtype)


def network_output(model: Sequential, X: np.ndarray, mean: np.ndarray | None,
                   scale: np.ndarray | None) -> np.ndarray:
    """The output of ``model`` for the dense inputs X, standardized first, no graph recorded:
    shape (n_samples, n_outputs)."""
    with no_grad():
        return model(Tensor(standardized(X, mean, scale, dtype_of(model)))).data


def one_column_as_vector(output: np.ndarray) -> np.ndarray:
    """Outputs of shape (n_samples, 1) as a vector of shape (n_samples,), as scikit-learn
    gives one output (a regressor's, two classes' logit); several columns unchanged."""
    return output.ravel() if output.shape[1] == 1 else output


def is_multilabel(out_activation: str, n_outputs: int) -> bool:
    """Whether a classifier gives several labels per sample: one σ(z) per label."""
    return out_activation == "logistic" and n_outputs > 1


def labels(output: np.ndarray, classes: np.ndarray, multilabel: bool) -> np.ndarray:
    """The predicted labels from the logits (σ(z) > ½: z > 0, as scikit-learn's ½): the
    0/1 indicator matrix for several labels, else a class of ``classes`` per sample."""
    if multilabel:
        return (output > 0).astype(np.int64)
    index = (output[:, 0] > 0).astype(np.intp) if output.shape[1] == 1 else output.argmax(1)
    return classes[index]


class FittedRegressor:
    """``MLPRegressor``'s prediction from its fitted attributes (of an estimator, or of
    its parts): ŷ = the network's output for the standardized x."""

    def __init__(self, fitted: Any) -> None:
        self.model_, self.mean_, self.scale_ = fitted.model_, fitted.mean_, fitted.scale_
        self.n_features_in_ = fitted.n_features_in_

    def _outputs(self, X: np.ndarray) -> np.ndarray:
        return network_output(self.model_, X, self.mean_, self.scale_)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """ŷ: shape (n_samples,) for one output, else (n_samples, n_outputs)."""
        return one_column_as_vector(self._outputs(X))


class FittedClassifier(FittedRegressor):
    """``MLPClassifier``'s prediction from its fitted attributes (of an estimator, or of
    its parts): the logits, and the labels they give."""

    def __init__(self, fitted: Any) -> None:
        super().__init__(fitted)
        self.classes_ = fitted.classes_
        self.multilabel = is_multilabel(fitted.out_activation_, fitted.n_outputs_)

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """The logits: shape (n_samples,) for two classes, else (n_samples, n_outputs)."""
        return super().predict(X)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The most probable class of each sample (the indicator matrix for several labels)."""
        return labels(self._outputs(X), self.classes_, self.multilabel)


#: The prediction of each MLP estimator and the check of its outputs, by its class name.
FITTED = {"MLPClassifier": (FittedClassifier, check_classifier_outputs),
          "MLPRegressor": (FittedRegressor, check_regressor_outputs)}


def fitted_network(parts: Any) -> FittedClassifier | FittedRegressor | None:
    """The prediction of the MLP estimator whose parts are ``parts`` (its class ``name``,
    parameters and fitted attributes, read as attributes), once they are checked as
    ``nnlearn.load`` checks a loaded estimator's; None if they are another estimator's, or
    do not pass the checks (``nnlearn.load`` then says why)."""
    name = getattr(parts, "name", None)
    if not isinstance(name, str) or name not in FITTED:
        return None
    fitted, check_outputs = FITTED[name]
    try:
        check_fitted_state(parts, check_params(parts))
        check_outputs(parts)
    except (ValueError, TypeError, AttributeError):
        return None
    return fitted(parts)
