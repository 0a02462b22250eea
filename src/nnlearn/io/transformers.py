"""scikit-learn's transformers in nnlearn files: their parameters and fitted state, checked.

``nnlearn train`` keeps the preprocessing it fits in the model file: a ``Pipeline`` of a
``ColumnTransformer`` (``SimpleImputer``, ``MissingIndicator``, ``OneHotEncoder``,
``StandardScaler``) and the network. They are saved without pickle, as nnlearn's estimators
are (:mod:`nnlearn.io.model_file`): the class name, one of :data:`TRANSFORMERS`; the
``get_params()``; and the state ``fit`` set — for scikit-learn's classes including the private
attributes their ``transform`` reads. Loading builds the class from its parameters, has
scikit-learn validate them, restores the state (data only: numbers, text, arrays and the
transformers of this table; no name may shadow a method) and checks it by the class's rule
below, so that a file whose parts disagree is refused before ``transform`` can misread it.

Private attributes change between scikit-learn's releases, so a transformer records the
version that saved it and is read by the same minor version only (1.9.0 reads 1.9.1's files).
"""

from __future__ import annotations

import itertools
import numbers
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import sklearn
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from nnlearn.checks import describe
from nnlearn.io.format import by_this_scikit_learn
from nnlearn.registry import Registry

#: The scikit-learn classes that ``nnlearn.load`` may build, by class name.
TRANSFORMERS: Registry[type[BaseEstimator]] = Registry("scikit-learn transformer")

#: What a transformer's description says wrote it.
LIBRARY = f"scikit-learn {sklearn.__version__}"

STATE_NAME = re.compile(r"_?[a-z][a-z0-9_]*")

_CHECKS: dict[type[BaseEstimator], Callable[[Any], None]] = {}


def _checks(cls: type[BaseEstimator]) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
    """Register ``cls`` in :data:`TRANSFORMERS` with the decorated function as its check."""

    def register(check: Callable[[Any], None]) -> Callable[[Any], None]:
        TRANSFORMERS.register(cls.__name__)(cls)
        _CHECKS[cls] = check
        return check

    return register


def is_transformer(obj: Any) -> bool:
    """Whether ``obj`` is an instance of a class of :data:`TRANSFORMERS` (not a subclass)."""
    name = type(obj).__name__
    return name in TRANSFORMERS and TRANSFORMERS.get(name) is type(obj)


def fitted_state(transformer: BaseEstimator) -> dict[str, Any]:
    """The attributes of ``transformer`` that are not its parameters: what ``fit`` set."""
    params = transformer.get_params(deep=False)
    return {key: value for key, value in vars(transformer).items() if key not in params}


def rebuild(name: str, params: dict[str, Any], state: dict[str, Any], library: Any
            ) -> BaseEstimator:
    """The transformer ``name`` built from ``params`` with ``state`` restored, once checked.

    Raises
    ------
    ValueError, TypeError
        If ``library`` is another minor version of scikit-learn, a parameter is invalid, a
        state name is not one ``fit`` could set, or the state disagrees with itself.
    """
    _check_library(library)
    cls = TRANSFORMERS.get(name)
    transformer = cls(**params)
    transformer._validate_params()  # scikit-learn's own check of every parameter
    for key, value in state.items():
        if not STATE_NAME.fullmatch(key) or key in params or hasattr(cls, key):
            raise ValueError(f"{key!r} is not an attribute that fitting a {name} sets")
        setattr(transformer, key, value)
    if state or cls is Pipeline:
        _CHECKS[cls](transformer)
    return transformer


def _check_library(library: Any) -> None:
    if not by_this_scikit_learn(library):
        raise ValueError(
            f"it was saved by {library!r}; this is {LIBRARY}, whose transformers may keep "
            f"other fitted state: train the model again with it (or install the version "
            "that saved it)")


# ----- the checks, one per class -------------------------------------------------------------
def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _n_features_in(transformer: Any) -> int:
    """``n_features_in_``, checked, and ``feature_names_in_`` (if any) checked against it."""
    n = transformer.n_features_in_
    _require(isinstance(n, numbers.Integral) and not isinstance(n, bool) and n >= 1,
             f"n_features_in_ must be a positive integer, got {describe(n)}")
    names = getattr(transformer, "feature_names_in_", None)
    if names is not None:
        _require(isinstance(names, np.ndarray) and names.shape == (n,)
                 and all(isinstance(name, str) for name in names) and len(set(names)) == n,
                 f"feature_names_in_ must be {n} distinct column names, got {describe(names)}")
    return int(n)


def _is_vector(value: Any, n: int, kinds: str) -> bool:
    return isinstance(value, np.ndarray) and value.shape == (n,) and value.dtype.kind in kinds


@_checks(StandardScaler)
def _check_scaler(scaler: StandardScaler) -> None:
    n = _n_features_in(scaler)
    for name in ("mean_", "var_", "scale_"):
        value = getattr(scaler, name)
        _require(value is None or (_is_vector(value, n, "f") and np.isfinite(value).all()),
                 f"{name} must be None or {n} finite numbers, got {describe(value)}")
    _require(scaler.mean_ is not None or not scaler.with_mean, "with_mean is true, mean_ None")
    _require(scaler.scale_ is not None or not scaler.with_std, "with_std is true, scale_ None")
    _require(scaler.scale_ is None or bool((scaler.scale_ > 0).all()), "scale_ must be positive")


@_checks(SimpleImputer)
def _check_imputer(imputer: SimpleImputer) -> None:
    n = _n_features_in(imputer)
    _require(_is_vector(imputer.statistics_, n, "biufO"),
             f"statistics_ must be {n} values, got {describe(imputer.statistics_)}")
    _require(isinstance(imputer._fit_dtype, np.dtype), "_fit_dtype must be a dtype")
    _require(isinstance(getattr(imputer, "_fill_dtype", imputer._fit_dtype), np.dtype),
             "_fill_dtype must be a dtype")
    indicator = imputer.indicator_
    if imputer.add_indicator:
        _require(isinstance(indicator, MissingIndicator) and indicator.n_features_in_ == n,
                 f"indicator_ must be a MissingIndicator of {n} features, got {indicator!r}")
    else:
        _require(indicator is None, "indicator_ must be None when add_indicator is false")


@_checks(MissingIndicator)
def _check_indicator(indicator: MissingIndicator) -> None:
    n = _n_features_in(indicator)
    features = indicator.features_
    _require(isinstance(features, np.ndarray) and features.ndim == 1
             and features.dtype.kind in "iu" and bool(np.all(np.diff(features) > 0))
             and (features.size == 0 or (features[0] >= 0 and features[-1] < n)),
             f"features_ must be increasing column indices below {n}, got {describe(features)}")
    _require(indicator.features != "all" or np.array_equal(features, np.arange(n)),
             "features is 'all', but features_ does not list every column")
    _require(indicator._n_features == n, f"_n_features must be {n}")
    _require(isinstance(indicator._precomputed, bool), "_precomputed must be true or false")


@_checks(OneHotEncoder)
def _check_encoder(encoder: OneHotEncoder) -> None:
    n = _n_features_in(encoder)
    categories = encoder.categories_
    _require(isinstance(categories, list) and len(categories) == n and all(
        isinstance(c, np.ndarray) and c.ndim == 1 and c.size >= 1
        and len(np.unique(c)) == c.size for c in categories),
        f"categories_ must be {n} arrays of distinct categories, got {describe(categories)}")
    _require(encoder.min_frequency is None and encoder.max_categories is None
             and encoder._infrequent_enabled is False,
             "nnlearn files hold OneHotEncoders without infrequent categories")
    _require(encoder.drop_idx_ is None and encoder._drop_idx_after_grouping is None,
             "nnlearn files hold OneHotEncoders that drop no category")
    widths = [c.size for c in categories]
    _require(encoder._n_features_outs == widths, f"_n_features_outs must be {widths}")
    _require(isinstance(encoder.dtype, type) and issubclass(encoder.dtype, np.number),
             f"dtype must be a NumPy number type, got {describe(encoder.dtype)}")


def _column_indices(columns: Any, names: np.ndarray | None, n: int) -> list[int]:
    """The indices of a ColumnTransformer's column selection: names or indices, checked."""
    _require(isinstance(columns, list), f"a column selection must be a list, got {columns!r}")
    if names is not None and all(isinstance(c, str) for c in columns):
        known = {name: i for i, name in enumerate(names)}
        _require(all(c in known for c in columns), f"columns {columns} are not all among "
                                                    f"feature_names_in_")
        return [known[c] for c in columns]
    _require(all(isinstance(c, numbers.Integral) and not isinstance(c, bool) and 0 <= c < n
                 for c in columns), f"column indices {columns} must lie in [0, {n})")
    return [int(c) for c in columns]


@_checks(ColumnTransformer)
def _check_column_transformer(ct: ColumnTransformer) -> None:
    n = _n_features_in(ct)
    names = getattr(ct, "feature_names_in_", None)
    fitted = ct.transformers_
    _require(isinstance(fitted, list) and all(
        isinstance(t, tuple) and len(t) == 3 and isinstance(t[0], str) for t in fitted),
        "transformers_ must be a list of (name, transformer, columns)")
    _require(len({name for name, _, _ in fitted}) == len(fitted), "transformers_ repeats a name")
    indices = {}
    for name, transformer, columns in fitted:
        indices[name] = _column_indices(columns, names, n)
        if transformer != "drop":  # scikit-learn fits "passthrough" as a FunctionTransformer
            _require(hasattr(transformer, "transform") and
                     getattr(transformer, "n_features_in_", None) == len(columns),
                     f"the transformer {name!r} was not fitted to its {len(columns)} columns")
    given = [name for name, _, _ in ct.transformers]
    _require([name for name, _, _ in fitted if name != "remainder"] == given,
             f"transformers_ must follow transformers {given}")
    used = set(itertools.chain(*(indices[name] for name in given)))
    remaining = [i for i in range(n) if i not in used]
    _require(indices.setdefault("remainder", remaining) == remaining,
             f"the remainder must select the columns no transformer selects, {remaining}")
    _require(ct._columns == [columns for name, _, columns in fitted if name != "remainder"],
             "_columns must list the columns of transformers_")
    _require(ct._transformer_to_input_indices == indices,
             f"_transformer_to_input_indices must be {indices}")
    remainder = ct._remainder
    _require(isinstance(remainder, tuple) and len(remainder) == 3 and remainder[0] == "remainder"
             and _column_indices(remainder[2], names, n) == indices["remainder"],
             f"_remainder must select the columns {indices['remainder']}")
    slices, start = {}, 0
    for name, transformer, columns in fitted:
        if transformer != "drop" and columns:
            width = len(transformer.get_feature_names_out())
            slices[name], start = slice(start, start + width), start + width
    slices.update((name, slice(0, 0)) for name in [*given, "remainder"] if name not in slices)
    _require(ct.output_indices_ == slices, f"output_indices_ must be {slices}")
    _require(isinstance(ct.sparse_output_, bool) and (ct.sparse_threshold > 0
                                                      or not ct.sparse_output_),
             "sparse_output_ must be true or false, and false where sparse_threshold is 0")
    _require(ct.n_jobs != 0, "n_jobs must not be 0")


@_checks(Pipeline)
def _check_pipeline(pipeline: Pipeline) -> None:
    steps = pipeline.steps
    _require(isinstance(steps, list) and len(steps) >= 1 and all(
        isinstance(step, tuple) and len(step) == 2 and isinstance(step[0], str)
        for step in steps), "steps must be a list of (name, estimator)")
    _require(len({name for name, _ in steps}) == len(steps), "steps repeats a name")
    estimators = [(name, step) for name, step in steps if step not in (None, "passthrough")]
    for (name, before), (next_name, after) in itertools.pairwise(estimators):
        _require(hasattr(before, "transform"), f"the step {name!r} is not a transformer")
        expected = getattr(after, "n_features_in_", None)
        if expected is not None and hasattr(before, "n_features_in_"):
            width = len(before.get_feature_names_out())
            _require(width == expected, f"the step {name!r} gives {width} features, but "
                                        f"{next_name!r} takes {expected}")
