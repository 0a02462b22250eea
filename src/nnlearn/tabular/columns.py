"""The feature columns of a table, by the kind of values they hold, and their checks.

A column of **numbers** is one pandas reads as numbers (not true/false); every other column
holds **categories** (text, true/false, and the columns ``--categories`` names). A column
without any value is left out. The checks name the column and the row at fault: a value
that is not finite, a column of numbers with a word in it (or a decimal comma), a column of
more categories than ``--max-categories``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from nnlearn.checks import check_integer
from nnlearn.tabular.limits import MAX_CATEGORIES


@dataclass
class Columns:
    """The feature columns of a table, by kind.

    Attributes
    ----------
    numbers : list of str
        Imputed with the median, standardized.
    categories : list of str
        Imputed with the most frequent value, one-hot encoded.
    missing : list of str
        The columns that get a missing-value indicator.
    empty : list of str
        The columns without any value, left out.
    """

    numbers: list[str]
    categories: list[str]
    missing: list[str]
    empty: list[str]

    #: The names of the transformers of :meth:`preprocessing`, by the columns they take.
    KINDS = ("numbers", "categories", "missing")

    @property
    def features(self) -> list[str]:
        return [*self.numbers, *self.categories]

    @classmethod
    def of(cls, preprocessing: Any) -> Columns:
        """The columns a fitted preprocessing (the ``ColumnTransformer`` of
        :func:`~nnlearn.tabular.preprocessing.column_transformer`, or its parts) was made for."""
        columns = {name: list(selected) for name, _, selected in preprocessing.transformers_}
        return cls(*(columns.get(name, []) for name in cls.KINDS), empty=[])

    @classmethod
    def infer(cls, frame: pd.DataFrame, features: Sequence[str], source: str, *,
              categories: Sequence[str] = (), max_categories: int = MAX_CATEGORIES) -> Columns:
        """The kind of each column of ``features`` (``categories`` are categories whatever
        they hold); a text column that holds numbers but for a few cells is an error, as is
        a column of more than ``max_categories`` categories."""
        max_categories = check_integer(max_categories, "max_categories", minimum=1)
        numbers, kinds, empty = [], [], []
        for name in features:
            column = frame[name]
            if column.isna().all():
                empty.append(name)
            elif name in categories or not _is_numbers(column):
                if name not in categories:
                    _refuse_numbers_as_text(column, name, source)
                count = column.nunique()
                if count > max_categories:
                    raise ValueError(
                        f"{source}: column {name!r} holds {count:,} different values; as "
                        f"categories they would be {count:,} columns of 0/1, more than "
                        f"--max-categories {max_categories}: leave the column out with "
                        f"--ignore {name!r}, or raise --max-categories")
                kinds.append(name)
            else:
                numbers.append(name)
        missing = [name for name in [*numbers, *kinds] if frame[name].isna().any()]
        return cls(numbers, kinds, missing, empty)

    def prepare(self, frame: pd.DataFrame, source: str) -> pd.DataFrame:
        """The feature columns of ``frame`` as the preprocessing takes them: numbers as
        float64 (finite or missing), categories as text (:func:`category_text`)."""
        prepared = {}
        for name in self.numbers:
            column = frame[name]
            if not _is_numbers(column):
                bad = first_non_number(column)
                raise ValueError(f"{source}: column {name!r} must hold numbers, but row "
                                 f"{bad + 1} holds {column[bad]!r}{_hint(column)}")
            values = column.astype(np.float64)
            infinite = np.isinf(values.to_numpy())
            if infinite.any():
                row = int(np.argmax(infinite))
                raise ValueError(
                    f"{source}: column {name!r} holds a value that is not finite ("
                    f"{values.iloc[row]} in row {frame.index[row] + 1}); nnlearn needs finite "
                    "numbers (leave a cell empty for a missing value)")
            prepared[name] = values
        for name in self.categories:
            prepared[name] = category_text(frame[name])
        return pd.DataFrame(prepared, index=frame.index)


def category_text(column: pd.Series) -> pd.Series:
    """The values of a category column as text, the same however pandas read the column:
    whole numbers without a decimal point (2.0 and 2 are "2"), true/false as "True"/"False";
    missing values stay missing."""
    if pd.api.types.is_float_dtype(column) and bool(
            (column.dropna() == np.round(column.dropna())).all()):
        column = column.astype("Int64")
    return column.astype(str).where(column.notna())  # pandas 2 would write NaN as "nan"


def _is_numbers(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def first_non_number(column: pd.Series) -> int:
    """The index label of the first present cell of ``column`` that is not a number (as
    text: true/false is not one); the first present cell if all are."""
    text = column.dropna().astype(str)
    bad = text.index[pd.to_numeric(text, errors="coerce").isna().to_numpy()]
    return int(bad[0] if bad.size else text.index[0])


def _has_decimal_commas(column: pd.Series) -> bool:
    """Whether every value of the text column ``column`` is a number once its decimal comma
    is a point (and some have one)."""
    present = column.dropna().astype(str)
    with_point = pd.to_numeric(present.str.replace(",", ".", regex=False), errors="coerce")
    return bool(present.str.contains(",", regex=False).any() and with_point.notna().all())


def _hint(column: pd.Series) -> str:
    if _has_decimal_commas(column):
        return " (numbers with a decimal comma? read them with --decimal ,)"
    return " (leave a cell empty for a missing value)"


def _refuse_numbers_as_text(column: pd.Series, name: str, source: str) -> None:
    """A text column most of whose cells are numbers is a column of numbers with bad cells
    (or a decimal comma): an error, unless ``--categories`` says it holds categories."""
    present = column.dropna().astype(str)
    numbers = pd.to_numeric(present, errors="coerce").notna().sum()
    if present.size and (2 * numbers > present.size or _has_decimal_commas(column)):
        bad = first_non_number(column)
        raise ValueError(
            f"{source}: column {name!r} holds numbers, but row {bad + 1} holds "
            f"{column[bad]!r}{_hint(column)}; if the column holds categories, say so with "
            f"--categories {name!r}")
