"""MLPRegressor: a linear output layer and the squared error, one output or several."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.metaestimators import available_if

from nnlearn.estimators import prediction
from nnlearn.estimators.mlp import BaseMLP
from nnlearn.estimators.state import check_regressor_outputs


class MLPRegressor(RegressorMixin, BaseMLP):
    """A multi-layer perceptron regressor (linear output layer, loss ½‖y − ŷ‖²).

    ``y`` may have several columns (one output unit each). The gradient is that of
    ½‖y − ŷ‖² summed over the outputs; ``loss_`` averages it over the outputs too, as
    scikit-learn's (the two agree for one output).

    Parameters
    ----------
    See :class:`~nnlearn.estimators.mlp.BaseMLP`.

    Attributes
    ----------
    model_ : nl.Sequential
    coefs_, intercepts_, n_layers_, n_outputs_, n_features_in_ : list of ndarray, int
        As for :class:`~nnlearn.estimators.MLPClassifier`.
    loss_, loss_curve_, best_loss_, n_iter_, t_, mean_, scale_
        As for :class:`~nnlearn.estimators.MLPClassifier`.
    out_activation_ : "identity"
    validation_scores_, best_validation_score_ : list of float or None, float or None
        The held-out R² of each epoch and the best, with ``early_stopping``.
    validation_loss_curve_ : list of float or None

    Examples
    --------
    >>> import numpy as np
    >>> from nnlearn.estimators import MLPRegressor
    >>> X = np.linspace(-1, 1, 50).reshape(-1, 1); y = X.ravel() ** 2
    >>> reg = MLPRegressor((16,), activation="tanh", solver="lbfgs", random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.99
    True
    """

    @available_if(BaseMLP._check_partial_fit)
    def partial_fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
                    ) -> MLPRegressor:
        """One epoch of Adam or SGD over (X, y), continuing from the current weights and
        optimizer state (a loaded model starts a fresh optimizer).

        Returns
        -------
        self
        """
        return self._partial_fit(X, y, sample_weight, None)

    def _encode_targets(self, y: np.ndarray, classes: ArrayLike | None, first: bool,
                        incremental: bool) -> tuple[np.ndarray, int]:
        if first:
            self.out_activation_ = "identity"
        targets = y.reshape(len(y), -1)
        return targets, targets.shape[1]

    def _loss(self) -> str:
        return "half_squared_error"

    def _loss_scale(self) -> float:
        return 1 / self.n_outputs_

    def _check_fitted_attributes(self) -> None:
        super()._check_fitted_attributes()
        check_regressor_outputs(self)

    def predict(self, X: ArrayLike) -> np.ndarray:
        """ŷ: shape (n_samples,) for one output, else (n_samples, n_outputs)."""
        return prediction.one_column_as_vector(self._forward(X))

    def _validation_score(self, X: Any, y: np.ndarray, weights: np.ndarray | None) -> float:
        output = self._outputs(X)
        if not np.isfinite(output).all():
            return float("nan")
        return float(r2_score(y, prediction.one_column_as_vector(output),
                              sample_weight=weights))

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags
