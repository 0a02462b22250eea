"""``nnlearn train``'s preprocessing once fitted: the numbers it learned, applied to a table.

:mod:`nnlearn.tabular.preprocessing` builds the preprocessing of :data:`STEPS` from
scikit-learn's transformers and fits it. What it learns is a few arrays, and applying them is
a few lines of NumPy, written here:

* numbers: a missing value becomes the column's training median m, then x ↦ (x − μ)/σ with
  the training mean μ and standard deviation σ (``SimpleImputer``, ``StandardScaler``);
* categories: a missing value becomes the most frequent one, then a column of 0/1 per
  category seen in training, all 0 for one it never saw (``OneHotEncoder``);
* missing-value indicators: 1 where the value was missing (``MissingIndicator``);

side by side in the order of the ``ColumnTransformer``. ``nnlearn train`` and ``nnlearn
predict`` transform tables this way; ``nnlearn predict`` reads the arrays from the model
file's parts (:func:`nnlearn.io.model_reader.load_parts`), without importing scikit-learn,
whose import is most of the time a prediction for a small file takes. The model file loaded
in Python (``nl.load``) is scikit-learn's ``Pipeline``: its ``transform`` gives the same numbers
(the tests compare the two, bit for bit).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from nnlearn.tabular.columns import Columns

NAN = math.nan

#: nnlearn train's preprocessing, for each kind of column: its transformers in order, each as
#: its class name and the parameters that decide what it computes (the others do not).
STEPS: dict[str, tuple[tuple[str, dict[str, Any]], ...]] = {
    "numbers": (
        ("SimpleImputer", {"strategy": "median", "missing_values": NAN, "add_indicator": False,
                           "keep_empty_features": False}),
        ("StandardScaler", {"with_mean": True, "with_std": True}),
    ),
    "categories": (
        ("SimpleImputer", {"strategy": "most_frequent", "missing_values": NAN,
                           "add_indicator": False, "keep_empty_features": False}),
        ("OneHotEncoder", {"handle_unknown": "ignore", "sparse_output": False,
                           "categories": "auto", "drop": None, "min_frequency": None,
                           "max_categories": None, "dtype": np.float64}),
    ),
    "missing": (("MissingIndicator", {"features": "all", "missing_values": NAN}),),
}
#: The parameters of the ColumnTransformer that holds them.
COLUMN_TRANSFORMER = {"remainder": "drop", "sparse_threshold": 0, "transformer_weights": None}


class OtherPreprocessing(ValueError):
    """A preprocessing that is not of the form of :data:`STEPS` (the message says where)."""


@dataclass(frozen=True)
class FittedPreprocessing:
    """What nnlearn train's fitted preprocessing learned, and its transform.

    Attributes
    ----------
    columns : Columns
        The feature columns, by kind.
    kinds : tuple of str
        The kinds of column in the order of the output's blocks.
    medians, means, scales : ndarray of shape (len(columns.numbers),)
        m, μ and σ of each column of numbers.
    most_frequent : list of str
        The value imputed in each category column.
    categories : list of ndarray
        The categories seen in training, per category column, in the order of the 0/1 columns.
    """

    columns: Columns
    kinds: tuple[str, ...]
    medians: np.ndarray
    means: np.ndarray
    scales: np.ndarray
    most_frequent: list[str]
    categories: list[np.ndarray]

    @classmethod
    def of(cls, preprocessing: Any) -> FittedPreprocessing:
        """The fitted ``ColumnTransformer`` of nnlearn train, or its parts as a model file holds
        them, checked to have the form of :data:`STEPS` and arrays that fit its columns.

        Raises
        ------
        OtherPreprocessing
            If it is another preprocessing, or its arrays do not fit its columns.
        """
        _check_form(preprocessing, "ColumnTransformer", COLUMN_TRANSFORMER, "the preprocessing")
        columns = Columns.of(preprocessing)
        kinds = tuple(name for name, transformer, _ in preprocessing.transformers_
                      if name != "remainder" or transformer != "drop")
        if not set(kinds) <= set(STEPS) or len(set(kinds)) != len(kinds):
            raise OtherPreprocessing(f"the preprocessing has the transformers {kinds}; nnlearn "
                                     f"train's are {tuple(STEPS)}")
        steps = {}
        for name, transformer, selected in preprocessing.transformers_:
            if name in STEPS:
                steps[name] = _checked_steps(name, transformer, list(selected))
        n_numbers = len(columns.numbers)
        medians, means, scales = (np.empty(0),) * 3
        if "numbers" in steps:
            imputer, scaler = steps["numbers"]
            medians, means, scales = (_finite_vector(getattr(part, key), key, n_numbers)
                                      for part, key in ((imputer, "statistics_"),
                                                        (scaler, "mean_"), (scaler, "scale_")))
            if not (scales > 0).all():
                raise OtherPreprocessing("the scaler's scale_ holds values that are not positive")
        most_frequent, categories = [], []
        if "categories" in steps:
            imputer, encoder = steps["categories"]
            most_frequent = _texts(imputer.statistics_, "statistics_")
            for known in encoder.categories_:
                values = _texts(known, "categories_")
                if len(set(values)) != len(values):
                    raise OtherPreprocessing("the encoder's categories_ repeat a category")
                categories.append(np.array(values, dtype=object))
            if len(most_frequent) != len(columns.categories) or \
                    len(categories) != len(columns.categories):
                raise OtherPreprocessing("the category columns' arrays do not fit their columns")
        if "missing" in steps:
            (indicator,) = steps["missing"]
            if getattr(indicator, "_precomputed", False) is not False:
                raise OtherPreprocessing("the missing-value indicator takes masks, not values")
            features = np.asarray(indicator.features_)
            if not np.array_equal(features, np.arange(len(columns.missing))):
                raise OtherPreprocessing("the missing-value indicator does not cover its columns")
        return cls(columns, kinds, medians, means, scales, most_frequent, categories)

    @property
    def n_inputs(self) -> int:
        """The number of columns :meth:`transform` gives: the network's inputs."""
        widths = {"numbers": len(self.columns.numbers), "missing": len(self.columns.missing),
                  "categories": sum(len(known) for known in self.categories)}
        return sum(widths[kind] for kind in self.kinds)

    def transform(self, frame: pd.DataFrame, source: str) -> np.ndarray:
        """The network's inputs for the prepared ``frame`` (:meth:`Columns.prepare`), of shape
        (n_rows, n_inputs); a standardized value that overflows is an error naming its column
        and row."""
        blocks = {"numbers": self._numbers, "categories": self._categories,
                  "missing": self._missing}
        parts = [blocks[kind](frame, source) for kind in self.kinds]
        return np.hstack(parts) if parts else np.empty((len(frame), 0))

    def _numbers(self, frame: pd.DataFrame, source: str) -> np.ndarray:
        X = frame[self.columns.numbers].to_numpy(dtype=np.float64, copy=True)
        missing = np.isnan(X)
        X[missing] = np.broadcast_to(self.medians, X.shape)[missing]
        with np.errstate(over="ignore", invalid="ignore"):
            X -= self.means
            X /= self.scales
        rows, columns = np.nonzero(~np.isfinite(X))
        if rows.size:
            name = self.columns.numbers[columns[0]]
            value = frame[name].iloc[rows[0]]
            raise ValueError(
                f"{source}: column {name!r}, row {frame.index[rows[0]] + 1}: {value:.3g} "
                "overflows float64 when standardized as in training (rescale the column)")
        return X

    def _categories(self, frame: pd.DataFrame, source: str) -> np.ndarray:
        one_hot = []
        for name, frequent, known in zip(self.columns.categories, self.most_frequent,
                                         self.categories, strict=True):
            codes = pd.Index(known).get_indexer(frame[name].fillna(frequent))
            one_hot.append(codes[:, None] == np.arange(len(known)))  # −1, unseen: no column
        return np.hstack(one_hot).astype(np.float64)

    def _missing(self, frame: pd.DataFrame, source: str) -> np.ndarray:
        return frame[self.columns.missing].isna().to_numpy(dtype=np.float64)

    def unseen_categories(self, frame: pd.DataFrame) -> dict[str, list[str]]:
        """The values of each category column of ``frame`` that training never saw (they are
        encoded as no category), by column."""
        unseen = {}
        for name, known in zip(self.columns.categories, self.categories, strict=True):
            column = frame[name].dropna()
            values = column[~column.isin(known)].unique().tolist()
            if values:
                unseen[name] = values
        return unseen


def _described(obj: Any) -> tuple[str, dict[str, Any]]:
    """The class name and parameters of a scikit-learn estimator, or of its parts as a model
    file holds them (``name``, ``params``); the fitted attributes read the same on both."""
    if hasattr(obj, "get_params"):
        return type(obj).__name__, obj.get_params(deep=False)
    return getattr(obj, "name", type(obj).__name__), getattr(obj, "params", {})


def _check_form(obj: Any, name: str, params: dict[str, Any], where: str) -> None:
    found, given = _described(obj)
    if found != name:
        raise OtherPreprocessing(f"{where} is a {found}, not a {name}")
    for key, value in params.items():
        if not _same(given.get(key, ...), value):
            raise OtherPreprocessing(f"{where} has {key}={given.get(key)!r}, not {value!r}")


def _same(found: Any, expected: Any) -> bool:
    """``found`` is the parameter value ``expected`` (NaN is NaN; a dtype, given as its
    scalar type, is that very type)."""
    if isinstance(expected, type):
        return found is expected
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(found, float) and math.isnan(found)
    return type(found) is type(expected) and bool(found == expected)


def _checked_steps(kind: str, transformer: Any, selected: list[str]) -> list[Any]:
    """The fitted transformers of ``kind`` in the order of :data:`STEPS`, each checked to be
    of its class and parameters and fitted to the columns ``selected``."""
    expected = STEPS[kind]
    if len(expected) == 1:
        steps = [transformer]
    else:
        _check_form(transformer, "Pipeline", {}, f"the {kind}' transformer")
        steps = [step for _, step in _described(transformer)[1].get("steps", [])]
        if len(steps) != len(expected):
            raise OtherPreprocessing(f"the {kind}' pipeline has {len(steps)} steps, not "
                                     f"{len(expected)}")
    for step, (name, params) in zip(steps, expected, strict=True):
        _check_form(step, name, params, f"the {kind}' {name}")
        names = getattr(step, "feature_names_in_", None)
        if getattr(step, "n_features_in_", None) != len(selected) or (
                names is not None and list(names) != selected):
            raise OtherPreprocessing(f"the {kind}' {name} was fitted to other columns")
    return steps


def _finite_vector(values: Any, name: str, n: int) -> np.ndarray:
    values = np.asarray(values)
    if values.dtype != np.float64 or values.shape != (n,) or not np.isfinite(values).all():
        raise OtherPreprocessing(f"{name} is not {n} finite float64 values")
    return values


def _texts(values: Any, name: str) -> list[str]:
    values = np.asarray(values)
    if values.ndim != 1 or not all(isinstance(value, str) for value in values.tolist()):
        raise OtherPreprocessing(f"{name} is not a list of text values")
    return values.tolist()
