"""The target column of a table: classification or regression, and its values.

>>> import pandas as pd
>>> task, y = targets(pd.Series([0, 1, 2, 1]), "y")
>>> task, y.tolist()
('classification', [0, 1, 2, 1])
>>> targets(pd.Series([0.5, 1.7]), "y")[0], targets(pd.Series(["b", "a"]), "y")[1].tolist()
('regression', ['b', 'a'])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nnlearn.tabular.columns import category_text, first_non_number
from nnlearn.tabular.limits import MAX_INFERRED_CLASSES


def targets(target: pd.Series, name: str, task: str | None = None) -> tuple[str, np.ndarray]:
    """The task and the targets the estimator is fitted to.

    Parameters
    ----------
    target : pandas.Series
        The target column, without missing values.
    name : str
        Its name, for error messages.
    task : {"classification", "regression"} or None, default None
        None: classification for text, true/false or at most :data:`MAX_INFERRED_CLASSES`
        distinct whole numbers; regression for other numbers.

    Returns
    -------
    task : str
    y : ndarray of shape (n_rows,)
        Class labels (integers when every label is a whole number, else text as
        :func:`~nnlearn.tabular.columns.category_text` writes it), or float64 values.

    Raises
    ------
    ValueError
        If a number is not finite, or regression is asked for a column of text.
    """
    numbers = pd.api.types.is_numeric_dtype(target) and not pd.api.types.is_bool_dtype(target)
    values = target.to_numpy(dtype=np.float64) if numbers else None
    if values is not None and not np.isfinite(values).all():
        row = target.index[np.argmax(~np.isfinite(values))]
        raise ValueError(f"--target: column {name!r} holds a value that is not finite "
                         f"({target[row]} in row {row + 1})")
    if task == "regression" and values is None:
        row = first_non_number(target)
        raise ValueError(f"--task regression: the target column {name!r} must hold numbers, "
                         f"but row {row + 1} holds {target[row]!r}")
    whole = values is not None and bool((values == np.round(values)).all()) \
        and bool(np.abs(values).max() < 2 ** 53)  # exactly representable integers
    if task is None:
        few = target.nunique() <= MAX_INFERRED_CLASSES
        task = "regression" if values is not None and not (whole and few) else "classification"
    if task == "regression":
        return task, values
    if whole:
        return task, values.astype(np.int64)
    return task, category_text(target).to_numpy(dtype=object)
