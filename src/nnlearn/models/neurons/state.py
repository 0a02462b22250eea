"""A neuron's state, checked: its flags, its initial weights, the shapes an epoch's
compiled loops rely on, and its fitted attributes against each other (what ``nnlearn.load``
asks of every model it rebuilds)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.checks import check_integer, check_real, check_real_array
from nnlearn.models.base import check_labels


def check_tol(tol: Any) -> None:
    """``tol`` must be ``None`` or a finite real number ≥ 0."""
    if tol is not None:
        check_real(tol, "tol (or None)", minimum=0)


def check_flag(value: Any, name: str) -> None:
    """``value`` must be a boolean (Python's or NumPy's)."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {value!r}")


def initial_weights(value: ArrayLike | None, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """``value`` (zeros if ``None``) as a float64 array of ``shape``; a vector or a number
    that holds exactly its values is reshaped to it."""
    if value is None:
        return np.zeros(shape)
    array = check_real_array(value, name, dtype=np.float64)
    if array.size != int(np.prod(shape)) or (array.ndim > 1 and array.shape != shape):
        raise ValueError(f"{name} must have shape {shape}, got shape {array.shape}")
    return array.reshape(shape).copy()


def check_epoch_shapes(X: Any, T: np.ndarray, W: np.ndarray, b: np.ndarray) -> None:
    """The shapes an epoch's compiled loops rely on (they do not check bounds): X of shape
    (n, d), T of shape (n, k), W of shape (k, d), b of shape (k,)."""
    n, d = X.shape
    k = W.shape[0] if W.ndim == 2 else -1
    if W.ndim != 2 or W.shape[1] != d or b.shape != (k,) or T.shape != (n, k):
        raise ValueError(
            f"inconsistent shapes for an epoch: X {X.shape}, targets {T.shape}, coef_ "
            f"{W.shape}, intercept_ {b.shape}; expected (n, d), (n, k), (k, d) and (k,)"
        )


def check_fitted_neuron(model: Any) -> None:
    """The checks of :meth:`LinearNeuronClassifier._check_fitted_attributes`."""
    required = ("classes_", "coef_", "intercept_", "n_features_in_", "errors_", "loss_curve_",
                "n_epochs_", "converged_", "negative_code_")
    present = [name for name in required if hasattr(model, name)]
    if not present:
        return
    name = type(model).__name__
    missing = [attribute for attribute in required if attribute not in present]
    if missing:
        raise ValueError(f"this {name} is partly fitted: it lacks {', '.join(missing)}")
    try:
        _check_fitted_values(model, name)
    except TypeError as error:  # a value of the wrong type is a fitted state in conflict
        raise ValueError(f"{name}: {error}") from None


def _check_fitted_values(model: Any, name: str) -> None:
    n_features = check_integer(model.n_features_in_, "n_features_in_", minimum=1)
    classes = np.asarray(model.classes_)
    check_labels(classes, "classes_")
    if len(classes) < 2 or not np.array_equal(np.unique(classes), classes):
        raise ValueError(f"{name}: classes_ must hold at least two distinct labels, sorted; "
                         f"got {classes.tolist()[:10]}")
    n_outputs = 1 if len(classes) == 2 else len(classes)
    for attribute, shape in (("coef_", (n_outputs, n_features)), ("intercept_", (n_outputs,))):
        value = getattr(model, attribute)
        if not isinstance(value, np.ndarray) or value.dtype not in (np.float32, np.float64):
            raise ValueError(f"{name}: {attribute} must be a float32 or float64 array, got "
                             f"{type(value).__name__} {getattr(value, 'dtype', '')}".rstrip())
        if value.shape != shape:
            raise ValueError(
                f"{name}: {attribute} has shape {value.shape}, but {len(classes)} classes and "
                f"n_features_in_={n_features} make it {shape}"
            )
        check_real_array(value, attribute)
    n_epochs = check_integer(model.n_epochs_, "n_epochs_", minimum=0)
    for attribute, kinds in (("errors_", "iu"), ("loss_curve_", "iuf")):
        history = getattr(model, attribute)
        if not isinstance(history, list | np.ndarray) or len(history) != n_epochs:
            raise ValueError(f"{name}: {attribute} must be a list of n_epochs_={n_epochs} "
                             f"values, got {history!r:.60}")
        values = np.asarray(history)
        if values.size and (values.ndim != 1 or values.dtype.kind not in kinds
                            or not (np.isfinite(values) & (values >= 0)).all()):
            bad = next((v for v in history if not _is_count(v, integral=kinds == "iu")), history)
            raise ValueError(f"{name}: {attribute} holds {bad!r}; expected finite "
                             f"{'integers' if kinds == 'iu' else 'numbers'} ≥ 0")
    check_flag(model.converged_, "converged_")
    if model.negative_code_ != model._negative_code(classes):
        raise ValueError(f"{name}: negative_code_={model.negative_code_!r} disagrees with "
                         f"classes_; the rule codes them with {model._negative_code(classes)}")


def _is_count(value: Any, integral: bool) -> bool:
    """Whether ``value`` is a finite number ≥ 0 (an integer if ``integral``), not a bool."""
    kind = numbers.Integral if integral else numbers.Real
    return (not isinstance(value, bool | np.bool_) and isinstance(value, kind)
            and bool(np.isfinite(value)) and value >= 0)
