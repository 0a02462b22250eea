"""The estimators' inputs: checked as scikit-learn checks them, standardized, dense or sparse.

A sparse X (SciPy CSR or CSC) is never densified as a whole: ``nl.fit`` densifies it
batch by batch, and prediction chunk by chunk. Standardizing it scales each feature by
its standard deviation without centering it (centering would make it dense), as
``StandardScaler(with_mean=False)`` does.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils.validation import check_array, validate_data

from nnlearn.checks import naming
from nnlearn.train.data import is_sparse

#: the dtypes scikit-learn's validation keeps (anything else becomes float64)
FLOATS = (np.float64, np.float32)
SPARSE_FORMATS = ["csr", "csc"]


def statistics(X: Any, weights: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """The (weighted) mean and standard deviation of each feature, as scikit-learn's
    ``StandardScaler`` computes them (a constant feature gets scale 1); the mean of a
    sparse X is reported as 0, since it is not subtracted."""
    w = np.ones(X.shape[0]) if weights is None else weights
    total = w.sum()
    if is_sparse(X):
        mean = np.asarray(X.T @ w).ravel() / total
        second = np.asarray(X.multiply(X).T @ w).ravel() / total
        variance = np.maximum(second - mean**2, 0)
        mean = np.zeros_like(mean)
    else:
        mean = np.average(X, axis=0, weights=w).astype(np.float64)
        variance = np.average((X - mean) ** 2, axis=0, weights=w)
    scale = np.sqrt(variance)
    return mean, np.where(scale > 0, scale, 1.0)


def training_inputs(estimator: Any, X: Any, y: Any, *, reset: bool, dtype: Any) -> tuple:
    """(X, y) checked as ``validate_data(estimator, X, y, ...)`` checks them (a sparse X
    stays sparse; y may have several columns; a regressor's y is numeric), each error
    naming the argument it is about: X is checked first on its own. A sparse y (a
    multi-label indicator matrix) is made dense: it has one value per sample and output."""
    with naming("X"):
        check_array(X, accept_sparse=SPARSE_FORMATS, dtype=dtype)
    with naming("y"):
        X, y = validate_data(estimator, X, y, reset=reset, accept_sparse=SPARSE_FORMATS,
                             dtype=dtype, multi_output=True,
                             y_numeric=not estimator._classifier)
    return X, (y.toarray() if is_sparse(y) else y)


def prediction_inputs(estimator: Any, X: Any) -> Any:
    """X checked against the fitted estimator (its number of features, finite values),
    as ``validate_data(..., reset=False)`` checks it.

    A plain float array without feature names takes a short path (one row costs a few
    microseconds, not the tens that the general check takes); anything else, and any
    array the short path would refuse, goes through scikit-learn's check and its
    messages.
    """
    if (type(X) is np.ndarray and X.ndim == 2 and X.dtype in FLOATS and X.shape[0] > 0
            and not hasattr(estimator, "feature_names_in_")):
        if X.shape[1] != estimator.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but {type(estimator).__name__} "
                             f"is expecting {estimator.n_features_in_} features as input.")
        if np.isfinite(X.sum()):  # a NaN or inf (or a sum that overflows): the full check
            return X
    with naming("X"):
        return validate_data(estimator, X, reset=False, accept_sparse=SPARSE_FORMATS,
                             dtype=FLOATS)
