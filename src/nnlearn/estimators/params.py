"""The MLP estimators' parameters, checked in ``fit`` (``__init__`` only stores them).

scikit-learn's names, defaults and domains; every check names the parameter, what was
expected and what came (:mod:`nnlearn.checks`).
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from nnlearn import activations
from nnlearn.checks import InvalidArgumentError, check_bool, check_integer, check_real, describe
from nnlearn.layers.module import as_float_dtype

SOLVERS = ("adam", "sgd", "lbfgs")
#: scikit-learn's learning-rate schedules of the SGD solver
LEARNING_RATES = ("constant", "invscaling", "adaptive")


@dataclass(frozen=True)
class Settings:
    """The checked parameters the training needs beyond the estimator's own attributes."""

    hidden_layer_sizes: tuple[int, ...]
    dtype: np.dtype | None
    patience: float  # n_iter_no_change: an integer, or inf for "never stop early"


def check_params(estimator: Any) -> Settings:
    """Check every parameter of an MLP estimator; a clear error for the first bad one."""
    sizes = estimator.hidden_layer_sizes
    sizes = (sizes,) if isinstance(sizes, numbers.Integral) else sizes
    try:
        sizes = tuple(check_integer(s, "hidden_layer_sizes", minimum=1) for s in sizes)
    except (TypeError, InvalidArgumentError):
        raise InvalidArgumentError(f"hidden_layer_sizes must be positive integers, got "
                                   f"{describe(estimator.hidden_layer_sizes)}") from None
    activations.ACTIVATIONS.canonical(estimator.activation)
    _one_of("solver", estimator.solver, SOLVERS)
    rate = estimator.learning_rate
    if not callable(rate):
        _one_of("learning_rate", rate, LEARNING_RATES, " or a schedule t -> η")
    for name in ("alpha", "tol", "power_t"):
        check_real(getattr(estimator, name), name, minimum=0)
    for name in ("learning_rate_init", "epsilon"):
        check_real(getattr(estimator, name), name, minimum=0, open_minimum=True)
    for name in ("momentum", "beta_1", "beta_2", "validation_fraction"):
        value = check_real(getattr(estimator, name), name)
        low_open = name == "validation_fraction"
        if not (0 < value < 1 if low_open else 0 <= value < 1):
            interval = "(0, 1)" if low_open else "[0, 1)"
            raise InvalidArgumentError(f"{name} must be a number in {interval}, got {value!r}")
    for name in ("max_iter", "max_fun"):
        check_integer(getattr(estimator, name), name, minimum=1)
    for name in ("shuffle", "warm_start", "nesterovs_momentum", "standardize"):
        check_bool(getattr(estimator, name), name)
    if not (isinstance(estimator.early_stopping, str) and estimator.early_stopping == "loss"):
        try:
            check_bool(estimator.early_stopping, "early_stopping")
        except InvalidArgumentError:
            raise InvalidArgumentError(f"early_stopping must be True, False or 'loss', got "
                                       f"{describe(estimator.early_stopping)}") from None
    if estimator.progress is not None:
        check_bool(estimator.progress, "progress")
    if not isinstance(estimator.verbose, bool | np.bool_):
        check_integer(estimator.verbose, "verbose", minimum=0)
    batch = estimator.batch_size
    if not (isinstance(batch, str) and batch == "auto"):
        try:
            check_integer(batch, "batch_size", minimum=1)
        except InvalidArgumentError:
            raise InvalidArgumentError(f"batch_size must be 'auto' or a positive integer, got "
                                       f"{describe(batch)}") from None
    dtype = None if estimator.dtype is None else as_float_dtype(estimator.dtype)
    return Settings(sizes, dtype, _patience(estimator.n_iter_no_change))


def _patience(value: Any) -> float:
    """n_iter_no_change: a positive integer, or ``np.inf`` (never stop for want of progress)."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_) \
            and math.isinf(value) and value > 0:
        return math.inf
    try:
        return check_integer(value, "n_iter_no_change", minimum=1)
    except InvalidArgumentError:
        raise InvalidArgumentError(f"n_iter_no_change must be a positive integer or np.inf, "
                                   f"got {describe(value)}") from None


def _one_of(name: str, value: Any, options: tuple[str, ...], more: str = "") -> None:
    if not isinstance(value, str) or value not in options:
        raise InvalidArgumentError(f"{name} must be one of {options}{more}, got "
                                   f"{describe(value)}")


def check_class_weight(class_weight: Any) -> None:
    """class_weight: None, "balanced", or a dict of label to weight ≥ 0."""
    if class_weight is None or (isinstance(class_weight, str) and class_weight == "balanced"):
        return
    if not isinstance(class_weight, dict):
        raise InvalidArgumentError(f"class_weight must be None, 'balanced' or a dict of label "
                                   f"to weight, got {describe(class_weight)}")
    for label, weight in class_weight.items():
        check_real(weight, f"class_weight[{label!r}]", minimum=0)


def extended_init(base_init: Callable[..., None], **extra: Any) -> Callable[..., None]:
    """``base_init`` with more keyword-only parameters (``name=default``), each stored as an
    attribute, as scikit-learn's contract asks: ``__init__`` only stores its arguments.

    The new ``__init__`` shows the whole signature (``inspect.signature``, which
    scikit-learn's ``get_params`` reads), so a subclass adds a parameter without
    repeating the base's list.
    """
    base = inspect.signature(base_init)
    added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default)
             for name, default in extra.items()]
    signature = base.replace(parameters=[*base.parameters.values(), *added])

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        own = {name: bound.arguments.pop(name) for name in extra}
        base_init(*bound.args, **bound.kwargs)
        for name, value in own.items():
            setattr(self, name, value)

    __init__.__signature__ = signature  # type: ignore[attr-defined]
    __init__.__doc__ = base_init.__doc__
    return __init__
