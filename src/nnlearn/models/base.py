"""Estimator plumbing shared by the classic neurons, in scikit-learn's conventions.

The models derive from scikit-learn's ``BaseEstimator`` (``get_params`` / ``set_params``
from ``__init__``, ``clone``, the repr) and raise scikit-learn's exception and warning
classes, so scikit-learn code catches them; the input checks below name the argument
at fault.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning, NotFittedError

__all__ = [
    "BaseEstimator",
    "ConvergenceWarning",
    "DataConversionWarning",
    "NotFittedError",
    "check_X_y",
    "check_array",
    "check_is_fitted",
]


def check_is_fitted(model: Any, attribute: str = "coef_") -> None:
    """Raise :class:`NotFittedError` unless ``model`` has the fitted ``attribute``."""
    if not hasattr(model, attribute):
        raise NotFittedError(
            f"this {type(model).__name__} is not fitted yet; call 'fit' before using it"
        )


def check_array(
    X: ArrayLike, name: str = "X", n_features: int | None = None, owner: str = "the model"
) -> np.ndarray:
    """``X`` as a finite 2-d float array of shape (n_samples, n_features).

    float32 input stays float32; everything else becomes float64.

    Raises
    ------
    ValueError
        If ``X`` is not 2-d, is empty, holds NaN or infinity, or has a number of columns
        other than ``n_features`` (when given).
    """
    if hasattr(X, "toarray") or hasattr(X, "tocsr"):
        raise TypeError(
            f"{name} is a sparse matrix: sparse input is not supported; pass a dense array "
            f"({name}.toarray())"
        )
    array = np.asarray(X)
    if array.dtype.kind == "c":
        raise ValueError(f"{name} holds complex numbers. Complex data not supported")
    if array.dtype.kind not in "biuf":
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError) as error:
            message = f"{name} must hold numbers, got dtype {array.dtype}: {error}"
            raise type(error)(message) from error
    dtype = np.float32 if array.dtype == np.float32 else np.float64
    array = np.ascontiguousarray(array, dtype=dtype)
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be 2-d of shape (n_samples, n_features), got {array.ndim}-d "
            f"of shape {array.shape}. Reshape your data with .reshape(-1, 1) if it has one "
            "feature, or .reshape(1, -1) if it is one sample"
        )
    if array.shape[0] == 0:
        raise ValueError(f"{name} of shape {array.shape} is empty; expected at least 1 sample")
    if array.shape[1] == 0:
        raise ValueError(
            f"{name} has 0 feature(s) (shape={array.shape}) while a minimum of 1 is required."
        )
    if not np.isfinite(array).all():
        raise ValueError(f"{name} holds NaN or infinity; expected finite values")
    if n_features is not None and array.shape[1] != n_features:
        raise ValueError(
            f"{name} has {array.shape[1]} features, but {owner} is expecting "
            f"{n_features} features as input"
        )
    return array


def check_X_y(
    X: ArrayLike, y: ArrayLike | None, owner: str = "the model", n_features: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``X`` as by :func:`check_array` and ``y`` as a 1-d array of the same length.

    A column vector ``y`` of shape (n_samples, 1) is raveled with a
    :class:`DataConversionWarning`.
    """
    if y is None:
        raise ValueError(f"{owner} requires y to be passed, but the target y is None")
    X = check_array(X, n_features=n_features, owner=owner)
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        warnings.warn(
            "A column-vector y was passed when a 1d array was expected. Please change the "
            "shape of y to (n_samples,), for example using ravel().",
            DataConversionWarning,
            stacklevel=3,
        )
        y = y.ravel()
    if y.ndim != 1:
        raise ValueError(f"y must be 1-d of shape (n_samples,), got shape {y.shape}")
    if len(y) != len(X):
        raise ValueError(f"X and y have different lengths: X has {len(X)} samples, y has {len(y)}")
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        raise ValueError("y holds NaN or infinity; expected finite values")
    return X, y
