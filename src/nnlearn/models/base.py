"""Estimator plumbing shared by the classic neurons, in scikit-learn's conventions.

The models derive from scikit-learn's ``BaseEstimator`` (``get_params`` / ``set_params``
from ``__init__``, ``clone``, the repr) and raise scikit-learn's exception and warning
classes, so scikit-learn code catches them. The input checks below apply the rules of
:mod:`nnlearn.checks` and add what scikit-learn's estimator checks expect: object arrays of
numbers are numbers, complex data is a ``ValueError`` saying "Complex data not supported",
a non-finite value is called NaN or inf, and a 1-d ``X`` gets a hint to reshape it.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.sparse
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning, NotFittedError

from nnlearn.checks import InvalidArgumentError, check_real_array

__all__ = [
    "BaseEstimator",
    "ConvergenceWarning",
    "DataConversionWarning",
    "NotFittedError",
    "check_X_y",
    "check_array",
    "check_is_fitted",
    "check_labels",
]


def check_is_fitted(model: Any, attribute: str = "coef_") -> None:
    """Raise :class:`NotFittedError` unless ``model`` has the fitted ``attribute``."""
    if not hasattr(model, attribute):
        raise NotFittedError(
            f"this {type(model).__name__} is not fitted yet; call 'fit' before using it"
        )


def check_array(
    X: ArrayLike,
    name: str = "X",
    n_features: int | None = None,
    owner: str = "the model",
    accept_sparse: bool = False,
) -> Any:
    """``X`` as a finite 2-d float array of shape (n_samples, n_features).

    float32 input stays float32; everything else becomes float64. A dense result is
    C-contiguous. With ``accept_sparse``, a SciPy sparse matrix or array of any format
    comes back in CSR format (its values checked as a dense array's are), never densified.

    Raises
    ------
    TypeError
        If ``X`` holds what is not a number (text, ``None``, other objects), or is sparse
        where ``accept_sparse`` is false.
    ValueError
        If ``X`` holds complex numbers, NaN or infinity, is not 2-d, is empty, or has a
        number of columns other than ``n_features`` (when given).
    """
    if scipy.sparse.issparse(X):
        if not accept_sparse:
            raise TypeError(
                f"{name} is a sparse matrix, and {owner} takes dense data only; pass a "
                f"dense array ({name}.toarray())"
            )
        array = _canonical_csr(X, name)
        values = _real_values(array.data, name)
        if values.dtype != array.dtype:
            array = array.astype(values.dtype)
    else:
        array = np.ascontiguousarray(_real_values(np.asarray(X), name))
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
    if n_features is not None and array.shape[1] != n_features:
        raise ValueError(
            f"{name} has {array.shape[1]} features, but {owner} is expecting "
            f"{n_features} features as input"
        )
    return array


def _canonical_csr(X: Any, name: str) -> Any:
    """``X`` in CSR format with its structure checked (compiled loops index with it) and
    no duplicate entries; a copy where that changes anything."""
    array = X.tocsr()
    if array.ndim != 2:
        return array  # the caller's 2-d check names the problem
    try:
        array.check_format(full_check=True)
    except ValueError as error:
        raise ValueError(f"{name} is a malformed sparse matrix: {error}") from None
    if not array.has_canonical_format:
        array = array.copy()
        array.sum_duplicates()
    return array


def _real_values(array: np.ndarray, name: str) -> np.ndarray:
    """``array`` as finite floats by :func:`~nnlearn.checks.check_real_array`, worded for
    scikit-learn's checks; an object array is taken as numbers if it holds numbers."""
    if array.dtype == object:
        array = _numbers_from_objects(array, name)
    try:
        return check_real_array(array, name)
    except InvalidArgumentError as error:
        if array.dtype.kind == "c":  # in scikit-learn's words, which its checks look for
            raise InvalidArgumentError(f"{error}. Complex data not supported") from None
        raise


def _numbers_from_objects(array: np.ndarray, name: str) -> np.ndarray:
    """An object array of numbers as floats; ``None`` and text are refused by name (NumPy
    would make them NaN and parse the text), other objects by NumPy's own message."""
    for index, item in np.ndenumerate(array):
        if item is None or isinstance(item, str | bytes):
            what = "None" if item is None else f"the text {item!r}"
            raise TypeError(f"{name} must hold numbers, got {what} at index {index}")
    try:
        return array.astype(np.float64)
    except (TypeError, ValueError) as error:
        raise type(error)(f"{name} must hold numbers, got dtype object: {error}") from None


def check_labels(y: ArrayLike, name: str = "y", n_samples: int | None = None) -> np.ndarray:
    """``y`` as a 1-d array of class labels (numbers, text or booleans).

    A column vector of shape (n_samples, 1) is raveled with a
    :class:`DataConversionWarning`.

    Raises
    ------
    TypeError
        If ``y`` holds ``None`` or mixes labels that cannot be ordered (text and numbers).
    ValueError
        If ``y`` is ``None``, holds complex numbers, NaN, infinity or continuous values
        ("Unknown label type"), is not 1-d, or has a length other than ``n_samples``.
    """
    if y is None:
        raise ValueError(f"{name} must be passed (class labels), but the target {name} is None")
    labels = np.asarray(y)
    if labels.ndim == 2 and labels.shape[1] == 1:
        warnings.warn(
            "A column-vector y was passed when a 1d array was expected. Please change the "
            "shape of y to (n_samples,), for example using ravel().",
            DataConversionWarning,
            stacklevel=3,
        )
        labels = labels.ravel()
    if labels.ndim != 1:
        raise ValueError(f"{name} must be 1-d of shape (n_samples,), got shape {labels.shape}")
    if n_samples is not None and len(labels) != n_samples:
        raise ValueError(
            f"X and {name} have different lengths: X has {n_samples} samples, "
            f"{name} has {len(labels)}"
        )
    if labels.dtype.kind == "c":
        raise ValueError(f"{name} holds complex numbers. Complex data not supported")
    if labels.dtype == object:
        labels = _labels_from_objects(labels, name)
    if labels.dtype.kind == "f":
        if not np.isfinite(labels).all():
            raise ValueError(f"{name} holds NaN or infinity; expected class labels")
        if np.any(labels != np.round(labels)):
            raise ValueError(
                f"Unknown label type: {name} holds continuous values; expected class labels"
            )
    return labels


def _labels_from_objects(labels: np.ndarray, name: str) -> np.ndarray:
    """An object array of labels, with ``None`` and unorderable mixtures refused by name;
    float labels come back as a float array, to be checked as such."""
    for index, item in enumerate(labels):
        if item is None:
            raise TypeError(f"{name} holds None at index {index}; expected class labels")
        if isinstance(item, complex | np.complexfloating):
            raise ValueError(f"{name} holds complex numbers. Complex data not supported")
    try:
        np.unique(labels)
    except TypeError:
        kinds = sorted({type(item).__name__ for item in labels})
        raise TypeError(
            f"{name} mixes labels of types {kinds} that cannot be ordered; expected labels "
            "of one kind (all text or all numbers)"
        ) from None
    if all(isinstance(item, float | np.floating) for item in labels):
        return labels.astype(np.float64)
    return labels


def check_X_y(
    X: ArrayLike,
    y: ArrayLike | None,
    owner: str = "the model",
    n_features: int | None = None,
    accept_sparse: bool = False,
) -> tuple[Any, np.ndarray]:
    """``X`` as by :func:`check_array` and ``y`` as by :func:`check_labels`, of one length."""
    if y is None:
        raise ValueError(f"{owner} requires y to be passed, but the target y is None")
    X = check_array(X, n_features=n_features, owner=owner, accept_sparse=accept_sparse)
    return X, check_labels(y, n_samples=X.shape[0])
