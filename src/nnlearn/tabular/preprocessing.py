"""The preprocessing ``nnlearn train`` fits to a table, made of scikit-learn's transformers.

Each feature column is one of two kinds, and becomes numbers for the network so:

* **numbers** (columns pandas reads as numbers): a missing value becomes the column's median
  (``SimpleImputer``), then every value is standardized, x ↦ (x − μ)/σ with the mean μ and
  standard deviation σ of the training rows (``StandardScaler``);
* **categories** (text, true/false, and the columns named by ``--categories``): a missing value
  becomes the most frequent one, then each category is a column of 0/1 (``OneHotEncoder``); a
  category that training never saw is all zeros (``handle_unknown="ignore"``);
* every column with missing values in training also gets an indicator column, 1 where the
  value was missing (``MissingIndicator``).

The transformers (:data:`~nnlearn.tabular.fitted.STEPS`) sit in one ``ColumnTransformer``
that is saved with the network (:mod:`nnlearn.io.transformers`); what they learned is applied
by :class:`~nnlearn.tabular.fitted.FittedPreprocessing`, in training and in ``nnlearn
predict`` alike. Numbers too large to standardize are an error naming their column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from nnlearn.tabular.columns import Columns
from nnlearn.tabular.fitted import COLUMN_TRANSFORMER, STEPS, FittedPreprocessing

#: The classes of :data:`~nnlearn.tabular.fitted.STEPS`, by name.
CLASSES = {cls.__name__: cls for cls in (SimpleImputer, StandardScaler, OneHotEncoder,
                                         MissingIndicator)}


def column_transformer(columns: Columns) -> ColumnTransformer:
    """The unfitted preprocessing of ``columns``: for each kind of column that has some, its
    transformers of :data:`~nnlearn.tabular.fitted.STEPS`."""
    selected = {"numbers": columns.numbers, "categories": columns.categories,
                "missing": columns.missing}
    transformers = []
    for kind, steps in STEPS.items():
        if selected[kind]:
            built = [CLASSES[name](**params) for name, params in steps]
            transformer = built[0] if len(built) == 1 else make_pipeline(*built)
            transformers.append((kind, transformer, selected[kind]))
    return ColumnTransformer(transformers, **COLUMN_TRANSFORMER)


def fit_transform(preprocessing: ColumnTransformer, frame: pd.DataFrame, source: str
                  ) -> np.ndarray:
    """Fit ``preprocessing`` to the prepared ``frame`` and transform it; numbers too large
    to standardize (their mean or variance overflows float64) are an error naming the column."""
    with np.errstate(over="ignore", invalid="ignore"):
        preprocessing.fit(frame)
    numbers = Columns.of(preprocessing).numbers
    if numbers:
        scaler = preprocessing.named_transformers_["numbers"][-1]
        statistics = np.vstack([scaler.mean_, scaler.var_, scaler.scale_])
        overflowed = ~np.isfinite(statistics).all(axis=0)
        if overflowed.any():
            name = numbers[np.argmax(overflowed)]
            largest = frame[name].abs().max()
            raise ValueError(
                f"{source}: column {name!r} holds numbers as large as {largest:.3g}, too "
                "large to standardize: the mean or variance of its values overflows float64 "
                "(rescale the column, e.g. divide it by a power of ten)")
    return FittedPreprocessing.of(preprocessing).transform(frame, source)
