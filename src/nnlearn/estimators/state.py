"""The fitted state of an MLP estimator, checked as a whole.

``nnlearn.load`` rebuilds an estimator from its file's fitted attributes and calls
``_check_fitted_attributes()`` before returning it: every attribute must agree with the
parameters and with the others, or the file is refused.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnlearn.checks import check_integer, check_real, check_real_array
from nnlearn.estimators.params import Settings
from nnlearn.layers import Dense, Sequential
from nnlearn.layers.module import FLOAT_TYPES


def check_fitted_state(estimator: Any, settings: Settings) -> None:
    """A ``ValueError`` unless the network, the input statistics, the counters and the
    stopping state of ``estimator`` agree with each other and with its parameters."""
    model, n_in = estimator.model_, estimator.n_features_in_
    if not isinstance(model, Sequential) or not all(isinstance(layer, Dense)
                                                    for layer in model.layers):
        raise ValueError(f"model_ must be a Sequential of Dense layers, got {model!r}")
    n_out = check_integer(estimator.n_outputs_, "n_outputs_", minimum=1)
    widths = [check_integer(n_in, "n_features_in_", minimum=1),
              *settings.hidden_layer_sizes, n_out]
    found = [model.layers[0].in_features, *(layer.out_features for layer in model.layers)]
    if found != widths:
        raise ValueError(f"model_ has layer widths {found}, but n_features_in_, "
                         f"hidden_layer_sizes and n_outputs_ give {widths}")
    if model.dtype not in FLOAT_TYPES or settings.dtype not in (None, model.dtype):
        raise ValueError(f"model_ is {model.dtype}, but dtype is {estimator.dtype!r}")
    _check_statistics(estimator, n_in)
    check_integer(estimator.n_iter_, "n_iter_", minimum=0)
    check_integer(estimator.t_, "t_", minimum=0)
    check_real_array(estimator.loss_curve_, "loss_curve_", ndim=1, finite=False)
    check_real(estimator.loss_, "loss_", finite=False)
    _check_stopping_state(estimator)


def check_regressor_outputs(estimator: Any) -> None:
    """A ``ValueError`` unless a regressor's output layer is the identity."""
    if estimator.out_activation_ != "identity":
        raise ValueError(f"out_activation_ must be 'identity', got {estimator.out_activation_!r}")


def check_classifier_outputs(estimator: Any) -> None:
    """A ``ValueError`` unless a classifier's classes and output layer fit together: softmax
    over k > 2 classes, or the logistic σ of one output for two classes or of one output per
    label of k labels."""
    classes = estimator.classes_
    k, outputs = len(classes), estimator.n_outputs_
    if not isinstance(classes, np.ndarray) or classes.ndim != 1 or k < 2 or \
            len(np.unique(classes)) != k:
        raise ValueError(f"classes_ must be at least two distinct labels, got {classes!r}")
    valid = {"softmax": k > 2 and outputs == k,  # one label of k > 2 classes
             "logistic": (k == 2 and outputs == 1)  # one label of two classes
             or (outputs == k and np.array_equal(classes, np.arange(k)))}  # k labels
    if not valid.get(estimator.out_activation_, False):
        raise ValueError(f"out_activation_={estimator.out_activation_!r} with {k} classes and "
                         f"n_outputs_={outputs} do not fit together")


def _check_statistics(estimator: Any, n_in: int) -> None:
    """mean_ and scale_: arrays of n_features values with ``standardize``, else None."""
    standardize = estimator.standardize
    for name in ("mean_", "scale_"):
        value = getattr(estimator, name, None)
        if (value is None) == standardize:
            raise ValueError(f"{name} must be {'an array' if standardize else 'None'} "
                             f"when standardize={standardize}")
        if value is not None:
            value = check_real_array(value, name, ndim=1)
            if value.shape != (n_in,):
                raise ValueError(f"{name} has shape {value.shape}, expected ({n_in},)")
    if standardize and np.any(estimator.scale_ <= 0):
        raise ValueError("scale_ must be positive")


def _check_stopping_state(estimator: Any) -> None:
    """best_loss_, validation_scores_, best_validation_score_ and validation_loss_curve_
    as the solver and early_stopping make them (None where they do not apply)."""
    stochastic, early = estimator.solver != "lbfgs", estimator.early_stopping
    expected = {"best_loss_": stochastic and not early,
                "validation_scores_": stochastic and early,
                "best_validation_score_": stochastic and early,
                "validation_loss_curve_": stochastic and early}
    for name, present in expected.items():
        value = getattr(estimator, name)
        if (value is None) == present:
            raise ValueError(f"{name} must be {'set' if present else 'None'} for "
                             f"solver={estimator.solver!r}, early_stopping={early}")
        if value is None:
            continue
        if isinstance(value, list):
            check_real_array(value, name, ndim=1, finite=False)
        else:
            check_real(value, name, finite=False)
